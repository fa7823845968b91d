"""Generated Chinese prose and HTML fragments of the report."""

from __future__ import annotations

import pandas as pd
from report_data import REGION, YEAR, gathered, gold_table, with_prior_year, with_years_and_peers

from fazhi_analysis import analysis, project
from fazhi_analysis.ingest import sources
from fazhi_analysis.report import facts, narrative
from fazhi_analysis.table import tidy


def test_prose_in_the_register_of_the_seed() -> None:
    comp = analysis.compare(gold_table(), REGION, YEAR)
    assert narrative.section_prose(comp, "study").startswith("2024年，达坂城区深入学习贯彻习近平法治思想，组织政府部门")
    prose = narrative.section_prose(comp, "disputes")  # not the first chapter: no year and region again
    assert prose == (
        "收到行政复议申请11件，申请人自愿撤回申请1件，作出不予受理决定4件，结案5件。"
        "办理行政应诉案件5件，行政机关负责人出庭应诉率达100%。"
        "开展矛盾纠纷排查682次，成功调解纠纷496件，涉及金额477.48万元，预防纠纷137件。"
    )  # one sentence per subject: 行政复议, 行政应诉, 矛盾纠纷化解


def test_figures_of_one_act_are_one_phrase_and_no_phrase_is_doubled() -> None:
    comp = analysis.compare(gold_table(), REGION, YEAR)
    study = narrative.section_prose(comp, "study")
    assert "为1421名工人追回欠薪1547.16万元" in study and study.count("追回欠薪") == 1
    enforcement = narrative.section_prose(comp, "enforcement")
    assert "对15家单位开展行政执法监督专项检查1轮次" in enforcement
    assert enforcement.count("行政执法监督专项检查") == 1
    assert "开展行政执法案卷评查1次，评查6家执法单位的案卷10个，发现并整改问题14条。" in enforcement
    assert "开展行政检查972场(次)，办理行政处罚案件221件。" in enforcement  # two one-figure subjects, one sentence
    education = narrative.section_prose(comp, "legal_education")
    assert "在39个村(社区)开展普法宣讲活动700余场次，受教育2.8万余人次。" in education
    assert not any(word in study + enforcement + education for word in ("法治讲堂", "法治基层行", "国旗下"))


def test_a_phrase_of_several_figures_names_each_change() -> None:
    table = with_prior_year()
    workers = table[table["indicator"].eq("study.wage_arrears_workers").fillna(False)].assign(year=2023, value=1300.0)
    comp = analysis.compare(tidy.conform(pd.concat([table, workers])), REGION, YEAR)
    assert (
        "为1421名工人追回欠薪1547.16万元（追回欠薪涉及工人同比增加121名、增长9.3%；"
        "追回欠薪金额同比增加347.16万元、增长28.9%）" in narrative.section_prose(comp, "study")
    )


def test_a_continuing_phrase_without_its_lead_names_its_indicator_and_a_rate_is_达_only_when_higher_is_better():
    table = gold_table()
    keep = table["indicator"].isin(["disputes.litigation_cases", "disputes.head_appearance_rate"]).fillna(False)
    lost = table[keep & table["indicator"].eq("disputes.litigation_cases")].assign(
        indicator="disputes.litigation_lost", value=1.0, raw="1件"
    )
    rate = lost.assign(indicator="disputes.litigation_loss_rate", value=20.0, unit="%", raw="20%")
    only = tidy.conform(pd.concat([lost, rate, table[keep & table["indicator"].eq("disputes.head_appearance_rate")]]))
    prose = narrative.section_prose(analysis.compare(only, REGION, YEAR), "disputes")
    assert prose.startswith("2024年，达坂城区行政诉讼败诉案件1件，败诉率为20%")  # no 办理行政应诉案件 before 败诉
    assert "行政机关负责人出庭应诉率达100%" in prose


def test_prose_with_prior_year_gives_the_change() -> None:
    comp = analysis.compare(with_prior_year(), REGION, YEAR)
    assert "收到行政复议申请11件（同比增加3件）" in narrative.section_prose(comp, "disputes")
    assert "受教育2.8万余人次（同比减少约2000人次、下降约6.7%）" in narrative.section_prose(comp, "legal_education")


def test_continuing_phrases_never_start_a_sentence() -> None:
    comp = analysis.compare(gold_table(), REGION, YEAR)
    for section in analysis.sections_with_data(comp):
        for sentence in narrative.section_prose(comp, section).split("。"):
            assert not sentence.startswith(
                ("受教育", "覆盖群众", "参加师生", "受众", "结案", "受理", "败诉", "涉及金额")
            )


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
    html = narrative.chapter(gathered(gold_table), "study")
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
    html = narrative.chapter(gathered(with_prior_year), "disputes")
    assert '<th class="year">2023年</th><th class="year">2024年</th><th>同比</th>' in html
    assert '<td class="num">8件</td><td class="num">11件</td><td>同比增加3件</td>' in html  # no % of a small count


