"""The annual report in one call: run the notebook with papermill, export HTML and PDF, publish safely.

Outputs go to ``<output_dir>/<region>/<year>/annual_report.{ipynb,html,pdf}``. Everything is
written to temporary files first and renamed only when all asked formats succeeded, so a failure
never half-overwrites a good report. When a cell fails, the executed notebook is kept as
``annual_report.failed.ipynb`` beside the report and :class:`ReportError` is raised.

Speed: the kernel is launched first (:mod:`fazhi_analysis.kernel`) and imports the notebook's
libraries while papermill and nbconvert load here; Chromium starts meanwhile at the lowest CPU
priority (:mod:`fazhi_analysis.browser`) and opens its page in the background, and the warm browser
prints the HTML. ``FAZHI_TIMINGS=1`` prints the time of each stage.

Example:
    >>> paths = run_report("达坂城区", 2024)          # doctest: +SKIP
    >>> paths["pdf"]                                  # doctest: +SKIP
    PosixPath('reports/达坂城区/2024/annual_report.pdf')
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from .config import DEFAULT_TABLE, NOTEBOOKS_DIR, REPORTS_DIR
from .errors import InputError, ReportError
from .kernel import WarmKernel
from .output import atomic_path

NOTEBOOK = NOTEBOOKS_DIR / "annual_report.ipynb"
FORMATS = ("html", "pdf")
STEM = "annual_report"


class _Timings:
    """Stage times on stderr when ``FAZHI_TIMINGS=1``: where a report's seconds go."""

    def __init__(self) -> None:
        self.enabled = os.environ.get("FAZHI_TIMINGS") == "1"
        self.start = self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        if self.enabled:
            now = time.perf_counter()
            print(f"[fazhi timings] {stage:<34} {now - self.last:6.2f} s  (total {now - self.start:5.2f} s)",
                  file=sys.stderr)
            self.last = now


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """``"html,pdf"`` → ``("html", "pdf")``; the executed notebook is always kept as well.

    Raises:
        InputError: An unknown format.
    """
    items = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = [f for f in items if f not in FORMATS + ("ipynb",)]
    if unknown or not items:
        raise InputError(f"未知格式 / unknown format: {', '.join(unknown) or '(none)'}; 可选 / choose from: html,pdf")
    return tuple(f for f in FORMATS if f in items)


def report_dir(region: str, year: int, output_dir: str | Path = REPORTS_DIR) -> Path:
    """``<output_dir>/<region>/<year>``."""
    return Path(output_dir) / region / str(int(year))


def _check_input(kernel: WarmKernel, data_path: Path, region: str, year: int) -> str:
    """Ask the kernel whether the table has this region and year; returns the request id.

    The check runs in the kernel (which loads pandas for the notebook anyway) rather than here,
    so this process never imports pandas. :func:`_raise_input_error` reads the answer.
    """
    return kernel.submit(
        "from fazhi_analysis import analysis as _analysis\n"
        f"_analysis.select(_analysis.load_table({str(data_path)!r}), {region!r}, {int(year)})\n"
        "del _analysis"
    )


def _raise_input_error(reply: dict) -> None:
    """Turn the kernel's answer to :func:`_check_input` into an :class:`InputError` (exit 2)."""
    if reply.get("status") == "ok":
        return
    if reply.get("ename") == "InputError":
        raise InputError(reply.get("evalue", ""))
    raise ReportError(f"报告内核出错 / the report kernel failed: {reply.get('ename')}: {reply.get('evalue')}")


def _import_papermill() -> None:
    """Import papermill without the optional HDFS support it would load pyarrow (and numpy) for.

    papermill tries ``pyarrow.fs`` on import, for ``hdfs://`` notebooks only, and lives without it;
    this process never reads HDFS nor tables (the kernel does), so pyarrow is hidden during the
    import (~0.3 s). It stays importable afterwards: the block is lifted at once.
    """
    if "papermill" in sys.modules or "pyarrow.fs" in sys.modules:
        import papermill  # noqa: F401
        return
    sys.modules["pyarrow.fs"] = None  # type: ignore[assignment]  # import → ImportError
    try:
        import papermill  # noqa: F401
    finally:
        if sys.modules.get("pyarrow.fs", 0) is None:
            del sys.modules["pyarrow.fs"]


def _execute(notebook: Path, output: Path, parameters: dict, kernel: WarmKernel) -> object:
    """Run the notebook with papermill, in the already running ``kernel``, into ``output``."""
    import papermill

    return papermill.execute_notebook(
        str(notebook), str(output), parameters=parameters, kernel_name=kernel.manager.kernel_name,
        km=kernel.manager, progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        cwd=str(notebook.parent),
    )


class _Background:
    """Run a function in a daemon thread; :meth:`result` waits for it and re-raises its error."""

    def __init__(self, func: Callable[[], object]) -> None:
        self._value: object = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(func,), daemon=True)
        self._thread.start()

    def _run(self, func: Callable[[], object]) -> None:
        try:
            self._value = func()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _make_exporter() -> object:
    """The HTML exporter with its template loaded and compiled (rendering an empty notebook does it)."""
    import nbformat

    from .export import ReportHTMLExporter

    exporter = ReportHTMLExporter()
    exporter.from_notebook_node(nbformat.v4.new_notebook())
    return exporter


