"""The reports in one call: run a notebook with papermill, export HTML, print PDF, publish safely.

Two reports: the annual report of one region (:func:`run_report`, ``annual_report.ipynb``, outputs in
``<output_dir>/<region>/<year>/annual_report.{ipynb,html,pdf}``) and the overview of every region of a
year (:func:`run_overview`, ``regional_overview.ipynb``, outputs in
``<output_dir>/overview/<year>/regional_overview.{ipynb,html,pdf}``); both go through :func:`publish`.
Everything is written to temporary files first and renamed only when all asked formats succeeded, so
a failure never half-overwrites a good report. When a cell fails, the executed notebook is kept as
``<stem>.failed.ipynb`` beside the report and :class:`ReportError` is raised.

Stock tools only: a :class:`~fazhi_analysis.report.session.Session` holds the kernel (jupyter_client's
``KernelManager``) and a browser (Playwright driving the system Chromium); papermill runs the notebook in
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
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from fazhi_analysis import project, scratch
from fazhi_analysis.errors import InputError, ReportError
from fazhi_analysis.report import pdf
from fazhi_analysis.report.session import KERNEL, KernelFault, Session
from fazhi_analysis.table import names
from fazhi_analysis.table.write import atomic_path

__all__ = [
    "BUNDLED_NOTEBOOK",
    "FORMATS",
    "HASH_SUFFIX",
    "OVERVIEW_NAME",
    "PRELOAD",
    "STEM",
    "Job",
    "notebook_of",
    "overview_dir",
    "overview_job",
    "parse_formats",
    "publish",
    "report_dir",
    "report_job",
    "run_overview",
    "run_report",
]


log = logging.getLogger(__name__)

NOTEBOOK_NAME = "annual_report.ipynb"
BUNDLED_NOTEBOOK = Path(__file__).with_name(NOTEBOOK_NAME)
OVERVIEW_NAME = "regional_overview.ipynb"
OVERVIEW_DIR = "overview"  # <output_dir>/overview/<year>/
FORMATS = ("html", "pdf")  # the default formats
DOCX = "docx"  # the Word draft (report.docx), on request: fazhi report --formats html,pdf,docx
DRAFT_DIR = "draft_dir"  # the notebook's parameter: where it records the Word draft (report.word_draft)
ALL_FORMATS = (*FORMATS, DOCX)
STEM = "annual_report"
HASH_SUFFIX = ".inputs.sha256"  # <stem>.inputs.sha256: the hash of the report's inputs (fazhi batch's cache key)
# What the report notebook imports, imported by the kernel as it starts (IPython's exec_lines), while
# this process loads papermill and nbconvert: neither then waits for the other.
PRELOAD = "import fazhi_analysis.analysis, fazhi_analysis.report.charts, fazhi_analysis.report.narrative"
OVERVIEW_PRELOAD = "import fazhi_analysis.report.overview, fazhi_analysis.report.downloads"


@dataclass(frozen=True)
class Job:
    """One report to run and publish: which notebook, with which parameters, into which files.

    Attributes:
        notebook: The parameterized notebook.
        target: The folder of the outputs (``<target>/<stem>.{ipynb,html,pdf}``).
        stem: The outputs' file name without suffix (``annual_report``, ``regional_overview``).
        parameters: papermill's parameters.
        title: The page's ``<title>`` and the PDF's title.
        preload: What the kernel imports as it starts (see :class:`~fazhi_analysis.report.session.Session`).
        draft: Writes the report's Word draft (``docx``) from the folder the notebook recorded it in (its parameter
            :data:`DRAFT_DIR`) to the path it is given; None: the report has none.
        input_hash: The hash of the report's inputs, published with it (``fazhi batch``); None: a stale one is
            removed.
    """

    notebook: Path
    target: Path
    stem: str
    parameters: dict[str, Any]
    title: str
    preload: str = PRELOAD
    draft: Callable[[Path, Path], object] | None = None
    input_hash: str | None = None


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """``"html,pdf"`` → ``("html", "pdf")``; ``docx`` asks for the Word draft; the executed notebook is always kept.

    Raises:
        InputError: An unknown format.
    """
    items = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = [f for f in items if f not in (*ALL_FORMATS, "ipynb")]
    if unknown or not items:
        choices = ",".join(ALL_FORMATS)
        raise InputError(f"未知格式 / unknown format: {', '.join(unknown) or '(none)'}; 可选 / choose from: {choices}")
    return tuple(f for f in ALL_FORMATS if f in items)


def report_dir(region: str, year: int, output_dir: str | Path | None = None) -> Path:
    """``<output_dir>/<region>/<year>``; ``output_dir`` defaults to the project's ``reports/``.

    Raises:
        InputError: ``region`` is not a safe folder name (:func:`fazhi_analysis.table.names.safe_region`),
            or the folder would lie outside ``output_dir``.
    """
    if problem := names.safe_region(region):
        raise InputError(f"地区名称不能用作文件夹 {names.shown(region)}：{problem} / unsafe region name")
    root = Path(output_dir or project.find().reports)
    target = root / region / str(int(year))
    if not names.inside(root, target):
        raise InputError(f"{target}: 报告文件夹不在 {root} 之内 / the report folder would lie outside {root}")
    return target


def overview_dir(year: int, output_dir: str | Path | None = None) -> Path:
    """``<output_dir>/overview/<year>``; ``output_dir`` defaults to the project's ``reports/``."""
    return Path(output_dir or project.find().reports) / OVERVIEW_DIR / str(int(year))


