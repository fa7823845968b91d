"""The tidy indicator table every module reads or writes: one row per figure.

Columns: region, year, indicator (catalog id or NA), value (base unit), unit, approx,
source (file and place), raw (original text), label (what is counted), section (catalog id),
confidence (0–1, how sure a report text's mapping is), reason (``alias+noun``,
``abstain:subset(其中)``), period (全年, 截至M月, 以来, 期间) and scope (本级, 全域, 下级合计, 其他机关); the
last four are optional and empty for spreadsheet rows.

The contract is declared once (:mod:`fazhi_analysis.table.contract`); :data:`TIDY_DTYPES` and :data:`TIDY_COLUMNS`
are read off it: exactly these columns, in this order, of these nullable dtypes. ``TidyTable`` is the contract as a
pandera schema, built on first use (reading and conforming a table need no pandera).

A region, a year in :data:`MIN_YEAR` … :func:`max_year` and a finite value are required; the region is
a safe name, one that can name a folder (:func:`fazhi_analysis.table.names.safe_region`: no path
separator, no ``..``, no control character, no leading or trailing space, at most 64 characters); an
indicator, when given, is an id of the catalog (:func:`fazhi_analysis.table.catalog.indicators`).
:func:`conform` gives any frame the columns and dtypes; ``TidyTable.validate`` then checks the
values too (``lazy=True`` collects every failure; :func:`fazhi_analysis.checks.check` turns
them into findings).

Example:
    >>> import pandas as pd
    >>> from fazhi_analysis.table.tidy import TidyTable, conform
    >>> table = conform(pd.DataFrame({"region": ["达坂城区"], "year": [2024],
    ...     "indicator": ["disputes.reconsideration_applications"], "value": [11.0], "unit": ["件"]}))
    >>> TidyTable.validate(table).dtypes["year"]
    Int64Dtype()
    >>> TidyTable.validate(table.assign(year=pd.array([1999], dtype="Int64")))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pandera.errors.SchemaError: Column 'year' failed ... <Check year_range> failure cases: 1999
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog
from fazhi_analysis.table.contract import Check, Column, attribute, dtypes
from fazhi_analysis.table.names import safe_region

if TYPE_CHECKING:
    from fazhi_analysis.table.contract_schema import Contract

__all__ = [
    "KEY",
    "MIN_YEAR",
    "TIDY_COLUMNS",
    "TIDY_DTYPES",
    "TidyTable",
    "conform",
    "empty",
    "max_year",
    "read",
    "sort",
]

MIN_YEAR = 2000
_MAX_ROWS_NAMED = 3  # rows a message names; it counts the others


def max_year() -> int:
    """The latest acceptable year: next year (plans and targets are sometimes given ahead)."""
    return _dt.date.today().year + 1


def _safe_regions(region: pd.Series) -> pd.Series:
    """A region that can name a folder: :func:`fazhi_analysis.table.names.safe_region` finds nothing wrong
    (judged once per distinct name: a table of a million rows names a few thousand regions)."""
    return region.isin([name for name in region.dropna().unique() if safe_region(name) is None])


def _finite(value: pd.Series) -> pd.Series:
    """A number a report can write: not ±inf (a missing one is the ``nullable`` check's)."""
    return ~value.isin([np.inf, -np.inf]).astype(bool)


def _in_year_range(year: pd.Series) -> pd.Series:
    """A year from :data:`MIN_YEAR` to :func:`max_year`, read at each validation (not at import)."""
    return year.between(MIN_YEAR, max_year())


def _catalog_ids(indicator: pd.Series) -> pd.Series:
    """An id of the catalog in use (the project's, read at each validation)."""
    return indicator.isin(catalog.indicators().index)


_CONTRACT = {
    "region": Column("string", nullable=False, checks=(Check(_safe_regions, name="region_name"),)),
    "year": Column("Int64", nullable=False, checks=(Check(_in_year_range, name="year_range"),)),
    "indicator": Column("string", checks=(Check(_catalog_ids, name="catalog_id"),)),
    "value": Column("Float64", nullable=False, checks=(Check(_finite, name="finite"),)),
    "unit": Column("string"),
    "approx": Column("boolean"),
    "source": Column("string"),
    "raw": Column("string"),
    "label": Column("string"),
    "section": Column("string"),
    # How sure the text extractor is of the indicator (0–1) and why; empty for spreadsheet rows.
    "confidence": Column("Float64", required=False, checks=(Check("ge", 0), Check("le", 1))),
    "reason": Column("string", required=False),
    # Which time a report text's figure covers (全年, 截至M月, 以来, 期间) and whose it is (本级, 全域, 下级合计,
    # 其他机关); empty for spreadsheet rows. Only full-year own figures take an id by default.
    # coerce: a table written before these columns existed reads them as empty floats.
    "period": Column("string", required=False, coerce=True),
    "scope": Column("string", required=False, coerce=True),
}


TidyTable: Contract  # the contract as a pandera schema, built on first use by __getattr__


def __getattr__(name: str) -> Any:
    """``TidyTable``: the contract as a pandera schema, built on first use."""
    return attribute(__name__, name, TidyTable=_CONTRACT)


TIDY_DTYPES: dict[str, str] = dtypes(_CONTRACT)
TIDY_COLUMNS = list(TIDY_DTYPES)
KEY = ["region", "year", "indicator"]


def read(path: str | Path, *, text: bool = False) -> pd.DataFrame:
    """Read a table file as it is: ``.parquet``, or ``.csv`` in UTF-8 (with or without BOM).

    Args:
        path: The file.
        text: Read every CSV cell as text (empty cells NA), for checks that report a bad cell as written.

    Raises:
        InputError: The file is missing, of another type or unreadable, or (unless ``text``) a value is
            missing, NaN, ±inf or not a number (:func:`_refuse_values`).
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
            frame = pd.read_parquet(path)
        elif text:
            return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
        else:
            frame = pd.read_csv(path, encoding="utf-8-sig")
    except Exception as exc:  # pyarrow and the csv reader raise many unrelated types: all are bad input
        raise InputError(f"{path}: 无法读取表格 / cannot read the table: {exc}") from exc
    if not text:  # a table to use, not to check: its values must be numbers a report can write
        _refuse_values(frame, path, missing=True)
    return frame


def empty() -> pd.DataFrame:
    """An empty tidy table with the right columns and dtypes."""
    return conform(pd.DataFrame(columns=TIDY_COLUMNS))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with exactly the tidy columns, in order, with the tidy dtypes.

    Missing columns are added as NA; extra columns are dropped. The result has the structure of
    :class:`TidyTable`; of its values only ±inf is refused here, for every producer and consumer
    (:func:`_refuse_values`); the rest is ``TidyTable.validate``'s.
    """
    _refuse_values(frame, "整洁指标表 / the tidy table", missing=False)
    out = frame.reindex(columns=TIDY_COLUMNS).copy()
    return out.astype(TIDY_DTYPES)


def _refuse_values(frame: pd.DataFrame, where: object, *, missing: bool) -> None:
    """Refuse a table whose ``value`` column holds ±inf (or, with ``missing``, a cell that is empty, NaN or not a
    number): no report can write it, and one such row would spoil every region's comparison of its year.

    Raises:
        InputError: Naming ``where`` and the first rows (number, region, year, indicator, value and source).
    """
    if "value" not in frame.columns:
        return
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isinf(values) | (np.isnan(values) if missing else False)
    if not bad.any():
        return
    rows = [_row_named(frame, int(i)) for i in np.flatnonzero(bad)[:_MAX_ROWS_NAMED]]
    more = int(bad.sum()) - len(rows)
    raise InputError(
        f"{where}: 数值须为有限的数 / a value must be a finite number: {'; '.join(rows)}"
        + (f"; 另有 {more} 行 / {more} more rows" if more > 0 else "")
    )


def _row_named(frame: pd.DataFrame, i: int) -> str:
    """Row ``i`` of a table for a message: its number (from 1), region, year, indicator, value and source."""
    row = frame.iloc[i]
    named = " ".join(str(row.get(key)) for key in ("region", "year", "indicator", "value") if key in frame.columns)
    source = f"，来源 / source {row['source']}" if isinstance(row.get("source"), str) else ""
    return f"第 {i + 1} 行 / row {i + 1}（{named}{source}）"


def sort(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a deterministic order: by region and year, keeping the input order within them."""
    return frame.sort_values(["region", "year"], kind="stable", na_position="last").reset_index(drop=True)
