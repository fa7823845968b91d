"""Temporary files and folders named after the process that made them, and the sweep of a killed run's.

Every temporary file (``.indicators.<pid>-x1y2.tmp.parquet``, beside its target) and folder
(``fazhi-report-<pid>-x1y2`` in the system's temporary folder) carries its writer's process id. A run
cleans up its own on the way out, even when stopped (Ctrl-C, SIGTERM); what a run killed outright
(SIGKILL, a power cut) left behind is removed by the next run through :func:`sweep`, which leaves the
files of runs still alive alone.

Example:
    >>> folder = temporary_folder("report")    # doctest: +SKIP
    >>> sweep(Path("data/processed"))          # doctest: +SKIP
    []
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import psutil

_OWNER = re.compile(r"^(?:\..+\.|fazhi-[a-z]+-)(?P<pid>\d+)-[^.]*(?:\.tmp|$)")


def file_prefix(stem: str) -> str:
    """The start of a temporary file's name beside ``stem``'s target: ``.<stem>.<pid>-``."""
    return f".{stem}.{os.getpid()}-"


def temporary_folder(kind: str) -> tempfile.TemporaryDirectory:
    """A temporary folder ``fazhi-<kind>-<pid>-…``, removed when its ``with`` block ends."""
    return tempfile.TemporaryDirectory(prefix=f"fazhi-{kind}-{os.getpid()}-", ignore_cleanup_errors=True)


def sweep(folder: Path | None = None) -> list[Path]:
    """Remove what killed runs left in ``folder`` (default: the system's temporary folder); returns it.

    Only names made by :func:`file_prefix` or :func:`temporary_folder` whose process is gone are removed.
    """
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.glob("*") if folder.is_dir() else []:
        owner = _OWNER.match(path.name)
        if owner is None or psutil.pid_exists(int(owner["pid"])):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
