"""The annual report as an editable Word draft in 公文 format (GB/T 9704-2012), written with python-docx.

The content — the five parts of an annual report, numbered, the appendices, the charts — is a
:class:`~fazhi_analysis.report.docx_content.Content` that the report notebook recorded
(:mod:`fazhi_analysis.report.word_draft`); the layout (page, fonts, sizes, page numbers) is data in
:mod:`fazhi_analysis.report.docx_style`; this module only applies it: it sets the title on its lines, fits each
table to the 版心 (a name on two lines at most), keeps each caption with its table or chart, writes brackets and
marks full-width, and puts each appendix on a page of its own after the body's 附件 list.

Example:
    >>> from_record(work / "draft", "reports/达坂城区/2024/annual_report.docx")     # doctest: +SKIP
    PosixPath('reports/达坂城区/2024/annual_report.docx')
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from fazhi_analysis.errors import ReportError
from fazhi_analysis.report import docx_content as C
from fazhi_analysis.report import docx_style as S
from fazhi_analysis.table.write import atomic_path

if TYPE_CHECKING:  # the layout itself needs neither pandas nor the analyses
    import pandas as pd

    from fazhi_analysis.report.facts import Facts

__all__ = ["FULL_WIDTH", "column_widths", "from_record", "to_docx"]


FULL_WIDTH = str.maketrans({"(": "（", ")": "）"})  # brackets in Chinese text are full-width (GB/T 15834)
# A half-width mark next to a Chinese character is the full-width one typed on a Latin keyboard; between digits
# (2,536.8万元, 10:30) it is not touched.
_HALF_MARKS = re.compile(r"(?<=[\u3400-\u9fff”）》])[,;:!?]|[,;:!?](?=[\u3400-\u9fff“（《])")
_FULL_MARKS = dict(zip(",;:!?", "，；：！？"))


def to_docx(facts: Facts, parts: pd.DataFrame | None, path: str | Path) -> Path:
    """Write the Word draft of ``facts`` at ``path`` (atomically), its charts drawn here; returns the path.

    The report notebook records the draft instead (:class:`~fazhi_analysis.report.word_draft.Recorder`),
    with the charts it drew; this is the same draft for a caller holding only the facts.

    Args:
        facts: :func:`fazhi_analysis.report.facts.gather` of the region and year.
        parts: The report texts' parts (:func:`fazhi_analysis.ingest.parts.load_parts`), or None.
        path: The ``.docx`` to write; its folder is made when missing.
    """
    from fazhi_analysis.report.word_draft import compose

    return _write(compose(facts, parts), path)


def from_record(folder: str | Path, path: str | Path) -> Path:
    """Write the Word draft the report notebook recorded in ``folder`` at ``path`` (atomically); returns the path.

    Raises:
        ReportError: ``folder`` holds no record: the notebook did not record the draft (a project's notebook made
            before the draft was recorded: ``fazhi doctor`` names it).
    """
    try:
        content = C.Content.load(folder)
    except FileNotFoundError:
        raise ReportError(
            "报告笔记本没有记录 Word 初稿的内容（项目的 notebooks/annual_report.ipynb 可能早于此版本，"
            "运行 fazhi doctor） / the report notebook recorded no Word draft "
            "(a project's notebook older than this version? run fazhi doctor)"
        ) from None
    return _write(content, path)


def _write(content: C.Content, path: str | Path) -> Path:
    """Lay ``content`` out in a new 公文 document and save it at ``path`` (atomically, its folder made)."""
    doc = _new_document()
    layout = _Layout(doc, content.images)
    layout.title(content.title)
    for block in content.blocks:
        layout.block(block)
    layout.attachment_list([a.title for a in content.appendices])
    for n, appendix in enumerate(content.appendices, start=1):
        layout.appendix(n, appendix)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


# ---------------------------------------------------------------- layout (docx_style applied)


def _new_document() -> Document:
    """An empty A4 document with the 公文 page, styles, page numbers and font table of :mod:`docx_style`."""
    doc = docx.Document()
    _page(doc)
    _styles(doc)
    _page_numbers(doc)
    _font_table(doc)
    return doc


def _page(doc: Document) -> None:
    """A4, the 版心 156 mm × 225 mm placed by its margins, 22 lines of 28 characters (document grid)."""
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(S.PAGE_WIDTH_MM), Mm(S.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(S.MARGIN_TOP_MM), Mm(S.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(S.MARGIN_LEFT_MM), Mm(S.MARGIN_RIGHT_MM)
    section.footer_distance = Mm(S.footer_distance_mm())
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")  # 22 lines; the 28 characters come from the styles' character spacing
    grid.set(qn("w:linePitch"), str(round(S.LINE_PITCH_PT * 20)))  # twips


_AFTER_SPACING = tuple(f"w:{t}" for t in (
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl",
    "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"))  # fmt: skip  # w:rPr order


def _set_font(element, font: S.Font) -> None:
    """Name ``font`` for Latin and East Asian text of a run or style (``w:rFonts``), set its size and weight.

    A 三号 text is condensed by :func:`docx_style.condense_twips` so that 28 characters fill the 版心's line.
    """
    element.font.name = font.name
    element.font.size = Pt(font.size_pt)
    element.font.bold = font.bold
    element.font.color.rgb = None
    r_pr = element.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font.name)
    if font.size_pt == S.BODY.size_pt and r_pr.find(qn("w:spacing")) is None:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(S.condense_twips()))
        r_pr.insert_element_before(spacing, *_AFTER_SPACING)


def _paragraph_format(style, *, indent: bool, align: WD_ALIGN_PARAGRAPH, keep: bool = False) -> None:
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(S.LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(S.CHAR_PITCH_PT * S.FIRST_LINE_INDENT_CHARS) if indent else Pt(0)
    fmt.alignment = align
    fmt.keep_with_next = keep


def _style(doc: Document, name: str, font: S.Font, *, indent: bool, align: WD_ALIGN_PARAGRAPH, keep=False):
    """The paragraph style ``name`` (made when the template lacks it) in ``font``, on the line grid."""
    if name in {s.name for s in doc.styles}:
        style = doc.styles[name]
    else:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[S.STYLE_BODY]
    _set_font(style, font)
    _paragraph_format(style, indent=indent, align=align, keep=keep)
    return style


def _defaults(doc: Document) -> None:
    """The document's default run (``w:docDefaults``): the body font and size, Chinese; no space after paragraphs.

    Word's character grid counts from the default size, so it must be the body's 三号.
    """
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = r_pr.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), S.BODY.name)
    for tag in ("w:sz", "w:szCs"):
        r_pr.find(qn(tag)).set(qn("w:val"), str(round(S.BODY.size_pt * 2)))
    r_pr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.set(qn("w:after"), "0")


_AFTER_SNAP = tuple(f"w:{t}" for t in (
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"))  # fmt: skip  # w:pPr order


def _off_grid(style) -> None:
    """The style's characters keep their own width (a title, a table cell), not the body's 28-a-line grid."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP)


