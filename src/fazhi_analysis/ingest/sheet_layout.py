"""Read the layout of a messy indicator sheet: its header, what each column holds, region and year.

A sheet is a grid of cells (see :mod:`fazhi_analysis.ingest.sheets`). :func:`find_header` finds the header
rows below any title, metadata or note rows; :func:`column_roles` tells for each column whether it
holds indicator names, ids, units, regions, years, notes, values (for a year, a region, this or last
year), totals, or indicators (a table with indicators as columns). :func:`region_in` and
:func:`year_in` read a region or year from a title, a sheet name or a file name.

Example:
    >>> region_in("乌鲁木齐市达坂城区2024年度法治政府建设指标"), year_in("2024年度")
    ('乌鲁木齐市达坂城区', 2024)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fazhi_analysis.ingest.match import match_one, trailing_unit
from fazhi_analysis.table import catalog
from fazhi_analysis.table.numbers import MISSING, parse_values

__all__ = [
    "HEADER_SCAN_ROWS",
    "NOTE",
    "NUMBER",
    "TOTAL",
    "Columns",
    "cell_kinds",
    "clean_region",
    "column_roles",
    "figure_mask",
    "find_header",
    "guess_name_column",
    "has_figures",
    "plain_text",
    "region_in",
    "unit_factor",
    "unit_like",
    "year_in",
]


HEADER_SCAN_ROWS = 60


_MAX_UNIT_LENGTH = 4


_MAX_HEADER_ROWS = 3


_YEAR_LABEL = re.compile(r"^((?:19|20)\d{2})(?:年度?)?(?:[（(][^）)]*[）)])?$")


_YEAR_LEAD = re.compile(r"^(?:19|20)\d{2}(?:年|-\d{1,2}月)")  # 2024年完成, 2024年1-6月: headers, not figures


_PERIOD = re.compile(r"^\d{1,2}(?:月份?)?[-—–~至到]\d{1,2}月份?$")  # 1-6月, 1至6月: a header, not a range figure


_YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)(?:年度?)?")


_REGION = re.compile(
    r"^[\u4e00-\u9fff]{1,16}(?:自治区|自治州|自治县|自治旗|特别行政区|新区|开发区|区|县|市|旗|盟|州|镇|乡|街道)$"
)


_REGION_CUT = re.compile(
    r"(?:(?:19|20)\d{2}|人民政府|政府|司法局|法治|关于|年度|统计|指标|数据|情况|填报|汇总|报表|工作)"
)


TOTAL = re.compile(r"^(?:全[区县市旗]|全部|总)?(?:合计|总计|小计|共计|总和|汇总)$")


_KEY_VALUE = re.compile(r"^[^:：]{1,12}[:：].+")


NOTE = re.compile(
    r"^(?:注|备注|说明|附注|填表|填报人|填报日期|填报时间|审核|制表|联系|电话|数据来源|负责人|单位负责人|统计人|分管领导)"
)


_ROLE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("id", re.compile(r"^(?:指标)?(?:编号|代码|编码|ID|id)$|^指标(?:编号|代码|编码|ID|id)")),
    ("seq", re.compile(r"^(?:序号|行次|序|No\.?|NO\.?)$")),
    ("unit", re.compile(r"^(?:计量)?单位$")),
    ("note", re.compile(r"^(?:备注|说明|注释|备注说明|数据来源|来源|填报说明|附注)$")),
    (
        "region",
        re.compile(
            r"^(?:地区|区域|区县|县区|县市区|市县|行政区|行政区划|地区名称|所属地区|区划|地方|单位名称|填报单位)$"
        ),
    ),
    ("year", re.compile(r"^(?:年度|年份|年|统计年度|所属年度)$")),
    (
        "name",
        re.compile(r"^(?:指标名称|指标|名称|项目|统计项目|项目名称|内容|事项|类别|指标项|指标内容|统计指标|指标名)$"),
    ),
]


_CURRENT = re.compile(r"本年|今年|当年|本期|本年度")


_PREVIOUS = re.compile(r"上年|去年|上期|同期|上一年|上年度")


_GENERIC_VALUE = re.compile(
    r"^(?:数值|数量|数据|完成|完成数|完成情况|值|实际|实际完成|实际数|总数|情况|结果|填报数|填报数值|统计数|统计值|数|金额|人数|件数|次数)$"
)


_NOT_A_VALUE = re.compile(
    r"目标|计划|预计|预期|任务|考核|标准|增减|增长|减少|同比|环比|比上年|较上年|变化|变动|增幅|排名|名次|占比|比重|[0-9一二三四]+[-—~至到]?[0-9一二三四]*月|季度|上半年|下半年|半年"
)


_EMPTY, _TEXT, NUMBER, _YEAR, _MISSING_MARKER = 0, 1, 2, 3, 4


_PERCENT_WORDS = {"%": "%", "百分比": "%", "百分率": "%", "百分点": "%"}


@dataclass
class Columns:
    """What each column of a sheet holds, as parallel lists (one entry per column)."""

    role: list[str]
    text: list[str]
    year: list[int | None]
    rel: list[int | None]
    region: list[str | None]
    unit: list[str | None]
    indicator: list[str | None]
    indicator_note: list[str]


def cell_kinds(block: np.ndarray) -> np.ndarray:
    """Kind of each cell: empty, text, number, year-like or missing marker."""
    kinds = np.zeros(block.shape, dtype=np.int8)
    strings: dict[str, list[tuple[int, int]]] = {}
    for (i, j), v in np.ndenumerate(block):
        if v is None:
            continue
        if isinstance(v, str):
            strings.setdefault(v, []).append((i, j))
        elif float(v).is_integer() and 1990 <= v <= 2100:
            kinds[i, j] = _YEAR
        else:
            kinds[i, j] = NUMBER
    if strings:
        texts = list(strings)
        parsed = parse_values(pd.Series(texts, dtype=object))
        figure = figure_mask(parsed)
        for text, reason, is_figure in zip(texts, parsed["reason"], figure):
            norm = unicodedata.normalize("NFKC", text).replace(" ", "")
            if _YEAR_LABEL.match(norm) or _YEAR_LEAD.match(norm):
                kind = _YEAR
            elif _PERIOD.match(norm):
                kind = _TEXT
            elif is_figure:
                kind = NUMBER
            elif not pd.isna(reason) and reason == MISSING:
                kind = _MISSING_MARKER
            else:
                kind = _TEXT
            for i, j in strings[text]:
                kinds[i, j] = kind
    return kinds


def find_header(block: np.ndarray, kinds: np.ndarray, threshold: float) -> tuple[int, int] | None:
    """First and last row of the header (0-based), or None when no row looks like one."""
    has_number = (kinds == NUMBER).any(axis=1)
    below = np.cumsum(has_number[::-1])[::-1]  # rows with figures from here down
    for r in range(min(len(block), HEADER_SCAN_ROWS)):
        row = [v for v in block[r] if v is not None and str(v).strip()]
        if len(set(map(str, row))) < 2 or has_number[r] or r + 1 >= len(block) or below[r + 1] == 0:
            continue
        if not any(_headerish(v, k, threshold) for v, k in zip(block[r], kinds[r]) if v is not None):
            continue
        if all(isinstance(v, str) and (_KEY_VALUE.match(plain_text(v)) or NOTE.match(plain_text(v))) for v in row):
            continue  # 填报单位：…  填报日期：… is metadata, not a header
        end = r
        labels = [_label_role(v) for v in block[r]]
        while (
            end + 1 < len(block)
            and end - r + 1 < _MAX_HEADER_ROWS
            and _continues_header(block[end], block[end + 1], kinds[end + 1], labels)
        ):
            end += 1
        return r, end
    return None


_LABEL_ROLES = ("id", "seq", "unit", "note", "region", "year", "name")  # columns whose cells label rows


def _label_role(value: object) -> str | None:
    """The role a header cell gives its column when the column labels the rows (指标名称, 单位, 地区 …)."""
    if value is None:
        return None
    role = _role_word(_strip_unit(plain_text(value)))
    return role if role in _LABEL_ROLES else None


def _continues_header(above: np.ndarray, row: np.ndarray, kinds: np.ndarray, labels: list[str | None]) -> bool:
    """Whether ``row`` adds to the header rows above it (merged headers: years or regions under a group).

    Decided from the structure alone, never from whether the row holds a figure: each cell that is
    not a repeat of the one above (a merged header is filled with its top-left value) must be a
    header word (a year, a region, 本年/上年, 数值) standing in a column that does not label the
    rows, and at least one must be a year or a region. A data row fails: its label stands under
    指标名称, its unit under 单位, and a value or a missing marker (``—``) is no header word.
    """
    adds_key = False
    for top, value, kind, label in zip(above, row, kinds, labels):
        if value is None or (top is not None and str(value) == str(top)):
            continue
        if label is not None:
            return False
        text = plain_text(value)
        year = kind == _YEAR and (isinstance(value, str) or float(value).is_integer())
        region = isinstance(value, str) and _REGION.match(text) is not None
        word = isinstance(value, str) and bool(
            _CURRENT.search(text) or _PREVIOUS.search(text) or _GENERIC_VALUE.match(_strip_unit(text))
        )
        if not (year or region or word):
            return False
        adds_key = adds_key or year or region
    return adds_key


def plain_text(value: object) -> str:
    """NFKC-folded text without whitespace: ``'２０２４ 年'`` → ``'2024年'``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _headerish(value: object, kind: int, threshold: float) -> bool:
    """Whether a cell reads like a column header: a year, a role word, a region or an indicator name."""
    if kind == _YEAR:
        return True
    text = plain_text(value)
    if _role_word(_strip_unit(text)) or _CURRENT.search(text) or _PREVIOUS.search(text) or _REGION.match(text):
        return True
    if _GENERIC_VALUE.match(_strip_unit(text)) or _YEAR_ANY.search(text):
        return True
    return kind == _TEXT and match_one(text, "", threshold)[0] is not None


