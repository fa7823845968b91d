"""The regional overview of a year: every region side by side, for ``fazhi report --overview --year Y``.

Pure functions over the tidy table, each returning a frame, an :class:`~fazhi_analysis.report.narrative.Html`
fragment or a :class:`~fazhi_analysis.report.charts.Svg` chart that the notebook ``regional_overview.ipynb``
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

import pandas as pd
import yaml
from markupsafe import Markup
from matplotlib.figure import Figure

from fazhi_analysis import analysis
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import charts, wording
from fazhi_analysis.report.wording import Html, render
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import common_magnitude, format_figure, format_number, magnitude_of

SETTINGS = "overview_year.yaml"
KINDS = ("count", "amount", "rate")


def settings() -> dict[str, Any]:
    """The overview's settings (``overview_year.yaml``): the project's copy over the bundled one, key by key.

    Raises:
        InputError: A key indicator that the catalog does not know, or an outlier distance that is not a
            number of each kind (the message names the file).
    """
    found = [folder / SETTINGS for folder in wording.template_dirs() if (folder / SETTINGS).is_file()]
    loaded: dict[str, Any] = {}
    for path in reversed(found):  # the bundled file first, the project's over it
        with path.open(encoding="utf-8") as fh:
            loaded |= yaml.safe_load(fh) or {}
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
    return loaded


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
    order = [i for i in catalog.indicators().index if i in set(rows["indicator"])]
    marks = pd.crosstab(rows["indicator"], rows["region"]).gt(0)
    return marks.reindex(index=order, columns=regions, fill_value=False).rename_axis(
        index="indicator", columns="region"
    )


def ranked_indicators(table: pd.DataFrame, year: int, regions: list[str] | None = None) -> list[str]:
    """The indicators ranked in the overview: the key counts of the settings, then every rate, each only
    when at least ``min_ranked`` of ``regions`` (default: every region of the year) reported it in ``year``."""
    config = settings()
    marks = coverage(table, year)
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
    """The unit an indicator's dot plot is drawn in: amounts in 万元 (:func:`charts.scale`), others their own."""
    return charts.scale(str(catalog.indicators().at[indicator, "unit"]))[1]


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
    divisor = charts.scale(unit)[0]
    note = charts.zoom_note(shown["value"].to_numpy(dtype=float) / divisor, unit, "x")
    fig = charts.dot_figure(shown, None, [note or _unit(indicator)])
    (ax,) = fig.axes
    ax.text(float(shown["median"].iloc[0]) / divisor, 1.0, f"中位数 {_median(shown)}", ha="center", va="bottom",
            transform=ax.get_xaxis_transform(), fontsize=7.5, color="#666666")  # fmt: skip
    return fig


def _median(reported: pd.DataFrame) -> str:
    """The median of the regions that reported, written in the form most of their figures are written in."""
    unit = reported["unit"].iloc[0]
    magnitude = common_magnitude(reported["value"], reported["unit"], reported["raw"])
    return format_figure(reported["value"].astype(float).median(), unit, magnitude=magnitude)


def ranking_chart(ranked: pd.DataFrame) -> charts.Svg:
    """:func:`ranking_figure` in the report's house style, as an inline SVG with its description."""
    with charts.house_style():
        svg = charts.to_svg(ranking_figure(ranked))
    svg.alt = f"{ranked['name'].iloc[0]}：各地区排名点图"
    return svg


def title(table: pd.DataFrame, year: int) -> Html:
    """The overview's title and lead, naming every region of the year."""
    rows = table[table["year"] == int(year)]
    return render(
        "overview_year_title.html.j2",
        year=int(year),
        regions=regions_of(table, year),
        n_figures=len(rows),
        n_indicators=len(coverage(table, year)),
    )


