"""Property: the vectorized trends of many regions equal a plain per-region, per-indicator loop (the code they
replaced), on random tables with gaps, repeats, flat runs and missing values.

Needs hypothesis (``pip install 'hypothesis>=6'``; the test extra of pyproject.toml).
"""

from __future__ import annotations

import os
import tempfile

import pandas as pd
import pytest

from fazhi_analysis.analysis.comparison import percent_change
from fazhi_analysis.analysis.trends import FALLING, FLAT, MIXED, RISING, TREND_COLUMNS, trend, trends
from fazhi_analysis.table import tidy
from fazhi_analysis.table.mapped import first_figures

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "fazhi-hypothesis"))
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FAST = settings(max_examples=40, deadline=None, database=None)
INDICATORS = {"disputes.reconsideration_applications": "件", "disputes.litigation_loss_rate": "%"}


def _direction(values: pd.Series, years: pd.Series) -> object:
    last = years.max()
    recent = values[years.isin([last - 2, last - 1, last])]
    if len(recent) < 3 or recent.isna().any():
        return pd.NA
    steps = recent.diff().dropna()
    if (steps > 0).all():
        return RISING
    if (steps < 0).all():
        return FALLING
    return FLAT if (steps == 0).all() else MIXED


def _streak(changes: pd.Series) -> pd.Series:
    out, run = [], 0
    for change in changes:
        sign = 0 if pd.isna(change) or change == 0 else (1 if change > 0 else -1)
        run = run + sign if sign and run * sign > 0 else sign
        out.append(run)
    return pd.Series(out, index=changes.index)


def reference(table: pd.DataFrame, region: str) -> pd.DataFrame:
    """The per-group loop that :func:`trend` was before it was vectorized."""
    figures = first_figures(table[table["region"] == region])
    if figures.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    figures["_order"] = figures.groupby("indicator", sort=False).ngroup()
    figures = figures.sort_values(["_order", "year"], kind="stable")
    by = figures.groupby("indicator", sort=False)
    before = by["value"].shift(1).where(by["year"].diff() == 1)
    figures["change"] = (figures["value"] - before).astype("Float64")
    figures["change_pct"] = percent_change(figures["change"], before, figures["value"], figures["unit"])
    figures["streak"] = figures.groupby("indicator", sort=False)["change"].transform(_streak).astype("Int64")
    directions = {key: _direction(group["value"], group["year"]) for key, group in by}
    figures["direction"] = figures["indicator"].map(directions).astype("string")
    return figures.reindex(columns=TREND_COLUMNS).reset_index(drop=True)


figure = st.tuples(
    st.sampled_from(["甲区", "乙区", "丙县"]),
    st.integers(2018, 2024),
    st.sampled_from(sorted(INDICATORS)),
    st.one_of(st.none(), st.integers(0, 4).map(float), st.sampled_from([10.0, 12.5, 30.0])),
)


def _table(rows: list[tuple[str, int, str, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    frame["unit"] = frame["indicator"].map(INDICATORS)
    frame["approx"], frame["source"] = False, "示例.xlsx#表1!A1"
    return tidy.conform(frame)


def _equal_to_the_loop(rows: list[tuple[str, int, str, float | None]]) -> None:
    table = _table(rows)
    names = sorted(table["region"].unique())
    expected = pd.concat([reference(table, r) for r in names], ignore_index=True)
    pd.testing.assert_frame_equal(trends(table), expected)
    for name in names:
        pd.testing.assert_frame_equal(trend(table, name), reference(table, name))


@pytest.mark.slow
@FAST
@given(st.lists(figure, min_size=1, max_size=40))
def test_trends_equal_the_per_group_loop(rows: list[tuple[str, int, str, float | None]]) -> None:
    _equal_to_the_loop(rows)


def test_trends_equal_the_per_group_loop_on_one_table_of_each_case() -> None:
    """One table with what the property draws (the fast set's example): a gap, a figure given twice, rising,
    falling, flat and mixed runs, a missing value, a region of one figure."""
    rate, count = sorted(INDICATORS)
    _equal_to_the_loop(
        [("甲区", 2019, count, 1.0), ("甲区", 2020, count, 2.0), ("甲区", 2020, count, 4.0), ("甲区", 2021, count, 3.0),
         ("甲区", 2023, count, 3.0), ("甲区", 2024, count, 0.0), ("甲区", 2022, rate, 10.0), ("甲区", 2023, rate, 12.5),
         ("甲区", 2024, rate, 30.0), ("乙区", 2022, count, 2.0), ("乙区", 2023, count, 2.0), ("乙区", 2024, count, 2.0),
         ("乙区", 2022, rate, 30.0), ("乙区", 2023, rate, None), ("乙区", 2024, rate, 10.0), ("丙县", 2022, count, 1.0),
         ("丙县", 2023, count, 4.0), ("丙县", 2024, count, 2.0), ("丙县", 2022, rate, 30.0), ("丙县", 2023, rate, 12.5),
         ("丙县", 2024, rate, 10.0), ("丁县", 2024, rate, 12.5)]
    )  # fmt: skip


def test_no_direction_through_a_missing_figure() -> None:
    """30, missing, 10: whether it rose or fell in between, no one can say (it once read 连续增长)."""
    rate = "disputes.litigation_loss_rate"
    table = _table([("乙区", 2022, rate, 30.0), ("乙区", 2023, rate, None), ("乙区", 2024, rate, 10.0)])
    assert trends(table)["direction"].isna().all()
