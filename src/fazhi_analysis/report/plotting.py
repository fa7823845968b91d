"""The pieces every report chart is made of: the house style, colours, sizes, labels, axes, and SVG out.

Charts are drawn on a bare :class:`~matplotlib.figure.Figure` (no pyplot state) and returned as :class:`Svg`;
the style is package data (``report.mplstyle``), the colours ``palette.yaml``
(:mod:`~fazhi_analysis.report.palette`). The charts themselves: :mod:`~fazhi_analysis.report.charts`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation, offset_copy

from fazhi_analysis.report import fonts, palette
from fazhi_analysis.table.wording import (
    format_number,
)

__all__ = [
    "ACCENT",
    "BAD",
    "BAR_IN",
    "BOX",
    "CHAR_IN",
    "GOOD",
    "GRID",
    "GUIDE",
    "INK",
    "LABEL_CHARS",
    "LINE_IN",
    "MIN_PANEL_IN",
    "NEUTRAL",
    "NOTE",
    "OTHERS",
    "PNG_COMPRESSION",
    "REGION_CHARS",
    "RULE",
    "STYLE",
    "Svg",
    "WIDTH_IN",
    "ZOOM_SPREAD",
    "axis_range",
    "described",
    "draw_labels",
    "house_style",
    "label",
    "panel_grid",
    "panel_title",
    "region_label",
    "row_guides",
    "row_heights",
    "row_positions",
    "scale",
    "stacked",
    "to_png",
    "to_svg",
    "value_axis",
    "value_label",
    "widest",
    "zoom_note",
]

STYLE = Path(__file__).with_name("report.mplstyle")
WIDTH_IN = 6.8
BAR_IN = 0.24
LABEL_CHARS = 16  # an indicator's name: characters a line
REGION_CHARS = 8  # a region's name: characters a line, two lines at most
CHAR_IN = 9 / 72 * 1.02  # width of one CJK character at the 9 pt tick-label size
LINE_IN = 0.15  # height of one line of a 7.5 pt note under an axis
MIN_PANEL_IN = 1.4  # small multiples narrower than this go one a row
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


def described(svg: Svg, alt: str) -> Svg:
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


PNG_COMPRESSION = 1  # zlib's fastest level: the same pixels, 0.4 of level 6's encoding time for 14% more bytes


def to_png(svg: Svg, dpi: int) -> bytes:
    """The chart of ``svg`` as PNG at ``dpi`` (for a Word draft), drawn from its figure in the house style."""
    buffer = io.BytesIO()
    with house_style():
        svg.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                           pil_kwargs={"compress_level": PNG_COMPRESSION})  # fmt: skip
    return buffer.getvalue()


def widest(labels: list[str]) -> float:
    """Inches the longest line of the (already wrapped) labels takes at the tick-label size."""
    return max((len(line) for text in labels for line in text.split("\n")), default=4) * CHAR_IN


def row_heights(names: list[str]) -> list[float]:
    """Row heights in bar units: each further line of a wrapped label needs half a row more."""
    return [1.0 + 0.5 * label(name).count("\n") for name in names]


def row_positions(names: list[str]) -> list[float]:
    """Y positions of the bars, top to bottom, spaced by :func:`row_heights`."""
    steps = row_heights(names)
    positions, y = [], 0.0
    for i in range(len(steps) - 1, -1, -1):  # bottom row first, at 0
        positions.append(y)
        if i:
            y += (steps[i] + steps[i - 1]) / 2
    return positions[::-1]


def draw_labels(ax, positions: list[float], names: list[str]) -> None:
    """Bar labels left of the axes, as plain texts (ticks cost two lines and a deep copy each)."""
    ax.set_yticks([])
    transform = ax.get_yaxis_transform()  # x in axes fraction, y in data
    for p, name in zip(positions, names):
        ax.text(-0.012, p, label(name), transform=transform, ha="right", va="center", fontsize=9,
                color=INK, linespacing=1.3)  # fmt: skip


def value_label(ax, x: float, y: float, text: str, offset: tuple[float, float], **style: Any) -> None:
    """``text`` by the data point (``x``, ``y``) of ``ax``, ``offset`` points away: what ``ax.annotate(text, (x, y),
    textcoords="offset points", xytext=offset, **style)`` draws, as a plain text (0.82 of the charts' CPU time: an
    annotation works out its arrow and clipping at every draw). The point must lie in the axes' limits."""
    at = offset_copy(ax.transData, fig=ax.figure, x=offset[0], y=offset[1], units="points")
    ax.text(x, y, text, transform=at, **style)


def row_guides(ax, positions: np.ndarray, labels: list[str], marked: np.ndarray | None = None) -> None:
    """Rows of a dot or box chart: each label left of the axes, where its y tick label would be, and a guide
    along each row, as ``ax.grid(axis="y")`` would draw at ticks; ``marked`` rows' labels accented and bold.

    Plain texts and one line collection instead of ticks, which cost each three lines, two texts and a deep
    copy: the same picture (Agg renders of every peer chart of 示例区甲 2024 differ by at most one level in
    fewer than 25 pixels, the guides' anti-aliased ends) for 0.89 of the peer charts' CPU time.
    """
    ax.set_yticks([])
    pad = matplotlib.rcParams["ytick.major.pad"] + matplotlib.rcParams["ytick.major.size"]  # points
    at = ax.get_yaxis_transform() + ScaledTranslation(-pad / 72, 0, ax.figure.dpi_scale_trans)
    marks = np.zeros(len(labels), bool) if marked is None else marked
    for p, text, accent in zip(positions, labels, marks):
        ax.text(0, p, text, transform=at, ha="right", va="center_baseline", linespacing=1.1,
                fontsize=matplotlib.rcParams["ytick.labelsize"], color=ACCENT if accent else INK,
                fontweight="bold" if accent else "normal")  # fmt: skip
    ax.hlines(positions, 0, 1, transform=ax.get_yaxis_transform(), color=GUIDE, linewidth=0.8, zorder=0.5)


def stacked(heights: list[float], labels: list[str]) -> tuple[Figure, list]:
    """A figure of panels stacked top to bottom, laid out by hand in inches.

    Fixed margins (label column sized from the longest label line) instead of constrained
    layout: the layout engine measured every text several times and took half the drawing time.
    """
    left = min(0.2 + widest([label(text) for text in labels]), WIDTH_IN * 0.45)
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


def panel_grid(heights: list[float], ncols: int, label_in: float = 0.0, note_lines: int = 1) -> tuple[Figure, list]:
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


def scale(unit: str) -> tuple[float, str]:
    """Divisor and axis unit of a base unit: amounts in 万元, the rest as they are."""
    return (1e4, "万元") if unit == "元" else (1.0, unit)


def panel_title(ax, name: str, unit: str) -> None:
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
