"""Benchmark the non-chart work of one report: ``facts.gather`` + ``downloads.wide_link`` + every chapter's text.

In this process, after a warm-up (as in a warm batch worker), the median CPU seconds (``time.process_time``: the
machine is shared) of the three, for 示例区甲 2024 of the examples and for the first county of a synthetic province
of ``--counties`` counties (``data/examples/make_scale.py --tidy``, 2 years). Beside them, in the same run, the
obvious ways that the code replaced, on the same table:

- the wide table of every region of the table, then the report's region and its peers kept (what a report's
  workbook used to cost: it grows with the table, not with the peers);
- one :func:`~fazhi_analysis.analysis.trend` per region, concatenated, against one
  :func:`~fazhi_analysis.analysis.trends.trends` of all the regions.

Measured once with ``--repeat 5`` at load average 5 on the 2-core machine (indicative): 示例区甲 1.55 CPU s, a county
of 100 1.78 s; the wide table of every region then kept 0.9–1.0× the kept only (both cheap once the trends are
computed at once: the peers of each year are most of it); trends of 100 regions one by one 3.98 s, at once 0.06 s
(68×). The same three parts on main, with the in-process notebook harness: 2.0–2.1 s and 7.0–8.8 s (its wide
table ran a trend for every region of the table).

After the peers of all years in one pass, the workbook kept by content and the report's lookups computed once
(``--repeat 3``, load average 2.3, indicative): 示例区甲 0.78 CPU s (the previous code 1.19 s in the same
conditions), a next report of its peer group and year 0.76 s (noise: in a quieter run 0.79 and 0.51 s); the county
of 100 0.91 s (was 1.53 s), a next one 0.68 s; the wide table only of the kept 0.17 s (was 0.35 s).

Run: ``.venv/bin/python benchmarks/bench_analysis.py [--repeat 5] [--counties 100]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from fazhi_analysis import analysis
from fazhi_analysis.analysis import export
from fazhi_analysis.analysis.trends import trends
from fazhi_analysis.report import downloads, facts, narrative
from fazhi_analysis.table import regions

ROOT = Path(__file__).resolve().parents[1]


def cpu(work: Callable[[], object], repeat: int) -> float:
    """The median CPU seconds of ``work`` after one warm-up run."""
    work()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def report_parts(
    table: pd.DataFrame, region_table: pd.DataFrame | None, region: str, year: int, *, first: bool = True
) -> None:
    """What one report computes besides its charts; ``first``: as the first report of its peer group and year in the
    process (the wide workbook not yet kept), else as the next ones."""
    if first:
        export._WORKBOOKS.clear()
    found = facts.gather(table, region, year, region_table=region_table)
    downloads.wide_link(found)
    for section in analysis.sections_with_data(found.comparison):
        narrative.chapter(found, section)


def bench(name: str, path: Path, region: str, year: int, repeat: int) -> None:
    table, region_table = analysis.load_table(path), regions.load(path)
    found = facts.gather(table, region, year, region_table=region_table)
    every = sorted(found.table["region"].unique())

    def all_then_kept() -> pd.DataFrame:
        wide = analysis.wide(found.table, as_of=year, peers=found.peer_rule, region_table=region_table)
        return wide[wide["地区"].isin(found.regions)]

    def kept() -> pd.DataFrame:
        return analysis.wide(found.table, as_of=year, peers=found.peer_rule, region_table=region_table,
                             regions=found.regions)  # fmt: skip

    def one_by_one() -> pd.DataFrame:
        return pd.concat([analysis.trend(found.table, r) for r in every], ignore_index=True)

    report = cpu(lambda: report_parts(table, region_table, region, year), repeat)
    after = cpu(lambda: report_parts(table, region_table, region, year, first=False), repeat)
    wide_all, wide_kept = cpu(all_then_kept, repeat), cpu(kept, repeat)
    loop, together = cpu(one_by_one, repeat), cpu(lambda: trends(found.table, every), repeat)
    print(f"{name} ({len(every)} regions, {found.n_peers} peers): gather + wide_link + chapters {report:.2f} CPU s; "
          f"a next report of the peer group and year (its workbook kept) {after:.2f} s")  # fmt: skip
    print(f"  wide table: every region then kept {wide_all:.2f} s, only the kept {wide_kept:.2f} s "
          f"({wide_all / wide_kept:.1f}×)")  # fmt: skip
    print(f"  trends of {len(every)} regions: one by one {loop:.2f} s, at once {together:.2f} s "
          f"({loop / together:.1f}×)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--counties", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-analysis-") as folder:
        work = Path(folder)
        fazhi = [sys.executable, "-m", "fazhi_analysis"]
        raw = str(ROOT / "data" / "examples" / "raw")
        subprocess.run([*fazhi, "build", "--raw", raw, "--processed", str(work / "ex")], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        make = [sys.executable, str(ROOT / "data" / "examples" / "make_scale.py"), str(work / "province"), "--tidy"]
        subprocess.run([*make, "--counties", str(args.counties), "--provinces", "1", "--years", "2"],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        province = work / "province" / "indicators.parquet"
        levels = regions.load(province)
        county = str(levels.loc[levels["level"] == "县", "region"].iloc[0])
        bench("examples 示例区甲 2024", work / "ex" / "indicators.parquet", "示例区甲", 2024, args.repeat)
        bench(f"province of {args.counties} counties, {county} 2024", province, county, 2024, args.repeat)


if __name__ == "__main__":
    main()
