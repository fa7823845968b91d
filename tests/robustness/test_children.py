"""Children die with their parent: a killed batch leaves no worker, kernel or browser; SIGTERM stops a report
at once, not when its running cell ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import ROOT

from fazhi_analysis.report import notebook_api

pytestmark = pytest.mark.system


def _descendants_once_running(process: psutil.Process, timeout: float = 300) -> list[psutil.Process]:
    """Every descendant of ``process`` once its workers run a kernel and a browser each."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = process.children(recursive=True)
        lines = [" ".join(c.cmdline()) for c in children if c.is_running()]
        if sum("ipykernel" in line for line in lines) >= 2 and any("chromium" in line for line in lines):
            return children
        time.sleep(0.2)
    raise AssertionError("the batch's workers never ran a kernel and a browser")


@pytest.mark.parametrize("whole_group", [False, True], ids=["the batch", "its process group"])
def test_a_batch_killed_outright_leaves_no_worker_kernel_or_browser(
    example_table: Path, tmp_path: Path, whole_group: bool
) -> None:
    command = [sys.executable, "-m", "fazhi_analysis", "batch", "--years", "2024", "--workers", "2"]
    command += ["--data", str(example_table), "--output-dir", str(tmp_path / "out")]
    with subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    ) as batch:  # fmt: skip
        children = _descendants_once_running(psutil.Process(batch.pid))
        if whole_group:
            os.killpg(batch.pid, signal.SIGKILL)
        else:
            batch.kill()
        batch.wait()
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, [" ".join(p.cmdline())[:100] for p in alive]


def _slow_project(root: Path) -> None:
    """A project whose report notebook has a cell that runs for a minute."""
    (root / "data" / "raw").mkdir(parents=True)
    (root / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('region = ""\nyear = 0\ndata_path = ""\ncompare_year = None\npeers = ""')
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell("import time\nprint('开始', flush=True)\ntime.sleep(60)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata[notebook_api.KEY] = {"api": notebook_api.API_VERSION}
    nbformat.write(nb, root / "notebooks" / "annual_report.ipynb")


def test_sigterm_stops_a_report_within_five_seconds_while_its_cell_runs(tmp_path: Path) -> None:
    _slow_project(tmp_path)
    command = [sys.executable, "-m", "fazhi_analysis", "report", "--project", str(tmp_path), "--region", "甲区"]
    command += ["--year", "2024", "--data", str(tmp_path / "none.parquet"), "--formats", "html"]
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as run:
        process = psutil.Process(run.pid)
        deadline = time.monotonic() + 120
        while not any("ipykernel" in " ".join(c.cmdline()) for c in process.children(recursive=True)):
            assert time.monotonic() < deadline, "the report's kernel never started"
            time.sleep(0.1)
        time.sleep(3)  # the kernel runs the minute-long cell
        children = process.children(recursive=True)
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=5)  # the cell would keep it alive for a minute
    assert run.returncode == 130, err.decode()
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, [" ".join(p.cmdline())[:100] for p in alive]
