"""The wide table: one row per region and indicator, a block of columns per year, for Excel.

Each year's block holds the figure (base unit), its change from the year before, that change in %
(where a percentage means something, :func:`~fazhi_analysis.analysis.comparison.percent_change`), the
rank among the region's peers (1 = highest), how many peers reported it and how many share the rank,
and, where the regions table gives a population, the figure per 10,000 residents and its rank.
:func:`export_wide` writes it, with a sheet explaining the columns and the peer rule, to an xlsx
file (``fazhi export``); reports link the same workbook.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.wide(table, as_of=2024, peers="level").columns[:7].tolist()   # doctest: +SKIP
    ['地区', '层级', '上级', '比较范围', '方面', '指标', '单位']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fazhi_analysis.analysis.comparison import as_of as table_as_of
from fazhi_analysis.analysis.peer_groups import PeerRule, peers_by_year
from fazhi_analysis.analysis.trends import trends
from fazhi_analysis.table import catalog
from fazhi_analysis.table.memo import Memo, fingerprint
from fazhi_analysis.table.rates import with_rates
from fazhi_analysis.table.write import atomic_path, xlsx_bytes

__all__ = ["ABOUT_SHEET", "SHEET", "about", "describe", "export_wide", "wide", "workbook"]

_META = {"region": "地区", "level": "层级", "parent": "上级", "scope": "比较范围", "section": "方面", "name": "指标",
        "unit": "单位"}  # fmt: skip
_MEASURES = {"value": "", "change": "同比变化", "change_pct": "同比变化(%)", "rank": "位次",
             "n_reporting": "可比地区数", "tied": "并列地区数", "per_10k": "每万人",
             "rank_per_10k": "每万人位次"}  # fmt: skip
SHEET, ABOUT_SHEET = "宽表", "说明"
_OUTSIDE = "不参与比较（不在所选分组中）"


def _long(
    table: pd.DataFrame, rule: PeerRule, region_table: pd.DataFrame | None, regions: list[str] | None
) -> pd.DataFrame:
    """One row per region (of ``regions``, default all) indicator and year: the figure, its change, and its standing
    among all the peers."""
    held = trends(table, None if regions is None else sorted(set(regions).intersection(table["region"].dropna())))
    ranked = peers_by_year(table, held["year"].unique().tolist(), peers=rule, region_table=region_table,
                           groups_of=regions)  # fmt: skip
    ranked = ranked[ranked["reported"]].drop(columns=["name", "value", "unit", "approx", "raw"])
    ranked["tied"] = ranked["tied"].where(ranked["tied"] > 1)
    return held.merge(ranked, on=["region", "indicator", "year"], how="left")


def wide(
    table: pd.DataFrame,
    *,
    as_of: int | None = None,
    peers: str | PeerRule | None = None,
    region_table: pd.DataFrame | None = None,
    regions: list[str] | None = None,
) -> pd.DataFrame:
    """Every region (or ``regions``) × indicator, with a block of columns per year (see the module).

    Args:
        table: A tidy table; computed rates are added (:func:`~fazhi_analysis.analysis.with_rates`).
        as_of: Only the years up to this one (a report's year).
        peers, region_table: Who is ranked with whom (:func:`~fazhi_analysis.analysis.peers`).
        regions: The regions whose rows are kept (ranks stay among all their peers).

    Returns:
        Columns 地区, 层级, 上级, 比较范围, 方面, 指标, 单位, 比较规则, then ``2024年``, ``2024年同比变化`` … per
        year, oldest first; the per-10,000 columns only where a population is given. Numbers are numbers.
    """
    rule = PeerRule.parse(peers)
    table = with_rates(table if as_of is None else table_as_of(table, as_of))
    if table["indicator"].notna().sum() == 0:
        return pd.DataFrame(columns=[*_META.values(), "比较规则"])
    long = _long(table, rule, region_table, regions)
    shown = [m for m in _MEASURES if m not in ("per_10k", "rank_per_10k") or long[m].notna().any()]
    grid = long.set_index(["region", "indicator", "year"])[shown].unstack("year")
    grid = grid.reindex(columns=sorted(grid.columns, key=lambda c: (c[1], shown.index(c[0]))))
    grid.columns = [f"{year}年{_MEASURES[m]}" for m, year in grid.columns]
    meta = (
        long.sort_values("year")
        .drop_duplicates(["region", "indicator"], keep="last")
        .set_index(["region", "indicator"])
    )
    meta["section"] = (
        meta.index.get_level_values("indicator").map(catalog.indicators()["section"]).map(catalog.sections()["title"])
    )
    meta["scope"] = meta["scope"].fillna(_OUTSIDE)
    out = meta[[c for c in _META if c != "region"]].join(grid).reset_index()
    order = {i: n for n, i in enumerate(catalog.indicators().index)}
    out = out.assign(_order=out["indicator"].map(order)).sort_values(["region", "_order"], kind="stable")
    out.insert(out.columns.get_loc("unit") + 1, "比较规则", describe(rule))
    out = out.drop(columns=["indicator", "_order"]).rename(columns=_META)
    return out.reset_index(drop=True)


_RULE_WORDS = {"default": "同层级且同上级", "level": "同层级", "parent": "同上级", "all": "全部地区"}


def describe(rule: str | PeerRule | None) -> str:
    """The peer rule in words: ``default（同层级且同上级）``, ``group:城区（分组“城区”）``."""
    rule = PeerRule.parse(rule)
    words = f"分组“{rule.group_name}”" if rule.kind == "group" else _RULE_WORDS[rule.kind]
    return f"{rule}（{words}）"


def about(rule: str | PeerRule | None, as_of: int | None) -> pd.DataFrame:
    """The workbook's second sheet: what each column means, the peer rule and the years covered."""
    rows = [
        ("数据范围", f"截至{as_of}年（不含以后年度）" if as_of is not None else "数据表中的全部年度"),
        ("比较规则", describe(rule)),
        ("数值", "基本单位：金额为元，比率为百分数；按报告数据计算的比率也列出"),
        ("同比变化", "与上一年相比的增减；上一年没有数据时为空"),
        ("同比变化(%)", "两年都不少于10的计数和金额才给百分比；比率只看百分点变化"),
        (
            "位次",
            "在同一比较范围内、当年报告了该项的地区中由高到低的位次（1为数值最高；败诉等越低越好的指标，"
            "1为最多）；数值相同者并列，取较前的位次",
        ),
        ("可比地区数", "同一比较范围内当年报告了该项的地区数"),
        ("并列地区数", "与本地区数值相同、位次相同的地区数（含本地区）；没有并列时为空"),
        ("每万人", "计数除以常住人口（万人），剔除人口规模影响后的参考比较；地区表给出常住人口时才有"),
    ]
    return pd.DataFrame(rows, columns=["项目", "说明"])


def workbook(
    table: pd.DataFrame,
    *,
    as_of: int | None = None,
    peers: str | PeerRule | None = None,
    region_table: pd.DataFrame | None = None,
    regions: list[str] | None = None,
) -> bytes:
    """The xlsx bytes of :func:`wide` and :func:`about` (formula-like text defused, the same bytes each time).

    The last few are kept by what they are made of (the tables' content, the catalog, the arguments): the reports of
    one peer group and year that a batch worker renders link the same workbook, built once.
    """
    rule = PeerRule.parse(peers)
    kept = None if regions is None else tuple(regions)
    year = None if as_of is None else int(as_of)
    key = (fingerprint(table), fingerprint(region_table), year, str(rule), kept, catalog.current().digest)

    def build() -> bytes:
        frame = wide(table, as_of=as_of, peers=rule, region_table=region_table, regions=regions)
        return xlsx_bytes({SHEET: frame, ABOUT_SHEET: about(rule, as_of)})

    return _WORKBOOKS.get_or_compute(key, build)


_WORKBOOKS: Memo[bytes] = Memo(8)


def export_wide(
    table: pd.DataFrame,
    path: str | Path,
    *,
    as_of: int | None = None,
    peers: str | PeerRule | None = None,
    region_table: pd.DataFrame | None = None,
) -> Path:
    """Write :func:`workbook` to ``path`` atomically; returns the path.

    Raises:
        InputError: An unknown peer rule.
    """
    data = workbook(table, as_of=as_of, peers=peers, region_table=region_table)
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
