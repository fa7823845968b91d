"""Benchmark the Word draft's stage of ``fazhi report --formats …,docx`` on the seed (run on demand: ``make bench``).

The report notebook records the draft's content as it runs (:class:`fazhi_analysis.report.word_draft.Recorder`:
the facts it gathered, the charts it drew, each as a PNG); the docx stage then only lays the record out
(:func:`fazhi_analysis.report.docx.from_record`). This times that stage as the report runs it: a fresh process
imports the layout and writes the ``.docx`` from a record of the seed. It also times the recording itself (the
PNGs drawn from the figures already made), which the report spends in its kernel, and only when a draft is asked.
Against it, in the same run, the obvious alternative: a fresh process that gathers the facts from the table and
draws the charts again (:func:`fazhi_analysis.report.docx.to_docx`), the second road the stage used to take.
Each is given in wall time and in CPU time, which a shared machine's load hardly changes.

Goal: the docx stage under 1.5 s (it took 7 s when it gathered the facts and drew the charts again).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from fazhi_analysis import analysis
from fazhi_analysis.ingest import parts
from fazhi_analysis.ingest.extract import extract_text
from fazhi_analysis.report import charts, facts, word_draft
from fazhi_analysis.table import tidy

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "dabancheng_2024_report.txt"
RUNS = 3
STAGE = "import sys, time; t = time.perf_counter(); from fazhi_analysis.report.docx import from_record; " \
    "from_record(sys.argv[1], sys.argv[2]); print(time.perf_counter() - t)"  # fmt: skip
AGAIN = "import sys, time; t = time.perf_counter(); import pandas as pd; from fazhi_analysis.ingest import parts; " \
    "from fazhi_analysis.report import facts; from fazhi_analysis.report.docx import to_docx; " \
    "found = facts.gather(pd.read_parquet(sys.argv[1]), '达坂城区', 2024); " \
    "own = parts.parts_table(open(sys.argv[3], encoding='utf-8').read(), '达坂城区', 2024, 'seed.txt'); " \
    "to_docx(found, own, sys.argv[2]); print(time.perf_counter() - t)"  # fmt: skip


def record(folder: Path, table: pd.DataFrame, text: str) -> float:
    """Record the seed's draft in ``folder`` as the notebook does; returns the seconds of the recording alone."""
    found = facts.gather(table, "达坂城区", 2024)
    own = parts.parts_table(text, "达坂城区", 2024, SEED.name)
    word = word_draft.Recorder(found, own)
    for section in analysis.sections_with_data(found.comparison):
        word.chapter(section, charts.chapter_charts(found, section))
    start = time.perf_counter()
    word.save(folder)
    return time.perf_counter() - start


def _cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _median(script: str, *args: str) -> tuple[float, float]:
    """The median seconds ``script`` reports of itself (wall) and the median CPU seconds of its whole process
    (interpreter start included), run :data:`RUNS` times in a fresh process. On a shared machine the wall time
    grows with the load; the CPU time hardly does."""
    wall, cpu = [], []
    for _ in range(RUNS):
        before = _cpu()
        run = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
        wall.append(float(run.stdout))
        cpu.append(_cpu() - before)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    table = tidy.conform(extract_text(text).assign(region="达坂城区", year=2024, source=f"{SEED.name}:1:1"))
    with tempfile.TemporaryDirectory() as tmp:
        folder, saved = Path(tmp) / "draft", Path(tmp) / "table.parquet"
        table.to_parquet(saved)
        print(f"recording (in the kernel, PNGs from the drawn figures): {record(folder, table, text):.2f} s")
        stage = _median(STAGE, str(folder), str(Path(tmp) / "a.docx"))
        print(f"docx stage (fresh process: import and layout): median {stage[0]:.2f} s wall, {stage[1]:.2f} s CPU "
              f"of {RUNS} (goal < 1.5 s)")  # fmt: skip
        again = _median(AGAIN, str(saved), str(Path(tmp) / "b.docx"), str(SEED))
        print(f"gathered and drawn again (fresh process: to_docx): median {again[0]:.2f} s wall, {again[1]:.2f} s CPU")
        print(f"ratio: the stage takes {stage[0] / again[0]:.2f} of the second road's wall time, "
              f"{stage[1] / again[1]:.2f} of its CPU time")  # fmt: skip


if __name__ == "__main__":
    main()
