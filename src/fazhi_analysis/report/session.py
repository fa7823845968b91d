"""A kernel and a browser kept for many reports: a batch worker's, or the one report of ``fazhi report``.

The kernel is started by jupyter_client's stock ``KernelManager`` (ipykernel's own spec, this interpreter;
IPC sockets in a private temporary folder where the system has them) and boots, importing the report's
libraries and making itself as new, while the caller gets on. A kept kernel is made as new again
(:func:`fazhi_analysis.report.kernel_reset.prepare`: namespace, pyplot figures, matplotlib's settings and
working folder; modules kept) as soon as its report has run (:meth:`Session.report_ran`), while the page is
exported and printed; the next report waits for that. A kernel that died, stopped answering or grew beyond
:data:`KERNEL_MAX_MB` is replaced before the next report. The browser (:class:`~fazhi_analysis.report.pdf.Browser`)
starts in the background as the session opens and is replaced if it died.

Children die with their parent: the kernel watches its parent's process id (ipykernel's parent poller,
``JPY_PARENT_PID``) and the browser its DevTools pipe to this process.

Example:
    >>> with Session(Path("."), "import pandas") as session:      # doctest: +SKIP
    ...     kernel = session.kernel()                             # prepared for a report
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from fazhi_analysis import project, scratch
from fazhi_analysis.errors import ReportError
from fazhi_analysis.report import pdf

if TYPE_CHECKING:  # jupyter_client is imported where a kernel starts: a batch with nothing to make needs none
    from jupyter_client.blocking import BlockingKernelClient
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

__all__ = ["KERNEL", "KERNEL_MAX_MB", "READY_TIMEOUT_S", "KernelFault", "Session"]


_log = logging.getLogger(__name__)

KERNEL = "python3"
_PREPARE = '__import__("fazhi_analysis.report.kernel_reset", fromlist=["prepare"]).prepare()'
READY_TIMEOUT_S = 120.0  # a kernel's start, on a busy machine
_POLL_S = 0.5  # how often a wait for the kernel's reply looks whether it still lives
KERNEL_MAX_MB = 450  # a kernel larger than this after a report is replaced before the next one


class KernelFault(ReportError):
    """The kernel died or stopped answering: the session replaces it, and a batch runs the report once more."""


_SOCKET_PATH_MAX = 107  # bytes of a Unix socket's path (sun_path less its NUL); Linux's is the smallest


def _kernel_config(sockets: Path) -> Config:
    """The kernel manager's settings: IPC sockets in the private folder ``sockets`` where the system has
    them (no network port, and the kernel does not warn of unencrypted TCP), TCP on localhost elsewhere and
    where the folder's path is too long for a socket's (a long ``TMPDIR``).

    Its clients (papermill's) are asynchronous: nbclient then notices a kernel that died in a cell (a blocking
    client would wait for its output forever); they are ready without jupyter_client's wait for IOPub to stay
    quiet (:class:`~fazhi_analysis.report.kernel_client.ReadyClient`).

    Example:
        >>> _kernel_config(Path("/tmp/" + "x" * 200)).KernelManager.get("transport", "tcp")
        'tcp'
    """
    from traitlets.config import Config

    settings = {"client_class": "fazhi_analysis.report.kernel_client.ReadyClient"}
    socket = sockets / "kernel"
    if os.name == "posix" and len(os.fsencode(socket)) + len("-65535") <= _SOCKET_PATH_MAX:  # kernel-<port> files
        settings |= {"transport": "ipc", "ip": str(socket)}
    return Config({"KernelManager": settings})


class Session:
    """A kept kernel and browser for reports run in ``cwd`` (the project folder); close it (or use ``with``).

    Args:
        cwd: The kernel's working folder.
        preload: What the kernel imports as it starts (IPython's ``exec_lines``).
        browser: Start a browser too (for PDFs).
    """

    def __init__(self, cwd: Path, preload: str, *, browser: bool = True) -> None:
        self.cwd, self.preload = Path(cwd), preload
        self._scratch = contextlib.ExitStack()  # the kernel's folder, removed by close()
        self._folder = Path(self._scratch.enter_context(scratch.temporary_folder("kernel")))
        self._manager: KernelManager | None = None
        # The request under way, its client and id: a new kernel's kernel_info, or a reset (the kernel is as new
        # once it is answered); None while a report uses the kernel.
        self._pending: tuple[BlockingKernelClient, str] | None = None
        self._browser: pdf.Browser | None = None
        try:  # the session is closed even when its start is interrupted (Ctrl-C, SIGTERM)
            self._start_kernel()  # first: the kernel's boot is the longest wait
            self._browser = pdf.Browser() if browser else None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Session:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _start_kernel(self) -> None:
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager

        work = self._folder
        manager = KernelManager(
            kernel_name=KERNEL,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[]),  # ipykernel's own: this interpreter
            connection_file=str(work / f"kernel-{os.urandom(4).hex()}.json"),  # removed with the folder
            config=_kernel_config(work),
        )
        self._manager = manager
        env = {**os.environ, project.ROOT_ENV: str(self.cwd.resolve())}  # the kernel works in the project it is run in
        lines = [f"--IPKernelApp.exec_lines={line}" for line in (self.preload, _PREPARE) if line]
        manager.start_kernel(cwd=str(self.cwd), env=env, extra_arguments=lines)  # boots as new, like a prepared one
        # Answered once it has booted. One request and its reply, not the client's wait_for_ready: that also waits
        # for IOPub to stay quiet for 0.2 s, twice, and papermill's client does so again right after.
        client = self._client()
        self._pending = (client, client.kernel_info())

    def replace_kernel(self) -> None:
        """Shut the kernel down and start a new one."""
        self._stop_kernel()
        self._start_kernel()

    def kernel(self) -> KernelManager:
        """The kernel, as new for a report (booted so, or reset after its last report); replaced first if it died,
        grew beyond :data:`KERNEL_MAX_MB` or does not answer (then a new one is tried).

        Raises:
            KernelFault: A new kernel did not answer either.
        """
        for attempt in range(2):
            if self._manager is None or not self._manager.is_alive() or self.kernel_mb() > KERNEL_MAX_MB:
                _log.info("启动新内核 / starting a new kernel (%.0f MB)", self.kernel_mb())
                self.replace_kernel()
            try:
                if self._pending is None:  # used by a report since it was last made as new
                    self._start_reset()
                self._await_reply()
            except KernelFault:
                if attempt:
                    raise
                continue
            assert self._manager is not None
            return self._manager
        raise AssertionError("unreachable")

    def report_ran(self) -> None:
        """The report's notebook has run: the kept kernel starts making itself as new for the next one now, while
        the caller exports and prints (:meth:`kernel` waits for it)."""
        if self._pending is None and self._manager is not None and self._manager.is_alive():  # else a new kernel
            self._start_reset()

    def _client(self) -> BlockingKernelClient:
        """A client of the kernel of its own (no backlog of the last report's outputs; its own session, so that its
        socket's identity is its own and another client may connect meanwhile), blocking: this is no coroutine."""
        from jupyter_client.blocking import BlockingKernelClient

        assert self._manager is not None
        client = BlockingKernelClient(parent=self._manager)
        client.load_connection_info(self._manager.get_connection_info())
        client.start_channels()
        return client

    def _start_reset(self) -> None:
        """Send :data:`_PREPARE` to the kernel without waiting for its reply (see :meth:`_await_reply`)."""
        client = self._client()
        self._pending = (client, client.execute(_PREPARE, store_history=False))

    def _await_reply(self) -> None:
        """Wait for the reply to the request under way (the reset, or a new kernel's ``kernel_info``), if any; a kernel
        that does not answer or fails it is shut down."""
        if self._pending is None:
            return
        client, sent = self._pending
        self._pending = None
        try:
            reply = self._reply(client, sent)
        except TimeoutError as exc:
            self._stop_kernel()
            raise KernelFault(f"报告内核无响应 / the report kernel did not answer: {exc}") from exc
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            self._stop_kernel()
            error = f"{reply['content'].get('ename', '')}: {reply['content'].get('evalue', '')}"
            raise KernelFault(f"报告内核无法重置 / the report kernel could not be made as new: {error}")

    def _reply(self, client: BlockingKernelClient, sent: str) -> dict:
        """The kernel's reply to the message ``sent`` through ``client``.

        Raises:
            TimeoutError: None within :data:`READY_TIMEOUT_S`, or the kernel died.
        """
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline and self._manager is not None and self._manager.is_alive():
            with contextlib.suppress(queue.Empty):
                reply = client.get_shell_msg(timeout=_POLL_S)
                if reply["parent_header"].get("msg_id") == sent:
                    return reply
        raise TimeoutError(f"no reply within {READY_TIMEOUT_S:.0f} s, or the kernel died")

    def release_kernel(self) -> None:
        """Ask the kernel to end now (a one-report session: it ends while the page is exported)."""
        if self._manager is not None and self._manager.has_kernel:
            self._manager.request_shutdown()

    def kernel_mb(self) -> float:
        """The kernel's resident memory in MB (0 when it cannot be read)."""
        import psutil

        process = getattr(self._manager.provisioner, "process", None) if self._manager else None
        try:
            return psutil.Process(process.pid).memory_info().rss / 2**20
        except (AttributeError, psutil.Error):
            return 0.0

    def kernel_cpu(self) -> float:
        """The CPU seconds the kernel's process used so far (0 when it cannot be read)."""
        import psutil

        process = getattr(self._manager.provisioner, "process", None) if self._manager else None
        try:
            times = psutil.Process(process.pid).cpu_times()
        except (AttributeError, psutil.Error):
            return 0.0
        return times.user + times.system

    def browser(self) -> pdf.Browser:
        """The browser, a new one if the kept one died (one started with ``browser=False`` included)."""
        if self._browser is None or self._browser.dead():
            if self._browser is not None:
                self._browser.close()
            self._browser = pdf.Browser()
        return self._browser

    def _stop_kernel(self) -> None:
        """Shut the kernel down; after a start cut short (Ctrl-C, SIGTERM), kill whatever process it began."""
        if self._pending is not None:
            self._pending[0].stop_channels()
        manager, self._manager, self._pending = self._manager, None, None
        if manager is None:
            return
        try:
            manager.shutdown_kernel(now=True)
        except Exception:  # jupyter_client's state is half made: its own shutdown cannot run
            process = getattr(manager.provisioner, "process", None)
            if process is not None:
                process.kill()
                process.wait()
            manager.cleanup_connection_file()

    def close(self) -> None:
        """Shut the kernel and the browser down and remove the kernel's folder."""
        try:
            self._stop_kernel()
        finally:
            if self._browser is not None:
                self._browser.close()
            self._scratch.close()
