"""Clean departments' messy indicator spreadsheets (CSV, XLSX) into the tidy table, with rejects.

The stages, one module each: ``_layout`` (header and column roles), ``_rows`` (row kinds, indicators, row and
column keys), ``_cells`` (values and units), ``_rejects`` (reasons, tidy rows and rejects), ``_duplicates``
(repeated keys); ``_sheet`` runs them over one sheet, ``_codes`` and ``_catalog`` are what they share.

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

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.clean._codes import Interner
from fazhi_analysis.ingest.clean._duplicates import resolve_duplicates
from fazhi_analysis.ingest.clean._layout import make_plan
from fazhi_analysis.ingest.clean._rejects import REASONS, REJECT_COLUMNS, REJECT_DTYPES, no_candidates, no_rejects
from fazhi_analysis.ingest.clean._sheet import clean_sheet
from fazhi_analysis.ingest.discover import expand_paths, source_name
from fazhi_analysis.ingest.match import DEFAULT_THRESHOLD
from fazhi_analysis.ingest.sheets import Sheet, iter_sheets

__all__ = [
    "REASONS",
    "REJECT_COLUMNS",
    "REJECT_DTYPES",
    "CleanResult",
    "clean_files",
    "clean_frame",
    "clean_sheets",
    "harmonize_regions",
    "print_progress",
]


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
    group row above carried over (:class:`Plan`).

    Cells repeating one region, year and indicator: an equal repeat is rejected as ``duplicate``;
    differing values are all rejected as ``conflict``, or, with ``keep_conflicts``, all kept, so that
    the table's conflict check names every source (``fazhi build``).

    Raises:
        InputError: a sheet with figures has no recognizable header, or no sheet holds any figure.
    """
    if not 0 <= threshold <= 100:
        raise InputError(f"匹配阈值应在 0–100 之间 / the matching threshold must be within 0–100: {threshold}")
    kept, rejected, skipped, hidden, files, distinct = [], [], [], [], set(), []
    regions = Interner()  # shared by all sheets, so that region codes make one key
    heads, plan, group = 0, None, None
    for sheet in sheets:
        files.add(sheet.file)
        if sheet.first_row == 0:  # a sheet, or the first part of a long CSV
            heads, plan, group = heads + 1, None, None
            if sheet.hidden:
                hidden.append(sheet.where)
                continue
            sheet_region, sheet_year = (defaults or {}).get(Path(sheet.file), (None, None))
            plan = make_plan(sheet, region=sheet_region or region, year=sheet_year or year, threshold=threshold)
            if plan is None:
                skipped.append(sheet.where)
                continue
        elif plan is None:  # a later part of a sheet without figures
            continue
        got, group = clean_sheet(sheet, heads, plan, threshold=threshold, regions=regions, group=group)
        kept.append(got.kept)
        rejected.append(got.rejects)
        distinct.append(got.distinct)
    if heads and len(skipped) + len(hidden) == heads:
        names = "、".join(sorted(map(str, files)))
        raise InputError(f"{names}: 没有找到任何数值 / no figures found{_hidden_note(hidden)}")
    candidates = pd.concat(kept, ignore_index=True) if kept else no_candidates()
    rejects = pd.concat(rejected, ignore_index=True) if rejected else no_rejects()
    if len(kept) == 1 and distinct[0]:  # one sheet whose layout cannot repeat a key: nothing to resolve
        table, more = candidates.drop(columns="_key"), no_rejects()
    else:
        table, more = resolve_duplicates(candidates, keep_conflicts)
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


def print_progress(line: str) -> None:
    """Progress to stderr (the CLI's progress callback)."""
    print(line, file=sys.stderr, flush=True)
