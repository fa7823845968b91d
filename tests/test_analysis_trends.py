"""Trends over years and comparison between regions, on a small example table worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from fazhi_analysis import analysis
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import tidy

APPS = "disputes.reconsideration_applications"
CLOSED = "disputes.reconsideration_closed"
LOST = "disputes.litigation_lost"
LOSS_RATE = "disputes.litigation_loss_rate"
CASES = "disputes.litigation_cases"


def _table(rows: list[tuple[str, int, str, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit"])
    frame["approx"], frame["source"] = False, "示例.xlsx#表1!A1"
    return tidy.conform(frame)


EXAMPLE = _table(
    [
        ("示例区甲", 2021, APPS, 10, "件"), ("示例区甲", 2022, APPS, 12, "件"), ("示例区甲", 2023, APPS, 15, "件"),
        ("示例区甲", 2024, APPS, 18, "件"),
        ("示例区甲", 2022, LOSS_RATE, 5, "%"), ("示例区甲", 2024, LOSS_RATE, 3, "%"),
        ("示例区甲", 2022, CLOSED, 30, "件"), ("示例区甲", 2023, CLOSED, 20, "件"),
        ("示例区甲", 2024, CLOSED, 10, "件"),
        ("示例区甲", 2023, LOST, 0, "件"), ("示例区甲", 2024, LOST, 2, "件"),
        ("示例区甲", 2022, CASES, 5, "件"), ("示例区甲", 2023, CASES, 7, "件"), ("示例区甲", 2024, CASES, 6, "件"),
        ("示例区乙", 2024, APPS, 10, "件"), ("示例区丙", 2024, APPS, 18, "件"), ("示例区丁", 2024, CLOSED, 3, "件"),
        ("示例区戊", 2024, APPS, 4, "件"), ("示例区乙", 2023, APPS, 99, "件"),
    ]
)  # fmt: skip


def test_trend_changes_from_the_year_before() -> None:
    apps = analysis.trend(EXAMPLE, "示例区甲", [APPS]).set_index("year")
    assert apps["value"].tolist() == [10, 12, 15, 18]
    assert apps["change"].tolist()[1:] == [2, 3, 3] and pd.isna(apps.loc[2021, "change"])
    assert apps["change_pct"].round(2).tolist()[1:] == [20.0, 25.0, 20.0]
    assert set(apps["direction"]) == {analysis.RISING}
    assert apps["streak"].tolist() == [0, 1, 2, 3]  # three rises in a row by 2024


def test_a_missing_year_is_a_gap_not_a_zero() -> None:
    rate = analysis.trend(EXAMPLE, "示例区甲", [LOSS_RATE]).set_index("year")
    assert rate.index.tolist() == [2022, 2024]  # 2023 is not invented
    assert pd.isna(rate.loc[2024, "change"]) and pd.isna(rate.loc[2024, "change_pct"])
    assert rate["direction"].isna().all()  # three years are needed for a direction


@pytest.mark.parametrize(("indicator", "direction"), [(CLOSED, analysis.FALLING), (CASES, analysis.MIXED)])
def test_direction_over_the_last_three_years(indicator, direction) -> None:
    assert set(analysis.trend(EXAMPLE, "示例区甲", [indicator])["direction"]) == {direction}


def test_change_from_zero_has_no_percentage_and_rates_change_in_points() -> None:
    lost = analysis.trend(EXAMPLE, "示例区甲", [LOST]).set_index("year")
    assert lost.loc[2024, "change"] == 2 and pd.isna(lost.loc[2024, "change_pct"])
    closed = analysis.trend(EXAMPLE, "示例区甲", [CLOSED]).set_index("year")
    assert round(closed.loc[2023, "change_pct"], 2) == -33.33


def test_trend_of_an_unknown_region_names_what_there_is() -> None:
    with pytest.raises(InputError, match="示例区甲"):
        analysis.trend(EXAMPLE, "不存在区")


def test_peers_rank_ties_and_quartiles_among_the_regions_that_reported() -> None:
    apps = analysis.peers(EXAMPLE, 2024, APPS).set_index("region")
    assert apps.loc[["示例区甲", "示例区丙", "示例区乙", "示例区戊"], "rank"].tolist() == [1, 1, 3, 4]
    assert set(apps["n_reporting"]) == {4}
    assert apps["median"].iloc[0] == 14 and apps["q1"].iloc[0] == 8.5 and apps["q3"].iloc[0] == 18
    assert apps.loc[["示例区甲", "示例区乙", "示例区戊"], "from_median"].tolist() == [4, -4, -10]


def test_a_region_that_did_not_report_is_listed_never_ranked() -> None:
    apps = analysis.peers(EXAMPLE, 2024, APPS).set_index("region")
    assert not apps.loc["示例区丁", "reported"] and pd.isna(apps.loc["示例区丁", "rank"])
    assert pd.isna(apps.loc["示例区丁", "value"]) and apps.index[-1] == "示例区丁"


def test_peers_among_chosen_regions_and_all_indicators() -> None:
    chosen = analysis.peers(EXAMPLE, 2024, regions=["示例区甲", "示例区乙"])
    apps = chosen[chosen["indicator"] == APPS].set_index("region")
    assert apps["rank"].tolist() == [1, 2] and apps["median"].iloc[0] == 14
    assert set(chosen["indicator"]) == {APPS, LOSS_RATE, CLOSED, LOST, CASES}
    assert chosen.groupby("indicator")["region"].count().eq(2).all()


def test_highlights_put_risks_first_then_changes_by_percentage_records_and_ties() -> None:
    found = analysis.highlights(EXAMPLE, "示例区甲", 2024, limit=None)
    assert found["kind"].tolist() == ["rise", "rise", "top", "fall", "rise", "record", "record"]
    assert found["tone"].tolist()[:2] == ["risk", "risk"]  # 败诉 and 败诉率 rising: where lower is better
    assert found["text"].tolist() == [
        "行政诉讼败诉率同比提高3个百分点",  # 2023 computed: 败诉 0 ÷ 应诉 7 = 0 %; 2024 reported 3 %
        "行政诉讼败诉案件由上年的0件增至2件",  # a small count: its size, no percentage; said though under 3
        "收到行政复议申请在4个地区中与示例区丙并列最多（均为18件）",  # a tie is said as one, with n
        "行政复议结案同比减少10件、下降50%",  # 20 → 10: the largest change by percentage comes first
        "收到行政复议申请同比增加3件、增长20%",
        "收到行政复议申请18件，为4年来最高",
        "行政复议结案10件，为3年来最低",
    ]
    # 应诉 7 → 6 件 is below the noise floor; 3 % is no record between 5 % and 0 %.
    assert not found["indicator"].isin([CASES]).any()
    assert found.loc[found["indicator"] == LOSS_RATE, "score"].tolist() == [3 * analysis.RATE_POINT_WEIGHT]


def test_a_small_count_never_leads_the_changes_and_has_no_percentage() -> None:
    table = _table([("甲区", 2023, APPS, 5, "件"), ("甲区", 2024, APPS, 9, "件"), ("甲区", 2023, CLOSED, 100, "件"),
                    ("甲区", 2024, CLOSED, 120, "件")])  # fmt: skip
    found = analysis.highlights(table, "甲区", 2024, limit=None)
    assert found["text"].tolist() == ["行政复议结案同比增加20件、增长20%", "收到行政复议申请由上年的5件增至9件"]
    assert found["basis"].tolist() == ["pct", "count"]
    assert analysis.trend(table, "甲区", [APPS])["change_pct"].isna().all()  # 5 → 9 is not "+80 %"


def test_highlights_without_computed_rates_would_not_see_the_rate_rise() -> None:
    reported_only = EXAMPLE[~((EXAMPLE["indicator"] == LOST) & (EXAMPLE["year"] == 2023))]  # no 2023 rate then
    found = analysis.highlights(tidy.conform(reported_only), "示例区甲", 2024, limit=None)
    assert LOSS_RATE not in found["indicator"].tolist()


def test_highlights_last_place_and_what_stopped_being_reported() -> None:
    table = pd.concat([EXAMPLE, _table([("示例区戊", 2023, CLOSED, 8, "件"), ("示例区戊", 2023, APPS, 4, "件")])])
    found = analysis.highlights(tidy.conform(table), "示例区戊", 2024, limit=None)
    assert found["text"].tolist() == ["收到行政复议申请在4个地区中最少", "行政复议结案上年有数据，本年未报告"]
    assert analysis.highlights(EXAMPLE, "示例区甲", 2024, limit=2)["tone"].tolist() == ["risk", "risk"]


def test_highlights_of_a_region_year_not_held_name_what_is() -> None:
    with pytest.raises(InputError, match="示例区甲: 2021"):
        analysis.highlights(EXAMPLE, "示例区甲", 2020)
