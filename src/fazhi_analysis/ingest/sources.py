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
from fazhi_analysis.ingest.sentence import FULL_STOPS, SEMICOLONS, bounds, delimiters

_TEXT_SOURCE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+)$")
_SENTENCE_END = FULL_STOPS + SEMICOLONS  # shown alone, a source's sentence is cut short at a semicolon too


@lru_cache(maxsize=32)
def _lines(path: Path) -> tuple[str, ...]:
    """The lines of a report text (the last 32 files read are kept)."""
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
    at = column if column >= 0 else len(line) + column  # column 0 (before the line) counts from its end
    start, end = bounds(delimiters(line, _SENTENCE_END), at, len(line))
    return line[start : end + 1].strip()  # with the mark that ends it


def sentences(sources: pd.Series, raw_dir: Path | None = None) -> pd.Series:
    """:func:`sentence_of` for every source of a tidy table (NA where there is no sentence)."""
    raw_dir = Path(raw_dir or project.find().raw)
    return pd.Series([sentence_of(s, raw_dir) for s in sources], index=sources.index, dtype="string")
