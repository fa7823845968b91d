"""Peers: which regions a region is compared with, its rank among them (ties shared), and how to say it.

A peer rule (:class:`PeerRule`) groups the regions of a year: ``default`` those of the same level
(省/市/县) under the same parent, ``level`` the same level, ``parent`` the same parent,
``group:NAME`` the regions of the regions table's 分组 NAME, ``all`` every region. Levels, parents,
groups and populations come from the regions table (:mod:`fazhi_analysis.table.regions`); without
it, a level is read from the name where the name decides it, and regions whose level is unknown
are compared with each other only.

Ranks go from the highest value down; tied regions share the better rank (``tied`` says how many
share it). :func:`standings` says what a rank means in words, with the catalog's ``better:``: for an
indicator where lower is better, the first place is 最多/最高 and needs attention, never 居首.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.peers(table, 2024, "disputes.litigation_lost", peers="level")   # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from fazhi_analysis.analysis.lookup import indicator_ids, known_regions, known_year
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog, regions
from fazhi_analysis.table.catalog_object import Catalog
from fazhi_analysis.table.mapped import with_catalog
from fazhi_analysis.table.rates import with_rates
from fazhi_analysis.table.wording import format_figure, format_number

__all__ = [
    "MIN_PEERS",
    "PEER_COLUMNS",
    "PeerRule",
    "RULES",
    "STANDING_COLUMNS",
    "extremes",
    "group_of",
    "peer_info",
    "peers",
    "peers_by_year",
    "standings",
]

MIN_PEERS = 3  # a rank among fewer regions says little
PEER_COLUMNS = [
    "indicator", "name", "region", "reported", "value", "unit", "approx", "rank", "tied", "n_reporting", "median", "q1",
    "q3", "from_median", "raw", "peer_group", "scope", "noun", "rule", "level", "parent", "inferred", "population",
    "per_10k", "rank_per_10k", "tied_per_10k", "n_per_10k",
]  # fmt: skip
RULES = ("default", "level", "parent", "all")  # and group:NAME
_GROUP_PREFIX = "group:"
_NOUNS = {"省": "省（区、市）", "市": "市（州、盟）", "县": "区县"}  # what the regions of one level are called
_UNKNOWN = "?"


@dataclass(frozen=True)
class PeerRule:
    """How regions are grouped into peers: ``kind`` one of :data:`RULES` or ``group`` (with ``group_name``).

    Example:
        >>> str(PeerRule.parse("group:城区")), PeerRule.parse(None).kind
        ('group:城区', 'default')
    """

    kind: str = "default"
    group_name: str | None = None

    @classmethod
    def parse(cls, rule: str | PeerRule | None) -> PeerRule:
        """The rule written as ``default``, ``level``, ``parent``, ``group:NAME`` or ``all`` (None: default).

        Raises:
            InputError: Any other text, or ``group:`` without a name.
        """
        if isinstance(rule, PeerRule):
            return rule
        text = (rule or "default").strip()
        if text.startswith(_GROUP_PREFIX) and text[len(_GROUP_PREFIX) :].strip():
            return cls("group", text[len(_GROUP_PREFIX) :].strip())
        if text not in RULES:
            raise InputError(
                f"未知的比较范围 --peers {text!r}；可选 level、parent、group:分组名、all（缺省：同层级且同上级）/ "
                "unknown peer rule: use level, parent, group:NAME or all (default: same level and parent)"
            )
        return cls(text)

    def __str__(self) -> str:
        return f"{_GROUP_PREFIX}{self.group_name}" if self.kind == "group" else self.kind

    def keys(self, info: pd.DataFrame) -> pd.Series:
        """The peer group of each region of ``info`` (:func:`fazhi_analysis.table.regions.resolve`); NA: none."""
        level, parent = info["level"].fillna(_UNKNOWN), info["parent"].fillna(_UNKNOWN)
        keys = {
            "all": pd.Series("all", index=info.index),
            "level": level,
            "parent": parent,
            "default": level + "/" + parent,
            "group": info["group"].where(info["group"] == self.group_name),
        }[self.kind]
        return keys.astype("string")

    def scope(self, members: pd.DataFrame) -> str:
        """The peers of one group in words (``同属乌鲁木齐市的区县``), from the regions table rows of its ``members``.

        Regions of unknown level are only ``地区``: nothing is claimed about their level.
        """
        noun = _noun_of(members)
        level = noun  # 区县, 市（州、盟）…; 地区 when a level is unknown: nothing is claimed about it
        parent = members["parent"].dropna()
        parent = str(parent.iloc[0]) if len(parent) == len(members) and len(members) else None
        return {
            "all": "全部地区",
            "level": level,
            "parent": f"同属{parent}的地区" if parent else "上级未注明的地区",
            "default": f"同属{parent}的{noun}" if parent else level,
            "group": f"分组“{self.group_name}”中的地区",
        }[self.kind]


def _noun_of(members: pd.DataFrame) -> str:
    """What the regions of ``members`` are called together: ``区县`` when all are 县-level, else ``地区``."""
    levels = set(members["level"].dropna())
    return _NOUNS[levels.pop()] if len(levels) == 1 and members["level"].notna().all() else "地区"


def _ranked(out: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rank (highest first, ties sharing the better one), how many share it, and how many ranked, per group."""
    values = out[column].astype(float)
    keys = [out["year"], out["indicator"], out["peer_group"]]
    by = values.groupby(keys, sort=False, dropna=True)
    rank = by.rank(method="min", ascending=False).astype("Int64")
    tied = values.groupby([*keys, values.round(9)], sort=False, dropna=True).transform("size")
    count = by.transform("count").where(out["peer_group"].notna())
    return rank, tied.reindex(out.index).astype("Int64"), count.astype("Int64")


