"""The annual report as an editable Word draft in 公文 format (GB/T 9704-2012), written with python-docx.

The layout (page, fonts, sizes, page numbers) is data in :mod:`fazhi_analysis.report.docx_style`;
this module only applies it. The content is the HTML report's, in plain sentences: the overview's
highlights, one chapter per section (prose, what the figures say, the table of the years held as a
Word table, the charts as PNG pictures at print resolution), the region's own 不足 and 安排 quoted,
and the figures that no catalog indicator holds. No internal id reaches the page.

Example:
    >>> found = facts.gather(table, "达坂城区", 2024)                              # doctest: +SKIP
    >>> to_docx(found, parts, "reports/达坂城区/2024/annual_report.docx")           # doctest: +SKIP
    PosixPath('reports/达坂城区/2024/annual_report.docx')
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pandas as pd
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from fazhi_analysis import analysis
from fazhi_analysis.report import charts, narrative, reading
from fazhi_analysis.report import docx_style as S
from fazhi_analysis.report import facts as facts_module
from fazhi_analysis.report.facts import Facts
from fazhi_analysis.table import catalog
from fazhi_analysis.table.write import atomic_path

OWN_WORDS_TITLE = "报告原文中的不足与安排"
OTHER_FIGURES_TITLE = "附：未归入指标目录的数据"


def to_docx(facts: Facts, parts: pd.DataFrame | None, path: str | Path) -> Path:
    """Write the annual report of ``facts`` as a Word draft at ``path`` (atomically) and return the path.

    Args:
        facts: :func:`fazhi_analysis.report.facts.gather` of the region and year.
        parts: The report texts' parts (:func:`fazhi_analysis.ingest.parts.load_parts`), or None.
        path: The ``.docx`` to write; its folder is made when missing.
    """
    doc = new_document()
    _title(doc, facts)
    number = _overview(doc, facts, 1)
    for section in analysis.sections_with_data(facts.comparison):
        number = _chapter(doc, facts, section, number)
    if parts is not None:
        number = _own_words(doc, facts, parts, number)
    _other_figures(doc, facts)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path


def table_to_docx(
    table_path: str | Path,
    region: str,
    year: int,
    path: str | Path,
    *,
    compare_year: int | None = None,
    peers: str | None = None,
) -> Path:
    """The Word draft of ``region`` in ``year`` from the tidy table at ``table_path`` and the parts and regions
    table built with it, the peers as ``peers`` says (:class:`fazhi_analysis.analysis.PeerRule`).

    Raises:
        InputError: No table, or no data for ``region`` in ``year``; an unknown peer rule.
    """
    from fazhi_analysis.ingest.parts import load_parts
    from fazhi_analysis.table import regions

    table = analysis.load_table(table_path)
    found = facts_module.gather(table, region, year, compare_year, peers=peers, region_table=regions.load(table_path))
    return to_docx(found, load_parts(table_path), path)


# ---------------------------------------------------------------- layout (docx_style applied)


def new_document() -> Document:
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


def set_font(element, font: S.Font) -> None:
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
    set_font(style, font)
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
    _off_grid(_style(doc, S.STYLE_NOTE, S.NOTE, indent=False, align=center))
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
        set_font(paragraph.add_run(f"{S.PAGE_NUMBER_DASH} "), S.PAGE_NUMBER)
        _page_field(paragraph)
        set_font(paragraph.add_run(f" {S.PAGE_NUMBER_DASH}"), S.PAGE_NUMBER)


def _page_field(paragraph) -> None:
    """A ``PAGE`` field (begin, instruction, separate, a shown ``1``, end), in the page-number font."""
    parts = [("fldChar", "begin"), ("instrText", " PAGE "), ("fldChar", "separate"), ("t", "1"), ("fldChar", "end")]
    for tag, value in parts:
        run = paragraph.add_run()
        set_font(run, S.PAGE_NUMBER)
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
        etree.SubElement(entry, f"{{{w}}}family", {f"{{{w}}}val": S.FONT_FAMILIES.get(name, "modern")})
        etree.SubElement(entry, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- content


def _title(doc: Document, facts: Facts) -> None:
    doc.add_paragraph(f"{facts.region}{facts.year}年度法治政府建设情况报告（数据分析）", style=S.STYLE_TITLE)
    doc.add_paragraph(f"根据{narrative.sources_text(facts)}整理", style=S.STYLE_NOTE)
    doc.add_paragraph("", style=S.STYLE_BODY)  # 标题与正文之间空一行


def _overview(doc: Document, facts: Facts, number: int) -> int:
    """一、概述: the highlights and what could not be compared. Returns the next heading number."""
    doc.add_paragraph(narrative.numbered(number, "概述"), style=S.STYLE_HEADING_1)
    highlights = [_sentence(t) for t in facts.highlights["text"].dropna().astype(str)]
    for text in ("".join(highlights), "".join(_sentence(n) for n in narrative.comparability(facts))):
        if text:
            doc.add_paragraph(text, style=S.STYLE_BODY)
    return number + 1


def _sentence(text: str) -> str:
    """The text ending in a full stop."""
    text = text.strip()
    return text if not text or text[-1] in "。！？；" else text + "。"


def _chapter(doc: Document, facts: Facts, section: str, number: int) -> int:
    """One chapter: heading, prose, what the figures say, its table and charts. Returns the next number."""
    title = catalog.section_title(section)
    doc.add_paragraph(narrative.numbered(number, title), style=S.STYLE_HEADING_1)
    doc.add_paragraph(narrative.section_prose(facts.comparison, section), style=S.STYLE_BODY)
    if said := reading.sentences(facts, section):
        doc.add_paragraph("".join(said), style=S.STYLE_BODY)
    tables = sum(1 for p in doc.paragraphs if p.style.name == S.STYLE_CAPTION and p.text.startswith("表"))
    doc.add_paragraph(f"表{tables + 1}　{title}主要数据", style=S.STYLE_CAPTION)
    _figures_table(doc, facts, section)
    for png, alt, width_in in chart_pngs(facts, section):
        _picture(doc, png, alt, width_in)
    return number + 1


def _figures_table(doc: Document, facts: Facts, section: str) -> None:
    """The chapter's table as a Word table: 指标, the years held, 同比 and 位次 where they exist."""
    years, rows = reading.table_years(facts), reading.table_rows(facts, section)
    has_rank = facts.n_peers >= analysis.MIN_PEERS
    header = ["指标", *(f"{y}年" for y in years)] + ["同比"] * facts.has_prior + ["位次（报告地区数）"] * has_rank
    body = [[r["name"], *r["cells"]] + [r["change"]] * facts.has_prior + [r["rank"]] * has_rank for r in rows]
    _table(doc, header, body)


