"""System test: ``fazhi batch --scheduler`` on a dask cluster started from the command line, as on real machines.

``dask scheduler`` and two ``dask worker`` processes (one thread each, no nanny: a killed worker stays dead) run
beside the test; the batch of the examples runs on them, one worker and its kernel are killed while it renders,
and every job still finishes on the other. The manifest and the reports equal those of a local run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from conftest import run_fazhi

from fazhi_analysis.report import index

# find_spec, not importorskip: collecting the module (every xdist worker does) does not import distributed
_NO_DASK = importlib.util.find_spec("distributed") is None
pytestmark = [pytest.mark.system, pytest.mark.slow, pytest.mark.skipif(_NO_DASK, reason="needs distributed")]

REGIONS = ["示例区甲", "示例区乙", "示例区丁"]
YEARS = ["2024"]  # 3 region-years of the examples: a killed job and two more
DASK = Path(sys.executable).with_name("dask")
SAME = [c for c in index.columns() if c != "seconds"]  # what a rerun elsewhere must not change


def start(*args: str, log: Path) -> subprocess.Popen:
    """A ``dask`` command in its own process group (so that a kill reaches the kernels it starts)."""
    with log.open("w") as sink:
        return subprocess.Popen([str(DASK), *args], stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """Kill ``process`` and its process group, if still there."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def wait_for(found, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not found():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A scheduler on a free local port and two single-threaded workers; yields its address and the workers."""
    file = tmp_path / "scheduler.json"
    scheduler = start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                      "--scheduler-file", str(file), log=tmp_path / "scheduler.log")  # fmt: skip
    workers: list[subprocess.Popen] = []
    try:
        wait_for(file.is_file, "the scheduler file")
        address = json.loads(file.read_text())["address"]
        for n in range(2):
            workers.append(start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                 "--memory-limit", "0", "--name", f"w{n}", log=tmp_path / f"w{n}.log"))  # fmt: skip
        wait_for(lambda: all((tmp_path / f"w{n}.log").read_text().count("Registered to") for n in range(2)), "workers")
        yield address, workers
    finally:
        for process in [*workers, scheduler]:
            stop(process)
        for worker in workers:  # the scratch folders a killed worker's report could not remove
            for path in Path(tempfile.gettempdir()).glob(f"fazhi-*-{worker.pid}-*"):
                shutil.rmtree(path, ignore_errors=True)


def kernel_of(worker: subprocess.Popen) -> bool:
    """Whether ``worker`` runs a report's kernel (it holds a job)."""
    try:
        return any("ipykernel" in " ".join(p.cmdline()) for p in psutil.Process(worker.pid).children(recursive=True))
    except psutil.Error:
        return False


def manifest(folder: Path) -> list[dict]:
    return [{c: row[c] for c in [*SAME, "highlights"]} for row in json.loads((folder / "manifest.json").read_text())]


def reports(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.glob("*/*/annual_report.html")}


def test_a_cli_cluster_loses_a_worker_and_still_writes_what_a_local_run_writes(
    cluster, example_table: Path, tmp_path: Path
) -> None:
    address, workers = cluster
    data = shutil.copytree(example_table.parent, tmp_path / "data") / example_table.name
    common = ("--regions", *REGIONS, "--years", *YEARS, "--formats", "html", "--data", str(data), "-q")
    local = run_fazhi("batch", *common, "--output-dir", str(tmp_path / "local"), "--workers", "2", cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    out = tmp_path / "cluster"
    batch = subprocess.Popen(
        [sys.executable, "-m", "fazhi_analysis", "batch", *common, "--output-dir", str(out), "--scheduler", address],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: kernel_of(workers[0]) or batch.poll() is not None, "a kernel of the first worker", 300)
    assert batch.poll() is None, "the batch ended before a worker could be killed"
    stop(workers[0])  # mid-report: its kernel dies with it, and its job must be rendered again on the other
    _, stderr = batch.communicate(timeout=600)  # about 10 s a report on an idle 2-core machine
    assert batch.returncode == 0, stderr
    assert manifest(out) == manifest(tmp_path / "local")
    assert {row["status"] for row in manifest(out)} == {"done"} and len(manifest(out)) == len(REGIONS)
    assert reports(out) == reports(tmp_path / "local")
    assert "Remove worker" in (tmp_path / "scheduler.log").read_text()  # the scheduler did lose it
