"""Figures no longer lost silently (issue 18): each is read, or refused or noted in one line."""

from __future__ import annotations

import html
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import SEED
from hostile import ROWS, nested_table_docx, tracked_changes_docx

from fazhi_analysis import build
from fazhi_analysis.cli import main
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import clean, decode, extract, formats
from fazhi_analysis.table.numbers import TOO_LARGE, parse_values

COMPARED = ["value", "unit", "indicator"]


def _figures(frame: pd.DataFrame) -> list[list]:
    return frame[COMPARED].astype(object).where(frame[COMPARED].notna(), None).values.tolist()


# --- saved web pages --------------------------------------------------------------------------


WECHAT_PARAGRAPHS = [
    '<section style="margin:0 8px"><section data-role="paragraph"><p><span leaf="">{}</span></p></section></section>',
    '<section style="line-height:1.75em"><span leaf="">{}</span></section>',
]


def _wechat_page(text: str, paragraph: str) -> bytes:
    """The seed as a WeChat article is saved: every paragraph in sections of its own, the text in spans."""
    body = "".join(paragraph.format(html.escape(line)) for line in text.splitlines() if line.strip())
    return (
        '<html><head><meta charset="utf-8"><title>法治政府建设情况报告</title></head><body>'
        '<div id="page-content"><div class="rich_media_area_primary"><h1 class="rich_media_title">报告</h1>'
        f'<div class="rich_media_content" id="js_content">{body}</div></div>'
        '<div class="rich_media_tool"><a>阅读原文</a><span>阅读 1.2万</span></div></div>'
        '<div class="qr_code_pc"><p>微信扫一扫关注该公众号</p></div></body></html>'
    ).encode()


@pytest.mark.parametrize("paragraph", WECHAT_PARAGRAPHS, ids=["section-section-p-span", "section-span"])
def test_a_wechat_page_gives_all_71_figures_of_the_seed(tmp_path, seed_text, gold, paragraph):
    page = tmp_path / "wechat.html"
    page.write_bytes(_wechat_page(seed_text, paragraph))
    figures = extract.extract_file(page)
    assert len(figures) == 71 == len(gold["mentions"])
    assert _figures(figures) == _figures(extract.extract_text(seed_text))
    assert figures["region"].unique().tolist() == ["达坂城区"] and figures["year"].unique().tolist() == [2024]


@pytest.mark.parametrize("skipped", ['<svg width="10"><text>图</text></svg>', "<nav>首页 | 动态</nav>",
                                     "<script>var n = 5;</script>", '<div class="share">分享到</div>'])  # fmt: skip
def test_text_after_a_skipped_element_is_read_once(skipped):
    article = f"<p>收到行政复议申请11件。</p>{skipped}办结行政复议案件5件。<p>结案3件。</p>"
    page = f"<html><body><article>{article}</article></body></html>"
    text = formats.html_text(page.encode(), Path("a.html"))
    assert text.count("办结行政复议案件5件。") == 1
    assert extract.extract_text(text)["value"].tolist() == [11.0, 5.0, 3.0]


# --- .docx ------------------------------------------------------------------------------------


def test_tracked_insertions_are_read_and_deletions_dropped_as_the_draft_prints(tmp_path):
    path = tracked_changes_docx(tmp_path / "修订稿.docx")
    text = decode.read_report_text(path)
    assert text.splitlines()[1] == "全年收到行政复议申请11件，办结行政复议案件5件。"
    figures = extract.extract_file(path)
    assert figures[["value", "unit"]].values.tolist() == [[11.0, "件"], [5.0, "件"]]
    assert figures["indicator"].tolist()[0] == "disputes.reconsideration_applications"


