"""Reading a text into figures, each with its candidate ids and their features, its period and scope.

:func:`analyse` runs the stages (``_figures``, ``_structure``, ``_candidates``, ``_scope``) over a text and
gives every figure as the decision (``_decision``) needs it; ``scripts/build_model.py`` fits the model on the
same figures.
"""

from __future__ import annotations

import bisect
from functools import cache
from typing import NamedTuple

import pandas as pd

from fazhi_analysis.ingest.extract import _candidates, _figures, _rules, _scope, _structure
from fazhi_analysis.ingest.extract._rules import FOLD, WINDOW
from fazhi_analysis.ingest.extract._structure import ITEM_LEVEL
from fazhi_analysis.ingest.sentence import FULL_STOPS, bounds, delimiters
from fazhi_analysis.table import catalog

__all__ = ["Figure", "analyse"]


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


def analyse(text: str, cat: catalog.Catalog | None = None) -> list[Figure]:
    """Every figure of ``text`` with its candidate ids and their features, period and scope (no decision), by the
    catalog ``cat`` (default: the working project's)."""
    matching = _simplified(text)
    folded = matching.translate(FOLD)
    quoted = _figures.Quoted(folded)
    found = _figures.find(folded, quoted)
    if not found:
        return []
    index = _candidates.catalog_index(cat)
    heads = _structure.heading_rows(matching, index.keywords)
    lines = [row for row in heads if row["level"] < ITEM_LEVEL]  # the headings above a figure tell its topic
    _, year = _structure.detect_region_year(matching)
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
        _figure_features(hits, figures, i, after, doc, c0, folded[s0:start]),
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
    hits: tuple,
    figures: _figures.Found,
    i: int,
    after: str,
    doc: _Document,
    clause_start: int,
    before_in_sentence: str,
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
    # The report's own year named before the figure (2024年，…; 全年, 年内): the guide's 全年.
    f["own_year"] = float(
        bool(doc.year and f"{doc.year}年" in before_in_sentence)
        or "全年" in before_in_sentence
        or "年内" in before_in_sentence
    )
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
