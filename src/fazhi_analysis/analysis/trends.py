"""Over years and between regions: a region's figures year by year, and each region among its peers.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.trend(table, "达坂城区")                 # doctest: +SKIP
    >>> analysis.peers(table, 2024, "disputes.litigation_cases")  # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from fazhi_analysis.analysis.compare import _available_text, _with_catalog
from fazhi_analysis.errors import InputError

TREND_COLUMNS = [
    "region", "indicator", "name", "year", "value", "unit", "approx", "raw", "change", "change_pct", "direction",
]  # fmt: skip
PEER_COLUMNS = [
    "indicator", "name", "region", "reported", "value", "unit", "approx", "raw", "rank", "n_reporting", "median", "q1",
    "q3", "from_median",
]  # fmt: skip
RISING, FALLING, FLAT, MIXED = "连续增长", "连续下降", "持平", "波动"


def _figures(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped figures, one per region, year and indicator (the first, as :func:`compare` takes it)."""
    return _with_catalog(rows).drop_duplicates(["region", "year", "indicator"], keep="first")


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


def trend(table: pd.DataFrame, region: str, indicators: list[str] | None = None) -> pd.DataFrame:
    """Every year ``table`` holds for ``region``, indicator by indicator, with the change from the year before.

    ``change`` and ``change_pct`` compare with the calendar year before and are NA when that year is
    not held (a gap is not a zero); ``change_pct`` is NA for rates (their change is in percent points)
    and when the year before is 0. ``direction`` (the same on every row of an indicator) reads the
    last three years held: 连续增长, 连续下降, 持平 or 波动, NA unless all three are there.

    Raises:
        InputError: The table has no figure for ``region``.
    """
    rows = table[table["region"] == region]
    if indicators is not None:
        rows = rows[rows["indicator"].isin(indicators)]
    if rows.empty:
        raise InputError(
            f"没有 {region} 的数据 / no data for region {region!r}. 可用 / available: {_available_text(table)}"
        )
    figures = _figures(rows)  # in catalog order
    figures["_order"] = figures.groupby("indicator", sort=False).ngroup()
    figures = figures.sort_values(["_order", "year"], kind="stable")
    by = figures.groupby("indicator", sort=False)
    before = by["value"].shift(1).where(by["year"].diff() == 1)
    figures["change"] = (figures["value"] - before).astype("Float64")
    pct = figures["change"] / before.where(before != 0) * 100
    figures["change_pct"] = pct.where(figures["unit"] != "%").astype("Float64")
    directions = {key: _direction(group["value"], group["year"]) for key, group in by}
    figures["direction"] = figures["indicator"].map(directions).astype("string")
    return figures.reindex(columns=TREND_COLUMNS).reset_index(drop=True)


def peers(
    table: pd.DataFrame, year: int, indicator: str | None = None, regions: list[str] | None = None
) -> pd.DataFrame:
    """Each region's figure of ``year`` among the regions compared, indicator by indicator.

    The regions compared are ``regions``, else every region the table holds for ``year``. A region
    that did not report an indicator is listed with ``reported`` False and no value or rank: it is
    never ranked. ``rank`` is 1 for the highest value (ties share the better rank); ``median``,
    ``q1`` and ``q3`` are over the regions that reported; ``from_median`` is the value minus the median.
    """
    rows = table[table["year"] == int(year)]
    compared = list(dict.fromkeys(regions)) if regions is not None else sorted(rows["region"].dropna().unique())
    figures = _figures(rows[rows["region"].isin(compared)])
    if indicator is not None:
        figures = figures[figures["indicator"] == indicator]
    if figures.empty:
        return pd.DataFrame(columns=PEER_COLUMNS)
    ids = figures["indicator"].unique()  # catalog order
    grid = pd.MultiIndex.from_product([ids, compared], names=["indicator", "region"])
    out = figures.set_index(["indicator", "region"]).drop(columns="name").reindex(grid).reset_index()
    out["name"] = out["indicator"].map(figures.drop_duplicates("indicator").set_index("indicator")["name"])
    out["reported"] = out["value"].notna()
    values = out["value"].astype(float)
    by = values.groupby(out["indicator"], sort=False)
    out["rank"] = by.rank(method="min", ascending=False).astype("Int64")
    out["n_reporting"] = by.transform("count")
    out["median"], out["q1"], out["q3"] = (by.transform("quantile", q) for q in (0.5, 0.25, 0.75))
    out["from_median"] = (out["value"] - out["median"]).astype("Float64")
    out["_order"] = out["indicator"].map({i: n for n, i in enumerate(ids)})
    out = out.sort_values(["_order", "rank", "region"], na_position="last", kind="stable")
    return out.reindex(columns=PEER_COLUMNS).reset_index(drop=True)
