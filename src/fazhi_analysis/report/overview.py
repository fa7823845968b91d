"""The regional overview of a year: every region side by side, for ``fazhi report --overview --year Y``.

Pure functions over the tidy table, each returning a frame, an :class:`~fazhi_analysis.report.narrative.Html`
fragment or a :class:`~fazhi_analysis.report.plotting.Svg` chart that the notebook ``regional_overview.ipynb``
displays: which region reported which indicator (:func:`coverage`), each key indicator and rate
ranked between regions (:func:`ranking`, :func:`ranking_chart`, one dot per region that reported),
the highlights of each region (:func:`fazhi_analysis.analysis.highlights`) and the figures far from
the other regions' (:func:`outliers`). The table is read as of the year (:func:`gather`): an overview
of a past year does not change when later years are added. Regions are ranked among their peers
(:func:`peer_groups`, :class:`fazhi_analysis.analysis.PeerRule`). Settings and wording live in
``templates/narrative/`` (``overview_year.yaml`` and ``overview_year_*.html.j2``); a project's own copies
win (a setting its ``overview_year.yaml`` lacks keeps the bundled value). Every figure is written by
:func:`~fazhi_analysis.table.wording.format_figure`, and the dot plots are the annual report's
(:func:`~fazhi_analysis.report.charts.dot_panel`: a rate's axis shows the spread and says so).

Example:
    >>> overview.coverage(table, 2024)                                   # doctest: +SKIP
    >>> overview.ranking_chart(overview.ranking(table, 2024, "disputes.litigation_cases"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from fazhi_analysis import analysis
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import charts, downloads, plotting, wording
from fazhi_analysis.report.wording import Html, render
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import common_magnitude, format_figure, format_number, magnitude_of
from fazhi_analysis.userfiles import load_yaml

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


def gather(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The table an overview of ``year`` reads: the years up to ``year``, with the rates computed from counts.

    Raises:
        InputError: The table holds nothing for ``year`` (see :func:`regions_of`).
    """
    regions_of(table, year)  # names the years held when ``year`` is not among them
    return analysis.with_rates(analysis.as_of(table, year))


def peer_groups(
    table: pd.DataFrame, year: int, *, peers: str | None = None, region_table: pd.DataFrame | None = None
) -> list[tuple[str, list[str]]]:
    """The regions of ``year`` in their peer groups, as (scope in words, regions), the largest group first.

    A region outside every group (``group:NAME``) is not ranked at all.

    Example:
        >>> peer_groups(table, 2024, peers="all")           # doctest: +SKIP
        [('全部地区', ['示例区丁', '示例区丙', '示例区乙', '示例区戊', '示例区甲'])]
    """
    names = regions_of(table, year)
    info = analysis.peer_info(names, analysis.PeerRule.parse(peers), region_table).reset_index()
    groups = [(str(rows["scope"].iloc[0]), sorted(map(str, rows["region"]))) for _, rows in info.groupby("peer_group")]
    return sorted(groups, key=lambda g: (-len(g[1]), g[1]))


def group_heading(scope: str, members: list[str], groups: int) -> Html:
    """The heading of one peer group's rankings (nothing when every region is in one group)."""
    return render("overview_year_group.html.j2", scope=scope, members=members) if groups > 1 else Html("")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


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
    return _ranked(coverage(table, year), regions)


def _ranked(marks: pd.DataFrame, regions: list[str] | None) -> list[str]:
    """:func:`ranked_indicators` of a :func:`coverage` matrix (worked out once for every group of a year)."""
    config = settings()
    reported = (marks if regions is None else marks[regions]).sum(axis=1)
    rates = [i for i, kind in catalog.indicators()["kind"].items() if kind == "rate"]
    wanted = list(dict.fromkeys(list(config["key_indicators"]) + rates))
    return [i for i in wanted if reported.get(i, 0) >= int(config["min_ranked"])]


def ranking(table: pd.DataFrame, year: int, indicator: str, regions: list[str] | None = None) -> pd.DataFrame:
    """One indicator among ``regions`` (one peer group, :func:`peer_groups`; default every region of ``year``),
    highest first (:func:`fazhi_analysis.analysis.peers`).

    Regions that did not report it are listed last with ``reported`` False and no rank.
    """
    regions = regions_of(table, year) if regions is None else regions
    return analysis.peers(table, year, indicator, regions=regions, peers="all").reset_index(drop=True)


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


