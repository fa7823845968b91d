"""Benchmark drawing one example report's charts (示例区甲 2024: 13 charts, 43 axes), run on demand, not in tests.

Two parts, each against the obvious alternative in the same run, in CPU seconds (``time.process_time``, the
median of :data:`RUNS` runs of each, taken in turns after a warm-up), which a shared machine's load changes
less than wall time:

* the charts as the notebook draws them (figures built, then written as SVG), each panel reading only the
  columns it uses (``charts._TREND_COLUMNS``, ``charts._DOT_COLUMNS``), against the same charts with every
  panel filtering, sorting and iterating all the columns of the facts' frames (27 of ``peers``, 12 of
  ``history``, arrow strings among them), as it did before;
* the Word draft's PNGs (:data:`~fazhi_analysis.report.docx_style.CHART_DPI`): written from the figures the
  notebook already drew (:func:`~fazhi_analysis.report.plotting.to_png`, zlib level
  :data:`~fazhi_analysis.report.plotting.PNG_COMPRESSION`), against drawing every chart again from scratch
  and saving it at Pillow's default level, and against the same figures at the default level.

Run: ``.venv/bin/python benchmarks/bench_charts.py [--runs 5]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from fazhi_analysis import analysis, build
from fazhi_analysis.report import charts, docx_style, facts, plotting

ROOT = Path(__file__).resolve().parents[1]
REGION, YEAR = "示例区甲", 2024
RUNS = 5


def _cpu(ours: Callable[[], object], other: Callable[[], object], runs: int) -> tuple[float, float]:
    """The median CPU seconds of ``ours`` and of ``other`` over ``runs`` runs each, taken in turns (so that a
    change of the machine's load falls on both alike), after one run of each to warm up."""
    ours(), other()
    spent: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for work, times in zip((ours, other), spent):
            start = time.process_time()
            work()
            times.append(time.process_time() - start)
    return statistics.median(spent[0]), statistics.median(spent[1])


def _draw(found: facts.Facts) -> list[plotting.Svg]:
    """Every chart of the report, in the notebook's order."""
    drawn = list(charts.overview_charts(found))
    for section in analysis.sections_with_data(found.comparison):
        drawn += charts.chapter_charts(found, section)
    return drawn


def _draw_all_columns(found: facts.Facts) -> list[plotting.Svg]:
    """The charts with every panel copying all the columns of the facts' frames, as before."""
    with (
        mock.patch.object(charts, "_TREND_COLUMNS", list(found.history.columns)),
        mock.patch.object(charts, "_DOT_COLUMNS", list(found.peers.columns)),
    ):
        return _draw(found)


def _pngs(drawn: list[plotting.Svg]) -> list[bytes]:
    """The Word draft's way: each chart's PNG from the figure already drawn."""
    return [plotting.to_png(svg, docx_style.CHART_DPI) for svg in drawn]


def _png_again(found: facts.Facts) -> list[bytes]:
    """The obvious way to a PNG: draw the chart again and save it as PNG, Pillow's default compression."""
    return [_default_png(svg) for svg in _draw(found)]


def _default_png(svg: plotting.Svg) -> bytes:
    buffer = io.BytesIO()
    with plotting.house_style():
        svg.figure.savefig(buffer, format="png", dpi=docx_style.CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _line(name: str, ours: float, other: float) -> None:
    print(f"{name}: {ours:.3f} CPU s against {other:.3f} ({ours / other:.2f}×, {other / ours:.2f} times faster)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        build.build_checked(raw_dir=ROOT / "data/examples/raw", processed_dir=Path(tmp), quiet=True)
        found = facts.gather(analysis.load_table(Path(tmp) / "indicators.parquet"), REGION, YEAR)
        drawn = _draw(found)
        print(f"{REGION} {YEAR}: {len(drawn)} charts, {sum(len(svg.figure.axes) for svg in drawn)} axes")
        ours = _cpu(lambda: _draw(found), lambda: _draw_all_columns(found), runs)
        _line("charts (SVG), the columns each panel reads vs all", *ours)
        again = _cpu(lambda: _pngs(drawn), lambda: _png_again(found), runs)
        _line("Word PNGs from the drawn figures vs drawn again", *again)
        default = _cpu(lambda: _pngs(drawn), lambda: [_default_png(svg) for svg in drawn], runs)
        _line("Word PNGs, our compression vs the default", *default)


if __name__ == "__main__":
    main()
