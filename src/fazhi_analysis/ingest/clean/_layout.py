"""A sheet's layout: its header, what each column holds, and the region and year the sheet tells."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.sheet_layout import (
    HEADER_SCAN_ROWS,
    NUMBER,
    Columns,
    cell_kinds,
    column_roles,
    find_header,
    guess_name_column,
    has_figures,
    region_in,
    year_in,
)
from fazhi_analysis.ingest.sheets import Sheet

__all__ = ["Layout", "Plan", "Roles", "assign_roles", "find_layout", "make_plan", "value_columns"]


class Layout(NamedTuple):
    """Where a sheet's data starts, what its header says of each column, and what the sheet as a whole tells."""

    first: int  # the first row under the header
    cols: Columns
    context: str  # the sheet name and the text above the header: context for matching labels
    region: str | None
    year: int | None


class Roles(NamedTuple):
    """What the columns are used for, once guesses have filled what the header does not say."""

    role: list[str]  # per column: name, id, unit, region, year, value, indicator, total, unknown …
    names: list[int]  # columns of indicator names: the last labels the rows, the others are context (类别)
    ids: list[int]
    values: list[int]  # columns whose cells are the figures read
    rejects: list[int]  # total and unknown columns: their figures are rejected
    transposed: bool  # indicators as columns, a row per region or year
    label: int | None  # the column whose text labels each row


class Plan(NamedTuple):
    """How a sheet is read, found once from its top: the layout and the roles of its columns."""

    layout: Layout
    roles: Roles


def make_plan(sheet: Sheet, *, region: str | None, year: int | None, threshold: float) -> Plan | None:
    """The :class:`Plan` of a sheet (of the first part of a long CSV); None for a sheet without figures."""
    layout = find_layout(sheet, region=region, year=year, threshold=threshold)
    return None if layout is None else Plan(layout, assign_roles(sheet, layout))


def find_layout(sheet: Sheet, *, region: str | None, year: int | None, threshold: float) -> Layout | None:
    """The header and column roles of a sheet, and the region and year it tells; None for a sheet without figures.

    Region and year: those given, else the sheet name's, the title rows', the file name's.

    Raises:
        InputError: the sheet has figures but no header row.
    """
    values, filled = sheet.values, sheet.filled
    if values.size == 0:
        return None
    scan = min(len(values), HEADER_SCAN_ROWS + 40)
    kinds = cell_kinds(filled[:scan])
    header = find_header(filled[:scan], kinds, threshold)
    if header is None:
        if (kinds == NUMBER).any():
            raise InputError(
                f"{sheet.path_where}: 找不到表头行（应有“指标名称”“单位”“数值”或年份、地区等列名）/ "
                "no header row found (expected column names such as 指标名称, 单位, 数值, a year or a region)"
            )
        return None
    h0, h1 = header
    preamble = " ".join(str(v) for v in filled[:h0].ravel() if isinstance(v, str))
    cols = column_roles(filled[h0 : h1 + 1], threshold)
    stem = Path(sheet.label).stem
    return Layout(
        first=h1 + 1,
        cols=cols,
        context=" ".join(x for x in (sheet.name or "", preamble) if x),
        region=region or region_in(sheet.name) or region_in(preamble) or region_in(stem),
        year=year or year_in(sheet.name) or year_in(preamble) or year_in(stem),
    )


def assign_roles(sheet: Sheet, layout: Layout) -> Roles:
    """Name, id, value and reject columns; a name or value column the header does not name is guessed.

    Raises:
        InputError: no column of indicator names.
    """
    role = list(layout.cols.role)
    columns = range(len(role))
    name_cols = [c for c in columns if role[c] == "name"]
    id_cols = [c for c in columns if role[c] == "id"]
    indicator_cols = [c for c in columns if role[c] == "indicator"]
    transposed = not name_cols and not id_cols and bool(indicator_cols)
    if not name_cols and not id_cols and not transposed:
        guess = guess_name_column(sheet.filled[layout.first : layout.first + 200], layout.cols)
        if guess is None:
            raise InputError(f"{sheet.path_where}: 找不到指标名称列 / no column of indicator names found")
        name_cols = [guess]
        role[guess] = "name"
    if transposed:
        value_cols = indicator_cols
        key_cols = [c for c in columns if role[c] in ("region", "year")]
        label = key_cols[0] if key_cols else None
    else:
        value_cols = value_columns(sheet.values[layout.first : layout.first + 2000], role, indicator_cols)
        label = name_cols[-1] if name_cols else None
    reject_cols = [c for c in columns if role[c] in ("total", "unknown")]
    return Roles(role, name_cols, id_cols, value_cols, reject_cols, transposed, label)


def value_columns(sample: np.ndarray, role: list[str], indicator_cols: list[int]) -> list[int]:
    """The value columns of a sheet with a row per indicator (updates ``role``).

    Headers that name an indicator are unknown columns here; without a value column, the one
    unknown column holding figures (in ``sample``, the first data rows) is it.
    """
    columns = range(len(role))
    value_cols = [c for c in columns if role[c] == "value"]
    for c in indicator_cols:
        role[c] = "unknown"
    if not value_cols:
        unknown = [c for c in columns if role[c] == "unknown" and has_figures(sample[:, c])]
        if len(unknown) == 1:
            role[unknown[0]] = "value"
            value_cols = unknown
    return value_cols
