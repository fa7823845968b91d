"""The data rows of a sheet: their kind (note, total, group), their indicators, and the keys rows and columns give."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from fazhi_analysis.ingest.clean._catalog import catalog_arrays
from fazhi_analysis.ingest.clean._codes import Interner, first_text, map_unique, per_code, text_codes
from fazhi_analysis.ingest.clean._layout import Layout, Roles
from fazhi_analysis.ingest.match import match_one, normalize_label, trailing_unit
from fazhi_analysis.ingest.sheet_layout import (
    NOTE,
    TOTAL,
    Columns,
    clean_region,
    plain_text,
    unit_like,
    year_in,
)
from fazhi_analysis.ingest.sheets import Sheet

__all__ = [
    "Codes",
    "ColumnKeys",
    "Matches",
    "NO_REL",
    "RowKeys",
    "Rows",
    "classify_rows",
    "first_column",
    "match_row",
    "match_rows",
    "read_column_keys",
    "read_row_keys",
]

NO_REL = 99


class Rows(NamedTuple):
    """Per data row: its label, what kind of row it is, and the group row above it."""

    present: np.ndarray  # non-empty cells of the data block
    label: np.ndarray  # code of the row's label into ``label_texts`` (-1: none)
    label_texts: list[str]
    total: np.ndarray  # total rows (合计): their figures are rejected
    skip: np.ndarray  # note rows and repeated headers: not read
    has_values: np.ndarray  # rows with a cell in a value column
    group: np.ndarray  # label code of the group row above (-1: none)
    context: list[tuple[np.ndarray, list[str]]]  # the group and the other name columns, as codes and texts
    last_group: str | None  # the label of the group the last row is in, for the next part of a long CSV


class Matches(NamedTuple):
    """Per row: its indicator (a catalog position, -1 for none) and, when it has none, why."""

    ind: np.ndarray
    note: np.ndarray


class Codes(NamedTuple):
    """The string tables of a sheet; ``regions`` is shared by all sheets, so that region codes make one key."""

    regions: Interner
    units: Interner
    texts: Interner


class RowKeys(NamedTuple):
    """Per row, as codes: the declared unit, the region, the year (0: none) and the label."""

    unit: np.ndarray
    region: np.ndarray
    year: np.ndarray
    label: np.ndarray


class ColumnKeys(NamedTuple):
    """Per column, as codes: indicator, year (0: none), relative year, region, unit, header text and role."""

    ind: np.ndarray
    year: np.ndarray
    rel: np.ndarray  # -1 for 上年, 0 for 本年, NO_REL for neither
    region: np.ndarray
    unit: np.ndarray
    text: np.ndarray
    role: np.ndarray


def classify_rows(sheet: Sheet, layout: Layout, roles: Roles, group: str | None = None) -> Rows:
    """Label and kind (note, total, repeated header, group) of each data row, worked out once per distinct label.

    ``group``: the label of the group row above the first row (in the part of a long CSV before this one).
    """
    block_filled = sheet.filled[layout.first :]  # views, not copies
    block_values = sheet.values[layout.first :]
    present = pd.notna(block_values)
    n = len(block_values)
    lab_codes, lab_texts = text_codes(block_filled, roles.label)
    if group is not None and group not in lab_texts:
        lab_texts.append(group)
    above = lab_texts.index(group) if group is not None else -1
    row_nonempty = present.any(axis=1) if n else np.zeros(0, bool)
    first = first_text(block_filled, present if sheet.filled is sheet.values else None)
    is_note = map_unique(first, lambda t: bool(NOTE.match(plain_text(t))), False).astype(bool) & row_nonempty
    norm = [normalize_label(t) for t in lab_texts]
    is_total = per_code(lab_codes, [bool(TOTAL.match(t)) for t in norm], False, bool)
    is_repeat_header = per_code(
        lab_codes, [t in ("指标名称", "指标", "名称", "项目", "指标编号") for t in norm], False, bool
    )
    has_values = present[:, roles.values].any(axis=1) if roles.values else np.zeros(n, bool)
    is_group = (lab_codes >= 0) & ~has_values & ~is_note & ~is_total
    last_group = np.maximum.accumulate(np.where(is_group, np.arange(n), -1)) if n else np.zeros(0, np.int64)
    group_codes = np.where(last_group >= 0, lab_codes[np.maximum(last_group, 0)], above)
    context = [(group_codes, lab_texts)] + [text_codes(block_filled, c) for c in roles.names[:-1]]  # 类别 too
    last = lab_texts[group_codes[-1]] if n and group_codes[-1] >= 0 else group
    return Rows(
        present, lab_codes, lab_texts, is_total, is_note | is_repeat_header, has_values, group_codes, context, last
    )


def match_rows(
    sheet: Sheet, layout: Layout, roles: Roles, rows: Rows, threshold: float, units: list[str | None]
) -> Matches:
    """Each row's indicator: by its id, else by its label in context and unit (once per distinct combination).

    ``units``: per row, the base unit of its figures when known (see :func:`row_base_units`).
    """
    n = len(rows.label)
    row_ind = np.full(n, -1, dtype=np.int32)
    row_note = np.full(n, "", dtype=object)
    if roles.transposed:
        return Matches(row_ind, row_note)
    id_index = catalog_arrays()[1]
    id_codes, id_texts = text_codes(sheet.filled[layout.first :], roles.ids[0] if roles.ids else None)
    row_ind = per_code(id_codes, [id_index.get(t, -1) for t in id_texts], -1, np.int32)
    need = (row_ind < 0) & rows.has_values & ~rows.skip & ~rows.total
    if need.any():
        # Match once per distinct (label, context, unit) combination.
        unit_codes, unit_texts = pd.factorize(np.array(units, dtype=object))
        key = rows.label.astype(np.int64) + 1
        for codes, texts in [*rows.context, (unit_codes, unit_texts)]:
            key = key * (len(texts) + 1) + (codes + 1)
        pair_codes, _ = pd.factorize(key[need])
        _, first_of_pair = np.unique(pair_codes, return_index=True)
        found = [match_row(rows, r, layout.context, threshold, units[r]) for r in np.flatnonzero(need)[first_of_pair]]
        row_ind[need] = np.array([id_index.get(f[0], -1) if f[0] else -1 for f in found], dtype=np.int32)[pair_codes]
        row_note[need] = np.array([f[2] for f in found], dtype=object)[pair_codes]
    bad_ids = (id_codes >= 0) & (row_ind < 0) & rows.has_values
    row_note[bad_ids] = [
        f"指标编号“{id_texts[i]}”不在目录中 / unknown indicator id '{id_texts[i]}'" for i in id_codes[bad_ids]
    ]
    return Matches(row_ind, row_note)


def match_row(
    rows: Rows, r: int, context_prefix: str, threshold: float, unit: str | None
) -> tuple[str | None, float, str]:
    """:func:`match_one` for row ``r``: its label in its context, else its group's words with its own."""
    label = rows.label_texts[rows.label[r]] if rows.label[r] >= 0 else ""
    context = " ".join([context_prefix, *(t[c[r]] for c, t in rows.context if c[r] >= 0)]).strip()
    got = match_one(label, context, float(threshold), unit)
    if got[0] is None and rows.group[r] >= 0 and label:
        # 收到申请 under 行政复议: try the group's words with the label's.
        joined = normalize_label(rows.label_texts[rows.group[r]]) + normalize_label(label)
        retry = match_one(joined, context, float(threshold), unit)
        got = retry if retry[0] is not None else got
    return got


