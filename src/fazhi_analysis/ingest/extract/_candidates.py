"""The ids a figure may take, and what the text says for and against each: the mapping's features.

The catalog's aliases near a number propose candidate indicators (those written with the figure's unit);
each candidate is then described by features: where its alias stands (distance, side, own clause or not),
whether the counted noun after the number agrees with the indicator's ``nouns`` or is one of its
``not_nouns``, its section against the heading's, its ``context`` and ``exclude`` words, and every signal of
``extract_rules.yaml`` (其中, 从…看, 等, 以来, 全省 …) found before the figure. The fitted model
(:mod:`fazhi_analysis.ingest.extract._model`) weighs them.

What the mapper needs of a catalog (:class:`CatalogIndex`) is built once per catalog content, so a switch
of project in one process sees its own catalog.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from fazhi_analysis.ingest.extract._rules import WHOLE_LOOKBACK, Signal, load
from fazhi_analysis.table import catalog

__all__ = ["Candidate", "CatalogIndex", "Context", "Hit", "candidates", "catalog_index", "signal_hits"]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object an indicator in an index
class _Indicator:
    """The matching hints of one catalog indicator (see table/catalog.yaml)."""

    id: str
    section: str
    unit: str
    name: str
    aliases: tuple[str, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    nouns: tuple[str, ...]
    not_nouns: tuple[str, ...]
    bigrams: frozenset[str]  # of its name and aliases: wording near a number that shares them proposes it


def _bigrams(text: str) -> frozenset[str]:
    """The character pairs of ``text`` (Chinese wording shares them where words differ: 检查执法单位 ~ 专项检查单位)."""
    return frozenset(text[k : k + 2] for k in range(len(text) - 1))


@dataclass(frozen=True)
class CatalogIndex:
    """The catalog as the mapper reads it: indicators by written unit, aliases, sections and their keywords."""

    by_unit: dict[str, dict[str, tuple[_Indicator, ...]]]  # unit → alias → indicators written with it
    of_unit: dict[str, tuple[_Indicator, ...]]  # unit → indicators written with it
    aliases: tuple[str, ...]  # every alias, once
    section_of: dict[str, str]  # id → section
    keywords: dict[str, tuple[str, ...]]  # section → the words of its headings


@catalog.per_catalog
def catalog_index(cat: catalog.Catalog) -> CatalogIndex:
    """The index of a catalog (the working project's by default: the bundled one and the project's), built once
    per catalog content and kept on it, so a switch of project in one process gets its own index."""
    table, sections = cat.indicators, cat.sections
    rows = tuple(
        (
            ind,
            row.section,
            row.unit,
            row.name,
            row.units,
            row.aliases,
            row.context,
            row.exclude,
            row.nouns,
            row.not_nouns,
        )
        for ind, row in zip(table.index, table.itertuples())
    )
    return _index_of(rows, tuple(zip(sections.index, sections["keywords"])))


def _index_of(rows: tuple, keywords: tuple) -> CatalogIndex:
    """The index of a catalog's matching fields: one row per indicator, and each section's keywords."""
    by_unit: dict[str, dict[str, list[_Indicator]]] = {}
    of_unit: dict[str, list[_Indicator]] = {}
    for ind_id, section, unit, name, units, aliases, context, exclude, nouns, not_nouns in rows:
        pairs = _bigrams(_GLOSS.sub("", name)).union(*(_bigrams(a) for a in aliases))
        indicator = _Indicator(ind_id, section, unit, name, aliases, context, exclude, nouns, not_nouns, pairs)
        for written in units:
            of_unit.setdefault(written, []).append(indicator)
            for alias in aliases:
                by_unit.setdefault(written, {}).setdefault(alias, []).append(indicator)
    frozen = {u: {a: tuple(group) for a, group in by_alias.items()} for u, by_alias in by_unit.items()}
    every = tuple(sorted({alias for by_alias in frozen.values() for alias in by_alias}))
    units = {u: tuple(group) for u, group in of_unit.items()}
    return CatalogIndex(frozen, units, every, {row[0]: row[1] for row in rows}, dict(keywords))


_GLOSS = re.compile(r"[(（][^)）]*[)）]|[“”]")


class Hit(NamedTuple):
    """A signal found before a figure: the signal, the words that matched and where they start."""

    signal: Signal
    words: str
    start: int


@dataclass(frozen=True)
class Context:
    """What the mapper knows of one figure: where it stands and what surrounds it."""

    start: int
    end: int
    unit: str
    sentence: tuple[int, int]
    clause: tuple[int, int]
    after: str
    heading: str
    section: str | None
    own_words: bool
    others: list[int]  # starts of all figures of the text, sorted
    other_units: list[str]  # and their units
    label: str = ""  # what the figure counts (see _figures.label)
    hits: tuple[Hit, ...] = ()  # signals found before the figure
    counted_noun: bool = False  # a noun follows the number (6家执法单位)
    figure: dict = field(default_factory=dict)  # features of the figure itself, shared by its candidates


class _Place(NamedTuple):
    """The strongest occurrence of an alias for a figure: its weight and where it stands."""

    weight: float
    alias: str
    in_clause: bool
    distance: float  # characters between the alias and the number
    after: bool  # the alias follows the number
    pos: int  # where the alias starts


_NOWHERE = _Place(0.0, "", False, 0.0, False, -1)


def _alias_place(alias: str, text: str, ctx: Context) -> _Place:
    """How strongly the occurrences of ``alias`` in the figure's sentence point at the figure, and where."""
    (s0, s1), (c0, c1) = ctx.sentence, ctx.clause
    best, pos = _NOWHERE, text.find(alias, s0, s1)
    while pos >= 0:
        a0, a1 = pos, pos + len(alias)
        in_clause = c0 <= a0 and a1 <= c1
        k = bisect.bisect_left(ctx.others, a1)
        names_another = (
            k < len(ctx.others)
            and ctx.others[k] - a1 <= 2
            and ctx.others[k] != ctx.start
            and ctx.other_units[k] == ctx.unit
        )
        # A later clause speaks of another figure; an earlier one matters only when the figure's own clause
        # does not say what it counts (共举办80场次). An alias right before another figure names that one.
        if not names_another and (in_clause or not (a0 >= ctx.end or ctx.own_words)):
            after = a0 >= ctx.end
            distance = ctx.start - a1 if a1 <= ctx.start else (a0 - ctx.end) if after else 0
            weight = len(alias) / (1 + distance * (1.5 if after else 1) / 6) * (2 if in_clause else 0.5)
            if weight > best.weight:
                best = _Place(weight, alias, in_clause, float(distance), after, a0)
        pos = text.find(alias, pos + 1, s1)
    return best


