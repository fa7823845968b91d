"""Read departmental spreadsheets (CSV, XLSX) into raw cell grids, one per sheet.

A grid keeps every cell where it stands, so that later steps can name the cell a figure came
from (``dept.xlsx#复议!D7``). Nothing is interpreted here beyond decoding:

* CSV: UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, GB18030/GBK, else what charset-normalizer
  detects; the delimiter (``,`` ``\\t`` ``;`` ``|``) is sniffed.
* XLSX/XLSM: every worksheet, hidden and very hidden ones marked ``hidden``; cached values of formulas;
  merged ranges are kept at their top-left cell in ``values`` and copied over the whole range in
  ``filled`` (for headers and labels); cells formatted as percentages are marked in ``percent``
  (Excel stores 98% as 0.98).

Bad input — a missing or empty file, not a regular file (a folder, FIFO, device), a wrong extension, a
corrupt, password-protected or old ``.xls`` workbook, a part declaring a DTD, undecodable bytes —
raises :class:`~fazhi_analysis.errors.InputError` naming the file.

So that no file can exhaust memory or time, sizes are checked before anything is allocated or
inflated: a workbook's members may decompress to :data:`~fazhi_analysis.ingest.unpack.MAX_UNZIPPED_BYTES`
in all (declared sizes first, then counted as the worksheets stream); a workbook (or CSV file) may
hold :data:`MAX_CELLS` cells in all, counted three ways: the ``<dimension ref=…>`` each sheet
declares, the ``<c>`` cells streamed before openpyxl reads them, and the grid (rows × columns) about
to be allocated; a CSV file may be :data:`~fazhi_analysis.ingest.unpack.MAX_TEXT_BYTES` long.

Example:
    >>> [s.name for s in read_sheets("dept.xlsx")]   # doctest: +SKIP
    ['复议', '应诉']
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.inputs import DEFAULT_LIMITS, TABLE, format_of, suffixes
from fazhi_analysis.ingest.unpack import (
    MAX_TEXT_BYTES,
    MAX_UNZIPPED_BYTES,
    Budget,
    check_archive,
    decode,
    dtd_refused,
    has_dtd,
    refuse_dtd,
)
from fazhi_analysis.userfiles import check_regular, read_file, too_large

__all__ = ["MAX_CELLS", "Sheet", "column_letter", "iter_sheets", "read_sheets"]


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
MAX_CELLS = DEFAULT_LIMITS.cells
_PART_ROWS = 100_000  # rows of a CSV file cleaned at a time (about 50 MB of cells)
_STRIP = np.frompyfunc(str.strip, 1, 1)
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")  # <c r="A1" …>, <x:c …>
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")
_REF = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]{1,7})?$")
_CARRY = 64  # bytes kept between chunks, so that a tag cut by a chunk's end is found whole


@dataclass(frozen=True)
class Sheet:
    """The cells of one worksheet (or of a CSV file).

    Attributes:
        file: the file read.
        label: how sources name the file (its name, or a path relative to a root).
        name: the sheet name; ``None`` for CSV.
        values: 2-D object array of str, int, float or None (merged ranges only at the top-left).
        filled: like ``values`` with merged ranges filled by their top-left value.
        percent: 2-D bool array, True where Excel formats the cell as a percentage; None for CSV.
        hidden: the sheet is hidden or very hidden in Excel (not data a reader of the workbook sees).
        first_row: the row of the file that the grid's first row is: 0, except in the later parts of a long
            CSV file (:func:`iter_sheets`), which continue the part before them.
    """

    file: Path
    label: str
    name: str | None
    values: np.ndarray
    filled: np.ndarray
    percent: np.ndarray | None
    hidden: bool = False
    first_row: int = 0

    @property
    def where(self) -> str:
        """``file`` or ``file#sheet`` for messages."""
        return self.label if self.name is None else f"{self.label}#{self.name}"

    @property
    def path_where(self) -> str:
        """``path`` or ``path#sheet`` for error messages (the full path, so the user can find it)."""
        return str(self.file) if self.name is None else f"{self.file}#{self.name}"

    @property
    def source_prefix(self) -> str:
        """What the source of each cell starts with: ``dept.xlsx#复议!`` or ``dept.csv#``."""
        return f"{self.label}#" if self.name is None else f"{self.label}#{self.name}!"

    def source(self, row: int, col: int) -> str:
        """The source of a cell: ``dept.xlsx#复议!D7`` or ``dept.csv#D7`` (0-based row and column of the grid)."""
        return f"{self.source_prefix}{column_letter(col)}{self.first_row + row + 1}"


