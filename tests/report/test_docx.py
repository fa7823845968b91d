"""The Word draft (report.docx): read back with python-docx — the five parts, the 公文 layout, every figure as
written, tables in the 版心, captions kept with their figures, the draft built from what the notebook recorded."""

from __future__ import annotations

import math
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import nbformat
import pandas as pd
import pytest
from conftest import SEED
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from report_data import REGION, YEAR, figure_text, gathered, gold_table, mentions, report_cli, with_years_and_peers

from fazhi_analysis import analysis, draft
from fazhi_analysis.errors import InputError, ReportError
from fazhi_analysis.ingest import parts
from fazhi_analysis.report import docx_content, docx_style, facts, outputs, word_draft
from fazhi_analysis.report.docx import FULL_WIDTH, column_widths, from_record, to_docx
from fazhi_analysis.report.kinds import ANNUAL

EMU_PER_MM = 36000
TWIPS_PER_MM = 72 * 20 / 25.4
PART_HEADINGS = [
    "一、2024年推进法治政府建设的主要举措和成效",
    "二、2024年推进法治政府建设存在的不足和原因",
    "三、2024年党政主要负责人履行推进法治建设第一责任人职责情况",
    "四、2025年推进法治政府建设的主要安排",
    "五、其他需要报告的情况",
]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "draft" / "annual_report.docx"
    own = parts.parts_table(SEED.read_text(encoding="utf-8"), REGION, YEAR, SEED.name)
    assert to_docx(gathered(gold_table), own, path) == path
    return path


@pytest.fixture(scope="module")
def doc(written):
    return docx.Document(str(written))


@pytest.fixture(scope="module")
def ranked(tmp_path_factory):
    """The draft of a region with earlier years and peers: tables with 同比 and 位次."""
    path = tmp_path_factory.mktemp("ranked") / "a.docx"
    return docx.Document(str(to_docx(gathered(with_years_and_peers), None, path)))


@pytest.fixture(scope="module")
def jia(example_table, tmp_path_factory) -> tuple[pd.DataFrame, facts.Facts, Path]:
    """示例区甲 2024 of the example data: its table, its facts and its draft (read only by the tests)."""
    table = analysis.load_table(example_table)
    found = facts.gather(table, "示例区甲", 2024)
    return table, found, to_docx(found, None, tmp_path_factory.mktemp("jia") / "jia.docx")


def _text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _mm(length) -> float:
    return length / EMU_PER_MM


def _styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def _after(document, heading: str) -> str:
    """The text of the paragraph right after ``heading``."""
    texts = [p.text for p in document.paragraphs]
    return texts[texts.index(heading) + 1]


def test_holds_all_71_figures_as_the_source_writes_them(doc) -> None:
    text = _text(doc)
    assert len(mentions()) == 71
    assert [f for m in mentions() if (f := figure_text(m).translate(FULL_WIDTH)) not in text] == []
    assert "1547.16万元" in text and "2.8万余人次" in text and "130余份" in text and "972场（次）" in text


def test_the_five_parts_of_the_regulation_in_order(doc) -> None:
    h1 = _styled(doc, "Heading 1")
    assert h1 == PART_HEADINGS
    h2 = _styled(doc, "Heading 2")
    assert h2[:2] == ["（一）深入学习贯彻习近平法治思想", "（二）积极推进政府职能转变"]
    texts = [p.text for p in doc.paragraphs]
    chapters = [t for t in h2 if texts.index(t) < texts.index(PART_HEADINGS[1])]
    assert [t[: t.index("）") + 1] for t in chapters] == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"]
    # 不足 and 安排 are the seed's own words; it has no 第一责任人 part and no 其他 part: marked to be written
    assert _after(doc, PART_HEADINGS[1]).startswith("一年来，法治政府建设工作取得一些进步")
    assert _after(doc, PART_HEADINGS[2]) == "【待补充】" and _after(doc, PART_HEADINGS[4]) == "【待补充】"
    assert _after(doc, PART_HEADINGS[3]).startswith("2025 年是“十四五”规划的收官之年")
    # the source's last line (相关附件：) leads in to attachments the draft does not hold: left out
    assert texts[texts.index(PART_HEADINGS[4]) - 1].startswith("四是聚焦服务保障大局")


