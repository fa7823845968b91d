"""The figures of a year's regional overview, as frames: its settings, the regions of the year and their groups,
which region reported which indicator, each indicator ranked, and the figures far from the other regions'.

Pure functions over the tidy table; :mod:`fazhi_analysis.report.overview` writes the page from them. The settings
live in ``templates/narrative/overview_year.yaml``; a project's copy wins key by key.

Example:
    >>> overview_frames.coverage(table, 2024)                                   # doctest: +SKIP
    >>> overview_frames.outliers(table, 2024)[["region", "value", "side"]]      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fazhi_analysis import analysis
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import wording
from fazhi_analysis.table import catalog
from fazhi_analysis.userfiles import load_yaml

__all__ = [
    "COUNTS",
    "GROUP_WORDS",
    "KINDS",
    "SETTINGS",
    "UNPLACED",
    "Group",
    "coverage",
    "groups_of",
    "many",
    "outliers",
    "ranked_among",
    "ranked_indicators",
    "ranking",
    "rankings",
    "region_groups",
    "regions_of",
    "settings",
]

SETTINGS = "overview_year.yaml"
KINDS = ("count", "amount", "rate")
COUNTS = ("many_regions", "strip_max", "group_columns", "outliers_per_indicator", "downloads_max_regions")  # each > 0
UNPLACED = "未注明上级"  # the group of regions the regions table does not place
GROUP_WORDS = {"省": "省", "市": "市", "县": "区县"}  # what groups of one level are called
Group = tuple[str, list[str]]  # a group's name (or scope in words) and its regions


def settings() -> dict[str, Any]:
    """The overview's settings (``overview_year.yaml``): the project's copy over the bundled one, key by key.

    Raises:
        InputError: A key indicator that the catalog does not know, or an outlier distance that is not a
            number of each kind (the message names the file).
    """
    found = [folder / SETTINGS for folder in wording.template_dirs() if (folder / SETTINGS).is_file()]
    loaded: dict[str, Any] = {}
    for path in reversed(found):  # the bundled file first, the project's over it
        loaded |= load_yaml(path, dict[str, Any], if_empty={})
    path = found[0]
    unknown = [i for i in loaded.get("key_indicators", []) if i not in catalog.indicators().index]
    if unknown:
        raise InputError(f"{path}: key_indicators 中有目录外的指标 / unknown indicators: {', '.join(unknown)}")
    distance = loaded.get("outlier_distance")
    if not isinstance(distance, dict) or any(
        not isinstance(distance.get(k), dict) or not all(_number(distance[k].get(f)) for f in ("relative", "absolute"))
        for k in KINDS
    ):
        raise InputError(
            f"{path}: outlier_distance 应为 count/amount/rate 各自的 relative 与 absolute 数值 / outlier_distance "
            "needs numbers relative and absolute for count, amount and rate"
        )
    bad = [key for key in COUNTS if not (isinstance(loaded.get(key), int) and loaded[key] > 0)]
    notes = loaded.get("spread_notes")
    if not (isinstance(notes, dict) and all(isinstance(notes.get(k), str) for k in ("strip", "box"))):
        bad.append("spread_notes")
    if bad:
        raise InputError(
            f"{path}: {'、'.join(bad)} 应为正整数（spread_notes 为 strip 与 box 两句）/ must be whole numbers above 0 "
            "(spread_notes: a line for strip and one for box)"
        )
    return loaded


def many(table: pd.DataFrame, year: int) -> bool:
    """Whether ``year`` holds more regions than one chart or table can name (``many_regions`` of the settings):
    then the overview shows them by group (:func:`region_groups`)."""
    return len(regions_of(table, year)) > int(settings()["many_regions"])


def region_groups(names: list[str], region_table: pd.DataFrame | None, limit: int) -> tuple[str, list[Group]]:
    """``names`` grouped by their 上级, or by the 上级 of those …: the nearest level with at most ``limit`` groups.

    Returns:
        What the groups are (``市``, ``省``, or ``上级地区`` when their levels differ) and the groups as (name,
        members), by name; regions the regions table does not place form the group ``未注明上级``.

    Example:
        >>> region_groups(["甲区", "乙区", "丙县"], regions_table, 30)   # doctest: +SKIP
        ('市', [('一市', ['乙区', '甲区']), ('二市', ['丙县'])])
    """
    listed = region_table.set_index("region") if region_table is not None else None
    parent = {} if listed is None else listed["parent"].dropna().astype(str).to_dict()
    keys = {name: parent.get(name, UNPLACED) for name in names}
    while len(set(keys.values())) > limit and any(key in parent for key in keys.values()):
        keys = {name: parent.get(key, key) for name, key in keys.items()}
    members: dict[str, list[str]] = {}
    for name in sorted(names):
        members.setdefault(keys[name], []).append(name)
    levels = {listed["level"].get(key) if listed is not None else None for key in members}
    by = GROUP_WORDS.get(levels.pop(), "上级地区") if len(levels) == 1 else "上级地区"
    return by, sorted(members.items())


def groups_of(table: pd.DataFrame, year: int, region_table: pd.DataFrame | None) -> tuple[str, list[Group]]:
    """The regions of ``year`` in :func:`region_groups` of about ``many_regions`` groups."""
    return region_groups(regions_of(table, year), region_table, int(settings()["many_regions"]))


def regions_of(table: pd.DataFrame, year: int) -> list[str]:
    """Every region with at least one figure in ``year``, sorted.

    Raises:
        InputError: The table holds nothing for ``year``; the message lists the years it holds.

    Example:
        >>> regions_of(table, 2024)                  # doctest: +SKIP
        ['示例区丁', '示例区丙', '示例区乙', '示例区戊', '示例区甲']
    """
    regions = table.loc[table["year"] == int(year), "region"].dropna().unique()
    if not len(regions):
        held = "、".join(str(int(y)) for y in sorted(table["year"].dropna().unique())) or "（无 / none）"
        raise InputError(
            f"数据表中没有{int(year)}年的数据 / no data for year {int(year)}; 可用年度 / available years: {held}"
        )
    return sorted(str(r) for r in regions)


def coverage(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Which region reported which indicator in ``year``: True where it did.

    Rows are the indicators that at least one region reported (catalog ids, catalog order); columns
    are every region of the year (:func:`regions_of`), including a region none of whose figures is
    mapped to the catalog (a column of False).
    """
    regions = regions_of(table, year)
    rows = table[(table["year"] == int(year)) & table["indicator"].isin(catalog.indicators().index)]
    pairs = rows[["indicator", "region"]].drop_duplicates()
    held = set(pairs["indicator"])
    order = [i for i in catalog.indicators().index if i in held]
    marks = np.zeros((len(order), len(regions)), dtype=bool)
    marks[pd.Index(order).get_indexer(pairs["indicator"]), pd.Index(regions).get_indexer(pairs["region"])] = True
    return pd.DataFrame(marks, index=pd.Index(order, name="indicator"), columns=pd.Index(regions, name="region"))


