"""Charts of the annual report: matplotlib in one house style, Chinese in Noto Sans CJK SC, as SVG.

The style is package data (``report.mplstyle`` beside this module). Charts are drawn on a bare
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

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from fazhi_analysis.report import fonts, palette
from fazhi_analysis.report.facts import Facts
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import (
    common_magnitude,
    format_figure,
    format_number,
    magnitude_of,
    signed_percent,
)

STYLE = Path(__file__).with_name("report.mplstyle")
WIDTH_IN = 6.8
BAR_IN = 0.24
LABEL_CHARS = 16  # an indicator's name: characters a line
REGION_CHARS = 8  # a region's name: characters a line, two lines at most
CHAR_IN = 9 / 72 * 1.02  # width of one CJK character at the 9 pt tick-label size
LINE_IN = 0.15  # height of one line of a 7.5 pt note under an axis
MIN_PANEL_IN = 1.4  # small multiples narrower than this go one a row
MOST_CHANGED = 12  # figures the overview's change chart shows at most
_COLORS = palette.colors()
ACCENT, OTHERS, NEUTRAL = _COLORS["accent"], _COLORS["others"], _COLORS["neutral"]  # region, peers, no direction
GOOD, BAD = _COLORS["good"], _COLORS["bad"]  # a change the catalog calls good or bad (`better:`)
INK, NOTE, RULE = _COLORS["ink"], _COLORS["note"], _COLORS["rule"]  # values and labels, notes, medians and zero
GRID, GUIDE, BOX = _COLORS["grid"], _COLORS["guide"], _COLORS["box"]  # grid lines, dot rows, spread boxes
ZOOM_SPREAD = 0.25  # a rate axis leaves 0 when the values' spread is under this share of the largest


class Svg(str):
    """An SVG image with a description (``alt``); Jupyter displays it inline."""

    alt: str = "图表"
    figure: Figure | None = None  # the matplotlib figure it was drawn from, for :func:`to_png`

    def _repr_svg_(self) -> tuple[str, dict[str, str]]:
        return str(self), {"alt": self.alt}

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """The plain-text stand-in (``text/plain``): the description, not the SVG source again."""
        printer.text(f"<图表 / chart: {self.alt}>")


def _described(svg: Svg, alt: str) -> Svg:
    svg.alt = alt
    return svg


@contextmanager
def house_style() -> Iterator[None]:
    """The report's style, with the Chinese font registered and every glyph required."""
    fonts.ensure_font()
    with matplotlib.style.context(STYLE), fonts.glyphs_required():
        yield


