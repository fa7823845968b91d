"""Results kept by the content of what they were computed from, so asking again of an equal table costs a hash.

A batch worker renders many reports of one table: the rates of the table, the wide workbook of a peer group and
year are the same for each. :class:`Memo` keeps the last few results under a key built with :func:`fingerprint`
(the table's content, not its identity: a table changed in place, or another table, makes another key).

Example:
    >>> memo = Memo(2)
    >>> frame = pd.DataFrame({"a": [1, 2]})
    >>> memo.get_or_compute(fingerprint(frame), lambda: len(frame))
    2
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import pandas as pd

__all__ = ["Memo", "fingerprint"]

_T = TypeVar("_T")


def fingerprint(frame: pd.DataFrame | None) -> tuple:
    """The content of ``frame``: a digest of its rows in order (index included), its columns and dtypes.

    Example:
        >>> a = pd.DataFrame({"x": [1, 2]})
        >>> fingerprint(a) == fingerprint(a.copy()), fingerprint(a) == fingerprint(a[::-1].reset_index(drop=True))
        (True, False)
    """
    if frame is None:
        return ()
    rows = pd.util.hash_pandas_object(frame, index=True).to_numpy() if len(frame) else b""
    return hashlib.blake2b(bytes(rows), digest_size=16).hexdigest(), tuple(frame.columns), tuple(map(str, frame.dtypes))


class Memo(Generic[_T]):
    """The last ``size`` results by key, the oldest dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[Hashable, _T] = {}

    def get(self, key: Hashable) -> _T | None:
        """The result kept under ``key``, or None."""
        return self._kept.get(key)

    def get_or_compute(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """The result kept under ``key``, else ``compute()`` kept under it."""
        if key not in self._kept:
            self.put(key, compute())
        return self._kept[key]

    def put(self, key: Hashable, value: _T) -> None:
        """Keep ``value`` under ``key``, dropping the oldest results beyond ``size``."""
        self._kept.pop(key, None)
        self._kept[key] = value
        while len(self._kept) > self.size:
            self._kept.pop(next(iter(self._kept)))

    def clear(self) -> None:
        """Forget every result."""
        self._kept.clear()