def coverage_table(table: pd.DataFrame, year: int) -> Html:
    """The :func:`coverage` matrix as a sortable table: an indicator a row, a region a column."""
    marks = coverage(table, year)
    names, sections = catalog.indicators()["name"], catalog.indicators()["section"]
    rows = [
        {
            "name": names[indicator],
            "section": catalog.section_title(sections[indicator]),
            "marks": [bool(m) for m in marks.loc[indicator]],
            "count": int(marks.loc[indicator].sum()),
        }
        for indicator in marks.index
    ]
    totals = [int(n) for n in marks.sum(axis=0)]
    return render(
        "overview_year_coverage.html.j2", year=int(year), regions=list(marks.columns), rows=rows, totals=totals
    )


def rankings_heading(table: pd.DataFrame, year: int, groups: list[tuple[str, list[str]]] | None = None) -> Html:
    """The heading of the rankings and how to read them (or why there are none); ``groups`` as :func:`peer_groups`."""
    held = regions_of(table, year)
    groups = groups or [("全部地区", held)]
    grouped = {r for _, members in groups for r in members}
    return render(
        "overview_year_rankings.html.j2",
        year=int(year),
        count=len({i for _, members in groups for i in ranked_indicators(table, year, members)}),
        min_ranked=int(settings()["min_ranked"]),
        scopes=[scope for scope, _ in groups] if len(groups) > 1 else [],
        outside=[r for r in held if r not in grouped],
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
    risks first and labelled as such."""
    config = settings()
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
    return render("overview_year_highlights.html.j2", year=int(year), regions=regions)


def _label(kinds: dict[str, str], kind: str, tone: str) -> str:
    """A highlight's label: ``risk``'s for a risk, except a standing, whose own words already say 需关注."""
    return kinds["risk"] if tone == "risk" and kind not in ("top", "bottom") else kinds.get(kind, kind)


def outliers_table(table: pd.DataFrame, year: int) -> Html:
    """The :func:`outliers` of ``year`` as a sortable table, with the rule in a sentence above it.

    Each row's figure, median and quartiles are written in the form of the figure (:func:`format_figure`).
    """
    config = settings()
    rows = []
    for row in outliers(table, year).itertuples():
        magnitude = magnitude_of(row.value, row.unit, row.raw)
        shown = {k: format_figure(getattr(row, k), row.unit, magnitude=magnitude) for k in ("median", "q1", "q3")}
        rows.append({"name": row.name, "region": row.region, "value": float(row.value),
                     "figure": format_figure(row.value, row.unit, row.approx, row.raw), **shown,
                     "side": config["outlier_sides"].get(row.side, row.side)})  # fmt: skip
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
    )


FIGURE_COLUMNS = {"region": "地区", "scope": "比较范围", "indicator": "指标编号", "name": "指标", "value": "数值",
                  "unit": "单位", "figure": "写法", "rank": "名次", "tied": "并列地区数",
                  "n_reporting": "报告地区数"}  # fmt: skip


def figures(table: pd.DataFrame, year: int, groups: list[tuple[str, list[str]]] | None = None) -> pd.DataFrame:
    """The figures the overview ranks, one row per region and indicator, with Chinese column names.

    Columns: 地区, 比较范围, 指标编号, 指标, 数值, 单位 (the base unit: amounts in 元), 写法 (the figure as the
    pages write it, :func:`format_figure`), 名次 (within the peer group, ties sharing it), 并列地区数, 报告地区数; a
    region that did not report an indicator has no value and no rank. ``groups`` as :func:`peer_groups` (default:
    every region together). This is the frame readers download.
    """
    groups = groups or [("全部地区", regions_of(table, year))]
    frames = [
        ranking(table, year, indicator, members).assign(scope=scope)
        for scope, members in groups
        for indicator in ranked_indicators(table, year, members)
    ]
    if not frames:
        return pd.DataFrame(columns=list(FIGURE_COLUMNS.values()))
    rows = pd.concat(frames, ignore_index=True)
    rows["unit"] = rows["indicator"].map(catalog.indicators()["unit"])
    rows["figure"] = [format_figure(r.value, r.unit, r.approx, r.raw) if r.reported else "" for r in rows.itertuples()]
    return rows[list(FIGURE_COLUMNS)].rename(columns=FIGURE_COLUMNS)
