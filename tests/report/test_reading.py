"""What the report says beyond the figures: trends, ranks, computed rates, the region's own words."""

from __future__ import annotations

import dataclasses

import pandas as pd
from report_data import PEERS, REGION, YEAR, gathered, gold_table, with_years_and_peers

from fazhi_analysis import analysis
from fazhi_analysis.report import charts, facts, narrative, reading
from fazhi_analysis.table import catalog, tidy

APPS = "disputes.reconsideration_applications"


def test_gather_holds_the_years_and_the_peers() -> None:
    found = gathered(with_years_and_peers)
    assert found.years == [2022, 2023, 2024]
    assert set(found.regions) == {*PEERS, REGION}
    assert found.n_peers == 4 and found.has_prior
    assert found.key_indicators("disputes", over_years=True)[:2] == [APPS, "disputes.reconsideration_closed"]
    assert APPS in found.key_indicators("disputes", over_years=False)
    assert found.sources[0] == "dabancheng_2024_report.txt"


def test_rises_running_the_same_years_are_one_sentence_with_their_values() -> None:
    sentences = reading.sentences(gathered(with_years_and_peers), "disputes")
    assert (
        "收到行政复议申请、行政复议结案连续两年增长"  # two rises: 2022 → 2023 → 2024
        "（2022—2024年依次为：收到行政复议申请6件、8件、11件；行政复议结案3件、4件、5件）。"
    ) in sentences
    assert sum("连续" in s for s in sentences) == 1


def test_no_trend_is_claimed_through_a_missing_year() -> None:
    table = with_years_and_peers()
    table = table[~((table["year"] == 2023) & (table["region"] == REGION))]
    sentences = reading.sentences(facts.gather(table, REGION, YEAR), "disputes")
    assert not any("连续" in s for s in sentences)


def test_the_rank_column_and_the_first_and_last_places() -> None:
    found = gathered(with_years_and_peers)
    rows = {row["name"]: row for row in reading.table_rows(found, "disputes")}
    assert rows["收到行政复议申请"]["rank"] == "2/4"  # 20, 11, 9, 5
    assert rows["收到行政复议申请"]["cells"] == ["6件", "8件", "11件"]
    assert rows["行政应诉案件"]["rank"] == "—"  # no peer reported it
    assert rows["收到行政复议申请"]["change"] == "同比增加3件"  # 8 → 11: its size, no percentage of a small count
    table = with_years_and_peers()
    table.loc[(table["region"] == "白杨区") & (table["indicator"] == APPS), "value"] = 3.0
    sentences = reading.sentences(facts.gather(table, REGION, YEAR), "disputes")
    assert "达坂城区的收到行政复议申请在4个区县中最多。" in sentences  # a neutral indicator: no praise word


def test_a_rate_computed_from_its_counts_is_said_with_its_inputs() -> None:
    found = gathered(with_years_and_peers)
    said = (
        "按报告数据计算：行政复议纠错率 = 行政复议纠错 1件 ÷ 行政复议结案 5件 = 20%（纠错案件占行政复议结案数的比例）。"
    )
    assert said in reading.sentences(found, "disputes")


def test_a_reported_rate_its_counts_contradict_is_flagged() -> None:
    table = with_years_and_peers()
    extra = table[(table["region"] == REGION) & (table["indicator"] == APPS) & (table["year"] == YEAR)].copy()
    extra = extra.assign(indicator="disputes.reconsideration_correction_rate", value=50.0, unit="%", raw="50%")
    found = facts.gather(pd.concat([table, extra], ignore_index=True), REGION, YEAR)
    sentences = reading.sentences(found, "disputes")
    assert any(s.startswith("报告所写行政复议纠错率为50%，而按报告数据计算") and "为20%" in s for s in sentences)


def test_a_missed_target_is_said_in_its_chapter(tmp_path) -> None:
    goals = tmp_path / "targets.yaml"
    goals.write_text(
        "targets:\n"
        "  - {indicator: disputes.reconsideration_correction_rate, comparison: '<=', value: 15, source: 某市工作要点}\n"
        "  - {indicator: disputes.head_appearance_rate, comparison: '>=', value: 90, source: 某市工作要点}\n",
        encoding="utf-8",
    )
    found = facts.gather(with_years_and_peers(), REGION, YEAR, targets=analysis.targets(goals))
    missed = [s for s in reading.sentences(found, "disputes") if "某市工作要点" in s]
    assert len(missed) == 1 and "行政复议纠错率" in missed[0]  # 20% computed > 15%; 出庭应诉率 100% ≥ 90% is met


def test_the_chapter_shows_years_rank_and_what_the_figures_say() -> None:
    html = narrative.chapter(gathered(with_years_and_peers), "disputes")
    years = "".join(f'<th class="year">{y}年</th>' for y in (2022, 2023, 2024))
    assert f"{years}<th>同比</th><th>位次（报告地区数）</th>" in html
    assert '<p class="reading">' in html and "连续两年增长" in html


