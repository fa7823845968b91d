"""Find the figures of a published report's text, with provenance, and map them to the catalog.

The text is split into its heading tree (``一、``, ``(一)``, ``1.``, ``(1)``) and sentences. A
figure is a number (Arabic or Chinese) followed by a unit or ``%``; years, dates, times,
document numbers, ordinals, list markers, slogans and names inside quotes or book-title marks
are not figures. Each figure is mapped to a catalog indicator from its context (the catalog's
aliases near the number, its heading's section, its unit); when that is not clear the
indicator is left empty and the label kept: a wrong id is worse than none.

Example:
    >>> figures = extract_text("(五)行政复议\\n全年收到行政复议申请11件，结案5件。")
    >>> figures[["indicator", "value", "unit"]].values.tolist()[0]
    ['disputes.reconsideration_applications', 11.0, '件']
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import yaml

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.decode import read_report_text
from fazhi_analysis.ingest.sentence import CLAUSE_MARKS, FULL_STOPS, bounds, delimiters
from fazhi_analysis.table import catalog, tidy
from fazhi_analysis.table.numbers import (
    APPROX_MARKS,
    APPROX_PREFIXES,
    CN_NUMERAL,
    MULTIPLIERS,
    PANDAS_TYPES,
    RANGE_SEPARATORS,
    TOO_LARGE,
    abbreviated,
    alternation,
    chinese_to_number,
    parse_values,
)

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
]
# Full-width digits and signs folded one character to one character, so offsets stay valid.
_FOLD = str.maketrans("０１２３４５６７８９％．（）＋－～", "0123456789%.()+-~")
_SENTENCE_END = FULL_STOPS + "\n"  # a report's line (a heading, a paragraph) ends its sentence
_CLAUSE_END = _SENTENCE_END + CLAUSE_MARKS
_LIST_MARK = "、"  # ends a figure's clause, but does not start one: 以调解、和解等方式结案170件
_CN_DIGIT = "一二两三四五六七八九"
_FIGURE_PREFIXES = tuple(p for p in APPROX_PREFIXES if p not in ("大约", "不足"))  # 大约: the figure starts at 约
_FIGURE_SUFFIXES = ("以上", "左右", "有余", "多")  # of APPROX_SUFFIXES, those that close a figure in a sentence
_RANGE = f"[{re.escape(RANGE_SEPARATORS)}－～]"  # the full-width forms too, for the unfolded text
_RANGE_RE = re.compile(rf"\d{_RANGE}")
WINDOW = 500  # characters either side of a figure its sentence may reach (a report's longest are ~150)
MIN_SCORE = 2.0  # below this, no alias stands close enough to the number
AMBIGUITY = 0.8  # a runner-up this close to the best leaves the figure unmapped
CONFIDENCE_SCALE = 6.0  # a score this high gives a confidence of 1 - 1/e ≈ 0.63 before the margin
WHOLE_LOOKBACK = 60  # characters before a sentence that opens with 其中 where its whole may stand (…186件。其中，…)
DEFAULT_MIN_CONFIDENCE = 0.3  # ids less sure than this are left empty (fazhi extract, fazhi build)


@dataclass(frozen=True)
class _Signal:
    """One signal of extract_rules.yaml (``signals``): the figure is not a level of this report's own."""

    key: str
    where: str  # adjacent, clause or sentence
    pattern: re.Pattern[str]
    ids: tuple[str, ...]  # id prefixes ruled out; empty: all
    levels: tuple[str, ...]  # region suffixes of the reports it holds in; empty: all
    part: bool  # a part of a whole: only indicators not naming the whole are ruled out
    reset: re.Pattern[str] | None  # words after the match that end the signal
    anchored: bool  # the pattern must match at the window's start
    named_after: str  # a mark (等) after which an indicator's own alias means the count is its own


@dataclass(frozen=True)
class _Rules:
    """The compiled rules of data/extract_rules.yaml."""

    figure_re: re.Pattern[str]
    skip_after_re: re.Pattern[str]
    slogans: tuple[str, ...]
    rank_words: tuple[str, ...]
    change_re: re.Pattern[str]  # a change word ending the text before a number
    lead_re: re.Pattern[str]  # a verb or function word ending the text before a number
    object_verbs_re: re.Pattern[str]
    strip_re: re.Pattern[str]  # filler words opening a label
    signals: tuple[_Signal, ...]