def read_row_keys(block: np.ndarray, roles: Roles, rows: Rows, codes: Codes) -> RowKeys:
    """Each row's declared unit (unit column, else the label's ``（万元）``), region, year and label, as codes."""
    units, role = codes.units, roles.role
    unit_codes, unit_texts = text_codes(block, first_column(role, "unit"))
    from_unit_col = per_code(unit_codes, [units.code(unit_like(t)) for t in unit_texts], -1, np.int64)
    from_label = per_code(rows.label, [units.code(unit_like(trailing_unit(t))) for t in rows.label_texts], -1, np.int64)
    region_codes, region_texts = text_codes(block, first_column(role, "region"))
    year_codes, year_texts = text_codes(block, first_column(role, "year"))
    return RowKeys(
        unit=np.where(unit_codes >= 0, from_unit_col, from_label),
        region=per_code(region_codes, [codes.regions.code(clean_region(t)) for t in region_texts], -1, np.int64),
        year=per_code(year_codes, [year_in(t) or 0 for t in year_texts], 0, np.int64),
        label=per_code(rows.label, [codes.texts.code(t) for t in rows.label_texts], -1, np.int64),
    )


def first_column(role: list[str], wanted: str) -> int | None:
    """The first column of role ``wanted``, if any."""
    return next((c for c in range(len(role)) if role[c] == wanted), None)


def read_column_keys(cols: Columns, roles: Roles, codes: Codes) -> ColumnKeys:
    """What each column's header says (indicator, year, region, unit), as codes."""
    id_index = catalog_arrays()[1]
    return ColumnKeys(
        ind=np.array([id_index.get(i, -1) if i else -1 for i in cols.indicator], dtype=np.int32),
        year=np.array([y or 0 for y in cols.year], dtype=np.int64),
        rel=np.array([NO_REL if r is None else r for r in cols.rel], dtype=np.int64),
        region=codes.regions.codes(np.array(cols.region, dtype=object)),
        unit=codes.units.codes(np.array(cols.unit, dtype=object)),
        text=codes.texts.codes(np.array(cols.text, dtype=object)),
        role=np.array(roles.role, dtype=object),
    )
