"""Reports as PDF (Chromium's print of the seed), as a saved web page, and tables inside a .docx."""

from __future__ import annotations

import html
import json
from pathlib import Path

import docx
import pandas as pd
import pytest
from conftest import SEED, run_fazhi

from fazhi_analysis import build
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import decode, extract
from fazhi_analysis.report import pdf

COMPARED = ["value", "unit", "indicator"]


def _page(body: str) -> str:
    """A minimal A4 page around ``body``."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>报告</title>'
        "<style>@page { size: A4; margin: 2cm } p { margin: 0 0 .4em }</style></head>"
        f"<body>{body}</body></html>"
    )


def _printed(tmp: Path, name: str, body: str) -> Path:
    """``body`` printed to ``name``.pdf by Chromium."""
    page = tmp / f"{name}.html"
    page.write_text(_page(body), encoding="utf-8")
    return pdf.print_pdf(page, tmp / f"{name}.pdf")


def _seed_paragraphs(seed_text: str) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in seed_text.splitlines())


def _gold_figures(gold: dict) -> list[list]:
    return [[m["value"], m["unit"]] for m in gold["mentions"]]


def _figures(lists: list[list]) -> list[list]:
    return [[value, unit] for value, unit, _ in lists]


@pytest.fixture(scope="module")
def from_text() -> list[list]:
    """Value, unit and id of each figure of the seed as the text gives them: what a PDF or a page must give too.

    (The ids themselves are the fitted model's, tested against the gold in tests/ingest/test_extract.py.)
    """
    return _lists(extract.extract_file(SEED))


def _lists(figures: pd.DataFrame) -> list[list]:
    return [[row.value, row.unit, None if pd.isna(row.indicator) else row.indicator] for row in figures.itertuples()]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _printed(tmp_path_factory.mktemp("pdf"), "seed", _seed_paragraphs(SEED.read_text(encoding="utf-8")))


@pytest.mark.system
def test_a_pdf_printed_from_the_seed_gives_its_71_figures(seed_pdf, seed_text, gold, from_text):
    text = decode.read_report_text(seed_pdf)
    assert text == seed_text.rstrip("\n")  # every wrapped line joined again: the seed's own lines
    figures = extract.extract_file(seed_pdf)
    assert len(figures) == 71 and _figures(_lists(figures)) == _gold_figures(gold)
    assert _lists(figures) == from_text
    assert figures["region"].unique().tolist() == ["达坂城区"] and figures["year"].unique().tolist() == [2024]
    with pytest.raises(InputError, match="text size in bytes too large"):  # the text read is bounded too
        decode.read_report_text(seed_pdf, max_text_bytes=1000)


@pytest.mark.system
def test_fazhi_extract_reads_a_pdf_as_json(seed_pdf, from_text):
    done = run_fazhi("extract", str(seed_pdf), "--format", "json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [[r["value"], r["unit"], r["indicator"]] for r in records] == from_text
    assert {"confidence", "reason", "sentence"} <= set(records[0])


@pytest.mark.system
def test_a_pdf_without_a_text_layer_exits_2_and_suggests_ocr(tmp_path):
    scan = _printed(tmp_path, "scan", '<svg width="400" height="300"><path d="M10 10 L390 10 L200 290 Z"/></svg>')
    done = run_fazhi("extract", str(scan), "--format", "json")
    assert done.returncode == 2
    assert "没有文字层" in done.stderr and "OCR" in done.stderr and "scan.pdf" in done.stderr


def test_a_broken_pdf_and_too_much_text_are_input_errors(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    with pytest.raises(InputError, match="not a valid PDF"):
        decode.read_report_text(broken)
    with pytest.raises(InputError, match="file size in bytes too large"):
        decode.read_report_text(broken, max_unzipped_bytes=10)


def _saved_page(seed_text: str) -> str:
    """A saved web page of the seed: navigation, a header, a sidebar and a footer around the article."""
    title, *rest = seed_text.splitlines()
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>某区人民政府网</title>'
        '<script>var counter = "访问量12345次";</script><style>.nav { color: red }</style></head><body>'
        "<header><h1>某区人民政府网站</h1><p>今天是2025年3月1日 共有栏目30个</p></header>"
        '<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/gk">政务公开 18项</a></li></ul></nav>'
        '<div class="breadcrumb">首页 &gt; 法治政府建设 &gt; 年度报告</div>'
        f'<div id="main"><article><h2>{html.escape(title)}</h2>'
        + "".join(f"<p>{html.escape(line)}</p>\n" for line in rest)
        + '</article><aside class="sidebar">热点新闻 阅读3000次</aside></div>'
        "<footer>版权所有 联系电话 0991-1234567 网站累计发布信息1200条</footer></body></html>"
    )


def test_a_saved_web_page_gives_the_article_without_navigation(tmp_path, seed_text, gold, from_text):
    page = tmp_path / "seed.html"
    page.write_text(_saved_page(seed_text), encoding="utf-8")
    assert decode.read_report_text(page) == seed_text.rstrip("\n")
    figures = extract.extract_file(page)
    assert _figures(_lists(figures)) == _gold_figures(gold) and _lists(figures) == from_text
    done = run_fazhi("extract", str(page), "--format", "json")
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 71


def test_a_page_without_article_keeps_the_text_block_and_reads_its_charset(tmp_path):
    body = (
        '<div class="menu"><p>首页</p><p>机构设置12个</p></div>'
        '<div class="content"><p>一、主要举措</p><p>全年收到行政复议申请11件，结案5件。</p></div>'
        "<div class='footer'>访问统计 今日访问200次</div>"
    )
    page = tmp_path / "gbk.htm"
    page.write_bytes(f'<html><head><meta charset="gb2312"></head><body>{body}</body></html>'.encode("gbk"))
    assert decode.read_report_text(page) == "一、主要举措\n全年收到行政复议申请11件，结案5件。"
    with pytest.raises(InputError, match="file size in bytes too large"):
        decode.read_report_text(page, max_text_bytes=50)


def test_docx_tables_are_read_like_spreadsheets(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    document = docx.Document()
    document.add_paragraph("达坂城区人民政府2024年度法治政府建设情况报告")
    document.add_paragraph("全年行政应诉案件5件。")
    table = document.add_table(rows=4, cols=3)
    grid = [["指标名称", "单位", "2024年"], ["行政应诉案件", "件", "5"], ["法律援助案件", "件", "40"]]
    for i, cells in enumerate(grid):
        for j, value in enumerate(cells):
            table.cell(i, j).text = value
    table.cell(3, 0).merge(table.cell(3, 2)).text = "注：数据来自各部门"
    contacts = document.add_table(rows=2, cols=2)
    for j, (top, bottom) in enumerate([("联系人", "办公室"), ("王某", "6")]):
        contacts.cell(0, j).text, contacts.cell(1, j).text = top, bottom
    document.save(raw / "report.docx")
    table, findings, rejects = build.build_checked(raw, tmp_path / "processed", quiet=True)
    rows = table[table["source"].str.contains("#")]
    assert rows[["indicator", "value", "source", "region", "year"]].values.tolist() == [
        ["disputes.litigation_cases", 5.0, "report.docx#表1!C2", "达坂城区", 2024],
        ["disputes.legal_aid_cases", 40.0, "report.docx#表1!C3", "达坂城区", 2024],
    ]
    # the text's 5件 agrees with the table's; the contacts table has figures but no header: a warning names it
    assert table["source"].str.startswith("report.docx:").sum() == 1
    warned = findings[findings["rule"] == "docx_table"]
    assert warned["source"].tolist() == ["report.docx#表2"] and "no header row" in warned["message_en"].iat[0]
    assert rejects.empty


def test_a_docx_of_tables_only_takes_region_and_year_from_its_name(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for j, (head, value) in enumerate(zip(["指标名称", "单位", "数值"], ["行政复议申请", "件", "11"])):
        table.cell(0, j).text, table.cell(1, j).text = head, value
    document.save(raw / "甲区_2024_填报.docx")
    table, _, _ = build.build_checked(raw, tmp_path / "processed", quiet=True)
    assert table[["region", "year", "indicator", "value", "source"]].values.tolist() == [
        ["甲区", 2024, "disputes.reconsideration_applications", 11.0, "甲区_2024_填报.docx#表1!C2"]
    ]
