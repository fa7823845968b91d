"""Where a report's sentences and clauses end, and the span between two ends around a position.

One rule for figure extraction (:mod:`fazhi_analysis.ingest.extract`) and for showing where a
figure comes from (:mod:`fazhi_analysis.ingest.sources`): a sentence ends at a full stop
(:data:`FULL_STOPS`); a clause also at a comma, semicolon or colon (:data:`CLAUSE_MARKS`). Each caller
adds what its text needs (a line break, semicolons), so that difference stays visible where it is made.

Example:
    >>> text = "收到申请11件；结案5件。"
    >>> bounds(delimiters(text, FULL_STOPS + SEMICOLONS), 9, len(text))
    (8, 12)
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Container

__all__ = ["CLAUSE_MARKS", "FULL_STOPS", "SEMICOLONS", "bounds", "delimiters"]


FULL_STOPS = "。！？!?"  # end a sentence
SEMICOLONS = "；;"
CLAUSE_MARKS = "，,；;：:"  # end a clause inside a sentence


def delimiters(text: str, marks: str, quoted: Container[int] = ()) -> list[int]:
    """Positions of ``marks`` in ``text``, except those in ``quoted`` (a line break always counts).

    ``quoted`` holds the positions inside quotes, so that 、 in “双随机、一公开” does not split.
    """
    return [
        m.start() for m in re.finditer(f"[{re.escape(marks)}]", text) if m.group() == "\n" or m.start() not in quoted
    ]


def bounds(delimiters: list[int], pos: int, length: int) -> tuple[int, int]:
    """Start and end of the span around ``pos`` between two delimiters (the end is the closing delimiter)."""
    k = bisect.bisect_left(delimiters, pos)
    return (delimiters[k - 1] + 1 if k else 0), (delimiters[k] if k < len(delimiters) else length)
