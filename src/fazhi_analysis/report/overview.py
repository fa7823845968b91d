"""The regional overview of a year: every region side by side, for ``fazhi report --overview --year Y``.

What the notebook ``regional_overview.ipynb`` calls: the table it reads, as of the year (:func:`gather`: an
overview of a past year does not change when later years are added), the regions in their peer groups
(:func:`peer_groups`, :class:`fazhi_analysis.analysis.PeerRule`), and the page's parts, each an
:class:`~fazhi_analysis.report.narrative.Html` fragment: the title, which region reported which indicator
(:func:`coverage_table`), each key indicator and rate ranked between regions (:func:`ranking_blocks`, one dot per
region that reported, :func:`ranking_chart`), the highlights of each region
(:func:`fazhi_analysis.analysis.highlights`), the figures far from the other regions' (:func:`outliers_table`) and
the downloads (:func:`figures_link`, :func:`workbook_link`). The frames they show are
:mod:`~fazhi_analysis.report.overview_frames`'. Settings and wording live in ``templates/narrative/``
(``overview_year.yaml`` and ``overview_year_*.html.j2``); a project's own copies win (a setting its
``overview_year.yaml`` lacks keeps the bundled value). Every figure is written by
:func:`~fazhi_analysis.table.wording.format_figure`, and the dot plots are the annual report's
(:func:`~fazhi_analysis.report.charts.dot_panel`: a rate's axis shows the spread and says so).

Example:
    >>> overview.coverage_table(table, 2024)                                   # doctest: +SKIP
    >>> overview.ranking_chart(overview_frames.ranking(table, 2024, "disputes.litigation_cases"))  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from fazhi_analysis import analysis
from fazhi_analysis.report import charts, downloads, plotting
from fazhi_analysis.report.overview_frames import (
    KINDS,
    Group,
    coverage,
    groups_of,
    many,
    outliers,
    ranked_among,
    rankings,
    regions_of,
    settings,
)
from fazhi_analysis.report.wording import Html, render
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import common_magnitude, format_figure, format_number, magnitude_of

__all__ = [
    "FIGURE_COLUMNS",
    "coverage_table",
    "figures",
    "figures_link",
    "gather",
    "group_heading",
    "highlights",
    "outliers_table",
    "peer_groups",
    "ranking_block",
    "ranking_blocks",
    "ranking_chart",
    "ranking_figure",
    "rankings_heading",
    "spread_block",
    "title",
    "workbook_link",
]


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
        count=len({i for _, members in groups for i in ranked_among(marks, members)}),
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
            blocks += [ranking_block(r) for r in rankings(table, year, ranked_among(marks, members), members)]
        return blocks
    peered = {r for _, members in groups for r in members}
    ranked = sorted(peered)
    by, rows = groups_of(table, year, region_table)
    rows = [(name, [r for r in members if r in peered]) for name, members in rows]
    return [spread_block(r, rows, by) for r in rankings(table, year, ranked_among(marks, ranked), ranked)]


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
    ranked = {(k, i): n for k, (_, members) in enumerate(groups) for n, i in enumerate(ranked_among(marks, members))}
    rows["_group"] = rows["region"].map(group_of)
    rows["_at"] = [ranked.get((g, i)) for g, i in zip(rows["_group"], rows["indicator"])]
    rows = rows[rows["_at"].notna()].sort_values(["_group", "_at"], kind="stable")
    rows["unit"] = rows["indicator"].map(catalog.indicators()["unit"])
    rows["figure"] = [format_figure(r.value, r.unit, r.approx, r.raw) if r.reported else "" for r in rows.itertuples()]
    return rows[list(FIGURE_COLUMNS)].rename(columns=FIGURE_COLUMNS).reset_index(drop=True)
