"""The tidy indicator table every module reads or writes: one row per figure.

Columns: region, year, indicator (catalog id or NA), value (base unit), unit, approx,
source (file and place), raw (original text), label (what is counted), section (catalog id).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fazhi_analysis.errors import InputError

TIDY_DTYPES: dict[str, str] = {
    "region": "string",
    "year": "Int64",
    "indicator": "string",
    "value": "Float64",
    "unit": "string",
    "approx": "boolean",
    "source": "string",
    "raw": "string",
    "label": "string",
    "section": "string",
}
TIDY_COLUMNS = list(TIDY_DTYPES)
KEY = ["region", "year", "indicator"]


def read(path: str | Path, *, text: bool = False) -> pd.DataFrame:
    """Read a table file as it is: ``.parquet``, or ``.csv`` in UTF-8 (with or without BOM).

    Args:
        path: The file.
        text: Read every CSV cell as text (empty cells NA), for checks that report a bad cell as written.

    Raises:
        InputError: The file is missing, of another type or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在 / no such file")
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise InputError(
            f"{path}: 不支持的文件类型 {suffix or '(无)'}，应为 .parquet 或 .csv / unsupported file type, "
            "expected .parquet or .csv"
        )
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if text:
            return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
        return pd.read_csv(path, encoding="utf-8-sig")
    except Exception as exc:  # pyarrow and the csv reader raise many unrelated types: all are bad input
        raise InputError(f"{path}: 无法读取表格 / cannot read the table: {exc}") from exc


def empty() -> pd.DataFrame:
    """An empty tidy table with the right columns and dtypes."""
    return conform(pd.DataFrame(columns=TIDY_COLUMNS))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with exactly the tidy columns, in order, with the tidy dtypes.

    Missing columns are added as NA; extra columns are dropped.
    """
    out = frame.reindex(columns=TIDY_COLUMNS).copy()
    return out.astype(TIDY_DTYPES)


def sort(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a deterministic order: by region and year, keeping the input order within them."""
    return frame.sort_values(["region", "year"], kind="stable", na_position="last").reset_index(drop=True)