def ranked_indicators(table: pd.DataFrame, year: int, regions: list[str] | None = None) -> list[str]:
    """The indicators ranked in the overview: the key counts of the settings, then every rate, each only
    when at least ``min_ranked`` of ``regions`` (default: every region of the year) reported it in ``year``."""
    return ranked_among(coverage(table, year), regions)


def ranked_among(marks: pd.DataFrame, regions: list[str] | None) -> list[str]:
    """:func:`ranked_indicators` of a :func:`coverage` matrix (worked out once for every group of a year)."""
    config = settings()
    reported = (marks if regions is None else marks[regions]).sum(axis=1)
    rates = [i for i, kind in catalog.indicators()["kind"].items() if kind == "rate"]
    wanted = list(dict.fromkeys(list(config["key_indicators"]) + rates))
    return [i for i in wanted if reported.get(i, 0) >= int(config["min_ranked"])]


def ranking(table: pd.DataFrame, year: int, indicator: str, regions: list[str] | None = None) -> pd.DataFrame:
    """One indicator among ``regions`` (one peer group, :func:`~.overview.peer_groups`; default every region of
    ``year``), highest first (:func:`fazhi_analysis.analysis.peers`).

    Regions that did not report it are listed last with ``reported`` False and no rank.
    """
    regions = regions_of(table, year) if regions is None else regions
    return analysis.peers(table, year, indicator, regions=regions, peers="all").reset_index(drop=True)


