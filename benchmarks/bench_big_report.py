"""A report from a 4 MB report text, HTML and PDF, beside the seed's own report (issue 18; goal: under 30 s).

In a temporary project folder of its own, the seed text ``data/raw/dabancheng_2024_report.txt`` is
written once as it is, and once grown to about 4 MB: its opening (region and year) kept, its body
repeated with every figure but years and percentages changed in each copy (a different figure each
time, not a text pasted again). Each is built (``fazhi build``) and reported (``fazhi report``, HTML and
PDF), whole commands with Python's start-up; wall times and CPU seconds (the command with its kernel and
Chromium, which a busy machine does not inflate) are printed with their ratio.

Run: ``.venv/bin/python benchmarks/bench_big_report.py [--mb 4]``
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGION, YEAR = "达坂城区", 2024
SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "dabancheng_2024_report.txt"
FAZHI = Path(sys.executable).parent / "fazhi"
GOAL_SECONDS = 30
OPENING_LINES = 2  # the seed's opening: the report's region and year
FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.]|\s*%)")  # a figure not followed by %


def _varied(body: str, copy: int) -> str:
    """``body`` with each figure but a year (1990–2030) raised by ``copy``."""

    def change(match: re.Match[str]) -> str:
        number = float(match.group())
        return match.group() if 1990 <= number <= 2030 else f"{number + copy:g}"

    return FIGURE.sub(change, body)


def big_text(seed: str, megabytes: float) -> str:
    """The seed's opening and its body repeated with varied figures, to about ``megabytes`` MB of UTF-8."""
    lines = seed.splitlines(keepends=True)
    opening, body = "".join(lines[:OPENING_LINES]), "".join(lines[OPENING_LINES:])
    copies = int(megabytes * 1024**2 // len(body.encode("utf-8"))) + 1
    return opening + "".join(_varied(body, copy) for copy in range(copies))


def _cpu() -> float:
    """CPU seconds of the finished children so far (a command with the kernel and Chromium it waited for)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _fazhi(folder: Path, *args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``fazhi`` command in the project ``folder``; exit 1 (findings) is no failure."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(
        [str(FAZHI), *args, "--project", str(folder)], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start, _cpu() - cpu
    if done.returncode not in (0, 1):
        sys.exit(f"fazhi {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def measure(folder: Path, text: str) -> dict[str, float]:
    """Wall and CPU seconds of build and report, and the PDF's KB, of a project folder whose one input is ``text``."""
    raw = folder / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / SEED.name).write_text(text, encoding="utf-8")
    build, build_cpu = _fazhi(folder, "build")
    report, report_cpu = _fazhi(folder, "report", "--region", REGION, "--year", str(YEAR), "--formats", "html,pdf")
    pdf = folder / "reports" / REGION / str(YEAR) / "annual_report.pdf"
    return {"build": build, "build_cpu": build_cpu, "report": report, "report_cpu": report_cpu,
            "pdf_kb": pdf.stat().st_size / 1024}  # fmt: skip


def _line(name: str, kb: float, m: dict[str, float]) -> str:
    """One line of :func:`measure`'s figures for a text of ``kb`` KB."""
    return (f"{name} ({kb:,.0f} KB): build {m['build']:.1f} s (CPU {m['build_cpu']:.1f} s), report HTML+PDF "
            f"{m['report']:.1f} s (CPU {m['report_cpu']:.1f} s), PDF {m['pdf_kb']:,.0f} KB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="size of the big text in MB (default 4)")
    args = parser.parse_args()
    seed = SEED.read_text(encoding="utf-8")
    text = big_text(seed, args.mb)
    work = Path(tempfile.mkdtemp(prefix="bench-big-report-"))
    try:
        seed_m = measure(work / "seed", seed)
        big_m = measure(work / "big", text)
    finally:
        shutil.rmtree(work)
    print(_line("seed text", len(seed.encode("utf-8")) / 1024, seed_m))
    print(_line("big text", len(text.encode("utf-8")) / 1024, big_m))
    print(f"report: {big_m['report'] / seed_m['report']:.1f}× the seed's wall time, "
          f"{big_m['report_cpu'] / seed_m['report_cpu']:.1f}× its CPU (goal: under {GOAL_SECONDS} s)")  # fmt: skip


if __name__ == "__main__":
    main()