def label(name: object, width: int = LABEL_CHARS, lines: int = 3) -> str:
    """A name as a chart shows it: drawable (:func:`~fazhi_analysis.report.fonts.drawable`), broken over
    balanced lines of at most ``width`` characters, and cut with … beyond ``lines`` lines.

    Example:
        >>> label("新疆维吾尔自治区乌鲁木齐市达坂城区某某街道办事处", width=8, lines=2)  # doctest: +SKIP
        '新疆维吾尔自治区\\n乌鲁木齐市达坂…'
    """
    text = fonts.drawable(str(name))
    if len(text) > width * lines:
        text = text[: width * lines - 1] + "…"
    step = max(1, -(-len(text) // max(1, -(-len(text) // width))))  # balanced: 17 characters as 9 + 8
    return "\n".join(text[i : i + step] for i in range(0, len(text), step))


def region_label(region: object) -> str:
    """A region's name in a chart: at most two lines of :data:`REGION_CHARS` characters."""
    return label(region, REGION_CHARS, 2)


def to_svg(fig: Figure) -> Svg:
    """The figure as an SVG string without the XML prolog (ready to inline in HTML).

    The figure stays with it (``svg.figure``), so that :func:`to_png` can draw it again for print.
    """
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    svg = Svg(text[text.index("<svg") :])
    svg.figure = fig
    return svg


def to_png(svg: Svg, dpi: int) -> bytes:
    """The chart of ``svg`` as PNG at ``dpi`` (for a Word draft), drawn from its figure in the house style."""
    buffer = io.BytesIO()
    with house_style():
        svg.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _widest(labels: list[str]) -> float:
    """Inches the longest line of the (already wrapped) labels takes at the tick-label size."""
    return max((len(line) for text in labels for line in text.split("\n")), default=4) * CHAR_IN


def _rows(names: list[str]) -> list[float]:
    """Row heights in bar units: each further line of a wrapped label needs half a row more."""
    return [1.0 + 0.5 * label(name).count("\n") for name in names]


def _positions(names: list[str]) -> list[float]:
    """Y positions of the bars, top to bottom, spaced by :func:`_rows`."""
    steps = _rows(names)
    positions, y = [], 0.0
    for i in range(len(steps) - 1, -1, -1):  # bottom row first, at 0
        positions.append(y)
        if i:
            y += (steps[i] + steps[i - 1]) / 2
    return positions[::-1]


def _labels(ax, positions: list[float], names: list[str]) -> None:
    """Bar labels left of the axes, as plain texts (ticks cost two lines and a deep copy each)."""
    ax.set_yticks([])
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for p, name in zip(positions, names):
        ax.text(-0.012, p, label(name), transform=transform, ha="right", va="center", fontsize=9,
                color=INK, linespacing=1.3)  # fmt: skip


def _stacked(heights: list[float], labels: list[str]) -> tuple[Figure, list]:
    """A figure of panels stacked top to bottom, laid out by hand in inches.

    Fixed margins (label column sized from the longest label line) instead of constrained
    layout: the layout engine measured every text several times and took half the drawing time.
    """
    left = min(0.2 + _widest([label(text) for text in labels]), WIDTH_IN * 0.45)
    right, title_in, axis_in, gap_in = 0.9, 0.3, 0.3, 0.15
    total = sum(heights) + len(heights) * (title_in + axis_in) + (len(heights) - 1) * gap_in + 0.05
    fig = Figure(figsize=(WIDTH_IN, total))
    axes, top = [], total - title_in
    for height in heights:
        axes.append(
            fig.add_axes(
                (left / WIDTH_IN, (top - height) / total, (WIDTH_IN - left - right) / WIDTH_IN, height / total)
            )
        )
        top -= height + axis_in + gap_in + title_in
    return fig, axes


def _grid(heights: list[float], ncols: int, label_in: float = 0.0, note_lines: int = 1) -> tuple[Figure, list]:
    """Small multiples: panels of the given heights (inches), ``ncols`` per row, laid out by hand.

    ``label_in`` is room left of every panel for its row labels (region names); ``note_lines`` the lines
    of the notes under the axes. Panels that would be narrower than :data:`MIN_PANEL_IN` go one a row.
    """
    left, right, gap_x, title_in = 0.45 + label_in, 0.2, 0.55 + label_in, 0.42
    axis_in = 0.2 + LINE_IN * max(note_lines, 1)
    if (WIDTH_IN - left - right - gap_x * (ncols - 1)) / ncols < MIN_PANEL_IN:
        ncols = 1
    width = (WIDTH_IN - left - right - gap_x * (ncols - 1)) / ncols
    rows = [heights[i : i + ncols] for i in range(0, len(heights), ncols)]
    total = sum(max(r) + title_in + axis_in for r in rows) + 0.05
    fig = Figure(figsize=(WIDTH_IN, total))
    axes, top = [], total
    for row in rows:
        height = max(row)
        for col in range(len(row)):
            x = left + col * (width + gap_x)
            axes.append(
                fig.add_axes((x / WIDTH_IN, (top - title_in - height) / total, width / WIDTH_IN, height / total))
            )
        top -= height + title_in + axis_in
    return fig, axes


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


def scale(unit: str) -> tuple[float, str]:
    """Divisor and axis unit of a base unit: amounts in 万元, the rest as they are."""
    return (1e4, "万元") if unit == "元" else (1.0, unit)


def _panel_title(ax, name: str, unit: str) -> None:
    ax.set_title(f"{label(name)}（{scale(unit)[1]}）", fontsize=9, loc="left")


def axis_range(values: np.ndarray, unit: str, *, zoom: bool = False) -> tuple[float, float]:
    """The limits of a linear value axis over ``values`` with room for their labels.

    From 0, except for a rate on a dot plot or a line (``zoom``; bars always start at 0) whose spread is
    under :data:`ZOOM_SPREAD` of its largest value: then from the whole-point tick just below the lowest
    (96.4–99.3% → from 95%).
    """
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if len(finite) else 1.0
    low = float(finite.min()) if len(finite) else 0.0
    lower = 0.0
    if zoom and unit == "%" and low > 0 and 0 < top - low < top * ZOOM_SPREAD:
        floor = low - max((top - low) * 0.2, 0.5)
        ticks = MaxNLocator(nbins=4, integer=True).tick_values(floor, top)
        lower = max(max((t for t in ticks if t <= floor), default=math.floor(floor)), 0.0)  # 99.9%: no tick below
    return lower, lower + max((top - lower) * 1.25, 1.0)


def zoom_note(values: np.ndarray, unit: str, axis: str) -> str:
    """What a reader must know of a zoomed axis (:func:`axis_range`): ``横轴自95%起，未从0起``; else ``""``."""
    lower, _ = axis_range(values, unit, zoom=True)
    return f"{'横' if axis == 'x' else '纵'}轴自{format_number(lower)}%起，未从0起" if lower > 0 else ""


def value_axis(ax, values: np.ndarray, unit: str, axis: str, *, zoom: bool = False) -> None:
    """Set the ``axis`` (``x`` or ``y``) of ``ax`` to :func:`axis_range`, with a few round ticks from its start
    (a rate's up to 100%)."""
    lower, upper = axis_range(values, unit, zoom=zoom)
    (ax.set_ylim if axis == "y" else ax.set_xlim)(lower, upper)
    last = min(upper, 100.0) if unit == "%" else upper  # a rate's ticks end at 100% at most
    locator = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10], integer=unit != "%" or last - lower >= 3)
    found = locator.tick_values(lower, last)
    step = float(found[1] - found[0]) if len(found) > 1 else max(last - lower, 1.0)
    ticks = [float(t) for t in np.arange(lower, last + step / 1e6, step)]  # from the axis' start: 95, 97, 99
    (ax.set_yticks if axis == "y" else ax.set_xticks)(ticks, [format_number(t) for t in ticks])


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
        ax.annotate(format_figure(row.value, row.unit, row.approx, row.raw, magnitude),
                    (row.year, float(row.value) / divisor), textcoords="offset points", xytext=(0, 6), ha="center",
                    fontsize=7.5, color=INK)  # fmt: skip
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    value_axis(ax, series.to_numpy(), unit, "y", zoom=True)
    ax.set_xlabel(zoom_note(series.to_numpy(), unit, "y"), fontsize=7.5, color=NOTE)
    _panel_title(ax, str(first["name"]), unit)
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
    history = facts.history[facts.history["indicator"].isin(keys)]
    years = list(range(min(facts.years), max(facts.years) + 1))
    with house_style():
        fig, axes = _grid([1.5] * len(keys), ncols=2 if len(keys) > 1 else 1)
        for ax, key in zip(axes, keys):
            _trend_panel(ax, history[history["indicator"] == key].sort_values("year"), years, facts.year)
        names = "、".join(history.drop_duplicates("indicator")["name"].astype(str))
        return _described(to_svg(fig), f"{facts.region}历年{names}（{years[0]}—{years[-1]}年）")


