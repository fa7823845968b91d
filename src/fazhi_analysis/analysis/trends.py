"""Over years: a region's figures year by year, with the change from the year before and its streak.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.trend(table, "达坂城区")                 # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.analysis.comparison import percent_change
from fazhi_analysis.analysis.lookup import indicator_ids, known_regions
from fazhi_analysis.table.mapped import first_figures

__all__ = ["FALLING", "FLAT", "MIXED", "RISING", "TREND_COLUMNS", "trend", "trends"]

TREND_COLUMNS = [
    "region", "indicator", "name", "year", "value", "unit", "approx", "raw", "change", "change_pct", "direction",
    "streak",
]  # fmt: skip
RISING, FALLING, FLAT, MIXED = "连续增长", "连续下降", "持平", "波动"


def _directions(figures: pd.DataFrame, groups: pd.Series) -> pd.Series:
    """连续增长 / 连续下降 / 持平 / 波动 over the last three years of each group of ``figures`` (its rows in year
    order), the same on every row of a group; NA unless all three years hold a figure (no direction through a gap
    or a missing value: 30, NA, 10 rose or fell, no one can say)."""
    year = figures["year"]
    last = year.groupby(groups).transform("max")
    held = (year >= last - 2).fillna(False) & figures["value"].notna()
    full = held.groupby(groups).transform("sum") == 3
    counted = full & (year >= last - 1).fillna(False)  # the steps into the last two years
    steps = figures["value"].groupby(groups).diff().astype("Float64")

    def every(test: pd.Series) -> pd.Series:
        """Whether ``test`` holds for every counted step of the group (a step from or to NA is not read)."""
        return (test.fillna(True) | ~counted).groupby(groups).transform("all")

    out = pd.Series(MIXED, index=figures.index).mask(every(steps == 0), FLAT)
    out = out.mask(every(steps < 0), FALLING).mask(every(steps > 0), RISING)
    return out.where(full).astype("string")


def _streaks(changes: pd.Series, groups: pd.Series) -> pd.Series:
    """For each change, how many changes in a row up to it (in its group, rows in order) share its sign (negative
    for falls, 0 for no change or NA)."""
    sign = np.sign(changes.astype(float).fillna(0.0))
    runs = ((groups != groups.shift()) | (sign != sign.shift())).cumsum()
    return (sign * (sign.groupby(runs).cumcount() + 1)).astype("Int64")


def trend(table: pd.DataFrame, region: str, indicators: str | list[str] | None = None) -> pd.DataFrame:
    """Every year ``table`` holds for ``region``, indicator by indicator, with the change from the year before.

    ``indicators`` are ids or Chinese names (``行政检查``, ``enforcement.inspections``); None: every one. An indicator
    the region never reported has no rows.

    ``change`` and ``change_pct`` compare with the calendar year before and are NA when that year is
    not held (a gap is not a zero); ``change_pct`` is NA where a percentage says little
    (:func:`~fazhi_analysis.analysis.comparison.percent_change`: rates, small counts). ``direction`` (the
    same on every row of an indicator) reads the last three years held: 连续增长, 连续下降, 持平 or 波动,
    NA unless all three are there. ``streak`` counts the changes in a row, up to this year, in the same
    direction: 2 for two rises running (6 → 8 → 11), −3 for three falls, 0 after no change or a gap.

    Raises:
        InputError: A region the table does not hold, or an indicator the catalog does not know (each error names
            what there is).
    """
    return trends(table, [region], indicators)


def trends(
    table: pd.DataFrame, regions: list[str] | None = None, indicators: str | list[str] | None = None
) -> pd.DataFrame:
    """:func:`trend` of each of ``regions`` (default: every region of the table, by name) in one pass, region
    after region in the order given.

    Raises:
        InputError: As :func:`trend`.
    """
    names = sorted(table["region"].dropna().unique()) if regions is None else known_regions(table, regions)
    ids = indicator_ids(indicators)
    rows = table[table["region"].isin(names)]
    figures = first_figures(rows if ids is None else rows[rows["indicator"].isin(ids)])  # in catalog order
    if figures.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    figures["_region"] = figures["region"].map({r: n for n, r in enumerate(names)})
    figures["_order"] = figures.groupby("indicator", sort=False).ngroup()
    figures = figures.sort_values(["_region", "_order", "year"], kind="stable")
    by = figures.groupby(["region", "indicator"], sort=False)
    before = by["value"].shift(1).where(by["year"].diff() == 1)
    figures["change"] = (figures["value"] - before).astype("Float64")
    figures["change_pct"] = percent_change(figures["change"], before, figures["value"], figures["unit"])
    groups = by.ngroup()
    figures["streak"] = _streaks(figures["change"], groups)
    figures["direction"] = _directions(figures, groups)
    return figures.reindex(columns=TREND_COLUMNS).reset_index(drop=True)
