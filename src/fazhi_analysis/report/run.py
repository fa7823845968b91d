"""The reports in one call: run a notebook with papermill, export HTML, print PDF, publish safely.

A report is of a kind (:mod:`fazhi_analysis.report.kinds`): the annual report of one region (:func:`run_report`,
``annual_report.ipynb``, outputs in ``<output_dir>/<region>/<year>/annual_report.{ipynb,html,pdf}``), the overview
of every region of a year (:func:`run_overview`, ``regional_overview.ipynb``, outputs in
``<output_dir>/overview/<year>/regional_overview.{ipynb,html,pdf}``) or one another package adds; :func:`job_of`
makes its job, its notebook checked against the notebook API before a kernel starts, and :func:`publish` writes
each asked format (:mod:`fazhi_analysis.report.outputs`).
Everything is written to temporary files first and renamed only when all asked formats succeeded, so
a failure never half-overwrites a good report. When a cell fails, the executed notebook is kept as
``<stem>.failed.ipynb`` beside the report and :class:`ReportError` is raised.

Stock tools only: a :class:`~fazhi_analysis.report.session.Session` holds the kernel (jupyter_client's
``KernelManager``) and a browser (the system Chromium over the DevTools protocol); papermill runs the notebook in
the kernel, nbconvert renders the page (:mod:`fazhi_analysis.report.export`) and the browser prints it
(:mod:`fazhi_analysis.report.pdf`). ``fazhi report`` opens a session for its one report: the kernel boots
and the browser starts while papermill and nbconvert load here. ``fazhi batch`` keeps one session per
worker for all its reports (:mod:`fazhi_analysis.report.batch`).

The report's input hash (``<stem>.inputs.sha256``, the cache key of ``fazhi batch``) is published with the
report, after it; a report published without one removes the stale one before any of its files is replaced.

Example:
    >>> paths = run_report("达坂城区", 2024)          # doctest: +SKIP
    >>> paths["pdf"]                                  # doctest: +SKIP
    PosixPath('reports/达坂城区/2024/annual_report.pdf')
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from fazhi_analysis import project, scratch
from fazhi_analysis.errors import InputError, ReportError
from fazhi_analysis.report import kinds, notebook_api, outputs
from fazhi_analysis.report.kinds import ReportKind
from fazhi_analysis.report.session import KERNEL, READY_TIMEOUT_S, KernelFault, Session
from fazhi_analysis.table.write import atomic_path

__all__ = ["HASH_SUFFIX", "Job", "job_of", "notebook_of", "publish", "run_overview", "run_report"]


_log = logging.getLogger(__name__)

HASH_SUFFIX = ".inputs.sha256"  # <stem>.inputs.sha256: the hash of the report's inputs (fazhi batch's cache key)


@dataclass(frozen=True)
class Job:
    """One report to run and publish: which kind, which notebook, with which parameters, into which folder.

    Attributes:
        kind: The report kind (its stem, preload and the formats it offers).
        notebook: The parameterized notebook (checked against the notebook API).
        target: The folder of the outputs (``<target>/<stem>.{ipynb,html,pdf}``).
        parameters: papermill's parameters.
        title: The page's ``<title>`` and the PDF's title.
        input_hash: The hash of the report's inputs, published with it (``fazhi batch``); None: a stale one is
            removed.
    """

    kind: ReportKind
    notebook: Path
    target: Path
    parameters: dict[str, Any]
    title: str
    input_hash: str | None = None


def notebook_of(here: project.Project, kind: ReportKind, notebook: str | Path | None = None) -> Path:
    """The notebook a report of ``kind`` runs: ``notebook`` if given, else the project's own
    ``notebooks/<name>`` if it has one, else the bundled one; checked before any kernel starts.

    Raises:
        InputError: The notebook is missing, or made for another version of the notebook API
            (:func:`fazhi_analysis.report.notebook_api.check`: a customized copy older than the package).
    """
    local = here.notebooks / kind.notebook
    path = Path(notebook or (local if local.is_file() else kind.bundled())).resolve()
    if not path.is_file():
        raise InputError(f"{path}: 找不到报告笔记本 / report notebook not found")
    notebook_api.check(path)
    return path


def job_of(
    kind: ReportKind,
    region: str | None,
    year: int,
    *,
    output_dir: str | Path | None = None,
    data_path: str | Path | None = None,
    compare_year: int | None = None,
    notebook: str | Path | None = None,
    peers: str | None = None,
    here: project.Project | None = None,
) -> Job:
    """The :class:`Job` of one report of ``kind`` (arguments as for :func:`run_report`; ``region`` None for a kind
    of every region).

    Raises:
        InputError: A region given to a kind of every region or none to a kind of one, a comparison year its
            notebook does not take, a region that cannot name a folder below ``output_dir``, or its notebook
            missing or made for another notebook API.
    """
    here = here or project.find()
    if (region is None) == kind.per_region:
        one, every = "请指定 --region 地区 / give --region", "汇总全部地区，不能指定 --region / covers every region"
        raise InputError(f"{kind.label}（{kind.name}）{one if kind.per_region else every}")
    if compare_year is not None and "compare_year" not in kind.parameters:
        raise InputError(f"{kind.label}（{kind.name}）没有对比年度 / takes no --compare-year")
    values = {
        "region": region,
        "year": int(year),
        "data_path": str(Path(data_path or here.table).resolve()),
        "compare_year": None if compare_year is None else int(compare_year),
        "peers": peers or "default",  # checked in the kernel (fazhi_analysis.analysis.PeerRule): pandas stays out
    }
    return Job(
        kind=kind,
        notebook=notebook_of(here, kind, notebook),
        target=kind.target(region, year, Path(output_dir or here.reports)),
        parameters={name: value for name, value in values.items() if name in kind.parameters},
        title=kind.title.format(region=region, year=int(year)),
    )


def _cell_error(exc: Exception) -> str:
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    return f"{ename}: {evalue}".strip()


def _execute(job: Job, work: Path, failed: Path, kernel: Any) -> tuple[Any, Path]:
    """Run the job's notebook with papermill in ``kernel`` (a prepared ``KernelManager``), into the folder ``work``.

    Returns the executed notebook and its file in ``work``. The notebook reads the table itself:
    its :class:`InputError` (no table, no such region or year) is raised here as it is.

    Raises:
        InputError: The notebook found the input wrong (exit 2); nothing is written.
        KernelFault: The kernel died while it ran the notebook.
        ReportError: A cell failed (the executed notebook is kept as ``failed``), or the notebook could
            not run at all.
    """
    import papermill  # loaded while the kernel boots (see publish)

    executed = work / f"{job.kind.stem}.{outputs.NOTEBOOK}"
    try:
        nb = papermill.execute_notebook(
            str(job.notebook),
            str(executed),
            parameters=job.parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,  # written once, at the end
            km=kernel,
            start_timeout=READY_TIMEOUT_S,  # a new kernel may still be booting
        )
    except Exception as exc:  # papermill's own errors and the kernel's alike
        if getattr(exc, "ename", None) == InputError.__name__:
            raise InputError(exc.evalue) from None
        if not kernel.is_alive():
            raise KernelFault(f"报告内核意外退出 / the report kernel died: {_cell_error(exc)}") from exc
        if executed.is_file() and executed.stat().st_size:
            failed.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(executed, failed)
            raise ReportError(
                f"报告笔记本执行出错，已保存为 {failed}；原有报告未改动 / a cell failed, executed notebook kept "
                f"as {failed}; the previous report is untouched: {_cell_error(exc)}"
            ) from exc
        raise ReportError(f"报告笔记本无法执行 / the notebook could not run: {_cell_error(exc)}") from exc
    return nb, executed


def run_report(
    region: str,
    year: int,
    *,
    formats: str | Iterable[str] | None = None,
    output_dir: str | Path | None = None,
    data_path: str | Path | None = None,
    compare_year: int | None = None,
    notebook: str | Path | None = None,
    peers: str | None = None,
    here: project.Project | None = None,
) -> dict[str, Path]:
    """Execute the annual-report notebook for one region and year and export it.

    Args:
        region: Region as written in the tidy table (``达坂城区``).
        year: Report year.
        formats: ``html``, ``pdf``, ``docx`` (the Word draft), a format another package adds, or several (a list or
            ``"html,pdf"``; default: ``html,pdf``, :func:`fazhi_analysis.report.outputs.defaults`); the executed
            ``ipynb`` is always kept. An earlier run's ``.docx`` is never removed: people edit the draft in place.
        output_dir: Root of the reports (default: the project's ``reports/``); the files go to
            ``<output_dir>/<region>/<year>/``.
        data_path: The tidy table, parquet or csv (default: the project's ``data/processed/indicators.parquet``).
        compare_year: Comparison year; default ``year - 1``.
        notebook: The parameterized notebook (default: the project's, else the bundled one).
        peers: Who the region is compared with: ``level``, ``parent``, ``group:NAME``, ``all``; default the
            regions of the same level under the same parent (:class:`fazhi_analysis.analysis.PeerRule`). The
            regions table is the one ``fazhi build`` wrote beside the table.
        here: The project (default: :func:`fazhi_analysis.project.find`'s).

    Returns:
        The written paths by format: ``{"ipynb": …, "html": …, "pdf": …}``.

    Raises:
        InputError: Unknown format or peer rule, missing table, no data for this region and year, or a project's
            notebook made for an older notebook API (exit 2; no kernel is started).
        ReportError: A cell failed (the notebook is kept as ``annual_report.failed.ipynb``), or the
            export failed; the previous report is left untouched. If only Chromium is missing, the
            HTML is published and the error says how to install Chromium.
    """
    here = here or project.find()
    job = job_of(
        kinds.ANNUAL, region, year, output_dir=output_dir, data_path=data_path, compare_year=compare_year,
        notebook=notebook, peers=peers, here=here,
    )  # fmt: skip
    return publish(job, formats, here)


def run_overview(
    year: int,
    *,
    formats: str | Iterable[str] | None = None,
    output_dir: str | Path | None = None,
    data_path: str | Path | None = None,
    notebook: str | Path | None = None,
    peers: str | None = None,
    here: project.Project | None = None,
) -> dict[str, Path]:
    """Execute the regional overview notebook for one year (every region side by side) and export it.

    Args:
        year: The year; every region with figures in it appears.
        formats: As for :func:`run_report`.
        output_dir: Root of the reports (default: the project's ``reports/``); the files go to
            ``<output_dir>/overview/<year>/regional_overview.{ipynb,html,pdf}``.
        data_path: The tidy table (default: the project's).
        notebook: The parameterized notebook (default: the project's ``notebooks/regional_overview.ipynb``,
            else the bundled one).
        peers: How regions are grouped for the rankings (as for :func:`run_report`).
        here: The project (as for :func:`run_report`).

    Returns:
        The written paths by format.

    Raises:
        InputError: Unknown format or peer rule, missing table, or no figure in ``year`` (the message lists
            the years the table holds); exit 2.
        ReportError: As for :func:`run_report`.

    Example:
        >>> run_overview(2024)["html"]          # doctest: +SKIP
        PosixPath('reports/overview/2024/regional_overview.html')
    """
    here = here or project.find()
    job = job_of(
        kinds.OVERVIEW, None, year, output_dir=output_dir, data_path=data_path, notebook=notebook, peers=peers,
        here=here,
    )  # fmt: skip
    return publish(job, formats, here)


def publish(
    job: Job, formats: str | Iterable[str] | None, here: project.Project, session: Session | None = None
) -> dict[str, Path]:
    """Run ``job`` in ``session``'s kernel (default: a session of its own), write each asked format its kind offers
    (:mod:`fazhi_analysis.report.outputs`; None: the default ones) and publish them together with the input hash
    (see the module).

    Returns:
        The written paths by format: ``{"ipynb": …, "html": …, "pdf": …}``.

    Raises:
        InputError: Unknown format, missing notebook, or the notebook found the input wrong.
        KernelFault: The kernel died or stopped answering (``session`` replaces it; the report may be run again).
        ReportError: A cell failed (kept as ``<stem>.failed.ipynb``) or a format could not be written; the previous
            report is untouched. If only a tool is missing (Chromium), the other formats are published, the HTML
            page among them, and the error says so.
    """
    wanted = [fmt for fmt in outputs.parse(formats or outputs.defaults()) if job.kind.offers(fmt)]
    if not job.notebook.is_file():
        raise InputError(f"{job.notebook}: 找不到报告笔记本 / report notebook not found")
    missing = _unavailable(wanted)
    writing = [fmt for fmt in outputs.formats().values() if fmt in wanted and fmt.name not in missing]
    if missing and outputs.PAGE not in {fmt.name for fmt in writing}:
        writing.insert(0, outputs.formats()[outputs.PAGE])
    target, stem = job.target, job.kind.stem
    failed = target / f"{stem}.failed.ipynb"
    scratch.sweep()  # what killed runs left: their scratch folders and half-written outputs
    clock = _StageClock(f"{target.parent.name} {target.name}" if job.kind.per_region else f"{target.name} {stem}")
    with ExitStack() as stack:
        own = session is None
        if session is None:  # the kernel boots and the browser starts while papermill and nbconvert load here
            browser = any(fmt.browser for fmt in writing)
            session = stack.enter_context(Session(here.root, job.kind.preload, browser=browser))
        work = Path(stack.enter_context(scratch.temporary_folder("report")))
        exporter = _exporter()
        import papermill  # noqa: F401  (_execute's, loaded here while the kernel boots, not after it)

        clock.lap("start")
        records = work / "records"  # where the notebook records what a format is written from (the Word draft's)
        recorded = {fmt.record: str(records / fmt.name) for fmt in writing if fmt.record}
        job = replace(job, parameters={**job.parameters, **recorded})
        cpu = session.kernel_cpu()
        nb, executed = _execute(job, work, failed, session.kernel())
        clock.lap("execute", extra_cpu=session.kernel_cpu() - cpu)
        if own:
            session.release_kernel()  # the kernel ends while the page is exported and printed
        else:
            session.report_ran()  # a kept kernel makes itself as new meanwhile
        key = stack.enter_context(atomic_path(target / f"{stem}{HASH_SUFFIX}")) if job.input_hash else None
        shutil.move(executed, stack.enter_context(atomic_path(target / f"{stem}.{outputs.NOTEBOOK}")))
        written: dict[str, Path] = {outputs.NOTEBOOK: target / f"{stem}.{outputs.NOTEBOOK}"}
        nb.metadata["title"] = job.title  # <title>, PDF title
        html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": job.title}})
        page = work / f"{stem}.html"
        page.write_text(html, encoding="utf-8")
        clock.lap("page")
        rendered = outputs.Rendered(nb, page, job.title, records, session.browser)
        for fmt in writing:
            fmt.write(rendered, stack.enter_context(atomic_path(target / f"{stem}{fmt.suffix}")))
            written[fmt.name] = target / f"{stem}{fmt.suffix}"
            clock.lap(fmt.name)
        # All asked outputs exist. The stale key goes first, then the stack unwinds: the files are renamed into
        # place one by one, the new key last, so that no key ever stands beside files it does not describe.
        (target / f"{stem}{HASH_SUFFIX}").unlink(missing_ok=True)
        if key is not None:
            key.write_text(f"{job.input_hash}\n", encoding="utf-8")
    failed.unlink(missing_ok=True)
    stale = _remove_stale(target, written, stem)
    if missing:
        instead = f"\nHTML 已生成 / HTML written instead: {written[outputs.PAGE]}{stale}"
        raise ReportError("\n".join(missing.values()) + instead)
    return written


def _unavailable(wanted: Iterable[outputs.OutputFormat]) -> dict[str, str]:
    """The formats of ``wanted`` this machine cannot write (their check failed), each with the reason."""
    missing = {}
    for fmt in wanted:
        try:
            if fmt.check is not None:
                fmt.check()
        except ReportError as exc:
            missing[fmt.name] = str(exc)
    return missing


@cache
def _exporter() -> Any:
    """The page's exporter, its template readied (an empty notebook rendered once, while the kernel runs)."""
    import nbformat

    from fazhi_analysis.report.export import ReportHTMLExporter

    exporter = ReportHTMLExporter()
    exporter.from_notebook_node(nbformat.v4.new_notebook())
    return exporter


class _StageClock:
    """Wall and CPU seconds of each stage of a report, logged at INFO (``fazhi -v``).

    CPU counts this process, its children once they ended (Chromium), and ``extra_cpu`` (the kernel,
    measured before it ends).

    Example:
        >>> clock = _StageClock("达坂城区 2024")
        >>> clock.lap("start")["wall"] >= 0
        True
    """

    def __init__(self, name: str) -> None:
        self.name, self.last = name, self._now()

    @staticmethod
    def _now() -> tuple[float, float]:
        t = os.times()
        return time.perf_counter(), t.user + t.system + t.children_user + t.children_system

    def lap(self, stage: str, extra_cpu: float = 0.0) -> dict[str, float]:
        """Log the time since the last lap as ``stage``; returns ``{"wall": …, "cpu": …}``."""
        now = self._now()
        spent = {"wall": now[0] - self.last[0], "cpu": now[1] - self.last[1] + extra_cpu}
        self.last = now
        _log.info("耗时 / timing %s %s: %.2f s (CPU %.2f s)", self.name, stage, spent["wall"], spent["cpu"])
        return spent


def _remove_stale(target: Path, written: dict[str, Path], stem: str) -> str:
    """Remove the files of an earlier run in formats this run did not write (they no longer match the report),
    except those people edit (:attr:`~fazhi_analysis.report.outputs.OutputFormat.kept`: the Word draft).

    Returns a note for the message (empty when nothing was removed).
    """
    stale = [fmt for fmt in outputs.formats().values() if not fmt.kept and fmt.name not in written]
    removed = [path for fmt in stale if (path := target / f"{stem}{fmt.suffix}").is_file()]
    for path in removed:
        path.unlink()
    return "".join(f"\n已删除旧的 / removed the earlier run's {path}" for path in removed)
