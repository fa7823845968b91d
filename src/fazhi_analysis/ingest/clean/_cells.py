"""The cells read: parsed once per distinct text, their keys, and their values in the base unit."""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fazhi_analysis.ingest.clean._catalog import accepted_matrix, catalog_arrays
from fazhi_analysis.ingest.clean._codes import Interner, arrow_strings
from fazhi_analysis.ingest.clean._layout import Layout, Roles
from fazhi_analysis.ingest.clean._rows import (
    NO_REL,
    ColumnKeys,
    Matches,
    RowKeys,
    Rows,
)
from fazhi_analysis.ingest.sheet_layout import (
    figure_mask,
    unit_factor,
)
from fazhi_analysis.ingest.sheets import Sheet
from fazhi_analysis.table.numbers import MISSING, TOO_LARGE, parse_values
from fazhi_analysis.table.wording import format_number

__all__ = [
    "Cells",
    "Figures",
    "Keys",
    "R_BAD",
    "R_MISSING",
    "R_OK",
    "apply_units",
    "cell_figures",
    "cell_keys",
    "parse_cells",
    "read_cells",
    "row_base_units",
]

_MULT_IN_CELL = re.compile(r"[0-9一二三四五六七八九十两][余多]?[万亿千]")


R_OK, R_MISSING, R_BAD = 0, 1, 2


class Cells(NamedTuple):
    """The cells read: row (in the data block) and column of each, parsed, and whether the column is unknown."""

    rows: np.ndarray
    cols: np.ndarray
    parsed: dict[str, np.ndarray]
    in_unknown: np.ndarray


class Keys(NamedTuple):
    """Per cell: its indicator (catalog position, -1: none), region code (-1: none) and year (0 or less: none)."""

    ind: np.ndarray
    region: np.ndarray
    year: np.ndarray


class Figures(NamedTuple):
    """Per cell: the value in the base unit, the unit code, and whether the indicator accepts that unit."""

    value: np.ndarray
    unit: np.ndarray
    unit_ok: np.ndarray


def read_cells(
    sheet: Sheet, layout: Layout, roles: Roles, rows: Rows, columns: ColumnKeys, units: Interner
) -> Cells | None:
    """Every non-empty cell of a value, total or unknown column outside note rows, parsed; None if there is none.

    Text in a column not understood is not a figure: such cells are left out.
    """
    cell_cols = np.array(sorted(roles.values + roles.rejects), dtype=int)
    if len(rows.label) == 0 or len(cell_cols) == 0:
        return None
    mask = rows.present[:, cell_cols]
    mask[rows.skip] = False
    ri, cj = np.nonzero(mask)
    ci = cell_cols[cj]
    percent = sheet.percent[layout.first :][ri, ci] if sheet.percent is not None else None
    parsed = parse_cells(sheet.values[layout.first :][ri, ci], percent, units)
    in_unknown = (columns.role == "unknown")[ci]
    keep = ~in_unknown | parsed["figure"]
    if not keep.all():
        ri, ci = ri[keep], ci[keep]
        parsed = {k: (v.filter(pa.array(keep)) if isinstance(v, pa.Array) else v[keep]) for k, v in parsed.items()}
        in_unknown = in_unknown[keep]
    return Cells(ri, ci, parsed, in_unknown)


def parse_cells(flat: np.ndarray, percent: np.ndarray | None, units: Interner) -> dict[str, np.ndarray]:
    """Per cell: value, unit code, approx, reason code, raw text (Arrow), has-multiplier, percent format, figure,
    and whether the number is too large to represent.

    Strings are parsed once per distinct string (Arrow dictionary encoding); Excel numbers are taken as they are.
    """
    n = len(flat)
    numbers = None
    try:
        raw = pa.array(flat, type=pa.string())  # the common case: every cell is text (CSV)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        numbers = np.fromiter((type(v) is not str for v in flat), dtype=bool, count=n)
        texts = flat.copy()
        texts[numbers] = [format_number(v, None) for v in flat[numbers]]
        raw = pa.array(texts, type=pa.string())
    encoded = pc.dictionary_encode(raw)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    uniques = arrow_strings(encoded.dictionary)
    parsed = parse_values(uniques)
    why = parsed["reason"]
    reason_u = np.where(why.isna(), R_OK, np.where((why == MISSING).fillna(False).to_numpy(bool), R_MISSING, R_BAD))
    value = parsed["value"].to_numpy(dtype=float, na_value=np.nan)[codes]
    unit = units.codes(parsed["unit"].to_numpy(dtype=object, na_value=""))[codes]
    approx = parsed["approx"].to_numpy(dtype=bool, na_value=False)[codes]
    reason = reason_u.astype(np.int8)[codes]
    has_mult = uniques.str.contains(_MULT_IN_CELL.pattern, regex=True).to_numpy(bool, na_value=False)[codes]
    figure = figure_mask(parsed)[codes]
    huge = (why == TOO_LARGE).to_numpy(bool, na_value=False)[codes]
    pct = np.zeros(n, dtype=bool)
    if numbers is not None and numbers.any():
        value[numbers] = flat[numbers].astype(float)
        unit[numbers] = units.code("")
        approx[numbers] = has_mult[numbers] = huge[numbers] = False
        reason[numbers] = R_OK
        figure[numbers] = True
        if percent is not None:
            pct[numbers] = percent[numbers]
    return {
        "value": value,
        "unit": unit,
        "approx": approx,
        "reason": reason,
        "raw": raw,
        "has_mult": has_mult,
        "percent": pct,
        "figure": figure,
        "huge": huge,
    }