def _unit(indicator: str) -> str:
    """The unit an indicator's dot plot is drawn in: amounts in 万元 (:func:`plotting.scale`), others their own."""
    return plotting.scale(str(catalog.indicators().at[indicator, "unit"]))[1]


def ranking_figure(ranked: pd.DataFrame) -> Figure:
    """The dot plot of one :func:`ranking`: one row and one dot per region that reported, highest on top.

    The annual report's dot plot (:func:`charts.dot_panel`): the median dashed and written above it, each
    dot labelled with its figure; under the axis its unit, or, when a rate's axis does not start at 0,
    a note saying so. The caption above the chart names the indicator and the regions not ranked. Call
    it inside the report's style (:func:`ranking_chart` does).

    Raises:
        ValueError: Fewer than two regions reported (a one-dot ranking compares nothing).
    """
    shown = ranked[ranked["reported"]]
    if len(shown) < 2:
        raise ValueError("a ranking needs at least two regions that reported")
    indicator, unit = str(shown["indicator"].iloc[0]), str(shown["unit"].iloc[0])
    divisor = plotting.scale(unit)[0]
    note = plotting.zoom_note(shown["value"].to_numpy(dtype=float) / divisor, unit, "x")
    fig = charts.dot_figure(shown, None, [note or _unit(indicator)])
    (ax,) = fig.axes
    ax.text(float(shown["median"].iloc[0]) / divisor, 1.0, f"中位数 {_median(shown)}", ha="center", va="bottom",
            transform=ax.get_xaxis_transform(), fontsize=7.5, color=plotting.RULE)  # fmt: skip
    return fig


def _median(reported: pd.DataFrame) -> str:
    """The median of the regions that reported, written in the form most of their figures are written in."""
    unit = reported["unit"].iloc[0]
    magnitude = common_magnitude(reported["value"], reported["unit"], reported["raw"])
    return format_figure(reported["value"].astype(float).median(), unit, magnitude=magnitude)


def ranking_chart(ranked: pd.DataFrame) -> plotting.Svg:
    """:func:`ranking_figure` in the report's house style, as an inline SVG with its description."""
    with plotting.house_style():
        svg = plotting.to_svg(ranking_figure(ranked))
    svg.alt = f"{ranked['name'].iloc[0]}：各地区排名点图"
    return svg


def title(table: pd.DataFrame, year: int, region_table: pd.DataFrame | None = None) -> Html:
    """The overview's title and lead, naming every region of the year (with many, their groups: :func:`groups_of`)."""
    rows = table[table["year"] == int(year)]
    names = regions_of(table, year)
    by, groups = groups_of(table, year, region_table) if many(table, year) else ("", [])
    return render(
        "overview_year_title.html.j2",
        year=int(year),
        regions=names,
        by=by,
        groups=[(name, len(members)) for name, members in groups],
        n_figures=len(rows),
        n_indicators=len(coverage(table, year)),
    )


def groups_of(table: pd.DataFrame, year: int, region_table: pd.DataFrame | None) -> tuple[str, list[Group]]:
    """The regions of ``year`` in :func:`region_groups` of about ``many_regions`` groups."""
    return region_groups(regions_of(table, year), region_table, int(settings()["many_regions"]))


def coverage_table(table: pd.DataFrame, year: int, region_table: pd.DataFrame | None = None) -> Html:
    """The :func:`coverage` matrix as a sortable table: an indicator a row, a region a column.

    With many regions (:func:`many`) a column is a group (:func:`groups_of`) and a cell says how many of its
    regions reported; ``group_columns`` groups a table, the rest in further tables.
    """
    marks = coverage(table, year)
    names, sections = catalog.indicators()["name"], catalog.indicators()["section"]
    rows = [
        {"name": names[i], "section": catalog.section_title(sections[i]), "count": int(marks.loc[i].sum())}
        for i in marks.index
    ]
    if not many(table, year):
        for row, indicator in zip(rows, marks.index):
            row["marks"] = [bool(m) for m in marks.loc[indicator]]
        totals = [int(n) for n in marks.sum(axis=0)]
        return render(
            "overview_year_coverage.html.j2", year=int(year), regions=list(marks.columns), rows=rows, totals=totals
        )
    by, groups = groups_of(table, year, region_table)
    counts = np.column_stack([marks[members].sum(axis=1).to_numpy() for _, members in groups])
    width = int(settings()["group_columns"])
    sizes = [(name, len(members)) for name, members in groups]
    pages = [{"groups": sizes[k : k + width], "counts": counts[:, k : k + width]} for k in range(0, len(groups), width)]
    return render("overview_year_coverage_groups.html.j2", year=int(year), by=by, regions=marks.shape[1], rows=rows,
                  pages=pages)  # fmt: skip


