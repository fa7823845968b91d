"""What the report computes once (several years' peers in one pass, memos by content, the catalog passed down) equals
what it computed piece by piece, and a memo never answers for a table that has changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from report_data import tidy_rows

from fazhi_analysis import analysis
from fazhi_analysis.analysis import export
from fazhi_analysis.report import facts
from fazhi_analysis.table import catalog, regions, tidy
from fazhi_analysis.table.mapped import with_catalog
from fazhi_analysis.table.memo import Memo
from fazhi_analysis.table.write import xlsx_bytes

APPS = "disputes.reconsideration_applications"
LOST = "disputes.litigation_lost"
APPEAR = "disputes.head_appearance_rate"
REGIONS = regions.from_grid(
    np.array(
        [["地区", "层级", "上级", "常住人口（万人）", "分组"],
         ["天山区", "区", "乌鲁木齐市", "70", "城区"], ["沙依巴克区", "区", "乌鲁木齐市", "75", "城区"],
         ["水磨沟区", "区", "乌鲁木齐市", "40", None], ["新市区", "区", "乌鲁木齐市", "80", None],
         ["阜康市", "县级市", "昌吉回族自治州", "20", "城区"], ["玛纳斯县", "县", "昌吉回族自治州", None, None]],
        dtype=object,
    ),
    "regions.csv",
)[0]  # fmt: skip


# Regions come and go: 新市区 reports only in 2024, 玛纳斯县 only an unmapped figure in 2023, a tie in 2023.
TABLE = tidy_rows(
    [("天山区", 2022, APPS, 20, "件"), ("沙依巴克区", 2022, APPS, 25, "件"), ("水磨沟区", 2022, LOST, 1, "件"),
     ("天山区", 2023, APPS, 30, "件"), ("沙依巴克区", 2023, APPS, 30, "件"), ("水磨沟区", 2023, APPS, 12, "件"),
     ("阜康市", 2023, APPEAR, 100, "%"), ("玛纳斯县", 2023, None, 3, "件"), ("天山区", 2024, APPS, 31, "件"),
     ("新市区", 2024, APPS, 8, "件"), ("水磨沟区", 2024, LOST, 2, "件"), ("阜康市", 2024, APPS, 9, "件"),
     ("玛纳斯县", 2024, APPEAR, 96.5, "%"), ("天山区", 2024, APPEAR, 100, "%")]
)  # fmt: skip


@pytest.mark.parametrize("rule", ["default", "level", "parent", "group:城区", "all"])
@pytest.mark.parametrize("region_table", [REGIONS, None], ids=["table", "names"])
@pytest.mark.parametrize(
    "groups_of",
    [  # every peer group in the fast set; the chosen groups (30 cases in all, about 0.35 s each) with the slow tests
        pytest.param(None, id="all"),
        pytest.param(["天山区"], id="one", marks=pytest.mark.slow),
        pytest.param(["水磨沟区", "玛纳斯县"], id="two", marks=pytest.mark.slow),
    ],
)
def test_the_peers_of_several_years_are_each_years_peers(rule: str, region_table, groups_of) -> None:
    years = [2024, 2022, 2023]
    at_once = analysis.peers_by_year(TABLE, years, peers=rule, region_table=region_table, groups_of=groups_of)
    each = [
        analysis.peers(TABLE, y, peers=rule, region_table=region_table, groups_of=groups_of).assign(year=y)
        for y in sorted(years)
    ]
    expected = pd.concat(each, ignore_index=True)
    pd.testing.assert_frame_equal(at_once, expected, check_dtype=False)
    assert at_once["year"].tolist() == sorted(at_once["year"].tolist())


@pytest.mark.slow  # builds seven workbooks: about 1.8 s
def test_the_workbook_memo_answers_only_for_the_same_content_and_arguments() -> None:
    first = export.workbook(TABLE, as_of=2024, peers="level", regions=["天山区"])
    assert export.workbook(TABLE.copy(), as_of=2024, peers="level", regions=["天山区"]) is first  # kept
    changed = TABLE.copy()
    changed.loc[changed["region"] == "天山区", "value"] += 1  # in place: the same object, another content
    for other in (
        export.workbook(changed, as_of=2024, peers="level", regions=["天山区"]),
        export.workbook(TABLE, as_of=2023, peers="level", regions=["天山区"]),
        export.workbook(TABLE, as_of=2024, peers="all", regions=["天山区"]),
        export.workbook(TABLE, as_of=2024, peers="level", regions=["水磨沟区"]),
        export.workbook(TABLE, as_of=2024, peers="level", region_table=REGIONS, regions=["天山区"]),
    ):
        assert other != first
    export._WORKBOOKS.clear()
    assert export.workbook(changed, as_of=2024, peers="level", regions=["天山区"]) == _unkept(changed)


def _unkept(table: pd.DataFrame) -> bytes:
    """The workbook of ``table`` computed without any memo."""
    frame = export.wide(table, as_of=2024, peers="level", regions=["天山区"])
    return xlsx_bytes({export.SHEET: frame, export.ABOUT_SHEET: export.about("level", 2024)})


def test_with_rates_of_a_table_changed_in_place_is_computed_again() -> None:
    table = TABLE.copy()
    before = analysis.with_rates(table)
    table.loc[table["region"] == "天山区", "value"] += 1
    after = analysis.with_rates(table)
    assert not after["value"].equals(before["value"])
    pd.testing.assert_frame_equal(after.iloc[: len(table)], tidy.conform(table))


def test_a_memo_keeps_its_last_results_only() -> None:
    memo: Memo[int] = Memo(2)
    for n in range(3):
        assert memo.get_or_compute(n, lambda n=n: n * 10) == n * 10
    assert memo.get(0) is None and memo.get(2) == 20
    memo.put(1, 11)  # a result put again is the newest
    memo.put(3, 30)
    assert (memo.get(1), memo.get(2), memo.get(3)) == (11, None, 30)


def test_a_catalog_field_is_the_indicators_column_read_only() -> None:
    frame = catalog.indicators()
    better = catalog.field("better")
    assert dict(better) == frame["better"].to_dict() and catalog.field("better", catalog.current()) is better
    with pytest.raises(TypeError):
        better["x"] = "higher"  # type: ignore[index]


@pytest.mark.slow  # about 1.5 s a case
@pytest.mark.parametrize("per_10k", [False, True])
def test_standings_and_highlights_given_the_catalog_say_what_they_say_without(per_10k: bool) -> None:
    rows = analysis.peers(TABLE, 2024, peers="level", region_table=REGIONS)
    for region in ("天山区", "水磨沟区", "玛纳斯县"):
        alone = analysis.standings(rows, region, per_10k=per_10k)
        given = analysis.standings(rows, region, per_10k=per_10k, cat=catalog.current())
        pd.testing.assert_frame_equal(given, alone)
        found = analysis.highlights(TABLE, region, 2024, limit=None, peers="level", region_table=REGIONS)
        told = analysis.highlights(TABLE, region, 2024, limit=None, peers="level", region_table=REGIONS,
                                   cat=catalog.current())  # fmt: skip
        pd.testing.assert_frame_equal(told, found)


def test_the_facts_lookups_are_the_history_and_the_regions_ranks() -> None:
    found = facts.gather(TABLE, "天山区", 2024, peers="level", region_table=REGIONS)
    assert found.catalog == catalog.current()
    assert len(found.held) == len(found.history)
    for row in found.history.to_dict("records"):
        assert found.held[(row["indicator"], row["year"])] == row
    mine = found.peers[found.peers["region"] == "天山区"]
    assert sorted(found.own_ranks) == sorted(mine["indicator"])
    assert found.sections == analysis.sections_with_data(found.comparison)


def test_mapped_rows_carry_the_catalogs_section_name_and_kind_in_catalog_order() -> None:
    shuffled = TABLE.sample(frac=1, random_state=3)
    mapped = with_catalog(shuffled)
    frame = catalog.indicators()
    assert mapped["indicator"].notna().all() and len(mapped) == TABLE["indicator"].notna().sum()
    for column in ("section", "name", "kind"):
        assert mapped[column].tolist() == frame.loc[mapped["indicator"], column].tolist()
    order = catalog.sections()["order"]
    keys = [(order[s], frame.index.get_loc(i)) for s, i in zip(mapped["section"], mapped["indicator"])]
    assert keys == sorted(keys)