class Candidate(NamedTuple):
    """An indicator that may take a figure, its rule score and its features (name → value)."""

    indicator: _Indicator
    score: float
    features: dict[str, float]
    words: dict[str, str]  # feature name → the words of the text it stands for (subset → 其中)


def candidates(ctx: Context, text: str, present: frozenset[str], index: CatalogIndex) -> list[Candidate]:
    """Every indicator an alias in the figure's sentence proposes, with its features (best rule score first)."""
    places: dict[_Indicator, tuple[_Place, int]] = {}
    by_alias = index.by_unit.get(ctx.unit, {})
    for alias in sorted(present):
        indicators = by_alias.get(alias)
        if not indicators:
            continue
        place = _alias_place(alias, text, ctx)
        for ind in indicators:
            old, count = places.get(ind, (_NOWHERE, 0))
            places[ind] = (place if place.weight > old.weight else old, count + 1)
    near = _bigrams(text[max(ctx.clause[0], ctx.start - 40) : ctx.start] + ctx.after[:6])
    wider = _bigrams(text[max(ctx.sentence[0], ctx.start - 80) : ctx.start])
    found = []
    for ind in index.of_unit.get(ctx.unit, ()):
        place, count = places.get(ind, (_NOWHERE, 0))
        shared = len(ind.bigrams & near)
        if place.weight <= 0 and shared < 3:
            continue
        shadowed = place.weight > 0 and _shadowed(place, text, present)
        overlap = (shared, len(ind.bigrams & wider), shadowed)
        found.append(_candidate(ind, place, count, ctx, text, overlap))
    found.sort(key=lambda c: (-c.score, c.indicator.id))
    _compare(found)
    return found


def _shadowed(place: _Place, text: str, present: frozenset[str]) -> bool:
    """Whether the alias stands inside a longer alias of the sentence (受理 in 不予受理, 执法 in 执法证件)."""
    for longer in present:
        k = longer.find(place.alias)
        if len(longer) > len(place.alias) and k >= 0 and text.startswith(longer, place.pos - k):
            return True
    return False