def _role_word(text: str) -> str | None:
    """The column role a header word names (id, unit, region, name …), if any."""
    for role, pattern in _ROLE_WORDS:
        if pattern.match(text):
            return role
    return None


def _strip_unit(text: str) -> str:
    """``text`` without parenthesized parts: ``数值（万元）`` → ``数值``."""
    return re.sub(r"[（(][^（）()]*[)）]", "", text)


def column_roles(header: np.ndarray, threshold: float) -> Columns:
    """Role of each column from its (possibly multi-row) header text."""
    n = header.shape[1]
    cols = Columns([], [], [], [], [], [], [], [])
    for c in range(n):
        parts = []
        for v in header[:, c]:
            if v is not None and str(v) not in parts:
                parts.append(str(v))
        text = " ".join(parts)
        plain = plain_text(text)
        unit = unit_like(trailing_unit(text)) or unit_like(_unit_after_colon(plain))
        year_match = _YEAR_ANY.search(plain)
        rest = _strip_unit(_YEAR_ANY.sub("", plain)) if year_match else _strip_unit(plain)
        rest = re.sub(r"^[-_—:：/]+|[-_—:：/]+$", "", rest)
        role, year, rel, region, indicator, note = "unknown", None, None, None, None, ""
        word = _role_word(rest) if rest else None
        if not plain:
            role = "unknown"  # a value column without a header is still read, or its figures rejected
        elif word in ("id", "seq", "unit", "note", "region", "name") or (word == "year" and not year_match):
            role = word
        elif TOTAL.match(rest):
            role = "total"
        elif _NOT_A_VALUE.search(rest):
            role = "unknown"  # targets, changes, ranks and part-year periods are not the year's figure
        elif year_match or _CURRENT.search(rest) or _PREVIOUS.search(rest) or _GENERIC_VALUE.match(rest) or rest == "":
            role = "value"
            year = int(year_match.group(1)) if year_match else None
            rel = None if year is not None else (-1 if _PREVIOUS.search(rest) else 0 if _CURRENT.search(rest) else None)
            leftover = _CURRENT.sub("", _PREVIOUS.sub("", rest))
            leftover = re.sub(r"(?:数值|数量|数据|完成数|完成|实际|统计数|填报数)$", "", leftover)
            if leftover and _REGION.match(leftover):
                region = leftover
        elif _REGION.match(rest):
            role, region = "value", rest
        else:
            found, _, why = match_one(text, "", threshold, unit_factor(unit)[1] if unit else None)
            if found:
                role, indicator = "indicator", found
            note = why
        cols.role.append(role)
        cols.text.append(text)
        cols.year.append(year)
        cols.rel.append(rel)
        cols.region.append(region)
        cols.unit.append(unit)
        cols.indicator.append(indicator)
        cols.indicator_note.append(note)
    return cols


