"""Find the figures of a published report's text, with provenance, and map them to the catalog.

The stages, one module each:

* ``_figures``: which number-with-unit spans are figures (years, dates, document numbers, ordinals,
  slogans and quoted names are not), their value, unit and what they count;
* ``_structure``: the heading tree and its sections; the report's level (省, 市, 县) and kind;
* ``_candidates``: the indicators the catalog's aliases near a number propose, and each one's features
  (alias distance and side, counted noun, section, every signal of ``extract_rules.yaml``);
* ``_scope``: the figure's period (全年, 截至M月, 以来, 期间) and scope (本级, 全域, 下级合计, 其他机关);
* ``_analysis``: the stages run over a text, each figure with its candidates, period and scope;
* ``_model`` and ``_decision``: the fitted, calibrated model (``model.json``, built by ``make model`` from the
  corpus) and the decision it makes for a whole document.

A figure takes the candidate the model rates highest, when its calibrated confidence reaches the threshold
(by default the one at which the calibration split's ids are right 95 % of the time) and the figure is a
full-year figure of the body's own; otherwise the id is left empty and the figure kept with its reason:
a wrong id is worse than none.

Example:
    >>> figures = extract_text("(五)行政复议\\n全年收到行政复议申请11件，结案5件。")
    >>> figures[["indicator", "value", "unit", "period", "scope"]].values.tolist()[0]
    ['disputes.reconsideration_applications', 11.0, '件', '全年', '本级']
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.decode import read_report_text
from fazhi_analysis.ingest.extract import _candidates, _model, _structure
from fazhi_analysis.ingest.extract._analysis import Figure, analyse
from fazhi_analysis.ingest.extract._decision import choose, decide
from fazhi_analysis.ingest.extract._rules import WINDOW
from fazhi_analysis.ingest.extract._structure import ITEM_LEVEL, detect_region_year
from fazhi_analysis.table import catalog, tidy
from fazhi_analysis.table.numbers import PANDAS_TYPES

__all__ = [
    "FIGURE_COLUMNS",
    "Figure",
    "ITEM_LEVEL",
    "WINDOW",
    "Mapping",
    "analyse",
    "choose",
    "decide",
    "default_min_confidence",
    "detect_region_year",
    "extract_candidates",
    "extract_file",
    "extract_text",
    "headings",
]

FIGURE_COLUMNS = [
    "indicator",
    "label",
    "section",
    "value",
    "unit",
    "approx",
    "raw",
    "start",
    "end",
    "sentence",
    "confidence",
    "reason",
    "period",
    "scope",
]


def default_min_confidence() -> float:
    """The threshold ids are kept at by default: where the calibration split's precision reaches 0.95."""
    return _model.load().threshold


class Mapping(NamedTuple):
    """A figure's mapping: the catalog id or None, how sure (0–1) and why (``alias+noun``, ``abstain:subset(其中)``)."""

    indicator: str | None
    confidence: float
    reason: str


def headings(text: str, cat: catalog.Catalog | None = None) -> pd.DataFrame:
    """The heading tree of a report: heading lines and the list items (``一是``) inside paragraphs, placed in the
    sections of ``cat`` (default: the working project's catalog).

    Returns:
        One row per heading or item in text order. Columns level (1 = ``一、``, 2 = ``(一)``,
        3 = ``1.``, 4 = ``(1)``, 5 = ``一是`` items), marker, title (up to the first 。 or ；, at most
        :data:`WINDOW` characters), start, end (offsets of the heading line, or of the item's first
        sentence) and section (catalog section id matched from the title and its parents; items take
        their heading's).
    """
    rows = _structure.heading_rows(text, _candidates.catalog_index(cat).keywords)
    return pd.DataFrame(rows, columns=["level", "marker", "title", "start", "end", "section"])


def extract_text(text: str, min_confidence: float | None = None, cat: catalog.Catalog | None = None) -> pd.DataFrame:
    """Every figure of a report's text, with its period and scope, mapped to the catalog where it is clear.

    Args:
        text: The report's text.
        min_confidence: Ids less sure than this are left empty (the figure, its confidence and the
            reason, prefixed ``abstain:low``, are kept); None: :func:`default_min_confidence`; 0 keeps
            every id the model chose.
        cat: The catalog the figures are mapped to (default: the working project's).

    Returns:
        One row per figure in text order, columns ``FIGURE_COLUMNS``: indicator (id or NA),
        label, section, value (base unit), unit (as written, 万/亿 folded in), approx, raw,
        start, end (offsets of raw in ``text``, end exclusive), sentence, confidence (0–1: the
        calibrated probability that the best candidate id is right; 0 when the figure is not a level,
        or not a full-year figure of the body's own), reason, period and scope.

    Raises:
        InputError: a figure too large to represent (``line:column: …``; no ``inf`` is ever a value).

    Example:
        >>> row = extract_text("(五)行政复议\\n审结行政复议案件88件，其中以调解方式结案19件。").iloc[1]
        >>> row["indicator"] is pd.NA, row["reason"].startswith("abstain:")
        (True, True)
    """
    return _typed(_rows(text, min_confidence, cat=cat))


