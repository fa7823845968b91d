"""Print HTML to PDF with the system Chromium, driven over the DevTools protocol on a pipe.

Chromium is found via ``$FAZHI_CHROMIUM``, else on PATH. One :class:`Browser` can be started
early (it launches in the background) and print several pages; talking to it over
``--remote-debugging-pipe`` needs nothing beyond the standard library and no network port.

Example:
    >>> with Browser() as browser:                          # doctest: +SKIP
    ...     pdf_bytes = browser.print_pdf(Path("report.html"))
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .errors import ReportError

# Chromium's headless shell first: the same engine built for headless use without the browser's UI layer,
# it starts with a sixth of the CPU time and prints twice as fast (benchmarks/bench_report.py).
CANDIDATES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
              "chrome")
# Root needs --no-sandbox (else Chromium exits 0 and prints nothing); the rest keeps it offline and quiet.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync", "--mute-audio",
    "--disable-dev-shm-usage", "--hide-scrollbars",
)
A4_INCHES = (8.27, 11.69)
# Chromium runs at the lowest CPU priority: while a report is built it starts up beside the notebook's
# kernel and must not slow it; when it prints, nothing else is running.
NICENESS = 19
INSTALL_HINT = (
    "未找到 Chromium，无法生成 PDF。请安装：sudo apt-get install chromium-headless-shell（或 chromium；"
    "或运行 bash scripts/install-system-deps.sh），或用环境变量 FAZHI_CHROMIUM 指定浏览器路径 / Chromium not found: "
    "install it (apt-get install chromium-headless-shell, or chromium) or set FAZHI_CHROMIUM"
)


class ChromiumNotFound(ReportError):
    """No Chromium on this machine: PDF output is impossible, HTML still works."""


def find_chromium() -> str:
    """The Chromium executable: ``$FAZHI_CHROMIUM`` if set, else the first of :data:`CANDIDATES` on PATH.

    Raises:
        ChromiumNotFound: Neither is there; the message says how to install it.
    """
    if env := os.environ.get("FAZHI_CHROMIUM"):
        found = shutil.which(env)
        if not found:
            raise ChromiumNotFound(f"FAZHI_CHROMIUM={env}: 不是可执行文件 / not an executable. {INSTALL_HINT}")
        return found
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    raise ChromiumNotFound(INSTALL_HINT)


class Browser:
    """A headless Chromium that prints local HTML files to PDF; start it early, use it later."""

    def __init__(self, executable: str | None = None, timeout: float = 60.0) -> None:
        self.executable = executable or find_chromium()
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="fazhi-chromium-", ignore_cleanup_errors=True)
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def _child_setup() -> None:  # runs in the child, before Chromium starts
            # Chromium reads fd 3 and writes fd 4. Move both ends out of the way first, so that
            # neither dup2 clobbers the other.
            high_r, high_w = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)
            _lower_priority()

        self._process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=_child_setup, start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._session: str | None = None

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop Chromium and remove its temporary profile."""
        if self._process.poll() is None:
            # Nothing of the throw-away profile is worth a graceful shutdown, which takes ~0.3 s:
            # kill Chromium with its helper processes (its own process group, started by us).
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._process.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_child, json.dumps(message).encode() + b"\0")
        except BrokenPipeError as exc:
            raise ReportError(f"Chromium 已退出 / Chromium exited (code {self._process.poll()})") from exc
        return self._next_id

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReportError(f"Chromium 超时（{self.timeout:.0f} 秒）/ Chromium timed out")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise ReportError(f"Chromium 意外退出 / Chromium exited (code {self._process.poll()})")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one DevTools command and return its result, keeping events that arrive meanwhile."""
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise ReportError(f"Chromium {method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _wait_event(self, method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method and event.get("sessionId") == session:
                    del self._events[i]
                    return
            message = self._read(deadline)
            if "method" in message:
                self._events.append(message)

    def open_page(self) -> str:
        """Open the tab that prints (once; waits for Chromium to be up); returns its session id.

        Called ahead of :meth:`print_pdf`, e.g. from a background thread while other work runs,
        it takes the tab's start-up (~0.1 s) off the printing.
        """
        if self._session is None:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.call("Page.enable", session=session)
            self._session = session
        return self._session

    def print_pdf(self, html: Path) -> bytes:
        """Print a local HTML file to A4 PDF, backgrounds kept; the page's CSS ``@page`` rules set margins and footer."""
        session = self.open_page()
        self.call("Page.navigate", {"url": Path(html).resolve().as_uri()}, session=session)
        self._wait_event("Page.loadEventFired", session)
        # System fonts load lazily: wait until every face the page uses is ready.
        self.call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)",
                                       "awaitPromise": True}, session=session)
        width, height = A4_INCHES
        result = self.call("Page.printToPDF", {"paperWidth": width, "paperHeight": height, "printBackground": True,
                                               "preferCSSPageSize": True}, session=session)
        return base64.b64decode(result["data"])


def _lower_priority() -> None:
    """Give this process the lowest CPU priority, also against other sessions (Linux autogroups)."""
    os.nice(NICENESS)
    # With autogroups, nice ranks processes only within one session; Chromium has its own session,
    # so its whole group is lowered too. Where autogroups do not exist, nice alone does it.
    try:
        with open("/proc/self/autogroup", "w", encoding="ascii") as group:
            group.write(str(NICENESS))
    except OSError:
        pass
