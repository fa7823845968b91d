"""The output formats of a report: one table of what each is called, its suffix and label, and how it is written.

Every place that asks which formats there are reads :func:`formats`: publishing a report
(:func:`fazhi_analysis.report.run.publish`), the batch's cache and manifest, the index page's links and the
command line's ``--formats``. The executed notebook (``.ipynb``) is always kept and is not a format asked for.

A format is written from the :class:`Rendered` report: the executed notebook, its HTML page, the folder of what
the notebook recorded for it, and the session's Chromium. Other packages add formats through the entry-point group
:data:`GROUP` (:mod:`fazhi_analysis.report.plugins`).

Example:
    >>> [fmt.name for fmt in parse("pdf,html")], defaults()
    (['html', 'pdf'], ('html', 'pdf'))
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fazhi_analysis.errors import InputError
from fazhi_analysis.report import plugins

__all__ = ["GROUP", "NOTEBOOK", "PAGE", "OutputFormat", "Rendered", "defaults", "files", "formats", "parse"]

GROUP = "fazhi_analysis.formats"
NOTEBOOK = "ipynb"  # the executed notebook: always kept beside the formats
PAGE = "html"  # the report's page: published in place of an asked format this machine cannot write


@dataclass(frozen=True)
class Rendered:
    """A report as run and rendered: what each format is written from.

    Attributes:
        notebook: The executed notebook (an nbformat node), its ``metadata.title`` set.
        page: Its HTML page (a scratch file: a format copies it, never moves it).
        title: The report's title.
        records: The folder of what the notebook recorded, ``<records>/<format name>/`` for a format that takes a
            record (:attr:`OutputFormat.record`).
        browser: The session's Chromium (:class:`fazhi_analysis.report.pdf.Browser`), started on first call.
    """

    notebook: Any
    page: Path
    title: str
    records: Path
    browser: Callable[[], Any]


@dataclass(frozen=True)
class OutputFormat:
    """One output format of a report.

    Attributes:
        name: What ``--formats`` and the manifest call it (lower-case letters, digits, ``_``).
        suffix: Its file's suffix (``<stem><suffix>``).
        label: Its Chinese label (``--help``, the index page's links).
        write: Writes the file at the path given (a temporary one, renamed into place with the others).
        default: Written when no formats are asked for.
        browser: Printed by Chromium: the session starts its browser as the kernel boots.
        check: Raises :class:`~fazhi_analysis.errors.ReportError` when this machine cannot write it (before the
            kernel starts); the report is then published without it, its HTML page in its place.
        record: The notebook parameter that names the folder it is recorded in (``<records>/<name>/``); a report
            kind whose notebook takes no such parameter does not offer it.
        kept: An earlier run's file stays when a run does not write it (people edit it); else it is removed.
    """

    name: str
    suffix: str
    label: str
    write: Callable[[Rendered, Path], object]
    default: bool = False
    browser: bool = False
    check: Callable[[], object] | None = None
    record: str | None = None
    kept: bool = False


def _write_html(report: Rendered, path: Path) -> None:
    shutil.copyfile(report.page, path)


def _write_pdf(report: Rendered, path: Path) -> None:
    report.browser().print_pdf(report.page, path)


def _find_chromium() -> None:
    from fazhi_analysis.report.pdf import find_chromium

    find_chromium()


def _write_docx(report: Rendered, path: Path) -> None:
    from fazhi_analysis.report.docx import from_record

    from_record(report.records / "docx", path)


_BUNDLED = (
    OutputFormat("html", ".html", "网页", _write_html, default=True),
    OutputFormat("pdf", ".pdf", "PDF", _write_pdf, default=True, browser=True, check=_find_chromium),
    OutputFormat("docx", ".docx", "Word 初稿", _write_docx, record="draft_dir", kept=True),
)


@cache
def formats() -> dict[str, OutputFormat]:
    """Every output format by name: the bundled ones, then those other packages add (read once a process)."""
    bundled = {fmt.name: fmt for fmt in _BUNDLED}
    return {**bundled, **plugins.load(GROUP, OutputFormat, [*bundled, NOTEBOOK])}


def files() -> dict[str, str]:
    """The suffix of every file a report may have, by format name, the executed notebook's (``ipynb``) last."""
    return {**{name: fmt.suffix for name, fmt in formats().items()}, NOTEBOOK: f".{NOTEBOOK}"}


def defaults() -> tuple[str, ...]:
    """The names of the formats written when none are asked for."""
    return tuple(name for name, fmt in formats().items() if fmt.default)


def parse(asked: str | Iterable[str]) -> tuple[OutputFormat, ...]:
    """``"html,pdf"`` or ``["pdf", "html"]`` → those formats in the table's order; ``ipynb`` is always kept.

    Raises:
        InputError: An unknown format, or none.
    """
    items = [f.strip().lower() for f in (asked.split(",") if isinstance(asked, str) else asked) if f.strip()]
    known = formats()
    unknown = [f for f in items if f not in (*known, NOTEBOOK)]
    if unknown or not items:
        choices = ",".join(known)
        raise InputError(f"未知格式 / unknown format: {', '.join(unknown) or '(none)'}; 可选 / choose from: {choices}")
    return tuple(fmt for name, fmt in known.items() if name in items)