def _styles(doc: Document) -> None:
    """Body, title, headings, table, caption and note styles, each with its font of :mod:`docx_style`."""
    justify, center = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    _defaults(doc)
    _style(doc, S.STYLE_BODY, S.BODY, indent=True, align=justify)
    _off_grid(_style(doc, S.STYLE_TITLE, S.TITLE, indent=False, align=center, keep=True))
    _style(doc, S.STYLE_HEADING_1, S.HEADING_1, indent=True, align=justify, keep=True)
    _style(doc, S.STYLE_HEADING_2, S.HEADING_2, indent=True, align=justify, keep=True)
    _off_grid(_style(doc, S.STYLE_CAPTION, S.CAPTION, indent=False, align=center, keep=True))
    _style(doc, S.STYLE_ATTACHMENT, S.ATTACHMENT, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT, keep=True)
    table = _style(doc, S.STYLE_TABLE, S.TABLE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _off_grid(table)
    table.paragraph_format.line_spacing = 1.0  # single: a picture in the style keeps its height


def _page_numbers(doc: Document) -> None:
    """``— N —`` in 4号宋体: right on odd pages, left on even pages, one character in (odd and even footers)."""
    doc.settings.odd_and_even_pages_header_footer = True
    _off_grid(doc.styles["Footer"])
    section = doc.sections[0]
    inset = Pt(S.PAGE_NUMBER.size_pt * S.PAGE_NUMBER_INSET_CHARS)
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = inset
        else:
            paragraph.paragraph_format.left_indent = inset
        _set_font(paragraph.add_run(f"{S.PAGE_NUMBER_DASH} "), S.PAGE_NUMBER)
        _page_field(paragraph)
        _set_font(paragraph.add_run(f" {S.PAGE_NUMBER_DASH}"), S.PAGE_NUMBER)


def _page_field(paragraph) -> None:
    """A ``PAGE`` field (begin, instruction, separate, a shown ``1``, end), in the page-number font."""
    parts = [("fldChar", "begin"), ("instrText", " PAGE "), ("fldChar", "separate"), ("t", "1"), ("fldChar", "end")]
    for tag, value in parts:
        run = paragraph.add_run()
        _set_font(run, S.PAGE_NUMBER)
        element = OxmlElement(f"w:{tag}")
        if tag == "fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)


def _font_table(doc: Document) -> None:
    """Declare each font with its fallbacks (``w:altName``) and the GB2312 character set in ``fontTable.xml``."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    w = root.nsmap["w"]
    declared: dict[str, S.Font] = {}
    for font in S.FONTS:
        declared.setdefault(font.name, font)
    for name, font in declared.items():
        entry = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        if font.fallbacks:
            etree.SubElement(entry, f"{{{w}}}altName", {f"{{{w}}}val": ",".join(font.fallbacks)})
        etree.SubElement(entry, f"{{{w}}}charset", {f"{{{w}}}val": S.CHARSET_GB2312})
        etree.SubElement(entry, f"{{{w}}}family", {f"{{{w}}}val": S.FONT_FAMILIES.get(name, "roman")})
        etree.SubElement(entry, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- content


def _zh(text: object) -> str:
    """Text as the draft writes it: brackets full-width, and the marks (，；：！？) beside Chinese characters.

    Example:
        >>> _zh("(五)一年来,罚没金额2,536.8万元;")
        '（五）一年来，罚没金额2,536.8万元；'
    """
    return _HALF_MARKS.sub(lambda m: _FULL_MARKS[m.group()], str(text).translate(FULL_WIDTH))


class _Layout:
    """Paragraphs, tables and pictures added to ``doc`` in its styles, looked up once by name.

    (python-docx looks a style up among all of the template's on every assignment by name: here once.)
    """

    def __init__(self, doc: Document, images: dict[str, bytes]) -> None:
        self.doc, self.images = doc, images
        names = (S.STYLE_BODY, S.STYLE_TITLE, S.STYLE_HEADING_1, S.STYLE_HEADING_2, S.STYLE_TABLE, S.STYLE_CAPTION,
                 S.STYLE_ATTACHMENT)  # fmt: skip
        self.ids = {name: doc.styles[name].style_id for name in names}

    def paragraph(self, text: str, style: str, container: object = None) -> Paragraph:
        """A paragraph of ``text`` (brackets full-width) in ``style``, at the end of ``container`` (the body)."""
        paragraph = (container or self.doc).add_paragraph(_zh(text))
        paragraph._p.style = self.ids[style]
        return paragraph

    def title(self, lines: tuple[str, ...]) -> None:
        """The title on its lines (one paragraph, a line break between them), then an empty line."""
        paragraph = self.paragraph("", S.STYLE_TITLE)
        for n, line in enumerate(lines):
            run = paragraph.add_run(_zh(line))
            if n < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
        self.paragraph("", S.STYLE_BODY)  # 标题与正文之间空一行

    def block(self, block: C.Block) -> None:
        """One block of the content, in its style."""
        if block.kind == C.HEADING:
            self.paragraph(block.text, S.STYLE_HEADING_1 if block.level == 1 else S.STYLE_HEADING_2)
        elif block.kind == C.SOURCE_HEADING:
            self.paragraph(block.text, S.STYLE_HEADING_2)
        elif block.kind == C.PENDING:
            self.paragraph("", S.STYLE_BODY).add_run(_zh(block.text)).font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif block.kind == C.TABLE:
            self.paragraph(block.text, S.STYLE_CAPTION)
            self.table(block.header, block.rows)
            self.paragraph("", S.STYLE_TABLE)  # a short line after the table: nothing starts against its last row
        elif block.kind == C.FIGURE:  # the picture kept with its caption under it, the caption with nothing
            self.picture(self.images[block.image], block.text, block.width_in)
            self.paragraph(block.text, S.STYLE_CAPTION).paragraph_format.keep_with_next = False
        else:
            self.paragraph(block.text, S.STYLE_BODY)

    def table(self, header: tuple[str, ...], body: tuple[tuple[str, ...], ...]) -> None:
        """A Word table at fixed column widths (:func:`column_widths`), its header repeated on each page and kept
        with the caption above it and the first row, no row split over two pages."""
        widths = [Mm(w) for w in column_widths(header, body)]
        table = self.doc.add_table(rows=0, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = width
        for n, values in enumerate((header, *body)):
            row = table.add_row()
            row._tr.get_or_add_trPr().append(_on(OxmlElement("w:cantSplit")))
            for cell, width, text in zip(row.cells, widths, values):
                cell.width = width
                paragraph = cell.paragraphs[0]
                paragraph._p.style = self.ids[S.STYLE_TABLE]
                if n:
                    paragraph.add_run(_zh(text))
                else:  # the header, kept with the caption above and the first row (the rest may break)
                    paragraph.paragraph_format.keep_with_next = True
                    _header(paragraph, _zh(text), width)
        table.rows[0]._tr.get_or_add_trPr().append(_on(OxmlElement("w:tblHeader")))

    def picture(self, png: bytes, alt: str, width_in: float) -> None:
        """A chart as a centred picture, at most the 版心 wide, kept with the caption under it."""
        width = min(Mm(width_in * 25.4), Mm(S.CHART_MAX_WIDTH_MM))
        paragraph = self.paragraph("", S.STYLE_TABLE)
        paragraph.paragraph_format.keep_with_next = True
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=width)
        shape._inline.docPr.set("descr", _zh(alt))

    def attachment_list(self, titles: list[str]) -> None:
        """After the body, an empty line and the list of appendices (7.3.5): ``附件：1．数据说明`` …"""
        if titles:
            self.paragraph("", S.STYLE_BODY)
        for n, title in enumerate(titles, start=1):
            paragraph = self.paragraph(f"{'附件：' if n == 1 else '　　　'}{n}．{title}", S.STYLE_BODY)
            paragraph.paragraph_format.keep_with_next = n < len(titles)

    def appendix(self, number: int, appendix: C.Appendix) -> None:
        """An appendix on a new page (7.4.6): ``附件N`` at the top left, its title, an empty line, its blocks."""
        self.paragraph(f"附件{number}", S.STYLE_ATTACHMENT).paragraph_format.page_break_before = True
        self.title((appendix.title,))
        for block in appendix.blocks:
            self.block(block)


def column_widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[float]:
    """Widths in mm that fill the 版心: the first column (the names) on one line where the others leave room, else on
    :data:`docx_style.NAME_LINES` lines at most; each other column as wide as its longest cell, the widest ones cut
    down to one width when they do not fit (their cells wrap; a short column such as a year's never does).

    Example:
        >>> [round(w) for w in column_widths(("指标", "2024年"), (("收到行政复议申请", "11件"),))]
        [42, 114]
        >>> [round(w) for w in column_widths(("指标", "2024年", "同比"), (("一" * 24, "2件", "二" * 40),))]
        [59, 21, 76]
    """
    char_mm = S.TABLE.size_pt * S.MM_PER_PT
    # a header may break before its bracket (位次 / （报告地区数）); each column has a character of slack (digits are
    # wider than half a character, and a line may not start with a closing mark, which pushes one character down)
    heads = [max(C.width(part) for part in re.split(r"(?=（)", _zh(h))) for h in header]
    longest = [max(head, *(C.width(_zh(r[i])) for r in rows)) for i, head in enumerate(heads)]
    others = [(max(w, 2.0) + 1) * char_mm + S.CELL_PADDING_MM for w in longest[1:]]
    if not others:
        return [S.TEXT_WIDTH_MM]
    one_line, fewest = ((math.ceil(longest[0] / n) + 1) * char_mm + S.CELL_PADDING_MM for n in (1, S.NAME_LINES))
    name = min(max(S.TEXT_WIDTH_MM - sum(others), fewest), one_line)
    room = S.TEXT_WIDTH_MM - name
    if sum(others) <= room:  # all fit: widened alike to fill the 版心
        return [name, *(w * room / sum(others) for w in others)]
    return [name, *_capped(others, room)]


def _capped(widths: list[float], room: float) -> list[float]:
    """``widths`` with the widest cut down to one cap, so that they fill ``room`` (the narrow ones kept whole)."""
    narrow = sorted(widths)
    for k, width in enumerate(narrow):
        cap = (room - sum(narrow[:k])) / (len(narrow) - k)
        if cap <= width:
            return [min(w, cap) for w in widths]
    return widths


def _header(paragraph: Paragraph, text: str, width: Length) -> None:
    """A header cell's text in the caption font, broken before its bracket when the column is narrower than it."""
    room = (width.mm - S.CELL_PADDING_MM) / (S.TABLE.size_pt * S.MM_PER_PT)  # in characters
    parts = re.split(r"(?=（)", text) if C.width(text) + 1 > room else [text]
    font = S.Font(S.CAPTION.name, S.TABLE.size_pt, S.CAPTION.fallbacks)
    for n, part in enumerate(parts):
        run = paragraph.add_run(part)
        _set_font(run, font)
        if n < len(parts) - 1:
            run.add_break(WD_BREAK.LINE)


def _on(element):
    element.set(qn("w:val"), "true")
    return element
