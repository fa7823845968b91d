"""Read a report's text from ``.txt`` (UTF-8 with or without BOM, GB18030/GBK) or ``.docx``.

Every failure is an :class:`~fazhi_analysis.errors.InputError` naming the file and the reason.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import InputError

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
        text = _decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{path}: 文件没有文字内容 / file has no text")
    return text


def _decode(path: Path, data: bytes) -> str:
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise InputError(f"{path}: 二进制文件，不是文本 / binary file, not text (NUL byte at {nul})")
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
    assert error is not None
    raise InputError(
        f"{path}: 无法解码（不是 UTF-8 或 GB18030）/ undecodable bytes, not UTF-8 or GB18030 "
        f"(byte {error.start}: {data[error.start:error.start + 4]!r})"
    )


def _read_docx(path: Path) -> str:
    import docx  # imported here: python-docx is only needed for .docx input
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: 不是有效的 .docx 文件 / not a valid .docx file ({exc})") from None
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
