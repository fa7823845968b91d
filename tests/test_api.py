"""The public face: `import fazhi_analysis` is light, and every name it lists resolves."""

from __future__ import annotations

import subprocess
import sys

import fazhi_analysis


def test_every_public_name_resolves() -> None:
    for name in fazhi_analysis.__all__:
        assert getattr(fazhi_analysis, name) is not None, name
    assert callable(fazhi_analysis.run_report) and callable(fazhi_analysis.clean_files)
    for name in ("rates", "with_rates", "targets", "against_targets"):
        assert callable(getattr(fazhi_analysis, name)) and name in fazhi_analysis.__all__, name


def test_importing_the_package_loads_no_stage() -> None:
    stages = ("pandas", "matplotlib", "papermill")
    code = f"import sys, fazhi_analysis; print(sorted(m for m in {stages!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_dir_shows_only_the_api() -> None:
    assert dir(fazhi_analysis) == sorted(fazhi_analysis.__all__)
    assert not {"annotations", "Any", "import_module", "importlib"} & set(dir(fazhi_analysis))


def test_indicators_by_id_or_chinese_name(example_table) -> None:
    import fazhi_analysis as fz

    table = fz.load_table(example_table)
    by_name = fz.trend(table, "示例区甲", indicators=["行政检查"])
    assert by_name.equals(fz.trend(table, "示例区甲", indicators=["enforcement.inspections"]))
    assert by_name["year"].tolist() == [2021, 2022, 2023, 2024] and set(by_name["name"]) == {"行政检查"}
    by_id = fz.peers(table, 2024, "disputes.reconsideration_applications")
    assert fz.peers(table, 2024, "收到行政复议申请").equals(by_id)
    assert fz.trend(table, "示例区甲", ["追回欠薪金额"]).empty  # a catalog indicator the region never reported


def test_an_unknown_region_indicator_or_year_names_what_exists(example_table) -> None:
    import pytest

    import fazhi_analysis as fz

    table = fz.load_table(example_table)
    with pytest.raises(fz.InputError, match="2030.*2021、2022、2023、2024"):
        fz.peers(table, 2030)
    with pytest.raises(fz.InputError, match="不存在区.*示例区丁、示例区丙"):
        fz.peers(table, 2024, regions=["不存在区", "示例区甲"])
    with pytest.raises(fz.InputError, match="行政检察.*行政检查（enforcement.inspections）"):
        fz.trend(table, "示例区甲", ["行政检察"])
    with pytest.raises(fz.InputError, match="示例区X.*示例区甲"):
        fz.trend(table, "示例区X")
    with pytest.raises(fz.InputError, match="2030"):
        fz.highlights(table, "示例区甲", 2030)


def test_peers_rank_the_computed_rates_as_the_report_does(example_table) -> None:
    import fazhi_analysis as fz

    ranked = fz.peers(fz.load_table(example_table), 2024, "行政复议纠错率")
    assert ranked["reported"].all() and ranked["raw"].str.fullmatch(r"\d+÷\d+").all()
    assert ranked.set_index("region").at["示例区甲", "rank"] == 4


def test_the_project_table_is_the_default(example_table, monkeypatch, tmp_path) -> None:
    import shutil

    import fazhi_analysis as fz

    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copytree(example_table.parent, tmp_path / "data" / "processed")
    monkeypatch.setenv("FAZHI_ROOT", str(tmp_path))
    table = fz.load_table()
    assert fz.region_year(table) == ("示例区丁", 2024) and fz.region_year(table, "示例区乙", 2023) == ("示例区乙", 2023)
