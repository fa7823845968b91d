"""Derived rates beside reported ones, on small example tables worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from fazhi_analysis import analysis, project
from fazhi_analysis.table import tidy

CORRECTED, CLOSED = "disputes.reconsideration_corrected", "disputes.reconsideration_closed"
CORRECTION_RATE = "disputes.reconsideration_correction_rate"
LOST, CASES, LOSS_RATE = "disputes.litigation_lost", "disputes.litigation_cases", "disputes.litigation_loss_rate"
APPEARANCES, APPEARANCE_RATE = "disputes.head_appearances", "disputes.head_appearance_rate"


def _table(rows: list[tuple]) -> pd.DataFrame:
    """Tidy rows from (region, year, indicator, value, unit[, approx[, raw]])."""
    full = [(*row, *(False, None)[len(row) - 5 :]) for row in rows]
    frame = pd.DataFrame(full, columns=["region", "year", "indicator", "value", "unit", "approx", "raw"])
    frame["source"] = [f"示例.xlsx#表1!C{i + 1}" for i in range(len(frame))]
    return tidy.conform(frame)


EXAMPLE = _table(
    [
        ("示例区甲", 2024, CORRECTED, 3, "件"), ("示例区甲", 2024, CLOSED, 12, "件"),
        ("示例区甲", 2024, CORRECTED, 5, "件"),  # a second figure: the first one counts
        ("示例区乙", 2024, CORRECTED, 1, "件"), ("示例区乙", 2024, CLOSED, 3, "件", True),
        ("示例区乙", 2024, CORRECTION_RATE, 33.3, "%", False, "33.3%"),
        ("示例区丙", 2024, LOST, 9, "件"), ("示例区丙", 2024, CASES, 12, "件"), ("示例区丙", 2024, LOSS_RATE, 50, "%"),
        ("示例区丁", 2024, LOST, 2, "件"), ("示例区丁", 2024, CASES, 0, "件"),
        ("示例区戊", 2024, LOST, 0, "件"), ("示例区戊", 2024, CASES, 5, "件"),
        ("示例区己", 2024, CASES, 8, "件"), ("示例区己", 2024, LOSS_RATE, 4, "%"),
    ]
)  # fmt: skip


def _rate(found: pd.DataFrame, region: str, indicator: str) -> pd.Series:
    return found[(found["region"] == region) & (found["indicator"] == indicator)].squeeze(axis=0)


def test_a_rate_the_table_lacks_is_computed_from_its_counts() -> None:
    row = _rate(analysis.rates(EXAMPLE), "示例区甲", CORRECTION_RATE)
    assert (row["numerator_value"], row["denominator_value"]) == (3, 12)  # the first 纠错 figure, not 5
    assert row["computed"] == 25.0 and row["value"] == 25.0 and row["origin"] == "computed"
    assert pd.isna(row["reported"]) and pd.isna(row["agrees"]) and not row["approx"]
    assert (row["numerator"], row["denominator"]) == (CORRECTED, CLOSED)
    assert row["formula"] == "行政复议纠错率 = 行政复议纠错 3件 ÷ 行政复议结案 12件"
    assert row["note"] == "纠错案件占行政复议结案数的比例" and row["unit"] == "%"


def test_the_reported_rate_wins_and_a_disagreement_beyond_rounding_shows() -> None:
    row = _rate(analysis.rates(EXAMPLE), "示例区丙", LOSS_RATE)
    assert row["computed"] == 75.0 and row["reported"] == 50.0  # 9 ÷ 12 = 75 %, the report says 50 %
    assert row["value"] == 50.0 and row["origin"] == "reported" and pd.notna(row["agrees"]) and not row["agrees"]
    assert row["tolerance"] == 0.5 and row["reported_source"] == "示例.xlsx#表1!C9"


def test_a_rounded_reported_rate_agrees_and_an_approximate_count_marks_the_rate() -> None:
    row = _rate(analysis.rates(EXAMPLE), "示例区乙", CORRECTION_RATE)
    assert round(row["computed"], 4) == 33.3333 and row["reported"] == 33.3
    assert bool(row["agrees"]) and bool(row["approx"])  # |33.3 − 33.33…| = 0.033, and 结案 3余件 is approximate
    assert row["tolerance"] == pytest.approx(10 / 3)  # so 10 % of 33.33… is allowed, more than the rounding
    assert row["formula"].endswith("行政复议结案 3余件")


def test_zero_or_missing_denominator_or_numerator_gives_no_computed_rate() -> None:
    found = analysis.rates(EXAMPLE)
    zero = _rate(found, "示例区丁", LOSS_RATE)  # 2 ÷ 0
    assert pd.isna(zero["computed"]) and pd.isna(zero["value"]) and pd.isna(zero["origin"]) and pd.isna(zero["formula"])
    assert found["computed"].dropna().map(float).map(pd.notna).all() and not (found["computed"] == float("inf")).any()
    none_lost = _rate(found, "示例区戊", LOSS_RATE)  # 0 ÷ 5 is a real 0 %
    assert none_lost["computed"] == 0.0 and none_lost["origin"] == "computed"
    only_cases = _rate(found, "示例区己", LOSS_RATE)  # no 败诉 count: the reported 4 % stands alone
    assert pd.isna(only_cases["computed"]) and only_cases["value"] == 4.0 and pd.isna(only_cases["agrees"])
    assert len(found) == 6 and list(found.columns) == analysis.RATE_COLUMNS


@pytest.mark.parametrize(
    ("reported", "raw", "approx", "agrees", "tolerance"),
    [
        (33.3, "33.3%", False, True, 0.05),  # 1/3 = 33.33…: within half of 0.1
        (33.0, "33%", False, True, 0.5),  # written without decimals: within 0.5
        (33.4, "33.4%", False, False, 0.05),  # 0.067 away
        (33.3, "33.30%", False, False, 0.005),  # two decimals written: 33.33 was due
        (33.3, None, False, True, 0.05),  # no raw text: the decimals of the value
        (31.0, "31%", False, False, 0.5),  # 2.33 points off
        (29.0, "约29%", True, False, 10 / 3),  # 4.33 points off: too far even for an approximate rate
        (31.0, "约31%", True, True, 10 / 3),  # approximate: 10 % of the larger, 33.33…, is allowed
    ],
)
def test_rounding_tolerance_follows_the_written_precision(reported, raw, approx, agrees, tolerance) -> None:
    table = _table(
        [("示例区甲", 2024, CORRECTED, 4, "件"), ("示例区甲", 2024, CLOSED, 12, "件"),
         ("示例区甲", 2024, CORRECTION_RATE, reported, "%", approx, raw)]
    )  # fmt: skip
    row = analysis.rates(table).iloc[0]
    assert bool(row["agrees"]) is agrees and row["tolerance"] == pytest.approx(tolerance)
    assert bool(row["approx"]) is approx


def test_with_rates_adds_only_the_computed_rates_as_tidy_rows() -> None:
    table = analysis.with_rates(EXAMPLE)
    added = table.iloc[len(EXAMPLE) :]
    assert sorted(zip(added["region"], added["indicator"], added["value"])) == [
        ("示例区戊", LOSS_RATE, 0.0), ("示例区甲", CORRECTION_RATE, 25.0),
    ]  # fmt: skip
    row = added[added["region"] == "示例区甲"].iloc[0]
    assert row["source"] == f"计算：{CORRECTED} ÷ {CLOSED}" and row["raw"] == "3÷12" and row["unit"] == "%"
    assert row["section"] == "disputes" and row["label"] == "行政复议纠错率" and not row["approx"]
    pd.testing.assert_frame_equal(table.iloc[: len(EXAMPLE)], EXAMPLE)
    tidy.TidyTable.validate(table)
    assert len(analysis.with_rates(table)) == len(table)  # applied twice, nothing more


def test_asking_again_gives_the_same_rates_and_a_changed_table_new_ones() -> None:
    first = analysis.with_rates(EXAMPLE)
    first.loc[first.index[-1], "value"] = -1.0  # the caller's copy: the kept result is not touched
    again = analysis.with_rates(EXAMPLE)
    assert again.iloc[-1]["value"] != -1.0
    changed = EXAMPLE.copy()
    changed.loc[0, "value"] = 6.0  # 示例区甲's first 纠错: 6 ÷ 12
    rate = analysis.with_rates(changed)
    assert _rate(rate, "示例区甲", CORRECTION_RATE)["value"] == 50.0
    assert _rate(again, "示例区甲", CORRECTION_RATE)["value"] == 25.0


def test_a_computed_rate_from_an_approximate_count_is_approximate_in_the_table() -> None:
    table = analysis.with_rates(_table([("示例区甲", 2024, LOST, 1, "件", True), ("示例区甲", 2024, CASES, 8, "件")]))
    row = table.iloc[-1]
    assert row["value"] == 12.5 and bool(row["approx"]) and row["raw"] == "1÷8"


def test_no_counts_no_rates() -> None:
    found = analysis.rates(_table([("示例区甲", 2024, "disputes.reconsideration_applications", 5, "件")]))
    assert found.empty and list(found.columns) == analysis.RATE_COLUMNS
    assert len(analysis.with_rates(EXAMPLE.iloc[:0])) == 0


def test_a_project_rate_is_computed_too(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    (tmp_path / "catalog.yaml").write_text(
        "derived:\n"
        f"  - {{id: {APPEARANCE_RATE}, numerator: {APPEARANCES}, denominator: {CASES}, scale: 100, note: 示例口径}}\n"
        f"  - {{id: {LOSS_RATE}, scale: 1000}}\n",
        encoding="utf-8",
    )
    table = _table([("示例区甲", 2024, APPEARANCES, 6, "件"), ("示例区甲", 2024, CASES, 8, "件"),
                    ("示例区甲", 2024, LOST, 1, "件")])  # fmt: skip
    found = analysis.rates(table).set_index("indicator")
    assert found.loc[APPEARANCE_RATE, "computed"] == 75.0 and found.loc[APPEARANCE_RATE, "note"] == "示例口径"
    assert found.loc[LOSS_RATE, "computed"] == 125.0  # the project's scale: 1 ÷ 8 × 1000


def test_a_region_years_rates_read_only_its_own_figures() -> None:
    every = analysis.rates(EXAMPLE)
    for (region, year), rows in EXAMPLE.groupby(["region", "year"]):
        mine = every[(every["region"] == region) & (every["year"] == year)].reset_index(drop=True)
        pd.testing.assert_frame_equal(analysis.rates(rows), mine)
