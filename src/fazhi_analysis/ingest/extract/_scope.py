"""Period and scope of a figure: which time it covers and whose figure it is, from the signals before it.

``period`` is 全年 (the report year), 截至M月 (part of it), 以来 (several years) or 期间 (another window);
``scope`` is 本级 (the reporting body), 全域 (the whole region it governs), 下级合计 (what the lower levels
did) or 其他机关 (a court, a higher level, the nation, the government as respondent). Only a full-year
figure of the body's own (本级, 全域) takes an indicator id by default (the corpus guide's rule).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from fazhi_analysis.ingest.extract._candidates import Hit

__all__ = ["Where", "document_month", "period_scope"]


_FULL_YEAR = "全年"
_OWN_SCOPES = ("本级", "全域")
_MONTH = re.compile(r"(?:截至|截止|至|[—\-－~～])(\d{1,2})月|(\d{1,2})月(?:底|末)")
_HALF = {"上半年": 6, "前三季度": 9, "前3季度": 9, "前二季度": 6, "前一季度": 3, "一季度": 3}
_SOFT_PART = ("目前", "今年以来", "至今", "截至目前", "截止目前")  # part of a year only in a text written within it
_OTHER = ("other_body", "higher_level")
_WHOLE = re.compile(r"全[县区市省旗州盟]|各级|全系统|我[县区市省旗]")


class Where(NamedTuple):
    """A figure's period and scope, and the signal that set each (key, words) when not the default."""

    period: str
    scope: str
    why: tuple[str, str] | None  # the signal that keeps the figure from an id: (key, words)


def period_scope(
    hits: tuple[Hit, ...], sentence: str, kind: str, month: int | None, level: str | None, plans: bool = False
) -> Where:
    """Period and scope of one figure.

    Args:
        hits: the signals found before the figure (``_candidates.signal_hits``).
        sentence: the figure's sentence up to the figure: naming the whole region (全县, 各级) makes it 全域.
        kind: the document's kind (report, draft, news): 目前 and 今年以来 are part of a year only in a
            draft or a news item.
        month: the latest month a draft states or is dated (截至M月 when the words name none).
        level: the report's level (省, 市, 县, None).
        plans: the figure stands in the report's part on next year's plans: a target, of another year.
    """
    # A signal of some ids only (the government as respondent in reconsideration) does not make the figure
    # another body's: it rules out those ids (see ``__init__._figure``).
    by_key = {hit.signal.key: hit.words.strip() for hit in reversed(hits) if not hit.signal.ids}
    period, why = _FULL_YEAR, None
    if "period" in by_key:
        period, why = "以来", ("period", by_key["period"])
    elif "window" in by_key:
        period, why = "期间", ("window", by_key["window"])
    elif plans:
        period, why = "期间", ("plans", "下一年度安排")
    elif "part_year" in by_key:
        words = by_key["part_year"]
        part = _part_month(words, month)
        soft = words in _SOFT_PART
        if part and part < 12 and (not soft or kind in ("draft", "news")):
            period, why = f"截至{part}月", ("part_year", words)
    scope = "全域" if _WHOLE.search(sentence) else "本级"
    other = next((key for key in _OTHER if key in by_key), None)
    if other:
        scope, why = "其他机关", why or (other, by_key[other])
    elif "sub_level" in by_key:
        scope, why = "下级合计", why or ("sub_level", by_key["sub_level"])
    return Where(period, scope, why)


def _part_month(words: str, month: int | None) -> int | None:
    """The month a part-year phrase ends in (截至11月底 → 11, 上半年 → 6), else the document's month."""
    match = _MONTH.search(words)
    if match:
        return int(match.group(1) or match.group(2))
    half = next((m for w, m in _HALF.items() if w in words), None)
    return half or month


_DATED = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(?:\d{1,2}日)?")
_STATED = re.compile(r"(?:截至|截止|1[—\-－~～至])(\d{1,2})月")


def document_month(text: str, year: int | None) -> int | None:
    """The month a text written within its year stands at: the latest 截至M月 or 1—M月 it states, else its date."""
    stated = [int(m.group(1)) for m in _STATED.finditer(text)]
    if stated:
        return max(m for m in stated if 1 <= m <= 12) if any(1 <= m <= 12 for m in stated) else None
    dated = [int(m.group(2)) for m in _DATED.finditer(text[-200:]) if year and int(m.group(1)) == year]
    return max(dated) if dated else None