def test_heading_numbers_are_right(doc) -> None:
    for text in _styled(doc, "Heading 1") + _styled(doc, "Heading 2"):
        assert not re.match(r"^（[一二三四五六七八九十]+）[一二三四五六七八九十]+、", text), text


def test_the_overview_is_prose_and_data_quality_goes_to_the_appendix(jia) -> None:
    _, found, path = jia
    assert "罚没金额上年有数据，本年未报告" in found.highlights["text"].tolist()
    document = docx.Document(str(path))
    overview = _after(document, PART_HEADINGS[0])
    assert overview.startswith("从数据看，2024年示例区甲")
    assert overview.endswith("需要关注的是，调解成功率同比下降1.6个百分点。")
    assert "本年未报告" not in overview and "需关注）" not in overview
    texts = [p.text for p in document.paragraphs]
    appendix = texts.index("附件1")
    assert texts[appendix + 1] == "数据说明"
    assert [n for n, t in enumerate(texts) if "本年未报告" in t] == [texts.index("罚没金额上年有数据，本年未报告。")]
    assert texts.index("罚没金额上年有数据，本年未报告。") > appendix


def test_title_on_sensible_lines_without_the_sources(doc) -> None:
    first = doc.paragraphs[0]
    assert first.style.name == docx_style.STYLE_TITLE and first.text == f"{REGION}{YEAR}年度法治政府建设情况报告"
    assert doc.paragraphs[1].text == ""  # no subtitle: the source files are in an appendix
    texts = [p.text for p in doc.paragraphs]
    assert [n for n, t in enumerate(texts) if SEED.name in t] > [texts.index("附件2")]
    assert texts[texts.index("附件2") + 1] == "数据来源"
    long, rest = "新疆维吾尔自治区乌鲁木齐市达坂城区2024年度", "法治政府建设情况报告"
    assert word_draft.title_lines(long + rest, rest) == (long, rest)


@pytest.mark.slow
def test_the_title_breaks_before_its_last_words_in_the_document(tmp_path) -> None:
    table = gold_table().assign(region="乌鲁木齐市达坂城区")
    found = facts.gather(table, "乌鲁木齐市达坂城区", YEAR)
    title = docx.Document(str(to_docx(found, None, tmp_path / "a.docx"))).paragraphs[0]
    assert title.text == "乌鲁木齐市达坂城区2024年度\n法治政府建设情况报告"  # one paragraph, a line break


def test_brackets_and_marks_are_full_width(doc) -> None:
    text = _text(doc)
    assert "(" not in text and ")" not in text
    assert not re.search(r"[\u4e00-\u9fff][,;:]|[,;:][\u4e00-\u9fff]", text)
    assert "（五）扎实推进行政应诉、行政复议和调解工作" not in _styled(doc, "Heading 1")


def test_no_internal_id(doc) -> None:
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", _text(doc).replace(SEED.name, ""))


def test_page_is_a4_with_the_standard_margins(doc) -> None:
    section = doc.sections[0]
    assert round(_mm(section.page_width)) == 210 and round(_mm(section.page_height)) == 297
    assert abs(_mm(section.top_margin) - 37) <= 1 and abs(_mm(section.left_margin) - 28) <= 1
    assert round(_mm(section.right_margin)) == 26 and round(_mm(section.bottom_margin)) == 35
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
    spacing = styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"  # 28 characters of 三号 in 156 mm


