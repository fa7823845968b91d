"""The unit of a row's figures tells a count from its rate (issue 10): 行政诉讼败诉 件 → the count, % → the rate."""

from __future__ import annotations

import pandas as pd
import pytest

from fazhi_analysis.cli import main
from fazhi_analysis.ingest import clean
from fazhi_analysis.ingest.match import match_one

CORRECTED, CORRECTION_RATE = "disputes.reconsideration_corrected", "disputes.reconsideration_correction_rate"
LOST, LOSS_RATE = "disputes.litigation_lost", "disputes.litigation_loss_rate"


def _rows(result: clean.CleanResult) -> list[list]:
    return result.table[["indicator", "value", "unit"]].values.tolist()


def _rejects(result: clean.CleanResult) -> list[tuple]:
    return list(zip(result.rejects["indicator"], result.rejects["raw"], result.rejects["reason"]))


@pytest.mark.parametrize(
    ("label", "unit", "expected"),
    [
        ("行政复议纠错", "件", CORRECTED),
        ("行政复议纠错", "%", CORRECTION_RATE),
        ("行政复议纠错", None, CORRECTED),  # no unit: a label without 率 is the count (issue 18)
        ("行政复议纠错", "元", CORRECTION_RATE),  # no candidate takes 元: as before, rejected for its unit
        ("行政复议纠错件数", "件", CORRECTED),
        ("行政诉讼败诉", "件", LOST),
        ("行政诉讼败诉", "起", LOST),
        ("行政诉讼败诉", "%", LOSS_RATE),
        ("行政诉讼败诉", None, LOST),
        ("行政诉讼败诉率", None, LOSS_RATE),
        ("行政诉讼败诉（件）", "件", LOST),
        ("行政诉讼败诉率", "件", LOSS_RATE),  # a label ending in 率 is never a count
        ("行政复议纠错率", "%", CORRECTION_RATE),
        ("负责人出庭", "人次", "disputes.head_appearances"),
        ("负责人出庭", "%", "disputes.head_appearance_rate"),
        ("负责人出庭", None, "disputes.head_appearances"),  # no 率: the count
        ("负责人出庭", "元", None),
        ("专项检查", "次", None),  # the unit tells a rate from a count, not one count from another
    ],
)
def test_match_one_prefers_the_candidate_of_the_unit(label, unit, expected):
    assert match_one(label, "", 80.0, unit)[0] == expected


def test_match_by_unit_says_so():
    assert "按单位 / by unit" in match_one("行政诉讼败诉", "", 80.0, "件")[2]
    assert "按单位" not in match_one("行政诉讼败诉", "", 80.0, "%")[2]


def test_long_layout_unit_column():
    grid = pd.DataFrame(
        [
            ["指标名称", "单位", "2024年"],
            ["行政复议纠错", "件", "3"],
            ["行政诉讼败诉", "件", "1"],
            ["行政复议纠错率", "%", "40"],
            ["行政诉讼败诉率", "%", "12.5"],
        ]
    )
    result = clean.clean_frame(grid, region="甲区")
    assert _rows(result) == [
        [CORRECTED, 3.0, "件"],
        [LOST, 1.0, "件"],
        [CORRECTION_RATE, 40.0, "%"],
        [LOSS_RATE, 12.5, "%"],
    ]
    assert result.rejects.empty
    assert result.table["year"].tolist() == [2024] * 4


def test_unit_in_the_label_in_the_cell_and_in_the_header():
    labelled = pd.DataFrame([["指标名称", "2024年"], ["行政诉讼败诉（件）", "1"], ["行政复议纠错率", "40%"]])
    assert _rows(clean.clean_frame(labelled, region="甲区")) == [[LOST, 1.0, "件"], [CORRECTION_RATE, 40.0, "%"]]
    in_cell = pd.DataFrame([["指标名称", "2024年"], ["行政复议纠错", "3件"], ["行政诉讼败诉", "2起"]])
    assert _rows(clean.clean_frame(in_cell, region="甲区")) == [[CORRECTED, 3.0, "件"], [LOST, 2.0, "起"]]
    header = pd.DataFrame([["指标名称", "2024年（件）"], ["行政诉讼败诉", "4"]])
    assert _rows(clean.clean_frame(header, region="甲区")) == [[LOST, 4.0, "件"]]
    columns = pd.DataFrame([["地区", "行政诉讼败诉（件）", "行政诉讼败诉率（%）"], ["甲区", "2", "20"]])
    assert _rows(clean.clean_frame(columns, year=2024)) == [[LOST, 2.0, "件"], [LOSS_RATE, 20.0, "%"]]


def test_without_a_unit_the_label_tells_the_count_from_the_rate():
    grid = pd.DataFrame([["指标名称", "2024年"], ["行政复议纠错", "3"], ["行政复议纠错率", "0.4"]])
    assert _rows(clean.clean_frame(grid, region="甲区")) == [[CORRECTED, 3.0, "件"], [CORRECTION_RATE, 40.0, "%"]]


def test_an_unrelated_unit_is_still_rejected():
    grid = pd.DataFrame([["指标名称", "单位", "2024年"], ["行政复议纠错", "万元", "5"], ["行政诉讼败诉", "人次", "2"]])
    result = clean.clean_frame(grid, region="甲区")
    assert result.table.empty
    assert _rejects(result) == [(CORRECTION_RATE, "5", "unit"), (LOSS_RATE, "2", "unit")]


def test_rows_with_different_units_in_two_year_columns_follow_the_label():
    grid = pd.DataFrame([["指标名称", "2023年", "2024年"], ["行政诉讼败诉", "3件", "10%"]])
    result = clean.clean_frame(grid, region="甲区")
    assert _rows(result) == [[LOST, 3.0, "件"]]
    assert _rejects(result) == [(LOST, "10%", "unit")]


def test_cli_clean_maps_counts_and_rates(tmp_path, capsys):
    source = tmp_path / "复议诉讼.csv"
    source.write_text(
        "指标名称,单位,2024年\n行政复议纠错,件,3\n行政诉讼败诉,件,1\n行政复议纠错率,%,40\n", encoding="utf-8"
    )
    out = tmp_path / "cleaned.csv"
    assert main(["clean", str(source), "--region", "甲区", "-o", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table[["indicator", "value", "unit"]].values.tolist() == [
        [CORRECTED, 3.0, "件"],
        [LOST, 1.0, "件"],
        [CORRECTION_RATE, 40.0, "%"],
    ]
    assert "拒收 0 个" in capsys.readouterr().err
