"""The extractor's rules (``ingest/extract_rules.yaml``), compiled once: what a figure is, and the signals.

The rules file ships with the package and does not change with a project, so one compiled copy serves
every call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from fazhi_analysis.ingest.sentence import CLAUSE_MARKS, FULL_STOPS
from fazhi_analysis.table.numbers import (
    APPROX_MARKS,
    APPROX_PREFIXES,
    CN_NUMERAL,
    MULTIPLIERS,
    RANGE_SEPARATORS,
    alternation,
)

__all__ = [
    "CLAUSE_END",
    "CN_DIGIT",
    "FOLD",
    "LIST_MARK",
    "RANGE_RE",
    "SENTENCE_END",
    "WHOLE_LOOKBACK",
    "WINDOW",
    "Rules",
    "Signal",
    "load",
]


_RULES_FILE = Path(__file__).resolve().parent.parent / "extract_rules.yaml"
FOLD = str.maketrans("０１２３４５６７８９％．（）＋－～", "0123456789%.()+-~")
SENTENCE_END = FULL_STOPS + "\n"  # a report's line (a heading, a paragraph) ends its sentence
CLAUSE_END = SENTENCE_END + CLAUSE_MARKS
LIST_MARK = "、"  # ends a figure's clause, but does not start one: 以调解、和解等方式结案170件
CN_DIGIT = "一二两三四五六七八九"
_FIGURE_PREFIXES = tuple(p for p in APPROX_PREFIXES if p not in ("大约", "不足"))  # 大约: the figure starts at 约
_FIGURE_SUFFIXES = ("以上", "左右", "有余", "多")  # of APPROX_SUFFIXES, those that close a figure in a sentence
_RANGE = f"[{re.escape(RANGE_SEPARATORS)}－～]"  # the full-width forms too, for the unfolded text
RANGE_RE = re.compile(rf"\d{_RANGE}")
WINDOW = 500  # characters either side of a figure its sentence may reach (a report's longest are ~150)
WHOLE_LOOKBACK = 60  # characters before a sentence that opens with 其中 where its whole may stand (…186件。其中，…)


@dataclass(frozen=True)
class Signal:
    """One signal of extract_rules.yaml (``signals``): the figure is not a level of this report's own."""

    key: str
    where: str  # adjacent, clause or sentence
    pattern: re.Pattern[str]
    ids: tuple[str, ...]  # id prefixes ruled out; empty: all
    levels: tuple[str, ...]  # the report levels (省, 市, 县, 未知) it holds in; empty: all
    part: bool  # a part of a whole: only indicators not naming the whole are ruled out
    reset: re.Pattern[str] | None  # words after the match that end the signal
    anchored: bool  # the pattern must match at the window's start
    named_after: str  # a mark (等) after which an indicator's own alias means the count is its own


@dataclass(frozen=True)
class Rules:
    """The compiled rules of ingest/extract_rules.yaml."""

    figure_re: re.Pattern[str]
    skip_after_re: re.Pattern[str]
    slogans: tuple[str, ...]
    rank_words: tuple[str, ...]
    change_re: re.Pattern[str]  # a change word ending the text before a number
    lead_re: re.Pattern[str]  # a verb or function word ending the text before a number
    object_verbs_re: re.Pattern[str]
    strip_re: re.Pattern[str]  # filler words opening a label
    signals: tuple[Signal, ...]


@cache
def load() -> Rules:
    """The rules of extract_rules.yaml, compiled once."""
    with _RULES_FILE.open(encoding="utf-8") as fh:
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
    return Rules(
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


def _signal(entry: dict) -> Signal:
    """A signal of the rules file, its pattern compiled."""
    return Signal(
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