def test_font_alternates_name_the_free_simplified_chinese_faces(written) -> None:
    with zipfile.ZipFile(written) as z:
        table = z.read("word/fontTable.xml").decode("utf-8").replace("\n", "").replace("  ", "")
    for name, alternates, family in [
        ("仿宋_GB2312", "FangSong,仿宋,Noto Serif CJK SC", "roman"),
        ("楷体_GB2312", "KaiTi,楷体,Noto Serif CJK SC", "roman"),
        ("方正小标宋简体", "方正小标宋_GBK,华文中宋,SimSun,宋体,Noto Serif CJK SC", "roman"),
        ("黑体", "SimHei,Noto Sans CJK SC", "swiss"),
    ]:
        entry = re.search(rf'w:name="{name}">(.*?)</w:font>', table).group(1)
        assert f'<w:altName w:val="{alternates}"/>' in entry and '<w:charset w:val="86"/>' in entry
        assert f'<w:family w:val="{family}"/>' in entry


def _grid_mm(table) -> list[float]:
    return [int(c.get(qn("w:w"))) / TWIPS_PER_MM for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]


def test_tables_fit_the_text_width_and_names_take_two_lines_at_most(doc, ranked) -> None:
    char_mm = docx_style.TABLE.size_pt * docx_style.MM_PER_PT
    tables = doc.tables + ranked.tables
    assert len(doc.tables) == 7  # six chapters and the figures without an indicator (in the appendix)
    for table in tables:
        widths = _grid_mm(table)
        assert len(widths) <= word_draft.MAX_COLUMNS and sum(widths) == pytest.approx(docx_style.TEXT_WIDTH_MM, abs=0.2)
        longest = max(docx_content.width(row.cells[0].text) for row in table.rows)
        room = (widths[0] - docx_style.CELL_PADDING_MM) / char_mm
        assert math.ceil(longest / math.floor(room)) <= docx_style.NAME_LINES, (longest, room)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    header = [c.text for c in ranked.tables[4].rows[0].cells]
    assert header == ["指标", "2024年", "同比", "位次\n（报告地区数）"]  # broken before its bracket
    assert [c.text for c in doc.tables[0].rows[1].cells] == ["政府部门参加法治培训", "17次"]


def test_column_widths_shrink_the_values_before_the_names() -> None:
    widths = column_widths(("指标", "甲", "乙", "丙"), (("一" * 24, "二" * 30, "三" * 30, "四" * 30),))
    char_mm = docx_style.TABLE.size_pt * docx_style.MM_PER_PT
    assert sum(widths) == pytest.approx(156) and (widths[0] - docx_style.CELL_PADDING_MM) / char_mm >= 12


def _keeps(paragraph) -> bool:
    return bool(paragraph.paragraph_format.keep_with_next or paragraph.style.paragraph_format.keep_with_next)


def test_captions_stay_with_their_tables_and_charts(doc) -> None:
    body = list(doc.element.body.iterchildren())
    paragraphs = {p._p: p for p in doc.paragraphs}
    for n, element in enumerate(body):
        if element.tag == qn("w:tbl"):  # the caption above, kept with the header, kept with the first row
            caption = paragraphs[body[n - 1]]
            assert caption.text.startswith("表") and _keeps(caption)
            rows = element.findall(qn("w:tr"))
            assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)
            kept = [r.find(f".//{qn('w:keepNext')}") is not None for r in rows]
            assert kept == [True] + [False] * (len(rows) - 1)
    pictures = [p for p in doc.paragraphs if p._p.findall(f".//{qn('w:drawing')}")]
    assert len(pictures) == 6
    for picture in pictures:
        following = paragraphs[picture._p.getnext()]
        assert _keeps(picture) and following.text.startswith("图") and following.style.name == "公文题注"


def test_charts_are_pictures_at_print_resolution(doc) -> None:
    for shape in doc.inline_shapes:
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
    assert round(_mm(section.footer_distance), 1) == 23.1


def test_appendices_follow_the_attachment_list_each_on_a_new_page(doc) -> None:
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("附件：1．数据说明")
    assert texts[start + 1].strip() == "2．数据来源" and texts[start - 1] == ""
    marks = [p for p in doc.paragraphs if p.text in ("附件1", "附件2")]
    assert [p.paragraph_format.page_break_before for p in marks] == [True, True]