def rankings_heading(
    table: pd.DataFrame, year: int, groups: list[Group] | None = None, region_table: pd.DataFrame | None = None
) -> Html:
    """The heading of the rankings and how to read them (or why there are none); ``groups`` as :func:`peer_groups`;
    with many regions, what a chart's rows are (:func:`ranking_blocks`)."""
    held = regions_of(table, year)
    groups = groups or [("全部地区", held)]
    grouped = {r for _, members in groups for r in members}
    marks = coverage(table, year)
    return render(
        "overview_year_rankings.html.j2",
        year=int(year),
        count=len({i for _, members in groups for i in _ranked(marks, members)}),
        min_ranked=int(settings()["min_ranked"]),
        scopes=[scope for scope, _ in groups] if len(groups) > 1 else [],
        outside=[r for r in held if r not in grouped],
        by=groups_of(table, year, region_table)[0] if many(table, year) else "",
    )


def ranking_blocks(
    table: pd.DataFrame, year: int, groups: list[Group], region_table: pd.DataFrame | None = None
) -> list[Html]:
    """The rankings of ``year`` among ``groups`` (:func:`peer_groups`), block by block.

    Each peer group's heading and a :func:`ranking_block` (a dot plot) of each of its :func:`ranked_indicators`;
    with many regions (:func:`many`), one :func:`spread_block` an indicator, a row a group of :func:`groups_of`
    (the ranks within the peer groups are in the download of :func:`figures`).
    """
    marks = coverage(table, year)
    if not many(table, year):
        blocks = []
        for scope, members in groups:
            blocks.append(group_heading(scope, members, len(groups)))
            blocks += [ranking_block(ranking(table, year, i, members)) for i in _ranked(marks, members)]
        return blocks
    peered = {r for _, members in groups for r in members}
    ranked = sorted(peered)
    by, rows = groups_of(table, year, region_table)
    rows = [(name, [r for r in members if r in peered]) for name, members in rows]
    return [spread_block(ranking(table, year, i, ranked), rows, by) for i in _ranked(marks, ranked)]


def spread_block(ranked: pd.DataFrame, rows: list[Group], by: str) -> Html:
    """One indicator across many regions: its caption (how many reported, the median, the highest and the lowest,
    how many did not report) and :func:`charts.spread_figure` with a row per group of ``rows``.

    ``ranked``: :func:`ranking` of the regions of ``rows``; ``by``: what the groups are (``市``, ``省`` …).
    """
    config = settings()
    indicator, name = str(ranked["indicator"].iloc[0]), str(ranked["name"].iloc[0])
    reported = ranked[ranked["reported"]]
    values = reported.set_index("region")["value"].astype(float)
    shown = [(group, values[values.index.isin(members)].to_numpy()) for group, members in rows]
    shown = [(group, v) for group, v in shown if len(v)]
    strip = max(len(v) for _, v in shown) <= int(config["strip_max"])
    unit = str(reported["unit"].iloc[0])
    zoom = plotting.zoom_note(values.to_numpy() / plotting.scale(unit)[0], unit, "x")
    notes = [zoom or _unit(indicator), config["spread_notes"]["strip" if strip else "box"]]
    with plotting.house_style():
        svg = plotting.to_svg(charts.spread_figure(shown, unit, notes, strip))
    top, bottom = reported.iloc[0], reported.iloc[-1]
    return render(
        "overview_year_spread.html.j2",
        anchor=f"rank-{indicator.replace('.', '-')}",
        name=name,
        unit=_unit(indicator),
        n_reporting=len(reported),
        median=_median(reported),
        highest=(top["region"], format_figure(top["value"], top["unit"], top["approx"], top["raw"])),
        lowest=(bottom["region"], format_figure(bottom["value"], bottom["unit"], bottom["approx"], bottom["raw"])),
        missing=int((~ranked["reported"]).sum()),
        chart=Markup(svg),
        alt=f"{name}：各{by}所辖地区的分布",
    )


