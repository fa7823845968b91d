"""The warm kernel: launched before jupyter_client loads, answers requests, says at once when it dies."""

from __future__ import annotations

import os
import time

import pytest

from fazhi_analysis.errors import ReportError
from fazhi_analysis.kernel import WarmKernel


def test_runs_code_after_the_warm_up_and_reports_errors(tmp_path) -> None:
    with WarmKernel(cwd=tmp_path, warm_up="value = 6 * 7") as kernel:
        assert kernel.result(kernel.submit("assert value == 42"))["status"] == "ok"
        failed = kernel.result(kernel.submit("raise KeyError('x')"))
        assert failed["status"] == "error" and failed["ename"] == "KeyError"
        assert kernel.manager.has_kernel


def test_a_dead_kernel_is_reported_at_once_not_after_the_timeout(tmp_path) -> None:
    with WarmKernel(cwd=tmp_path, warm_up="import os; os._exit(3)") as kernel:
        start = time.monotonic()
        with pytest.raises(ReportError, match="exit code 3"):
            kernel.result(kernel.submit("pass"), timeout=60)
        assert time.monotonic() - start < 10


def test_close_stops_the_kernel_and_removes_its_sockets(tmp_path) -> None:
    kernel = WarmKernel(cwd=tmp_path, warm_up="pass")
    kernel.result(kernel.submit("pass"))
    process, sockets = kernel._process, kernel._sockets.name
    kernel.close()
    assert process.poll() is not None
    assert not os.path.exists(sockets)
