"""Cells repeating one region, year and indicator: whether a sheet can have any, and how they are judged."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.ingest.clean._rejects import (
    REJECT_COLUMNS,
    no_rejects,
    rejects_table,
)
from fazhi_analysis.ingest.clean._rows import (
    NO_REL,
)
from fazhi_analysis.table.wording import plain_figure

__all__ = ["keys_distinct", "resolve_duplicates"]


def keys_distinct(
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
    year_from_row = ~year_from_col & (col_rel[used_cols] == NO_REL)
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


def resolve_duplicates(candidates: pd.DataFrame, keep_conflicts: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per region, year, indicator: repeats rejected as duplicate, disagreements as conflict (or all kept)."""
    if candidates.empty:
        return candidates, no_rejects()
    key = candidates.pop("_key").to_numpy(np.int64)
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if not dup.any():
        return candidates, no_rejects()
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
        return table, no_rejects()
    bad = pd.concat(rejected)
    columns = {c: pd.NA if c == "column" else bad[c] for c in REJECT_COLUMNS}
    return table, rejects_table(columns, bad["_order"].to_numpy(np.int64))


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
