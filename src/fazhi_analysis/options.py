"""Command-line values checked before a command runs: numbers in range, output paths, the dask scheduler.

Each check fails with one line: a number out of range is an argparse error (exit 2); an output inside
the project's ``data/`` (the next ``fazhi build`` would read it as an input) or in the ``--raw`` folder,
or an output file whose suffix contradicts ``--format``, is an :class:`InputError` (exit 2); an output
folder that cannot be made or written, or a ``--scheduler`` that is not a dask scheduler answering in
:data:`SCHEDULER_TIMEOUT_S`, is an :class:`OutputError` (exit 3).

Example:
    >>> YEAR("2024"), number(0, 1)("0.5")
    (2024, 0.5)
    >>> YEAR("20240")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 应为 1949 到 2100 之间的整数 / expected a whole number from 1949 to 2100: '20240'
"""

from __future__ import annotations

import argparse
import math
import os
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path

from fazhi_analysis.errors import InputError, OutputError
from fazhi_analysis.table.names import inside
from fazhi_analysis.userfiles import FIRST_YEAR, LAST_YEAR

__all__ = [
    "FRACTION",
    "POSITIVE",
    "SCHEDULER_TIMEOUT_S",
    "YEAR",
    "check_outputs",
    "check_scheduler",
    "number",
    "workers",
]


SCHEDULER_TIMEOUT_S = 10.0
_MAX_HANDSHAKE_BYTES = 1 << 16  # a dask scheduler's first message is about 60 bytes
_OUTPUTS = ("output_dir", "output", "out", "rejects", "processed")  # the options naming what a command writes
_BINARY_FORMATS = {"xlsx": ".xlsx", "parquet": ".parquet"}  # formats a file of no other suffix can hold
_SCHEDULER = re.compile(r"tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):(?P<port>\d{1,5})")


