"""Generated Chinese prose and HTML fragments of the report."""

from __future__ import annotations

import pandas as pd
from report_data import REGION, YEAR, gold_table, with_prior_year

from fazhi_analysis import analysis
from fazhi_analysis.report import facts, narrative
from fazhi_analysis.table import tidy


def test_prose_in_the_register_of_the_seed() -> None:
    comp = analysis.compare(gold_table(), REGION, YEAR)
    prose = narrative.section_prose(comp, "disputes")
    assert prose.startswith(
        "2024年，达坂城区全年收到行政复议申请11件，申请人自愿撤回申请1件，作出不予受理决定4件，结案5件"
    )
    assert prose.endswith("调解纠纷涉及金额477.48万元。")
    assert "同比" not in prose


def test_prose_with_prior_year_gives_the_change() -> None:
    comp = analysis.compare(with_prior_year(), REGION, YEAR)
    assert "收到行政复议申请11件（同比增加3件、增长37.5%）" in narrative.section_prose(comp, "disputes")
    assert "受教育2.8万余人次（同比减少约2000人次、下降约6.7%）" in narrative.section_prose(comp, "legal_education")


def test_continuing_phrases_never_start_a_sentence() -> None:
    comp = analysis.compare(gold_table(), REGION, YEAR)
    for section in analysis.sections_with_data(comp):
        for sentence in narrative.section_prose(comp, section).split("。"):
            assert not sentence.startswith(("受教育", "覆盖群众", "参加师生", "受众", "结案"))


def test_unchanged_figures_are_said_once_not_one_by_one() -> None:
    table = with_prior_year()
    for indicator in ("disputes.reconsideration_closed", "disputes.head_appearance_rate"):
        rows = table["indicator"].eq(indicator).fillna(False)
        now = table.loc[rows & (table["year"] == YEAR), "value"].iloc[0]
        table.loc[rows & (table["year"] == 2023), "value"] = now
    prose = narrative.section_prose(analysis.compare(table, REGION, YEAR), "disputes")
    assert prose.count("与上年持平") == 1
    assert prose.endswith("行政复议结案、行政机关负责人出庭应诉率与上年持平。")
    assert "结案5件（" not in prose


def test_chapter_table_without_prior_year_has_no_empty_columns() -> None:
    html = narrative.chapter(facts.gather(gold_table(), REGION, YEAR), "study")
    assert '<h2 id="chapter-study">一、深入学习贯彻习近平法治思想</h2>' in html
    assert '<th class="year">2024年</th></tr>' in html and "2023年" not in html and "位次" not in html
    assert '<td class="num">1547.16万元</td>' in html


def test_chapter_table_writes_chinese_numerals_as_the_source() -> None:
    table = gold_table()
    first = table.index[table["indicator"] == "disputes.reconsideration_applications"][0]
    table.loc[first, "raw"] = "十一件"
    html = narrative.chapter(facts.gather(table, REGION, YEAR), "disputes")
    assert '<td class="num">十一件</td>' in html and '<td class="num">11件</td>' not in html


def test_chapter_table_with_prior_year() -> None:
    html = narrative.chapter(facts.gather(with_prior_year(), REGION, YEAR), "disputes")
    assert '<th class="year">2023年</th><th class="year">2024年</th><th>同比</th>' in html
    assert '<td class="num">8件</td><td class="num">11件</td><td>同比增加3件</td>' in html  # no % of a small count


def test_overview_says_once_what_could_not_be_compared() -> None:
    html = narrative.overview(facts.gather(gold_table(), REGION, YEAR))
    assert html.count("不作同比分析") == 1 and html.count("不作历年趋势分析") == 1
    assert html.count("不作地区间比较") == 1
    assert "数据71项，其中70项对应指标目录，分属6个方面；约数（“余”“多”“约”等）8项" in html


def test_title_names_the_sources_and_links_every_chapter() -> None:
    found = facts.gather(gold_table(), REGION, YEAR)
    html = narrative.title(found)
    assert "达坂城区2024年度法治政府建设情况报告（数据分析）" in html
    assert "根据报告文本 dabancheng_2024_report.txt整理" in html
    for section in analysis.sections_with_data(found.comparison):
        assert f'href="#chapter-{section}"' in html
    assert 'href="#appendix-quality"' in html and 'href="#appendix-sources"' in html
    assert 'href="#own-words"' not in html


def test_quality_appendix_lists_approximate_unmapped_and_findings() -> None:
    table = gold_table()
    findings = pd.DataFrame(
        [
            {
                "level": "error",
                "region": REGION,
                "year": YEAR,
                "indicator": "disputes.reconsideration_closed",
                "source": "x.txt",
                "rule": "relation",
                "message_zh": "结案数大于收到数",
                "message_en": "closed > received",
            },
            {
                "level": "warning",
                "region": "别的区",
                "year": YEAR,
                "indicator": None,
                "source": "y.txt",
                "rule": "completeness",
                "message_zh": "不应出现",
                "message_en": "other region",
            },
        ]
    )
    html = narrative.quality_appendix(table, REGION, YEAR, findings)
    assert '<td>纳入合法性审查范畴的内容类别</td><td class="num">五类</td><td>五类</td>' in html
    assert "2.8万余人次" in html and "结案数大于收到数" in html and "错误" in html
    assert "不应出现" not in html
    assert "尚不可用" in narrative.quality_appendix(table, REGION, YEAR, None)
    assert "校验未发现问题" in narrative.quality_appendix(table, REGION, YEAR, findings.iloc[:0])


def test_text_is_escaped() -> None:
    table = gold_table()
    table.loc[20, "label"] = "<script>alert(1)</script>"
    html = narrative.quality_appendix(table, REGION, YEAR, None)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_sources_appendix_gives_the_sentence_with_the_figure_marked(tmp_path) -> None:
    (tmp_path / "r.txt").write_text("第一行\n全年收到行政复议申请11件，结案5件。其他。\n", encoding="utf-8")
    table = pd.DataFrame(
        {
            "region": [REGION, REGION],
            "year": [YEAR, YEAR],
            "indicator": ["disputes.reconsideration_applications", None],
            "value": [11.0, 3.0],
            "unit": ["件", "件"],
            "approx": [False, False],
            "source": ["r.txt:2:11", "t.xlsx#表1!C4"],
            "raw": ["11件", "3件"],
            "label": ["收到行政复议申请", "某项"],
            "section": ["disputes", None],
        }
    )
    html = narrative.sources_appendix(tidy.conform(table), REGION, YEAR, raw_dir=tmp_path)
    assert "全年收到行政复议申请<mark>11件</mark>，结案5件。" in html
    assert '<td class="source">t.xlsx#表1!C4</td>' in html and '<td class="sentence">3件</td>' in html


def test_plain_text_of_an_html_fragment_is_a_short_note_not_the_markup() -> None:
    from IPython.core.formatters import PlainTextFormatter

    fragment = narrative.Html("<p>收到行政复议申请11件</p>")
    assert PlainTextFormatter()(fragment) == "<HTML 片段 / fragment: 18 字符 / chars>"