def test_a_table_nested_in_a_table_is_read(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    nested_table_docx(raw / "report.docx")
    names = [(sheet.name, sheet.values.tolist()) for sheet in decode.read_docx_tables(raw / "report.docx")]
    assert names[1] == ("表2", [[str(v) for v in row] for row in ROWS])
    table, findings, _ = build.build_checked(raw, tmp_path / "p", quiet=True)
    assert table[["source", "indicator", "value"]].values.tolist() == [
        ["report.docx#表2!C2", "disputes.reconsideration_applications", 11.0],
        ["report.docx#表2!C3", "disputes.reconsideration_closed", 5.0],
    ]
    assert set(table["region"]) == {"达坂城区"} and set(table["year"]) == {2024}


# --- spreadsheets -----------------------------------------------------------------------------


def _book_with_hidden_sheets(path: Path) -> Path:
    book = openpyxl.Workbook()
    for title, state, value in (("复议", "visible", 11), ("旧数据", "hidden", 99), ("草稿", "veryHidden", 77)):
        ws = book.active if state == "visible" else book.create_sheet(title)
        ws.title, ws.sheet_state = title, state
        for row in [ROWS[0], [ROWS[1][0], "件", value]]:
            ws.append(row)
    book.save(path)
    return path


def test_hidden_sheets_are_skipped_with_a_note(tmp_path, capsys):
    path = _book_with_hidden_sheets(tmp_path / "dept.xlsx")
    result = clean.clean_files([path], region="甲区", year=2024)
    assert result.table["value"].tolist() == [11.0] and result.rejects.empty
    assert result.hidden == ["dept.xlsx#旧数据", "dept.xlsx#草稿"]
    assert "隐藏的工作表未读 / hidden sheets not read: dept.xlsx#旧数据、dept.xlsx#草稿" in result.summary()
    assert main(["clean", str(path), "--region", "甲区", "--year", "2024"]) == 0
    assert "hidden sheets not read: dept.xlsx#旧数据、dept.xlsx#草稿" in capsys.readouterr().err


def test_a_workbook_of_hidden_sheets_only_says_so(tmp_path):
    path = _book_with_hidden_sheets(tmp_path / "dept.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("说明").append(["本表仅供参考"])
    book.active = 3
    book["复议"].sheet_state = "hidden"
    book.save(path)
    with pytest.raises(InputError, match="no figures found；隐藏的工作表未读 / hidden sheets not read: dept.xlsx#复议"):
        clean.clean_files([path], region="甲区", year=2024)


def test_a_label_without_a_rate_word_and_no_unit_is_the_count():
    grid = pd.DataFrame([["地区", "指标名称", "2024年"], ["甲区", "行政复议纠错", 3], ["甲区", "行政复议纠错率", 25]])
    result = clean.clean_frame(grid)
    assert result.table[["indicator", "value", "unit"]].values.tolist() == [
        ["disputes.reconsideration_corrected", 3.0, "件"],
        ["disputes.reconsideration_correction_rate", 25.0, "%"],
    ]


def _raw_with_tables(tmp_path: Path, *values: int) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw)  # the seed says 收到行政复议申请 11件
    for n, value in enumerate(values):
        (raw / f"dept{n}.csv").write_text(
            f"地区,年度,指标名称,单位,数值\n达坂城区,2024,收到行政复议申请,件,{value}\n", encoding="utf-8"
        )
    return raw


def test_a_second_disagreeing_table_does_not_hide_the_conflict_with_the_text(tmp_path, capsys):
    raw = _raw_with_tables(tmp_path, 12, 13)
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 1
    findings = pd.read_parquet(tmp_path / "p" / "findings.parquet")
    (conflict,) = findings[findings["rule"] == "conflict"].itertuples()
    text_source, *table_sources = conflict.source.split("; ")
    assert text_source.startswith("dabancheng_2024_report.txt:") and table_sources == ["dept0.csv#E2", "dept1.csv#E2"]
    assert "dept0.csv#E2 为 12件，dept1.csv#E2 为 13件" in conflict.message_zh
    assert "1 个错误" in capsys.readouterr().err


def test_two_agreeing_tables_and_the_text_are_no_conflict(tmp_path):
    assert main(["build", "--raw", str(_raw_with_tables(tmp_path, 11, 11)), "--processed", str(tmp_path / "p")]) == 0


def test_an_approximate_figure_does_not_hide_two_exact_ones_that_differ():
    from fazhi_analysis.checks import check

    rows = pd.DataFrame(
        {
            "region": ["甲区"] * 3,
            "year": [2024] * 3,
            "indicator": ["disputes.reconsideration_applications"] * 3,
            "value": [130.0, 131.0, 140.0],
            "unit": ["件"] * 3,
            "approx": [True, False, False],
            "source": ["r.txt:1:1", "a.csv#C2", "b.csv#C2"],
        }
    )
    assert check(rows)["rule"].tolist().count("conflict") == 1


# --- numbers beyond a float, and the title year --------------------------------------------------


def test_a_400_digit_figure_never_becomes_inf():
    parsed = parse_values(pd.Series(["9" * 400 + "件", "1" * 305 + "亿元", "九" * 400 + "件", "5件"]))
    assert parsed["reason"].tolist()[:3] == [TOO_LARGE] * 3 and parsed["value"].tolist()[3] == 5.0
    assert all(v is pd.NA or math.isfinite(v) for v in parsed["value"])


def test_a_400_digit_cell_is_rejected_with_its_reason():
    grid = pd.DataFrame(
        [["地区", "指标名称", "2024年"], ["甲区", "行政复议结案", "9" * 400], ["甲区", "行政应诉案件", "3"]]
    )
    result = clean.clean_frame(grid)
    assert result.table["value"].tolist() == [3.0]
    assert result.rejects[["source", "reason"]].values.tolist() == [["table#C2", "unparsable"]]
    assert result.rejects["message_zh"].item() == "“99999999999999999999…（共 400 字）”数值过大，无法表示"


def test_a_400_digit_figure_in_a_report_text_is_one_line_naming_file_line_and_column(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = "甲区2024年法治政府建设情况报告\n全年收到行政复议申请" + "9" * 400 + "件。\n"
    (raw / "甲区_2024.txt").write_text(text, encoding="utf-8")
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert "fazhi: 甲区_2024.txt:2:11: 数字“99999999999999999999…（共 401 字）”过大" in err and "Traceback" not in err
    assert not (tmp_path / "p" / "indicators.parquet").exists()
    assert main(["extract", str(raw / "甲区_2024.txt")]) == 2
    assert "甲区_2024.txt:2:11:" in capsys.readouterr().err


@pytest.mark.parametrize("written", ["二〇二四", "二○二四", "二零二四"])
def test_a_title_year_in_chinese_digits_is_detected(tmp_path, seed_text, written):
    assert extract.detect_region_year(f"达坂城区人民政府{written}年度法治政府建设情况报告") == ("达坂城区", 2024)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.txt").write_text(f"达坂城区人民政府{written}年度法治政府建设情况报告\n{seed_text}", encoding="utf-8")
    table = build.build(raw, tmp_path / "p", quiet=True)
    assert set(table["year"]) == {2024} and set(table["region"]) == {"达坂城区"}
