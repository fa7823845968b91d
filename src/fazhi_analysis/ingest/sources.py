"""Where a figure comes from: the sentence a ``file:line:column`` source points into.

Example:
    >>> sentence_of("dabancheng_2024_report.txt:7:26")     # doctest: +SKIP
    '依法追回1421名工人欠薪1547.16万元'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from fazhi_analysis import project
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.decode import read_report_text

_TEXT_SOURCE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+)$")
_SENTENCE_END = "。！？；!?;"


@lru_cache(maxsize=32)
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(read_report_text(path).split("\n"))


def sentence_of(source: object, raw_dir: Path | None = None) -> str | None:
    """The sentence around ``file:line:column`` (1-based) of a report text under ``raw_dir``.

    ``raw_dir`` defaults to the working project's ``data/raw``.

    Returns None for other sources (spreadsheet cells ``file#sheet!cell``) and for files that are
    no longer there or no longer hold that line.
    """
    found = _TEXT_SOURCE.match(str(source)) if isinstance(source, str) else None
    if not found:
        return None
    path = Path(raw_dir or project.find().raw) / found["file"]
    try:
        lines = _lines(path)
    except (InputError, OSError):
        return None
    line_no, column = int(found["line"]), int(found["column"]) - 1
    if not 1 <= line_no <= len(lines) or column >= len(lines[line_no - 1]):
        return None
    line = lines[line_no - 1]
    start = max((line.rfind(mark, 0, column) for mark in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (line.find(mark, column) for mark in _SENTENCE_END) if i >= 0]
    end = min(ends) + 1 if ends else len(line)
    return line[start:end].strip()


def sentences(sources: pd.Series, raw_dir: Path | None = None) -> pd.Series:
    """:func:`sentence_of` for every source of a tidy table (NA where there is no sentence)."""
    raw_dir = Path(raw_dir or project.find().raw)
    return pd.Series([sentence_of(s, raw_dir) for s in sources], index=sources.index, dtype="string")