def row_base_units(cells: Cells, row_keys: RowKeys, columns: ColumnKeys, n: int, units: Interner) -> list[str | None]:
    """Per row, the base unit its figures are written in (元 for 万元, %), when they agree on one; else None.

    A cell's unit: its own (``3件``), else the row's (unit column, the label's ``（件）``), else its
    column header's, else ``%`` for Excel's percent format. Only value columns count.
    """
    parsed = cells.parsed
    empty, percent = units.code(""), units.code("%")
    declared = np.where(row_keys.unit[cells.rows] >= 0, row_keys.unit[cells.rows], columns.unit[cells.cols])
    unit = np.where(parsed["unit"] != empty, parsed["unit"], declared)
    unit = np.where((unit < 0) & parsed["percent"], percent, unit)
    use = (unit >= 0) & (unit != empty) & (columns.role == "value")[cells.cols] & (parsed["reason"] == R_OK)
    bases = Interner()
    base_of = np.array([bases.code(unit_factor(t)[1] or None) for t in units.items] + [-1], dtype=np.int64)
    base = np.where(use, base_of[unit], -1)
    low = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(n, -1, dtype=np.int64)
    where = base >= 0
    np.minimum.at(low, cells.rows[where], base[where])
    np.maximum.at(high, cells.rows[where], base[where])
    return [bases.items[h] if h >= 0 and h == lo else None for lo, h in zip(low.tolist(), high.tolist())]


def cell_keys(
    cells: Cells,
    matches: Matches,
    row_keys: RowKeys,
    columns: ColumnKeys,
    transposed: bool,
    sheet_region: int,
    sheet_year: int | None,
) -> Keys:
    """Indicator, region and year of each cell: its column's, else its row's, else the sheet's."""
    ri, ci = cells.rows, cells.cols
    ind = columns.ind[ci] if transposed else matches.ind[ri]
    region = columns.region[ci]
    region = np.where(region >= 0, region, row_keys.region[ri])
    region = np.where(region >= 0, region, sheet_region)
    base_year = np.where(row_keys.year[ri] > 0, row_keys.year[ri], sheet_year or 0)
    rel = columns.rel[ci]
    relative = np.where(rel != NO_REL, np.where(base_year > 0, base_year + rel, 0), base_year)
    year = np.where(columns.year[ci] > 0, columns.year[ci], relative)
    return Keys(ind, region, year)


def cell_figures(cells: Cells, keys: Keys, row_keys: RowKeys, columns: ColumnKeys, units: Interner) -> Figures:
    """Each cell's value and unit with the row's or column's declared unit applied, and whether the unit fits."""
    declared = np.where(row_keys.unit[cells.rows] >= 0, row_keys.unit[cells.rows], columns.unit[cells.cols])
    value, unit = apply_units(cells.parsed, declared, keys.ind, units)
    return Figures(value, unit, accepted_matrix(units)[keys.ind, unit])


def apply_units(
    parsed: dict[str, np.ndarray], declared: np.ndarray, ind: np.ndarray, units: Interner
) -> tuple[np.ndarray, np.ndarray]:
    """Final value and unit code of each cell; see the module docstring for the order of priority."""
    with np.errstate(over="ignore", invalid="ignore"):  # 1e308 in 万元 becomes inf, rejected as unparsable
        return _scaled(parsed, declared, ind, units)


def _scaled(
    parsed: dict[str, np.ndarray], declared: np.ndarray, ind: np.ndarray, units: Interner
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`apply_units`, with numpy's overflow warnings left to the caller."""
    _, _, kinds_of, base_unit_of, _, _ = catalog_arrays()
    empty, percent = units.code(""), units.code("%")
    factors = np.ones(len(units.items) + 1)
    bases = np.full(len(units.items) + 1, empty, dtype=np.int64)
    for code, text in enumerate(list(units.items)):
        factor, base = unit_factor(text)
        factors[code], bases[code] = factor, units.code(base)
    value = parsed["value"].copy()
    unit = parsed["unit"].copy()
    use = (unit == empty) & (declared >= 0)
    value = np.where(use & ~parsed["has_mult"], value * factors[declared], value)
    unit = np.where(use, bases[declared], unit)
    pct = parsed["percent"]
    value = np.where(pct, value * 100, value)
    unit = np.where(pct, percent, unit)
    is_rate = np.append(kinds_of == "rate", False)[ind]
    base_code = np.array([units.code(u) for u in base_unit_of] + [empty], dtype=np.int64)[ind]
    still = unit == empty
    rate = still & is_rate
    value = np.where(rate & (value >= 0) & (value <= 1), value * 100, value)
    unit = np.where(rate, percent, unit)
    unit = np.where(still & ~rate & (ind >= 0), base_code, unit)
    # Scaling by 10^k leaves binary noise (0.57 × 100 = 56.99999999999999): round it away.
    scaled = value != parsed["value"]
    value = np.where(scaled, np.round(value, 8), value)
    return value, unit
