"""A killed or failing run leaves nothing behind: no kernel or Chromium running, no temporary folder; exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import as_in_a_terminal
from report_data import REGION, YEAR, report_cli, with_prior_year


@pytest.fixture
def table(tmp_path) -> Path:
    data = tmp_path / "prior.parquet"
    with_prior_year().to_parquet(data)
    return data


def _wait_for_children(process: psutil.Process, timeout: float = 30) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = process.children(recursive=True)
        if any("ipykernel" in " ".join(c.cmdline()) for c in children if c.is_running()):
            return children
        time.sleep(0.05)
    raise AssertionError("the report's kernel never started")


@pytest.mark.system
@pytest.mark.parametrize(("signum", "after"), [(signal.SIGTERM, 0.5), (signal.SIGINT, 0.5), (signal.SIGTERM, 1.5)])
def test_a_stopped_report_leaves_no_process_and_no_temporary_folder(tmp_path, table, signum, after) -> None:
    """Stopped once its kernel has started (``after`` seconds later: booting, running the notebook)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "fazhi_analysis", "report", "--region", REGION, "--year", str(YEAR)]
    command += ["--data", str(table), "--output-dir", str(tmp_path / "out")]
    env = {**os.environ, "TMPDIR": str(scratch)}
    with subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=as_in_a_terminal,
    ) as run:
        children = _wait_for_children(psutil.Process(run.pid))
        time.sleep(after)
        run.send_signal(signum)
        _, err = run.communicate(timeout=60)
    # 130, or killed by SIGINT: Python ends an interrupted run so when asyncio (papermill's client) saw the signal.
    assert run.returncode in (130, -signal.SIGINT), err.decode()
    assert "Traceback" not in err.decode()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, [p.cmdline() for p in alive]
    assert [p.relative_to(scratch).as_posix() for p in scratch.rglob("*")] == [
        f"fazhi-{os.getuid()}",
        f"fazhi-{os.getuid()}/FAZHI-ANALYSIS-SCRATCH",
    ]  # the scratch folder and its marker only
    assert not (tmp_path / "out" / REGION / str(YEAR) / "annual_report.html").exists()


def test_an_output_folder_that_cannot_be_made_is_exit_3_naming_it(tmp_path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the reports folder should be", encoding="utf-8")
    result, _ = report_cli(tmp_path, out=blocker)
    assert result.returncode == 3, result.stderr
    assert str(blocker) in result.stderr and "Traceback" not in result.stderr