def rankings(
    table: pd.DataFrame, year: int, indicators: list[str], regions: list[str] | None = None
) -> list[pd.DataFrame]:
    """:func:`ranking` of each of ``indicators`` (ids) among ``regions``, worked out in one pass: a peer group's
    rankings cost about one of them. An indicator none of them reported gets its empty ranking."""
    regions = regions_of(table, year) if regions is None else regions
    found = analysis.peers(table, year, regions=regions, peers="all")
    by = dict(iter(found.groupby("indicator", sort=False)))
    return [by[i].reset_index(drop=True) if i in by else ranking(table, year, i, regions) for i in indicators]


def outliers(table: pd.DataFrame, year: int, factor: float | None = None, min_peers: int | None = None) -> pd.DataFrame:
    """Figures far from the other regions': beyond the quartiles' fences, and far from the median both
    relatively and absolutely.

    For each indicator that at least ``min_peers`` regions reported in ``year``, Q1 and Q3 are the
    quartiles of their values (linear interpolation, as :func:`fazhi_analysis.analysis.peers` computes
    them) and IQR = Q3 − Q1. A value above Q3 + factor·IQR or below Q1 − factor·IQR (Tukey's fences) is
    an outlier only when it also lies from the median by at least ``relative`` of the median *and* by
    at least ``absolute`` (``outlier_distance`` of the settings, by the indicator's kind): small counts
    bunch up (IQR 0 when most regions report 3), and rates near 100% do too (96–99%: 99.3% against a
    median of 97.7% is within 5 points, so it is not an outlier).

    Args:
        factor: Default ``outlier_iqr`` of the settings (1.5).
        min_peers: Default ``min_outlier_peers`` of the settings (4).

    Returns:
        One row per outlier: the :data:`~fazhi_analysis.analysis.PEER_COLUMNS` plus ``low``, ``high``
        (the fences) and ``side`` (``high`` or ``low``), in catalog order, farthest first.

    Example (values 10, 12, 14, 16, 40: Q1 12, Q3 16, IQR 4, fences 6 and 22; 40 lies 26 from the
    median 14, more than half of it and more than 3, so it is high):
        >>> outliers(table, 2024)[["region", "value", "side"]]      # doctest: +SKIP
    """
    config = settings()
    factor = float(config["outlier_iqr"] if factor is None else factor)
    min_peers = int(config["min_outlier_peers"] if min_peers is None else min_peers)
    rows = analysis.peers(table, year)
    rows = rows[rows["reported"] & (rows["n_reporting"] >= min_peers)].copy()
    spread = (rows["q3"] - rows["q1"]).astype(float)
    rows["low"], rows["high"] = rows["q1"] - factor * spread, rows["q3"] + factor * spread
    value, median = rows["value"].astype(float), rows["median"].astype(float)
    kinds = rows["indicator"].map(catalog.indicators()["kind"])
    relative = kinds.map({k: float(d["relative"]) for k, d in config["outlier_distance"].items()}).astype(float)
    absolute = kinds.map({k: float(d["absolute"]) for k, d in config["outlier_distance"].items()}).astype(float)
    distance = (value - median).abs()
    far = (distance >= absolute) & (distance >= relative * median.abs())
    rows["side"] = pd.Series(pd.NA, index=rows.index, dtype="string")
    rows.loc[far & (value > rows["high"]), "side"] = "high"
    rows.loc[far & (value < rows["low"]), "side"] = "low"
    found = rows[rows["side"].notna()].copy()
    found["_far"] = (found["value"] - found["median"]).abs().astype(float)
    found["_order"] = found["indicator"].map({i: n for n, i in enumerate(catalog.indicators().index)})
    found = found.sort_values(["_order", "_far"], ascending=[True, False], kind="stable")
    return found.drop(columns=["_far", "_order"]).reset_index(drop=True)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