def ranking_block(ranked: pd.DataFrame) -> Html:
    """One ranked indicator as a whole: its caption, median, the regions not ranked and the dot plot.

    One block, kept on one page in print. The chart is :func:`ranking_chart` (matplotlib's SVG, its
    text escaped); the names and regions around it are escaped by the template.
    """
    indicator = str(ranked["indicator"].iloc[0])
    reported = ranked[ranked["reported"]]
    chart = ranking_chart(ranked) if len(reported) >= 2 else None
    return render(
        "overview_year_ranking.html.j2",
        anchor=f"rank-{indicator.replace('.', '-')}",
        name=ranked["name"].iloc[0],
        unit=_unit(indicator),
        n_reporting=len(reported),
        median=_median(reported),
        missing=[str(r) for r in ranked.loc[~ranked["reported"], "region"]],
        chart=Markup(chart) if chart is not None else None,
        alt=chart.alt if chart is not None else "",
    )


def highlights(
    table: pd.DataFrame, year: int, *, peers: str | None = None, region_table: pd.DataFrame | None = None
) -> Html:
    """The highlights of every region of ``year`` (:func:`fazhi_analysis.analysis.highlights`), region by region,
    risks first and labelled as such; with many regions (:func:`many`), where to find them (each region's report)."""
    config = settings()
    if many(table, year):
        return render("overview_year_highlights.html.j2", year=int(year), regions=[], many=len(regions_of(table, year)))
    kinds = config["highlight_kinds"]
    regions = []
    for region in regions_of(table, year):
        found = analysis.highlights(table, region, year, limit=int(config["highlights_per_region"]), peers=peers,
                                    region_table=region_table)  # fmt: skip
        items = [
            {"kind": _label(kinds, k, tone), "text": t}
            for k, tone, t in zip(found["kind"], found["tone"], found["text"])
        ]
        regions.append({"region": region, "found": items})
    return render("overview_year_highlights.html.j2", year=int(year), regions=regions, many=0)


def _label(kinds: dict[str, str], kind: str, tone: str) -> str:
    """A highlight's label: ``risk``'s for a risk, except a standing, whose own words already say 需关注."""
    return kinds["risk"] if tone == "risk" and kind not in ("top", "bottom") else kinds.get(kind, kind)


def outliers_table(table: pd.DataFrame, year: int, region_table: pd.DataFrame | None = None) -> Html:
    """The :func:`outliers` of ``year`` as a sortable table, with the rule in a sentence above it.

    Each row's figure, median and quartiles are written in the form of the figure (:func:`format_figure`). With
    many regions (:func:`many`) each row also names the region's 上级, and each indicator lists its
    ``outliers_per_indicator`` farthest, the others counted in one row.
    """
    config = settings()
    found = outliers(table, year)
    crowded = many(table, year)
    limit = int(config["outliers_per_indicator"]) if crowded else len(found)
    parents = {} if region_table is None else region_table.set_index("region")["parent"].dropna().to_dict()
    rows = []
    for _, group in found.groupby("indicator", sort=False):
        for row in group.head(limit).itertuples():
            magnitude = magnitude_of(row.value, row.unit, row.raw)
            shown = {k: format_figure(getattr(row, k), row.unit, magnitude=magnitude) for k in ("median", "q1", "q3")}
            rows.append({"name": row.name, "region": row.region, "parent": parents.get(row.region, ""),
                         "value": float(row.value), "figure": format_figure(row.value, row.unit, row.approx, row.raw),
                         **shown, "side": config["outlier_sides"].get(row.side, row.side), "more": 0})  # fmt: skip
        if len(group) > limit:
            rows.append({"name": group["name"].iloc[0], "more": len(group) - limit})
    distance = config["outlier_distance"]
    rule = {f"{kind}_relative": f"{format_number(float(distance[kind]['relative']) * 100, 1)}%" for kind in KINDS}
    rule |= {"count_absolute": format_number(float(distance["count"]["absolute"])),
             "amount_absolute": format_figure(distance["amount"]["absolute"], "元"),
             "rate_absolute": format_number(float(distance["rate"]["absolute"]))}  # fmt: skip
    return render(
        "overview_year_outliers.html.j2",
        year=int(year),
        factor=format_number(float(config["outlier_iqr"])),
        min_peers=int(config["min_outlier_peers"]),
        rule=rule,
        rows=rows,
        many=crowded,
        limit=limit,
    )