def _table(doc: Document, header: list[str], body: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        cell.paragraphs[0].style = doc.styles[S.STYLE_TABLE]
        set_font(cell.paragraphs[0].add_run(str(text)), S.Font(S.CAPTION.name, S.TABLE.size_pt, S.CAPTION.fallbacks))
    for values in body:
        for cell, text in zip(table.add_row().cells, values):
            cell.paragraphs[0].style = doc.styles[S.STYLE_TABLE]
            cell.paragraphs[0].add_run(str(text))
    _repeat_header(table)


def _repeat_header(table) -> None:
    """The header row repeats on every page the table runs over."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _picture(doc: Document, png: bytes, alt: str, width_in: float) -> None:
    """A chart as a centred picture, at most the 版心 wide, with its caption under it."""
    width = min(Mm(width_in * 25.4), Mm(S.CHART_MAX_WIDTH_MM))
    paragraph = doc.add_paragraph(style=S.STYLE_TABLE)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(png), width=width)
    shape._inline.docPr.set("descr", alt)
    figures = sum(1 for p in doc.paragraphs if p.style.name == S.STYLE_CAPTION and p.text.startswith("图"))
    doc.add_paragraph(f"图{figures + 1}　{alt}", style=S.STYLE_CAPTION)


def _own_words(doc: Document, facts: Facts, parts: pd.DataFrame, number: int) -> int:
    """The region's own 不足 and 安排 quoted under second-level headings, each with its source."""
    mine = narrative.own_parts(parts, facts)
    if mine.empty:
        return number
    doc.add_paragraph(narrative.numbered(number, OWN_WORDS_TITLE), style=S.STYLE_HEADING_1)
    doc.add_paragraph(
        f"以下照录{facts.region}{facts.year}年度报告原文的有关部分，供对照各章数据阅读。", style=S.STYLE_BODY
    )
    for k, (_, row) in enumerate(mine.iterrows(), start=1):
        doc.add_paragraph(
            f"（{narrative.CHINESE_ORDINALS[k - 1]}）{row['heading'] or row['title']}", style=S.STYLE_HEADING_2
        )
        for line in narrative.quoted_paragraphs(str(row["text"])):
            doc.add_paragraph(line, style=S.STYLE_BODY)
        doc.add_paragraph(
            f"（来源：{facts_module.source_kind(str(row['source']))} {row['source']}）", style=S.STYLE_BODY
        )
    if more := narrative.left_out(parts, facts):
        doc.add_paragraph(f"报告原文中另有{more}处同类部分未照录，见来源文件。", style=S.STYLE_BODY)
    return number + 1


def _other_figures(doc: Document, facts: Facts) -> None:
    """The figures of the region-year that no catalog indicator holds, as the source writes them (at most
    :data:`narrative.APPENDIX_ROWS`, then how many more)."""
    rows = analysis.unmapped(facts.table, facts.region, facts.year)
    if rows.empty:
        return
    titles = catalog.sections()["title"]
    doc.add_paragraph(OTHER_FIGURES_TITLE, style=S.STYLE_HEADING_1)
    body = [
        [
            str(titles.get(r["section"], "") or "—"),
            str(r["label"]) if pd.notna(r["label"]) else "—",
            narrative.figure_of(r),
        ]
        for _, r in rows.head(narrative.APPENDIX_ROWS).iterrows()
    ]
    _table(doc, ["方面", "原文所写", "数据"], body)
    if len(rows) > len(body):
        doc.add_paragraph(
            f"以上列出前{len(body)}项，另有{len(rows) - len(body)}项未逐条列出，全部见整洁指标表（indicators.csv）。",
            style=S.STYLE_BODY,
        )


# ---------------------------------------------------------------- charts as PNG


def chart_pngs(facts: Facts, section: str) -> list[tuple[bytes, str, float]]:
    """The chapter's charts (:func:`charts.chapter_charts`) as PNG at :data:`docx_style.CHART_DPI`.

    Returns:
        (PNG bytes, the chart's description, its width in inches) per chart, in order.
    """
    return [
        (charts.to_png(svg, S.CHART_DPI), svg.alt, float(svg.figure.get_size_inches()[0]))
        for svg in charts.chapter_charts(facts, section)
    ]