def test_the_overview_opens_with_the_highlights() -> None:
    html = narrative.overview(gathered(with_years_and_peers))
    assert html.index("值得关注") < html.index("本报告整理")
    assert "<li>收到行政复议申请" in html
    assert "不作同比分析" not in html and "不作地区间比较" not in html


def _parts(text: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"region": [REGION, REGION, "别的区"], "year": [YEAR] * 3, "part": ["shortcomings", "plans", "shortcomings"],
         "title": ["存在的不足和原因", "下一年度主要安排", "存在的不足和原因"],
         "heading": ["二、存在的不足", "三、2025年工作安排", "二、存在的问题"],
         "text": [text, "一是加强行政复议。", "别人的"],
         "source": ["r.txt:33-37", "r.txt:38-43", "x.txt:1-2"]}
    )  # fmt: skip


def test_own_words_are_quoted_escaped_with_their_source_and_related_chapters() -> None:
    found = gathered(gold_table)
    html = narrative.own_words(found, _parts("一是执法人员<script>alert(1)</script>不足。\n二是普法形式单一。"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h3>二、存在的不足</h3>" in html and "<h3>三、2025年工作安排</h3>" in html
    assert html.index("二、存在的不足") < html.index("三、2025年工作安排")
    assert "来源：报告文本 r.txt:33-37" in html and "别人的" not in html
    assert 'href="#chapter-enforcement"' in html and 'href="#chapter-legal_education"' in html
    assert 'href="#own-words"' in narrative.title(found, _parts("不足"))


def test_no_own_words_without_parts() -> None:
    found = gathered(gold_table)
    assert narrative.own_words(found, _parts("x").iloc[:0]) == ""


def test_the_figures_of_a_chapter_are_the_facts_comparison() -> None:
    found = gathered(gold_table)
    fewer = dataclasses.replace(found, comparison=found.comparison.iloc[:3])
    assert len(reading.table_rows(fewer, "study")) == 3


def test_da_is_said_only_of_a_rate_where_higher_is_better() -> None:
    rates = catalog.indicators()[catalog.indicators()["kind"] == "rate"]
    for indicator, entry in rates.iterrows():
        row = {"indicator": indicator, "kind": "rate", "name": entry["name"], "label": pd.NA, "value": 12.5,
               "unit": "%", "approx": False, "raw": pd.NA}  # fmt: skip
        said = narrative.phrase(row, REGION, YEAR)
        assert ("达12.5%" not in said) or entry["better"] == "higher", said
    loss = {"indicator": "disputes.litigation_loss_rate", "kind": "rate", "name": "行政诉讼败诉率", "label": pd.NA,
            "value": 12.5, "unit": "%", "approx": False, "raw": pd.NA}  # fmt: skip
    assert narrative.phrase(loss) == "败诉率为12.5%"  # continues the phrase of the lost cases


def test_the_loss_rate_formula_names_its_denominator_as_the_catalog_says() -> None:
    table = with_years_and_peers()
    extra = table[(table["region"] == REGION) & (table["year"] == YEAR)].head(1).copy()
    extra = extra.assign(indicator="disputes.litigation_lost", value=2.0, unit="件", raw=pd.NA)  # 应诉 5件 in the seed
    found = facts.gather(pd.concat([table, extra], ignore_index=True), REGION, YEAR)
    said = [s for s in reading.sentences(found, "disputes") if "行政诉讼败诉率 =" in s]
    assert said == [
        "按报告数据计算：行政诉讼败诉率 = 行政诉讼败诉案件 2件 ÷ 行政应诉案件 5件 = 40%"
        "（败诉案件占行政应诉案件数的比例；目录中没有审结数，以应诉案件数为分母）。"
    ]


def test_a_change_of_small_counts_is_never_a_bar_of_the_largest_changes() -> None:
    rows = [("disputes.reconsideration_corrected", 3.0, 1.0), (APPS, 100.0, 150.0),
            ("disputes.reconsideration_closed", 80.0, 100.0)]  # fmt: skip
    frames = [_one(i, y, v) for i, before, after in rows for y, v in ((YEAR - 1, before), (YEAR, after))]
    found = facts.gather(pd.concat(frames, ignore_index=True), REGION, YEAR)
    corrected = found.comparison.set_index("indicator").loc["disputes.reconsideration_corrected"]
    assert corrected["change"] == -2 and pd.isna(corrected["change_pct"])  # 3 → 1 is "2 fewer", not "−66.7 %"
    chart = charts.changes_chart(found)
    assert "行政复议纠错" not in chart and "收到行政复议申请" in chart
    assert "行政复议纠错(" not in "".join(found.highlights["text"])  # 2 fewer: below the noise floor of counts
    assert found.highlights["text"].tolist()[0] == "收到行政复议申请同比增加50件、增长50%"


def _one(indicator: str, year: int, value: float) -> pd.DataFrame:
    return tidy.conform(pd.DataFrame({"region": [REGION], "year": [year], "indicator": [indicator],
                                      "value": [value], "unit": ["件"], "source": ["t.xlsx#A1"]}))  # fmt: skip
