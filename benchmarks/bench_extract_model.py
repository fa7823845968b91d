"""The fitted mapping's costs: model.json's size, its load time, and extracting the seed report.

Goals (issue 19): model < 5 MB, loads < 0.3 s, the seed (data/raw/dabancheng_2024_report.txt) extracted in
< 50 ms. Load time is measured in fresh processes (json read and arrays built, the package already imported);
extraction as the median of warm runs.

Usage::

    python benchmarks/bench_extract_model.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "dabancheng_2024_report.txt"
LOAD = (
    "import time\n"
    "from fazhi_analysis.ingest.extract import _model\n"
    "t = time.perf_counter(); _model.load(); print(time.perf_counter() - t)\n"
)


def main() -> int:
    """Print size, load time and seed extraction time against their goals."""
    from fazhi_analysis.ingest.extract import _model, extract_text

    size = _model.MODEL_FILE.stat().st_size
    loads = [
        float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True).stdout) for _ in range(5)
    ]
    text = SEED.read_text(encoding="utf-8")
    extract_text(text)  # warm: catalog, rules and model read once
    runs, cpu = [], []
    for _ in range(30):
        start, start_cpu = time.perf_counter(), time.process_time()
        extract_text(text)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"model.json: {size / 1024:.1f} KB (goal < 5 MB)")
    print(f"load: median {statistics.median(loads) * 1000:.1f} ms, max {max(loads) * 1000:.1f} ms (goal < 300 ms)")
    print(
        f"seed extraction: median {statistics.median(runs) * 1000:.1f} ms wall, {statistics.median(cpu) * 1000:.1f} ms"
        f" CPU, min {min(runs) * 1000:.1f} ms (goal < 50 ms; wall time counts other processes on a busy machine)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