def notebook_of(here: project.Project, name: str = NOTEBOOK_NAME) -> Path:
    """The project's own ``notebooks/<name>`` if it has one, else the bundled notebook of that name."""
    local = here.notebooks / name
    return local if local.is_file() else Path(__file__).with_name(name)


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

    executed = work / f"{job.stem}.ipynb"
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


def report_job(
    region: str,
    year: int,
    *,
    output_dir: str | Path | None = None,
    data_path: str | Path | None = None,
    compare_year: int | None = None,
    notebook: str | Path | None = None,
    peers: str | None = None,
    here: project.Project | None = None,
) -> Job:
    """The :class:`Job` of one region's annual report (arguments as for :func:`run_report`).

    Raises:
        InputError: ``region`` cannot name a folder below ``output_dir``.
    """
    here = here or project.find()
    target = report_dir(region, year, output_dir or here.reports)
    table_path = Path(data_path or here.table).resolve()
    rule = peers or "default"  # checked in the kernel (fazhi_analysis.analysis.PeerRule): pandas stays out of here
    return Job(
        notebook=Path(notebook or notebook_of(here)).resolve(),
        target=target,
        stem=STEM,
        parameters={
            "region": region,
            "year": int(year),
            "data_path": str(table_path),
            "compare_year": None if compare_year is None else int(compare_year),
            "peers": rule,
        },
        title=f"{region}{int(year)}年度法治政府建设情况报告（数据分析）",
        draft=_word_draft,
    )


def overview_job(
    year: int,
    *,
    output_dir: str | Path | None = None,
    data_path: str | Path | None = None,
    notebook: str | Path | None = None,
    peers: str | None = None,
    here: project.Project | None = None,
) -> Job:
    """The :class:`Job` of one year's regional overview (arguments as for :func:`run_overview`)."""
    here = here or project.find()
    return Job(
        notebook=Path(notebook or notebook_of(here, OVERVIEW_NAME)).resolve(),
        target=overview_dir(year, output_dir or here.reports),
        stem=Path(OVERVIEW_NAME).stem,
        parameters={
            "year": int(year),
            "data_path": str(Path(data_path or here.table).resolve()),
            "peers": peers or "default",
        },
        title=f"{int(year)}年度各地区法治政府建设数据概览",
        preload=OVERVIEW_PRELOAD,
    )