def column_letter(col: int) -> str:
    """Excel column letters of a 0-based column index: 0 → ``A``, 27 → ``AB``."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_sheets(
    path: str | Path,
    *,
    label: str | None = None,
    max_cells: int | None = None,
    max_unzipped_bytes: int | None = None,
    max_text_bytes: int | None = None,
) -> list[Sheet]:
    """Read every sheet of a CSV or XLSX file into grids (a CSV file in one grid).

    Args:
        path: the file.
        label: how sources name the file (default: the file name).
        max_cells: the most cells a workbook or CSV file may hold (default :data:`MAX_CELLS`).
        max_unzipped_bytes: the most bytes an XLSX may decompress to
            (default :data:`~fazhi_analysis.ingest.unpack.MAX_UNZIPPED_BYTES`).
        max_text_bytes: the largest CSV file, in bytes (default :data:`~fazhi_analysis.ingest.unpack.MAX_TEXT_BYTES`).

    Raises:
        InputError: the file is missing, empty, of another type, corrupt, encrypted, undecodable,
            or beyond a limit.
    """
    limits = {"max_cells": max_cells, "max_unzipped_bytes": max_unzipped_bytes, "max_text_bytes": max_text_bytes}
    return list(iter_sheets(path, label=label, part_rows=None, **limits))


def iter_sheets(
    path: str | Path,
    *,
    label: str | None = None,
    max_cells: int | None = None,
    max_unzipped_bytes: int | None = None,
    max_text_bytes: int | None = None,
    part_rows: int | None = _PART_ROWS,
) -> Iterator[Sheet]:
    """The sheets of a CSV or XLSX file one after the other, a long CSV file in parts of ``part_rows`` rows.

    A part after the first continues it (:attr:`Sheet.first_row`): only one part's cells are held at a
    time, so that a table of a million rows is read in bounded memory. Arguments and errors as for
    :func:`read_sheets`; the file is checked when the first sheet is asked for.
    """
    path = Path(path)
    max_cells = MAX_CELLS if max_cells is None else max_cells
    max_unzipped = MAX_UNZIPPED_BYTES if max_unzipped_bytes is None else max_unzipped_bytes
    label = label or path.name
    check_regular(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            f"{path}: 旧版 .xls 格式不受支持，请在 Excel 中另存为 .xlsx / old .xls format: save it as .xlsx"
        )
    fmt = format_of(path)
    if fmt is None or fmt.kind != TABLE:
        tables = suffixes(TABLE)
        raise InputError(
            f"{path}: 不支持的文件类型 {suffix or '（无扩展名）'}，应为 {'、'.join(tables)} / "
            f"unsupported file type, expected one of {', '.join(tables)}"
        )
    max_text = MAX_TEXT_BYTES if max_text_bytes is None else max_text_bytes
    data = read_file(path, max_unzipped if fmt.container else max_text)
    if fmt.name == "csv":
        yield from _read_csv(path, label, data, max_cells, part_rows)
    else:
        yield from _read_xlsx(path, label, data, max_cells, max_unzipped)


def _too_many_cells(where: object, cells: int | str, limit: int, cells_en: str | None = None) -> InputError:
    """The error for a sheet or file beyond :data:`MAX_CELLS`."""
    return too_large(where, "单元格数", "cell count", cells, limit, cells_en)


def _read_csv(
    path: Path, label: str, data: bytes, max_cells: int = MAX_CELLS, part_rows: int | None = None
) -> Iterator[Sheet]:
    """The grid of a CSV or TSV file (encoding and delimiter found from the bytes), in parts of ``part_rows`` rows
    (None: one grid)."""
    text = decode(path, data, guess=True).lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{path}: 文件为空 / empty file")
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|，")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    cells, grid_cells, first = 0, 0, 0
    while True:
        rows = []
        try:
            for row in itertools.islice(reader, part_rows):
                cells += len(row)
                if cells > max_cells:
                    raise _too_many_cells(path, f"{cells} 个以上", max_cells, f"{cells} or more")
                rows.append(row)
        except csv.Error as exc:
            raise InputError(f"{path}: CSV 格式错误 / malformed CSV: {exc}") from exc
        if not rows and first:
            return
        width = max((len(r) for r in rows), default=0)
        grid_cells += len(rows) * width
        if grid_cells > max_cells:  # ragged rows: a grid is rows × the widest row
            raise _too_many_cells(
                path, f"{len(rows)} 行 × {width} 列", max_cells, f"{len(rows)} rows × {width} columns"
            )
        grid = _grid(rows, width)
        yield Sheet(path, label, None, grid, grid, None, first_row=first)
        first += len(rows)
        if part_rows is None or len(rows) < part_rows:
            return


def _grid(rows: list[list[str]], width: int) -> np.ndarray:
    """CSV rows as a grid ``width`` wide: cells stripped, empty and missing cells None."""
    grid = np.full((len(rows), width), "", dtype=object)
    for i, row in enumerate(rows):
        grid[i, : len(row)] = row
    grid = _STRIP(grid) if grid.size else grid
    grid[grid == ""] = None
    return grid


def _read_xlsx(
    path: Path, label: str, data: bytes, max_cells: int = MAX_CELLS, max_unzipped: int = MAX_UNZIPPED_BYTES
) -> list[Sheet]:
    """The grids of every worksheet of an XLSX workbook (old, encrypted, corrupt and too large files refused)."""
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise InputError(
                f"{path}: 工作簿受密码保护，请取消密码后另存 / "
                "the workbook is password-protected: remove the password and save again"
            )
        raise InputError(
            f"{path}: 这是旧版 .xls 格式而不是 .xlsx，请另存为 .xlsx / "
            "an old .xls workbook, not .xlsx: save it as .xlsx"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{path}: 文件已损坏或不是 .xlsx 工作簿 / corrupt file or not an .xlsx workbook")
    has_formulas = _check_workbook(path, data, max_cells, max_unzipped)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise InputError(
            f"{path}: 无法打开工作簿，文件可能已损坏 / "
            f"cannot open the workbook, the file may be corrupt: {type(exc).__name__}: {exc}"
        ) from exc
    formulas = _uncached_formulas(path, data) if has_formulas else {}
    sheets = []
    grid_cells = 0
    for ws in book.worksheets:
        n_rows, n_cols = ws.max_row or 0, ws.max_column or 0
        grid_cells += n_rows * n_cols
        if grid_cells > max_cells:  # a stray cell at XFD1048576 would ask for a 17-billion-cell grid
            raise _too_many_cells(
                f"{path}#{ws.title}", f"{n_rows} 行 × {n_cols} 列", max_cells, f"{n_rows} rows × {n_cols} columns"
            )
        values = np.full((n_rows, n_cols), None, dtype=object)
        percent = np.zeros((n_rows, n_cols), dtype=bool)
        if n_rows and n_cols:
            for i, row in enumerate(ws.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols)):
                for j, cell in enumerate(row):
                    value = cell.value
                    if value is None:
                        continue
                    if isinstance(value, str):
                        value = value.strip()
                        if not value:
                            continue
                    elif isinstance(value, bool) or not isinstance(value, (int, float)):
                        value = str(value)
                    else:
                        percent[i, j] = "%" in (cell.number_format or "")
                    values[i, j] = value
        for (i, j), formula in formulas.get(ws.title, {}).items():
            if i < n_rows and j < n_cols and values[i, j] is None:
                values[i, j] = formula  # no cached value: kept, so that it is reported, not lost
        filled = values.copy()
        for merged in ws.merged_cells.ranges:
            r0, c0, r1, c1 = merged.min_row - 1, merged.min_col - 1, merged.max_row, merged.max_col
            if r0 < n_rows and c0 < n_cols:
                filled[r0:r1, c0:c1] = values[r0, c0]
        sheets.append(Sheet(path, label, ws.title, values, filled, percent, ws.sheet_state != "visible"))
    return sheets


def _check_workbook(path: Path, data: bytes, max_cells: int, max_unzipped: int) -> bool:
    """Refuse a workbook beyond the limits before openpyxl inflates it; whether any worksheet holds a formula.

    The members' declared sizes are summed first; no member may declare a DTD (an entity-expansion
    bomb needs one; Office files never have one); then each worksheet is streamed a chunk at a time
    (the bytes counted against the same limit): its declared ``<dimension>`` and its ``<c>`` cells
    are counted, and reading stops as soon as the workbook passes ``max_cells``.

    Raises:
        InputError: a limit is exceeded, or the zip is corrupt.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = check_archive(path, archive, max_unzipped)
            refuse_dtd(path, archive, budget, [n for n in archive.namelist() if not _is_worksheet(n)])
            names = _sheet_names(archive, budget)
            declared = streamed = 0
            formulas = False
            for member in sorted(n for n in archive.namelist() if _is_worksheet(n)):
                where = f"{path}#{names.get(member, member)}"
                scan = _scan_worksheet(archive, member, budget, (max_cells - streamed, max_cells), where)
                declared += scan[0]
                if declared > max_cells:
                    raise _too_many_cells(
                        where, f"声明范围 {scan[3]} 共 {scan[0]} 个", max_cells, f"declared range {scan[3]}: {scan[0]}"
                    )
                streamed += scan[1]
                formulas = formulas or scan[2]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise InputError(
            f"{path}: 无法打开工作簿，文件可能已损坏 / "
            f"cannot open the workbook, the file may be corrupt: {type(exc).__name__}: {exc}"
        ) from exc
    return formulas


