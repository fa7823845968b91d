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
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from fazhi_analysis import analysis
from fazhi_analysis.report import fonts
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import format_figure

STYLE = Path(__file__).with_name("report.mplstyle")
WIDTH_IN = 6.8
BAR_IN = 0.24
LABEL_CHARS = 16
CHAR_IN = 9 / 72 * 1.02  # width of one CJK character at the 9 pt tick-label size
CURRENT, PRIOR = "#b22222", "#b0b0b0"
KIND_TITLES = {"count": "数量", "amount": "金额（万元）", "rate": "比率（%）"}


class Svg(str):
    """An SVG image with a description (``alt``); Jupyter displays it inline."""

    alt: str = "图表"

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
    """The figure as an SVG string without the XML prolog (ready to inline in HTML)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return Svg(text[text.index("<svg") :])


def _panel(ax, rows: pd.DataFrame, kind: str, years: tuple[int, int | None], legend: bool) -> None:
    """Horizontal bars of one kind of figure, the value written beside each bar.

    Counts spanning more than two orders of magnitude get a logarithmic axis, so that 2次 and
    955次 both show; amounts are drawn in 万元, rates on 0–100.
    """
    scale = 1e4 if kind == "amount" else 1.0
    has_prior = bool(rows["prior_value"].notna().any())
    positions = _positions([str(name) for name in rows["name"]])
    height = 0.38 if has_prior else 0.6
    shift = height / 2 if has_prior else 0.0
    # Plain float arrays: pandas objects send matplotlib through its slow unit-conversion checks.
    current = rows["value"].to_numpy(dtype=float, na_value=0.0) / scale
    prior = rows["prior_value"].to_numpy(dtype=float, na_value=0.0) / scale
    values = np.concatenate([current, prior])
    top = max(float(values.max()), 1e-9)
    positive = values[values > 0]
    log = kind == "count" and len(positive) > 1 and top / float(positive.min()) > 100
    base = 0.5 if log else 0.0
    ax.barh(
        [p + shift for p in positions],
        np.clip(current - base, 0, None),
        left=base,
        height=height,
        color=CURRENT,
        label=f"{years[0]}年",
    )
    if has_prior:
        ax.barh(
            [p - shift for p in positions],
            np.clip(prior - base, 0, None),
            left=base,
            height=height,
            color=PRIOR,
            label=f"{years[1]}年",
        )
    for p, row, value in zip(positions, rows.itertuples(), current):
        ax.text(
            max(value, base) * (1.08 if log else 1) + (0 if log else top * 0.01),
            p + shift,
            format_figure(row.value, row.unit, row.approx, row.raw),
            va="center",
            ha="left",
            fontsize=8,
            color="#333333",
        )
    _labels(ax, positions, [str(name) for name in rows["name"]])
    ax.set_ylim(-0.6, positions[0] + 0.6)
    if log:
        ax.set_xscale("log")
        ax.set_xlim(base, top * 6)
        # Plain tick labels: the default 10^n labels go through mathtext, slow and foreign to readers.
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_title(f"{KIND_TITLES[kind]}（对数刻度）")
    else:
        ax.set_xlim(0, 100 if kind == "rate" and top <= 100 else top * 1.25)
        ax.set_title(KIND_TITLES.get(kind, kind))
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    if legend:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)


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


def section_chart(comparison: pd.DataFrame, section: str) -> Svg:
    """Bars of every figure of one chapter, one panel per kind (counts, amounts in 万元, rates).

    With prior-year data the prior figures stand in grey beside this year's.
    """
    rows = comparison[comparison["section"] == section]
    if rows.empty:
        return Svg("")
    prior_years = comparison["prior_year"].dropna()
    years = (int(rows["year"].iloc[0]), int(prior_years.iloc[0]) if len(prior_years) else None)
    kinds = [k for k in ("count", "amount", "rate") if (rows["kind"] == k).any()]
    kinds += [k for k in rows["kind"].dropna().unique() if k not in kinds]
    groups = [rows[rows["kind"] == k] for k in kinds]
    with_prior = [i for i, g in enumerate(groups) if g["prior_value"].notna().any()]
    first_with_prior = with_prior[0] if with_prior else -1
    heights = [
        max(sum(_rows([str(n) for n in g["name"]])), 1) * BAR_IN * (1.5 if g["prior_value"].notna().any() else 1)
        for g in groups
    ]
    with _house_style():
        fig, axes = _stacked(heights, [str(n) for n in rows["name"]])
        for i, (ax, kind, group) in enumerate(zip(axes, kinds, groups)):
            _panel(ax, group, kind, years, legend=i == first_with_prior)
        return _described(to_svg(fig), f"{catalog.section_title(section)}：各项数据条形图")


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


def overview_chart(comparison: pd.DataFrame) -> Svg:
    """The number of figures per chapter; with prior-year data, the change in % of each compared figure."""
    with _house_style():
        if analysis.has_prior(comparison):
            rows = comparison[comparison["change"].notna() & (comparison["unit"] != "%")]
            pct = rows["change_pct"].to_numpy(dtype=float, na_value=0.0)
            fig, (ax,) = _stacked([BAR_IN * max(len(rows), 1)], [str(n) for n in rows["name"]])
            positions = list(range(len(rows)))[::-1]
            ax.barh(positions, pct, color=[CURRENT if v >= 0 else "#1f4e79" for v in pct], height=0.6)
            _labels(ax, positions, [str(n) for n in rows["name"]])
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.axvline(0, color="#666666", linewidth=0.6)
            ax.set_title("同比变化（%）")
            for p, v in zip(positions, pct):
                ax.text(v, p, f" {v:+.1f}% ", va="center", ha="left" if v >= 0 else "right", fontsize=8)
            span = max(float(np.abs(pct).max(initial=0)), 1) * 1.3
            ax.set_xlim(-span if (pct < 0).any() else 0, span)
        else:
            counts = comparison.groupby("section").size()
            order = [s for s in catalog.sections().index if s in counts.index]
            labels = [re.sub(r"\s", "", catalog.section_title(s)) for s in order]
            fig, (ax,) = _stacked([BAR_IN * 1.2 * len(order)], labels)
            positions = list(range(len(order)))[::-1]
            ax.barh(positions, [counts[s] for s in order], color=CURRENT, height=0.6)
            _labels(ax, positions, labels)
            ax.set_ylim(-0.6, len(order) - 0.4)
            for p, s in zip(positions, order):
                ax.text(counts[s] + 0.2, p, f"{counts[s]}项", va="center", fontsize=8)
            ax.set_title("各方面收录数据（项）")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlim(0, counts.max() * 1.15)
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        ax.set_axisbelow(True)
        return _described(to_svg(fig), ax.get_title(loc="left"))