def test_the_draft_passes_check_draft(written) -> None:
    found = draft.check_draft(written, table=gold_table(), today=date(2025, 3, 20))
    assert found[["level", "rule"]].values.tolist() == [["note", "deadline"]], found.to_dict("records")


@pytest.mark.slow
def test_the_record_round_trips(tmp_path) -> None:
    found = gathered(gold_table)
    content = word_draft.compose(found, None)
    folder = content.save(tmp_path / "draft").parent
    loaded = docx_content.Content.load(folder)
    assert (loaded.title, loaded.blocks, loaded.appendices, loaded.images) == (
        content.title, content.blocks, content.appendices, content.images)  # fmt: skip
    assert word_draft.Recorder(found).save(None) is None  # no Word draft asked for: nothing drawn
    with pytest.raises(ReportError, match="fazhi doctor"):
        from_record(tmp_path / "nothing", tmp_path / "a.docx")


def test_formats_accept_docx() -> None:
    assert [fmt.name for fmt in outputs.parse("docx,html")] == ["html", "docx"]
    with pytest.raises(InputError, match="html,pdf,docx"):
        outputs.parse("doc")


@pytest.mark.system
def test_fazhi_report_writes_the_draft_the_notebook_recorded(tmp_path) -> None:
    result, folder = report_cli(tmp_path, formats="html,docx")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["annual_report.docx", "annual_report.html", "annual_report.ipynb"]
    document = docx.Document(str(folder / "annual_report.docx"))
    assert "收到行政复议申请11件" in _text(document) and _styled(document, "Heading 1") == PART_HEADINGS


@pytest.mark.system
def test_an_edited_notebook_reaches_the_draft(tmp_path) -> None:
    notebook = nbformat.read(ANNUAL.bundled(), as_version=4)
    loop = next(c for c in notebook.cells if "word.chapter(section, drawn)" in c.source)
    loop.source = loop.source.replace("(found.comparison):", "(found.comparison)[1:]:")  # the first chapter left out
    (tmp_path / "notebooks").mkdir()
    nbformat.write(notebook, tmp_path / "notebooks" / "annual_report.ipynb")
    result, folder = report_cli(tmp_path, formats="docx", env={"FAZHI_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    chapters = _styled(docx.Document(str(folder / "annual_report.docx")), "Heading 2")
    assert chapters[0] == "（一）积极推进政府职能转变" and "（一）深入学习贯彻习近平法治思想" not in chapters


@pytest.mark.system
def test_a_notebook_that_records_no_draft_is_named(tmp_path) -> None:
    notebook = nbformat.read(ANNUAL.bundled(), as_version=4)
    notebook.cells = [c for c in notebook.cells if "word.save" not in c.source]
    (tmp_path / "notebooks").mkdir()
    nbformat.write(notebook, tmp_path / "notebooks" / "annual_report.ipynb")
    result, folder = report_cli(tmp_path, formats="html,docx", env={"FAZHI_ROOT": str(tmp_path)})
    assert result.returncode == 1 and "fazhi doctor" in result.stderr
    assert not (folder / "annual_report.docx").exists()


def test_to_docx_is_public() -> None:
    import fazhi_analysis
    from fazhi_analysis import report

    assert report.to_docx is to_docx and fazhi_analysis.to_docx is to_docx and "to_docx" in fazhi_analysis.__all__


def test_a_draft_with_years_and_peers_passes_check_draft_too(jia) -> None:
    table, _, path = jia
    found = draft.check_draft(path, region="示例区甲", year=2024, table=table, today=date(2025, 3, 20))
    # the series of its readings (2021—2024年依次为…) are no figures of 2024; its tables agree with its prose
    assert found[["level", "rule"]].values.tolist() == [["warning", "dropped"], ["note", "deadline"]]
    assert "罚没金额" in found["message_zh"].iloc[0]  # reported in 2023 and not in 2024: truly absent