def run_report(
    region: str,
    year: int,
    *,
    formats: str | Iterable[str] = FORMATS,
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
        formats: ``html``, ``pdf``, ``docx`` (the Word draft) or several (a list or ``"html,pdf"``); the executed
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
        InputError: Unknown format or peer rule, missing table, or no data for this region and year (exit 2).
        ReportError: A cell failed (the notebook is kept as ``annual_report.failed.ipynb``), or the
            export failed; the previous report is left untouched. If only Chromium is missing, the
            HTML is published and the error says how to install Chromium.
    """
    here = here or project.find()
    job = report_job(
        region, year, output_dir=output_dir, data_path=data_path, compare_year=compare_year, notebook=notebook,
        peers=peers, here=here,
    )  # fmt: skip
    return publish(job, formats, here)


def run_overview(
    year: int,
    *,
    formats: str | Iterable[str] = FORMATS,
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
    job = overview_job(year, output_dir=output_dir, data_path=data_path, notebook=notebook, peers=peers, here=here)
    return publish(job, formats, here)


def publish(
    job: Job, formats: str | Iterable[str], here: project.Project, session: Session | None = None
) -> dict[str, Path]:
    """Run ``job`` in ``session``'s kernel (default: a session of its own), export its page and PDF and publish
    them together with the input hash (see the module).

    Returns:
        The written paths by format: ``{"ipynb": …, "html": …, "pdf": …}``.

    Raises:
        InputError: Unknown format, missing notebook, or the notebook found the input wrong.
        KernelFault: The kernel died or stopped answering (``session`` replaces it; the report may be run again).
        ReportError: A cell failed (kept as ``<stem>.failed.ipynb``) or the export failed; the previous
            report is untouched. If only Chromium is missing, the HTML is published and the error says so.
    """
    wanted = parse_formats(formats)
    if not job.notebook.is_file():
        raise InputError(f"{job.notebook}: 找不到报告笔记本 / report notebook not found")
    no_chromium = None
    if "pdf" in wanted:
        try:
            pdf.find_chromium()
        except pdf.ChromiumNotFound as exc:
            no_chromium = exc
    printed = "pdf" in wanted and no_chromium is None
    target, stem = job.target, job.stem
    failed = target / f"{stem}.failed.ipynb"
    scratch.sweep()  # what killed runs left: their scratch folders and half-written outputs
    clock = StageClock(f"{target.name} {stem}" if job.stem != STEM else f"{target.parent.name} {target.name}")
    with ExitStack() as stack:
        own = session is None
        if session is None:  # the kernel boots and the browser starts while papermill and nbconvert load here
            session = stack.enter_context(Session(here.root, job.preload, browser=printed))
        work = Path(stack.enter_context(scratch.temporary_folder("report")))
        exporter = _exporter()
        clock.lap("start")
        if DOCX in wanted and job.draft is not None:  # the notebook records the Word draft's content in work/draft
            job = replace(job, parameters={**job.parameters, DRAFT_DIR: str(work / "draft")})
        cpu = session.kernel_cpu()
        nb, executed = _execute(job, work, failed, session.kernel())
        clock.lap("execute", extra_cpu=session.kernel_cpu() - cpu)
        if own:
            session.release_kernel()  # the kernel ends while the page is exported and printed
        key = stack.enter_context(atomic_path(target / f"{stem}{HASH_SUFFIX}")) if job.input_hash else None
        shutil.move(executed, stack.enter_context(atomic_path(target / f"{stem}.ipynb")))
        written: dict[str, Path] = {"ipynb": target / f"{stem}.ipynb"}
        nb.metadata["title"] = job.title  # <title>, PDF title
        html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": job.title}})
        if "html" in wanted or no_chromium is not None:  # without Chromium the HTML is the fallback
            page = stack.enter_context(atomic_path(target / f"{stem}.html"))
            written["html"] = target / f"{stem}.html"
        else:  # printed to PDF only, never published
            page = work / f"{stem}.html"
        page.write_text(html, encoding="utf-8")
        clock.lap("html")
        if printed:
            session.browser().print_pdf(page, stack.enter_context(atomic_path(target / f"{stem}.pdf")))
            written["pdf"] = target / f"{stem}.pdf"
            clock.lap("pdf")
        if DOCX in wanted and job.draft is not None:  # a report without a Word draft (the overview) skips it
            job.draft(work / "draft", stack.enter_context(atomic_path(target / f"{stem}.{DOCX}")))
            written[DOCX] = target / f"{stem}.{DOCX}"
            clock.lap("docx")
        # All asked outputs exist. The stale key goes first, then the stack unwinds: the files are renamed into
        # place one by one, the new key last, so that no key ever stands beside files it does not describe.
        (target / f"{stem}{HASH_SUFFIX}").unlink(missing_ok=True)
        if key is not None:
            key.write_text(f"{job.input_hash}\n", encoding="utf-8")
    failed.unlink(missing_ok=True)
    stale = _remove_stale(target, written, stem)
    if no_chromium is not None:
        raise ReportError(f"{no_chromium}\nHTML 已生成 / HTML written instead: {written['html']}{stale}")
    return written


@cache
def _exporter() -> Any:
    """The page's exporter, its template readied (an empty notebook rendered once, while the kernel runs)."""
    import nbformat

    from fazhi_analysis.report.export import ReportHTMLExporter

    exporter = ReportHTMLExporter()
    exporter.from_notebook_node(nbformat.v4.new_notebook())
    return exporter


class StageClock:
    """Wall and CPU seconds of each stage of a report, logged at INFO (``fazhi -v``).

    CPU counts this process, its children once they ended (Chromium), and ``extra_cpu`` (the kernel,
    measured before it ends).

    Example:
        >>> clock = StageClock("达坂城区 2024")
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
        log.info("耗时 / timing %s %s: %.2f s (CPU %.2f s)", self.name, stage, spent["wall"], spent["cpu"])
        return spent


def _word_draft(record: Path, path: Path) -> Path:
    """The Word draft recorded in ``record`` by the notebook, at ``path`` (:func:`.docx.from_record`)."""
    from fazhi_analysis.report.docx import from_record

    return from_record(record, path)


def _remove_stale(target: Path, written: dict[str, Path], stem: str = STEM) -> str:
    """Remove the HTML or PDF of an earlier run that this run did not write (it no longer matches the report).

    Returns a note for the message (empty when nothing was removed).
    """
    removed = [path for fmt in FORMATS if fmt not in written and (path := target / f"{stem}.{fmt}").is_file()]
    for path in removed:
        path.unlink()
    return "".join(f"\n已删除旧的 / removed the earlier run's {path}" for path in removed)
