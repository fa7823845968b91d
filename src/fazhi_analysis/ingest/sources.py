"""Where a figure comes from: the sentence of its report text that a ``file:line:column`` source points into.

``fazhi build`` finds each figure's sentence while it holds the text (:func:`sentences_table`) and writes the
sentences to ``sentences.parquet`` beside the tidy table; a report reads them back with :func:`load_sentences`,
so it needs no ``data/raw``.

Example:
    >>> text = "第一行\\n全年收到申请11件；结案5件。"
    >>> found = sentences_table(text, pd.Series(["r.txt:2:7", "t.xlsx#表1!C4"]), "甲区", 2024)
    >>> found["sentence"].tolist(), found["offset"].tolist()
    (['全年收到申请11件；'], [6])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from fazhi_analysis.ingest.sentence import FULL_STOPS, SEMICOLONS, bounds, delimiters
from fazhi_analysis.table import manifest

__all__ = ["COLUMNS", "STEM", "empty_table", "load_sentences", "sentences_table"]

STEM = "sentences"
COLUMNS = ("region", "year", "source", "sentence", "offset")  # sentences.parquet / sentences.csv
_DTYPES = {"region": "string", "year": "Int64", "source": "string", "sentence": "string", "offset": "Int64"}
_TEXT_SOURCE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+)$")
_SENTENCE_END = FULL_STOPS + SEMICOLONS  # shown alone, a source's sentence is cut short at a semicolon too


def _sentence(lines: list[str], ends: dict[int, list[int]], source: object) -> tuple[str, int] | None:
    """The sentence around ``file:line:column`` (1-based) of ``lines`` and the column's offset in it; None for
    other sources (spreadsheet cells ``file#sheet!cell``) and positions beyond the text. ``ends`` keeps each
    line's sentence ends."""
    found = _TEXT_SOURCE.match(source) if isinstance(source, str) else None
    if not found:
        return None
    line_no, column = int(found["line"]), int(found["column"]) - 1
    if not 1 <= line_no <= len(lines) or column >= len(lines[line_no - 1]):
        return None
    line = lines[line_no - 1]
    if line_no not in ends:
        ends[line_no] = delimiters(line, _SENTENCE_END)
    at = column if column >= 0 else len(line) + column  # column 0 (before the line) counts from its end
    start, end = bounds(ends[line_no], at, len(line))
    sentence = line[start : end + 1]  # with the mark that ends it
    lead = len(sentence) - len(sentence.lstrip())
    return sentence.strip(), at - start - lead


def sentences_table(text: str, sources: Iterable[object], region: str, year: int) -> pd.DataFrame:
    """The rows of ``sentences.parquet`` for one report text: region, year, source, its sentence and where in
    the sentence the source points (``offset``: a sentence may hold the figure's text twice, 结案率98%、办结率98%).

    A source that points into no sentence of ``text`` (a spreadsheet cell) has no row.
    """
    lines, ends = text.split("\n"), {}
    found = [(s, said) for s in sources if (said := _sentence(lines, ends, s)) is not None]
    rows = [(region, year, source, *said) for source, said in found]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(_DTYPES)


def empty_table() -> pd.DataFrame:
    """A ``sentences.parquet`` frame without rows."""
    return sentences_table("", [], "", 0)


def load_sentences(table_path: str | Path) -> pd.DataFrame:
    """The sentences ``fazhi build`` wrote beside the tidy table at ``table_path``, trusted only as one build with it.

    Returns an empty frame with the columns when the file is missing or the manifest does not vouch for it
    and the table as written by the same build (a killed or older build).

    Example:
        >>> load_sentences("data/processed/indicators.parquet")   # doctest: +SKIP
    """
    found = manifest.read_beside(Path(table_path), f"{STEM}.parquet")
    return empty_table() if found is None else found