def peers(
    table: pd.DataFrame,
    year: int,
    indicator: str | None = None,
    regions: list[str] | None = None,
    *,
    peers: str | PeerRule | None = None,
    region_table: pd.DataFrame | None = None,
    groups_of: list[str] | None = None,
) -> pd.DataFrame:
    """Each region's figure of ``year`` among its peers, indicator by indicator, the rates computed from two counts
    among them (:func:`~fazhi_analysis.analysis.with_rates`), as the report ranks them.

    Args:
        table: A tidy table.
        year: The year compared.
        indicator: One indicator, by id or Chinese name (default: all).
        regions: The regions considered (default: every region the table holds for ``year``); one that did not
            report in ``year`` is listed as not reporting.
        peers: The peer rule (:class:`PeerRule`; default: same level and same parent).
        region_table: The regions table (:class:`fazhi_analysis.table.regions.RegionsTable`); None: levels
            read from the names.
        groups_of: Only the rows of these regions' peer groups (a region outside every group: its own rows), as
            :func:`group_of` would keep them, computed without ranking the other groups: a report's cost does not
            grow with the regions outside its peer group.

    Returns:
        One row per indicator and region (columns :data:`PEER_COLUMNS`). A region that did not report
        an indicator has ``reported`` False and no rank; one outside every group (``group:NAME``) has no
        ``peer_group`` and no rank. ``rank`` (1 = highest), ``tied`` (regions sharing that rank),
        ``n_reporting``, ``median``, ``q1``, ``q3`` are within the peer group; ``scope`` and ``noun`` say
        the group in words; ``per_10k`` is a count per 10,000 residents where the population is known,
        ranked the same way (``rank_per_10k``, ``tied_per_10k``, ``n_per_10k``).

    Raises:
        InputError: An unknown peer rule; a year, region or indicator that neither the table nor the catalog holds
            (the error names those there are).
    """
    rule = PeerRule.parse(peers)
    table = with_rates(table)
    year = known_year(table, year)
    wanted = indicator_ids(None if indicator is None else [indicator])
    compared = known_regions(table, regions) if regions is not None else None
    found = _of_years(table, [year], rule, region_table, groups_of, wanted=wanted, compared=compared)
    return found.reindex(columns=PEER_COLUMNS)


