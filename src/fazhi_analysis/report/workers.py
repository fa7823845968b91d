"""A batch's jobs in worker processes: a spawn process pool on this machine, or dask.distributed workers.

Warm workers: each worker thread keeps one :class:`~fazhi_analysis.report.session.Session` (a kernel, made
as new after each report, and a browser) for all its reports of a batch. A job whose kernel died or stopped
answering is run once more on a new kernel; a job whose worker process died is run once more on a new pool.
A pool worker ends when the batch does, even when it is killed (Linux's parent-death signal, else a thread
watching the parent), closing its kernel and browser.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any

from fazhi_analysis import project
from fazhi_analysis.errors import FazhiError, InputError
from fazhi_analysis.report import kinds, outputs, run
from fazhi_analysis.report.session import KernelFault, Session

__all__ = ["Done", "render_job", "run_dask", "run_local"]

_log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def render_job(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one job in a worker (a top-level function of plain data, so that spawn and dask can send it).

    Args:
        spec: ``kind``, ``region``, ``year``, ``formats``, ``output_dir``, ``data_path``, ``project``, ``peers``,
            ``key`` (its input hash) and ``batch`` (the batch's id: a worker keeps its session within one batch).

    Returns:
        ``status`` (done, failed, cancelled), ``seconds``, ``paths`` (absolute, by format) and ``error``.
    """
    start = time.perf_counter()
    out: dict[str, Any] = {"status": "done", "paths": {}, "error": ""}
    interruptible = _interruptible(True)
    try:
        with project.use(project.Project(Path(spec["project"]))):  # the job's project, in this worker's thread
            out["paths"] = {fmt: str(p) for fmt, p in _publish_warm(spec).items()}
    except KeyboardInterrupt:
        out.update(status="cancelled", error="已中断 / interrupted")
    except FazhiError as exc:
        out.update(status="failed", error=str(exc))
    except Exception as exc:  # a bug in one report must not stop the batch: it is reported as that job's error
        out.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    finally:
        if interruptible:
            _interruptible(False)
    out.update(seconds=time.perf_counter() - start)
    return out


def _publish_warm(spec: dict[str, Any]) -> dict[str, Path]:
    """Publish the job of ``spec`` in this worker's kept session; once more on a new kernel if its kernel failed."""
    here = project.Project(Path(spec["project"]))
    kind = kinds.get(spec["kind"])
    where = {"output_dir": spec["output_dir"], "data_path": spec["data_path"], "peers": spec["peers"], "here": here}
    job = replace(run.job_of(kind, spec["region"], spec["year"], **where), input_hash=spec["key"])
    browser = any(fmt.browser for fmt in outputs.parse(spec["formats"]))
    session = _session(here.root, spec["batch"], kind.preload, browser)
    try:
        return run.publish(job, spec["formats"], here, session)
    except KernelFault as exc:  # the session has replaced its kernel
        _log.warning("%s；重试一次 / retrying once", exc)
        return run.publish(job, spec["formats"], here, session)


_warm = threading.local()  # this worker thread's session, with the (project, batch) it serves


_open: list[Session] = []  # every session of this process, closed when it exits


def _session(root: Path, batch_id: str, preload: str, browser: bool) -> Session:
    """This worker thread's kept session for ``batch_id`` in ``root`` (its kernel importing ``preload`` as it starts:
    that of its first job's kind); another batch or project gets a new one (a project's catalog and templates are
    read once per kernel)."""
    held = getattr(_warm, "held", None)
    if held is not None and held[0] == (str(root), batch_id):
        return held[1]
    if held is not None and held[1] in _open:  # not closed yet by _close_sessions
        _open.remove(held[1])
        held[1].close()
    if not _open:
        atexit.register(_close_sessions)
    session = Session(root, preload, browser=browser)
    _open.append(session)
    _warm.held = ((str(root), batch_id), session)
    return session


def _close_sessions() -> None:
    while _open:
        _open.pop().close()


def _interruptible(on: bool) -> bool:
    """In a pool worker's main thread: let SIGINT stop the job (``on``) or ignore it between jobs."""
    if os.environ.get("FAZHI_BATCH_WORKER") != "1" or threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGINT, signal.default_int_handler if on else signal.SIG_IGN)
    return True


