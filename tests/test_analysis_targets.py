"""Targets read from targets.yaml and held against a region's figures, worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from report_data import tidy_rows

from fazhi_analysis import analysis, project
from fazhi_analysis.errors import InputError

APPEARANCE_RATE, CASES, LOST = "disputes.head_appearance_rate", "disputes.litigation_cases", "disputes.litigation_lost"
LOSS_RATE, CORRECTION_RATE = "disputes.litigation_loss_rate", "disputes.reconsideration_correction_rate"
TARGETS = """\
targets:
  - {indicator: disputes.head_appearance_rate, comparison: ">=", value: 100, source: 甲文件}
  - {indicator: disputes.litigation_loss_rate, comparison: "<=", value: 15, region: 示例区甲, source: 乙文件,
     note: 示例}
  - {indicator: disputes.reconsideration_correction_rate, comparison: "<", value: 10, year: 2024, source: 丙文件}
  - {indicator: disputes.head_appearance_rate, comparison: ">=", value: 90, region: 示例区乙, source: 丁文件}
  - {indicator: disputes.litigation_cases, comparison: ">=", value: 8, year: 2023, source: 戊文件}
  - {indicator: disputes.litigation_cases, comparison: ">=", value: 8, source: 己文件}
  - {indicator: disputes.litigation_cases, comparison: ">", value: 8, source: 庚文件}
