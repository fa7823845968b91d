"""Charts of the annual report: matplotlib in one house style, Chinese in Noto Sans CJK SC, as SVG.

The style is package data (``report.mplstyle`` beside this module). Charts are drawn on a bare
:class:`~matplotlib.figure.Figure` (no pyplot state) and returned as :class:`Svg`, which a
notebook displays inline; SVG keeps them sharp in the PDF, and its text stays text. The font is
registered from its files first (:mod:`fazhi_analysis.report.fonts`); a missing font or glyph
raises :class:`~fazhi_analysis.report.fonts.FontError` instead of drawing boxes.

Example:
    >>> svg = charts.section_chart(comparison, "disputes")   # doctest: +SKIP
    >>> svg.alt                                               # doctest: +SKIP
    '扎实推进行政应诉、行政复议和调解工作：各项数据条形图'
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from fazhi_analysis.report import fonts
from fazhi_analysis.report.facts import Facts
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import format_figure

STYLE = Path(__file__).with_name("report.mplstyle")
WIDTH_IN = 6.8
BAR_IN = 0.24
LABEL_CHARS = 16
CHAR_IN = 9 / 72 * 1.02  # width of one CJK character at the 9 pt tick-label size
ACCENT, OTHERS, NEUTRAL = "#b22222", "#9e9e9e", "#1f4e79"  # the region, its peers, a figure without a direction
MOST_CHANGED = 12  # figures the overview's change chart shows at most
GOOD, BAD = "#2e7d32", "#c62828"  # a change the catalog calls good or bad (`better:`)


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
def _house_style() -> Iterator[None]:
    """The report's style, with the Chinese font registered and every glyph required."""
    fonts.ensure_font()
    with matplotlib.style.context(STYLE), fonts.glyphs_required():
        yield


