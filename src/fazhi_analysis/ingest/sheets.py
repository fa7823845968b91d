"""Read departmental spreadsheets (CSV, XLSX) into raw cell grids, one per sheet.

A grid keeps every cell where it stands, so that later steps can name the cell a figure came
from (``dept.xlsx#复议!D7``). Nothing is interpreted here beyond decoding:

* CSV: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, else what charset-normalizer
  detects; the delimiter (``,`` ``\\t`` ``;`` ``|``) is sniffed.
* XLSX/XLSM: every worksheet; cached values of formulas; merged ranges are kept at their top-left
  cell in ``values`` and copied over the whole range in ``filled`` (for headers and labels); cells
  formatted as percentages are marked in ``percent`` (Excel stores 98% as 0.98).

Bad input — a missing or empty file, a wrong extension, a corrupt, password-protected or old
``.xls`` workbook, undecodable bytes — raises :class:`~fazhi_analysis.errors.InputError` naming the file.

Example:
    >>> [s.name for s in read_sheets("dept.xlsx")]   # doctest: +SKIP
    ['复议', '应诉']
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.decode import decode

CSV_SUFFIXES = (".csv", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


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
    """

    file: Path
    label: str
    name: str | None
    values: np.ndarray
    filled: np.ndarray
    percent: np.ndarray | None

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
        """The source of a cell: ``dept.xlsx#复议!D7`` or ``dept.csv#D7`` (0-based row and column)."""
        return f"{self.source_prefix}{column_letter(col)}{row + 1}"


def column_letter(col: int) -> str:
    """Excel column letters of a 0-based column index: 0 → ``A``, 27 → ``AB``."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_sheets(path: str | Path, *, label: str | None = None) -> list[Sheet]:
    """Read every sheet of a CSV or XLSX file into grids.

    Args:
        path: the file.
        label: how sources name the file (default: the file name).

    Raises:
        InputError: the file is missing, empty, of another type, corrupt, encrypted or undecodable.
    """
    path = Path(path)
    label = label or path.name
    if not path.exists():
        raise InputError(f"{path}: 文件不存在 / no such file")
    if not path.is_file():
        raise InputError(f"{path}: 不是文件 / not a file")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            f"{path}: 旧版 .xls 格式不受支持，请在 Excel 中另存为 .xlsx / old .xls format: save it as .xlsx"
        )
    if suffix not in SUFFIXES:
        raise InputError(
            f"{path}: 不支持的文件类型 {suffix or '（无扩展名）'}，应为 {'、'.join(SUFFIXES)} / "
            f"unsupported file type, expected one of {', '.join(SUFFIXES)}"
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: 文件为空 / empty file")
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path, label, data)]
    return _read_xlsx(path, label, data)


def _read_csv(path: Path, label: str, data: bytes) -> Sheet:
    """The grid of a CSV or TSV file (encoding and delimiter found from the bytes)."""
    text = decode(path, data, guess=True).lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{path}: 文件为空 / empty file")
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|，")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise InputError(f"{path}: CSV 格式错误 / malformed CSV: {exc}") from exc
    width = max((len(r) for r in rows), default=0)
    grid = np.full((len(rows), width), None, dtype=object)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            cell = cell.strip()
            if cell:
                grid[i, j] = cell
    return Sheet(path, label, None, grid, grid, None)


def _read_xlsx(path: Path, label: str, data: bytes) -> list[Sheet]:
    """The grids of every worksheet of an XLSX workbook (old, encrypted and corrupt files refused)."""
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
    formulas = _uncached_formulas(path, data) if _has_formulas(data) else {}
    sheets = []
    for ws in book.worksheets:
        n_rows, n_cols = ws.max_row or 0, ws.max_column or 0
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
        sheets.append(Sheet(path, label, ws.title, values, filled, percent))
    return sheets


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the workbook holds a formula (``<f>`` element)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml:
                    return True
    return False


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