def extract_candidates(
    text: str, min_confidence: float | None = None, top: int = 3, cat: catalog.Catalog | None = None
) -> pd.DataFrame:
    """:func:`extract_text` with a ``candidates`` column: the ids the model weighed for each figure.

    Args:
        text, min_confidence, cat: as for :func:`extract_text`.
        top: how many candidates to keep per figure.

    Returns:
        The figures of :func:`extract_text`; ``candidates`` holds a list of (id, confidence 0–1, reason)
        tuples, best first, empty when no alias was near or the figure is not a level (a rank, a
        change, a range).

    Example:
        >>> row = extract_candidates("(五)行政复议\\n全年收到行政复议申请11件。").iloc[0]
        >>> row["candidates"][0][0], row["candidates"][0][1] > 0.5
        ('disputes.reconsideration_applications', True)
    """
    rows = _rows(text, min_confidence, top, cat)
    figures = _typed(rows)
    figures["candidates"] = pd.Series([row["candidates"] for row in rows], dtype=object)
    return figures


def _rows(text: str, min_confidence: float | None, top: int = 0, cat: catalog.Catalog | None = None) -> list[dict]:
    """The rows of :func:`extract_text` as dicts; with ``top``, each holds its ``candidates``."""
    figures = analyse(text, cat)
    model = _model.load()
    picks = choose(figures, model)
    chosen = [k for k, (j, _) in enumerate(picks) if j is not None]
    parts = dict(zip(chosen, model.contributions([figures[k].candidates[picks[k][0]].features for k in chosen])))
    return [decide(f, pick, parts.get(k), min_confidence, top) for k, (f, pick) in enumerate(zip(figures, picks))]


# The tidy table's dtypes (its contract, table.tidy), plus where the figure stands in the text.
_FIGURE_DTYPES = {
    **{c: tidy.TIDY_DTYPES[c] for c in ("indicator", "label", "section", "value", "unit", "approx", "raw")},
    "start": "Int64",
    "end": "Int64",
    "sentence": tidy.TIDY_DTYPES["raw"],
    "confidence": "Float64",
    "reason": tidy.TIDY_DTYPES["raw"],
    "period": tidy.TIDY_DTYPES["raw"],
    "scope": tidy.TIDY_DTYPES["raw"],
}


def _typed(rows: list[dict]) -> pd.DataFrame:
    """The figures table from row dicts, with its dtypes (built through Arrow in one conversion)."""
    table = pa.Table.from_pylist(rows, schema=_FIGURE_SCHEMA)
    return table.to_pandas(types_mapper=PANDAS_TYPES.get)


_ARROW_TYPES = {str(dtype): arrow for arrow, dtype in PANDAS_TYPES.items()}  # "Float64" → float64 …
_FIGURE_SCHEMA = pa.schema([(name, _ARROW_TYPES[dtype]) for name, dtype in _FIGURE_DTYPES.items()])


def extract_file(
    path: str | Path,
    region: str | None = None,
    year: int | None = None,
    *,
    max_text_bytes: int | None = None,
    max_unzipped_bytes: int | None = None,
    min_confidence: float | None = None,
    cat: catalog.Catalog | None = None,
) -> pd.DataFrame:
    """Figures of a report file (see :func:`extract_text`, also for ``min_confidence`` and ``cat``), with region and
    year columns.

    Region and year default to those the report states about itself. ``max_text_bytes`` and
    ``max_unzipped_bytes`` bound the text and a ``.docx``'s decompressed size (None: the defaults of
    :func:`fazhi_analysis.ingest.decode.read_report_text`).

    Raises:
        InputError: the file is missing, not a regular file, empty, binary, undecodable or too large, or
            holds a figure too large to represent.
    """
    text = read_report_text(path, max_text_bytes=max_text_bytes, max_unzipped_bytes=max_unzipped_bytes)
    try:
        figures = extract_text(text, min_confidence, cat)
    except InputError as exc:
        raise InputError(f"{path}:{exc}") from None
    found_region, found_year = detect_region_year(text)
    figures.insert(0, "year", pd.array([year or found_year] * len(figures), dtype=tidy.TIDY_DTYPES["year"]))
    figures.insert(0, "region", pd.array([region or found_region] * len(figures), dtype=tidy.TIDY_DTYPES["region"]))
    return figures
