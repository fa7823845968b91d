"""A Chromium started and driven over the DevTools protocol through a pipe (``--remote-debugging-pipe``).

Chromium then reads commands from its file descriptor 3 and writes replies and events to 4, each message JSON
ended by a NUL byte: the transport Playwright and Puppeteer use, without their driver process and without a
network port. ``os.posix_spawn`` places the pipes on 3 and 4 and gives the browser a process group of its own
(the terminal's Ctrl-C is for this process, which closes the browser). When this process dies, the pipe
closes and Chromium exits.

Commands are answered one at a time, in order; the events read meanwhile are kept until waited for.

Example:
    >>> with DevTools("/usr/bin/chromium-headless-shell", ["--headless"], Path("err.log")) as chrome:  # doctest: +SKIP
    ...     chrome.call("Browser.getVersion")["product"]
    'HeadlessChrome/156.0.8078.114'
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import time
from itertools import count
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["DevTools", "DevToolsError", "DevToolsTimeout"]

_CHUNK = 1 << 16
_FIRST_FREE_FD = 10  # the pipes are moved above 4 before they are placed on 3 and 4


class DevToolsError(Exception):
    """Chromium refused a command, or closed its pipe (it exited)."""


class DevToolsTimeout(DevToolsError):
    """Chromium did not answer in time."""


class DevTools:
    """One Chromium process and its DevTools pipe; close it (or use ``with``).

    Args:
        executable: The Chromium to start.
        args: Its flags (``--remote-debugging-pipe`` is added).
        stderr: The file its standard error goes to (read back for an error message).

    Raises:
        OSError: It could not be started.
    """

    def __init__(self, executable: str, args: list[str], stderr: Path) -> None:
        self.stderr = stderr
        self._ids = count(1)
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._status: int | None = None
        commands_in, self._commands = _pipe()
        self._replies, replies_out = _pipe()
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, str(stderr), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_DUP2, commands_in, 3),
            (os.POSIX_SPAWN_DUP2, replies_out, 4),
        ]
        argv = [executable, *args, "--remote-debugging-pipe"]
        try:
            self.pid = os.posix_spawn(executable, argv, os.environ, file_actions=actions, setpgroup=0)
        except BaseException:
            os.close(self._commands)
            os.close(self._replies)
            raise
        finally:
            os.close(commands_in)
            os.close(replies_out)

    def __enter__(self) -> DevTools:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: str = "", timeout: float) -> Any:
        """Send a command (to the page ``session``, else to the browser) and return its result.

        Raises:
            DevToolsError: Chromium refused it or exited; DevToolsTimeout: no answer within ``timeout`` seconds.
        """
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == number:
                break
            if "method" in reply:
                self._events.append(reply)
        if "error" in reply:
            raise DevToolsError(f"{method}: {reply['error'].get('message', reply['error'])}")
        return reply.get("result", {})

    def wait_for(self, event: str, *, session: str = "", timeout: float) -> dict[str, Any]:
        """The parameters of the first event ``event`` of ``session``, among those kept or read next."""
        deadline = time.monotonic() + timeout
        while True:
            for i, message in enumerate(self._events):
                if message["method"] == event and message.get("sessionId", "") == session:
                    del self._events[: i + 1]
                    return message.get("params", {})
            self._events.append(self._read(deadline))

    def forget_events(self) -> None:
        """Drop the events kept so far (those of a page being left)."""
        self._events.clear()

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._commands, view) :]
        except OSError as exc:  # BrokenPipeError: Chromium exited
            raise DevToolsError(self._exit_reason()) from exc

    def _read(self, deadline: float) -> dict[str, Any]:
        while (end := self._buffer.find(b"\0")) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise DevToolsTimeout("Chromium 无响应 / Chromium did not answer")
            chunk = os.read(self._replies, _CHUNK)
            if not chunk:
                raise DevToolsError(self._exit_reason())
            self._buffer += chunk
        message, self._buffer = self._buffer[:end], self._buffer[end + 1 :]
        return json.loads(message)

    def _exit_reason(self) -> str:
        """Why the pipe closed: the last line Chromium wrote to its standard error, else that it exited."""
        try:
            lines = self.stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1].strip() if lines else "Chromium 已退出 / Chromium exited"

    def exited(self) -> bool:
        """Whether the process has ended (it is then reaped)."""
        if self._status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self._status = status
        return self._status is not None

    def close(self, timeout: float = 10.0) -> None:
        """Ask Chromium to close (``Browser.close``), kill it if it has not within ``timeout``, close the pipes."""
        if self._commands < 0:
            return
        try:
            if not self.exited():
                self.call("Browser.close", timeout=timeout)
        except DevToolsError:  # it died, or does not answer: killed below
            pass
        deadline = time.monotonic() + timeout
        while not self.exited() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self.exited():
            os.killpg(self.pid, signal.SIGKILL)  # its own group: its renderer goes with it
            os.waitpid(self.pid, 0)
            self._status = -signal.SIGKILL
        os.close(self._commands)
        os.close(self._replies)
        self._commands = self._replies = -1


def _pipe() -> tuple[int, int]:
    """A pipe whose ends are numbered above 4, so that placing them on 3 and 4 cannot overwrite one with the other."""
    ends = os.pipe()
    moved = tuple(fcntl.fcntl(end, fcntl.F_DUPFD_CLOEXEC, _FIRST_FREE_FD) for end in ends)
    for end in ends:
        os.close(end)
    return moved[0], moved[1]
