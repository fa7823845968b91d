"""Benchmark `fazhi clean` on a generated wide table of 1,000,000 value cells (file reading excluded).

Prints cells/s and peak memory of :func:`fazhi_analysis.ingest.clean.clean_sheets`, and the ratio against
the obvious per-cell alternative (a Python loop calling ``numbers.parse_value`` and the name matcher
for each cell), measured in the same run on a slice of the same table.

Run: ``.venv/bin/python benchmarks/bench_clean.py [--cells 1000000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from fazhi_analysis.ingest.clean import clean_sheets
from fazhi_analysis.ingest.match import match_one
from fazhi_analysis.ingest.sheets import Sheet
from fazhi_analysis.table import catalog
from fazhi_analysis.table.numbers import parse_value

YEARS = list(range(2015, 2025))


def make_sheet(cells: int, seed: int = 0) -> Sheet:
    """A wide table: 地区 | 指标名称 | 单位 | 2015年 … 2024年, messy value strings, a title row."""
    rng = np.random.default_rng(seed)
    indicators = catalog.indicators()
    indicators = indicators[indicators["kind"] == "count"]
    rows = cells // len(YEARS)
    names = indicators["name"].to_numpy(object)
    units = indicators["unit"].to_numpy(object)
    regions = np.array([f"第{i}区" for i in range(rows // len(names) + 1)], dtype=object)
    which = np.arange(rows) % len(names)
    values = rng.geometric(0.002, size=(rows, len(YEARS))).astype(str).astype(object)
    kind = rng.random((rows, len(YEARS)))
    values[kind < 0.08] = np.char.add(values[kind < 0.08].astype(str), "余").astype(object)
    wan = (kind >= 0.08) & (kind < 0.12)
    values[wan] = np.char.add((rng.integers(10, 99, wan.sum()) / 10).astype(str), "万").astype(object)
    values[(kind >= 0.12) & (kind < 0.15)] = "—"
    thousands = (kind >= 0.15) & (kind < 0.17)
    values[thousands] = [f"{v:,}" for v in rng.integers(1000, 99999, thousands.sum())]
    values[(kind >= 0.17) & (kind < 0.18)] = "待统计"
    grid = np.empty((rows + 2, 3 + len(YEARS)), dtype=object)
    grid[0, :] = None
    grid[0, 0] = "各区法治政府建设指标汇总表"
    grid[1] = ["地区", "指标名称", "单位", *[f"{y}年" for y in YEARS]]
    grid[2:, 0] = regions[np.arange(rows) // len(names)]
    grid[2:, 1] = names[which]
    grid[2:, 2] = units[which]
    grid[2:, 3:] = values
    return Sheet(Path("bench.xlsx"), "bench.xlsx", "汇总", grid, grid, None)


def per_cell(sheet: Sheet, rows: int) -> pd.DataFrame:
    """The obvious alternative: a loop over cells, one parse and one lookup per cell."""
    grid = sheet.values
    header = grid[1]
    records = []
    for r in range(2, 2 + rows):
        region, label, unit = grid[r, 0], grid[r, 1], grid[r, 2]
        for c in range(3, grid.shape[1]):
            value, cell_unit, approx, reason = parse_value(grid[r, c])
            indicator = match_one(label)[0]
            records.append(
                {
                    "region": region,
                    "year": int(str(header[c])[:4]),
                    "indicator": indicator,
                    "value": value,
                    "unit": cell_unit or unit,
                    "approx": approx,
                    "reason": reason,
                }
            )
    return pd.DataFrame(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-rows", type=int, default=1000, help="rows of the slice for the per-cell loop")
    args = parser.parse_args()

    sheet = make_sheet(args.cells)
    n_cells = (sheet.values.shape[0] - 2) * len(YEARS)
    distinct = len(pd.unique(sheet.values[2:, 3:].ravel()))
    print(
        f"table: {sheet.values.shape[0] - 2:,} rows × {len(YEARS)} year columns = {n_cells:,} value cells "
        f"({distinct:,} distinct strings)"
    )

    clean_sheets([sheet])  # warm caches (catalog, matcher)
    times, cpu = [], []
    for _ in range(args.repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = clean_sheets([sheet])
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert result.cells == n_cells, (result.cells, n_cells)
    best, median = min(times), statistics.median(times)
    print(
        f"clean_sheets: median {median:.3f} s, best {best:.3f} s → {n_cells / median:,.0f} cells/s (median), "
        f"{n_cells / best:,.0f} cells/s (best); {len(result.table):,} tidy rows, {len(result.rejects):,} rejects"
    )
    print(
        f"CPU time: median {statistics.median(cpu):.3f} s → "
        f"{n_cells / statistics.median(cpu):,.0f} cells per CPU-second "
        f"(load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)"
    )

    gc.collect()
    tracemalloc.start()
    clean_sheets([sheet])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import pyarrow as pa

    print(f"Arrow memory pool peak (whole run): {pa.default_memory_pool().max_memory() / 2**20:,.0f} MiB")
    print(
        f"peak memory: {peak / 2**20:,.0f} MiB allocated during one clean (tracemalloc: NumPy and Python; Arrow "
        f"buffers not included); process peak RSS so far {rss:,.0f} MiB (includes the generated table)"
    )

    rows = min(args.baseline_rows, sheet.values.shape[0] - 2)
    start = time.perf_counter()
    slow = per_cell(sheet, rows)
    slow_time = time.perf_counter() - start
    slow_rate = len(slow) / slow_time
    ours = result.table.head(0)
    del ours
    print(f"per-cell loop on the first {len(slow):,} cells: {slow_time:.3f} s → {slow_rate:,.0f} cells/s")
    print(f"ratio: clean_sheets is {n_cells / median / slow_rate:,.0f}× the per-cell loop (cells/s, median)")
    goal = n_cells / median >= 1_000_000
    print(f"goal ≥ 1,000,000 cells/s: {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
