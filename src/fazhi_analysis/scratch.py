"""This program's temporary files and folders: in a scratch folder of its own, swept by what it recorded.

The scratch folder is ``<system temporary folder>/fazhi-<uid>/``: made by this user, private (mode 0700)
and holding the marker file :data:`MARKER`; a folder of that name without them is refused, never used. In
it, each process that needs scratch space has a run folder ``<pid>-<random>/`` and holds an exclusive
lock on ``<pid>-<random>.lock`` for as long as it lives (the system releases the lock when the process
ends, even by SIGKILL). A run's temporary folders (``report1``: a report's kernel sockets and pages,
``chromium2``: Chromium's profile) live in its run folder; the temporary files it makes beside its outputs
(for atomic publishing, :func:`temporary_file`) are listed in the run folder's :data:`_LISTED` before they
are created. Names are short: a kernel's socket path (``…/fazhi-0/12345-a1b2/report1/kernel-1``) must
stay within the system's 107 characters.

:func:`sweep` removes what a run that is no longer alive left: its run folder and the files it listed,
by their exact paths. Nothing is ever removed by the look of a name: other programs' files in the system's
temporary folder or beside the outputs, however they are named, are never touched. A run cleans up its
own on the way out (Ctrl-C and SIGTERM included); the next run sweeps what a killed one left.

Example:
    >>> with temporary_folder("report") as folder:    # doctest: +SKIP
    ...     folder
    '/tmp/fazhi-1000/12345-a1b2/report1'
    >>> sweep()                                       # doctest: +SKIP
    []
"""

from __future__ import annotations

import atexit
import fcntl
import itertools
import json
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fazhi_analysis.errors import OutputError

__all__ = ["MARKER", "cannot_write", "scratch_root", "sweep", "temporary_file", "temporary_folder"]


MARKER = "FAZHI-ANALYSIS-SCRATCH"  # the file that proves a scratch folder is this program's
_LISTED = "outputs-in-progress.txt"  # in a run folder: the temporary files it made beside its outputs
_MARKER_TEXT = "fazhi-analysis: temporary files of running fazhi commands; removed by them and by the next run.\n"
_numbers = itertools.count(1)  # of this process's temporary folders
_runs: dict[tuple[int, Path], tuple[Path, int]] = {}  # (pid, scratch folder) → (run folder, lock descriptor)


def scratch_root() -> Path:
    """This user's scratch folder in the system's temporary folder, made (with its marker) when missing.

    Raises:
        OutputError: A folder of that name exists that is not this program's (a link, another owner,
            open to others, or no marker), or the temporary folder cannot be written.
    """
    root = Path(tempfile.gettempdir()) / f"fazhi-{os.getuid()}"
    if not os.path.lexists(root):
        _make_root(root)
    info = root.lstat()
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077
    if not private or not (root / MARKER).is_file():
        raise OutputError(
            f"{root}: 不是本程序的私有临时文件夹（须为本用户所有、仅本用户可读写、含标记文件 {MARKER}），请移走它或"
            f"另设 TMPDIR / not this program's private scratch folder (owned by this user, mode 0700, with {MARKER})"
        )
    return root


def _make_root(root: Path) -> None:
    """Make ``root`` whole (private, with its marker) in one rename, so that no one sees it half made."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=root.parent))
        (staging / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{root.parent}: 无法建立临时文件夹 / cannot make a scratch folder: {exc.strerror}") from exc
    try:
        staging.rename(root)
    except OSError:  # another process made it first: use theirs
        shutil.rmtree(staging, ignore_errors=True)


def _run_folder() -> Path:
    """This process's run folder in :func:`scratch_root`, made (and locked) on first use; removed at exit."""
    root = scratch_root()
    key = (os.getpid(), root)
    if key not in _runs:
        if not _runs:
            atexit.register(_remove_own)
        _runs[key] = _new_run(root)
    return _runs[key][0]


def _new_run(root: Path) -> tuple[Path, int]:
    """A run folder in ``root`` and the descriptor of its lock file, locked for as long as this process lives."""
    while True:
        lock = root / f"{os.getpid()}-{secrets.token_hex(2)}.lock"
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _same_file(fd, lock):  # not swept away between its creation and its lock
            break
        os.close(fd)
    folder = lock.with_suffix("")
    folder.mkdir(mode=0o700)
    return folder, fd


def _same_file(fd: int, path: Path) -> bool:
    """True when ``path`` still names the file open as ``fd``."""
    try:
        return os.path.samestat(os.fstat(fd), path.stat())
    except FileNotFoundError:
        return False


def _remove_own() -> None:
    """At exit: this process's run folders and locks (with what its own cleanup left, such as a listed file)."""
    for (pid, _), (folder, fd) in _runs.items():
        if pid == os.getpid():  # not a parent's, inherited by a fork
            _remove_run(folder)
            os.close(fd)


@contextmanager
def temporary_folder(kind: str) -> Iterator[str]:
    """A new folder ``<kind><n>`` in this process's run folder, removed when its ``with`` block ends."""
    folder = _run_folder() / f"{kind}{next(_numbers)}"
    folder.mkdir(mode=0o700)
    try:
        yield str(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def temporary_file(target: str | Path) -> Path:
    """A new empty file beside ``target`` (``.<name>.<pid>-x1y2.tmp<suffix>``), listed for :func:`sweep` first.

    The suffix stays last: tools such as papermill and Chromium go by it. The caller renames it over
    ``target`` or removes it.
    """
    target = Path(target)
    name = f".{target.stem}.{os.getpid()}-{secrets.token_hex(4)}.tmp{target.suffix}"
    path = Path(os.path.abspath(target.parent / name))
    with open(_run_folder() / _LISTED, "a", encoding="utf-8") as listed:
        listed.write(json.dumps(str(path)) + "\n")  # JSON: any file name on one line
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    return path


def cannot_write(target: Path, exc: OSError) -> OutputError:
    """The error for an output that could not be written: it names the output's folder and file, never the
    temporary name it was being written under (gone by the time the message is read)."""
    return OutputError(
        f"{target.parent}: 无法写入 {target.name}（{exc.strerror}）/ cannot write {target.name}: {exc.strerror}"
    )


def sweep() -> list[Path]:
    """Remove what runs no longer alive left: their run folders and the files they listed; returns them.

    A run is gone when its lock can be taken. Only the scratch folder's run folders and the exact paths
    they listed are removed: nothing is chosen by its name.
    """
    root = scratch_root()
    removed = []
    for lock in sorted(root.glob("*.lock")):
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:  # another sweep took it
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its run is alive
            os.close(fd)
            continue
        if _same_file(fd, lock):
            removed += _remove_run(lock.with_suffix(""))
        os.close(fd)
    return removed


def _listed(listed: Path) -> list[Path]:
    """The paths a run listed in ``listed`` (a line a kill cut short named a file not yet made: skipped)."""
    paths = []
    for line in listed.read_text(encoding="utf-8").splitlines() if listed.is_file() else []:
        try:
            paths.append(Path(json.loads(line)))
        except ValueError:
            continue
    return paths


def _remove_run(folder: Path) -> list[Path]:
    """Remove a run's listed files, its folder and its lock file (the lock is held by the caller)."""
    removed = []
    for path in _listed(folder / _LISTED):
        try:
            path.unlink()
        except OSError:  # published (renamed over its target) or removed by its run: nothing to do
            continue
        removed.append(path)
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    folder.with_suffix(".lock").unlink(missing_ok=True)
    return removed