def dot_notes(rows: pd.DataFrame) -> list[str]:
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
    shown = rows[rows["reported"]].sort_values("value", kind="stable")
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
        ax.annotate(format_figure(row.value, row.unit, row.approx, row.raw, magnitude), (value, p),
                    textcoords="offset points", xytext=(5, 0), va="center", fontsize=7.5, color=INK)  # fmt: skip
    ax.set_yticks(positions, [region_label(r) for r in shown["region"]], linespacing=1.1)
    for tick, is_mine in zip(ax.get_yticklabels(), mine):
        tick.set_color(ACCENT if is_mine else INK)
        tick.set_fontweight("bold" if is_mine else "normal")
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.grid(axis="y", color=GUIDE, linewidth=0.8)  # a guide along each row, not a bar from 0
    ax.set_axisbelow(True)
    value_axis(ax, values, unit, "x", zoom=True)
    ax.set_xlabel("\n".join(notes), fontsize=7.5, color=NOTE, linespacing=1.3)


def dot_figure(rows: pd.DataFrame, region: str | None, notes: list[str]) -> Figure:
    """A figure of one :func:`dot_panel`, its label column as wide as the regions' names need."""
    labels = [region_label(r) for r in rows.loc[rows["reported"], "region"]]
    fig, (ax,) = _grid([dot_rows(rows)], 1, label_in=_widest(labels), note_lines=len(notes))
    dot_panel(ax, rows, region, notes)
    return fig


