"""Read a report's text from ``.txt`` (UTF-8 or UTF-16 with BOM, UTF-8, GB18030/GBK), ``.docx``, ``.pdf`` or a saved
web page (``.html``/``.htm``, see :mod:`~fazhi_analysis.ingest.formats`); decode text bytes.

Every failure is an :class:`~fazhi_analysis.errors.InputError` naming the file and the reason.

Inputs are bounded before they are read: a report text may hold at most :data:`MAX_TEXT_BYTES`
bytes (the file, the text of a ``.docx`` or a PDF, a web page), and a zip container (``.docx``, ``.xlsx``) may
decompress to at most :data:`MAX_UNZIPPED_BYTES` in all (:func:`check_archive`, :class:`Budget`); a PDF file
(compressed streams and images too) may be at most that large.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import formats

TEXT_SUFFIXES = (".txt", ".text", ".md")
DOCX_SUFFIXES = (".docx",)
REPORT_SUFFIXES = TEXT_SUFFIXES + DOCX_SUFFIXES + formats.PDF_SUFFIXES + formats.HTML_SUFFIXES
MAX_TEXT_BYTES = 50 * 1024**2  # a report text (a long annual report is well under 1 MB)
MAX_UNZIPPED_BYTES = 200 * 1024**2  # all members of a .docx or .xlsx, decompressed
_CHUNK = 1024**2


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
        InputError: missing path, a folder, an empty, binary or too large file, undecodable bytes,
            a PDF without a text layer (a scan).
    """
    path = Path(path)
    max_text = MAX_TEXT_BYTES if max_text_bytes is None else max_text_bytes
    max_container = MAX_UNZIPPED_BYTES if max_unzipped_bytes is None else max_unzipped_bytes
    suffix = path.suffix.lower()
    data = _read_input(path, max_container if suffix in DOCX_SUFFIXES + formats.PDF_SUFFIXES else max_text)
    if suffix in formats.PDF_SUFFIXES:
        text = formats.pdf_text(path, data, max_text)
    elif suffix in DOCX_SUFFIXES or data[:4] == b"PK\x03\x04":
        text = _read_docx(path, data, max_unzipped_bytes)
    elif suffix in formats.HTML_SUFFIXES:
        text = formats.html_text(data, path)
    else:
        text = decode(path, data)
    check_size(path, len(text.encode("utf-8")), max_text, "文本", "text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip() and not allow_empty:
        raise InputError(f"{path}: 文件没有文字内容 / file has no text")
    return text


def _read_input(path: Path, limit: int) -> bytes:
    """The bytes of an input file of at most ``limit`` bytes.

    Raises:
        InputError: missing, a folder, too large or empty.
    """
    if not path.exists():
        raise InputError(f"{path}: 文件不存在 / file not found")
    if path.is_dir():
        raise InputError(f"{path}: 是文件夹而非文件 / is a directory, not a file")
    check_size(path, path.stat().st_size, limit, "文件", "file")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: 文件为空 / file is empty")
    return data


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
    document = formats.open_docx(path, _read_input(path, limit), max_unzipped_bytes)
    return formats.docx_sheets(path, document, label or path.name)


def too_large(
    where: object, what_zh: str, what_en: str, size: int | str, limit: int, size_en: str | None = None
) -> InputError:
    """The error for an input beyond a limit: one bilingual line naming it, its size and the limit."""
    return InputError(
        f"{where}: {what_zh}过大（{size}，上限 {limit}），为防止耗尽内存已拒绝读取 / "
        f"{what_en} too large ({size if size_en is None else size_en}, the limit is {limit}): "
        "refused so as not to exhaust memory"
    )


def check_size(where: object, size: int, limit: int, what_zh: str, what_en: str) -> None:
    """Raise :func:`too_large` (in bytes) when ``size`` exceeds ``limit``."""
    if size > limit:
        raise too_large(where, what_zh + "字节数", what_en + " size in bytes", size, limit)


def check_archive(path: Path, archive: zipfile.ZipFile, limit: int | None = None) -> Budget:
    """Refuse a zip whose members declare more than ``limit`` bytes in all; a :class:`Budget` for reading them.

    ``zipfile`` never inflates a member beyond the size it declares (more is a corrupt file), so the
    declared sizes bound what any reader gets; the budget guards the reads made here as well.
    """
    limit = MAX_UNZIPPED_BYTES if limit is None else limit
    declared = sum(info.file_size for info in archive.infolist())
    check_size(path, declared, limit, "解压后", "decompressed")
    return Budget(path, limit)


class Budget:
    """Decompressed bytes still allowed from one archive; reading more raises :class:`InputError`."""

    def __init__(self, path: Path, limit: int) -> None:
        """A budget of ``limit`` bytes for the archive at ``path``."""
        self.path, self.limit, self.used = path, limit, 0

    def chunks(self, archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
        """The decompressed bytes of member ``name``, a chunk at a time, counted against the budget."""
        with archive.open(name) as member:
            while chunk := member.read(_CHUNK):
                self.used += len(chunk)
                check_size(self.path, self.used, self.limit, "解压后", "decompressed")
                yield chunk

    def read(self, archive: zipfile.ZipFile, name: str) -> bytes:
        """The whole decompressed member ``name`` (for small parts: workbook.xml, relationships)."""
        return b"".join(self.chunks(archive, name))


def decode(path: Path, data: bytes, *, guess: bool = False) -> str:
    """Decode text bytes: by their BOM (UTF-8, UTF-16), else strict UTF-8, else GB18030 (a superset of GBK).

    Args:
        path: Named in errors.
        data: The bytes.
        guess: At last let charset-normalizer guess, as for tables from any office. Report texts do
            not guess: a wrong guess would change their figures without a word.

    Raises:
        InputError: Binary data (NUL bytes), invalid bytes after a BOM, or no encoding fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(path, data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(path, data, "utf-16")
    if (nul := data.find(b"\x00")) >= 0:
        raise InputError(f"{path}: 二进制文件，不是文本 / binary file, not text (NUL byte at {nul})")
    error: UnicodeDecodeError | None = None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
    if guess:
        from charset_normalizer import from_bytes  # imported here: only tables of unknown encoding need it

        if (best := from_bytes(data).best()) is not None:
            return str(best)
    assert error is not None
    raise InputError(
        f"{path}: 无法解码（不是 UTF-8 或 GB18030）/ undecodable bytes, not UTF-8 or GB18030 "
        f"(byte {error.start}: {data[error.start : error.start + 4]!r})"
    )


def _strict(path: Path, data: bytes, encoding: str) -> str:
    """``data`` decoded as ``encoding``; an error naming the first bad byte when it does not decode."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: 文件不是有效的 {encoding} 文本（第 {exc.start} 字节）/ invalid {encoding} at byte {exc.start}"
        ) from exc


def _read_docx(path: Path, data: bytes, max_unzipped_bytes: int | None) -> str:
    """The paragraphs of a ``.docx`` file, a line each (its tables: :func:`read_docx_tables`)."""
    document = formats.open_docx(path, data, max_unzipped_bytes)
    return "\n".join(paragraph.text for paragraph in document.paragraphs)  # type: ignore[attr-defined]