def peers_by_year(
    table: pd.DataFrame,
    years: list[int],
    *,
    peers: str | PeerRule | None = None,
    region_table: pd.DataFrame | None = None,
    groups_of: list[str] | None = None,
) -> pd.DataFrame:
    """:func:`peers` of each of ``years`` (held by the table) in one pass, year after year, with a ``year`` column:
    the rows of ``peers(table, y, …)`` for each ``y``, ranked together at the cost of about one year.

    Raises:
        InputError: An unknown peer rule.
    """
    found = _of_years(with_rates(table), sorted(years), PeerRule.parse(peers), region_table, groups_of)
    return found.reindex(columns=[*PEER_COLUMNS, "year"])


def _of_years(
    table: pd.DataFrame,
    years: list[int],
    rule: PeerRule,
    region_table: pd.DataFrame | None,
    groups_of: list[str] | None,
    *,
    wanted: list[str] | None = None,
    compared: list[str] | None = None,
) -> pd.DataFrame:
    """The rows of :func:`peers` of each year (of a table with its rates), sorted by year; ``compared``: the regions
    considered (default: each year's), ``wanted``: one indicator (default: all)."""
    rows = table[table["year"].isin(years).fillna(False).astype(bool) & table["region"].notna()]
    figures = with_catalog(rows if compared is None else rows[rows["region"].isin(compared)])
    figures = figures.drop_duplicates(["year", "region", "indicator"])
    if wanted is not None:
        figures = figures[figures["indicator"] == wanted[0]]
    if figures.empty:
        return pd.DataFrame(columns=[*PEER_COLUMNS, "year"])
    info = _infos(rows, figures, rule, region_table, groups_of, compared)
    grids = [
        pd.MultiIndex.from_product([[y], ids.unique(), info.loc[y].index], names=["year", "indicator", "region"])
        for y, ids in figures.groupby("year", sort=True)["indicator"]
    ]  # each year's indicators × its regions
    grid = grids[0].append(grids[1:])
    figure = ["value", "unit", "approx", "raw"]  # a figure's own period and scope are not the peer group's
    out = figures.set_index(["year", "indicator", "region"])[figure].reindex(grid).reset_index()
    out["name"] = out["indicator"].map(figures.drop_duplicates("indicator").set_index("indicator")["name"])
    out["reported"] = out["value"].notna()
    out = out.join(info.drop(columns=["group", "source"]), on=["year", "region"])
    out["rule"] = str(rule)
    out["rank"], out["tied"], out["n_reporting"] = _ranked(out, "value")
    by = out["value"].astype(float).groupby([out["year"], out["indicator"], out["peer_group"]], sort=False, dropna=True)
    out["median"], out["q1"], out["q3"] = (by.transform("quantile", q) for q in (0.5, 0.25, 0.75))
    out["from_median"] = (out["value"] - out["median"]).astype("Float64")
    counts = out["indicator"].map(catalog.indicators()["kind"]).eq("count")
    out["per_10k"] = (out["value"] / out["population"]).where(counts).astype("Float64")
    out["rank_per_10k"], out["tied_per_10k"], out["n_per_10k"] = _ranked(out, "per_10k")
    out["_order"] = out["indicator"].map({i: n for n, i in enumerate(figures["indicator"].unique())})  # catalog order
    out = out.sort_values(["year", "_order", "rank", "region"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def _infos(
    rows: pd.DataFrame,
    figures: pd.DataFrame,
    rule: PeerRule,
    region_table: pd.DataFrame | None,
    groups_of: list[str] | None,
    compared: list[str] | None,
) -> pd.DataFrame:
    """:func:`peer_info` of the regions compared in each year with figures (those of ``groups_of``' groups), indexed
    by year and region."""
    held = rows.groupby("year")["region"].unique()
    names = {y: list(compared) if compared is not None else sorted(held[y]) for y in sorted(figures["year"].unique())}
    every = regions.resolve(region_table, sorted(set().union(*names.values()))).set_index("region")  # row by row
    infos = {}
    for year, listed in names.items():
        info = _grouped(every.loc[list(dict.fromkeys(map(str, listed)))], rule)
        infos[year] = info if groups_of is None else info[_in_groups(info, groups_of)]
    return pd.concat(infos, names=["year"])


def _in_groups(info: pd.DataFrame, regions: list[str]) -> pd.Series:
    """Which rows of :func:`peer_info` are in the peer group of one of ``regions`` (or are one of them)."""
    held = info.index.isin(regions)
    return pd.Series(held, index=info.index) | info["peer_group"].isin(info.loc[held, "peer_group"].dropna())


def peer_info(names: list[str], rule: PeerRule, region_table: pd.DataFrame | None) -> pd.DataFrame:
    """Each region's level, parent, population (:func:`~fazhi_analysis.table.regions.resolve`), peer group,
    the group's ``scope`` and ``noun`` in words, indexed by region."""
    return _grouped(regions.resolve(region_table, names).set_index("region"), rule)


def _grouped(info: pd.DataFrame, rule: PeerRule) -> pd.DataFrame:
    """``info`` (:func:`~fazhi_analysis.table.regions.resolve` by region) with each region's peer group under
    ``rule`` and the group's ``scope`` and ``noun`` in words."""
    info["peer_group"] = rule.keys(info)
    words = {key: (rule.scope(members), _noun_of(members)) for key, members in info.groupby("peer_group")}
    info["scope"] = info["peer_group"].map(lambda k: words[k][0], na_action="ignore").astype("string")
    info["noun"] = info["peer_group"].map(lambda k: words[k][1], na_action="ignore").astype("string")
    return info


def group_of(peer_rows: pd.DataFrame, region: str) -> pd.DataFrame:
    """The rows of :func:`peers` in ``region``'s peer group (only its own rows when it has none)."""
    mine = peer_rows.loc[peer_rows["region"] == region, "peer_group"].dropna()
    if mine.empty:
        return peer_rows[peer_rows["region"] == region].reset_index(drop=True)
    return peer_rows[peer_rows["peer_group"] == mine.iloc[0]].reset_index(drop=True)


STANDING_COLUMNS = ["indicator", "name", "value", "unit", "figure", "rank", "tied", "n", "position", "tone", "clause"]
_COLUMNS = {"value": ("value", "rank", "tied", "n_reporting"),
            "per_10k": ("per_10k", "rank_per_10k", "tied_per_10k", "n_per_10k")}  # fmt: skip


def standings(
    peer_rows: pd.DataFrame, region: str, *, per_10k: bool = False, cat: Catalog | None = None
) -> pd.DataFrame:
    """Where ``region`` stands in its peer group, indicator by indicator, in words.

    Only indicators that :data:`MIN_PEERS` or more of the group reported (with a population, for
    ``per_10k``). ``position`` is ``first``, ``last``, ``middle`` or ``all`` (every region the same);
    ``tone`` is ``good`` or ``risk`` at either end of an indicator the catalog gives a ``better:``,
    else ``neutral``; ``clause`` says it: ``在6个区县中第2``, ``在5个区县中与白沙区等3个区县并列第一（均为100%）``,
    ``在6个区县中最多（需关注）`` for the most 败诉.

    Args:
        peer_rows: Rows of :func:`peers` (their group is taken from ``region``'s row).
        region: The region.
        per_10k: Stand by the figure per 10,000 residents (counts with a population) instead of the figure.
        cat: The catalog whose ``better:`` and kinds are read (default: the working project's).
    """
    value, rank, tied, n = _COLUMNS["per_10k" if per_10k else "value"]
    group = group_of(peer_rows, region)
    ranked = group[group[value].notna() & group[rank].notna()]
    mine = ranked[(ranked["region"] == region) & (ranked[n] >= MIN_PEERS)]
    sharing = ranked.groupby(["indicator", rank], sort=False)["region"].agg(list).to_dict()  # who holds each rank
    better = catalog.field("better", cat)
    out = []
    for row in mine.itertuples(index=False):
        row = row._asdict()
        others = [str(r) for r in sharing[(row["indicator"], row[rank])] if r != region]
        position = _position(int(row[rank]), int(row[tied]), int(row[n]))
        tone = _tone(position, better.get(row["indicator"]))
        if per_10k:
            figure = _per_10k_figure(row[value], row["unit"], row["approx"])
        else:
            figure = format_figure(row[value], row["unit"], row["approx"], row.get("raw"))
        clause = _clause(position, tone, row, others, figure, (rank, n), cat)
        out.append({"indicator": row["indicator"], "name": row["name"], "value": row[value], "unit": row["unit"],
                    "figure": figure, "rank": int(row[rank]), "tied": int(row[tied]), "n": int(row[n]),
                    "position": position, "tone": tone, "clause": clause})  # fmt: skip
    return pd.DataFrame(out, columns=STANDING_COLUMNS)


def _position(rank: int, tied: int, n: int) -> str:
    if tied >= n:
        return "all"
    if rank == 1:
        return "first"
    return "last" if rank + tied - 1 == n else "middle"


def _tone(position: str, better: object) -> str:
    """``good`` or ``risk`` for the best or worst place on an indicator with a ``better:``; else ``neutral``."""
    if better not in ("higher", "lower") or position not in ("first", "last"):
        return "neutral"
    return "good" if (position == "first") == (better == "higher") else "risk"


def _clause(
    position: str, tone: str, row: dict, others: list[str], figure: str, columns: tuple[str, str], cat: Catalog | None
) -> str:
    """The words of one standing (see :func:`standings`); ``columns``: the names of its rank and count."""
    rank, n = columns
    noun = row["noun"] if isinstance(row["noun"], str) else "地区"
    among = f"在{row[n]}个{noun}中"
    if position == "all":
        return f"{among}均为{figure}"
    high, low = extremes(row["indicator"], cat)
    better = catalog.field("better", cat).get(row["indicator"])
    words = {"first": "第一" if better == "higher" else high, "last": low, "middle": f"第{row[rank]}"}[position]
    if not others and position == "first" and better == "higher":
        words = "居首"
    notes = ([f"均为{figure}"] if others else []) + (["需关注"] if tone == "risk" else [])
    return f"{among}{_with(others, noun)}{'并列' if others else ''}{words}" + (
        f"（{'，'.join(notes)}）" if notes else ""
    )


def _with(others: list[str], noun: str) -> str:
    """``与白沙区``, ``与白沙区、天山区``, ``与白沙区等3个区县``: the regions sharing a rank."""
    if not others:
        return ""
    if len(others) <= 2:
        return f"与{'、'.join(others)}"
    return f"与{others[0]}等{len(others)}个{noun}"


def extremes(indicator: str, cat: Catalog | None = None) -> tuple[str, str]:
    """How the top and the bottom value are said: ``最多``/``最少`` for counts, else ``最高``/``最低`` (by the kinds of
    ``cat``, default the working project's catalog)."""
    return ("最多", "最少") if catalog.field("kind", cat).get(indicator, "count") == "count" else ("最高", "最低")


def _per_10k_figure(value: float, unit: object, approx: object = False) -> str:
    """A count per 10,000 residents: ``402人次`` from 100 on, ``0.52件`` (two decimals), ``0.0031件`` (two
    significant digits below 0.1); ``约`` for an approximate count."""
    digits = 0 if value >= 100 else 2 if value >= 0.1 or value <= 0 else 1 - math.floor(math.log10(value))
    about = "约" if not pd.isna(approx) and bool(approx) else ""
    return f"{about}{format_number(float(value), int(digits))}{'' if pd.isna(unit) else unit}"
