"""Numbers in a report's text: which number-with-unit spans are figures, their value, and what they count.

A figure is a number (Arabic or Chinese) followed by a unit or ``%``; years, dates, times, document
numbers, ordinals, list markers, slogans and names inside quotes or book-title marks are not figures.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

import pandas as pd

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.extract._rules import CLAUSE_END, CN_DIGIT, LIST_MARK, Rules, load
from fazhi_analysis.table.numbers import CN_NUMERAL, TOO_LARGE, abbreviated, chinese_to_number, parse_values

__all__ = ["Found", "Quoted", "counted_noun", "find", "label", "parse"]


# A quote holds a name or a slogan: short, on one line, with no other opening mark inside. A mark that never
# closes (“法治进万家活动12场…) quotes nothing, so that the figures after it are still read.
_QUOTED_RE = re.compile(
    r"“[^“”\n]{0,40}”|《[^《》\n]{0,60}》|「[^「」\n]{0,40}」|『[^『』\n]{0,40}』|〔[^〔〕\n]{0,20}〕|\[[^\[\]\n]{0,20}\]|【[^【】\n]{0,40}】"
)


class Quoted:
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


def find(folded: str, quoted: Quoted) -> list[dict]:
    """Every number-with-unit span of the (folded) text that is a figure, before mapping."""
    rules = load()
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


def _valid_chinese(match: re.Match[str], text: str, rules: Rules) -> bool:
    """A Chinese numeral is a figure only when well formed, not a lone 一, and not a slogan."""
    num = match["num"]
    if match["pct"]:
        return True
    if not any(ch in CN_DIGIT for ch in num) and not (match["apx1"] or match["pre"]):
        return False  # 百, 千, 万 alone: 百场宣讲进万家
    if num == "一":
        return False  # 一 is idiom far more often than a count: 一件事, 一次办, 一起
    start = match.start("num")
    if text.startswith(rules.slogans, start):
        return False
    if start > 0 and text[start - 1] in CN_NUMERAL + "第周":
        return False
    if text[match.end() : match.end() + 1] in set(CN_DIGIT):
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


def label(before: str, after: str, rules: Rules) -> str:
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


def counted_noun(after: str) -> bool:
    """Whether the text right after a figure starts with a noun (not a delimiter or a verb)."""
    return (
        bool(after) and after[0] not in CLAUSE_END + LIST_MARK and not after.startswith(("的", "开展", "参加", "以上"))
    )


class Found(NamedTuple):
    """The candidate figures of a text: span (start, end, rank), start, raw text, value, unit, approx, section."""

    spans: list[dict]
    starts: list[int]
    raws: list[str]
    values: list
    units: list  # as written; a rank without one is counted in 位
    approx: list
    sections: list[str | None]


def parse(text: str, found: list[dict], sections: list[str | None]) -> Found:
    """Value, unit and approx of each candidate (a rank's 第 dropped), with the section each stands in.

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
    return Found(found, starts, raws, parsed["value"].tolist(), units, parsed["approx"].tolist(), sections)


def _too_large(text: str, start: int, raw: str) -> InputError:
    """The error for a figure beyond a float, at ``line:column`` (the caller names the file)."""
    line, column = text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
    return InputError(
        f"{line}:{column}: 数字“{abbreviated(raw)}”过大，无法表示，请核对原文 / "
        f"the figure at line {line}, column {column} is too large to represent: check the text"
    )