def _candidate(
    ind: _Indicator, place: _Place, count: int, ctx: Context, text: str, overlap: tuple[int, int, bool]
) -> Candidate:
    """One candidate's rule score (alias weight, counted noun, section) and features."""
    sentence = text[ctx.sentence[0] : ctx.sentence[1]]
    clause = text[ctx.clause[0] : ctx.clause[1]]
    f: dict[str, float] = dict(ctx.figure)
    words: dict[str, str] = {}
    f["alias_weight"] = math.log1p(place.weight)
    f["alias_len"] = min(len(place.alias), 8) / 8
    f["alias_in_clause"] = float(place.in_clause)
    f["alias_after"] = float(place.after)
    f["alias_adjacent"] = float(place.distance <= 1)
    f["alias_distance"] = math.log1p(place.distance)
    f["aliases_present"] = min(count, 4) / 4
    f["unit_base"] = float(ctx.unit == ind.unit)
    f["no_alias"] = float(place.weight <= 0)
    f["overlap_near"] = min(overlap[0], 8) / 8
    f["overlap_wide"] = min(overlap[1], 12) / 12
    f["alias_shadowed"] = float(overlap[2])
    # What the figure counts (its label: 文件、合同和重大决策事项, 执法单位) against the indicator's wording.
    label_pairs = _bigrams(ctx.label)
    f["label_overlap"] = len(label_pairs & ind.bigrams) / len(label_pairs) if label_pairs else 0.0
    after_pairs = _bigrams(ctx.after[:6])
    f["after_overlap"] = float(bool(after_pairs & ind.bigrams)) if ctx.counted_noun else 0.0
    score = place.weight or overlap[0] / 4
    if ind.nouns and ctx.counted_noun:
        agree = any(noun in ctx.after[:8] for noun in ind.nouns)
        f["noun_agree" if agree else "noun_other"] = 1.0
        score *= 2 if agree else 0.3
    not_noun = next((word for word in ind.not_nouns if word in ctx.label), None)
    if not_noun:
        f["not_noun"], words["not_noun"] = 1.0, not_noun
    if ctx.section is not None:
        same = ind.section == ctx.section
        f["section_match" if same else "section_other"] = 1.0
        score *= 1.5 if same else 0.5
    excluded = next((word for word in ind.exclude if word in clause), None)
    if excluded:
        f["exclude"], words["exclude"] = 1.0, excluded
    if ind.context and not any(word in sentence or word in ctx.heading for word in ind.context):
        f["context_missing"] = 1.0
    for hit in ctx.hits:
        key = _concerns(hit, ind, ctx, text)
        if key and f"ruled_{key}" not in f:
            f[f"ruled_{key}"] = 1.0
            words[f"ruled_{key}"] = hit.words.strip()
    f["rule_score"] = math.log1p(score)
    return Candidate(ind, score, f, words)


def _compare(found: list[Candidate]) -> None:
    """Each candidate's standing among the figure's others: best or not, and the margin to the nearest rival."""
    scores = [c.score for c in found]
    for i, cand in enumerate(found):
        rival = max((s for j, s in enumerate(scores) if j != i), default=0.0)
        cand.features["best_rule"] = float(i == 0)
        cand.features["rule_margin"] = (cand.score - rival) / max(cand.score, rival, 1e-9)
        cand.features["rivals"] = min(len(found) - 1, 4) / 4


def _concerns(hit: Hit, ind: _Indicator, ctx: Context, text: str) -> str | None:
    """The key of a signal when it concerns ``ind`` (``subset``), else None.

    A part (其中) concerns an indicator only when none of its aliases names the whole before it (收到申请74件，
    其中受理68件: 受理 may take 68件); a list before 等 does not concern the indicator whose alias follows 等.
    """
    signal = hit.signal
    if signal.ids and not ind.id.startswith(signal.ids):
        return None
    if signal.part:
        whole = text[max(0, ctx.sentence[0] - WHOLE_LOOKBACK) : hit.start]
        if not any(alias in whole for alias in ind.aliases):
            return None
    words = hit.words.strip()
    if signal.named_after and signal.named_after in words:
        named = words.rsplit(signal.named_after, 1)[1]
        if any(alias in named for alias in ind.aliases):
            return None
    return signal.key


def signal_hits(
    folded: str, start: int, windows: dict[str, int], level: str | None, year: int | None
) -> tuple[Hit, ...]:
    """The signals of the rules found in the text before a figure (windows: where → its first offset).

    ``level`` is the report's own (省, 市, 县, or None for a text whose title names no region).
    """
    hits = []
    for signal in load().signals:
        if signal.levels and (level or "未知") not in signal.levels:
            continue
        lo = windows[signal.where]
        first = signal.pattern.match(folded, lo, start) if signal.anchored else None
        for match in [first] if signal.anchored else signal.pattern.finditer(folded, lo, start):
            if match is None:
                continue
            found_year = match.groupdict().get("year")
            if found_year and year and int(found_year) == year:
                continue  # 2024年以来 in the 2024 report: this year
            if signal.reset and signal.reset.search(folded, match.end(), start):
                continue  # 全省…，全县收到…: the report's own body speaks again
            hits.append(Hit(signal, match.group(), match.start()))
            break
    return tuple(hits)
