"""The Word draft's layout after GB/T 9704-2012 《党政机关公文格式》, as data in one place.

Every size, font and margin of :mod:`fazhi_analysis.report.docx` comes from here: change a value
here to follow another office's format; the code that writes the document holds none. Sizes are in
points (字号: 二号 22 pt, 三号 16 pt, 四号 14 pt), lengths in millimetres.

GB/T 9704-2012 5.2 and 7.5: A4 paper; 天头 (top margin) 37 mm ± 1, 订口 (left margin) 28 mm ± 1;
版心 156 mm × 225 mm, so the right margin is 210 − 28 − 156 = 26 mm and the bottom 297 − 37 − 225 =
35 mm; 22 lines a page of 28 characters; the title in 2号小标宋, the text in 3号仿宋, 一级标题 in 黑体,
二级标题 in 楷体; page numbers in 4号半角宋体 as ``— 1 —``, their dashes 7 mm below the 版心, right
(one character in) on odd pages and left on even pages.

Fonts are named as Windows installs them on an office PC (``仿宋_GB2312``, ``方正小标宋简体``…). Word has
no fallback list for a font: where a name is missing, Word substitutes by the font table's hints.
Each :class:`Font` therefore lists ``fallbacks``, written into the document's font table
(``word/fontTable.xml``) as ``w:altName`` of the font with the GB2312 character set, which Word reads
when it substitutes (LibreOffice 7.4 reads neither: on Linux it needs fontconfig aliases, see the README).

Example:
    >>> BODY.size_pt, BODY.name, BODY.fallbacks
    (16.0, '仿宋_GB2312', ('FangSong', '仿宋', 'Noto Serif CJK SC'))
    >>> round(LINE_PITCH_PT, 2), round(CHAR_PITCH_PT, 2)
    (28.95, 15.79)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "ATTACHMENT",
    "BODY",
    "CAPTION",
    "CELL_PADDING_MM",
    "CHARSET_GB2312",
    "CHARS_PER_LINE",
    "CHART_DPI",
    "CHART_MAX_WIDTH_MM",
    "CHAR_PITCH_PT",
    "FIRST_LINE_INDENT_CHARS",
    "FONTS",
    "FONT_FAMILIES",
    "HEADING_1",
    "HEADING_2",
    "LINES_PER_PAGE",
    "LINE_PITCH_PT",
    "MARGIN_BOTTOM_MM",
    "MARGIN_LEFT_MM",
    "MARGIN_RIGHT_MM",
    "MARGIN_TOP_MM",
    "MM_PER_PT",
    "NAME_LINES",
    "PAGE_HEIGHT_MM",
    "PAGE_NUMBER",
    "PAGE_NUMBER_BELOW_TEXT_MM",
    "PAGE_NUMBER_DASH",
    "PAGE_NUMBER_INSET_CHARS",
    "PAGE_WIDTH_MM",
    "SANS_FREE",
    "SERIF_FREE",
    "STYLE_ATTACHMENT",
    "STYLE_BODY",
    "STYLE_CAPTION",
    "STYLE_HEADING_1",
    "STYLE_HEADING_2",
    "STYLE_TABLE",
    "STYLE_TITLE",
    "TABLE",
    "TEXT_HEIGHT_MM",
    "TEXT_WIDTH_MM",
    "TITLE",
    "TITLE_CHARS_PER_LINE",
    "Font",
    "condense_twips",
    "footer_distance_mm",
]


MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Font:
    """A font of one element: its name as installed, its size and the names Word may use instead."""

    name: str
    size_pt: float
    fallbacks: tuple[str, ...] = ()
    bold: bool = False


# Page (GB/T 9704-2012 5.1, 5.2.1)
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0  # 天头
MARGIN_LEFT_MM = 28.0  # 订口
TEXT_WIDTH_MM = 156.0  # 版心
TEXT_HEIGHT_MM = 225.0
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TEXT_WIDTH_MM
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TEXT_HEIGHT_MM

# Lines and characters (5.2.3): 22 lines a page, 28 characters a line
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# 225 mm / 22 = 28.99 pt, rounded down to whole twips (28.95 pt) so that the 22nd line still fits
LINE_PITCH_PT = math.floor(TEXT_HEIGHT_MM / LINES_PER_PAGE / MM_PER_PT * 20) / 20
CHAR_PITCH_PT = TEXT_WIDTH_MM / CHARS_PER_LINE / MM_PER_PT
FIRST_LINE_INDENT_CHARS = 2  # each paragraph starts two characters in (7.3.3)

# Fonts (5.2.2, 7.3.1, 7.3.3, 7.5). The last alternate of each is the free font of its kind that Linux
# distributions ship (fonts-noto-cjk), named by its Simplified Chinese face (the collection's first face is
# Japanese). Word reads the alternates; LibreOffice 7.4 does not (the README gives fontconfig aliases instead).
SERIF_FREE, SANS_FREE = "Noto Serif CJK SC", "Noto Sans CJK SC"
TITLE = Font("方正小标宋简体", 22.0, ("方正小标宋_GBK", "华文中宋", "SimSun", "宋体", SERIF_FREE))  # 二号
BODY = Font("仿宋_GB2312", 16.0, ("FangSong", "仿宋", SERIF_FREE))  # 三号
HEADING_1 = Font("黑体", 16.0, ("SimHei", SANS_FREE))  # 一级标题 一、
HEADING_2 = Font("楷体_GB2312", 16.0, ("KaiTi", "楷体", SERIF_FREE))  # 二级标题 （一）
PAGE_NUMBER = Font("宋体", 14.0, ("SimSun", SERIF_FREE))  # 四号, 半角
TABLE = Font("仿宋_GB2312", 12.0, ("FangSong", "仿宋", SERIF_FREE))  # 小四: a table of four columns fits the 版心
CAPTION = Font("黑体", 12.0, ("SimHei", SANS_FREE))  # 表题、图题, a table's header
ATTACHMENT = Font("黑体", 16.0, ("SimHei", SANS_FREE))  # 附件1 above an appendix's title (7.4.6)

# The title: 二号 characters in the 版心's width; a longer title breaks (word_draft.title_lines)
TITLE_CHARS_PER_LINE = math.floor(TEXT_WIDTH_MM / (TITLE.size_pt * MM_PER_PT))

# Tables: a cell's left and right margins together (Word's default 1.9 mm each), the lines a name may take
CELL_PADDING_MM = 3.8
NAME_LINES = 2

# Page numbers (7.5): "— 1 —", the dashes 7 mm below the 版心, one character in from the outside
PAGE_NUMBER_DASH = "—"
PAGE_NUMBER_BELOW_TEXT_MM = 7.0
PAGE_NUMBER_INSET_CHARS = 1

# Word style names the document defines (the names a writer sees in Word's style list)
STYLE_TITLE = "公文标题"
STYLE_BODY = "Normal"
STYLE_HEADING_1 = "Heading 1"
STYLE_HEADING_2 = "Heading 2"
STYLE_TABLE = "公文表格"
STYLE_CAPTION = "公文题注"
STYLE_ATTACHMENT = "附件标识"

# Pictures: charts at print resolution, as wide as the 版心 at most
CHART_DPI = 240
CHART_MAX_WIDTH_MM = TEXT_WIDTH_MM

# Font table hints (word/fontTable.xml): the GB2312 character set and the fonts' families
CHARSET_GB2312 = "86"
# The generic family a substitute is sought in: roman (serif) for 宋体, 仿宋, 楷体 and the title, swiss (sans) for 黑体
# (not "modern": that family is the fixed-pitch fonts').
FONT_FAMILIES = {"黑体": "swiss"}  # others: "roman"

FONTS = (TITLE, BODY, HEADING_1, HEADING_2, PAGE_NUMBER, TABLE, CAPTION, ATTACHMENT)


def condense_twips() -> int:
    """Character spacing of a 三号 text, in twentieths of a point, that fits 28 characters in the 版心's 156 mm.

    16 pt characters would fit only 27; condensed by a quarter point they fit 28 (Word: 字符间距 紧缩).

    Example:
        >>> condense_twips()
        -5
    """
    return math.floor((CHAR_PITCH_PT - BODY.size_pt) * 20)


def footer_distance_mm() -> float:
    """Distance of the footer from the page's bottom edge that puts the page number 7 mm below the 版心.

    The footer's line is one page-number size high: its top lies 7 mm under the 版心.

    Example:
        >>> round(footer_distance_mm(), 1)
        23.1
    """
    return MARGIN_BOTTOM_MM - PAGE_NUMBER_BELOW_TEXT_MM - PAGE_NUMBER.size_pt * MM_PER_PT
