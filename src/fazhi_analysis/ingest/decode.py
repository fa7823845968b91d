"""Read a report's text from ``.txt`` (UTF-8, UTF-16 or UTF-32 with BOM, UTF-8, GB18030/GBK), ``.docx``, ``.pdf``
or a saved web page (``.html``/``.htm``; see :mod:`~fazhi_analysis.ingest.formats`, :mod:`~fazhi_analysis.ingest.pdf`);
decode text bytes.

Every failure is an :class:`~fazhi_analysis.errors.InputError` naming the file and the reason. Only
regular files are read (:func:`fazhi_analysis.userfiles.read_file`): a folder, FIFO, device or socket
is refused before it is opened.

Inputs are bounded before they are read: a report text may hold at most :data:`MAX_TEXT_BYTES`
bytes (the file, the text of a ``.docx`` or a PDF, a web page), and a zip container (``.docx``, ``.xlsx``) may
decompress to at most :data:`MAX_UNZIPPED_BYTES` in all (:func:`check_archive`, :class:`Budget`); a PDF file
(compressed streams and images too) may be at most that large.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import formats, pdf
from fazhi_analysis.ingest.inputs import DEFAULT_LIMITS, TEXT, format_of
from fazhi_analysis.userfiles import check_size, read_file

MAX_TEXT_BYTES = DEFAULT_LIMITS.text_bytes
MAX_UNZIPPED_BYTES = DEFAULT_LIMITS.unzipped_bytes
_CHUNK = 1024**2
_DOCTYPE = b"<!DOCTYPE"
_BOMS = (  # byte order marks, longest first: UTF-32 LE's begins with UTF-16 LE's
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


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


def refuse_dtd(path: Path, archive: zipfile.ZipFile, budget: Budget, members: Iterable[str]) -> None:
    """Refuse an Office file one of whose ``members`` declares a DTD, before any XML parser reads it.

    Office Open XML forbids DTDs (ECMA-376 part 2, M1.17), and an entity-expansion bomb needs one.

    Raises:
        InputError: naming the file and the member.
    """
    for member in members:
        if has_dtd(budget.chunks(archive, member)):
            raise dtd_refused(path, member)


def has_dtd(chunks: Iterable[bytes]) -> bool:
    """Whether XML given as byte chunks holds ``<!DOCTYPE`` (also across two chunks)."""
    carry = b""
    for chunk in chunks:
        if _DOCTYPE in carry + chunk:
            return True
        carry = chunk[-len(_DOCTYPE) :]
    return False


def dtd_refused(path: object, member: str) -> InputError:
    """The error for an Office file whose part declares a DTD."""
    return InputError(
        f"{path}: 文件内部 {member} 声明了 DTD（Office 文件不应有，可能是实体扩展炸弹），已拒绝读取 / "
        f"part {member} declares a DTD, which Office files never do (an entity-expansion bomb?): refused"
    )


def decode(path: Path, data: bytes, *, guess: bool = False) -> str:
    """Decode text bytes: by their BOM (UTF-8, UTF-16, UTF-32), else strict UTF-8, else GB18030 (a superset of GBK).

    Args:
        path: Named in errors.
        data: The bytes.
        guess: At last let charset-normalizer guess, as for tables from any office. Report texts do
            not guess: a wrong guess would change their figures without a word.

    Raises:
        InputError: Binary data (NUL bytes), invalid bytes after a BOM, or no encoding fits.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _strict(path, data, codec, name)
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


def _strict(path: Path, data: bytes, codec: str, name: str) -> str:
    """``data`` decoded with ``codec`` (BOM dropped); an error naming ``name`` and the first bad byte."""
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: 文件不是有效的 {name} 文本（第 {exc.start} 字节）/ invalid {name} at byte {exc.start}"
        ) from None


def _read_docx(path: Path, data: bytes, max_unzipped_bytes: int | None) -> str:
    """The paragraphs of a ``.docx`` file as it prints, a line each (its tables: :func:`read_docx_tables`)."""
    return "\n".join(formats.docx_lines(formats.open_docx(path, data, max_unzipped_bytes)))
