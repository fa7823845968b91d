"""As of the report year: a report of year Y reads no later year, so adding later years changes nothing in it.

On the examples (示例区甲 2021–2024) and by property: later years added at random leave the facts, the
chapters, the overview, the highlights and the downloads of year Y as they were.
"""

from __future__ import annotations

import os
import tempfile

import pandas as pd
import pytest

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "fazhi-hypothesis"))
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fazhi_analysis import analysis  # noqa: E402
from fazhi_analysis.report import charts, downloads, facts, narrative, overview  # noqa: E402
from fazhi_analysis.table import catalog, tidy  # noqa: E402

REGION = "示例区甲"
LATER = [
    "disputes.reconsideration_applications", "disputes.reconsideration_closed", "disputes.litigation_lost",
    "disputes.litigation_cases", "disputes.head_appearance_rate", "study.law_lectures", "enforcement.inspections",
]  # fmt: skip


def _later(rows: list[tuple[str, int, str, int]]) -> pd.DataFrame:
    """Tidy rows of later years: (region, year, indicator, value)."""
    units = catalog.indicators()["unit"]
    frame = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    frame["unit"] = frame["indicator"].map(units)
    frame["approx"], frame["source"], frame["section"] = (
        False,
        "later.xlsx#表1!A1",
        frame["indicator"].str.split(".").str[0],
    )
    return tidy.conform(frame)


def _same_facts(a: facts.Facts, b: facts.Facts) -> None:
    for name in a.__dataclass_fields__:
        left, right = getattr(a, name), getattr(b, name)
        if isinstance(left, pd.DataFrame):
            pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True), obj=name)
        else:
            assert left == right, name


def _pages(found: facts.Facts) -> list[str]:
    """What a report of ``found`` says: the overview, every chapter and the downloads (no generation stamp)."""
    chapters = [narrative.chapter(found, s) for s in analysis.sections_with_data(found.comparison)]
    return [narrative.title(found), narrative.overview(found), *chapters, narrative.figures_download(found),
            downloads.wide_link(found)]  # fmt: skip


@pytest.fixture(scope="module")
def table(example_table) -> pd.DataFrame:
    return analysis.load_table(example_table)


def test_a_past_report_reads_only_its_own_years(table) -> None:
    found = facts.gather(table, REGION, 2021)
    assert found.years == [2021] and found.table["year"].max() == 2021
    assert not found.highlights["text"].str.contains("年来").any()  # no record counted over later years
    assert found.history["year"].max() == 2021
    said = " ".join(str(p) for p in _pages(found))
    assert "2022" not in said and "2024" not in said
    later = facts.gather(table, REGION, 2022)
    assert not later.highlights["text"].str.contains("4年来").any()  # 2021–2022: two years held, no record


@pytest.mark.slow
def test_a_later_year_changes_nothing_in_the_examples_report_charts_included(table) -> None:
    plus = pd.concat(
        [table, _later([(REGION, 2025, LATER[0], 99), ("示例区乙", 2025, LATER[2], 7)])], ignore_index=True
    )
    before, after = facts.gather(table, REGION, 2023), facts.gather(plus, REGION, 2023)
    _same_facts(before, after)
    assert _pages(before) == _pages(after)
    sections = analysis.sections_with_data(before.comparison)
    assert [charts.chapter_charts(before, s) for s in sections] == [charts.chapter_charts(after, s) for s in sections]
    assert charts.overview_charts(before) == charts.overview_charts(after)


later_rows = st.lists(
    st.tuples(
        st.sampled_from([REGION, "示例区乙", "示例区丁", "新设区"]),
        st.integers(min_value=1, max_value=3),  # years after the report year
        st.sampled_from(LATER),
        st.integers(min_value=0, max_value=500),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.sampled_from([2021, 2022, 2023, 2024]), rows=later_rows)
def test_later_years_added_at_random_leave_a_report_as_it_was(table, year: int, rows) -> None:
    plus = pd.concat([table, _later([(r, year + d, i, v) for r, d, i, v in rows])], ignore_index=True)
    before, after = facts.gather(table, REGION, year), facts.gather(plus, REGION, year)
    _same_facts(before, after)
    assert _pages(before) == _pages(after)
    view, view_plus = overview.gather(table, year), overview.gather(plus, year)
    pd.testing.assert_frame_equal(view, view_plus)
    assert overview.highlights(view, year) == overview.highlights(view_plus, year)
