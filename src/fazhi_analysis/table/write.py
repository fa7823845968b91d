"""Write tables safely: to stdout or files, as JSON, CSV, XLSX or Parquet, never half-overwriting a good file.

Text from the inputs is data: in a CSV or XLSX file, written for people to open in Excel, a text cell
that could start a formula is escaped (:func:`defuse`); Parquet and JSON, written for programs, keep
every value exact.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fazhi_analysis import scratch
from fazhi_analysis.errors import InputError

__all__ = [
    "FORMULA_STARTS",
    "atomic_path",
    "defuse",
    "defused",
    "write_file",
    "write_records",
    "write_table",
    "xlsx_bytes",
]

if TYPE_CHECKING:  # pandas is imported where a table is written, not on import:
    import pandas as pd  # the report pipeline uses atomic_path without loading pandas


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)  # a full disk, a quota, a file beyond the system's limit
_CSV = {"index": False, "lineterminator": "\r\n"}  # every CSV file and text this package writes


def defuse(value: object) -> object:
    """``value`` safe for a spreadsheet cell: text that could start a formula gets a leading ``'``.

    Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (:data:`FORMULA_STARTS`)
    is what Excel and LibreOffice read as a formula (``=HYPERLINK(…)``, ``+1+1法律援助案件``,
    ``@SUM(1)``) when a CSV or XLSX file is opened; OWASP's advice against this "CSV injection" is to
    prefix such a cell with a single quote, which makes it text. Everything else is returned as it is:
    other text, missing values and numbers (a negative number is a number, not text, and stays one).
    Every CSV and XLSX writer of the package passes its text cells through this function (see
    :func:`defused`); Parquet and JSON output is not escaped.

    Example:
        >>> defuse("=HYPERLINK(A1)"), defuse("-3"), defuse(-3.0), defuse("达坂城区")
        ("'=HYPERLINK(A1)", "'-3", -3.0, '达坂城区')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def defused(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells went through :func:`defuse`; numeric and boolean columns are untouched.

    Text columns keep their dtype; in an ``object`` column only the ``str`` cells change.
    """
    import pandas as pd

    out = frame.copy()
    for name, column in frame.items():
        if isinstance(column.dtype, pd.StringDtype):  # a text column: tested at once, not cell by cell
            risky = column.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
            if risky.any():
                out[name] = column.mask(risky, "'" + column)
        elif pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            out[name] = column.map(defuse, na_action="ignore").astype(column.dtype)
    return out


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one rename.

    The temporary name keeps the suffix last (``.report.<pid>-x1y2.tmp.html``): tools such as papermill
    and Chromium go by it. It is listed in this run's scratch folder, so that the next run removes it if
    this one is killed (:func:`fazhi_analysis.scratch.temporary_file`). On an exception the temporary file
    is removed and ``target`` is left as it was.

    Raises:
        OutputError: Writing failed for want of room (a full disk, a quota) or on the temporary file itself:
            the message names ``target``'s folder, not the temporary name, which is gone by then.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = scratch.temporary_file(target)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except OSError as exc:
        if exc.errno in _NO_ROOM or str(tmp_path) in (str(exc.filename), str(exc.filename2)):
            raise scratch.cannot_write(target, exc) from exc
        raise
    finally:
        tmp_path.unlink(missing_ok=True)


def write_records(frame: pd.DataFrame, fmt: str, out: str | Path | None) -> None:
    """Write ``frame`` as a JSON array (one object per row), CSV or Parquet to ``out`` or stdout.

    CSV text cells that could start a formula are escaped (:func:`defuse`); JSON and Parquet are exact.

    Raises:
        InputError: Parquet asked for without an output file.
    """
    if fmt == "parquet":
        if out is None:
            raise InputError("parquet 格式需要 -o 输出文件 / --format parquet needs -o FILE")
        with atomic_path(out) as tmp:
            frame.to_parquet(tmp, index=False)
        return
    if fmt == "json":
        records = [{key: _json_scalar(value) for key, value in row.items()} for row in frame.to_dict(orient="records")]
        text = json.dumps(records, ensure_ascii=False, indent=1)
    else:
        text = _csv_text(frame)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    with atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")


def _json_scalar(value: object) -> object:
    """A JSON-ready scalar: NA → null, whole floats → int (17 rather than 17.0)."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text for people: text cells through :func:`defuse`, lines ending in CRLF (RFC 4180).

    CRLF, not LF: Python's CSV writer quotes a field holding a character of the line ending only, so a
    carriage return in a cell would otherwise be written bare, and split the row when read back.
    """
    return defused(frame).to_csv(**_CSV)


def _write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a CSV file in UTF-8 with BOM, so that Excel reads the Chinese, atomically; formulas defused.

    Written as :func:`_csv_text` writes it, a block of rows at a time (a million rows never make one string).
    """
    with atomic_path(path) as tmp:
        defused(frame).to_csv(tmp, encoding="utf-8-sig", **_CSV)


def _write_xlsx(frame: pd.DataFrame, path: str | Path) -> None:
    """Write an XLSX file (one sheet, a frozen header row), atomically; formulas defused, numbers as numbers."""
    import pandas as pd

    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        defused(frame).to_excel(writer, index=False, sheet_name="table", freeze_panes=(1, 0))


_XLSX_TIME = (
    2000,
    1,
    1,
    0,
    0,
    0,
)  # every part of a workbook this package writes carries this time: same data, same bytes


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook of ``sheets`` (name → frame, a frozen header row each), the same bytes for the same frames.

    Text cells are defused (:func:`defuse`), numbers stay numbers, missing values are empty cells. The
    workbook's times (zip entries, document properties) are fixed, so a report that links it stays
    identical from one run to the next.
    """
    import datetime
    import io
    import re
    import zipfile

    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        for row in defused(frame).itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    stamp = datetime.datetime(*_XLSX_TIME)
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl writes the time of saving as "modified"
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.isoformat().encode() + b"Z", data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=_XLSX_TIME), data, zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def _cell(value: object) -> object:
    """A frame's cell as openpyxl takes it: None for missing, Python numbers for numpy ones."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def write_file(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` to ``path`` as Parquet, JSON, XLSX or CSV, chosen by the suffix (CSV otherwise)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".json"):
        write_records(frame, fmt=suffix[1:], out=path)
    elif suffix == ".xlsx":
        _write_xlsx(frame, path)
    else:
        _write_csv(frame, path)


def write_table(frame: pd.DataFrame, stem: Path) -> tuple[Path, Path]:
    """Write ``frame`` to ``stem.parquet`` (exact) and ``stem.csv`` (for people: see :func:`_write_csv`)."""
    parquet, csv = stem.with_suffix(".parquet"), stem.with_suffix(".csv")
    with atomic_path(parquet) as tmp:
        frame.to_parquet(tmp, index=False)
    _write_csv(frame, csv)
    return parquet, csv
