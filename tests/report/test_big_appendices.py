"""A report from a very long text stays a readable size (issue 18): each appendix table lists its first rows
(figures with an indicator first) and counts the rest, and the report's own 不足 and 安排 are quoted a few
times and up to a length, with how much was left out."""

from __future__ import annotations

import pandas as pd
import pytest
from report_data import REGION, YEAR, gathered, gold_table

from fazhi_analysis import project
from fazhi_analysis.report import narrative
from fazhi_analysis.table import tidy

SHOWN = 5


@pytest.fixture
def few_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(narrative, "APPENDIX_ROWS", SHOWN)


def _with_unmapped(n: int) -> pd.DataFrame:
    """The seed's figures after ``n`` unmapped ones (listed first in the table), all approximate."""
    extra = pd.DataFrame({"region": REGION, "year": YEAR, "indicator": None, "value": [float(i) for i in range(n)],
                          "unit": "件", "approx": True, "source": [f"t.xlsx#表1!C{i + 1}" for i in range(n)],
                          "raw": [f"{i}件" for i in range(n)], "label": "某项", "section": None})  # fmt: skip
    return tidy.conform(pd.concat([extra, gold_table()], ignore_index=True))


def test_the_sources_appendix_lists_figures_with_an_indicator_first_and_counts_the_rest(few_rows):
    table = _with_unmapped(40)
    html = narrative.sources_appendix(table, REGION, YEAR)
    assert html.count("<tr><td>") == SHOWN and "t.xlsx#表1!C" not in html
    assert f"以上列出前{SHOWN}项，另有{len(table) - SHOWN}项未逐条列出" in html and "indicators.csv" in html


def test_the_quality_appendix_counts_all_and_lists_the_first(few_rows):
    table = _with_unmapped(40)
    findings = pd.DataFrame({"level": "warning", "region": REGION, "year": YEAR, "indicator": None,
                             "source": [f"t.xlsx#表1!C{i}" for i in range(12)], "rule": "r",
                             "message_zh": [f"第{i}条" for i in range(12)], "message_en": "m"})  # fmt: skip
    html = narrative.quality_appendix(table, REGION, YEAR, findings)
    unmapped = int(table["indicator"].isna().sum())
    assert f"以下{unmapped}项数据未能确定对应的指标" in html
    assert f"另有{unmapped - SHOWN}项未逐条列出" in html and f"另有{12 - SHOWN}项未逐条列出，全部见校验结果" in html
    assert "第4条" in html and "第5条" not in html


def test_a_short_appendix_has_no_count_line():
    html = narrative.sources_appendix(gold_table(), REGION, YEAR)
    assert "未逐条列出" not in html and html.count("<tr><td>") == len(gold_table())


def test_own_words_quote_a_few_parts_of_a_kind_up_to_a_length():
    long = "\n".join(f"{i}是加强行政复议工作。" * 40 for i in range(40))
    n = narrative.QUOTED_PER_PART + 3
    parts = pd.DataFrame({"region": REGION, "year": YEAR, "part": ["shortcomings"] * n + ["plans"],
                          "title": "标题", "heading": [f"二、存在的不足{i}" for i in range(n)] + ["三、安排"],
                          "text": ["不足。"] * n + [long], "source": "r.txt:1-2"})  # fmt: skip
    html = narrative.own_words(gathered(gold_table), parts)
    assert html.count("<h3>") == narrative.QUOTED_PER_PART + 1 and "另有3处同类部分未照录" in html
    assert "以下从略" in html and len(html) < len(long) and "0是加强" in html


def test_a_short_part_is_quoted_whole():
    assert narrative.quoted_paragraphs(" 一是甲。\n\n二是乙。 ") == ["一是甲。", "二是乙。"]


def test_a_project_template_of_an_earlier_release_still_renders(tmp_path, monkeypatch):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "templates" / "narrative").mkdir(parents=True)
    (tmp_path / "templates" / "narrative" / "quality.html.j2").write_text(
        "{{ approx_rows|length }}/{{ unmapped_rows|length }}/{% for row in findings %}{{ row.level_zh }}{% endfor %}",
        encoding="utf-8",
    )
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    findings = pd.DataFrame({"level": ["error"], "region": [REGION], "year": [YEAR], "indicator": [None],
                             "source": ["r"], "rule": ["r"], "message_zh": ["说"], "message_en": ["m"]})  # fmt: skip
    table = gold_table()
    counts = f"{table['approx'].sum()}/{table['indicator'].isna().sum()}"
    assert narrative.quality_appendix(table, REGION, YEAR, findings) == f"{counts}/错误"