def _is_worksheet(name: str) -> bool:
    """Whether a zip member is a worksheet's XML."""
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2


def _scan_worksheet(
    archive: zipfile.ZipFile, member: str, budget: Budget, allowance: tuple[int, int], where: str
) -> tuple[int, int, bool, str]:
    """Cells a worksheet declares (rows × columns of its dimension), cells it holds, whether it has formulas, its ref.

    Stops with :class:`InputError` once more cells have streamed than ``allowance`` (the cells still
    allowed in the workbook, and the workbook's limit for the message) leaves, or at a DTD.
    """
    allowed, limit = allowance
    declared, ref, cells, formulas = 0, "", 0, False
    looking = True  # the dimension comes before the sheet's data
    buffer = b""
    for chunk in budget.chunks(archive, member):
        buffer += chunk
        if has_dtd((buffer,)):
            raise dtd_refused(where, member)
        if looking:
            found = _DIMENSION.search(buffer)
            if found:
                ref = found.group(1).decode("ascii", "replace")
                declared, looking = _ref_cells(ref), False
            elif _SHEET_DATA.search(buffer):
                looking = False
        cut = max(0, len(buffer) - _CARRY)
        cells += len(_CELL_TAG.findall(buffer)) - len(_CELL_TAG.findall(buffer, cut))
        formulas = formulas or _FORMULA_TAG.search(buffer, 0, len(buffer)) is not None
        if cells > allowed:
            break
        buffer = buffer[cut:]
    else:
        cells += len(_CELL_TAG.findall(buffer))
    if cells > allowed:
        raise _too_many_cells(where, f"{cells} 个以上", limit, f"{cells} or more")
    return declared, cells, formulas, ref