def _wrap(name: str) -> str:
    """Break a long Chinese name over balanced lines of at most ``LABEL_CHARS`` characters."""
    lines = -(-len(name) // LABEL_CHARS)
    width = -(-len(name) // max(lines, 1))
    return "\n".join(name[i : i + width] for i in range(0, len(name), width))


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
    with _house_style():
        svg.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _rows(names: list[str]) -> list[float]:
    """Row heights in bar units: a label wrapped over two lines needs half a row more."""
    return [1.0 + 0.5 * (_wrap(name).count("\n")) for name in names]


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
        ax.text(
            -0.012,
            p,
            _wrap(name),
            transform=transform,
            ha="right",
            va="center",
            fontsize=9,
            color="#333333",
            linespacing=1.3,
        )


def _stacked(heights: list[float], labels: list[str]) -> tuple[Figure, list]:
    """A figure of panels stacked top to bottom, laid out by hand in inches.

    Fixed margins (label column sized from the longest label line) instead of constrained
    layout: the layout engine measured every text several times and took half the drawing time.
    """
    longest = max((len(line) for label in labels for line in _wrap(label).split("\n")), default=4)
    left = min(0.2 + longest * CHAR_IN, WIDTH_IN * 0.45)
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


def _grid(heights: list[float], ncols: int, label_in: float = 0.0) -> tuple[Figure, list]:
    """Small multiples: panels of the given heights (inches), ``ncols`` per row, laid out by hand.

    ``label_in`` is room left of every panel for its row labels (region names).
    """
    left, right, gap_x, title_in, axis_in = 0.45 + label_in, 0.2, 0.55 + label_in, 0.42, 0.32
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


def _scale(unit: str) -> tuple[float, str]:
    """Divisor and axis unit of a base unit: amounts in 万元, the rest as they are."""
    return (1e4, "万元") if unit == "元" else (1.0, unit)


def _panel_title(ax, name: str, unit: str) -> None:
    ax.set_title(f"{_wrap(name)}（{_scale(unit)[1]}）", fontsize=9, loc="left")


def _value_axis(ax, values: np.ndarray, unit: str, axis: str) -> None:
    """A linear value axis from 0 with room for the labels (a rate's axis stops at 100%)."""
    top = float(np.nanmax(values)) if len(values) and np.isfinite(values).any() else 1.0
    upper = max(top * 1.25, 1.0)
    if unit == "%" and top <= 100:
        upper = min(upper, 100.0)  # a share never runs past 100%
    (ax.set_ylim if axis == "y" else ax.set_xlim)(0, upper)
    getattr(ax, f"{axis}axis").set_major_locator(MaxNLocator(nbins=4, integer=unit != "%"))


def _trend_panel(ax, rows: pd.DataFrame, years: list[int]) -> None:
    """One indicator over the years held: dots joined where the years are consecutive, each labelled."""
    first = rows.iloc[0]
    divisor, _ = _scale(str(first["unit"]))
    series = rows.set_index("year")["value"].astype(float).reindex(years) / divisor
    ax.plot(years, series.to_numpy(), color=NEUTRAL, linewidth=1.4, marker="o", markersize=4)  # NaN breaks the line
    last = rows.iloc[-1]
    ax.plot([last["year"]], [float(last["value"]) / divisor], "o", markersize=6,
            color=_tone(str(last["indicator"]), last["change"]))  # fmt: skip
    for row in rows.itertuples():
        ax.annotate(format_figure(row.value, row.unit, row.approx), (row.year, float(row.value) / divisor),
                    textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7.5, color="#333333")  # fmt: skip
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    _value_axis(ax, series.to_numpy(), str(first["unit"]), "y")
    _panel_title(ax, str(first["name"]), str(first["unit"]))
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
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
    with _house_style():
        fig, axes = _grid([1.5] * len(keys), ncols=2 if len(keys) > 1 else 1)
        for ax, key in zip(axes, keys):
            _trend_panel(ax, history[history["indicator"] == key].sort_values("year"), years)
        names = "、".join(history.drop_duplicates("indicator")["name"].astype(str))
        return _described(to_svg(fig), f"{facts.region}历年{names}（{years[0]}—{years[-1]}年）")


def _peer_panel(ax, rows: pd.DataFrame, region: str) -> None:
    """One indicator across the regions that reported it: a dot per region, sorted, the region marked."""
    shown = rows[rows["reported"]].sort_values("value", kind="stable")
    first = shown.iloc[0]
    divisor, _ = _scale(str(first["unit"]))
    values = shown["value"].to_numpy(dtype=float) / divisor
    mine = (shown["region"] == region).to_numpy()
    positions = np.arange(len(shown))
    ax.hlines(positions, 0, values, color="#e0e0e0", linewidth=0.8)
    ax.scatter(values[~mine], positions[~mine], s=18, color=OTHERS, zorder=3)
    ax.scatter(values[mine], positions[mine], s=34, color=ACCENT, zorder=4)
    ax.axvline(float(first["median"]) / divisor, color="#666666", linewidth=0.7, linestyle="--")
    for p, row, value in zip(positions, shown.itertuples(), values):
        ax.annotate(format_figure(row.value, row.unit), (value, p), textcoords="offset points", xytext=(5, 0),
                    va="center", fontsize=7.5, color="#333333")  # fmt: skip
    ax.set_yticks(positions, [str(r) for r in shown["region"]])
    for label, is_mine in zip(ax.get_yticklabels(), mine):
        label.set_color(ACCENT if is_mine else "#333333")
        label.set_fontweight("bold" if is_mine else "normal")
    ax.set_ylim(-0.6, len(shown) - 0.4)
    _value_axis(ax, values, str(first["unit"]), "x")
    _panel_title(ax, str(first["name"]), str(first["unit"]))
    missing = rows.loc[~rows["reported"], "region"].astype(str).tolist()
    ax.set_xlabel(("未报告：" + "、".join(missing)) if missing else "虚线为中位数", fontsize=7.5, color="#555555")


def peer_chart(facts: Facts, section: str) -> Svg:
    """Dot plots of a chapter's key indicators across the regions of the year, the region highlighted.

    Only indicators that :data:`~fazhi_analysis.analysis.MIN_PEERS` or more regions reported;
    regions that did not report are named under the panel, never placed. Empty when there is none.
    """
    keys = facts.key_indicators(section, over_years=False)
    if not keys:
        return Svg("")
    heights = [0.22 * int(facts.peers.loc[facts.peers["indicator"] == k, "reported"].sum()) + 0.3 for k in keys]
    label_in = max(len(r) for r in facts.regions) * CHAR_IN
    with _house_style():
        fig, axes = _grid(heights, ncols=2 if len(keys) > 1 else 1, label_in=label_in)
        for ax, key in zip(axes, keys):
            _peer_panel(ax, facts.peers[facts.peers["indicator"] == key], facts.region)
        return _described(
            to_svg(fig), f"{facts.year}年各地区{catalog.section_title(section)}主要数据，{facts.region}标红"
        )


def figures_chart(facts: Facts, section: str) -> Svg:
    """This year's figures of a chapter as bars, one panel per unit with two or more figures, sorted.

    For a chapter with neither earlier years nor peers to compare with. Empty when no unit has two figures.
    """
    rows = facts.comparison[facts.comparison["section"] == section]
    units = [u for u, n in rows["unit"].value_counts(sort=False).items() if n >= 2]
    if not units:
        return Svg("")
    groups = [rows[rows["unit"] == u].sort_values("value", ascending=False, kind="stable") for u in units]
    names = [str(n) for n in rows["name"]]
    with _house_style():
        fig, axes = _stacked([max(sum(_rows([str(n) for n in g["name"]])), 1) * BAR_IN for g in groups], names)
        for ax, group in zip(axes, groups):
            _bars(ax, group)
        return _described(to_svg(fig), f"{catalog.section_title(section)}：{facts.year}年各项数据，按单位分图")


def _bars(ax, rows: pd.DataFrame) -> None:
    """Horizontal bars of figures of one unit on a linear axis, each labelled as the source writes it."""
    unit = str(rows["unit"].iloc[0])
    divisor, shown_unit = _scale(unit)
    names = [str(n) for n in rows["name"]]
    positions = _positions(names)
    values = rows["value"].to_numpy(dtype=float, na_value=0.0) / divisor
    ax.barh(positions, values, height=0.6, color=NEUTRAL)
    top = max(float(values.max()), 1e-9)
    for p, row, value in zip(positions, rows.itertuples(), values):
        text = format_figure(row.value, row.unit, row.approx, row.raw)
        ax.text(value + top * 0.01, p, text, va="center", ha="left", fontsize=8, color="#333333")
    _labels(ax, positions, names)
    ax.set_ylim(-0.6, positions[0] + 0.6)
    _value_axis(ax, values, unit, "x")
    ax.set_title(f"单位：{shown_unit}")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)


def chapter_charts(facts: Facts, section: str) -> list[Svg]:
    """The charts of one chapter: its trend and its peers; this year's figures when neither exists."""
    found = [svg for svg in (trend_chart(facts, section), peer_chart(facts, section)) if svg]
    return found or [svg for svg in (figures_chart(facts, section),) if svg]


def changes_chart(facts: Facts) -> Svg:
    """The overview's largest changes from the comparison year, in %, of counts and amounts, sorted.

    The :data:`MOST_CHANGED` largest by size; unchanged figures are left to the prose.

    Green or red where the catalog says which direction is good, else neutral. Empty with fewer than two.
    """
    rows = facts.comparison[facts.comparison["change_pct"].notna() & facts.comparison["change"].ne(0)]
    rows = rows.loc[rows["change_pct"].abs().sort_values(ascending=False, kind="stable").index[:MOST_CHANGED]]
    rows = rows.sort_values("change_pct", ascending=False, kind="stable")  # the largest rise on top
    if len(rows) < 2:
        return Svg("")
    pct = rows["change_pct"].to_numpy(dtype=float)
    names = [str(n) for n in rows["name"]]
    with _house_style():
        fig, (ax,) = _stacked([BAR_IN * sum(_rows(names))], names)
        positions = _positions(names)
        colours = [_tone(i, c) for i, c in zip(rows["indicator"], rows["change"])]
        ax.barh(positions, pct, color=colours, height=0.6)
        _labels(ax, positions, names)
        ax.axvline(0, color="#666666", linewidth=0.6)
        for p, v in zip(positions, pct):
            ax.text(v, p, f" {v:+.1f}% ", va="center", ha="left" if v >= 0 else "right", fontsize=8)
        span = max(float(np.abs(pct).max()), 1.0) * 1.35
        ax.set_xlim(-span if (pct < 0).any() else 0, span if (pct > 0).any() else span * 0.2)
        ax.set_ylim(-0.6, max(positions) + 0.6)
        ax.set_title(f"与{facts.compare_year}年相比变化最大的{len(rows)}项（%）")
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _described(to_svg(fig), ax.get_title(loc="left"))


def overview_charts(facts: Facts) -> list[Svg]:
    """The charts of the overview: the largest changes from the comparison year, when there are any."""
    return [svg for svg in (changes_chart(facts),) if svg]
