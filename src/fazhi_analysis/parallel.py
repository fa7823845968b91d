"""Map a function over a few items on every CPU, with forked copies of this process.

Made for the report's charts: a handful of matplotlib drawings, each a few hundred milliseconds,
in a process that has already imported everything. A forked child starts at once with all of
that (a pool of fresh interpreters would first spend a second importing), computes its share,
sends it back pickled through a pipe and ends with ``os._exit``: no interpreter teardown, which
in a Jupyter kernel would touch the parent's sockets and threads. Warnings raised in a child are
re-issued here, so that they show and obey this process's filters.

Example:
    >>> fork_map(len, ["法治", "政府", "建设"])
    [2, 2, 2]
"""

from __future__ import annotations

import os
import pickle
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cpu_count() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fork_map(func: Callable[[T], R], items: Sequence[T], processes: int | None = None) -> list[R]:
    """``[func(item) for item in items]``, the items dealt round-robin to this process and forked children.

    Args:
        func: Called once per item; its results must pickle.
        items: The inputs; results come back in their order.
        processes: How many processes share the work, this one included; default one per CPU.
            Without ``os.fork`` (Windows) or with one process, a plain loop.

    Raises:
        Exception: The first error of ``func``, from whichever process raised it.
    """
    count = min(processes or cpu_count(), len(items))
    if count <= 1 or not hasattr(os, "fork"):
        return [func(item) for item in items]
    children: list[tuple[int, int]] = []
    results: list[Any] = [None] * len(items)
    try:
        children.extend(_fork(func, items[k::count]) for k in range(1, count))
        results[0::count] = [func(item) for item in items[0::count]]
    finally:  # the children started are always collected, even when a fork or this share failed
        answers = [_collect(child) for child in children]
    for k, (ok, value, caught) in enumerate(answers, start=1):
        for message, category, filename, lineno in caught:
            warnings.warn_explicit(message, category, filename, lineno)
        if not ok:
            raise value
        results[k::count] = value
    return results


def _fork(func: Callable[[T], R], share: Sequence[T]) -> tuple[int, int]:
    """Start a child computing ``share``; returns its pid and the pipe its answer comes through."""
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    try:  # the child: whatever happens, it ends here and never returns into the parent's code
        os.close(read)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                values = [func(item) for item in share]
            payload = pickle.dumps((True, values, [(w.message, w.category, w.filename, w.lineno) for w in caught]))
        except BaseException as exc:  # sent to the parent, which raises it
            try:
                payload = pickle.dumps((False, exc, []))
            except Exception:
                payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}"), []))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)


def _collect(child: tuple[int, int]) -> tuple[bool, Any, list]:
    """Read a child's answer and reap it."""
    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        return False, RuntimeError(f"子进程 {pid} 异常退出 / child process died (status {status})"), []
    return pickle.loads(payload)
