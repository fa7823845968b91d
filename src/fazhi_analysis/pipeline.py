"""The annual report in one call: run the notebook with papermill, export HTML and PDF, publish safely.

Outputs go to ``<output_dir>/<region>/<year>/annual_report.{ipynb,html,pdf}``. Everything is
written to temporary files first and renamed only when all asked formats succeeded, so a failure
never half-overwrites a good report. When a cell fails, the executed notebook is kept as
``annual_report.failed.ipynb`` beside the report and :class:`ReportError` is raised.

Speed: Chromium is launched before the notebook runs and starts up while the kernel works;
nbconvert is imported in a background thread meanwhile; the HTML is printed by that warm browser.

Example:
    >>> paths = run_report("达坂城区", 2024)          # doctest: +SKIP
    >>> paths["pdf"]                                  # doctest: +SKIP
    PosixPath('reports/达坂城区/2024/annual_report.pdf')
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

from .config import DEFAULT_TABLE, NOTEBOOKS_DIR, REPORTS_DIR
from .errors import InputError, ReportError

NOTEBOOK = NOTEBOOKS_DIR / "annual_report.ipynb"
FORMATS = ("html", "pdf")
STEM = "annual_report"


@contextlib.contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """Like :func:`output.atomic_path`, but the temporary name keeps the suffix (``.x.tmp.html``).

    Chromium decides how to show a file by its suffix, and papermill wants ``.ipynb``.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


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


def _check_input(data_path: Path, region: str, year: int) -> None:
    """Fail fast (exit 2) on a missing table or an unknown region or year, before any kernel starts."""
    from . import analysis

    analysis.select(analysis.load_table(data_path), region, year)


def _execute(notebook: Path, output: Path, parameters: dict) -> object:
    """Run the notebook with papermill into ``output``; return the executed notebook node."""
    import papermill

    return papermill.execute_notebook(
        str(notebook), str(output), parameters=parameters, kernel_name="python3", progress_bar=False,
        log_output=False, request_save_on_cell_execute=False, cwd=str(notebook.parent),
    )


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

    with ExitStack() as stack:
        browser, browser_error = None, None
        if "pdf" in wanted:
            from .browser import Browser, ChromiumNotFound

            try:  # launched now, Chromium starts up while the notebook runs
                browser = stack.enter_context(Browser())
            except ChromiumNotFound as exc:
                browser_error = exc
        _check_input(data_path, region, year)
        target.mkdir(parents=True, exist_ok=True)

        executed_tmp = stack.enter_context(_staged(target / f"{STEM}.ipynb"))
        parameters = {"region": region, "year": int(year), "data_path": str(data_path),
                      "compare_year": None if compare_year is None else int(compare_year)}
        try:
            nb = _execute(notebook, executed_tmp, parameters)
        except Exception as exc:
            if executed_tmp.is_file() and executed_tmp.stat().st_size:
                os.replace(executed_tmp, failed)
                raise ReportError(
                    f"报告笔记本执行出错，已保存为 {failed}；原有报告未改动 / a cell failed, executed notebook kept "
                    f"as {failed}; the previous report is untouched: {_cell_error(exc)}"
                ) from exc
            raise ReportError(f"报告笔记本无法执行 / the notebook could not run: {_cell_error(exc)}") from exc

        from .export import ReportHTMLExporter

        written: dict[str, Path] = {"ipynb": target / f"{STEM}.ipynb"}
        html_text, _ = ReportHTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": f"{region}{year}"}})
        if "html" in wanted:
            html_tmp = stack.enter_context(_staged(target / f"{STEM}.html"))
            written["html"] = target / f"{STEM}.html"
        else:  # printed to PDF only, never published
            html_tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fazhi-html-"))) / f"{STEM}.html"
        html_tmp.write_text(html_text, encoding="utf-8")
        pdf_tmp = None
        if browser is not None:
            pdf_tmp = stack.enter_context(_staged(target / f"{STEM}.pdf"))
            pdf_tmp.write_bytes(browser.print_pdf(html_tmp))
            written["pdf"] = target / f"{STEM}.pdf"
        # All asked outputs exist: they are published as the stack unwinds (one rename each).
    failed.unlink(missing_ok=True)
    if browser_error is not None:
        raise ReportError(f"{browser_error}\nHTML 已生成 / HTML written: {written.get('html', '(not asked)')}")
    return written