def _ref_cells(ref: str) -> int:
    """Rows × columns of the grid from A1 to the end of a range: ``A1:XFD1048576`` → 17179869184."""
    end = ref.split(":")[-1].strip()
    match = _REF.match(end)
    if not match:
        return 0
    letters, digits = match.groups()
    col = 0
    for ch in (letters or "A").upper():
        col = col * 26 + ord(ch) - 64
    return col * int(digits or 1)


def _sheet_names(archive: zipfile.ZipFile, budget: Budget) -> dict[str, str]:
    """Worksheet member → sheet name, from workbook.xml and its relationships (empty when they do not say)."""
    try:
        book = budget.read(archive, "xl/workbook.xml").decode("utf-8", "replace")
        rels = budget.read(archive, "xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]*)"', tag), re.search(r'\bTarget="([^"]*)"', tag)
        if rid and target:
            path = target.group(1).lstrip("/")
            targets[rid.group(1)] = path if path.startswith("xl/") else "xl/" + path
    names = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\b(?:\w+:)?id="([^"]*)"', tag)
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = _xml_text(name.group(1))
    return names


def _xml_text(text: str) -> str:
    """An XML attribute's text with the five predefined entities replaced."""
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _uncached_formulas(path: Path, data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Formulas whose cached value is missing (a workbook written by a program and never opened in Excel)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        raw = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    found: dict[str, dict[tuple[int, int], str]] = {}
    for ws_raw, ws_cached in zip(raw.worksheets, cached.worksheets):
        for i, (row_raw, row_cached) in enumerate(
            zip(ws_raw.iter_rows(values_only=True), ws_cached.iter_rows(values_only=True))
        ):
            for j, (formula, value) in enumerate(zip(row_raw, row_cached)):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    found.setdefault(ws_raw.title, {})[(i, j)] = formula
    return found
