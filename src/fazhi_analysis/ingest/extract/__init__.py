"""Find the figures of a published report's text, with provenance, and map them to the catalog.

The stages, one module each:

* ``_figures``: which number-with-unit spans are figures (years, dates, document numbers, ordinals,
  slogans and quoted names are not), their value, unit and what they count;
* ``_structure``: the heading tree and its sections; the report's level (省, 市, 县) and kind;
* ``_candidates``: the indicators the catalog's aliases near a number propose, and each one's features
  (alias distance and side, counted noun, section, every signal of ``extract_rules.yaml``);
* ``_scope``: the figure's period (全年, 截至M月, 以来, 期间) and scope (本级, 全域, 下级合计, 其他机关);
* ``_model``: the fitted, calibrated decision (``model.json``, built by ``make model`` from the corpus).

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

import bisect
import itertools
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from fazhi_analysis.ingest.decode import read_report_text
from fazhi_analysis.ingest.extract import _candidates, _figures, _model, _rules, _scope, _structure
from fazhi_analysis.ingest.extract._rules import FOLD, WINDOW
from fazhi_analysis.ingest.extract._structure import ITEM_LEVEL
from fazhi_analysis.ingest.sentence import FULL_STOPS, bounds, delimiters
from fazhi_analysis.table import tidy
from fazhi_analysis.table.numbers import PANDAS_TYPES

__all__ = [
    "FIGURE_COLUMNS",
    "ITEM_LEVEL",
    "WINDOW",
    "Mapping",
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


def headings(text: str) -> pd.DataFrame:
    """The heading tree of a report: heading lines and the list items (``一是``) inside paragraphs.

    Returns:
        One row per heading or item in text order. Columns level (1 = ``一、``, 2 = ``(一)``,
        3 = ``1.``, 4 = ``(1)``, 5 = ``一是`` items), marker, title (up to the first 。 or ；, at most
        :data:`WINDOW` characters), start, end (offsets of the heading line, or of the item's first
        sentence) and section (catalog section id matched from the title and its parents; items take
        their heading's).
    """
    rows = _structure.heading_rows(text, _candidates.catalog_index().keywords)
    return pd.DataFrame(rows, columns=["level", "marker", "title", "start", "end", "section"])


def extract_text(text: str, min_confidence: float | None = None) -> pd.DataFrame:
    """Every figure of a report's text, with its period and scope, mapped to the catalog where it is clear.

    Args:
        text: The report's text.
        min_confidence: Ids less sure than this are left empty (the figure, its confidence and the
            reason, prefixed ``abstain:low``, are kept); None: :func:`default_min_confidence`; 0 keeps
            every id the model chose.

    Returns:
        One row per figure in text order, columns ``FIGURE_COLUMNS``: indicator (id or NA),
        label, section, value (base unit), unit (as written, 万/亿 folded in), approx, raw,
        start, end (offsets of raw in ``text``, end exclusive), sentence, confidence (0–1: the
        calibrated probability that the best candidate id is right; 0 when the figure is not a level,
        or not a full-year figure of the body's own), reason, period and scope.

    Example:
        >>> row = extract_text("(五)行政复议\\n审结行政复议案件88件，其中以调解方式结案19件。").iloc[1]
        >>> row["indicator"] is pd.NA, row["reason"].startswith("abstain:")
        (True, True)
    """
    return _typed(_rows(text, min_confidence))


def extract_candidates(text: str, min_confidence: float | None = None, top: int = 3) -> pd.DataFrame:
    """:func:`extract_text` with a ``candidates`` column: the ids the model weighed for each figure.

    Args:
        text, min_confidence: as for :func:`extract_text`.
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
    rows = _rows(text, min_confidence, top)
    figures = _typed(rows)
    figures["candidates"] = pd.Series([row["candidates"] for row in rows], dtype=object)
    return figures


class Figure(NamedTuple):
    """One figure as the stages read it, before the decision: its row, candidates and where it stands."""

    row: dict  # the columns of FIGURE_COLUMNS but indicator, confidence and reason
    candidates: list[_candidates.Candidate]
    where: _scope.Where
    not_a_level: str | None  # rank, change(增长), each(分别), range: no indicator's level

    @property
    def decidable(self) -> bool:
        """Whether the model decides the figure's id: a level, full-year, the body's own."""
        return self.not_a_level is None and self.where.why is None


def analyse(text: str) -> list[Figure]:
    """Every figure of ``text`` with its candidate ids and their features, period and scope (no decision)."""
    matching = _simplified(text)
    folded = matching.translate(FOLD)
    quoted = _figures.Quoted(folded)
    found = _figures.find(folded, quoted)
    if not found:
        return []
    index = _candidates.catalog_index()
    heads = _structure.heading_rows(matching, index.keywords)
    lines = [row for row in heads if row["level"] < ITEM_LEVEL]  # the headings above a figure tell its topic
    region, year = detect_region_year(matching)
    kind = _structure.document_kind(matching)
    doc = _Document(
        text,
        folded,
        _structure.report_level(matching),
        year,
        kind,
        _scope.document_month(matching, year) if kind != "report" else None,
        [row["start"] for row in lines],
        [row["title"] for row in lines],
        delimiters(folded, _rules.SENTENCE_END, quoted),
        delimiters(folded, _rules.CLAUSE_END, quoted),
        delimiters(folded, _rules.CLAUSE_END + _rules.LIST_MARK, quoted),
        index,
        [row["start"] for row in heads if row["level"] == 1],
        [_structure.part_of(row["title"]) for row in heads if row["level"] == 1],
    )
    starts = [f["start"] for f in found]
    # Value and unit are read in simplified characters (萬元 → 元); raw stays as written.
    figures = _figures.parse(matching, found, _structure.section_at(heads, starts))
    figures = figures._replace(raws=[text[f["start"] : f["end"]] for f in found])
    present: dict[tuple[int, int], frozenset[str]] = {}  # aliases found in each sentence
    out = [_figure(i, doc, figures, present) for i in range(len(found))]
    out = [figure for figure in out if figure is not None]
    _document_features(out)
    return out


def _document_features(figures: list[Figure]) -> None:
    """Each candidate's rivals in the document: other figures it could be, and whether one names the whole region.

    An indicator is one figure of a report: a candidate that another figure also proposes competes with it,
    and the one whose sentence names the whole region (全县…) is the total of which a 本级 figure is a part.
    """
    count: dict[str, int] = {}
    whole: dict[str, int] = {}
    for figure in figures:
        if figure.decidable:
            for cand in figure.candidates:
                count[cand.indicator.id] = count.get(cand.indicator.id, 0) + 1
                whole[cand.indicator.id] = whole.get(cand.indicator.id, 0) + (figure.where.scope == "全域")
    for figure in figures:
        own = figure.where.scope == "本级"
        for cand in figure.candidates:
            n = count.get(cand.indicator.id, 0)
            cand.features["id_elsewhere"] = min(n - 1, 4) / 4 if n else 0.0
            cand.features["whole_elsewhere"] = float(own and whole.get(cand.indicator.id, 0) > 0)


def _simplified(text: str) -> str:
    """The text in simplified characters, same length (traditional 複議 → 复议), for matching only.

    A text that fits GB2312 holds no traditional characters: only others are converted (OpenCC's ``t2s``),
    and character by character when a phrase would change the length (offsets must stay).
    """
    try:
        text.encode("gb2312")
        return text
    except UnicodeEncodeError:
        pass
    converter = _converter()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(ch if len(c := converter.convert(ch)) != 1 else c for ch in text)


@cache
def _converter():  # noqa: ANN202 (opencc is imported only when a text needs it)
    """OpenCC's traditional → simplified converter, made once (it reads its dictionaries)."""
    import opencc

    return opencc.OpenCC("t2s")


class _Document(NamedTuple):
    """A report's text as figures are read from it: folded once, its headings and delimiters found once."""

    text: str
    folded: str  # simplified, full-width digits and signs folded (same offsets)
    level: str | None  # the report's own level (省, 市, 县) and year, for signals
    year: int | None
    kind: str  # report, draft, news
    month: int | None  # the month a draft or news item stands at
    head_starts: list[int]  # the heading lines (not 一是 items), in text order
    head_titles: list[str]
    sentence_ends: list[int]  # delimiter positions outside quotes
    clause_ends: list[int]
    item_ends: list[int]  # clause ends and 、
    index: _candidates.CatalogIndex
    part_starts: list[int]  # the top-level headings and the part of the report each opens
    parts: list[str]


_THRESHOLD_PREFIXES = ("超过", "超", "不少于", "不低于", "至少", "多达", "逾")
_PERSON_UNITS = ("人", "名", "人次", "位")
_EVENT_UNITS = ("次", "场", "场次", "期", "轮", "轮次", "批", "批次")


def _figure(i: int, doc: _Document, figures: _figures.Found, present: dict) -> Figure | None:
    """Figure ``i`` with its label, candidates, period and scope; None when its text does not parse."""
    if figures.values[i] is pd.NA:
        return None
    text, folded, found = doc.text, doc.folded, figures.spans
    start, end = found[i]["start"], found[i]["end"]
    whole = bounds(doc.sentence_ends, start, len(text))
    # A run-on line (no full stop, no line break) is read only near each figure: linear time.
    s0, s1 = max(whole[0], start - WINDOW), min(whole[1], end + WINDOW)
    c0, c1 = bounds(doc.clause_ends, start, len(text))[0], bounds(doc.item_ends, start, len(text))[1]
    c0, c1 = max(c0, start - WINDOW), min(c1, end + WINDOW)
    adjacent = max(c0, found[i - 1]["end"] if i else 0)
    before = folded[adjacent:start]
    after = folded[end : min(c1, found[i + 1]["start"] if i + 1 < len(found) else len(text))]
    rules = _rules.load()
    label = _figures.label(before, after, rules)
    row = {
        "label": label,
        "section": figures.sections[i],
        "value": figures.values[i],
        "unit": figures.units[i],
        "approx": bool(figures.approx[i]),
        "raw": figures.raws[i],
        "start": start,
        "end": end,
        "sentence": text[s0 : s1 + (s1 < len(text) and text[s1] in FULL_STOPS)].strip(),
    }
    hits = _candidates.signal_hits(
        folded, start, {"adjacent": adjacent, "clause": c0, "sentence": s0}, doc.level, doc.year
    )
    part = bisect.bisect_right(doc.part_starts, start)
    plans = bool(part) and doc.parts[part - 1] == "plans"
    where = _scope.period_scope(hits, folded[s0:start], doc.kind, doc.month, doc.level, plans)
    not_level = _not_a_level(found[i]["rank"], before, folded[max(s0, start - 40) : start], figures.raws[i], rules)
    if not_level is not None:
        return Figure(row, [], where, not_level)
    k = bisect.bisect_right(doc.head_starts, start)
    ctx = _candidates.Context(
        start,
        end,
        figures.units[i],
        (s0, s1),
        (c0, c1),
        after,
        " ".join(doc.head_titles[max(0, k - 2) : k]),
        figures.sections[i],
        len(label) >= 2,
        figures.starts,
        figures.units,
        label,
        hits,
        _figures.counted_noun(after),
        _figure_features(hits, figures, i, after, doc, c0),
    )
    if whole not in present:  # once per sentence; the window's aliases are among them
        sentence = folded[whole[0] : whole[1]]
        present[whole] = frozenset(a for a in doc.index.aliases if a in sentence)
    found_ids = _candidates.candidates(ctx, folded, present[whole], doc.index)
    for hit in hits:  # a signal of some ids (respondent): those ids are another body's cases here
        if hit.signal.ids:
            kept = [c for c in found_ids if not c.indicator.id.startswith(hit.signal.ids)]
            if found_ids and not kept:
                where = where._replace(scope="其他机关", why=where.why or (hit.signal.key, hit.words.strip()))
            found_ids = kept
    return Figure(row, found_ids, where, None)


def _figure_features(
    hits: tuple, figures: _figures.Found, i: int, after: str, doc: _Document, clause_start: int
) -> dict[str, float]:
    """Features of the figure itself, the same for each of its candidates: signals, unit class, document kind."""
    f = {f"has_{hit.signal.key}": 1.0 for hit in hits}
    k = bisect.bisect_right(doc.part_starts, figures.starts[i])
    if k and doc.parts[k - 1]:
        f[f"part_{doc.parts[k - 1]}"] = 1.0
    f["figure_before_in_clause"] = float(i > 0 and figures.starts[i - 1] >= clause_start)
    unit, raw = figures.units[i], figures.raws[i]
    f["unit_pct"] = float(unit == "%")
    f["unit_money"] = float(unit == "元")
    f["unit_person"] = float(unit in _PERSON_UNITS)
    f["unit_event"] = float(unit in _EVENT_UNITS)
    f["approx"] = float(bool(figures.approx[i]))
    f["pre_threshold"] = float(raw.startswith(_THRESHOLD_PREFIXES))
    f["after_de"] = float(after.startswith("的"))
    f["counted_noun"] = float(_figures.counted_noun(after))
    f["no_section"] = float(figures.sections[i] is None)
    f[f"kind_{doc.kind}"] = 1.0
    return f


def _not_a_level(rank: bool, before: str, near: str, raw: str, rules: _rules.Rules) -> str | None:
    """Why a figure is no indicator's level: a rank, a change, a 分别 list or a range; else None."""
    change = rules.change_re.search(before)
    if rank:
        return "rank"
    if change:
        return f"change({change['word']})"
    if "分别" in near:
        return "each(分别)"
    if _rules.RANGE_RE.search(raw):
        return "range"
    return None


def choose(figures: list[Figure], model: _model.Model) -> list[tuple[int | None, float]]:
    """The candidate each figure takes and its raw probability: the document decoded as a whole.

    An indicator is one figure of a report (the tidy table holds one value a region, year and indicator), so
    pairs of figure and candidate are taken best first, each figure and each id at most once; a figure whose
    candidates all went to figures rated higher keeps its best (and will be below the threshold or a conflict).
    """
    decided = [f.candidates if f.decidable else [] for f in figures]
    flat = model.raw([c.features for cands in decided for c in cands])  # one matrix for the document
    cuts = list(itertools.accumulate(len(cands) for cands in decided))
    raws = [flat[end - len(cands) : end] for cands, end in zip(decided, cuts)]
    pairs = sorted(
        ((p, i, j) for i, ps in enumerate(raws) for j, p in enumerate(ps)),
        key=lambda t: (-t[0], t[1], figures[t[1]].candidates[t[2]].indicator.id),
    )
    chosen: list[tuple[int | None, float]] = [(None, 0.0)] * len(figures)
    taken: set[str] = set()
    for p, i, j in pairs:
        ind = figures[i].candidates[j].indicator.id
        if chosen[i][0] is None and ind not in taken:
            chosen[i] = (j, float(p))
            taken.add(ind)
    return chosen


def decide(
    figure: Figure,
    pick: tuple[int | None, float],
    parts: list[tuple[str, float]] | None = None,
    min_confidence: float | None = None,
    top: int = 0,
) -> dict:
    """The row of a figure with its id, confidence and reason: its chosen candidate, when sure enough.

    ``parts`` are the chosen candidate's contributions (``Model.contributions``), which the reason names. With
    ``top`` > 0 the row also holds ``candidates``, the best ids the model weighed.
    """
    model = _model.load()
    threshold = model.threshold if min_confidence is None else min_confidence
    row = {**figure.row, "period": figure.where.period, "scope": figure.where.scope, "candidates": []}
    if figure.not_a_level:
        return {**row, "indicator": None, "confidence": 0.0, "reason": f"abstain:{figure.not_a_level}"}
    if top and figure.candidates:
        row["candidates"] = _top(figure, model, top)
    if figure.where.why:  # not a full-year figure of the body's own: no id, whatever the text says
        key, words = figure.where.why
        return {**row, "indicator": None, "confidence": 0.0, "reason": f"abstain:{key}({_short(words)})"}
    if not figure.candidates:
        return {**row, "indicator": None, "confidence": 0.0, "reason": "abstain:no_alias"}
    j, p = pick
    if j is None:  # its candidates went to figures the model rates higher: say what speaks against the best
        first = figure.candidates[0]
        reason = _model.reason_for(model.contributions([first.features])[0], first.words, False)
        reason = f"abstain:taken({first.indicator.id})" if reason == "abstain:weak" else reason
        return {**row, "indicator": None, "confidence": 0.0, "reason": reason}
    best = figure.candidates[j]
    parts = model.contributions([best.features])[0] if parts is None else parts
    confidence = round(model.calibrated(p), 3)
    if confidence < threshold:
        reason = _model.reason_for(parts, best.words, False)
        if reason == "abstain:weak":
            reason = f"abstain:low({_model.reason_for(parts, {}, True)})"
        return {**row, "indicator": None, "confidence": confidence, "reason": reason}
    reason = _model.reason_for(parts, best.words, True)
    return {
        **row,
        "indicator": best.indicator.id,
        "section": best.indicator.section,
        "confidence": confidence,
        "reason": reason,
    }


def _top(figure: Figure, model: _model.Model, top: int) -> list[tuple[str, float, str]]:
    """The ``top`` candidates of a figure by the model, best first: (id, confidence, reason)."""
    raw = model.raw([c.features for c in figure.candidates])
    order = sorted(range(len(raw)), key=lambda j: (-raw[j], figure.candidates[j].indicator.id))[:top]
    parts = model.contributions([figure.candidates[j].features for j in order])
    return [
        (
            figure.candidates[j].indicator.id,
            round(model.calibrated(raw[j]), 3),
            _model.reason_for(part, figure.candidates[j].words, True),
        )
        for j, part in zip(order, parts)
    ]


def _short(words: str) -> str:
    return words if len(words) <= 8 else "…" + words[-7:]


def _rows(text: str, min_confidence: float | None, top: int = 0) -> list[dict]:
    """The rows of :func:`extract_text` as dicts; with ``top``, each holds its ``candidates``."""
    figures = analyse(text)
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


# --- region and year -------------------------------------------------------------------------

_TITLE_RE = re.compile(
    r"(?P<region>[\u4e00-\u9fff]{2,20}?)(?:人民政府|政府)?(?:关于)?\s*(?P<year>(?:19|20)\d{2})\s*年度?(?:的)?"
    r"(?:法治政府建设|依法行政)"
)
_REGION_SUFFIX = "区县市旗州盟镇乡"
# Words before a region's name in a title: 现将…, 关于…, and a party committee (中共××区委) before the government.
_LEAD_RE = re.compile(r"^(?:.*委)?(?:现将|关于|按照|根据|中共|将|我|对|是)*")


def detect_region_year(text: str) -> tuple[str | None, int | None]:
    """Region and year from a report's own words, e.g. ``达坂城区人民政府2024年度法治政府建设``.

    The region is returned only when it reads as one (ends in 区, 县, 市, 旗 …); a year alone
    is returned when the title names none (``我县2023年法治政府建设``).
    """
    head = text[:2000]
    match = _TITLE_RE.search(head)
    if not match:
        return None, None
    region = _LEAD_RE.sub("", match["region"])
    region = region if len(region) >= 2 and region[-1] in _REGION_SUFFIX else None
    return region, int(match["year"])


def extract_file(
    path: str | Path,
    region: str | None = None,
    year: int | None = None,
    *,
    max_text_bytes: int | None = None,
    max_unzipped_bytes: int | None = None,
    min_confidence: float | None = None,
) -> pd.DataFrame:
    """Figures of a report file (see :func:`extract_text`, also for ``min_confidence``), with region and year columns.

    Region and year default to those the report states about itself. ``max_text_bytes`` and
    ``max_unzipped_bytes`` bound the text and a ``.docx``'s decompressed size (None: the defaults of
    :func:`fazhi_analysis.ingest.decode.read_report_text`).

    Raises:
        InputError: the file is missing, empty, binary, undecodable or too large.
    """
    text = read_report_text(path, max_text_bytes=max_text_bytes, max_unzipped_bytes=max_unzipped_bytes)
    figures = extract_text(text, min_confidence)
    found_region, found_year = detect_region_year(text)
    figures.insert(0, "year", pd.array([year or found_year] * len(figures), dtype=tidy.TIDY_DTYPES["year"]))
    figures.insert(0, "region", pd.array([region or found_region] * len(figures), dtype=tidy.TIDY_DTYPES["region"]))
    return figures
