"""Peers: who is compared with whom (by the regions table or the names), ranks with ties and n, and their words.

The example is a district project with traps: 乌鲁木齐市 (a prefecture-level city) among its districts, and
阜康市 (a county-level city) under another parent. 行政机关负责人出庭应诉率 is 100 % in three districts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from report_data import tidy_rows

from fazhi_analysis import analysis
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import facts, reading
from fazhi_analysis.table import regions

APPS = "disputes.reconsideration_applications"
LOST = "disputes.litigation_lost"
APPEAR = "disputes.head_appearance_rate"
DISTRICTS = ["天山区", "沙依巴克区", "水磨沟区", "新市区"]
REGIONS = regions.from_grid(
    np.array(
        [["地区", "层级", "上级", "常住人口（万人）", "分组"],
         ["天山区", "区", "乌鲁木齐市", "70", "城区"], ["沙依巴克区", "区", "乌鲁木齐市", "75", "城区"],
         ["水磨沟区", "区", "乌鲁木齐市", "40", "城区"], ["新市区", "区", "乌鲁木齐市", "80", None],
         ["乌鲁木齐市", "市", "新疆维吾尔自治区", "400", None], ["阜康市", "县级市", "昌吉回族自治州", "20", "城区"],
         ["玛纳斯县", "县", "昌吉回族自治州", None, None]],
        dtype=object,
    ),
    "regions.csv",
)[0]  # fmt: skip


APPS_2024 = {
    "天山区": 30,
    "沙依巴克区": 42,
    "水磨沟区": 12,
    "新市区": 25,
    "乌鲁木齐市": 300,
    "阜康市": 9,
    "玛纳斯县": 6,
}
LOST_2024 = {"天山区": 5, "沙依巴克区": 2, "水磨沟区": 1, "新市区": 0, "乌鲁木齐市": 20}
APPEAR_2024 = {"天山区": 100, "沙依巴克区": 100, "水磨沟区": 100, "新市区": 96.5, "乌鲁木齐市": 99}
TABLE = tidy_rows(
    [(r, 2024, APPS, v, "件") for r, v in APPS_2024.items()]
    + [(r, 2024, LOST, v, "件") for r, v in LOST_2024.items()]
    + [(r, 2024, APPEAR, v, "%") for r, v in APPEAR_2024.items()]
    + [("天山区", 2023, LOST, 2, "件")]
)


def _peers(region: str, rule: str | None = None, table: pd.DataFrame | None = REGIONS) -> list[str]:
    rows = analysis.peers(TABLE, 2024, APPS, peers=rule, region_table=table)
    return sorted(analysis.group_of(rows, region)["region"])


def test_default_peers_are_the_same_level_under_the_same_parent() -> None:
    assert _peers("天山区") == sorted(DISTRICTS)  # not 乌鲁木齐市 (a 市), not 阜康市 (another parent)
    assert _peers("乌鲁木齐市") == ["乌鲁木齐市"]
    assert _peers("阜康市") == ["玛纳斯县", "阜康市"]


def test_other_rules_level_parent_group_and_all() -> None:
    assert _peers("天山区", "level") == sorted([*DISTRICTS, "阜康市", "玛纳斯县"])  # 县级市 is county level
    assert _peers("天山区", "parent") == sorted(DISTRICTS)
    assert _peers("天山区", "group:城区") == sorted(["天山区", "沙依巴克区", "水磨沟区", "阜康市"])
    assert _peers("新市区", "group:城区") == ["新市区"]  # outside the group: compared with none
    assert _peers("天山区", "all") == sorted(APPS_2024)
    with pytest.raises(InputError, match="未知的比较范围"):
        analysis.PeerRule.parse("province")


def test_the_median_and_ranks_are_of_the_peers_only() -> None:
    rows = analysis.peers(TABLE, 2024, APPS, region_table=REGIONS).set_index("region")
    assert rows.loc["天山区", "rank"] == 2 and rows.loc["天山区", "n_reporting"] == 4  # 42, 30, 25, 12
    assert rows.loc["天山区", "median"] == 27.5  # the city's 300 is not in it
    assert rows.loc["天山区", "scope"] == "同属乌鲁木齐市的区县"


def test_without_a_table_levels_come_from_the_names_and_a_city_is_kept_apart() -> None:
    assert _peers("天山区", table=None) == sorted([*DISTRICTS, "玛纳斯县"])  # all 县-level by their names
    assert _peers("乌鲁木齐市", table=None) == ["乌鲁木齐市", "阜康市"]  # …市: level unknown, not among districts
    found = facts.gather(TABLE, "天山区", 2024)
    assert found.peer_basis == "names" and found.ambiguous == ("乌鲁木齐市", "阜康市")
    said = [s for sec in analysis.sections_with_data(found.comparison) for s in reading.sentences(found, sec)]
    scope = [s for s in said if s.startswith("本报告中的位次")]
    assert len(scope) == 1 and "同级地区按名称推断" in scope[0] and "乌鲁木齐市、阜康市从名称看不出" in scope[0]


def _standing(region: str, indicator: str, **kwargs) -> pd.Series:
    found = analysis.standings(analysis.peers(TABLE, 2024, region_table=REGIONS, **kwargs), region)
    return found.set_index("indicator").loc[indicator]


def test_a_tie_is_said_as_a_tie_with_the_others_and_n() -> None:
    first = _standing("天山区", APPEAR)
    assert (first["rank"], first["tied"], first["n"], first["position"]) == (1, 3, 4, "first")
    assert first["clause"] == "在4个区县中与水磨沟区、沙依巴克区并列第一（均为100%）"
    wider = _standing("阜康市", APPS, peers="all")
    assert wider["clause"] == "在7个地区中第6"  # a rank always carries n
    cell = analysis.peers(TABLE, 2024, APPEAR, region_table=REGIONS).set_index("region").loc["水磨沟区"]
    assert reading.rank_cell({**cell.to_dict(), "indicator": APPEAR}) == "并列1/4"


def test_more_than_two_tied_others_are_counted() -> None:
    table = tidy_rows(
        [(r, 2024, APPEAR, 100, "%") for r in ["甲区", "乙区", "丙区", "丁区"]] + [("戊区", 2024, APPEAR, 90, "%")]
    )
    found = analysis.standings(analysis.peers(table, 2024), "甲区").set_index("indicator").loc[APPEAR]
    assert found["clause"] == "在5个区县中与丁区等3个区县并列第一（均为100%）"


def test_where_lower_is_better_the_first_place_is_the_most_and_needs_attention() -> None:
    most = _standing("天山区", LOST)  # 5 败诉: the most of the four districts
    assert most["clause"] == "在4个区县中最多（需关注）" and most["tone"] == "risk"
    assert not any(word in most["clause"] for word in ("居首", "首位", "第一"))
    least = _standing("新市区", LOST)
    assert least["clause"] == "在4个区县中最少" and least["tone"] == "good"
    cell = analysis.peers(TABLE, 2024, LOST, region_table=REGIONS).set_index("region").loc["天山区"]
    assert reading.rank_cell({**cell.to_dict(), "indicator": LOST}) == "1/4（最多）"


def test_a_neutral_indicator_gets_no_praise_and_a_higher_one_its_last_place_flagged() -> None:
    neutral = _standing("沙依巴克区", APPS)
    assert neutral["clause"] == "在4个区县中最多" and neutral["tone"] == "neutral"
    last = _standing("新市区", APPEAR)
    assert last["clause"] == "在4个区县中最低（需关注）" and last["tone"] == "risk"


def test_highlights_put_the_risks_first() -> None:
    found = analysis.highlights(TABLE, "天山区", 2024, limit=None, region_table=REGIONS)
    assert found["text"].tolist()[:2] == [
        "行政诉讼败诉案件在4个区县中最多（需关注）",
        "行政诉讼败诉案件由上年的2件增至5件",
    ]
    assert (found["tone"].iloc[:2] == "risk").all()
    assert "行政机关负责人出庭应诉率在4个区县中与水磨沟区、沙依巴克区并列第一（均为100%）" in found["text"].tolist()[2:]


def test_counts_per_10000_residents_where_the_population_is_given() -> None:
    rows = analysis.peers(TABLE, 2024, APPS, region_table=REGIONS).set_index("region")
    assert rows.loc["天山区", "per_10k"] == pytest.approx(30 / 70)
    assert rows["rank_per_10k"].loc[DISTRICTS].tolist() == [2, 1, 4, 3]  # 0.43, 0.56, 0.30, 0.31 per 10,000
    assert rows.loc["天山区", "n_per_10k"] == 4
    rates = analysis.peers(TABLE, 2024, APPEAR, region_table=REGIONS)
    assert rates["per_10k"].isna().all()  # a rate is not divided by people
    found = facts.gather(TABLE, "天山区", 2024, region_table=REGIONS)
    said = reading.sentences(found, "disputes")
    per = [s for s in said if s.startswith("按常住人口折算（每万人")]
    assert per == ["按常住人口折算（每万人，剔除人口规模影响后的参考比较）：收到行政复议申请每万人0.43件，"
                   "在4个区县中第2；行政诉讼败诉案件每万人0.071件，在4个区县中最多（需关注）。"]  # fmt: skip


def test_highlights_read_what_the_caller_passes_as_they_would_compute_it() -> None:
    full = analysis.with_rates(TABLE)
    given = {
        "history": analysis.trend(full, "天山区"),
        "standing": analysis.standings(analysis.peers(full, 2024, region_table=REGIONS), "天山区"),
        "against": analysis.against_targets(full, "天山区", 2024),
    }
    computed = analysis.highlights(TABLE, "天山区", 2024, limit=None, region_table=REGIONS)
    assert not computed.empty
    passed = analysis.highlights(TABLE, "天山区", 2024, limit=None, region_table=REGIONS, **given)
    pd.testing.assert_frame_equal(passed, computed)


@pytest.mark.parametrize(
    "rule",
    [  # the default rule in the fast set; every other rule (about 0.6 s a case) with the slow tests
        "default",
        *(pytest.param(rule, marks=pytest.mark.slow) for rule in ["level", "parent", "group:城区", "all"]),
    ],
)
@pytest.mark.parametrize("region_table", [REGIONS, None], ids=["table", "names"])
def test_the_peers_of_some_groups_are_those_groups_rows_of_all_peers(rule: str, region_table) -> None:
    every = analysis.peers(TABLE, 2024, peers=rule, region_table=region_table)
    for region in APPS_2024:
        mine = analysis.peers(TABLE, 2024, peers=rule, region_table=region_table, groups_of=[region])
        pd.testing.assert_frame_equal(mine, analysis.group_of(every, region))
    some = analysis.peers(TABLE, 2024, peers=rule, region_table=region_table, groups_of=["天山区", "玛纳斯县"])
    kept = {*analysis.group_of(every, "天山区")["region"], *analysis.group_of(every, "玛纳斯县")["region"]}
    pd.testing.assert_frame_equal(some, every[every["region"].isin(kept)].reset_index(drop=True))
