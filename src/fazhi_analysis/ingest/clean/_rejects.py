"""Why a cell is rejected, and the tidy rows and rejects tables of one sheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fazhi_analysis.ingest.clean._catalog import catalog_arrays, section_strings
from fazhi_analysis.ingest.clean._cells import (
    R_BAD,
    R_MISSING,
    Cells,
    Figures,
    Keys,
)
from fazhi_analysis.ingest.clean._codes import Interner, arrow_strings
from fazhi_analysis.ingest.clean._rows import (
    Codes,
    ColumnKeys,
    Rows,
)
from fazhi_analysis.ingest.sheets import Sheet, column_letter
from fazhi_analysis.table import tidy
from fazhi_analysis.table.numbers import abbreviated

__all__ = [
    "Placed",
    "REASONS",
    "REASON_CODE",
    "REJECT_COLUMNS",
    "REJECT_DTYPES",
    "cell_sources",
    "dedupe_key",
    "kept_rows",
    "no_candidates",
    "no_rejects",
    "order_key",
    "reason_codes",
    "reject_messages",
    "rejected_rows",
    "rejects_table",
]

REASONS: dict[str, tuple[str, str]] = {
    "unknown_indicator": ("无法对应指标", "unknown indicator"),
    "unparsable": ("数值无法解析", "unparsable value"),
    "missing": ("空值标记", "missing marker"),
    "unit": ("单位不符", "unit mismatch"),
    "duplicate": ("重复", "duplicate"),
    "conflict": ("数值冲突", "conflicting values"),
    "total": ("合计行/列", "total row or column"),
    "unknown_column": ("无法识别的列", "unknown column"),
    "no_region": ("缺少地区", "region unknown"),
    "no_year": ("缺少年度", "year unknown"),
}


REJECT_DTYPES: dict[str, str] = {
    "source": "string",
    "region": "string",
    "year": "Int64",
    "indicator": "string",
    "label": "string",
    "column": "string",
    "raw": "string",
    "reason": "string",
    "message_zh": "string",
    "message_en": "string",
}


REJECT_COLUMNS = list(REJECT_DTYPES)


REASON_CODE = {r: k for k, r in enumerate(REASONS)}


class Placed(NamedTuple):
    """Per cell: its source (``file#sheet!C4``, Arrow) and its place in reading order."""

    source: pa.Array
    order: np.ndarray


def reason_codes(cells: Cells, keys: Keys, figures: Figures, columns: ColumnKeys, rows: Rows) -> np.ndarray:
    """Why each cell is rejected, as a position in :data:`REASONS` (the first that applies); -1 for a kept cell."""
    parsed = cells.parsed
    why = {
        "unknown_column": cells.in_unknown,
        "total": (columns.role == "total")[cells.cols] | rows.total[cells.rows],
        "missing": parsed["reason"] == R_MISSING,
        "unparsable": (parsed["reason"] == R_BAD) | ~np.isfinite(figures.value),  # inf, or 1e308 in 万元
        "unknown_indicator": keys.ind < 0,
        "no_region": keys.region < 0,
        "no_year": keys.year <= 0,
        "unit": ~figures.unit_ok,
    }
    return np.select(list(why.values()), [REASON_CODE[r] for r in why], default=-1)


def cell_sources(sheet: Sheet, rows: np.ndarray, cols: np.ndarray) -> pa.Array:
    """``file#sheet!A1`` for each cell (``rows`` of the file, 0-based), as an Arrow string array."""
    prefix = sheet.source_prefix
    if len(rows) == 0:
        return pa.array([], type=pa.string())
    heads = pa.array([prefix + column_letter(c) for c in range(int(cols.max()) + 1)], type=pa.string())
    return pc.binary_join_element_wise(pc.take(heads, pa.array(cols)), pc.cast(pa.array(rows + 1), pa.string()), "")


def order_key(sheet_order: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """One int64 per cell that sorts in reading order: sheet, row, column."""
    return (np.int64(sheet_order) << 40) + (rows.astype(np.int64) << 16) + cols.astype(np.int64)


def kept_rows(
    cells: Cells, keys: Keys, figures: Figures, placed: Placed, label: np.ndarray, ok: np.ndarray, codes: Codes
) -> pd.DataFrame:
    """The tidy rows of the kept cells, with ``_order`` and the dedupe ``_key``."""
    kept_ind, year, value = keys.ind[ok], keys.year[ok], figures.value[ok]
    kept = pd.DataFrame(
        {
            "region": codes.regions.strings(keys.region[ok]),
            "year": pd.arrays.IntegerArray(year, year <= 0),
            "indicator": Interner.of(catalog_arrays()[0]).strings(kept_ind),
            "value": pd.arrays.FloatingArray(value, np.isnan(value)),
            "unit": codes.units.strings(figures.unit[ok]),
            "approx": pd.arrays.BooleanArray(cells.parsed["approx"][ok], np.zeros(int(ok.sum()), bool)),
            "source": arrow_strings(placed.source.filter(pa.array(ok))),
            "raw": arrow_strings(cells.parsed["raw"].filter(pa.array(ok))),
            "label": codes.texts.strings(label[ok]),
            "section": section_strings(kept_ind),
        }
    )
    return tidy.conform(kept).assign(_order=placed.order[ok], _key=dedupe_key(keys.region[ok], year, kept_ind))


def rejected_rows(
    cells: Cells,
    keys: Keys,
    figures: Figures,
    placed: Placed,
    reason_code: np.ndarray,
    notes: np.ndarray,
    label: np.ndarray,
    columns: ColumnKeys,
    codes: Codes,
) -> pd.DataFrame:
    """The rejects table of the rejected cells, with messages; ``notes`` say why rejected rows match no indicator."""
    ids, accepted_of = catalog_arrays()[0], catalog_arrays()[5]
    bad = reason_code >= 0
    reason = np.array(list(REASONS), dtype=object)[reason_code[bad]]
    bad_ind, year = keys.ind[bad], keys.year[bad]
    bad_unit = codes.units.strings(figures.unit[bad]).to_numpy(object, na_value="")
    bad_raw = cells.parsed["raw"].filter(pa.array(bad)).to_pylist()
    bad_column = codes.texts.strings(columns.text[cells.cols[bad]]).to_numpy(object, na_value="")
    indicators = [ids[i] if i >= 0 else None for i in bad_ind]
    huge = cells.parsed["huge"][bad] | np.isinf(figures.value[bad])  # 400 digits, or 1e308 in 万元
    message_zh, message_en = reject_messages(
        reason, bad_raw, notes, bad_unit, indicators, accepted_of, bad_column, huge
    )
    table = {
        "source": arrow_strings(placed.source.filter(pa.array(bad))),
        "region": codes.regions.strings(keys.region[bad]),
        "year": pd.arrays.IntegerArray(year, year <= 0),
        "indicator": Interner.of(ids).strings(bad_ind),
        "label": codes.texts.strings(label[bad]),
        "column": bad_column,
        "raw": bad_raw,
        "reason": reason,
        "message_zh": message_zh,
        "message_en": message_en,
    }
    return rejects_table(table, placed.order[bad])


def reject_messages(
    reason: np.ndarray,
    raw: list[str | None],
    match_note: np.ndarray,
    unit: np.ndarray,
    indicator: list[str | None],
    accepted: Mapping[str, tuple[str, ...]],
    column: np.ndarray,
    huge: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Chinese and English messages of rejected cells (formatted per reason, vectorized)."""
    zh = np.empty(len(reason), dtype=object)
    en = np.empty(len(reason), dtype=object)
    raw = pd.Series(raw, dtype=object).fillna("")
    fixed = {
        "total": ("合计行或合计列不作为指标值", "a total is not an indicator value"),
        "no_region": ("无法确定地区，请加“地区”列或使用 --region", "region unknown: add a 地区 column or use --region"),
        "no_year": (
            "无法确定年度，请在表头写明年份或使用 --year",
            "year unknown: put the year in the header or use --year",
        ),
    }
    for r, (z, e) in fixed.items():
        zh[reason == r], en[reason == r] = z, e
    for r, z_fmt, e_fmt in (
        ("unparsable", "“{}”不是数值", "'{}' is not a figure"),
        ("missing", "“{}”表示无数据", "'{}' marks a missing value"),
    ):
        where = reason == r
        zh[where] = (z_fmt.split("{}")[0] + raw[where] + z_fmt.split("{}")[1]).to_numpy(object)
        en[where] = (e_fmt.split("{}")[0] + raw[where] + e_fmt.split("{}")[1]).to_numpy(object)
    for i in np.flatnonzero((reason == "unparsable") & huge):
        zh[i] = f"“{abbreviated(raw[i])}”数值过大，无法表示"
        en[i] = f"'{abbreviated(raw[i])}' is too large to represent"
    for i in np.flatnonzero((reason == "unparsable") & raw.str.startswith("=").to_numpy(bool)):
        zh[i] = f"公式“{raw[i]}”没有计算结果，请在 Excel 中打开并保存后再读取"
        en[i] = f"formula '{raw[i]}' has no cached value: open and save the workbook in Excel, then read it again"
    for i in np.flatnonzero(reason == "unknown_indicator"):
        note = match_note[i] or "无法对应到指标目录 / not in the catalog"
        zh[i], en[i] = note.split(" / ")[0], note.split(" / ")[-1]
    for i in np.flatnonzero(reason == "unit"):
        units = accepted.get(indicator[i], ())
        zh[i] = f"单位“{unit[i]}”不是 {indicator[i]} 的单位（{'、'.join(units)}）"
        en[i] = f"unit '{unit[i]}' is not a unit of {indicator[i]} ({', '.join(units)})"
    for i in np.flatnonzero(reason == "unknown_column"):
        zh[i] = f"无法识别列“{column[i]}”的含义（不是年度、地区或数值列）"
        en[i] = f"cannot tell what column '{column[i]}' holds (not a year, region or value column)"
    return zh, en


def no_candidates() -> pd.DataFrame:
    """An empty table of candidate rows (tidy columns, ``_order`` and ``_key``)."""
    return tidy.empty().assign(_order=np.zeros(0, np.int64), _key=np.zeros(0, np.int64))


def rejects_table(columns: Mapping[str, object], order: np.ndarray) -> pd.DataFrame:
    """A rejects table (:data:`REJECT_COLUMNS`, typed) from its columns, with ``_order``."""
    return pd.DataFrame(columns).astype(REJECT_DTYPES).assign(_order=order)


def no_rejects() -> pd.DataFrame:
    """An empty rejects table, with ``_order``."""
    return rejects_table({c: pd.Series([], dtype=object) for c in REJECT_COLUMNS}, np.zeros(0, np.int64))


def dedupe_key(region: np.ndarray, year: np.ndarray, ind: np.ndarray) -> np.ndarray:
    """One int64 per (region code, year, indicator position)."""
    return (region.astype(np.int64) << 32) + ((year.astype(np.int64) & 0xFFFF) << 16) + ind.astype(np.int64)
