"""A report's structure: its heading tree and sections, its region, year and level, and its kind.

The heading tree (``一、``, ``(一)``, ``1.``, ``(1)``, ``一是`` items) places a figure in a catalog section; the
title tells whose report it is (region, year, level: 省, 市, 县) and, with the first lines, what kind of
text it is (a report, a draft, a news item).
"""

from __future__ import annotations

import bisect
import re

from fazhi_analysis.ingest.extract._rules import WINDOW

__all__ = ["ITEM_LEVEL", "detect_region_year", "document_kind", "heading_rows", "part_of", "report_level", "section_at"]


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


def heading_rows(text: str, keywords: dict[str, tuple[str, ...]]) -> list[dict]:
    """The heading tree as dicts in text order (see :func:`fazhi_analysis.ingest.extract.headings`).

    ``keywords`` maps a catalog section id to the words of its headings.
    """
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
    sections = _heading_sections([row["level"] for row in rows], [row["title"] for row in rows], keywords)
    return [{**row, "section": section} for row, section in zip(rows, sections)]


def _heading_sections(levels: list[int], titles: list[str], keywords: dict[str, tuple[str, ...]]) -> list[str | None]:
    """Section of each heading: its own title's best section, else its parent's."""
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


def section_at(heads: list[dict], positions: list[int]) -> list[str | None]:
    """Section of the innermost heading above each position."""
    starts = [row["start"] for row in heads]
    return [heads[k - 1]["section"] if k else None for k in (bisect.bisect_right(starts, p) for p in positions)]


# A title's chain of regions (潍川市白浪区, 石梁县), each piece a name and its suffix; 城市 in 城市管理 is no region.
_REGION_CHAIN = re.compile(r"^(?:(?!城市)[\u4e00-\u9fff]{0,6}?(?:自治区|省|市|州|盟|区|县|旗))+")
_LEVEL_OF_SUFFIX = {"省": "省", "区": "县", "县": "县", "旗": "县", "市": "市", "州": "市", "盟": "市"}
_TITLE_LEAD = re.compile(r"^[\s\u3000]*(?:中共)?")
_DRAFT_RE = re.compile(
    r"[（(](?:初稿|讨论稿|征求意见稿|送审稿|草稿|草案)[)）]|征求意见稿|截至\d{1,2}月|1[—\-－~～至]\d{1,2}月"
)
_REPORT_RE = re.compile(r"报告|总结|白皮书|通报")


def report_level(text: str) -> str | None:
    """The level of the government whose report it is, from its title: 省, 市 or 县 (a district, banner too).

    A department's report has the level of its region (石梁县司法局 → 县); a text without a title, None.

    Example:
        >>> report_level("潍川市白浪区人民政府关于2024年度法治政府建设工作情况的报告")
        '县'
        >>> report_level("云岚省人民政府关于2024年法治政府建设情况的报告"), report_level("（四）严格执法")
        ('省', None)
    """
    first = _TITLE_LEAD.sub("", text[:200].split("\n", 1)[0])
    chain = _REGION_CHAIN.match(first)
    if not chain:
        return None
    last = chain.group()
    return "省" if last.endswith("自治区") else _LEVEL_OF_SUFFIX.get(last[-1])


def document_kind(text: str) -> str:
    """What kind of text it is: ``draft`` (初稿, 征求意见稿, figures 截至 a month), ``report`` or ``news``.

    A first line that names no report (报告, 总结, 白皮书, 通报) and is not a heading is a news item's title.
    """
    head = text[:400]
    if _DRAFT_RE.search(head):
        return "draft"
    first = text.lstrip()[:300].split("\n", 1)[0]
    heading = re.match(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]", first)
    # A headline is short; a long first line is a report's opening sentence (按照…要求，现将…报告如下).
    return "report" if heading or len(first) > 60 or _REPORT_RE.search(first) else "news"


_PLANS = re.compile(r"打算|安排|计划|思路|下一步|下步|展望|重点工作|工作要点")
_PROBLEMS = re.compile(r"不足|问题|短板|差距|困难|薄弱")


def part_of(title: str) -> str:
    """The part of a report a top-level heading opens: ``plans`` (下一年度安排), ``problems`` (存在的不足) or ``""``."""
    if _PLANS.search(title):
        return "plans"
    return "problems" if _PROBLEMS.search(title) else ""


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