def dot_rows(rows: pd.DataFrame) -> float:
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
    notes = [dot_notes(rows) for rows in panels]
    label_in = _widest([region_label(r) for r in facts.regions])
    with house_style():
        fig, axes = _grid([dot_rows(rows) for rows in panels], ncols=2 if len(keys) > 1 else 1, label_in=label_in,
                          note_lines=max(len(n) for n in notes))  # fmt: skip
        for ax, rows, note in zip(axes, panels, notes):
            dot_panel(ax, rows, facts.region, note)
            _panel_title(ax, str(rows["name"].iloc[0]), str(rows.loc[rows["reported"], "unit"].iloc[0]))
        return _described(
            to_svg(fig), f"{facts.year}年各地区{catalog.section_title(section)}主要数据，{facts.region}标红"
        )


def subject_panels(rows: pd.DataFrame) -> list[pd.DataFrame]:
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
    """This year's figures of a chapter as bars, one panel per subject and unit (:func:`subject_panels`).

    For a chapter with neither earlier years nor peers to compare with. Empty when no panel has two figures.
    """
    panels = subject_panels(facts.comparison[facts.comparison["section"] == section])
    if not panels:
        return Svg("")
    names = [str(n) for panel in panels for n in panel["name"]]
    with house_style():
        fig, axes = _stacked([max(sum(_rows([str(n) for n in p["name"]])), 1) * BAR_IN for p in panels], names)
        for ax, panel in zip(axes, panels):
            _bars(ax, panel)
        return _described(to_svg(fig), f"{catalog.section_title(section)}：{facts.year}年各项数据，按事项分图")


def _bars(ax, rows: pd.DataFrame) -> None:
    """Horizontal bars of one subject's figures of one unit on a linear axis from 0, each labelled as written."""
    unit = str(rows["unit"].iloc[0])
    divisor, shown_unit = scale(unit)
    names = [str(n) for n in rows["name"]]
    positions = _positions(names)
    values = rows["value"].to_numpy(dtype=float, na_value=0.0) / divisor
    ax.barh(positions, values, height=0.6, color=NEUTRAL)
    top = max(float(values.max()), 1e-9)
    for p, row, value in zip(positions, rows.itertuples(), values):
        ax.text(value + top * 0.01, p, format_figure(row.value, row.unit, row.approx, row.raw), va="center",
                ha="left", fontsize=8, color=INK)  # fmt: skip
    _labels(ax, positions, names)
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
    either year, :func:`~fazhi_analysis.analysis.compare`), not 0; the :data:`MOST_CHANGED` largest by size."""
    rows = facts.comparison[facts.comparison["change_pct"].notna() & facts.comparison["change"].ne(0)]
    rows = rows.loc[rows["change_pct"].abs().sort_values(ascending=False, kind="stable").index[:MOST_CHANGED]]
    return rows.sort_values("change_pct", ascending=False, kind="stable")  # the largest rise on top


def change_label(row: pd.Series) -> str:
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
        fig, (ax,) = _stacked([BAR_IN * sum(_rows(names))], names)
        positions = _positions(names)
        colours = [_tone(i, c) for i, c in zip(rows["indicator"], rows["change"])]
        ax.barh(positions, pct, color=colours, height=0.6)
        _labels(ax, positions, names)
        ax.axvline(0, color=RULE, linewidth=0.6)
        for p, v, (_, row) in zip(positions, pct, rows.iterrows()):  # a fall's label right of 0, clear of the names
            ax.text(max(v, 0), p, f" {change_label(row)}", va="center", ha="left", fontsize=8)
        span = max(float(np.abs(pct).max()), 1.0) * 1.6
        ax.set_xlim(-span if (pct < 0).any() else 0, span)
        ax.set_ylim(-0.6, max(positions) + 0.6)
        ax.set_title(f"与{facts.compare_year}年相比变化最大的{len(rows)}项（%）")
        ax.grid(axis="x", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        return _described(to_svg(fig), ax.get_title(loc="left"))


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
    fig, (ax,) = _grid([0.25 * len(rows) + 0.3], 1, label_in=_widest(labels), note_lines=len(notes))
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
    ax.set_yticks(positions, labels, linespacing=1.1)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(axis="y", color=GUIDE, linewidth=0.8)
    ax.set_axisbelow(True)
    value_axis(ax, every, unit, "x", zoom=True)
    ax.set_xlabel("\n".join(notes), fontsize=7.5, color=NOTE, linespacing=1.3)
    return fig
