"""Benchmark at the scale of every county: the 1M-row build and its checks, and one province's batch.

Three parts, on the synthetic country of ``data/examples/make_scale.py`` (fixed seed), each optional:

1. ``build``: ``fazhi build`` of ``--counties`` × 5 years × 50 indicators (4,000: 1,000,000 rows) written as
   one long CSV; wall time and peak resident memory of the build process (goal: under 2 GB);
2. ``checks``: :func:`fazhi_analysis.checks.check` on that table (without ``build``: the same table written by
   the generator) and on a quarter of its regions, in this process: the ratio of the CPU times against the ratio
   of the rows (linear time: about 1×), and how many findings there are against the rows of ``findings.csv``
   (capped per kind);
3. ``batch``: ``fazhi batch`` of one province of ``--province-counties`` counties, year 2024 only, on
   ``--workers`` workers: seconds a report, then the same batch again (every report cached) as a share of the
   first (goal: at most 5 %).

    .venv/bin/python benchmarks/bench_scale.py [--parts build checks batch] [--counties 4000]
        [--province-counties 100] [--formats html,pdf] [--workers 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
FAZHI = [sys.executable, "-m", "fazhi_analysis"]
MAKE = [sys.executable, str(ROOT / "data" / "examples" / "make_scale.py")]


def peak_rss(process: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    """Sample the resident memory of ``process`` and its children every 0.1 s into ``peak[0]`` until ``stop``."""
    while not stop.wait(0.1):
        try:
            tree = [process, *process.children(recursive=True)]
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            continue


def measured(command: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Run ``command`` (its exit code one of ``ok``); its wall seconds and the peak resident MB of it and its
    children. Its messages go to ``cwd/stderr.log``, shown when it fails."""
    log = cwd / "stderr.log"
    start = time.perf_counter()
    with log.open("w") as sink:
        child = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=sink)
        stop, peak = threading.Event(), [0]
        sampler = threading.Thread(target=peak_rss, args=(psutil.Process(child.pid), stop, peak), daemon=True)
        sampler.start()
        code = child.wait()
    stop.set()
    sampler.join()
    if code not in ok:
        raise SystemExit(f"{' '.join(command)} exited {code}:\n{log.read_text()[-2000:]}")
    return time.perf_counter() - start, peak[0] / 2**20


def bench_build(work: Path, counties: int) -> Path:
    """Part 1; returns the built table."""
    subprocess.run([*MAKE, str(work / "raw"), "--counties", str(counties), "--layout", "single"], check=True)
    limits = ["--max-cells", "10000000", "--max-text-mb", "500"]  # one CSV of 1M rows × 5 columns, ~60 MB
    command = [*FAZHI, "build", "-q", "--raw", "raw", "--processed", "processed", *limits]
    seconds, mb = measured(command, work, ok=(0, 1))  # 1: the checks found the errors the generator plants
    rows = len(pd.read_parquet(work / "processed" / "indicators.parquet", columns=["year"]))
    print(f"build: {rows:,} rows in {seconds:.1f} s, peak {mb:,.0f} MB (goal < 2,048 MB)")
    return work / "processed" / "indicators.parquet"


def bench_checks(table: Path) -> None:
    """Part 2, in this process."""
    from fazhi_analysis import checks

    frame = pd.read_parquet(table)
    quarter = frame[frame["region"].isin(frame["region"].drop_duplicates().iloc[::4])]
    cpu = {}
    for name, rows in (("quarter", quarter), ("all", frame)):
        wall, start = time.perf_counter(), time.process_time()
        found = checks.check(rows)
        cpu[name], wall = time.process_time() - start, time.perf_counter() - wall
        print(f"checks of {len(rows):,} rows: {cpu[name]:.1f} CPU s ({wall:.1f} s), {len(found):,} findings")
    ratio = (cpu["all"] / cpu["quarter"]) / (len(frame) / len(quarter))
    print(f"checks: CPU time grows {ratio:.2f}× as fast as the rows (1× = linear; CPU time, the machine is shared)")
    shown = checks.capped(found)
    print(f"findings.csv: {len(shown):,} rows for {len(found):,} findings (at most {checks.PER_KIND} of a kind named)")


def bench_batch(work: Path, counties: int, formats: str, workers: int) -> None:
    """Part 3."""
    processed = work / "province"
    subprocess.run([*MAKE, str(processed), "--tidy", "--counties", str(counties), "--provinces", "1",
                    "--years", "2"], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    command = [*FAZHI, "batch", "--years", "2024", "--formats", formats, "--workers", str(workers),
               "--data", str(processed / "indicators.parquet"), "--output-dir", str(work / "reports")]  # fmt: skip
    first, mb = measured(command, work)
    again, _ = measured(command, work)
    print(f"batch of {counties} reports ({formats}, {workers} workers): {first:.0f} s, {first / counties:.2f} s a "
          f"report, peak {mb:,.0f} MB in all")  # fmt: skip
    print(f"cached re-run: {again:.1f} s = {100 * again / first:.1f} % of the first (goal ≤ 5 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parts = ["build", "checks", "batch"]
    parser.add_argument("--parts", nargs="+", choices=parts, default=parts)
    parser.add_argument("--counties", type=int, default=4000, help="counties of the built table (4000: 1M rows)")
    parser.add_argument("--province-counties", type=int, default=100, help="reports of the batch")
    parser.add_argument("--formats", default="html,pdf")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        work = Path(folder)
        if "build" in args.parts:
            table = bench_build(work, args.counties)
        elif "checks" in args.parts:  # the table build would make, written directly
            subprocess.run([*MAKE, str(work / "processed"), "--tidy", "--counties", str(args.counties)], check=True)
            table = work / "processed" / "indicators.parquet"
        if "checks" in args.parts:
            bench_checks(table)
        if "batch" in args.parts:
            bench_batch(work, args.province_counties, args.formats, args.workers)


if __name__ == "__main__":
    main()
