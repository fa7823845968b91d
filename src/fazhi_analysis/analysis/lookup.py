"""What a user names — an indicator by its id or its Chinese name, a region, a year — checked against the catalog
and the table, so that a typo is an error naming what exists, never an empty answer.

Example:
    >>> indicator_ids(["行政检查", "disputes.reconsideration_applications"])
    ['enforcement.inspections', 'disputes.reconsideration_applications']
    >>> indicator_ids(["行政检察"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fazhi_analysis.errors.InputError: 未知指标 / unknown indicator: 行政检察；相近的有 / close: 行政检查...
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog

__all__ = ["LISTED", "indicator_ids", "known_regions", "known_year", "region_year"]

LISTED = 30  # the regions or years an error lists at most
_BRACKETS = str.maketrans("（）", "()")


def _key(text: str) -> str:
    return "".join(str(text).translate(_BRACKETS).split())


def _names() -> dict[str, str]:
    """Every way of naming an indicator → its id: its id, its name, and an alias that names no other indicator."""
    ids = catalog.indicators()
    exact = {_key(i): str(i) for i in ids.index} | {_key(name): str(i) for i, name in ids["name"].items()}
    aliases: dict[str, set[str]] = {}
    for indicator, names in ids["aliases"].items():
        for alias in names:
            aliases.setdefault(_key(alias), set()).add(str(indicator))
    return {**{alias: found.pop() for alias, found in aliases.items() if len(found) == 1}, **exact}


def indicator_ids(given: str | Iterable[str] | None) -> list[str] | None:
    """The catalog ids of indicators given by id, name or alias (brackets and spaces aside); None stays None.

    Raises:
        InputError: A name the catalog does not know (or one shared by two indicators), with the close ones.
    """
    if given is None:
        return None
    names = _names()
    out = []
    for text in [given] if isinstance(given, str) else list(given):
        found = names.get(_key(text))
        if found is None:
            raise InputError(_unknown_indicator(str(text), names))
        out.append(found)
    return out


def _unknown_indicator(text: str, names: dict[str, str]) -> str:
    titles = catalog.indicators()["name"]
    close = dict.fromkeys(names[n] for n in difflib.get_close_matches(_key(text), list(names), n=3, cutoff=0.5))
    shown = "、".join(f"{titles[i]}（{i}）" for i in close)
    hint = f"；相近的有 / close: {shown}" if shown else ""
    return f"未知指标 / unknown indicator: {text}{hint}；全部指标见 / all of them: fazhi catalog"


def _listed(values: Iterable[object]) -> str:
    values = list(values)
    shown = "、".join(str(v) for v in values[:LISTED])
    return shown + (f" 等 {len(values)} 个 / and more" if len(values) > LISTED else "") if values else "（无 / none）"


def known_regions(table: pd.DataFrame, regions: Iterable[str]) -> list[str]:
    """``regions`` as given, each one the table holds (in any year).

    Raises:
        InputError: A region the table never names, listing those it does.
    """
    held = sorted(table["region"].dropna().astype(str).unique())
    out = list(dict.fromkeys(regions))
    unknown = [r for r in out if r not in set(held)]
    if unknown:
        shown = "、".join(unknown)
        raise InputError(f"数据表中没有地区 / no such region in the table: {shown}；有 / held: {_listed(held)}")
    return out


def region_year(table: pd.DataFrame, region: str | None = None, year: int | None = None) -> tuple[str, int]:
    """The region and year to look at: those given (checked), else the table's first region and its latest year.

    Example:
        >>> region_year(pd.DataFrame({"region": ["乙", "乙", "甲"], "year": [2023, 2024, 2024]}))  # 乙 sorts first
        ('乙', 2024)

    Raises:
        InputError: A region or year the table does not hold (naming those it does), or an empty table.
    """
    if table.empty:
        raise InputError("数据表为空 / the table is empty")
    region = known_regions(table, [region])[0] if region is not None else sorted(table["region"].dropna().unique())[0]
    held = table.loc[table["region"] == region, "year"]
    return str(region), known_year(table[table["region"] == region], int(year) if year is not None else held.max())


def known_year(table: pd.DataFrame, year: int) -> int:
    """``year`` when the table holds a figure of it.

    Raises:
        InputError: A year without any figure, listing the years the table holds.
    """
    held = sorted(int(y) for y in table["year"].dropna().unique())
    if int(year) not in held:
        raise InputError(f"数据表中没有 {year} 年的数据 / no figure of {year}；有 / the table holds: {_listed(held)}")
    return int(year)
