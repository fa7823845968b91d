"""The lowest step of reading an input: size limits, zip containers checked before they are read, DTDs refused,
text bytes decoded. The readers of report texts (:mod:`~fazhi_analysis.ingest.decode`), of web pages and Word files
(:mod:`~fazhi_analysis.ingest.formats`) and of tables (:mod:`~fazhi_analysis.ingest.sheets`) all build on it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.inputs import DEFAULT_LIMITS
from fazhi_analysis.userfiles import check_size

__all__ = [
    "MAX_TEXT_BYTES",
    "MAX_UNZIPPED_BYTES",
    "Budget",
    "check_archive",
    "decode",
    "dtd_refused",
    "has_dtd",
    "refuse_dtd",
]


MAX_TEXT_BYTES = DEFAULT_LIMITS.text_bytes  # a report text (a long annual report is well under 1 MB)
MAX_UNZIPPED_BYTES = DEFAULT_LIMITS.unzipped_bytes  # all members of a .docx or .xlsx, decompressed
_CHUNK = 1024**2
_DOCTYPE = b"<!DOCTYPE"
_BOMS = (  # byte order marks, longest first: UTF-32 LE's begins with UTF-16 LE's
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


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
