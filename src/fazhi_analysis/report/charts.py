"""Charts of the annual report: matplotlib in one house style, Chinese in Noto Sans CJK SC, as SVG.

The style, colours, sizes and axes are :mod:`~fazhi_analysis.report.plotting`'s. Charts are drawn on a bare
:class:`~matplotlib.figure.Figure` (no pyplot state) and returned as :class:`Svg`, which a
notebook displays inline; SVG keeps them sharp in the PDF, and its text stays text. The font is
registered from its files first (:mod:`fazhi_analysis.report.fonts`); a missing font or glyph
raises :class:`~fazhi_analysis.report.fonts.FontError` instead of drawing boxes, and names from the
data (regions) are made drawable, wrapped and shortened first (:func:`label`), so that no name breaks a chart.

Rules a reader can rely on:

* Every figure is written by :func:`~fazhi_analysis.table.wording.format_figure`, a panel in one
  form (the report year's figure, or the region's, decides 万).
* Bars start at 0. A dot plot or a line of rates whose spread 0 would squeeze (the spread is under
  :data:`ZOOM_SPREAD` of the largest value: 96–99%) starts just below the lowest value, and the chart
  says so under the axis (``横轴自95%起，未从0起``).
* This year's figures are drawn by subject (the catalog's ``group``), one panel per subject and unit
  with two or more figures: 行政许可 955次 never stands beside 案卷评查 1次, and a single figure is left
  to the table.

Example:
    >>> svg = charts.figures_chart(facts, "disputes")   # doctest: +SKIP
    >>> svg.alt                                          # doctest: +SKIP
    '扎实推进行政应诉、行政复议和调解工作：2024年各项数据，按事项分图'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fazhi_analysis.report.facts import Facts
from fazhi_analysis.report.plotting import (
    ACCENT,
    BAD,
    BAR_IN,
    BOX,
    GOOD,
    GRID,
    INK,
    NEUTRAL,
    NOTE,
    OTHERS,
    REGION_CHARS,
    RULE,
    Svg,
    described,
    draw_labels,
    house_style,
    label,
    panel_grid,
    panel_title,
    region_label,
    row_guides,
    row_heights,
    row_positions,
    scale,
    stacked,
    to_svg,
    value_axis,
    value_label,
    widest,
    zoom_note,
)
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import (
    common_magnitude,
    format_figure,
    magnitude_of,
    signed_percent,
)

__all__ = [
    "changes_chart",
    "chapter_charts",
    "dot_figure",
    "dot_panel",
    "figures_chart",
    "overview_charts",
    "peer_chart",
    "spread_figure",
    "trend_chart",
]


_MOST_CHANGED = 12  # figures the overview's change chart shows at most
_TREND_COLUMNS = ["indicator", "name", "year", "value", "unit", "approx", "raw", "change"]  # what a trend panel reads
_DOT_COLUMNS = ["region", "value", "unit", "approx", "raw", "median"]  # what a dot panel reads of its rows


def _better(indicator: str) -> str | None:
    """``higher`` or ``lower`` when the catalog says which direction is good, else None."""
    value = catalog.indicators()["better"].get(indicator)
    return value if value in ("higher", "lower") else None


def _tone(indicator: str, change: float) -> str:
    """The colour of a change: good or bad where the catalog says which direction is good, else neutral."""
    better = _better(indicator)
    if better is None or change == 0 or pd.isna(change):
        return NEUTRAL
    return GOOD if (change > 0) == (better == "higher") else BAD


def _trend_panel(ax, rows: pd.DataFrame, years: list[int], year: int) -> None:
    """One indicator over the years held: dots joined where the years are consecutive, each labelled.

    Every label in the form of the report year's figure; a zoomed rate axis is said under it.
    """
    first, last = rows.iloc[0], rows.iloc[-1]
    unit = str(first["unit"])
    divisor, _ = scale(unit)
    series = rows.set_index("year")["value"].astype(float).reindex(years) / divisor
    ax.plot(years, series.to_numpy(), color=NEUTRAL, linewidth=1.4, marker="o", markersize=4)  # NaN breaks the line
    ax.plot([last["year"]], [float(last["value"]) / divisor], "o", markersize=6,
            color=_tone(str(last["indicator"]), last["change"]))  # fmt: skip
    mine = rows[rows["year"] == year]
    reference = mine.iloc[0] if len(mine) else last
    magnitude = magnitude_of(reference["value"], unit, reference["raw"])
    for row in rows.itertuples():
        value_label(ax, row.year, float(row.value) / divisor, format_figure(row.value, row.unit, row.approx, row.raw,
                    magnitude), (0, 6), ha="center", fontsize=7.5, color=INK)  # fmt: skip
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    value_axis(ax, series.to_numpy(), unit, "y", zoom=True)
    ax.set_xlabel(zoom_note(series.to_numpy(), unit, "y"), fontsize=7.5, color=NOTE)
    panel_title(ax, str(first["name"]), unit)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def trend_chart(facts: Facts, section: str) -> Svg:
    """Small multiples of a chapter's key indicators over every year held, one unit per panel.

    A missing year is a gap in the line, not a zero; the last point is green or red where the
    catalog says which direction is good. Empty when no indicator of the chapter has two years.
    """
    keys = facts.key_indicators(section, over_years=True)
    if not keys:
        return Svg("")
    history = facts.history.loc[facts.history["indicator"].isin(keys), _TREND_COLUMNS]  # no copy of the rest
    years = list(range(min(facts.years), max(facts.years) + 1))
    with house_style():
        fig, axes = panel_grid([1.5] * len(keys), ncols=2 if len(keys) > 1 else 1)
        for ax, key in zip(axes, keys):
            _trend_panel(ax, history[history["indicator"] == key].sort_values("year"), years, facts.year)
        names = "、".join(history.drop_duplicates("indicator")["name"].astype(str))
        return described(to_svg(fig), f"{facts.region}历年{names}（{years[0]}—{years[-1]}年）")


def _dot_notes(rows: pd.DataFrame) -> list[str]:
    """The lines under a dot plot of one indicator's peer rows: the axis note, then who did not report
    (or, when all did, how to read the dashed line)."""
    shown = rows[rows["reported"]]
    unit = str(shown["unit"].iloc[0])
    note = zoom_note(shown["value"].to_numpy(dtype=float) / scale(unit)[0], unit, "x")
    missing = rows.loc[~rows["reported"], "region"].astype(str).tolist()
    said = label("未报告：" + "、".join(missing), 30, 3).split("\n") if missing else ["虚线为中位数"]
    return [note, *said] if note else said


def dot_panel(ax, rows: pd.DataFrame, region: str | None, notes: list[str]) -> None:
    """A dot plot of one indicator across the regions that reported it, highest on top.

    ``region`` is marked in red (None: every dot the same); the median is dashed; each dot is labelled
    with its figure, all in the form most of them are written in (``region``'s own when given); ``notes``
    go under the axis. The regions' names are wrapped and shortened (:func:`region_label`).
    """
    shown = rows.loc[rows["reported"], _DOT_COLUMNS].sort_values("value", kind="stable")  # no copy of the rest
    first = shown.iloc[0]
    unit = str(first["unit"])
    divisor, _ = scale(unit)
    values = shown["value"].to_numpy(dtype=float) / divisor
    mine = shown["region"].astype(str).eq(str(region)).to_numpy(dtype=bool) if region else np.zeros(len(shown), bool)
    reference = shown[mine] if mine.any() else shown
    magnitude = common_magnitude(reference["value"], reference["unit"], reference["raw"])
    positions = np.arange(len(shown))
    ax.scatter(values[~mine], positions[~mine], s=22, color=OTHERS if region else ACCENT, zorder=3, clip_on=False)
    if mine.any():
        ax.scatter(values[mine], positions[mine], s=34, color=ACCENT, zorder=4, clip_on=False)
    ax.axvline(float(first["median"]) / divisor, color=RULE, linewidth=0.7, linestyle="--")
    for p, row, value in zip(positions, shown.itertuples(), values):
        value_label(ax, value, p, format_figure(row.value, row.unit, row.approx, row.raw, magnitude), (5, 0),
                    va="center", fontsize=7.5, color=INK)  # fmt: skip
    row_guides(ax, positions, [region_label(r) for r in shown["region"]], mine)  # a guide a row, not a bar from 0
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.set_axisbelow(True)
    value_axis(ax, values, unit, "x", zoom=True)
    ax.set_xlabel("\n".join(notes), fontsize=7.5, color=NOTE, linespacing=1.3)


def dot_figure(rows: pd.DataFrame, region: str | None, notes: list[str]) -> Figure:
    """A figure of one :func:`dot_panel`, its label column as wide as the regions' names need."""
    labels = [region_label(r) for r in rows.loc[rows["reported"], "region"]]
    fig, (ax,) = panel_grid([_dot_rows(rows)], 1, label_in=widest(labels), note_lines=len(notes))
    dot_panel(ax, rows, region, notes)
    return fig


def _dot_rows(rows: pd.DataFrame) -> float:
    """The height in inches of a dot plot of ``rows`` (those reported): a row each, more for two-line names."""
    names = [region_label(r) for r in rows.loc[rows["reported"], "region"]]
    return sum(0.22 + 0.2 * name.count("\n") for name in names) + 0.3


def peer_chart(facts: Facts, section: str) -> Svg:
    """Dot plots of a chapter's key indicators across the regions of the year, the region highlighted.

    Only indicators that :data:`~fazhi_analysis.analysis.MIN_PEERS` or more regions reported;
    regions that did not report are named under the panel, never placed. Empty when there is none.
    """
    keys = facts.key_indicators(section, over_years=False)
    if not keys:
        return Svg("")
    panels = [facts.peers[facts.peers["indicator"] == k] for k in keys]
    notes = [_dot_notes(rows) for rows in panels]
    label_in = widest([region_label(r) for r in facts.regions])
    with house_style():
        fig, axes = panel_grid([_dot_rows(rows) for rows in panels], ncols=2 if len(keys) > 1 else 1, label_in=label_in,
                          note_lines=max(len(n) for n in notes))  # fmt: skip
        for ax, rows, note in zip(axes, panels, notes):
            dot_panel(ax, rows, facts.region, note)
            panel_title(ax, str(rows["name"].iloc[0]), str(rows.loc[rows["reported"], "unit"].iloc[0]))
        return described(
            to_svg(fig), f"{facts.year}年各地区{catalog.section_title(section)}主要数据，{facts.region}标红"
        )


def _subject_panels(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """This year's figures of a chapter by subject and unit (the catalog's ``group``), largest first.

    Only panels of two or more figures: a single figure is already in the table. Indicators without a
    group (a project's own) are taken together by unit.
    """
    groups = rows["indicator"].map(catalog.indicators()["group"]).fillna("")
    order = {g: n for n, g in enumerate(catalog.groups().index)}
    keyed = rows.assign(_group=groups, _order=groups.map(order).fillna(len(order)))
    return [
        panel.sort_values("value", ascending=False, kind="stable").drop(columns=["_group", "_order"])
        for _, panel in keyed.sort_values("_order", kind="stable").groupby(["_order", "_group", "unit"], sort=False)
        if len(panel) >= 2
    ]


def figures_chart(facts: Facts, section: str) -> Svg:
    """This year's figures of a chapter as bars, one panel per subject and unit (:func:`_subject_panels`).

    For a chapter with neither earlier years nor peers to compare with. Empty when no panel has two figures.
    """
    panels = _subject_panels(facts.comparison[facts.comparison["section"] == section])
    if not panels:
        return Svg("")
    names = [str(n) for panel in panels for n in panel["name"]]
    with house_style():
        fig, axes = stacked([max(sum(row_heights([str(n) for n in p["name"]])), 1) * BAR_IN for p in panels], names)
        for ax, panel in zip(axes, panels):
            _bars(ax, panel)
        return described(to_svg(fig), f"{catalog.section_title(section)}：{facts.year}年各项数据，按事项分图")


def _bars(ax, rows: pd.DataFrame) -> None:
    """Horizontal bars of one subject's figures of one unit on a linear axis from 0, each labelled as written."""
    unit = str(rows["unit"].iloc[0])
    divisor, shown_unit = scale(unit)
    names = [str(n) for n in rows["name"]]
    positions = row_positions(names)
    values = rows["value"].to_numpy(dtype=float, na_value=0.0) / divisor
    ax.barh(positions, values, height=0.6, color=NEUTRAL)
    top = max(float(values.max()), 1e-9)
    for p, row, value in zip(positions, rows.itertuples(), values):
        ax.text(value + top * 0.01, p, format_figure(row.value, row.unit, row.approx, row.raw), va="center",
                ha="left", fontsize=8, color=INK)  # fmt: skip
    draw_labels(ax, positions, names)
    ax.set_ylim(-0.6, positions[0] + 0.6)
    value_axis(ax, values, unit, "x")
    group = catalog.indicators()["group"].get(str(rows["indicator"].iloc[0]))
    title = catalog.groups()["title"].get(group, "") if isinstance(group, str) else ""
    ax.set_title(f"{label(title)}（{shown_unit}）" if title else f"单位：{shown_unit}")
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def chapter_charts(facts: Facts, section: str) -> list[Svg]:
    """The charts of one chapter: its trend and its peers; this year's figures when neither exists."""
    found = [svg for svg in (trend_chart(facts, section), peer_chart(facts, section)) if svg]
    return found or [svg for svg in (figures_chart(facts, section),) if svg]


def _changes(facts: Facts) -> pd.DataFrame:
    """The figures the change chart ranks: a percentage change (none for a count under :data:`SMALL_COUNT` in
    either year, :func:`~fazhi_analysis.analysis.compare`), not 0; the :data:`_MOST_CHANGED` largest by size."""
    rows = facts.comparison[facts.comparison["change_pct"].notna() & facts.comparison["change"].ne(0)]
    rows = rows.loc[rows["change_pct"].abs().sort_values(ascending=False, kind="stable").index[:_MOST_CHANGED]]
    return rows.sort_values("change_pct", ascending=False, kind="stable")  # the largest rise on top


def _change_label(row: pd.Series) -> str:
    """A change chart's bar label: the percentage, then the amount in the row's form: ``+23.3%（+7件）``."""
    magnitude = magnitude_of(row["value"], row["unit"], row["raw"])
    amount = format_figure(abs(float(row["change"])), row["unit"], magnitude=magnitude)
    return f"{signed_percent(float(row['change_pct']))}（{'+' if row['change'] > 0 else '-'}{amount}）"


def changes_chart(facts: Facts) -> Svg:
    """The overview's largest changes from the comparison year, in %, of counts and amounts, sorted.

    The figures of :func:`_changes`; unchanged figures are left to the prose. Green or red where the
    catalog says which direction is good, else neutral. Empty with fewer than two.
    """
    rows = _changes(facts)
    if len(rows) < 2:
        return Svg("")
    pct = rows["change_pct"].to_numpy(dtype=float)
    names = [str(n) for n in rows["name"]]
    with house_style():
        fig, (ax,) = stacked([BAR_IN * sum(row_heights(names))], names)
        positions = row_positions(names)
        colours = [_tone(i, c) for i, c in zip(rows["indicator"], rows["change"])]
        ax.barh(positions, pct, color=colours, height=0.6)
        draw_labels(ax, positions, names)
        ax.axvline(0, color=RULE, linewidth=0.6)
        for p, v, (_, row) in zip(positions, pct, rows.iterrows()):  # a fall's label right of 0, clear of the names
            ax.text(max(v, 0), p, f" {_change_label(row)}", va="center", ha="left", fontsize=8)
        span = max(float(np.abs(pct).max()), 1.0) * 1.6
        ax.set_xlim(-span if (pct < 0).any() else 0, span)
        ax.set_ylim(-0.6, max(positions) + 0.6)
        ax.set_title(f"与{facts.compare_year}年相比变化最大的{len(rows)}项（%）")
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        return described(to_svg(fig), ax.get_title(loc="left"))


def overview_charts(facts: Facts) -> list[Svg]:
    """The charts of the overview: the largest changes from the comparison year, when there are any."""
    return [svg for svg in (changes_chart(facts),) if svg]


def spread_figure(rows: list[tuple[str, np.ndarray]], unit: str, notes: list[str], strip: bool) -> Figure:
    """One indicator across many regions, a row per group (named with how many of its regions reported).

    Each row holds its regions' figures: a box from the first to the third quartile with the median as a thick
    line, and with ``strip`` a dot per region (jittered within the row, the same each time); else a box plot
    whose whiskers reach 1.5 box lengths and whose dots are the regions beyond them. The median of all is
    dashed; the axis follows :func:`value_axis`, ``notes`` go under it.
    """
    divisor = scale(unit)[0]
    labels = [label(f"{name}（{len(values)}）", REGION_CHARS + 4, 2) for name, values in rows]
    shown = [values / divisor for _, values in rows]
    every = np.concatenate(shown)
    fig, (ax,) = panel_grid([0.25 * len(rows) + 0.3], 1, label_in=widest(labels), note_lines=len(notes))
    positions = np.arange(len(rows))[::-1]  # the first group on top
    ax.boxplot(shown, positions=positions, orientation="horizontal", widths=0.55, whis=0 if strip else 1.5,
               showfliers=not strip, patch_artist=True, medianprops={"color": NEUTRAL, "linewidth": 2},
               boxprops={"facecolor": BOX, "edgecolor": NEUTRAL, "linewidth": 0.6},
               whiskerprops={"color": NEUTRAL, "linewidth": 0.6}, capprops={"linewidth": 0},
               flierprops={"marker": "o", "markersize": 2.5, "markerfacecolor": ACCENT, "markeredgewidth": 0,
                           "alpha": 0.7})  # fmt: skip
    if strip:
        jitter = np.random.default_rng(0)
        for p, values in zip(positions, shown):
            ax.scatter(values, p + jitter.uniform(-0.2, 0.2, len(values)), s=12, color=ACCENT, alpha=0.65,
                       linewidths=0, zorder=3)  # fmt: skip
    ax.axvline(float(np.median(every)), color=RULE, linewidth=0.7, linestyle="--")
    row_guides(ax, positions, labels)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_axisbelow(True)
    value_axis(ax, every, unit, "x", zoom=True)
    ax.set_xlabel("\n".join(notes), fontsize=7.5, color=NOTE, linespacing=1.3)
    return fig