def test_overview_says_once_what_could_not_be_compared() -> None:
    html = narrative.overview(gathered(gold_table))
    assert html.count("不作同比分析") == 1 and html.count("不作历年趋势分析") == 1
    assert html.count("不作地区间比较") == 1
    assert "数据71项，其中70项对应指标目录，分属6个方面；约数（“余”“多”“约”等）8项" in html


def test_title_names_the_sources_and_links_every_chapter() -> None:
    found = gathered(gold_table)
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


def test_sources_appendix_gives_the_sentence_with_the_figure_marked() -> None:
    text = "第一行\n全年收到行政复议申请11件，结案5件。其他。\n"
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
    said = sources.sentences_table(text, table["source"], REGION, YEAR)
    assert said["source"].tolist() == ["r.txt:2:11"]  # a spreadsheet cell has no sentence
    html = narrative.sources_appendix(tidy.conform(table), REGION, YEAR, said)
    assert "全年收到行政复议申请<mark>11件</mark>，结案5件。" in html
    assert '<td class="source">t.xlsx#表1!C4</td>' in html and '<td class="sentence">3件</td>' in html


def test_sources_appendix_marks_each_figure_where_it_stands_when_a_sentence_holds_its_text_twice() -> None:
    text = "　　结案率98%，办结率98%。\n"
    table = pd.DataFrame(
        {
            "region": [REGION] * 2,
            "year": [YEAR] * 2,
            "indicator": [None, None],
            "value": [0.98, 0.98],
            "unit": ["%", "%"],
            "approx": [False, False],
            "source": ["r.txt:1:6", "r.txt:1:13"],
            "raw": ["98%", "98%"],
            "label": ["结案率", "办结率"],
            "section": [None, None],
        }
    )
    said = sources.sentences_table(text, table["source"], REGION, YEAR)
    assert said["offset"].tolist() == [3, 10]  # the sentence is stripped of its leading full-width spaces
    html = narrative.sources_appendix(tidy.conform(table), REGION, YEAR, said)
    assert "结案率<mark>98%</mark>，办结率98%。" in html and "结案率98%，办结率<mark>98%</mark>。" in html
    earlier_build = said.drop(columns="offset")  # a sentences.parquet written before offsets: the first place
    assert html.count("结案率<mark>98%</mark>") == 1
    assert (
        narrative.sources_appendix(tidy.conform(table), REGION, YEAR, earlier_build).count("结案率<mark>98%</mark>")
        == 2
    )


def test_plain_text_of_an_html_fragment_is_a_short_note_not_the_markup() -> None:
    from IPython.core.formatters import PlainTextFormatter

    fragment = narrative.Html("<p>收到行政复议申请11件</p>")
    assert PlainTextFormatter()(fragment) == "<HTML 片段 / fragment: 18 字符 / chars>"


def test_key_figures_are_the_catalogs_headline_in_its_order(tmp_path, monkeypatch) -> None:
    found = gathered(with_prior_year)
    tiles = narrative.key_figures(found)
    names = ["收到行政复议申请", "行政应诉案件", "行政机关负责人出庭应诉率", "行政处罚案件"]
    names += ["出具合法性审查意见", "成功调解纠纷"]
    assert [t["name"] for t in tiles] == names
    assert [t["figure"] for t in tiles][:3] == ["11件", "5件", "100%"]
    assert tiles[0]["change"] == "同比增加3件" and tiles[1]["change"] == ""
    assert "政府部门参加法治培训" not in narrative.overview(found)  # no longer the first indicator of each section
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    (tmp_path / "catalog.yaml").write_text(
        "headline: [legal_education.flag_lecture_audience, oversight.proactive_disclosures, study.law_lectures]\n",
        encoding="utf-8",
    )
    tiles = narrative.key_figures(found)  # the project's list; an indicator not reported is left out
    assert [(t["name"], t["figure"]) for t in tiles] == [("村(社区)普法宣讲受教育人数", "2.8万余人次"),
                                                         ("政府部门参加法治培训", "17次")]  # fmt: skip
    assert '<div class="key-value">2.8万余人次</div>' in narrative.overview(found)


def test_no_loss_is_said_as_such_and_a_computed_rate_is_left_to_its_formula() -> None:
    table = with_years_and_peers()
    cases = table["indicator"].eq("disputes.litigation_cases").fillna(False) & table["year"].eq(YEAR)
    lost = table[cases & table["region"].eq(REGION)].assign(indicator="disputes.litigation_lost", value=0.0, raw="0件")
    found = facts.gather(tidy.conform(pd.concat([table, lost])), REGION, YEAR)
    prose = narrative.section_prose(found.comparison, "disputes")
    assert "无败诉案件" in prose and "败诉0件" not in prose
    assert "纠错率" not in prose and "败诉率" not in prose  # computed: said once, with the formula
    assert "行政复议纠错率 = 行政复议纠错 1件 ÷ 行政复议结案 5件 = 20%" in narrative.chapter(found, "disputes")