def figures_link(
    table: pd.DataFrame,
    year: int,
    filename: str,
    label: str,
    *,
    peers: str | None = None,
    region_table: pd.DataFrame | None = None,
) -> Html:
    """A link that saves :func:`figures` as CSV inside the page; nothing beyond ``downloads_max_regions`` regions
    (:func:`workbook_link` then says how to make the data with ``fazhi export``)."""
    if _too_many_to_download(table, year):
        return Html("")
    return downloads.figures_link(figures(table, year, peers=peers, region_table=region_table), filename, label)


def workbook_link(
    table: pd.DataFrame,
    year: int,
    filename: str,
    label: str,
    *,
    peers: str | None = None,
    region_table: pd.DataFrame | None = None,
) -> Html:
    """A link that saves the wide table of every region up to ``year`` (:func:`fazhi_analysis.analysis.export.workbook`)
    inside the page; beyond ``downloads_max_regions`` regions, how to make it with ``fazhi export`` instead (the
    downloads of every county would make the page tens of megabytes)."""
    from fazhi_analysis.analysis import export

    if _too_many_to_download(table, year):
        return render("overview_year_export.html.j2", year=int(year), count=len(regions_of(table, year)),
                      filename=filename)  # fmt: skip
    book = export.workbook(table, as_of=year, peers=peers, region_table=region_table)
    return downloads.workbook_link(book, filename, label)


def _too_many_to_download(table: pd.DataFrame, year: int) -> bool:
    return len(regions_of(table, year)) > int(settings()["downloads_max_regions"])


FIGURE_COLUMNS = {"region": "地区", "scope": "比较范围", "indicator": "指标编号", "name": "指标", "value": "数值",
                  "unit": "单位", "figure": "写法", "rank": "名次", "tied": "并列地区数",
                  "n_reporting": "报告地区数"}  # fmt: skip


def figures(
    table: pd.DataFrame, year: int, *, peers: str | None = None, region_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The figures the overview ranks, one row per region and indicator, with Chinese column names.

    Columns: 地区, 比较范围, 指标编号, 指标, 数值, 单位 (the base unit: amounts in 元), 写法 (the figure as the
    pages write it, :func:`format_figure`), 名次 (within the peer group, ties sharing it), 并列地区数, 报告地区数; a
    region that did not report an indicator has no value and no rank. The groups are :func:`peer_groups`' (the
    largest first), each with its :func:`ranked_indicators`; every rank is found in one pass over the year
    (:func:`fazhi_analysis.analysis.peers`). This is the frame readers download.
    """
    groups = peer_groups(table, year, peers=peers, region_table=region_table)
    rows = analysis.peers(table, year, peers=peers, region_table=region_table)
    if rows.empty:
        return pd.DataFrame(columns=list(FIGURE_COLUMNS.values()))
    marks = coverage(table, year)
    group_of = {region: k for k, (_, members) in enumerate(groups) for region in members}
    ranked = {(k, i): n for k, (_, members) in enumerate(groups) for n, i in enumerate(_ranked(marks, members))}
    rows["_group"] = rows["region"].map(group_of)
    rows["_at"] = [ranked.get((g, i)) for g, i in zip(rows["_group"], rows["indicator"])]
    rows = rows[rows["_at"].notna()].sort_values(["_group", "_at"], kind="stable")
    rows["unit"] = rows["indicator"].map(catalog.indicators()["unit"])
    rows["figure"] = [format_figure(r.value, r.unit, r.approx, r.raw) if r.reported else "" for r in rows.itertuples()]
    return rows[list(FIGURE_COLUMNS)].rename(columns=FIGURE_COLUMNS).reset_index(drop=True)
