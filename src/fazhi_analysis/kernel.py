"""A Jupyter kernel started early and warmed up, for papermill to run the report notebook in.

Starting ipykernel and importing pandas, matplotlib and the package inside it is most of the
fixed cost of a report. :class:`WarmKernel` launches the kernel at once and sends it the
notebook's imports (a silent request: no execution count, no output), then returns, so that
start-up and imports run on the other core while this process checks the input and loads
papermill and nbconvert. papermill then gets the running kernel (``km=``) instead of starting one.

Example:
    >>> with WarmKernel(cwd=Path("notebooks")) as kernel:              # doctest: +SKIP
    ...     papermill.execute_notebook(src, out, km=kernel.manager, ...)
"""

from __future__ import annotations

import queue
import tempfile
import time
from pathlib import Path

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from .errors import ReportError

KERNEL_NAME = "python3"
# What the report notebook imports, and the chart font looked up once (matplotlib caches it).
# Not the validation module: the notebook reads the findings `fazhi build` wrote beside the table.
WARM_UP = """\
import IPython.display
import fazhi_analysis.analysis, fazhi_analysis.charts, fazhi_analysis.narrative
fazhi_analysis.charts.warm_up()
"""


class WarmKernel:
    """A kernel launched at construction over local IPC sockets, with the report's imports on their way."""

    def __init__(self, cwd: Path, warm_up: str = WARM_UP) -> None:
        self._sockets = tempfile.TemporaryDirectory(prefix="fazhi-kernel-")
        # IPC sockets in a private folder: no TCP port, nothing reachable from outside.
        self.manager = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                                          ip=str(Path(self._sockets.name) / "kernel"))
        try:
            run_sync(self.manager.start_kernel)(cwd=str(cwd))
        except Exception as exc:  # no such kernel, ipykernel missing, cannot spawn
            self._sockets.cleanup()
            raise ReportError(f"无法启动 Jupyter 内核 / cannot start the Jupyter kernel ({KERNEL_NAME}): {exc}") from exc
        self._client = BlockingKernelClient()
        self._client.load_connection_info(self.manager.get_connection_info())
        self._client.start_channels()
        self._client.execute(warm_up, silent=True, store_history=False)

    def submit(self, code: str) -> str:
        """Queue ``code`` for silent execution (after the warm-up); returns the request id."""
        return self._client.execute(code, silent=True, store_history=False)

    def result(self, request: str, timeout: float = 120.0) -> dict:
        """Wait for the reply to ``request``: its content (``status``, and ``ename``/``evalue`` on error)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = self._client.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                alive = run_sync(self.manager.is_alive)()
                raise ReportError(f"Jupyter 内核{'无响应' if alive else '已退出'} / the kernel "
                                  f"{'did not answer in %.0f s' % timeout if alive else 'died'}") from None
            if reply["parent_header"].get("msg_id") == request:
                return reply["content"]

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the kernel and remove its sockets."""
        self._client.stop_channels()
        if run_sync(self.manager.is_alive)():
            # Killed at once and waited for directly: shutdown_kernel alone polls for the end in 0.1 s steps.
            provisioner = self.manager.provisioner
            run_sync(provisioner.kill)()
            process = getattr(provisioner, "process", None)
            if process is not None:
                process.wait(timeout=10)
            run_sync(self.manager.shutdown_kernel)(now=True)  # releases the connection and its resources
        self._sockets.cleanup()