"""


EXAMPLE = tidy_rows(
    [
        ("示例区甲", 2024, APPEARANCE_RATE, 95, "%"), ("示例区甲", 2024, LOST, 1, "件"),
        ("示例区甲", 2024, CASES, 8, "件"), ("示例区甲", 2023, CASES, 4, "件"),
        ("示例区乙", 2024, APPEARANCE_RATE, 100, "%"),
    ]
)  # fmt: skip


@pytest.fixture
def goals(tmp_path) -> pd.DataFrame:
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS, encoding="utf-8")
    return analysis.targets(path)


def test_targets_are_read_with_their_indicator_name_unit_file_and_entry(goals, tmp_path) -> None:
    assert list(goals.columns) == analysis.TARGET_COLUMNS and len(goals) == 7
    first = goals.iloc[0]
    assert (first["indicator"], first["comparison"], first["value"], first["source"]) == (
        APPEARANCE_RATE, ">=", 100.0, "甲文件",
    )  # fmt: skip
    assert first["name"] == "行政机关负责人出庭应诉率" and first["unit"] == "%"
    assert pd.isna(first["region"]) and pd.isna(first["year"]) and pd.isna(first["note"])
    assert goals.loc[1, "region"] == "示例区甲" and goals.loc[1, "note"] == "示例" and goals.loc[2, "year"] == 2024
    assert goals["entry"].tolist() == [1, 2, 3, 4, 5, 6, 7] and set(goals["file"]) == {str(tmp_path / "targets.yaml")}


def test_each_applicable_target_is_met_missed_or_without_a_figure(goals) -> None:
    found = analysis.against_targets(EXAMPLE, "示例区甲", 2024, goals)
    assert list(found.columns) == analysis.AGAINST_COLUMNS
    assert found["source"].tolist() == ["甲文件", "乙文件", "丙文件", "己文件", "庚文件"]  # not 丁 (乙区) nor 戊 (2023)
    missed, computed, missing, tie, strict = (found.iloc[i] for i in range(5))
    assert missed["value"] == 95 and not missed["met"] and missed["gap"] == -5 and missed["origin"] == "reported"
    assert missed["text"] == "行政机关负责人出庭应诉率为95%，未达到目标（不低于100%，依据：甲文件），相差5个百分点"
    assert computed["value"] == 12.5 and computed["met"] and computed["gap"] == -2.5  # 1 ÷ 8 = 12.5 % ≤ 15 %
    assert computed["origin"] == "computed" and computed["note"] == "示例"
    assert computed["text"] == "行政诉讼败诉率为12.5%（计算值：1÷8），达到目标（不高于15%，依据：乙文件）"
    assert (
        pd.isna(missing["value"]) and pd.isna(missing["met"]) and pd.isna(missing["gap"]) and pd.isna(missing["origin"])
    )
    assert missing["text"] == "行政复议纠错率本年没有数据，无法判断是否达到目标（低于10%，依据：丙文件）"
    assert tie["met"] and tie["gap"] == 0  # 8 件 ≥ 8 件
    assert not strict["met"] and strict["gap"] == 0  # 8 件 is not > 8 件


def test_a_region_target_applies_to_that_region_only(goals) -> None:
    found = analysis.against_targets(EXAMPLE, "示例区乙", 2024, goals)
    assert found["source"].tolist() == ["甲文件", "丙文件", "丁文件", "己文件", "庚文件"]
    assert found["met"].tolist()[:1] == [True] and found.loc[2, "gap"] == 10  # 100 % against ≥ 90 %
    assert found.loc[3, "text"].startswith("行政应诉案件本年没有数据")


def test_a_year_target_applies_to_that_year(goals) -> None:
    found = analysis.against_targets(EXAMPLE, "示例区甲", 2023, goals)
    assert found["source"].tolist() == ["甲文件", "乙文件", "戊文件", "己文件", "庚文件"]
    assert found.loc[2, "value"] == 4 and not found.loc[2, "met"] and found.loc[2, "gap"] == -4
    assert found.loc[2, "text"].endswith("相差4件")


def test_no_data_for_the_region_year_is_an_input_error(goals) -> None:
    with pytest.raises(InputError, match="示例区甲"):
        analysis.against_targets(EXAMPLE, "示例区甲", 2020, goals)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("{indicator: no.such, comparison: '>=', value: 1, source: 文}", "indicator"),
        ("{indicator: disputes.litigation_cases, comparison: '=>', value: 1, source: 文}", "comparison"),
        ("{indicator: disputes.litigation_cases, comparison: '>=', value: '95', source: 文}", "value"),
        ("{indicator: disputes.litigation_cases, comparison: '>=', value: .nan, source: 文}", "value"),
        ("{indicator: disputes.litigation_cases, comparison: '>=', value: 1}", "source"),
        ("{indicator: disputes.litigation_cases, comparison: '>=', value: 1, source: '  '}", "source"),
        ("{indicator: disputes.litigation_cases, comparison: '>=', value: 1, source: 文, year: 二〇二四}", "year"),
        ("{indicator: disputes.litigation_cases, comparison: '>=', value: 1, source: 文, regoin: 甲}", "regoin"),
        ("[disputes.litigation_cases, '>=', 1]", ""),
    ],
)
def test_a_bad_entry_names_the_file_the_entry_and_the_field(tmp_path, entry, field) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(f"targets:\n  - {{indicator: disputes.litigation_cases, comparison: '>=', value: 1, source: 文}}\n"
                    f"  - {entry}\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError) as err:
        analysis.targets(path)
    assert str(err.value).startswith(f"{path}: targets[1]{'.' + field if field else ''}: ") and " / " in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("targets: [\n", "invalid YAML"),
        ("goals: []\n", "goals: 未知的项 / unknown entry"),
        ("targets: {a: 1}\n", "targets: 应为列表"),
    ],
)
def test_a_bad_targets_file_names_the_file(tmp_path, text, message) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        analysis.targets(path)
    assert str(path) in str(err.value)
    with pytest.raises(InputError, match="no such targets file"):
        analysis.targets(tmp_path / "missing.yaml")


def test_by_default_the_bundled_targets_none_and_the_projects(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    assert analysis.targets().empty  # no bundled target: none could be cited
    assert analysis.against_targets(EXAMPLE, "示例区甲", 2024).empty
    project.Project(tmp_path).targets.write_text(TARGETS, encoding="utf-8")
    assert analysis.targets()["source"].tolist()[:2] == ["甲文件", "乙文件"]
    assert analysis.against_targets(EXAMPLE, "示例区甲", 2024)["met"].tolist()[:2] == [False, True]


def test_init_writes_a_targets_example_that_holds_no_target(tmp_path, monkeypatch) -> None:
    root = tmp_path / "p"
    assert root / "targets.yaml" in project.init(root)
    monkeypatch.setenv(project.ROOT_ENV, str(root))
    assert "source" in Path(root / "targets.yaml").read_text(encoding="utf-8") and analysis.targets().empty


def test_highlights_lead_with_a_missed_target(goals) -> None:
    found = analysis.highlights(EXAMPLE, "示例区甲", 2024, limit=None, targets=goals)
    missed = found[found["kind"] == "target"]
    assert found["kind"].iloc[0] == "target" and missed["indicator"].tolist() == [APPEARANCE_RATE, CASES]
    assert missed["score"].tolist() == [5.0, 0.0]  # 5 points short of 100 %: 5 %; 8 件 against > 8 件: 0
    assert missed["text"].iloc[0].startswith("行政机关负责人出庭应诉率为95%，未达到目标")
