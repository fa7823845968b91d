"""The input formats: one table of every suffix read, what it holds (a report text or a table), its reader and limit.

Every place that asks what a file is reads :data:`FORMATS`: finding inputs in a folder, the readers'
choice of decoder and byte limit, and the word a report uses for a source (``报告文本``, ``报表``).

Example:
    >>> kind_of("depts/司法局.tsv"), kind_of("report.docx"), kind_of("notes.odt")
    ('table', 'text', None)
    >>> source_word("depts/司法局.tsv")
    '报表'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "KIND_WORDS",
    "TABLE",
    "TEXT",
    "InputFormat",
    "Limits",
    "decoder_of",
    "format_of",
    "kind_of",
    "source_word",
    "suffixes",
]

TEXT, TABLE = "text", "table"
KIND_WORDS = {TEXT: "报告文本", TABLE: "报表"}  # how a report names a source of each kind
_READ_TEXT = "fazhi_analysis.ingest.decode:read_report_text"
_READ_TABLE = "fazhi_analysis.ingest.sheets:iter_sheets"


@dataclass(frozen=True)
class Limits:
    """What one input file may cost before it is refused."""

    text_bytes: int = 50 * 1024**2  # a report text or CSV (a long annual report is well under 1 MB)
    unzipped_bytes: int = 200 * 1024**2  # all members of a .docx or .xlsx, decompressed; a PDF file
    cells: int = 2_000_000  # cells of one workbook or CSV file (a department's table holds a few thousand)

    def bytes_for(self, fmt: InputFormat) -> int:
        """The most bytes a file of ``fmt`` may hold on disk."""
        return self.unzipped_bytes if fmt.container else self.text_bytes

    def for_text(self) -> dict[str, int]:
        """These limits as the keywords of the report-text readers (``read_report_text``, ``extract_file``)."""
        return {"max_text_bytes": self.text_bytes, "max_unzipped_bytes": self.unzipped_bytes}

    def for_tables(self) -> dict[str, int]:
        """These limits as the keywords of the spreadsheet readers (``read_sheets``, ``clean_files``)."""
        return {**self.for_text(), "max_cells": self.cells}


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class InputFormat:
    """One input format: its decoder, what it holds, the function that reads it, how its bytes are bounded."""

    name: str  # the decoder: plain, docx, pdf, html, csv, xlsx
    kind: str  # TEXT (a report's text) or TABLE (a department's spreadsheet)
    reader: str  # "module:function" of the public reader
    container: bool = False  # a zip or a PDF: bounded by Limits.unzipped_bytes, else by Limits.text_bytes


_PLAIN = InputFormat("plain", TEXT, _READ_TEXT)
FORMATS: dict[str, InputFormat] = {
    ".txt": _PLAIN,
    ".text": _PLAIN,
    ".md": _PLAIN,
    ".docx": InputFormat("docx", TEXT, _READ_TEXT, container=True),
    ".pdf": InputFormat("pdf", TEXT, _READ_TEXT, container=True),
    ".html": InputFormat("html", TEXT, _READ_TEXT),
    ".htm": InputFormat("html", TEXT, _READ_TEXT),
    ".csv": InputFormat("csv", TABLE, _READ_TABLE),
    ".tsv": InputFormat("csv", TABLE, _READ_TABLE),
    ".xlsx": InputFormat("xlsx", TABLE, _READ_TABLE, container=True),
    ".xlsm": InputFormat("xlsx", TABLE, _READ_TABLE, container=True),
}


def suffixes(kind: str) -> tuple[str, ...]:
    """The suffixes of the formats of ``kind`` (TEXT or TABLE), in the table's order."""
    return tuple(suffix for suffix, fmt in FORMATS.items() if fmt.kind == kind)


def format_of(path: str | Path) -> InputFormat | None:
    """The format of ``path`` by its suffix (any case); None for a suffix not read."""
    return FORMATS.get(Path(path).suffix.lower())


def decoder_of(path: str | Path) -> str | None:
    """The decoder of ``path`` by its suffix (``docx``, ``csv`` …); None for a suffix not read."""
    fmt = format_of(path)
    return fmt.name if fmt else None


def kind_of(path: str | Path) -> str | None:
    """TEXT or TABLE for ``path`` by its suffix; None for a suffix not read."""
    fmt = format_of(path)
    return fmt.kind if fmt else None


def source_word(path: str | Path) -> str:
    """How a report names the source file ``path``: ``报表`` for a spreadsheet, else ``报告文本``."""
    return KIND_WORDS[kind_of(path) or TEXT]