def _cell_error(exc: Exception) -> str:
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    return f"{ename}: {evalue}".strip()


def run_report(
    region: str,
    year: int,
    *,
    formats: str | Iterable[str] = FORMATS,
    output_dir: str | Path = REPORTS_DIR,
    data_path: str | Path = DEFAULT_TABLE,
    compare_year: int | None = None,
    notebook: str | Path = NOTEBOOK,
) -> dict[str, Path]:
    """Execute the annual-report notebook for one region and year and export it.

    Args:
        region: Region as written in the tidy table (``达坂城区``).
        year: Report year.
        formats: ``html``, ``pdf`` or both (a list or ``"html,pdf"``); the executed ``ipynb`` is always kept.
        output_dir: Root of the reports; the files go to ``<output_dir>/<region>/<year>/``.
        data_path: The tidy table (parquet or csv).
        compare_year: Comparison year; default ``year - 1``.
        notebook: The parameterized notebook.

    Returns:
        The written paths by format: ``{"ipynb": …, "html": …, "pdf": …}``.

    Raises:
        InputError: Unknown format, missing table, or no data for this region and year (exit 2).
        ReportError: A cell failed (the notebook is kept as ``annual_report.failed.ipynb``), or the
            export failed; the previous report is left untouched. If only Chromium is missing, the
            HTML is published and the error says how to install Chromium.
    """
    wanted = parse_formats(formats)
    data_path, notebook = Path(data_path).resolve(), Path(notebook).resolve()
    if not notebook.is_file():
        raise InputError(f"{notebook}: 找不到报告笔记本 / report notebook not found")
    target = report_dir(region, year, output_dir)
    failed = target / f"{STEM}.failed.ipynb"

    lap = _Timings()
    with ExitStack() as stack:
        # The kernel starts first: its start-up, the notebook's imports and its cells are the longest chain.
        kernel = stack.enter_context(WarmKernel(cwd=notebook.parent))
        check = _check_input(kernel, data_path, region, year)
        lap("launch kernel, jupyter_client")
        _import_papermill()  # loaded while the kernel warms up

        lap("import papermill")
        # Chromium (at the lowest priority) and nbconvert start up on the other core while the kernel
        # warms up (this process would only wait meanwhile); Chromium opens its page in the background.
        # (papermill is imported first, so the modules nbconvert shares with it are complete before
        # the thread starts and no module is ever half-imported by two threads.)
        browser, browser_error = None, None
        if "pdf" in wanted:
            from .browser import Browser, ChromiumNotFound

            try:
                browser = stack.enter_context(Browser())
            except ChromiumNotFound as exc:
                browser_error = exc
        exporter = _Background(_make_exporter)
        page = _Background(browser.open_page) if browser is not None else None
        lap("launch chromium, nbconvert")
        _raise_input_error(kernel.result(check))
        target.mkdir(parents=True, exist_ok=True)
        lap("kernel warm, input checked")

        executed_tmp = stack.enter_context(atomic_path(target / f"{STEM}.ipynb"))
        parameters = {"region": region, "year": int(year), "data_path": str(data_path),
                      "compare_year": None if compare_year is None else int(compare_year)}
        try:
            nb = _execute(notebook, executed_tmp, parameters, kernel)
        except Exception as exc:
            if executed_tmp.is_file() and executed_tmp.stat().st_size:
                os.replace(executed_tmp, failed)
                raise ReportError(
                    f"报告笔记本执行出错，已保存为 {failed}；原有报告未改动 / a cell failed, executed notebook kept "
                    f"as {failed}; the previous report is untouched: {_cell_error(exc)}"
                ) from exc
            raise ReportError(f"报告笔记本无法执行 / the notebook could not run: {_cell_error(exc)}") from exc

        lap("execute notebook")
        written: dict[str, Path] = {"ipynb": target / f"{STEM}.ipynb"}
        nb.metadata["title"] = f"{region}{int(year)}年度法治政府建设情况报告（数据分析）"  # <title>, PDF title
        html_text, _ = exporter.result().from_notebook_node(nb, resources={"metadata": {"name": f"{region}{year}"}})
        if "html" in wanted or browser_error is not None:  # without Chromium the HTML is the fallback
            html_tmp = stack.enter_context(atomic_path(target / f"{STEM}.html"))
            written["html"] = target / f"{STEM}.html"
        else:  # printed to PDF only, never published
            html_tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fazhi-html-"))) / f"{STEM}.html"
        html_tmp.write_text(html_text, encoding="utf-8")
        lap("export html")
        pdf_tmp = None
        if browser is not None:
            page.result()
            pdf_tmp = stack.enter_context(atomic_path(target / f"{STEM}.pdf"))
            pdf_tmp.write_bytes(browser.print_pdf(html_tmp))
            written["pdf"] = target / f"{STEM}.pdf"
            lap("print pdf")
        # All asked outputs exist: they are published as the stack unwinds (one rename each).
    failed.unlink(missing_ok=True)
    lap("publish, stop chromium and kernel")
    if browser_error is not None:
        raise ReportError(f"{browser_error}\nHTML 已生成 / HTML written instead: {written['html']}")
    return written
