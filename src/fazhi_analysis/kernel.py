"""A Jupyter kernel started early and warmed up, for papermill to run the report notebook in.

Starting ipykernel and importing pandas, matplotlib and the package inside it is most of the
fixed cost of a report. :class:`WarmKernel` launches the kernel process first thing, before this
process has even imported jupyter_client (whose import then overlaps the kernel's start-up), and
sends it the notebook's imports (a silent request: no execution count, no output), so that
start-up and imports run on the other core while this process checks the input and loads
papermill and nbconvert. papermill then gets the running kernel (``km=``) instead of starting one.

The kernel is this interpreter's ipykernel (``python -m ipykernel_launcher``), the environment the
package is installed in, talking over IPC sockets in a private folder: no TCP port.

Example:
    >>> with WarmKernel(cwd=Path("notebooks")) as kernel:              # doctest: +SKIP
    ...     papermill.execute_notebook(src, out, km=kernel.manager, ...)
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .errors import ReportError

KERNEL_NAME = "python3"
# What the report notebook imports, and the chart font looked up once (matplotlib caches it).
# Not the validation module: the notebook reads the findings `fazhi build` wrote beside the table.
WARM_UP = """\
import IPython.display
import fazhi_analysis.analysis, fazhi_analysis.charts, fazhi_analysis.narrative
fazhi_analysis.charts.warm_up()
"""
CHANNELS = ("shell", "iopub", "stdin", "control", "hb")


def _connection_file(folder: Path) -> Path:
    """Write a kernel connection file for IPC sockets in ``folder`` (what jupyter_client would write)."""
    info: dict[str, Any] = {f"{name}_port": number for number, name in enumerate(CHANNELS, start=1)}
    info |= {"transport": "ipc", "ip": str(folder / "kernel"), "key": secrets.token_hex(16),
             "signature_scheme": "hmac-sha256", "kernel_name": KERNEL_NAME}
    path = folder / "kernel.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    path.chmod(0o600)
    return path


class WarmKernel:
    """A kernel launched at construction, with the report's imports on their way."""

    def __init__(self, cwd: Path, warm_up: str = WARM_UP) -> None:
        self._sockets = tempfile.TemporaryDirectory(prefix="fazhi-kernel-")
        connection = _connection_file(Path(self._sockets.name))
        try:
            # JPY_PARENT_PID makes the kernel exit should this process die without stopping it.
            self._process = subprocess.Popen(
                [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection)], cwd=cwd,
                stdin=subprocess.DEVNULL, start_new_session=True, env={**os.environ, "JPY_PARENT_PID": str(os.getpid())},
            )
        except OSError as exc:
            self._sockets.cleanup()
            raise ReportError(f"无法启动 Jupyter 内核 / cannot start the Jupyter kernel: {exc}") from exc
        from .kernel_manager import LaunchedKernelManager  # jupyter_client loads while the kernel starts up

        self.manager = LaunchedKernelManager(self._process, str(connection), kernel_name=KERNEL_NAME)
        self._client = self.manager.client()
        self._client.execute(warm_up, silent=True, store_history=False)

    def submit(self, code: str) -> str:
        """Queue ``code`` for silent execution (after the warm-up); returns the request id."""
        return self._client.execute(code, silent=True, store_history=False)

    def result(self, request: str, timeout: float = 120.0) -> dict:
        """Wait for the reply to ``request``: its content (``status``, and ``ename``/``evalue`` on error).

        Raises:
            ReportError: The kernel died (said at once, with its exit code) or did not answer in ``timeout`` s.
        """
        from jupyter_core.utils import run_sync

        deadline = time.monotonic() + timeout
        while True:  # in short waits, so that a dead kernel is seen at once
            try:
                return run_sync(self._client.reply_to)(request, 0.25)["content"]
            except queue.Empty:
                if (code := self._process.poll()) is not None:
                    raise ReportError(f"Jupyter 内核已退出（退出码 {code}；是否已安装 ipykernel？）/ the kernel died "
                                      f"(exit code {code}; is ipykernel installed?)") from None
                if time.monotonic() > deadline:
                    raise ReportError(f"Jupyter 内核 {timeout:.0f} 秒无响应 / the kernel did not answer in "
                                      f"{timeout:.0f} s") from None

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the kernel (killed at once: nothing in it needs a graceful end) and remove its sockets."""
        self._client.stop_channels()
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)
        from jupyter_core.utils import run_sync

        run_sync(self.manager.cleanup_resources)()  # the manager's sockets and connection file
        self._sockets.cleanup()
