"""Read a report's text from ``.txt`` (UTF-8 or UTF-16 with BOM, UTF-8, GB18030/GBK) or ``.docx``; decode text bytes.

Every failure is an :class:`~fazhi_analysis.errors.InputError` naming the file and the reason.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from fazhi_analysis.errors import InputError

TEXT_SUFFIXES = (".txt", ".text", ".md")
DOCX_SUFFIXES = (".docx",)
REPORT_SUFFIXES = TEXT_SUFFIXES + DOCX_SUFFIXES


def read_report_text(path: str | Path) -> str:
    """The decoded text of a report file, with ``\\r\\n`` folded to ``\\n``.

    Raises:
        InputError: missing path, a folder, an empty or binary file, undecodable bytes.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: 文件不存在 / file not found")
    if path.is_dir():
        raise InputError(f"{path}: 是文件夹而非文件 / is a directory, not a file")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: 文件为空 / file is empty")
    if path.suffix.lower() in DOCX_SUFFIXES or data[:4] == b"PK\x03\x04":
        text = _read_docx(path)
    else:
        text = decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{path}: 文件没有文字内容 / file has no text")
    return text


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


def _read_docx(path: Path) -> str:
    """The paragraphs of a ``.docx`` file, a line each."""
    import docx  # imported here: python-docx is only needed for .docx input
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: 不是有效的 .docx 文件 / not a valid .docx file ({exc})") from None
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