@cache
def _rules() -> _Rules:
    """The rules of extract_rules.yaml, compiled once."""
    with Path(__file__).with_name("extract_rules.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    num = r"\d+(?:,\d{3})*(?:\.\d+)?"
    cn = rf"[{CN_NUMERAL}]+"
    mark = alternation(APPROX_MARKS)
    figure = (
        rf"(?P<pre>{alternation(_FIGURE_PREFIXES)})?(?P<pct>百分之)?"
        rf"(?P<num>{num}|{cn})(?:(?P<sep>{_RANGE})(?P<num2>{num}|{cn}))?"
        rf"(?P<apx1>{mark})?(?P<mult>{alternation(MULTIPLIERS)})?(?P<apx2>{mark})?"
        rf"(?P<space>[ \u3000]?)(?P<unit>%|‰|{alternation(raw['units'])})?"
        rf"(?P<post>{alternation(_FIGURE_SUFFIXES)})?"
    )
    return _Rules(
        figure_re=re.compile(figure),
        skip_after_re=re.compile(rf"[ \u3000]?{alternation(raw['skip_units'])}"),
        slogans=tuple(raw["slogans"]),
        rank_words=tuple(raw["rank_words"]),
        change_re=re.compile(rf"(?P<word>{alternation(raw['change_words'])})了?$"),
        lead_re=re.compile(rf"(?<=.){alternation(raw['lead_words'])}$"),
        object_verbs_re=re.compile(alternation(raw["object_verbs"])),
        strip_re=re.compile(rf"^{alternation(raw['label_strip'])}+"),
        signals=tuple(_signal(entry) for entry in raw["signals"]),
    )


def _signal(entry: dict) -> _Signal:
    """A signal of the rules file, its pattern compiled."""
    return _Signal(
        entry["key"],
        entry["where"],
        re.compile(entry["pattern"]),
        tuple(entry.get("ids", ())),
        tuple(entry.get("levels", ())),
        bool(entry.get("part", False)),
        re.compile(entry["reset"]) if entry.get("reset") else None,
        bool(entry.get("anchored", False)),
        str(entry.get("named_after", "")),
    )


# --- structure -------------------------------------------------------------------------------

_HEADING_RES = [  # matched at a line's start (pattern.match with a position: no ^)
    (1, re.compile(r"[ \t\u3000]*(?P<marker>[一二三四五六七八九十]+[、.．])")),
    (2, re.compile(r"[ \t\u3000]*(?P<marker>[(（][一二三四五六七八九十]+[)）])")),
    (3, re.compile(r"[ \t\u3000]*(?P<marker>\d{1,2}[、.．](?!\d))")),
    (4, re.compile(r"[ \t\u3000]*(?P<marker>[(（]\d{1,2}[)）])")),
]


ITEM_LEVEL = 5
_ITEM_RE = re.compile(r"(?:^|(?<=[。；;！？\n]))[ \t\u3000]*(?P<marker>[一二三四五六七八九十]+是|首先|其次|再次|最后)")
_ITEM_END = re.compile(r"[。！？；;\n]")  # an item's title ends at its first sentence or clause end
_TITLE_END = re.compile(r"[。！？\n]")  # a heading's title ends at its line's first full stop


def headings(text: str) -> pd.DataFrame:
    """The heading tree of a report: heading lines and the list items (``一是``) inside paragraphs.

    Returns:
        One row per heading or item in text order. Columns level (1 = ``一、``, 2 = ``(一)``,
        3 = ``1.``, 4 = ``(1)``, 5 = ``一是`` items), marker, title (up to the first 。 or ；, at most
        :data:`WINDOW` characters), start, end (offsets of the heading line, or of the item's first
        sentence) and section (catalog section id matched from the title and its parents; items take
        their heading's).
    """
    return pd.DataFrame(_heading_rows(text), columns=["level", "marker", "title", "start", "end", "section"])


def _heading_rows(text: str) -> list[dict]:
    """The rows of :func:`headings`, as dicts in text order."""
    rows = []
    offset = 0
    length = len(text)
    while offset <= length:  # line by line, by offsets: no line and no rest of the text is copied
        line_end = text.find("\n", offset)
        line_end = length if line_end < 0 else line_end
        for level, pattern in _HEADING_RES:
            match = pattern.match(text, offset, line_end)
            if match:
                stop = _TITLE_END.search(text, match.end(), min(line_end, match.end() + WINDOW))
                title = text[match.end() : stop.start() if stop else min(line_end, match.end() + WINDOW)].strip()
                rows.append(
                    {"level": level, "marker": match["marker"], "title": title, "start": offset, "end": line_end}
                )
                break
        offset = line_end + 1
    for match in _ITEM_RE.finditer(text):
        stop = _ITEM_END.search(text, match.end(), match.end() + WINDOW)
        title = text[match.end() : stop.start() if stop else min(length, match.end() + WINDOW)]
        rows.append(
            {
                "level": ITEM_LEVEL,
                "marker": match["marker"],
                "title": title.strip("，, "),
                "start": match.start("marker"),
                "end": match.end() + len(title),
            }
        )
    rows.sort(key=lambda row: row["start"])
    sections = _heading_sections([row["level"] for row in rows], [row["title"] for row in rows])
    return [{**row, "section": section} for row, section in zip(rows, sections)]


def _heading_sections(levels: list[int], titles: list[str]) -> list[str | None]:
    """Section of each heading: its own title's best section, else its parent's."""
    keywords = _section_keywords()
    out: list[str | None] = []
    stack: dict[int, str | None] = {}
    for level, title in zip(levels, titles):
        stack = {lvl: sec for lvl, sec in stack.items() if lvl < level}
        scores = {sid: sum(len(k) for k in kws if k in title) for sid, kws in keywords.items()}
        best = max(scores, key=scores.get) if scores and level < ITEM_LEVEL else None
        own = best if best and scores[best] > 0 else None
        parent = stack[max(stack)] if stack else None
        stack[level] = own or parent
        out.append(stack[level])
    return out


@cache
def _section_keywords() -> dict[str, tuple[str, ...]]:
    """Catalog section id → the keywords of its headings."""
    return catalog.sections()["keywords"].to_dict()


def _section_at(heads: list[dict], positions: list[int]) -> list[str | None]:
    """Section of the innermost heading above each position."""
    starts = [row["start"] for row in heads]
    return [heads[k - 1]["section"] if k else None for k in (bisect.bisect_right(starts, p) for p in positions)]


_QUOTED_RE = re.compile(r"“[^”\n]*”|《[^》\n]*》|「[^」\n]*」|『[^』\n]*』|〔[^〕\n]*〕|\[[^\]\n]*\]|【[^】\n]*】")


class _Quoted:
    """The spans of a text inside quotes, book-title marks or brackets (“八五”, 《纲要》, 〔2021〕)."""

    def __init__(self, text: str) -> None:
        """The quoted spans of ``text``."""
        spans = [m.span() for m in _QUOTED_RE.finditer(text)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def __contains__(self, pos: int) -> bool:
        """Whether ``pos`` lies inside quotes (the closing mark is outside)."""
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k] - 1


# --- candidate figures -----------------------------------------------------------------------


def _candidates(folded: str, quoted: _Quoted) -> list[dict]:
    """Every number-with-unit span of the (folded) text that is a figure, before mapping."""
    rules = _rules()
    found = []
    for match in rules.figure_re.finditer(folded):
        num_start, num_end = match.span("num")
        unit = "%" if match["pct"] else match["unit"]
        before = folded[max(0, match.start() - 6) : match.start()]
        ordinal = before.endswith("第")
        rank = ordinal and any(w in folded[max(0, match.start() - 14) : match.start()] for w in rules.rank_words)
        if ordinal and not rank:
            continue  # ordinal: 第一批, 第3名
        if not (unit or match["mult"] or rank):
            continue  # a bare number: year, code, hotline, document number
        if num_start in quoted:
            continue  # names, slogans and document numbers: “八五”, 《纲要(2021—2025)》, 〔2021〕
        if folded[num_start] in CN_NUMERAL and not _valid_chinese(match, folded, rules):
            continue
        if not match["mult"] and rules.skip_after_re.match(folded, match.end("num2") if match["num2"] else num_end):
            continue  # a date or a duration: 3月29日, 2024年
        if _is_year_range(match):
            continue
        neighbours = folded[num_start - 1 : num_start] + folded[match.end() : match.end() + 1]
        if any(ch.isascii() and ch.isalpha() for ch in neighbours):
            continue  # a code: G30, 5G, 4A
        found.append({"start": match.start() - rank, "end": match.end(), "rank": rank})
    return found


def _valid_chinese(match: re.Match[str], text: str, rules: _Rules) -> bool:
    """A Chinese numeral is a figure only when well formed, not a lone 一, and not a slogan."""
    num = match["num"]
    if match["pct"]:
        return True
    if not any(ch in _CN_DIGIT for ch in num) and not (match["apx1"] or match["pre"]):
        return False  # 百, 千, 万 alone: 百场宣讲进万家
    if num == "一":
        return False  # 一 is idiom far more often than a count: 一件事, 一次办, 一起
    start = match.start("num")
    if text.startswith(rules.slogans, start):
        return False
    if start > 0 and text[start - 1] in CN_NUMERAL + "第周":
        return False
    if text[match.end() : match.end() + 1] in set(_CN_DIGIT):
        return False  # 五个一, 三个一批: a slogan's pattern, not a count
    try:
        chinese_to_number(num)
    except (ValueError, KeyError):
        return False
    return True


def _is_year_range(match: re.Match[str]) -> bool:
    """Whether a matched range is one of years (2021—2025), not a figure."""
    nums = [match["num"], match["num2"] or ""]
    return all(n.isdigit() and len(n) == 4 and 1900 <= int(n) <= 2100 for n in nums if n) and bool(match["num2"])


# --- labels and mapping ----------------------------------------------------------------------


def _strip_quotes(text: str) -> str:
    """Quoted names without their marks (“法治基层行”, 《反馈单》); example titles before 等 dropped (《宪法》等)."""
    return re.sub(r"[“”\"「」『』《》]", "", re.sub(r"(?:《[^》]*》[、，,]?)+等", "", text))


_LABEL_TRIM = re.compile(r"^[、，,]*(?:[一二三四五六七八九十]+是)?[达为共计了和及与并等]*|[达为共计约近了和及与]+$")
_AFTER_NOUN_END = re.compile(
    r"[，,。；;、：:“”《》]|的|开展|提供|进行|参加|参与|研究|学习|追回|审议|办理|实现|完成|接受|获得|受到|达到|纳入|涉及|覆盖"
)


def _label(before: str, after: str, rules: _Rules) -> str:
    """A short phrase for what a figure counts, from the text before or after the number.

    ``召开5次常务会议`` and ``为1421名工人追回欠薪`` name the counted thing after the number;
    ``法治培训17次`` names it before.
    """
    change = rules.change_re.search(before)
    if change:
        return change["word"]
    after_noun = "" if after.startswith(("以上", "左右", "(", "（")) else _AFTER_NOUN_END.split(after, maxsplit=1)[0]
    if len(after_noun) >= 2:
        return after_noun[:16]
    label = rules.lead_re.sub("", _strip_quotes(before))
    stripped = rules.strip_re.sub("", label)
    label = stripped if len(stripped) >= 2 else label
    # Start after the last verb that leaves a phrase of 3 characters or more (参加法治培训 → 法治培训).
    cut = next(
        (end for end in reversed([m.end() for m in rules.object_verbs_re.finditer(label)]) if len(label) - end >= 3), 0
    )
    label = label[cut:]
    stripped = rules.strip_re.sub("", label)
    label = stripped if len(stripped) >= 2 else label
    label = _LABEL_TRIM.sub("", label)
    return label[-16:] or after_noun


def _counted_noun(after: str) -> bool:
    """Whether the text right after a figure starts with a noun (not a delimiter or a verb)."""
    return (
        bool(after)
        and after[0] not in _CLAUSE_END + _LIST_MARK
        and not after.startswith(("的", "开展", "参加", "以上"))
    )


@dataclass(frozen=True)
class _Indicator:
    """The matching hints of one catalog indicator (see data/catalog.yaml)."""

    id: str
    section: str
    aliases: tuple[str, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    nouns: tuple[str, ...]
    not_nouns: tuple[str, ...]


class _Hit(NamedTuple):
    """A signal found before a figure: the signal, the words that matched and where they start."""

    signal: _Signal
    words: str
    start: int


class Mapping(NamedTuple):
    """A figure's mapping: the catalog id or None, how sure (0–1) and why (``alias+noun``, ``abstain:subset(其中)``)."""

    indicator: str | None
    confidence: float
    reason: str


@dataclass(frozen=True)
class _Context:
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
    label: str = ""  # what the figure counts (see _label)
    hits: tuple[_Hit, ...] = ()  # signals found before the figure


@cache
def _indicators_by_unit() -> dict[str, tuple[_Indicator, ...]]:
    """Catalog indicators grouped by every unit a report may write for them."""
    table = catalog.indicators()
    by_unit: dict[str, list[_Indicator]] = {}
    for ind_id, row in zip(table.index, table.itertuples()):
        indicator = _Indicator(ind_id, row.section, row.aliases, row.context, row.exclude, row.nouns, row.not_nouns)
        for unit in row.units:
            by_unit.setdefault(unit, []).append(indicator)
    return {unit: tuple(group) for unit, group in by_unit.items()}


def _alias_score(alias: str, text: str, ctx: _Context) -> float:
    """How strongly the occurrences of ``alias`` in the figure's sentence point at the figure."""
    (s0, s1), (c0, c1) = ctx.sentence, ctx.clause
    best, pos = 0.0, text.find(alias, s0, s1)
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
        # A later clause speaks of another figure; an earlier one matters only when the
        # figure's own clause does not say what it counts (共举办80场次). An alias right before
        # another figure names that one (审结977件中直接纠错236件).
        if not names_another and (in_clause or not (a0 >= ctx.end or ctx.own_words)):
            # Nouns after a number are a weaker sign than nouns before it.
            distance = ctx.start - a1 if a1 <= ctx.start else (a0 - ctx.end) * 1.5 if a0 >= ctx.end else 0
            best = max(best, len(alias) / (1 + distance / 6) * (2 if in_clause else 0.5))
        pos = text.find(alias, pos + 1, s1)
    return best


@cache
def _alias_index() -> dict[str, dict[str, list[_Indicator]]]:
    """unit → alias → the indicators written with that unit that have that alias."""
    index: dict[str, dict[str, list[_Indicator]]] = {}
    for unit, group in _indicators_by_unit().items():
        for ind in group:
            for alias in ind.aliases:
                index.setdefault(unit, {}).setdefault(alias, []).append(ind)
    return index


@cache
def _all_aliases() -> tuple[str, ...]:
    """Every alias of the catalog, once."""
    return tuple({alias for by_alias in _alias_index().values() for alias in by_alias})


def _map(ctx: _Context, text: str, present: frozenset[str]) -> Mapping:
    """The catalog id of a figure with its confidence and reason; no id when none is clearly meant.

    ``present`` holds the catalog aliases that occur in the figure's sentence. An indicator whose
    ``not_nouns`` name what the figure counts, or that a signal before the figure rules out, does not
    take it; when such an indicator fits better than every other, the figure keeps no id.
    """
    scores, ruled_out = _scores(ctx, text, present)
    excluded = scores.pop("", None)
    ranked = sorted(scores.items(), key=lambda kv: kv[1][0], reverse=True)
    best = ranked[0][1][0] if ranked else 0.0
    if ruled_out and max(score for score, _ in ruled_out.values()) >= best:
        _, why = max(ruled_out.values(), key=lambda sw: sw[0])
        return Mapping(None, 0.0, f"abstain:{why}")
    if not ranked:
        return Mapping(None, 0.0, f"abstain:{excluded[1] if excluded else 'no_alias'}")
    runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
    confidence = round(_strength(best) * (1 - runner_up / best / 2), 3)
    if best < MIN_SCORE:
        return Mapping(None, confidence, "abstain:weak")
    if runner_up > best * AMBIGUITY:
        return Mapping(None, confidence, "abstain:ambiguous")  # two fit about equally well: leave it to the analyst
    return Mapping(ranked[0][0], confidence, ranked[0][1][1])


def _strength(score: float) -> float:
    """A score as a number from 0 to 1 (:data:`CONFIDENCE_SCALE` gives 0.63), before the runner-up's margin."""
    return 1 - math.exp(-score / CONFIDENCE_SCALE)


def _ranked(ctx: _Context, text: str, present: frozenset[str], top: int) -> list[tuple[str, float, str]]:
    """The ``top`` indicators the mapper scored for a figure, best first: (id, strength 0–1, reason).

    Indicators a signal or a counted noun ruled out are among them, their reason prefixed ``abstain:``.
    """
    scores, ruled_out = _scores(ctx, text, present)
    scores.pop("", None)
    found = [(ind, score, why) for ind, (score, why) in scores.items()]
    found += [(ind, score, f"abstain:{why}") for ind, (score, why) in ruled_out.items()]
    found.sort(key=lambda c: (-c[1], c[0]))
    return [(ind, round(_strength(score), 3), why) for ind, score, why in found[:top] if score > 0]


def _scores(
    ctx: _Context, text: str, present: frozenset[str]
) -> tuple[dict[str, tuple[float, str]], dict[str, tuple[float, str]]]:
    """Score and reason of each indicator that may take the figure, and of those ruled out (with why)."""
    sentence = text[ctx.sentence[0] : ctx.sentence[1]]
    clause = text[ctx.clause[0] : ctx.clause[1]]
    counted_noun = _counted_noun(ctx.after)
    alias_scores: dict[_Indicator, float] = {}
    for alias, indicators in _alias_index().get(ctx.unit, {}).items():
        if alias in present:
            weight = _alias_score(alias, text, ctx)
            for ind in indicators:
                alias_scores[ind] = max(alias_scores.get(ind, 0.0), weight)
    scores: dict[str, tuple[float, str]] = {}
    ruled_out: dict[str, tuple[float, str]] = {}
    for ind, score in alias_scores.items():
        if score <= 0:
            continue
        excluded = next((word for word in ind.exclude if word in clause), None)
        if excluded:  # the clause names another figure: no say over the others
            scores.setdefault("", (0.0, f"exclude({excluded})"))
            continue
        if ind.context and not any(word in sentence or word in ctx.heading for word in ind.context):
            continue
        reason = "alias"
        if ind.nouns and counted_noun:
            # 6家执法单位 / 10个案卷: the noun after the number says what is counted.
            noun = any(noun in ctx.after[:8] for noun in ind.nouns)
            score *= 2 if noun else 0.3
            reason += "+noun" if noun else ""
        if ctx.section is not None:
            score *= 1.5 if ind.section == ctx.section else 0.5
            reason += "+section" if ind.section == ctx.section else ""
        why = _ruled_out(ind, ctx, text)
        if why:
            ruled_out[ind.id] = (score, why)
        else:
            scores[ind.id] = (score, reason)
    return scores, ruled_out


def _ruled_out(ind: _Indicator, ctx: _Context, text: str) -> str | None:
    """Why ``ind`` may not take the figure (``not_noun(工作站)``, ``subset(其中)``), or None."""
    noun = next((word for word in ind.not_nouns if word in ctx.label), None)
    if noun:
        return f"not_noun({noun})"
    for hit in ctx.hits:
        signal = hit.signal
        if signal.ids and not ind.id.startswith(signal.ids):
            continue
        whole = text[max(0, ctx.sentence[0] - WHOLE_LOOKBACK) : hit.start]
        if signal.part and not any(alias in whole for alias in ind.aliases):
            continue  # a part the catalog counts of its own: 收到申请74件，其中受理68件
        words = hit.words.strip()
        if signal.named_after and signal.named_after in words:
            named = words.rsplit(signal.named_after, 1)[1]
            if any(alias in named for alias in ind.aliases):
                continue  # 以X为主题等普法活动22场次: the count of the activities it names, this indicator's own
        return f"{signal.key}({words if len(words) <= 8 else '…' + words[-7:]})"
    return None


def _signal_hits(doc: _Document, start: int, windows: dict[str, int]) -> tuple[_Hit, ...]:
    """The signals of the rules found in the text before a figure (windows: where → its first offset)."""
    hits = []
    for signal in _rules().signals:
        if signal.levels and not (doc.region and doc.region.endswith(signal.levels)):
            continue
        lo = windows[signal.where]
        first = signal.pattern.match(doc.folded, lo, start) if signal.anchored else None
        for match in [first] if signal.anchored else signal.pattern.finditer(doc.folded, lo, start):
            if match is None:
                continue
            year = match.groupdict().get("year")
            if year and doc.year and int(year) == doc.year:
                continue  # 2024年以来 in the 2024 report: this year
            if signal.reset and signal.reset.search(doc.folded, match.end(), start):
                continue  # 全省…，全县收到…: the report's own body speaks again
            hits.append(_Hit(signal, match.group(), match.start()))
            break
    return tuple(hits)


def extract_text(text: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> pd.DataFrame:
    """Every figure of a report's text, mapped to the catalog where the context is clear.

    Args:
        text: The report's text.
        min_confidence: Ids less sure than this are left empty (the figure, its confidence and
            the reason, prefixed ``abstain:low``, are kept); 0 keeps every id the mapper chose.

    Returns:
        One row per figure in text order, columns ``FIGURE_COLUMNS``: indicator (id or NA),
        label, section, value (base unit), unit (as written, 万/亿 folded in), approx, raw,
        start, end (offsets of raw in ``text``, end exclusive), sentence, confidence (0–1: how
        sure the id is; 0 when a signal or a counted noun rules it out) and reason.

    Raises:
        InputError: a figure too large to represent (``line:column: …``; no ``inf`` is ever a value).

    Example:
        >>> row = extract_text("(五)行政复议\\n审结行政复议案件88件，其中以调解方式结案19件。").iloc[1]
        >>> row["indicator"] is pd.NA, row["reason"]
        (True, 'abstain:manner(以调解方式)')
    """
    return _typed(_rows(text, min_confidence))


def extract_candidates(text: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE, top: int = 3) -> pd.DataFrame:
    """:func:`extract_text` with a ``candidates`` column: the ids the mapper weighed for each figure.

    Args:
        text, min_confidence: as for :func:`extract_text`.
        top: how many candidates to keep per figure.

    Returns:
        The figures of :func:`extract_text`; ``candidates`` holds a list of (id, strength 0–1,
        reason) tuples, best first (ids a signal ruled out too, reason ``abstain:…``), empty when no
        alias was near or the figure is not a level (a rank, a change, a range).

    Example:
        >>> row = extract_candidates("(五)行政复议\\n全年收到行政复议申请11件。").iloc[0]
        >>> row["candidates"][0][0], row["candidates"][0][1] > 0.5
        ('disputes.reconsideration_applications', True)
    """
    rows = _rows(text, min_confidence, top)
    figures = _typed(rows)
    figures["candidates"] = pd.Series([row["candidates"] for row in rows], dtype=object)
    return figures


def _rows(text: str, min_confidence: float, top: int = 0) -> list[dict]:
    """The rows of :func:`extract_text` as dicts; with ``top``, each holds its ``candidates`` (:func:`_ranked`)."""
    rules = _rules()
    folded = text.translate(_FOLD)
    quoted = _Quoted(folded)
    found = _candidates(folded, quoted)
    if not found:
        return []
    heads = _heading_rows(text)
    lines = [row for row in heads if row["level"] < ITEM_LEVEL]  # the headings above a figure tell its topic
    region, year = detect_region_year(text)
    doc = _Document(
        text,
        folded,
        region,
        year,
        [row["start"] for row in lines],
        [row["title"] for row in lines],
        delimiters(folded, _SENTENCE_END, quoted),
        delimiters(folded, _CLAUSE_END, quoted),
        delimiters(folded, _CLAUSE_END + _LIST_MARK, quoted),
    )
    figures = _parse_found(text, found, heads)
    present: dict[tuple[int, int], frozenset[str]] = {}  # aliases found in each sentence
    rows = [_figure_row(i, doc, figures, present, rules, top) for i in range(len(found))]
    return [_thresholded(row, min_confidence) for row in rows if row is not None]


def _thresholded(row: dict, min_confidence: float) -> dict:
    """The row with its id left empty when less sure than ``min_confidence`` (reason ``abstain:low(…)``)."""
    if row["indicator"] is None or row["confidence"] >= min_confidence:
        return row
    return {**row, "indicator": None, "section": row["own_section"], "reason": f"abstain:low({row['reason']})"}


class _Document(NamedTuple):
    """A report's text as figures are read from it: folded once, its headings and delimiters found once."""

    text: str
    folded: str  # full-width digits and signs folded (same offsets)
    region: str | None  # the report's own region and year (detect_region_year), for signals
    year: int | None
    head_starts: list[int]  # the heading lines (not 一是 items), in text order
    head_titles: list[str]
    sentence_ends: list[int]  # delimiter positions outside quotes
    clause_ends: list[int]
    item_ends: list[int]  # clause ends and 、


class _Found(NamedTuple):
    """The candidate figures of a text: span (start, end, rank), start, raw text, value, unit, approx, section."""

    spans: list[dict]
    starts: list[int]
    raws: list[str]
    values: list
    units: list  # as written; a rank without one is counted in 位
    approx: list
    sections: list[str | None]


def _parse_found(text: str, found: list[dict], heads: list[dict]) -> _Found:
    """Value, unit and approx of each candidate (a rank's 第 dropped), and the section it stands in.

    Raises:
        InputError: a figure too large for a float (:data:`~fazhi_analysis.table.numbers.TOO_LARGE`).
    """
    raws = [text[f["start"] : f["end"]] for f in found]
    parsed = parse_values(pd.Series(raws).str.removeprefix("第"))
    if (huge := parsed["reason"].eq(TOO_LARGE).fillna(False).to_numpy(bool)).any():
        first = int(huge.argmax())
        raise _too_large(text, found[first]["start"], raws[first])
    # A candidate that does not parse has no unit (None, not NA: units are compared with ==).
    written = [None if u is pd.NA else u for u in parsed["unit"].tolist()]
    units = [u or "位" if f["rank"] else u for f, u in zip(found, written)]
    starts = [f["start"] for f in found]
    sections = _section_at(heads, starts)
    return _Found(found, starts, raws, parsed["value"].tolist(), units, parsed["approx"].tolist(), sections)


def _too_large(text: str, start: int, raw: str) -> InputError:
    """The error for a figure beyond a float, at ``line:column`` (the caller names the file)."""
    line, column = text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
    return InputError(
        f"{line}:{column}: 数字“{abbreviated(raw)}”过大，无法表示，请核对原文 / "
        f"the figure at line {line}, column {column} is too large to represent: check the text"
    )


def _figure_row(
    i: int, doc: _Document, figures: _Found, present: dict[tuple[int, int], frozenset[str]], rules: _Rules, top: int = 0
) -> dict | None:
    """The row of figure ``i``: its label, indicator and sentence; None when its text does not parse.

    With ``top`` > 0 the row also holds ``candidates``, the best ids the mapper weighed (:func:`_ranked`).
    """
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
    label = _label(before, after, rules)
    mapping = _not_a_level(found[i]["rank"], before, folded[max(s0, start - 40) : start], figures.raws[i], rules)
    candidates: list[tuple[str, float, str]] = []
    if mapping is None:
        k = bisect.bisect_right(doc.head_starts, start)
        hits = _signal_hits(doc, start, {"adjacent": adjacent, "clause": c0, "sentence": s0})
        ctx = _Context(
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
        )
        if whole not in present:  # once per sentence; the window's aliases are among them
            sentence = folded[whole[0] : whole[1]]
            present[whole] = frozenset(a for a in _all_aliases() if a in sentence)
        mapping = _map(ctx, folded, present[whole])
        candidates = _ranked(ctx, folded, present[whole], top) if top else []
    return {
        "indicator": mapping.indicator,
        "label": label,
        "section": _section_of()[mapping.indicator] if mapping.indicator else figures.sections[i],
        "own_section": figures.sections[i],  # the heading's, should the id be dropped (not a column)
        "value": figures.values[i],
        "unit": figures.units[i],
        "approx": bool(figures.approx[i]),
        "raw": figures.raws[i],
        "start": start,
        "end": end,
        "sentence": text[s0 : s1 + (s1 < len(text) and text[s1] in FULL_STOPS)].strip(),
        "confidence": mapping.confidence,
        "reason": mapping.reason,
        "candidates": candidates,  # not a column of extract_text (see extract_candidates)
    }


def _not_a_level(rank: bool, before: str, near: str, raw: str, rules: _Rules) -> Mapping | None:
    """The abstention of a rank, a change, a 分别 list or a range: not a level of one indicator; else None."""
    change = rules.change_re.search(before)
    if rank:
        return Mapping(None, 0.0, "abstain:rank")
    if change:
        return Mapping(None, 0.0, f"abstain:change({change['word']})")
    if "分别" in near:
        return Mapping(None, 0.0, "abstain:each(分别)")
    if _RANGE_RE.search(raw):
        return Mapping(None, 0.0, "abstain:range")
    return None


# The tidy table's dtypes (its contract, table.tidy), plus where the figure stands in the text.
_FIGURE_DTYPES = {
    **{c: tidy.TIDY_DTYPES[c] for c in ("indicator", "label", "section", "value", "unit", "approx", "raw")},
    "start": "Int64",
    "end": "Int64",
    "sentence": tidy.TIDY_DTYPES["raw"],
    "confidence": "Float64",
    "reason": tidy.TIDY_DTYPES["raw"],
}


def _typed(rows: list[dict]) -> pd.DataFrame:
    """The figures table from row dicts, with its dtypes (built through Arrow in one conversion)."""
    table = pa.Table.from_pylist(rows, schema=_FIGURE_SCHEMA)
    return table.to_pandas(types_mapper=PANDAS_TYPES.get)


_ARROW_TYPES = {str(dtype): arrow for arrow, dtype in PANDAS_TYPES.items()}  # "Float64" → float64 …
_FIGURE_SCHEMA = pa.schema([(name, _ARROW_TYPES[dtype]) for name, dtype in _FIGURE_DTYPES.items()])


@cache
def _section_of() -> dict[str, str]:
    """Catalog indicator id → its section id."""
    return catalog.indicators()["section"].to_dict()


# --- region and year -------------------------------------------------------------------------

_TITLE_RE = re.compile(
    r"(?P<region>[\u4e00-\u9fff]{2,20}?)(?:人民政府|政府)?(?:关于)?\s*"
    r"(?P<year>(?:19|20)\d{2}|[一二][九〇零○][一二三四五六七八九〇零○]{2})\s*年度?(?:的)?"
    r"(?:法治政府建设|依法行政)"
)
_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")  # 二〇二四 → 2024
_REGION_SUFFIX = "区县市旗州盟镇乡"
# Words before a region's name in a title: 现将…, 关于…, and a party committee (中共××区委) before the government.
_LEAD_RE = re.compile(r"^(?:.*委)?(?:现将|关于|按照|根据|中共|将|我|对|是)*")


def detect_region_year(text: str) -> tuple[str | None, int | None]:
    """Region and year from a report's own words, e.g. ``达坂城区人民政府2024年度法治政府建设``.

    The region is returned only when it reads as one (ends in 区, 县, 市, 旗 …); a year alone
    is returned when the title names none (``我县2023年法治政府建设``). A year may be written in
    Chinese digits, as official titles often are.

    Example:
        >>> detect_region_year("达坂城区人民政府二〇二四年度法治政府建设情况报告")
        ('达坂城区', 2024)
    """
    head = text[:2000]
    match = _TITLE_RE.search(head)
    if not match:
        return None, None
    region = _LEAD_RE.sub("", match["region"])
    region = region if len(region) >= 2 and region[-1] in _REGION_SUFFIX else None
    return region, int(match["year"].translate(_YEAR_DIGITS))


def extract_file(
    path: str | Path,
    region: str | None = None,
    year: int | None = None,
    *,
    max_text_bytes: int | None = None,
    max_unzipped_bytes: int | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> pd.DataFrame:
    """Figures of a report file (see :func:`extract_text`, also for ``min_confidence``), with region and year columns.

    Region and year default to those the report states about itself. ``max_text_bytes`` and
    ``max_unzipped_bytes`` bound the text and a ``.docx``'s decompressed size (None: the defaults of
    :func:`fazhi_analysis.ingest.decode.read_report_text`).

    Raises:
        InputError: the file is missing, not a regular file, empty, binary, undecodable or too large, or
            holds a figure too large to represent.
    """
    text = read_report_text(path, max_text_bytes=max_text_bytes, max_unzipped_bytes=max_unzipped_bytes)
    try:
        figures = extract_text(text, min_confidence)
    except InputError as exc:
        raise InputError(f"{path}:{exc}") from None
    found_region, found_year = detect_region_year(text)
    figures.insert(0, "year", pd.array([year or found_year] * len(figures), dtype=tidy.TIDY_DTYPES["year"]))
    figures.insert(0, "region", pd.array([region or found_region] * len(figures), dtype=tidy.TIDY_DTYPES["region"]))
    return figures