def _unit_after_colon(text: str) -> str | None:
    """The unit of a header such as ``单位：万元``, if any."""
    match = re.search(r"单位[:：]([^\s,，;；)）]{1,6})", text)
    return match.group(1) if match else None


def unit_like(text: str | None) -> str | None:
    """``text`` when it is a unit (万元, 件, %, 百分比 …); None for other parenthesized words (2024年)."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if text in _PERCENT_WORDS:
        return _PERCENT_WORDS[text]
    factor, base = unit_factor(text)
    return text if base in _known_units() or (base == "" and factor != 1.0) else None


@catalog.per_catalog
def _known_units(cat: catalog.Catalog) -> frozenset[str]:
    """Every unit the catalog accepts, and %."""
    units = {"%"}
    for accepted in cat.indicators["units"]:
        units.update(accepted)
    return frozenset(units)


_UNIT_CACHE: dict[str, tuple[float, str]] = {}  # written unit → (factor, base unit)


def unit_factor(unit: str) -> tuple[float, str]:
    """Multiplier and base unit of a written unit: ``万元`` → (10000, ``元``); unknown → (1, unit)."""
    if unit not in _UNIT_CACHE:
        if unit in _PERCENT_WORDS:
            _UNIT_CACHE[unit] = (1.0, "%")
        else:
            parsed = parse_values(pd.Series(["1" + unit], dtype=object)).iloc[0]
            if pd.isna(parsed["reason"]):
                _UNIT_CACHE[unit] = (float(parsed["value"]), str(parsed["unit"]))
            else:
                _UNIT_CACHE[unit] = (1.0, unit)
    return _UNIT_CACHE[unit]


def guess_name_column(block: np.ndarray, cols: Columns) -> int | None:
    """The leftmost column of mostly text cells among columns without a role."""
    for c in range(block.shape[1]):
        if cols.role[c] not in ("unknown", "empty"):
            continue
        cells = [v for v in block[:200, c] if v is not None]
        if cells and sum(isinstance(v, str) and not _parses(v) for v in cells) >= len(cells) / 2:
            return c
    return None


def figure_mask(parsed: pd.DataFrame) -> np.ndarray:
    """Parsed strings that look like figures: a number and at most a short unit.

    The parser accepts any trailing text as the unit (``2024年度填报表`` → 2024 年度填报表); for telling
    headers, titles and notes from figures, a unit longer than :data:`_MAX_UNIT_LENGTH` is text.
    """
    short = parsed["unit"].fillna("").str.len() <= _MAX_UNIT_LENGTH
    return (parsed["reason"].isna() & short).to_numpy(bool)


def _parses(text: str) -> bool:
    """Whether ``text`` parses as a figure."""
    return bool(figure_mask(parse_values(pd.Series([text], dtype=object)))[0])


def has_figures(column: np.ndarray) -> bool:
    """Whether a column holds numbers or strings that parse as figures."""
    cells = [v for v in column if v is not None]
    if not cells:
        return False
    strings = [v for v in cells if isinstance(v, str)]
    if len(strings) < len(cells):
        return True
    return bool(figure_mask(parse_values(pd.Series(strings[:200], dtype=object))).any())


def region_in(text: str | None) -> str | None:
    """A region name at the start of a title, sheet or file name: ``达坂城区2024年度…`` → ``达坂城区``."""
    if not text:
        return None
    plain = plain_text(text)
    head = _REGION_CUT.split(plain, maxsplit=1)[0]
    head = re.sub(r"^[^\u4e00-\u9fff]+", "", head)
    head = re.sub(r"[^\u4e00-\u9fff]+.*$", "", head)
    return head if _REGION.match(head) else None


def clean_region(text: str) -> str | None:
    """A region cell as a name (whitespace removed), None when empty."""
    plain = plain_text(text)
    return plain or None


def year_in(text: object) -> int | None:
    """The first year (1900–2099) in a text: ``'2024年度'`` → 2024; None when there is none."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    match = _YEAR_ANY.search(plain_text(text))
    return int(match.group(1)) if match else None
