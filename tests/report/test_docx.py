"""The Word draft (report.docx): read back with python-docx, the 公文 layout and every figure as written."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest
from conftest import SEED
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from report_data import REGION, YEAR, figure_text, gold_table, mentions, report_cli, with_prior_year

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import parts
from fazhi_analysis.report import docx_style, facts, run
from fazhi_analysis.report.docx import to_docx

EMU_PER_MM = 36000


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "draft" / "annual_report.docx"
    found = facts.gather(gold_table(), REGION, YEAR)
    own = parts.parts_table(SEED.read_text(encoding="utf-8"), REGION, YEAR, SEED.name)
    assert to_docx(found, own, path) == path
    return path


@pytest.fixture(scope="module")
def doc(written):
    return docx.Document(str(written))


def _text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _mm(length) -> float:
    return length / EMU_PER_MM


def test_holds_all_71_figures_as_the_source_writes_them(doc) -> None:
    text = _text(doc)
    assert len(mentions()) == 71
    assert [figure_text(m) for m in mentions() if figure_text(m) not in text] == []
    assert "1547.16万元" in text and "2.8万余人次" in text and "130余份" in text


def test_no_internal_id_and_no_sources_appendix(doc) -> None:
    text = _text(doc)
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", text.replace("dabancheng_2024_report.txt", ""))
    assert "附录" not in text


def test_page_is_a4_with_the_standard_margins(doc) -> None:
    section = doc.sections[0]
    assert round(_mm(section.page_width)) == 210 and round(_mm(section.page_height)) == 297
    assert abs(_mm(section.top_margin) - 37) <= 1 and abs(_mm(section.left_margin) - 28) <= 1
    assert round(_mm(section.right_margin)) == 26 and round(_mm(section.bottom_margin)) == 35
    # 版心 156 mm × 225 mm
    assert round(_mm(section.page_width - section.left_margin - section.right_margin)) == 156
    assert round(_mm(section.page_height - section.top_margin - section.bottom_margin)) == 225
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 225 mm / 22 lines = 28.99 pt, rounded down: 579 twips


def _fonts(style) -> tuple[str, str, float]:
    r_fonts = style.element.rPr.rFonts
    return r_fonts.get(qn("w:ascii")), r_fonts.get(qn("w:eastAsia")), style.font.size.pt


def test_title_body_and_heading_fonts(doc) -> None:
    styles = doc.styles
    assert _fonts(styles[docx_style.STYLE_TITLE]) == ("方正小标宋简体", "方正小标宋简体", 22.0)
    assert _fonts(styles["Normal"]) == ("仿宋_GB2312", "仿宋_GB2312", 16.0)
    assert _fonts(styles["Heading 1"]) == ("黑体", "黑体", 16.0)
    assert _fonts(styles["Heading 2"]) == ("楷体_GB2312", "楷体_GB2312", 16.0)
    assert styles["Heading 1"].font.bold is False and styles["Heading 1"].font.color.rgb is None
    first = doc.paragraphs[0]
    assert (
        first.style.name == docx_style.STYLE_TITLE
        and first.text == f"{REGION}{YEAR}年度法治政府建设情况报告（数据分析）"
    )
    # 28 characters of 三号 in 156 mm: condensed by 0.25 pt (-5 twips); 16 pt would fit 27
    spacing = styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"
    assert int(156 / 25.4 * 72 // (16 - 0.25)) == 28 and int(156 / 25.4 * 72 // 16) == 27


def test_headings_use_the_heading_styles(doc) -> None:
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h1[:2] == ["一、概述", "二、深入学习贯彻习近平法治思想"]
    assert h1[-2:] == ["八、报告原文中的不足与安排", "附：未归入指标目录的数据"]
    assert h2 == ["（一）二、存在的不足", "（二）三、2025年工作安排"]


def test_fallback_fonts_are_named_in_the_font_table(written) -> None:
    with zipfile.ZipFile(written) as z:
        table = z.read("word/fontTable.xml").decode("utf-8")
    assert re.search(r'w:name="仿宋_GB2312">\s*<w:altName w:val="FangSong,仿宋"/>\s*<w:charset w:val="86"', table)
    assert 'w:name="黑体"><w:altName w:val="SimHei"/>' in table.replace("\n", "").replace("  ", "")
    assert "KaiTi" in table


def test_tables_are_word_tables(doc) -> None:
    assert len(doc.tables) == 7  # six chapters and the figures without an indicator
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["指标", "2024年"]
    assert [c.text for c in first.rows[1].cells] == ["政府部门参加法治培训", "17次"]
    assert first.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in doc.tables[-1].rows[0].cells] == ["方面", "原文所写", "数据"]


def test_charts_are_pictures_at_print_resolution(doc) -> None:
    shapes = doc.inline_shapes
    assert len(shapes) == 6
    for shape in shapes:
        assert _mm(shape.width) <= 156.01
        blob = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
        dpi = blob.image.px_width / (shape.width / 914400)
        assert 200 <= dpi <= 300, dpi
    captions = [p.text for p in doc.paragraphs if p.text.startswith("图")]
    assert captions[0].startswith("图1　深入学习贯彻习近平法治思想")


def _field_codes(footer) -> str:
    return "".join(t.text for t in footer._element.iter(qn("w:instrText")))


def test_page_numbers_outside_on_odd_and_even_pages(doc) -> None:
    assert doc.settings.odd_and_even_pages_header_footer is True
    section = doc.sections[0]
    odd, even = section.footer, section.even_page_footer
    assert _field_codes(odd).strip() == "PAGE" and _field_codes(even).strip() == "PAGE"
    assert odd.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert odd.paragraphs[0].text == "— 1 —" and even.paragraphs[0].text == "— 1 —"
    run_fonts = odd.paragraphs[0].runs[0]._r.rPr.rFonts
    assert run_fonts.get(qn("w:eastAsia")) == "宋体" and odd.paragraphs[0].runs[0].font.size.pt == 14.0
    # the dashes 7 mm under the 版心: the footer 35 − 7 − 4.9 (14 pt) = 23.1 mm above the page's edge
    assert round(_mm(section.footer_distance), 1) == 23.1


@pytest.mark.slow
def test_with_a_prior_year_the_table_shows_the_change(tmp_path) -> None:
    found = facts.gather(with_prior_year(), REGION, YEAR)
    document = docx.Document(str(to_docx(found, None, tmp_path / "a.docx")))
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header == ["指标", "2023年", "2024年", "同比"]
    assert "八、报告原文中的不足与安排" not in _text(document)  # no parts given


def test_formats_accept_docx() -> None:
    assert run.parse_formats("docx,html") == ("html", "docx")
    assert run.parse_formats(["pdf", "docx"]) == ("pdf", "docx")
    with pytest.raises(InputError, match="html,pdf,docx"):
        run.parse_formats("doc")


@pytest.mark.system
def test_fazhi_report_writes_the_word_draft(tmp_path) -> None:
    result, folder = report_cli(tmp_path, formats="html,docx")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "annual_report.docx",
        "annual_report.html",
        "annual_report.ipynb",
    ]
    document = docx.Document(str(folder / "annual_report.docx"))
    assert "收到行政复议申请11件" in _text(document)


def test_to_docx_is_public() -> None:
    import fazhi_analysis
    from fazhi_analysis import report

    assert report.to_docx is to_docx and fazhi_analysis.to_docx is to_docx and "to_docx" in fazhi_analysis.__all__