def _worker_init(parent: int) -> None:
    """A pool worker: its own session (the terminal's Ctrl-C reaches the batch only), SIGINT ignored between jobs,
    and an end with its parent ``parent`` (see :func:`_die_with`)."""
    os.environ["FAZHI_BATCH_WORKER"] = "1"
    if hasattr(os, "setsid"):
        os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """SIGTERM this process when ``parent`` dies, even by SIGKILL: Linux's parent-death signal (prctl), elsewhere
    a thread that watches the parent. SIGTERM closes the kept sessions (kernel, browser) and ends the worker."""
    signal.signal(signal.SIGTERM, _parent_gone)
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    else:
        threading.Thread(target=_watch, args=(parent,), name="fazhi-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        _parent_gone(signal.SIGTERM, None)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def _parent_gone(signum: int, frame: object) -> None:
    _close_sessions()
    os._exit(128 + signum)


Done = Callable[[dict[str, Any], dict[str, Any]], None]


def run_local(specs: list[dict[str, Any]], workers: int, on_done: Done) -> None:
    """Run ``specs`` on a spawn process pool of ``workers``, at most one job per worker in flight.

    A job whose worker process died (the pool is then broken) is run once more on a new pool; the other jobs
    in flight then are put back too. On Ctrl-C (KeyboardInterrupt) the pending jobs are not started, the running
    ones are asked to stop (SIGINT: each cleans its temporary files up), reported as cancelled, and the interrupt
    re-raised.
    """
    context = multiprocessing.get_context("spawn")  # a forked pool hangs after kernel clients ran here
    pending = deque(specs)
    retried: set[str] = set()
    while pending:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
        ) as pool:
            running: dict[Future, dict[str, Any]] = {}
            try:
                while pending or running:
                    while pending and len(running) < workers:
                        spec = pending.popleft()
                        running[pool.submit(render_job, spec)] = spec
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    if _requeue_lost(finished, running, pending, retried, on_done):
                        break  # a new pool for what is left
            except KeyboardInterrupt:
                _stop_workers(pool, running, on_done)
                raise


def _requeue_lost(
    finished: set[Future], running: dict[Future, dict[str, Any]], pending: deque, retried: set[str], on_done: Done
) -> bool:
    """Report the finished jobs; a job whose worker died goes back to ``pending`` once. True when the pool broke."""
    broken = any(isinstance(future.exception(), BrokenProcessPool) for future in finished if not future.cancelled())
    lost = finished | (set(running) if broken else set())
    if broken:
        wait(lost)
    for future in lost:
        spec = running.pop(future)
        died = not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)
        if died and spec["key"] not in retried:
            _log.warning("工作进程意外退出，重试 / a worker died, retrying: %s %s", spec["region"] or "", spec["year"])
            retried.add(spec["key"])
            pending.appendleft(spec)
        else:
            on_done(spec, _result(future))
    return broken


def _stop_workers(pool: ProcessPoolExecutor, running: dict[Future, dict[str, Any]], on_done: Done) -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the cleanup below takes seconds: let it finish
    try:
        for pid in list(getattr(pool, "_processes", None) or {}):
            try:
                os.kill(pid, signal.SIGINT)
            except ProcessLookupError:
                pass
        for future in list(running):
            on_done(running.pop(future), _result(future))
    finally:
        signal.signal(signal.SIGINT, previous)


def _result(future: Any) -> dict[str, Any]:
    """A finished future's outcome; a worker that died (or a cancelled future) becomes that job's error."""
    try:
        return future.result()
    except BaseException as exc:  # BrokenProcessPool, a lost dask worker, CancelledError
        return {"status": "cancelled" if "Cancel" in type(exc).__name__ else "failed", "error": f"{exc!r}"}


def run_dask(specs: list[dict[str, Any]], workers: int, scheduler: str | None, on_done: Done) -> None:
    """Run ``specs`` on dask.distributed: ``Client(scheduler)``, else a LocalCluster of ``workers`` processes.

    Raises:
        InputError: dask.distributed is not installed.
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("--executor dask 需要 dask.distributed / needs: pip install 'distributed'") from None
    from contextlib import ExitStack

    with ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            )
            client = stack.enter_context(Client(cluster))
        futures = {client.submit(render_job, spec, pure=False): spec for spec in specs}
        try:
            for future in as_completed(list(futures)):
                on_done(futures.pop(future), _result(future))
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise
