"""Clean departments' messy indicator spreadsheets (CSV, XLSX) into the tidy table, with rejects.

How a sheet is read:

* **Title, metadata and note rows** above the header (one merged line, ``填报单位：…``) are skipped;
  their text still tells the region and year (``达坂城区2024年度法治政府建设指标``).
* **Header**: the first row with two or more different labels, no figure, and a word a header
  uses (指标名称, 单位, 数值, 地区, 年度, 备注 …), a year (``2023年``, ``2024年度``, ``2024``), a
  region (``甲区``), or indicator names. The rows under it that add years or regions (merged
  headers) join it. (Header and column roles: :mod:`fazhi_analysis.ingest.sheet_layout`.) Columns of targets,
  changes, ranks or part-year periods (``2024年目标``, ``同比增长``, ``2024年1-6月``) are not the
  year's figure: their figures are rejected as ``unknown_column``.
* **Layouts**: long (a row per indicator, a value column, maybe 地区/年度/单位 columns); wide by
  year or by region (``2023年 | 2024年``, ``甲区 | 乙区``, or both on two header rows); the
  fill-in template (``本年数值`` / ``上年数值``); and indicators as columns, a row per region or year.
* **Rows**: note rows (``注：``, ``填表人``) are skipped; group rows (a label, no values) give
  context to the rows under them (``行政复议`` above ``结案``; ``收到申请`` is matched as
  ``行政复议收到申请`` when it does not match alone); total rows (合计, 总计, 小计) are
  rejected, since a total of mixed indicators is not an indicator.
* **Indicator names** are matched to the catalog by :mod:`fazhi_analysis.ingest.match` (ids, names,
  aliases, then fuzzy matching above a threshold), with the unit of the row's figures: ``行政诉讼败诉``
  with ``件`` is the count (行政诉讼败诉案件), with ``%`` the rate.
* **Values** go through :func:`fazhi_analysis.table.numbers.parse_values` (``1,234``, ``12余``,
  ``3.5万``, ``百分之九十八``, ``—``). Units, by priority: written in the cell; the unit column
  or the label's ``（万元）``; the column header's ``（万元）``; else the catalog's base unit.
  万/亿 are folded into the value (``12.5`` in a ``万元`` column → 125000 元).
* **Rates** are kept in percent points. A value with ``%`` (in the cell, the unit column, the
  header, or Excel's percent format, which stores 98% as 0.98) is read as written. A rate with
  no unit anywhere is read as a fraction when it lies in 0–1 (``0.98`` → 98 %), else as percent
  points (``98`` → 98 %). Write ``1%`` to mean one percent.
* **Region and year**, by priority: columns (地区/年度) and headers (``2024年``, ``甲区``); then
  ``--region``/``--year``; then the sheet name, the title rows, the file name.

Every non-empty cell in a value column ends in exactly one of the tidy table and the rejects
table, whose ``reason`` is one of :data:`REASONS`. Several cells giving the same region, year and
indicator: equal values keep the first (an exact figure before an approximate one) and reject the
others as ``duplicate``; different values reject all of them as ``conflict``.

Example:
    >>> result = clean_files(["dept.xlsx"], year=2024)          # doctest: +SKIP
    >>> result.table.columns.tolist()[:4], result.summary()     # doctest: +SKIP
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.discover import expand_paths, source_name
from fazhi_analysis.ingest.match import DEFAULT_THRESHOLD, match_one, normalize_label, trailing_unit
from fazhi_analysis.ingest.sheet_layout import (
    HEADER_SCAN_ROWS,
    NOTE,
    NUMBER,
    TOTAL,
    Columns,
    cell_kinds,
    clean_region,
    column_roles,
    figure_mask,
    find_header,
    guess_name_column,
    has_figures,
    plain_text,
    region_in,
    unit_factor,
    unit_like,
    year_in,
)
from fazhi_analysis.ingest.sheets import Sheet, column_letter, iter_sheets
from fazhi_analysis.table import catalog, tidy
from fazhi_analysis.table.numbers import MISSING, TOO_LARGE, abbreviated, parse_values
from fazhi_analysis.table.wording import format_number, plain_figure

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

_MULT_IN_CELL = re.compile(r"[0-9一二三四五六七八九十两][余多]?[万亿千]")


@dataclass
class CleanResult:
    """The outcome of cleaning: the tidy table, the rejected cells, and counts for the summary line."""

    table: pd.DataFrame
    rejects: pd.DataFrame
    files: int = 0
    sheets: int = 0
    skipped: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # hidden sheets, not read

    @property
    def cells(self) -> int:
        """Value cells read: every one is in ``table`` or in ``rejects``."""
        return len(self.table) + len(self.rejects)

    def summary(self) -> str:
        """One bilingual line: cells read, tidy rows, rejects by reason."""
        found = self.rejects["reason"].value_counts()
        counts = {r: int(found[r]) for r in REASONS if r in found.index}
        parts_zh = "，".join(f"{REASONS[r][0]} {n}" for r, n in counts.items())
        parts_en = ", ".join(f"{REASONS[r][1]} {n}" for r, n in counts.items())
        return (
            f"{self.files} 个文件 {self.sheets} 个工作表：{self.cells} 个数值单元格 → 整洁表 {len(self.table)} 行，"
            f"拒收 {len(self.rejects)} 个"
            + (f"（{parts_zh}）" if parts_zh else "")
            + f" / {self.files} files, {self.sheets} sheets: {self.cells} value cells → {len(self.table)} tidy rows, "
            f"{len(self.rejects)} rejected" + (f" ({parts_en})" if parts_en else "") + _hidden_note(self.hidden)
        )


def _hidden_note(hidden: Sequence[str]) -> str:
    """What a summary says of hidden sheets: that they were not read, and which."""
    if not hidden:
        return ""
    return f"；隐藏的工作表未读 / hidden sheets not read: {'、'.join(hidden)}"


def clean_files(
    paths: Sequence[str | Path],
    *,
    region: str | None = None,
    year: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    root: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    defaults: Mapping[Path, tuple[str | None, int | None]] | None = None,
    max_cells: int | None = None,
    max_unzipped_bytes: int | None = None,
    max_text_bytes: int | None = None,
    keep_conflicts: bool = False,
) -> CleanResult:
    """Clean CSV/XLSX files (folders are searched for them) into one tidy table and its rejects.

    Args:
        paths: files or folders.
        region, year: used when a sheet's cells and headers do not say (before sheet and file names).
        threshold: fuzzy matching threshold for indicator names, 0–100.
        root: sources name files relative to this folder (default: the file name only).
        progress: called with one line per file read (e.g. ``print`` to stderr).
        defaults: per-file (region, year) used instead of ``region``/``year`` (e.g. from sidecars).
        max_cells, max_unzipped_bytes, max_text_bytes: limits of each file (cells of a workbook,
            decompressed bytes of an XLSX, bytes of a CSV); None for the defaults of
            :func:`fazhi_analysis.ingest.sheets.read_sheets`.
        keep_conflicts: as for :func:`clean_sheets`.

    Raises:
        InputError: a file is missing, empty, unreadable, of another type, beyond a limit, or has no header row.

    Example:
        >>> r = clean_files(["tests/fixtures/clean/long_wanyuan.csv"])   # doctest: +SKIP
        >>> r.summary()                                                  # doctest: +SKIP
    """
    files = expand_paths(paths)
    limits = {"max_cells": max_cells, "max_unzipped_bytes": max_unzipped_bytes, "max_text_bytes": max_text_bytes}

    def sheets() -> Iterator[Sheet]:  # one file's sheets at a time, a long CSV in parts
        for number, path in enumerate(files, 1):
            label = source_name(path, root)
            if progress:
                progress(f"[{number}/{len(files)}] 读取 / reading {label} …")
            yield from iter_sheets(path, label=label, **limits)

    result = clean_sheets(
        sheets(), region=region, year=year, threshold=threshold, defaults=defaults, keep_conflicts=keep_conflicts
    )
    result.files = len(files)
    return result


def clean_frame(
    frame: pd.DataFrame,
    *,
    name: str = "table",
    region: str | None = None,
    year: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> CleanResult:
    """Clean a raw grid held in a DataFrame, header rows included (e.g. ``pd.read_excel(f, header=None)``).

    ``name`` stands for the file in sources (``table#C4``) and may tell region and year. The frame is
    not modified.

    Example:
        >>> grid = pd.DataFrame([["指标名称", "2024年"], ["行政应诉案件", "5"]])
        >>> clean_frame(grid, region="甲区").table["value"].tolist()
        [5.0]
    """
    cells = frame.to_numpy(dtype=object, copy=True)
    for index, value in np.ndenumerate(cells):
        if isinstance(value, str):
            cells[index] = value.strip() or None
        elif value is not None and pd.isna(value):
            cells[index] = None
    sheet = Sheet(Path(name), name, None, cells, cells, None)
    return clean_sheets([sheet], region=region, year=year, threshold=threshold)


def harmonize_regions(table: pd.DataFrame, known: Iterable[str]) -> pd.DataFrame:
    """A copy of ``table`` whose regions are spelt as in ``known`` when one name ends the other.

    A department writes ``乌鲁木齐市达坂城区`` where the report says ``达坂城区`` (or the reverse); the
    same region must have one name for conflicts and year-over-year comparisons to be found. A name
    that could be two known regions is left as it is.

    Example:
        >>> t = pd.DataFrame({"region": ["乌鲁木齐市达坂城区", "甲区"]})
        >>> harmonize_regions(t, ["达坂城区"])["region"].tolist()
        ['达坂城区', '甲区']
    """
    known = sorted({str(k) for k in known if isinstance(k, str) and k})
    mapping = {}
    for region in table["region"].dropna().unique():
        region = str(region)
        matches = [k for k in known if k != region and (k.endswith(region) or region.endswith(k))]
        if region not in known and len(matches) == 1:
            mapping[region] = matches[0]
    out = table.copy()
    if mapping:
        out["region"] = out["region"].replace(mapping)
    return out


def clean_sheets(
    sheets: Iterable[Sheet],
    *,
    region: str | None = None,
    year: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    defaults: Mapping[Path, tuple[str | None, int | None]] | None = None,
    keep_conflicts: bool = False,
) -> CleanResult:
    """Clean grids (see :func:`fazhi_analysis.ingest.sheets.iter_sheets`), one at a time; hidden sheets are not read.

    A later part of a long CSV file is read with the header and column roles found in its first part, the
    group row above carried over (:class:`_Plan`).

    Cells repeating one region, year and indicator: an equal repeat is rejected as ``duplicate``;
    differing values are all rejected as ``conflict``, or, with ``keep_conflicts``, all kept, so that
    the table's conflict check names every source (``fazhi build``).

    Raises:
        InputError: a sheet with figures has no recognizable header, or no sheet holds any figure.
    """
    if not 0 <= threshold <= 100:
        raise InputError(f"匹配阈值应在 0–100 之间 / the matching threshold must be within 0–100: {threshold}")
    kept, rejected, skipped, hidden, files, distinct = [], [], [], [], set(), []
    regions = _Interner()  # shared by all sheets, so that region codes make one key
    heads, plan, group = 0, None, None
    for sheet in sheets:
        files.add(sheet.file)
        if sheet.first_row == 0:  # a sheet, or the first part of a long CSV
            heads, plan, group = heads + 1, None, None
            if sheet.hidden:
                hidden.append(sheet.where)
                continue
            sheet_region, sheet_year = (defaults or {}).get(Path(sheet.file), (None, None))
            plan = _plan(sheet, region=sheet_region or region, year=sheet_year or year, threshold=threshold)
            if plan is None:
                skipped.append(sheet.where)
                continue
        elif plan is None:  # a later part of a sheet without figures
            continue
        got, group = _clean_sheet(sheet, heads, plan, threshold=threshold, regions=regions, group=group)
        kept.append(got.kept)
        rejected.append(got.rejects)
        distinct.append(got.distinct)
    if heads and len(skipped) + len(hidden) == heads:
        names = "、".join(sorted(map(str, files)))
        raise InputError(f"{names}: 没有找到任何数值 / no figures found{_hidden_note(hidden)}")
    candidates = pd.concat(kept, ignore_index=True) if kept else _no_candidates()
    rejects = pd.concat(rejected, ignore_index=True) if rejected else _no_rejects()
    if len(kept) == 1 and distinct[0]:  # one sheet whose layout cannot repeat a key: nothing to resolve
        table, more = candidates.drop(columns="_key"), _no_rejects()
    else:
        table, more = _resolve_duplicates(candidates, keep_conflicts)
    rejects = pd.concat([rejects, more], ignore_index=True) if len(more) else rejects
    return CleanResult(
        _in_order(table),
        _in_order(rejects),
        files=len(files),
        sheets=heads - len(skipped) - len(hidden),
        skipped=skipped,
        hidden=hidden,
    )


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in reading order (sheet, row, column), without the ``_order`` column."""
    if not frame["_order"].is_monotonic_increasing:
        frame = frame.sort_values("_order", kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


# --- one sheet --------------------------------------------------------------------------------
#
# A sheet is cleaned in stages, each handing the next a small named value: the layout (header,
# column roles, the region and year the sheet tells), the roles the columns are used in, the kinds
# of the data rows, the rows' indicators and keys, the cells read, their keys and figures, and last
# the tidy rows and rejects. Per-row and per-column facts are worked out once (labels, matches,
# units, regions, years) and carried to the cells as integer codes.


class _SheetRows(NamedTuple):
    """What one sheet gives: tidy rows (with ``_order`` and ``_key``), rejects, and whether no key can repeat."""

    kept: pd.DataFrame
    rejects: pd.DataFrame
    distinct: bool


class _Layout(NamedTuple):
    """Where a sheet's data starts, what its header says of each column, and what the sheet as a whole tells."""

    first: int  # the first row under the header
    cols: Columns
    context: str  # the sheet name and the text above the header: context for matching labels
    region: str | None
    year: int | None


class _Roles(NamedTuple):
    """What the columns are used for, once guesses have filled what the header does not say."""

    role: list[str]  # per column: name, id, unit, region, year, value, indicator, total, unknown …
    names: list[int]  # columns of indicator names: the last labels the rows, the others are context (类别)
    ids: list[int]
    values: list[int]  # columns whose cells are the figures read
    rejects: list[int]  # total and unknown columns: their figures are rejected
    transposed: bool  # indicators as columns, a row per region or year
    label: int | None  # the column whose text labels each row


class _Rows(NamedTuple):
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


class _Matches(NamedTuple):
    """Per row: its indicator (a catalog position, -1 for none) and, when it has none, why."""

    ind: np.ndarray
    note: np.ndarray


class _Codes(NamedTuple):
    """The string tables of a sheet; ``regions`` is shared by all sheets, so that region codes make one key."""

    regions: _Interner
    units: _Interner
    texts: _Interner


class _RowKeys(NamedTuple):
    """Per row, as codes: the declared unit, the region, the year (0: none) and the label."""

    unit: np.ndarray
    region: np.ndarray
    year: np.ndarray
    label: np.ndarray


class _ColumnKeys(NamedTuple):
    """Per column, as codes: indicator, year (0: none), relative year, region, unit, header text and role."""

    ind: np.ndarray
    year: np.ndarray
    rel: np.ndarray  # -1 for 上年, 0 for 本年, _NO_REL for neither
    region: np.ndarray
    unit: np.ndarray
    text: np.ndarray
    role: np.ndarray


class _Cells(NamedTuple):
    """The cells read: row (in the data block) and column of each, parsed, and whether the column is unknown."""

    rows: np.ndarray
    cols: np.ndarray
    parsed: dict[str, np.ndarray]
    in_unknown: np.ndarray


class _Keys(NamedTuple):
    """Per cell: its indicator (catalog position, -1: none), region code (-1: none) and year (0 or less: none)."""

    ind: np.ndarray
    region: np.ndarray
    year: np.ndarray


class _Figures(NamedTuple):
    """Per cell: the value in the base unit, the unit code, and whether the indicator accepts that unit."""

    value: np.ndarray
    unit: np.ndarray
    unit_ok: np.ndarray


class _Placed(NamedTuple):
    """Per cell: its source (``file#sheet!C4``, Arrow) and its place in reading order."""

    source: pa.Array
    order: np.ndarray


class _Plan(NamedTuple):
    """How a sheet is read, found once from its top: the layout and the roles of its columns."""

    layout: _Layout
    roles: _Roles


def _plan(sheet: Sheet, *, region: str | None, year: int | None, threshold: float) -> _Plan | None:
    """The :class:`_Plan` of a sheet (of the first part of a long CSV); None for a sheet without figures."""
    layout = _find_layout(sheet, region=region, year=year, threshold=threshold)
    return None if layout is None else _Plan(layout, _assign_roles(sheet, layout))


def _clean_sheet(
    sheet: Sheet, order: int, plan: _Plan, *, threshold: float, regions: _Interner, group: str | None = None
) -> tuple[_SheetRows, str | None]:
    """Tidy rows and rejected cells of one sheet (or part of one), whether its layout rules out repeated keys,
    and the label of the last group row, which a following part continues (``group``: the one before it).
    """
    layout = plan.layout if sheet.first_row == 0 else plan.layout._replace(first=0)  # a later part: all data
    roles = plan.roles
    rows = _classify_rows(sheet, layout, roles, group)
    codes = _Codes(regions, _Interner(), _Interner())
    row_keys = _row_keys(sheet.filled[layout.first :], roles, rows, codes)
    columns = _column_keys(layout.cols, roles, codes)
    sheet_region = codes.regions.code(layout.region)
    cells = _read_cells(sheet, layout, roles, rows, columns, codes.units)
    if cells is None:
        return _SheetRows(_no_candidates(), _no_rejects(), True), rows.last_group
    row_units = _row_units(cells, row_keys, columns, len(rows.label), codes.units)
    matches = _match_rows(sheet, layout, roles, rows, threshold, row_units)
    keys = _cell_keys(cells, matches, row_keys, columns, roles.transposed, sheet_region, layout.year)
    figures = _figures(cells, keys, row_keys, columns, codes.units)
    reason = _reason_codes(cells, keys, figures, columns, rows)
    rows_abs = cells.rows + layout.first + sheet.first_row
    placed = _Placed(_sources(sheet, rows_abs, cells.cols), _order_key(order, rows_abs, cells.cols))
    ok = reason < 0
    label = columns.text[cells.cols] if roles.transposed else row_keys.label[cells.rows]
    kept = _kept_rows(cells, keys, figures, placed, label, ok, codes)
    if roles.transposed:
        notes = np.array([layout.cols.indicator_note[c] for c in cells.cols[~ok]], dtype=object)
    else:
        notes = matches.note[cells.rows[~ok]]
    rejects = _rejected_rows(cells, keys, figures, placed, reason, notes, row_keys.label[cells.rows], columns, codes)
    row_side = {
        "region": np.where(row_keys.region >= 0, row_keys.region, sheet_region),
        "year": np.where(row_keys.year > 0, row_keys.year, layout.year or 0),
        "ind": matches.ind,
    }
    col_side = {"region": columns.region, "year": columns.year, "ind": columns.ind}
    distinct = _keys_distinct(cells.rows[ok], cells.cols[ok], roles.transposed, row_side, col_side, columns.rel)
    return _SheetRows(kept, rejects, distinct), rows.last_group


def _find_layout(sheet: Sheet, *, region: str | None, year: int | None, threshold: float) -> _Layout | None:
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
    return _Layout(
        first=h1 + 1,
        cols=cols,
        context=" ".join(x for x in (sheet.name or "", preamble) if x),
        region=region or region_in(sheet.name) or region_in(preamble) or region_in(stem),
        year=year or year_in(sheet.name) or year_in(preamble) or year_in(stem),
    )


def _assign_roles(sheet: Sheet, layout: _Layout) -> _Roles:
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
        value_cols = _value_columns(sheet.values[layout.first : layout.first + 2000], role, indicator_cols)
        label = name_cols[-1] if name_cols else None
    reject_cols = [c for c in columns if role[c] in ("total", "unknown")]
    return _Roles(role, name_cols, id_cols, value_cols, reject_cols, transposed, label)


def _value_columns(sample: np.ndarray, role: list[str], indicator_cols: list[int]) -> list[int]:
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


def _classify_rows(sheet: Sheet, layout: _Layout, roles: _Roles, group: str | None = None) -> _Rows:
    """Label and kind (note, total, repeated header, group) of each data row, worked out once per distinct label.

    ``group``: the label of the group row above the first row (in the part of a long CSV before this one).
    """
    block_filled = sheet.filled[layout.first :]  # views, not copies
    block_values = sheet.values[layout.first :]
    present = pd.notna(block_values)
    n = len(block_values)
    lab_codes, lab_texts = _text_codes(block_filled, roles.label)
    if group is not None and group not in lab_texts:
        lab_texts.append(group)
    above = lab_texts.index(group) if group is not None else -1
    row_nonempty = present.any(axis=1) if n else np.zeros(0, bool)
    first = _first_text(block_filled, present if sheet.filled is sheet.values else None)
    is_note = _map_unique(first, lambda t: bool(NOTE.match(plain_text(t))), False).astype(bool) & row_nonempty
    norm = [normalize_label(t) for t in lab_texts]
    is_total = _per_code(lab_codes, [bool(TOTAL.match(t)) for t in norm], False, bool)
    is_repeat_header = _per_code(
        lab_codes, [t in ("指标名称", "指标", "名称", "项目", "指标编号") for t in norm], False, bool
    )
    has_values = present[:, roles.values].any(axis=1) if roles.values else np.zeros(n, bool)
    is_group = (lab_codes >= 0) & ~has_values & ~is_note & ~is_total
    last_group = np.maximum.accumulate(np.where(is_group, np.arange(n), -1)) if n else np.zeros(0, np.int64)
    group_codes = np.where(last_group >= 0, lab_codes[np.maximum(last_group, 0)], above)
    context = [(group_codes, lab_texts)] + [_text_codes(block_filled, c) for c in roles.names[:-1]]  # 类别 too
    last = lab_texts[group_codes[-1]] if n and group_codes[-1] >= 0 else group
    return _Rows(
        present, lab_codes, lab_texts, is_total, is_note | is_repeat_header, has_values, group_codes, context, last
    )


def _row_units(cells: _Cells, row_keys: _RowKeys, columns: _ColumnKeys, n: int, units: _Interner) -> list[str | None]:
    """Per row, the base unit its figures are written in (元 for 万元, %), when they agree on one; else None.

    A cell's unit: its own (``3件``), else the row's (unit column, the label's ``（件）``), else its
    column header's, else ``%`` for Excel's percent format. Only value columns count.
    """
    parsed = cells.parsed
    empty, percent = units.code(""), units.code("%")
    declared = np.where(row_keys.unit[cells.rows] >= 0, row_keys.unit[cells.rows], columns.unit[cells.cols])
    unit = np.where(parsed["unit"] != empty, parsed["unit"], declared)
    unit = np.where((unit < 0) & parsed["percent"], percent, unit)
    use = (unit >= 0) & (unit != empty) & (columns.role == "value")[cells.cols] & (parsed["reason"] == _R_OK)
    bases = _Interner()
    base_of = np.array([bases.code(unit_factor(t)[1] or None) for t in units.items] + [-1], dtype=np.int64)
    base = np.where(use, base_of[unit], -1)
    low = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(n, -1, dtype=np.int64)
    where = base >= 0
    np.minimum.at(low, cells.rows[where], base[where])
    np.maximum.at(high, cells.rows[where], base[where])
    return [bases.items[h] if h >= 0 and h == lo else None for lo, h in zip(low.tolist(), high.tolist())]


def _match_rows(
    sheet: Sheet, layout: _Layout, roles: _Roles, rows: _Rows, threshold: float, units: list[str | None]
) -> _Matches:
    """Each row's indicator: by its id, else by its label in context and unit (once per distinct combination).

    ``units``: per row, the base unit of its figures when known (see :func:`_row_units`).
    """
    n = len(rows.label)
    row_ind = np.full(n, -1, dtype=np.int32)
    row_note = np.full(n, "", dtype=object)
    if roles.transposed:
        return _Matches(row_ind, row_note)
    id_index = _catalog_arrays()[1]
    id_codes, id_texts = _text_codes(sheet.filled[layout.first :], roles.ids[0] if roles.ids else None)
    row_ind = _per_code(id_codes, [id_index.get(t, -1) for t in id_texts], -1, np.int32)
    need = (row_ind < 0) & rows.has_values & ~rows.skip & ~rows.total
    if need.any():
        # Match once per distinct (label, context, unit) combination.
        unit_codes, unit_texts = pd.factorize(np.array(units, dtype=object))
        key = rows.label.astype(np.int64) + 1
        for codes, texts in [*rows.context, (unit_codes, unit_texts)]:
            key = key * (len(texts) + 1) + (codes + 1)
        pair_codes, _ = pd.factorize(key[need])
        _, first_of_pair = np.unique(pair_codes, return_index=True)
        found = [_match_row(rows, r, layout.context, threshold, units[r]) for r in np.flatnonzero(need)[first_of_pair]]
        row_ind[need] = np.array([id_index.get(f[0], -1) if f[0] else -1 for f in found], dtype=np.int32)[pair_codes]
        row_note[need] = np.array([f[2] for f in found], dtype=object)[pair_codes]
    bad_ids = (id_codes >= 0) & (row_ind < 0) & rows.has_values
    row_note[bad_ids] = [
        f"指标编号“{id_texts[i]}”不在目录中 / unknown indicator id '{id_texts[i]}'" for i in id_codes[bad_ids]
    ]
    return _Matches(row_ind, row_note)


def _match_row(
    rows: _Rows, r: int, context_prefix: str, threshold: float, unit: str | None
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


def _row_keys(block: np.ndarray, roles: _Roles, rows: _Rows, codes: _Codes) -> _RowKeys:
    """Each row's declared unit (unit column, else the label's ``（万元）``), region, year and label, as codes."""
    units, role = codes.units, roles.role
    unit_codes, unit_texts = _text_codes(block, _first_column(role, "unit"))
    from_unit_col = _per_code(unit_codes, [units.code(unit_like(t)) for t in unit_texts], -1, np.int64)
    from_label = _per_code(
        rows.label, [units.code(unit_like(trailing_unit(t))) for t in rows.label_texts], -1, np.int64
    )
    region_codes, region_texts = _text_codes(block, _first_column(role, "region"))
    year_codes, year_texts = _text_codes(block, _first_column(role, "year"))
    return _RowKeys(
        unit=np.where(unit_codes >= 0, from_unit_col, from_label),
        region=_per_code(region_codes, [codes.regions.code(clean_region(t)) for t in region_texts], -1, np.int64),
        year=_per_code(year_codes, [year_in(t) or 0 for t in year_texts], 0, np.int64),
        label=_per_code(rows.label, [codes.texts.code(t) for t in rows.label_texts], -1, np.int64),
    )


def _first_column(role: list[str], wanted: str) -> int | None:
    """The first column of role ``wanted``, if any."""
    return next((c for c in range(len(role)) if role[c] == wanted), None)


def _column_keys(cols: Columns, roles: _Roles, codes: _Codes) -> _ColumnKeys:
    """What each column's header says (indicator, year, region, unit), as codes."""
    id_index = _catalog_arrays()[1]
    return _ColumnKeys(
        ind=np.array([id_index.get(i, -1) if i else -1 for i in cols.indicator], dtype=np.int32),
        year=np.array([y or 0 for y in cols.year], dtype=np.int64),
        rel=np.array([_NO_REL if r is None else r for r in cols.rel], dtype=np.int64),
        region=codes.regions.codes(np.array(cols.region, dtype=object)),
        unit=codes.units.codes(np.array(cols.unit, dtype=object)),
        text=codes.texts.codes(np.array(cols.text, dtype=object)),
        role=np.array(roles.role, dtype=object),
    )


def _read_cells(
    sheet: Sheet, layout: _Layout, roles: _Roles, rows: _Rows, columns: _ColumnKeys, units: _Interner
) -> _Cells | None:
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
    parsed = _parse_cells(sheet.values[layout.first :][ri, ci], percent, units)
    in_unknown = (columns.role == "unknown")[ci]
    keep = ~in_unknown | parsed["figure"]
    if not keep.all():
        ri, ci = ri[keep], ci[keep]
        parsed = {k: (v.filter(pa.array(keep)) if isinstance(v, pa.Array) else v[keep]) for k, v in parsed.items()}
        in_unknown = in_unknown[keep]
    return _Cells(ri, ci, parsed, in_unknown)


def _cell_keys(
    cells: _Cells,
    matches: _Matches,
    row_keys: _RowKeys,
    columns: _ColumnKeys,
    transposed: bool,
    sheet_region: int,
    sheet_year: int | None,
) -> _Keys:
    """Indicator, region and year of each cell: its column's, else its row's, else the sheet's."""
    ri, ci = cells.rows, cells.cols
    ind = columns.ind[ci] if transposed else matches.ind[ri]
    region = columns.region[ci]
    region = np.where(region >= 0, region, row_keys.region[ri])
    region = np.where(region >= 0, region, sheet_region)
    base_year = np.where(row_keys.year[ri] > 0, row_keys.year[ri], sheet_year or 0)
    rel = columns.rel[ci]
    relative = np.where(rel != _NO_REL, np.where(base_year > 0, base_year + rel, 0), base_year)
    year = np.where(columns.year[ci] > 0, columns.year[ci], relative)
    return _Keys(ind, region, year)


def _figures(cells: _Cells, keys: _Keys, row_keys: _RowKeys, columns: _ColumnKeys, units: _Interner) -> _Figures:
    """Each cell's value and unit with the row's or column's declared unit applied, and whether the unit fits."""
    declared = np.where(row_keys.unit[cells.rows] >= 0, row_keys.unit[cells.rows], columns.unit[cells.cols])
    value, unit = _apply_units(cells.parsed, declared, keys.ind, units)
    return _Figures(value, unit, _accepted_matrix(units)[keys.ind, unit])


def _reason_codes(cells: _Cells, keys: _Keys, figures: _Figures, columns: _ColumnKeys, rows: _Rows) -> np.ndarray:
    """Why each cell is rejected, as a position in :data:`REASONS` (the first that applies); -1 for a kept cell."""
    parsed = cells.parsed
    why = {
        "unknown_column": cells.in_unknown,
        "total": (columns.role == "total")[cells.cols] | rows.total[cells.rows],
        "missing": parsed["reason"] == _R_MISSING,
        "unparsable": (parsed["reason"] == _R_BAD) | ~np.isfinite(figures.value),  # inf, or 1e308 in 万元
        "unknown_indicator": keys.ind < 0,
        "no_region": keys.region < 0,
        "no_year": keys.year <= 0,
        "unit": ~figures.unit_ok,
    }
    return np.select(list(why.values()), [_REASON_CODE[r] for r in why], default=-1)


def _kept_rows(
    cells: _Cells, keys: _Keys, figures: _Figures, placed: _Placed, label: np.ndarray, ok: np.ndarray, codes: _Codes
) -> pd.DataFrame:
    """The tidy rows of the kept cells, with ``_order`` and the dedupe ``_key``."""
    kept_ind, year, value = keys.ind[ok], keys.year[ok], figures.value[ok]
    kept = pd.DataFrame(
        {
            "region": codes.regions.strings(keys.region[ok]),
            "year": pd.arrays.IntegerArray(year, year <= 0),
            "indicator": _Interner.of(_catalog_arrays()[0]).strings(kept_ind),
            "value": pd.arrays.FloatingArray(value, np.isnan(value)),
            "unit": codes.units.strings(figures.unit[ok]),
            "approx": pd.arrays.BooleanArray(cells.parsed["approx"][ok], np.zeros(int(ok.sum()), bool)),
            "source": _arrow_strings(placed.source.filter(pa.array(ok))),
            "raw": _arrow_strings(cells.parsed["raw"].filter(pa.array(ok))),
            "label": codes.texts.strings(label[ok]),
            "section": _section_strings(kept_ind),
        }
    )
    return tidy.conform(kept).assign(_order=placed.order[ok], _key=_dedupe_key(keys.region[ok], year, kept_ind))


def _rejected_rows(
    cells: _Cells,
    keys: _Keys,
    figures: _Figures,
    placed: _Placed,
    reason_code: np.ndarray,
    notes: np.ndarray,
    label: np.ndarray,
    columns: _ColumnKeys,
    codes: _Codes,
) -> pd.DataFrame:
    """The rejects table of the rejected cells, with messages; ``notes`` say why rejected rows match no indicator."""
    ids, accepted_of = _catalog_arrays()[0], _catalog_arrays()[5]
    bad = reason_code >= 0
    reason = np.array(list(REASONS), dtype=object)[reason_code[bad]]
    bad_ind, year = keys.ind[bad], keys.year[bad]
    bad_unit = codes.units.strings(figures.unit[bad]).to_numpy(object, na_value="")
    bad_raw = cells.parsed["raw"].filter(pa.array(bad)).to_pylist()
    bad_column = codes.texts.strings(columns.text[cells.cols[bad]]).to_numpy(object, na_value="")
    indicators = [ids[i] if i >= 0 else None for i in bad_ind]
    huge = cells.parsed["huge"][bad] | np.isinf(figures.value[bad])  # 400 digits, or 1e308 in 万元
    message_zh, message_en = _details(reason, bad_raw, notes, bad_unit, indicators, accepted_of, bad_column, huge)
    table = {
        "source": _arrow_strings(placed.source.filter(pa.array(bad))),
        "region": codes.regions.strings(keys.region[bad]),
        "year": pd.arrays.IntegerArray(year, year <= 0),
        "indicator": _Interner.of(ids).strings(bad_ind),
        "label": codes.texts.strings(label[bad]),
        "column": bad_column,
        "raw": bad_raw,
        "reason": reason,
        "message_zh": message_zh,
        "message_en": message_en,
    }
    return _rejects_table(table, placed.order[bad])


# --- pieces -----------------------------------------------------------------------------------


def _text_codes(block: np.ndarray, col: int | None) -> tuple[np.ndarray, list[str]]:
    """Column ``col`` as codes into its distinct texts (stripped; numbers written plainly); -1 where empty."""
    if col is None:
        return np.full(len(block), -1, dtype=np.int64), []
    codes, uniques = pd.factorize(block[:, col])
    texts = [(u.strip() or None) if isinstance(u, str) else format_number(u, None) for u in uniques]
    kept = [t for t in texts if t is not None]
    position = {t: k for k, t in enumerate(dict.fromkeys(kept))}
    remap = np.array([position[t] if t is not None else -1 for t in texts] + [-1], dtype=np.int64)
    return remap[codes], list(position)


def _per_code(codes: np.ndarray, per_text: list, default: object, dtype: object) -> np.ndarray:
    """``per_text[code]`` for each code, ``default`` where the code is -1."""
    table = np.empty(len(per_text) + 1, dtype=dtype)
    table[:-1] = per_text
    table[-1] = default
    return table[codes]


def _first_text(block: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """The first non-empty cell of each row (None for empty rows)."""
    if block.size == 0:
        return np.full(len(block), None, dtype=object)
    present = pd.notna(block) if present is None else present
    first = present.argmax(axis=1)
    cells = block[np.arange(len(block)), first]
    return np.where(present.any(axis=1), cells, None)


def _map_unique(values: np.ndarray | pd.Series, func: Callable[[object], object], default: object) -> np.ndarray:
    """``func`` applied once per distinct non-missing value; ``default`` where missing. Object array."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = default
    return mapped[codes]


class _Interner:
    """Strings ↔ small integer codes (-1 for none), so that per-cell work is integer work."""

    def __init__(self) -> None:
        """An empty table."""
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    @classmethod
    def of(cls, items: Sequence[str]) -> _Interner:
        """A table holding ``items``, coded in their order."""
        interner = cls()
        for item in items:
            interner.code(item)
        return interner

    def code(self, item: object) -> int:
        """The code of ``item``, added when new; -1 for a missing value."""
        if item is None or (not isinstance(item, str) and pd.isna(item)):
            return -1
        if item not in self.index:
            self.index[item] = len(self.items)
            self.items.append(item)
        return self.index[item]

    def codes(self, values: np.ndarray) -> np.ndarray:
        """:meth:`code` of each value (once per distinct value), as int64."""
        return _map_unique(values, self.code, -1).astype(np.int64)

    def strings(self, codes: np.ndarray) -> pd.Series:
        """A pandas string column (Arrow-backed) for ``codes``; NA where -1."""
        items = pa.array(self.items or [""], type=pa.string())
        missing = codes < 0
        indices = pa.array(np.where(missing, 0, codes), mask=missing) if missing.any() else pa.array(codes)
        taken = pc.take(items, indices)
        return _arrow_strings(taken)


def _arrow_strings(array: pa.Array) -> pd.Series:
    """A pandas string column backed by the Arrow string array ``array`` (no copy)."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array], type=pa.string())), dtype="string")


@catalog.per_catalog
def _catalog_arrays(
    cat: catalog.Catalog,
) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray, np.ndarray, dict[str, tuple]]:
    """Catalog columns as arrays indexed by position, plus id → position and id → accepted units."""
    info = cat.indicators
    ids = list(info.index)
    return (
        ids,
        {i: k for k, i in enumerate(ids)},
        info["kind"].to_numpy(object),
        info["unit"].to_numpy(object),
        info["section"].to_numpy(object),
        info["units"].to_dict(),
    )


def _section_strings(ind: np.ndarray) -> pd.Series:
    """The catalog section of each indicator position (NA for -1)."""
    section_of = _catalog_arrays()[4]
    sections = _Interner.of(list(section_of))
    by_position = np.array([sections.index[s] for s in section_of] + [-1], dtype=np.int64)
    return sections.strings(by_position[ind])


def _accepted_matrix(units: _Interner) -> np.ndarray:
    """accepted[indicator position, unit code]; the last row (indicator -1) accepts everything."""
    ids, _, _, _, _, accepted_of = _catalog_arrays()
    for accepted in accepted_of.values():
        for unit in accepted:
            units.code(unit)
    matrix = np.zeros((len(ids) + 1, len(units.items)), dtype=bool)
    for k, ind in enumerate(ids):
        matrix[k, [units.index[u] for u in accepted_of[ind]]] = True
    matrix[-1] = True
    return matrix


_NO_REL = 99
_R_OK, _R_MISSING, _R_BAD = 0, 1, 2
_REASON_CODE = {r: k for k, r in enumerate(REASONS)}


def _parse_cells(flat: np.ndarray, percent: np.ndarray | None, units: _Interner) -> dict[str, np.ndarray]:
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
    uniques = _arrow_strings(encoded.dictionary)
    parsed = parse_values(uniques)
    why = parsed["reason"]
    reason_u = np.where(why.isna(), _R_OK, np.where((why == MISSING).fillna(False).to_numpy(bool), _R_MISSING, _R_BAD))
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
        reason[numbers] = _R_OK
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


def _apply_units(
    parsed: dict[str, np.ndarray], declared: np.ndarray, ind: np.ndarray, units: _Interner
) -> tuple[np.ndarray, np.ndarray]:
    """Final value and unit code of each cell; see the module docstring for the order of priority."""
    with np.errstate(over="ignore", invalid="ignore"):  # 1e308 in 万元 becomes inf, rejected as unparsable
        return _scaled(parsed, declared, ind, units)


def _scaled(
    parsed: dict[str, np.ndarray], declared: np.ndarray, ind: np.ndarray, units: _Interner
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_apply_units`, with numpy's overflow warnings left to the caller."""
    _, _, kinds_of, base_unit_of, _, _ = _catalog_arrays()
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


def _sources(sheet: Sheet, rows: np.ndarray, cols: np.ndarray) -> pa.Array:
    """``file#sheet!A1`` for each cell (``rows`` of the file, 0-based), as an Arrow string array."""
    prefix = sheet.source_prefix
    if len(rows) == 0:
        return pa.array([], type=pa.string())
    heads = pa.array([prefix + column_letter(c) for c in range(int(cols.max()) + 1)], type=pa.string())
    return pc.binary_join_element_wise(pc.take(heads, pa.array(cols)), pc.cast(pa.array(rows + 1), pa.string()), "")


def _order_key(sheet_order: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """One int64 per cell that sorts in reading order: sheet, row, column."""
    return (np.int64(sheet_order) << 40) + (rows.astype(np.int64) << 16) + cols.astype(np.int64)


def _details(
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


def _no_candidates() -> pd.DataFrame:
    """An empty table of candidate rows (tidy columns, ``_order`` and ``_key``)."""
    return tidy.empty().assign(_order=np.zeros(0, np.int64), _key=np.zeros(0, np.int64))


def _rejects_table(columns: Mapping[str, object], order: np.ndarray) -> pd.DataFrame:
    """A rejects table (:data:`REJECT_COLUMNS`, typed) from its columns, with ``_order``."""
    return pd.DataFrame(columns).astype(REJECT_DTYPES).assign(_order=order)


def _no_rejects() -> pd.DataFrame:
    """An empty rejects table, with ``_order``."""
    return _rejects_table({c: pd.Series([], dtype=object) for c in REJECT_COLUMNS}, np.zeros(0, np.int64))


def _keys_distinct(
    rows: np.ndarray,
    cols: np.ndarray,
    transposed: bool,
    row_side: dict[str, np.ndarray],
    col_side: dict[str, np.ndarray],
    col_rel: np.ndarray,
) -> bool:
    """True when no two kept cells of a sheet can share region, year and indicator.

    Holds when each part of the key comes wholly from the row side or wholly from the column side,
    the row-side parts differ between the rows used and the column-side parts between the columns
    used. A check on rows and columns instead of hashing every cell; False means "check the cells".

    Args:
        rows, cols: row and column of each kept cell.
        row_side, col_side: per row / per column codes of ``region``, ``year`` and ``ind``
            (-1 or 0 where that side does not give it).
    """
    if len(rows) < 2:
        return True
    used_rows = np.flatnonzero(np.bincount(rows))
    used_cols = np.flatnonzero(np.bincount(cols))
    region_from_col = col_side["region"][used_cols] >= 0
    year_from_col = col_side["year"][used_cols] > 0
    year_from_row = ~year_from_col & (col_rel[used_cols] == _NO_REL)
    if region_from_col.any() and not region_from_col.all():
        return False
    if not (year_from_col.all() or year_from_row.all()):
        return False
    on_cols = {"region": bool(region_from_col[0]), "year": bool(year_from_col[0]), "ind": transposed}
    for side, used, fields in ((False, used_rows, row_side), (True, used_cols, col_side)):
        parts = [fields[p][used] for p, where in on_cols.items() if where == side]
        if not parts:
            if len(used) > 1:
                return False
        elif not pd.MultiIndex.from_arrays(parts).is_unique:
            return False
    return True


def _dedupe_key(region: np.ndarray, year: np.ndarray, ind: np.ndarray) -> np.ndarray:
    """One int64 per (region code, year, indicator position)."""
    return (region.astype(np.int64) << 32) + ((year.astype(np.int64) & 0xFFFF) << 16) + ind.astype(np.int64)


def _resolve_duplicates(candidates: pd.DataFrame, keep_conflicts: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per region, year, indicator: repeats rejected as duplicate, disagreements as conflict (or all kept)."""
    if candidates.empty:
        return candidates, _no_rejects()
    key = candidates.pop("_key").to_numpy(np.int64)
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if not dup.any():
        return candidates, _no_rejects()
    multi = candidates[dup].assign(_key=key[dup], _approx=candidates["approx"][dup].fillna(False).astype(bool))
    multi = multi.sort_values(["_key", "_approx", "_order"], kind="stable")
    rejected = []
    keep_index = []
    for _, group in multi.groupby("_key", sort=False):
        keep, bad = _judge_repeats(group)
        if keep is None and keep_conflicts:
            keep_index.extend(group.index)
            continue
        if keep is not None:
            keep_index.append(keep)
        rejected.append(bad)
    table = candidates[~dup | candidates.index.isin(keep_index)]
    if not rejected:
        return table, _no_rejects()
    bad = pd.concat(rejected)
    columns = {c: pd.NA if c == "column" else bad[c] for c in REJECT_COLUMNS}
    return table, _rejects_table(columns, bad["_order"].to_numpy(np.int64))


def _judge_repeats(group: pd.DataFrame) -> tuple[object | None, pd.DataFrame]:
    """The row to keep of rows sharing a key (None when they disagree), and the others with reason and messages.

    ``group`` is sorted best first (exact before approximate, then reading order).
    """
    values = group["value"].astype(float)
    high, low = values.max(), values.min()
    if high - low <= 1e-9 * max(abs(high), abs(low), 1.0):
        first = group.iloc[0]
        return group.index[0], group.iloc[1:].assign(
            reason="duplicate",
            message_zh=f"与 {first['source']} 重复（同一地区、年度、指标）",
            message_en=f"duplicate of {first['source']} (same region, year and indicator)",
        )
    figures = [(s, plain_figure(v, u)) for s, v, u in zip(group["source"], values, group["unit"])]
    listing = "；".join(f"{s} 为 {figure}" for s, figure in figures)
    listing_en = "; ".join(f"{figure} in {s}" for s, figure in figures)
    return None, group.assign(
        reason="conflict",
        message_zh=f"同一地区、年度、指标的数值不一致：{listing}",
        message_en=f"conflicting values for the same region, year and indicator: {listing_en}",
    )


def print_progress(line: str) -> None:
    """Progress to stderr (the CLI's progress callback)."""
    print(line, file=sys.stderr, flush=True)
