"""One sheet cleaned in stages.

Each stage hands the next a small named value: the layout (header, column roles, the region and
year the sheet tells), the roles the columns are used in, the kinds of the data rows, the rows'
indicators and keys, the cells read, their keys and figures, and last the tidy rows and rejects.
Per-row and per-column facts are worked out once (labels, matches, units, regions, years) and carried
to the cells as integer codes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from fazhi_analysis.ingest.clean._cells import (
    cell_figures,
    cell_keys,
    read_cells,
    row_base_units,
)
from fazhi_analysis.ingest.clean._codes import Interner
from fazhi_analysis.ingest.clean._duplicates import keys_distinct
from fazhi_analysis.ingest.clean._layout import Plan
from fazhi_analysis.ingest.clean._rejects import (
    Placed,
    cell_sources,
    kept_rows,
    no_candidates,
    no_rejects,
    order_key,
    reason_codes,
    rejected_rows,
)
from fazhi_analysis.ingest.clean._rows import (
    Codes,
    classify_rows,
    match_rows,
    read_column_keys,
    read_row_keys,
)
from fazhi_analysis.ingest.sheets import Sheet

__all__ = ["SheetRows", "clean_sheet"]


class SheetRows(NamedTuple):
    """What one sheet gives: tidy rows (with ``_order`` and ``_key``), rejects, and whether no key can repeat."""

    kept: pd.DataFrame
    rejects: pd.DataFrame
    distinct: bool


def clean_sheet(
    sheet: Sheet, order: int, plan: Plan, *, threshold: float, regions: Interner, group: str | None = None
) -> tuple[SheetRows, str | None]:
    """Tidy rows and rejected cells of one sheet (or part of one), whether its layout rules out repeated keys,
    and the label of the last group row, which a following part continues (``group``: the one before it).
    """
    layout = plan.layout if sheet.first_row == 0 else plan.layout._replace(first=0)  # a later part: all data
    roles = plan.roles
    rows = classify_rows(sheet, layout, roles, group)
    codes = Codes(regions, Interner(), Interner())
    row_keys = read_row_keys(sheet.filled[layout.first :], roles, rows, codes)
    columns = read_column_keys(layout.cols, roles, codes)
    sheet_region = codes.regions.code(layout.region)
    cells = read_cells(sheet, layout, roles, rows, columns, codes.units)
    if cells is None:
        return SheetRows(no_candidates(), no_rejects(), True), rows.last_group
    row_units = row_base_units(cells, row_keys, columns, len(rows.label), codes.units)
    matches = match_rows(sheet, layout, roles, rows, threshold, row_units)
    keys = cell_keys(cells, matches, row_keys, columns, roles.transposed, sheet_region, layout.year)
    figures = cell_figures(cells, keys, row_keys, columns, codes.units)
    reason = reason_codes(cells, keys, figures, columns, rows)
    rows_abs = cells.rows + layout.first + sheet.first_row
    placed = Placed(cell_sources(sheet, rows_abs, cells.cols), order_key(order, rows_abs, cells.cols))
    ok = reason < 0
    label = columns.text[cells.cols] if roles.transposed else row_keys.label[cells.rows]
    kept = kept_rows(cells, keys, figures, placed, label, ok, codes)
    if roles.transposed:
        notes = np.array([layout.cols.indicator_note[c] for c in cells.cols[~ok]], dtype=object)
    else:
        notes = matches.note[cells.rows[~ok]]
    rejects = rejected_rows(cells, keys, figures, placed, reason, notes, row_keys.label[cells.rows], columns, codes)
    row_side = {
        "region": np.where(row_keys.region >= 0, row_keys.region, sheet_region),
        "year": np.where(row_keys.year > 0, row_keys.year, layout.year or 0),
        "ind": matches.ind,
    }
    col_side = {"region": columns.region, "year": columns.year, "ind": columns.ind}
    distinct = keys_distinct(cells.rows[ok], cells.cols[ok], roles.transposed, row_side, col_side, columns.rel)
    return SheetRows(kept, rejects, distinct), rows.last_group
