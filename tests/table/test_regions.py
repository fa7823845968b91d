"""The regions table: levels from a file or from names, its contract, its checks, and what ``fazhi build`` does."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES_RAW, run_fazhi

from fazhi_analysis import build
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import manifest, regions


def _grid(*rows: tuple) -> np.ndarray:
    width = max(len(r) for r in rows)
    return np.array([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


@pytest.mark.parametrize(
    ("name", "level"),
    [("新疆维吾尔自治区", "省"), ("浙江省", "省"), ("香港特别行政区", "省"), ("昌吉回族自治州", "市"),
     ("喀什地区", "市"), ("锡林郭勒盟", "市"), ("达坂城区", "县"), ("玛纳斯县", "县"), ("巴里坤哈萨克自治县", "县"),
     ("鄂托克旗", "县"), ("阜康市", None), ("乌鲁木齐市", None), ("示例区甲", None)],
)  # fmt: skip
def test_the_name_decides_the_level_only_where_it_can(name: str, level: str | None) -> None:
    assert regions.level_of(name) == level  # a …市 may be 地级, 县级 or 直辖: never guessed


def test_a_table_is_read_with_its_levels_spelt_many_ways_and_each_bad_row_named() -> None:
    grid = _grid(
        ("地区", "层级", "上级", "常住人口(万人)", "分组"),
        ("天山区", "区", "乌鲁木齐市", "50.1", "城区"),
        ("阜康市", "县级市", "昌吉回族自治州", "17", None),
        ("乌鲁木齐市", "地级市", "新疆维吾尔自治区", "1,000", None),
        ("天山区", "区", "乌鲁木齐市", None, None),
        ("某镇", "镇", "天山区", "abc", None),
        (None, None, None, None, None),
    )
    table, problems = regions.from_grid(grid, "regions.csv")
    regions.RegionsTable.validate(table)
    assert table["region"].tolist() == ["天山区", "阜康市", "乌鲁木齐市", "某镇"]
    assert table["level"].tolist()[:3] == ["县", "县", "市"] and pd.isna(table["level"].iloc[3])
    assert table["population"].tolist()[:3] == [50.1, 17.0, 1000.0]
    assert table["source"].tolist()[0] == "regions.csv:2"
    found = [(p["rule"], p["level"], p["source"]) for p in problems]
    assert found == [
        ("regions_duplicate", "error", "regions.csv:5"),
        ("regions_level", "error", "regions.csv:6"),
        ("regions_population", "error", "regions.csv:6"),
    ]
    assert "层级“镇”无法识别" in problems[1]["message_zh"] and "regions.csv:6" in problems[1]["message_zh"]


def test_a_table_without_its_required_columns_is_refused_naming_the_file() -> None:
    with pytest.raises(InputError, match=r"regions\.xlsx: 缺少列 上级"):
        regions.from_grid(_grid(("地区", "层级"), ("天山区", "区")), "regions.xlsx")


def test_the_table_and_the_data_are_checked_against_each_other() -> None:
    table, _ = regions.from_grid(
        _grid(("地区", "层级", "上级"), ("天山区", "区", "乌鲁木齐市"), ("新市区", "区", "乌鲁木齐市")), "r.csv"
    )
    found = regions.coverage(table, ["天山区", "沙依巴克区"])
    assert [(p["rule"], p["level"], p["region"]) for p in found] == [
        ("regions_missing", "error", "沙依巴克区"),  # figures, but not in the table: its peers cannot be told
        ("regions_unused", "warning", "新市区"),  # in the table, without figures
    ]


def test_regions_not_listed_get_the_level_their_names_tell() -> None:
    table, _ = regions.from_grid(_grid(("地区", "层级", "上级"), ("阜康市", "县级市", "昌吉回族自治州")), "r.csv")
    resolved = regions.resolve(table, ["阜康市", "玛纳斯县", "昌吉市"]).set_index("region")
    assert resolved["level"].tolist()[:2] == ["县", "县"] and pd.isna(resolved.loc["昌吉市", "level"])
    assert resolved["inferred"].tolist() == [False, True, True]
    assert regions.ambiguous(["天山区", "昌吉市"]) == ["昌吉市"] and regions.ambiguous(["昌吉市", "阜康市"]) == []


@pytest.fixture(scope="module")
def raw_with_regions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw") / "raw"
    shutil.copytree(EXAMPLES_RAW, raw)
    (raw / "regions.csv").write_text(
        "地区,层级,上级,常住人口（万人）,分组\n"
        "示例区甲,区,示例市,52.3,城区\n示例区乙,区,示例市,31,城区\n示例区丙,县,示例市,18.5,郊县\n"
        "示例区丁,县级市,示例市,40,郊县\n示例市,市,示例省,300,\n",
        encoding="utf-8",
    )
    return raw


def test_build_writes_the_regions_table_with_its_findings_and_in_the_manifest(raw_with_regions, tmp_path) -> None:
    processed = tmp_path / "processed"
    table, findings, rejects = build.build_checked(raw_with_regions, processed, quiet=True)
    written = pd.read_parquet(processed / "regions.parquet")
    regions.RegionsTable.validate(written.astype(regions.DTYPES))
    assert written["region"].tolist() == ["示例区甲", "示例区乙", "示例区丙", "示例区丁", "示例市"]
    mine = findings[findings["rule"].str.startswith("regions_")]
    assert sorted(zip(mine["rule"], mine["region"])) == [("regions_missing", "示例区戊"), ("regions_unused", "示例市")]
    assert not rejects["source"].astype(str).str.contains("regions.csv").any()  # not read as a department's table
    assert manifest.same_build(processed / "indicators.parquet", processed / "regions.parquet")
    assert regions.load(processed / "indicators.parquet")["region"].tolist() == written["region"].tolist()


def test_without_a_file_the_regions_table_is_empty_and_a_city_among_districts_is_warned(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for region in ("天山区", "昌吉市"):
        (raw / f"{region}.txt").write_text(f"{region}2024年法治政府建设情况报告\n全年收到行政复议申请12件。\n", "utf-8")
    _, findings, _ = build.build_checked(raw, tmp_path / "processed", quiet=True)
    assert regions.load(tmp_path / "processed" / "indicators.parquet") is None
    warned = findings[findings["rule"] == "regions_inferred"]
    assert warned["region"].tolist() == ["昌吉市"] and (warned["level"] == "warning").all()


def test_a_regions_file_without_its_columns_stops_the_build_with_exit_2(tmp_path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(EXAMPLES_RAW, raw)
    (raw / "regions.csv").write_text("地区,人口\n示例区甲,5\n", encoding="utf-8")
    result = run_fazhi("build", "--raw", str(raw), "--processed", str(tmp_path / "out"))
    assert result.returncode == 2 and "regions.csv: 缺少列 层级、上级" in result.stderr
