"""The annual report of a region with years and peers behind it, read as its reader reads it (HTML text)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from conftest import run_fazhi

REGION, YEAR = "示例区甲", 2024
INTERNAL_ID = re.compile(r"\b(study|functions|administration|enforcement|disputes|legal_education|oversight)\.[a-z_]+")


@pytest.fixture(scope="module")
def report_text(example_table: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The visible text of 示例区甲's 2024 report, built from the example data (four years, five regions)."""
    out = tmp_path_factory.mktemp("report")
    args = ("report", "--region", REGION, "--year", str(YEAR), "--data", str(example_table), "--formats", "html")
    result = run_fazhi(*args, "--output-dir", str(out))
    assert result.returncode == 0, result.stderr
    html = (out / REGION / str(YEAR) / "annual_report.html").read_text(encoding="utf-8")
    body = re.sub(r"<(script|style)\b.*?</\1>|<svg\b.*?</svg>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", body))


def test_parallel_rises_are_one_sentence_traced_over_the_years(report_text: str) -> None:
    assert (
        "收到行政复议申请、行政复议结案、法律援助案件连续三年增长（2021—2024年依次为：收到行政复议申请23件、26件、30件、37件；"
    ) in report_text


def test_the_region_stands_among_its_peers(report_text: str) -> None:
    assert "位次（报告地区数）" in report_text and "2/5" in report_text and "并列1/5" in report_text
    assert report_text.count("本报告中的位次，均指在2024年报告了同项数据的地区中") == 1  # the caveat, once
    assert "与同年报告同项数据的其他地区相比" not in report_text


def test_a_rate_is_computed_from_its_counts(report_text: str) -> None:
    assert "按报告数据计算：行政复议纠错率 = 行政复议纠错 3件 ÷ 行政复议结案 34件 = 8.8%" in report_text  # one decimal


def test_the_overview_opens_with_the_highlights(report_text: str) -> None:
    overview = report_text[report_text.index("概　述", report_text.index("目　录") + 10) :]
    assert overview.index("值得关注") < overview.index("本报告整理")
    assert "收到行政复议申请同比增加7件、增长23.3%" in overview


def test_the_region_s_own_shortcomings_are_quoted(report_text: str) -> None:
    quoted = report_text[report_text.index("附：报告原文中的不足与安排", report_text.index("目　录") + 10) :]
    assert "存在的不足和原因" in quoted and "合法性审查人员以兼职为主" in quoted
    assert "来源：报告文本 example_jia_2024_report.txt" in quoted


def test_no_internal_id_reaches_the_reader(report_text: str) -> None:
    assert not INTERNAL_ID.search(report_text), INTERNAL_ID.search(report_text)
    assert "不作同比分析" not in report_text and "不作地区间比较" not in report_text