def number(low: float, high: float | None = None, *, whole: bool = False, above: bool = False) -> Callable:
    """An argparse ``type``: a finite number from ``low`` (above it, with ``above``) up to ``high``.

    Example:
        >>> number(1, 8, whole=True)("0")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: 应为 1 到 8 之间的整数 / expected a whole number from 1 to 8: '0'
    """
    kind_zh, kind_en = ("整数", "a whole number") if whole else ("数", "a number")
    if high is not None:
        wanted = f"应为 {low} 到 {high} 之间的{kind_zh} / expected {kind_en} from {low} to {high}"
    else:
        zh, en = ("大于", "above") if above else ("不小于", "of at least")
        wanted = f"应为{zh} {low} 的{kind_zh} / expected {kind_en} {en} {low}"

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < low or (above and value == low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{wanted}: {text!r}")
        return value

    return parse


YEAR = number(FIRST_YEAR, LAST_YEAR, whole=True)
POSITIVE = number(0, whole=True, above=True)  # a limit: 1 or more
FRACTION = number(0, 1)  # a confidence


def workers() -> Callable:
    """An argparse ``type``: worker processes, from 1 to four per core of this machine."""
    return number(1, (os.cpu_count() or 1) * 4, whole=True)


# --- outputs ---------------------------------------------------------------------------------


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse the outputs of a command (:data:`_OUTPUTS`) that would feed its inputs or cannot be written.

    An output may not lie inside the project's ``data/`` (``args.here``'s; a build's ``--processed`` excepted) nor
    inside the ``--raw`` folder; its folder must be a folder this user can write (made later, by the command).

    Raises:
        InputError: An output inside ``data/`` or ``--raw``, or a suffix that contradicts ``--format``.
        OutputError: Its folder is a file, or not writable.
    """
    here = args.here
    raw = getattr(args, "raw", None) or (here.raw if hasattr(args, "raw") else None)
    for option in _OUTPUTS:
        path = getattr(args, option, None)
        if path is None:
            continue
        flag = "--" + option.replace("_", "-")
        data = None if option == "processed" else here.root / "data"
        if fed := next((f for f in (raw, data) if f is not None and inside(f, path)), None):
            raise InputError(
                f"{flag} {path}: 输出不能放在 {fed} 之内，否则下次 fazhi build 会把它当作输入读取 / an output may not "
                f"lie inside {fed}: the next build would read it as an input"
            )
        _check_writable(Path(path) if option in ("output_dir", "processed") else Path(path).parent, flag)
    _check_format(args)


def _check_writable(folder: Path, flag: str) -> None:
    """Refuse a folder that exists as something else, or whose nearest existing folder this user cannot write."""
    existing = next(p for p in (folder.absolute(), *folder.absolute().parents) if os.path.lexists(p))
    if not existing.is_dir():
        raise OutputError(f"{flag} {folder}: {existing} 不是文件夹，无法写入 / is not a folder: cannot write there")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{flag} {folder}: 没有写入 {existing} 的权限 / {existing} is not writable")


def _check_format(args: argparse.Namespace) -> None:
    """Refuse an output file whose suffix contradicts ``--format`` (``--format xlsx --out X.txt``)."""
    fmt = getattr(args, "format", None)
    for option in ("output", "out"):
        path = getattr(args, option, None)
        if fmt is None or path is None:
            continue
        suffix = Path(path).suffix.lower()
        wanted = _BINARY_FORMATS.get(fmt)
        if (wanted and suffix != wanted) or (not wanted and suffix in _BINARY_FORMATS.values()):
            zh, en = (
                (f"应以 {wanted} 结尾", f"must end in {wanted}")
                if wanted
                else (f"不能是 {suffix}", f"cannot be {suffix}")
            )
            raise InputError(f"--{option} {path}: --format {fmt} 的输出文件{zh} / the file of --format {fmt} {en}")


# --- the dask scheduler ----------------------------------------------------------------------


def check_scheduler(address: str, timeout: float | None = None) -> str:
    """``address`` when it is ``tcp://host:port`` of a dask scheduler that sends its handshake within ``timeout``
    seconds (default :data:`SCHEDULER_TIMEOUT_S`).

    A scheduler speaks first: a length (8 bytes) and a small msgpack message. Reading that here, with its size
    capped, refuses what dask's own client would misread (a port answering HTTP or SSH would have it take the
    first bytes for a length of exabytes).

    Raises:
        OutputError: A malformed address, or no dask scheduler answering there in time.
    """
    try:
        from distributed.protocol import loads  # noqa: F401  (dask.distributed is there to speak to)
    except ImportError:
        raise InputError("--scheduler 需要 dask.distributed / needs: pip install 'distributed'") from None
    found = _SCHEDULER.fullmatch(address)
    if not found or not 0 < int(found["port"]) < 65536:
        raise OutputError(f"--scheduler {address!r}: 应为 tcp://主机:端口 / expected tcp://host:port")
    timeout = SCHEDULER_TIMEOUT_S if timeout is None else timeout
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((found["host"].strip("[]"), int(found["port"])), timeout=timeout) as conn:
            size = int.from_bytes(_receive(conn, 8, deadline), "little")
            message = _handshake(_receive(conn, size, deadline)) if size <= _MAX_HANDSHAKE_BYTES else None
    except (OSError, ValueError) as exc:
        problem = f"{timeout:.0f} 秒内无应答 / no answer in {timeout:.0f} s" if isinstance(exc, TimeoutError) else exc
        raise OutputError(f"--scheduler {address}: 无法连接 dask 调度器 / no dask scheduler there: {problem}") from None
    if not isinstance(message, dict) or "pickle-protocol" not in message:
        raise OutputError(f"--scheduler {address}: 不是 dask 调度器 / does not answer as a dask scheduler")
    return address


def _receive(conn: socket.socket, size: int, deadline: float) -> bytes:
    """Exactly ``size`` bytes from ``conn`` before ``deadline``.

    Raises:
        TimeoutError: The deadline passed.
        ConnectionError: The other end closed first.
    """
    data = b""
    while len(data) < size:
        conn.settimeout(max(deadline - time.monotonic(), 0.001))
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("连接已关闭 / connection closed")
        data += chunk
    return data


def _handshake(frames: bytes) -> object:
    """The message of a scheduler's first frames (None when they are not dask's)."""
    from distributed.protocol import loads
    from distributed.protocol.utils import unpack_frames

    try:
        parts, rest = unpack_frames(frames, partial=True)
        return None if rest else loads(parts, deserialize=False)
    except Exception:  # whatever the bytes were, they were not a dask message
        return None
