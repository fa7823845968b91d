"""Strings as small integer codes, so that per-cell work is integer work: the interner and column codes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fazhi_analysis.table.wording import format_number

__all__ = ["Interner", "arrow_strings", "first_text", "map_unique", "per_code", "text_codes"]


class Interner:
    """Strings ↔ small integer codes (-1 for none), so that per-cell work is integer work."""

    def __init__(self) -> None:
        """An empty table."""
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    @classmethod
    def of(cls, items: Sequence[str]) -> Interner:
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
        return map_unique(values, self.code, -1).astype(np.int64)

    def strings(self, codes: np.ndarray) -> pd.Series:
        """A pandas string column (Arrow-backed) for ``codes``; NA where -1."""
        items = pa.array(self.items or [""], type=pa.string())
        missing = codes < 0
        indices = pa.array(np.where(missing, 0, codes), mask=missing) if missing.any() else pa.array(codes)
        taken = pc.take(items, indices)
        return arrow_strings(taken)


def arrow_strings(array: pa.Array) -> pd.Series:
    """A pandas string column backed by the Arrow string array ``array`` (no copy)."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array], type=pa.string())), dtype="string")


def text_codes(block: np.ndarray, col: int | None) -> tuple[np.ndarray, list[str]]:
    """Column ``col`` as codes into its distinct texts (stripped; numbers written plainly); -1 where empty."""
    if col is None:
        return np.full(len(block), -1, dtype=np.int64), []
    codes, uniques = pd.factorize(block[:, col])
    texts = [(u.strip() or None) if isinstance(u, str) else format_number(u, None) for u in uniques]
    kept = [t for t in texts if t is not None]
    position = {t: k for k, t in enumerate(dict.fromkeys(kept))}
    remap = np.array([position[t] if t is not None else -1 for t in texts] + [-1], dtype=np.int64)
    return remap[codes], list(position)


def per_code(codes: np.ndarray, per_text: list, default: object, dtype: object) -> np.ndarray:
    """``per_text[code]`` for each code, ``default`` where the code is -1."""
    table = np.empty(len(per_text) + 1, dtype=dtype)
    table[:-1] = per_text
    table[-1] = default
    return table[codes]


def first_text(block: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """The first non-empty cell of each row (None for empty rows)."""
    if block.size == 0:
        return np.full(len(block), None, dtype=object)
    present = pd.notna(block) if present is None else present
    first = present.argmax(axis=1)
    cells = block[np.arange(len(block)), first]
    return np.where(present.any(axis=1), cells, None)


def map_unique(values: np.ndarray | pd.Series, func: Callable[[object], object], default: object) -> np.ndarray:
    """``func`` applied once per distinct non-missing value; ``default`` where missing. Object array."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = default
    return mapped[codes]
