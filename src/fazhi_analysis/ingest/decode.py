"""Read a report's text from ``.txt`` (UTF-8, UTF-16 or UTF-32 with BOM, UTF-8, GB18030/GBK), ``.docx``, ``.pdf``
or a saved web page (``.html``/``.htm``; see :mod:`~fazhi_analysis.ingest.formats`, :mod:`~fazhi_analysis.ingest.pdf`);
decode text bytes.

Every failure is an :class:`~fazhi_analysis.errors.InputError` naming the file and the reason. Only
regular files are read (:func:`fazhi_analysis.userfiles.read_file`): a folder, FIFO, device or socket
is refused before it is opened.

Inputs are bounded before they are read: a report text may hold at most :data:`MAX_TEXT_BYTES`
bytes (the file, the text of a ``.docx`` or a PDF, a web page), and a zip container (``.docx``, ``.xlsx``) may
decompress to at most :data:`MAX_UNZIPPED_BYTES` in all (:mod:`~fazhi_analysis.ingest.unpack`, where the limits
and the decoding of text bytes live); a PDF file (compressed streams and images too) may be at most that large.
"""

from __future__ import annotations

from pathlib import Path

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import formats, pdf
from fazhi_analysis.ingest.inputs import TEXT, format_of
from fazhi_analysis.ingest.unpack import MAX_TEXT_BYTES, MAX_UNZIPPED_BYTES, decode
from fazhi_analysis.userfiles import check_size, read_file

__all__ = ["read_docx_tables", "read_report_text"]


def read_report_text(
    path: str | Path,
    *,
    max_text_bytes: int | None = None,
    max_unzipped_bytes: int | None = None,
    allow_empty: bool = False,
) -> str:
    """The decoded text of a report file, with ``\\r\\n`` folded to ``\\n``.

    Args:
        path: a ``.txt`` (or ``.text``, ``.md``), ``.docx``, ``.pdf``, ``.html`` or ``.htm`` file.
        max_text_bytes: the largest text accepted, in bytes (default :data:`MAX_TEXT_BYTES`).
        max_unzipped_bytes: the largest decompressed size of a ``.docx``, and the largest PDF file
            (default :data:`MAX_UNZIPPED_BYTES`).
        allow_empty: return ``""`` for a file without text (a ``.docx`` that holds only tables) instead of raising.

    Raises:
        InputError: missing path, not a regular file (a folder, FIFO, device), an empty, binary,
            unreadable or too large file, undecodable bytes, an entity bomb, a PDF stream beyond the
            memory cap, a PDF without a text layer (a scan).
    """
    path = Path(path)
    max_text = MAX_TEXT_BYTES if max_text_bytes is None else max_text_bytes
    max_container = MAX_UNZIPPED_BYTES if max_unzipped_bytes is None else max_unzipped_bytes
    fmt = format_of(path)
    name = fmt.name if fmt and fmt.kind == TEXT else "plain"  # any other file is read as plain text
    data = read_file(path, max_container if fmt and fmt.kind == TEXT and fmt.container else max_text)
    if name == "pdf":
        text = pdf.pdf_text(path, data, max_text)
    elif name == "docx" or data[:4] == b"PK\x03\x04":
        text = _read_docx(path, data, max_unzipped_bytes)
    elif name == "html":
        text = formats.html_text(data, path)
    else:
        text = decode(path, data)
    check_size(path, len(text.encode("utf-8")), max_text, "文本", "text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip() and not allow_empty:
        raise InputError(f"{path}: 文件没有文字内容 / file has no text")
    return text


def read_docx_tables(path: str | Path, *, label: str | None = None, max_unzipped_bytes: int | None = None) -> list:
    """The tables of a ``.docx`` as sheets ``表1``, ``表2`` … for the spreadsheet cleaner (:func:`formats.docx_sheets`).

    Args:
        path: the ``.docx`` file.
        label: how sources name the file (default: its name); a cell's source reads ``label#表1!B3``.
        max_unzipped_bytes: as for :func:`read_report_text`.

    Raises:
        InputError: as for :func:`read_report_text`.
    """
    path = Path(path)
    limit = MAX_UNZIPPED_BYTES if max_unzipped_bytes is None else max_unzipped_bytes
    document = formats.open_docx(path, read_file(path, limit), max_unzipped_bytes)
    return formats.docx_sheets(path, document, label or path.name)


def _read_docx(path: Path, data: bytes, max_unzipped_bytes: int | None) -> str:
    """The paragraphs of a ``.docx`` file as it prints, a line each (its tables: :func:`read_docx_tables`)."""
    return "\n".join(formats.docx_lines(formats.open_docx(path, data, max_unzipped_bytes)))
