"""Over years: a region's figures year by year, with the change from the year before and its streak.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.trend(table, "达坂城区")                 # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from fazhi_analysis.analysis.comparison import percent_change
from fazhi_analysis.analysis.lookup import indicator_ids, known_regions
from fazhi_analysis.table.mapped import first_figures

__all__ = ["FALLING", "FLAT", "MIXED", "RISING", "TREND_COLUMNS", "trend"]

TREND_COLUMNS = [
    "region", "indicator", "name", "year", "value", "unit", "approx", "raw", "change", "change_pct", "direction",
    "streak",
]  # fmt: skip
RISING, FALLING, FLAT, MIXED = "连续增长", "连续下降", "持平", "波动"


def _direction(values: pd.Series, years: pd.Series) -> object:
    """连续增长 / 连续下降 / 持平 / 波动 over the last three years, or NA unless all three are held."""
    last = years.max()
    recent = values[years.isin([last - 2, last - 1, last])]
    if len(recent) < 3:
        return pd.NA  # a missing year is missing, not zero: no direction through a gap
    steps = recent.diff().dropna()
    if (steps > 0).all():
        return RISING
    if (steps < 0).all():
        return FALLING
    return FLAT if (steps == 0).all() else MIXED


def _streak(changes: pd.Series) -> pd.Series:
    """For each change, how many changes in a row up to it share its sign (negative for falls)."""
    out, run = [], 0
    for change in changes:
        sign = 0 if pd.isna(change) or change == 0 else (1 if change > 0 else -1)
        run = run + sign if sign and run * sign > 0 else sign
        out.append(run)
    return pd.Series(out, index=changes.index)


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
    known_regions(table, [region])
    ids = indicator_ids(indicators)
    rows = table[table["region"] == region]
    figures = first_figures(rows if ids is None else rows[rows["indicator"].isin(ids)])  # in catalog order
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
