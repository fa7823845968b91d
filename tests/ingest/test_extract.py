"""Extraction of figures from report text: the seed's checked figures and phrasings of other reports."""

from __future__ import annotations

import pandas as pd
import pytest

from fazhi_analysis.ingest.extract import FIGURE_COLUMNS, detect_region_year, extract_text, headings


def test_seed_report_matches_every_checked_figure_and_nothing_else(seed_text: str, gold: dict) -> None:
    """71/71 figures and their 70 ids as the model's choices; at the default (calibrated) threshold no wrong id."""
    chosen = extract_text(seed_text, min_confidence=0)
    default = extract_text(seed_text)
    mentions = gold["mentions"]
    assert len(chosen) == len(default) == len(mentions) == 71
    matched, kept = set(), 0
    for mention in mentions:
        lo, hi = mention["offset"], mention["offset"] + len(mention["raw"])
        overlapping = chosen[(chosen["start"] < hi) & (chosen["end"] > lo)]
        assert len(overlapping) == 1, mention["raw"]
        row = overlapping.iloc[0]
        matched.add(overlapping.index[0])
        assert (row["value"], row["unit"], bool(row["approx"])) == (
            mention["value"],
            mention["unit"],
            mention["approx"],
        ), mention
        expected = mention["indicator"]
        assert (None if pd.isna(row["indicator"]) else row["indicator"]) == expected, mention
        assert seed_text[row["start"] : row["end"]] == row["raw"]
        given = default.loc[overlapping.index[0], "indicator"]
        assert pd.isna(given) or given == expected, mention
        kept += not pd.isna(given)
        assert (row["period"], row["scope"]) in {("全年", "本级"), ("全年", "全域")} or expected is None, mention
    assert matched == set(chosen.index)  # no extra figures
    print(f"seed: {kept} of 70 ids at the default threshold")
    assert kept >= 55


def test_unmapped_figure_keeps_its_label(seed_text: str) -> None:
    figures = extract_text(seed_text)
    five_kinds = figures[figures["raw"] == "五类"].iloc[0]
    assert pd.isna(five_kinds["indicator"]) and five_kinds["section"] == "administration"
    assert five_kinds["label"]


# Phrasings of other reports: (heading, sentence, [(raw, value, unit, approx, indicator)]).
SENTENCES = [
    (
        "（一）深入学习贯彻习近平法治思想",
        "县政府召开5次常务会议专题学法。",
        [("5次", 5, "次", False, "study.executive_meeting_study")],
    ),
    (
        "（一）学习贯彻习近平法治思想",
        "县委理论学习中心组开展专题学法4次，区政府研究部署法治政府建设工作3次。",
        [
            ("4次", 4, "次", False, "study.central_group_study"),
            ("3次", 3, "次", False, "study.rule_of_law_deliberations"),
        ],
    ),
    (
        "（四）严格规范公正文明执法",
        "全年共办理行政处罚案件1,234件，罚没款5000余万元，同比增长12.5%。",
        [
            ("1,234件", 1234, "件", False, "enforcement.penalty_cases"),
            ("5000余万元", 50000000, "元", True, "enforcement.penalty_amount"),
            ("12.5%", 12.5, "%", False, None),
        ],
    ),
    (
        "（五）行政复议和应诉",
        "全年收到行政复议申请0件。",
        [("0件", 0, "件", False, "disputes.reconsideration_applications")],
    ),
    (
        "（六）普法",
        "开展普法宣传活动120场次，受教育群众2000多人次。",
        [
            ("120场次", 120, "场次", False, "legal_education.grassroots_events"),
            ("2000多人次", 2000, "人次", True, "legal_education.grassroots_audience"),
        ],
    ),
    ("（二）政府职能转变", "为企业减负5000余万元。", [("5000余万元", 50000000, "元", True, None)]),
    (
        "（一）学法",
        "县政府常务会集体学法6次，办理时限压缩至3个工作日，约谈责任人 5 名。",
        [
            ("6次", 6, "次", False, "study.executive_meeting_study"),
            ("3个工作日", 3, "个工作日", False, None),
            ("5 名", 5, "名", False, None),
        ],
    ),
    (
        "（一）学习贯彻习近平法治思想",
        "为困难职工追回欠薪逾20万元。",
        [("逾20万元", 200000, "元", True, "study.wage_arrears_recovered")],
    ),
    (
        "（五）矛盾纠纷化解",
        "人民调解成功率达98%以上。",
        [("98%以上", 98, "%", True, "disputes.mediation_success_rate")],
    ),
    (
        "（三）依法行政",
        "每季度开展规范性文件专项清理不少于1次。",
        [("不少于1次", 1, "次", True, "administration.normative_document_cleanups")],
    ),
    ("（六）普法", "每个村（社区）每月开展法治讲座3至5次。", [("3至5次", 3, "次", True, None)]),
    ("（二）政府职能转变", "3月29日印发15家单位的权责清单。", [("15家", 15, "家", False, None)]),
    ("", "在全市法治政府建设考核中排名第37位。", [("第37位", 37, "位", False, None)]),
    (
        "（五）行政复议",
        "受理行政复议案件23件，审结21件，直接纠错率9.5%。",
        [
            ("23件", 23, "件", False, "disputes.reconsideration_accepted"),
            ("21件", 21, "件", False, "disputes.reconsideration_closed"),
            ("9.5%", 9.5, "%", False, "disputes.reconsideration_correction_rate"),
        ],
    ),
    (
        "（五）行政应诉",
        "办理行政诉讼案件35件，败诉3件，行政机关负责人出庭应诉率达100%。",
        [
            ("35件", 35, "件", False, "disputes.litigation_cases"),
            ("3件", 3, "件", False, "disputes.litigation_lost"),
            ("100%", 100, "%", False, "disputes.head_appearance_rate"),
        ],
    ),
    (
        "（六）普法",
        "培育“法律明白人”两千余名，学法示范户八十户。",
        [
            ("两千余名", 2000, "名", True, "legal_education.legal_literates"),
            ("八十户", 80, "户", False, "legal_education.model_households"),
        ],
    ),
    (
        "（七）政务公开",
        "全年主动公开政府信息１４２１条，办理依申请公开12件。",
        [
            ("１４２１条", 1421, "条", False, "oversight.proactive_disclosures"),
            ("12件", 12, "件", False, "oversight.disclosure_requests"),
        ],
    ),
    (
        "（四）执法",
        "开展“双随机、一公开”抽查306次，持证执法人员达2000多人。",
        [
            ("306次", 306, "次", False, "enforcement.random_inspections"),
            ("2000多人", 2000, "人", True, "enforcement.certified_officers"),
        ],
    ),
    (
        "（四）执法",
        "组织行政执法人员培训两批次，新办理执法证件52个。",
        [("两批次", 2, "批次", False, None), ("52个", 52, "个", False, "enforcement.certificates_issued")],
    ),
    (
        "（六）普法",
        "发放宣传资料1.2万份，覆盖群众约3万人次。",
        [
            ("1.2万份", 12000, "份", False, "legal_education.materials_distributed"),
            ("约3万人次", 30000, "人次", True, "legal_education.grassroots_audience"),
        ],
    ),
    (
        "（五）调解",
        "全年排查矛盾纠纷1200余次，调解成功1150件，调解成功率95.8%，涉及金额2.36亿元。",
        [
            ("1200余次", 1200, "次", True, "disputes.dispute_screenings"),
            ("1150件", 1150, "件", False, "disputes.disputes_mediated"),
            ("95.8%", 95.8, "%", False, "disputes.mediation_success_rate"),
            ("2.36亿元", 236000000, "元", False, "disputes.mediation_amount"),
        ],
    ),
    (
        "（二）政务服务",
        "政务服务事项网上可办率达到百分之九十八。",
        [("百分之九十八", 98, "%", False, "functions.online_service_rate")],
    ),
    (
        "（五）法律援助",
        "办理法律援助案件十七件，同比下降3个百分点。",
        [("十七件", 17, "件", False, "disputes.legal_aid_cases"), ("3个百分点", 3, "百分点", False, None)],
    ),
    (
        "（四）执法",
        "对27个部门的278项行政执法事项开展检查。",
        [("27个", 27, "个", False, None), ("278项", 278, "项", False, None)],
    ),
    (
        "（五）行政复议",
        "共收到行政复议申请120件，受理105件，其中决定维持60件，驳回申请12件，直接纠错18件，纠错率17.1%。",
        [
            ("120件", 120, "件", False, "disputes.reconsideration_applications"),
            ("105件", 105, "件", False, "disputes.reconsideration_accepted"),
            ("60件", 60, "件", False, "disputes.reconsideration_maintained"),
            ("12件", 12, "件", False, "disputes.reconsideration_dismissed"),
            ("18件", 18, "件", False, "disputes.reconsideration_corrected"),
            ("17.1%", 17.1, "%", False, "disputes.reconsideration_correction_rate"),
        ],
    ),
    (
        "（五）行政复议",
        "区政府审结的复议案件90件中直接纠错11件，以区政府为被申请人的复议案件共7件。",
        [
            ("90件", 90, "件", False, "disputes.reconsideration_closed"),
            ("11件", 11, "件", False, "disputes.reconsideration_corrected"),
            ("7件", 7, "件", False, None),
        ],
    ),
    ("", "在第三方评估中位列全省16个县区第3名。", [("16个", 16, "个", False, None), ("第3名", 3, "名", False, None)]),
    (
        "（六）普法",
        "走访群众3000余户，发放法治宣传资料3000余份，受益群众达8000余人。",
        [
            ("3000余户", 3000, "户", True, None),
            ("3000余份", 3000, "份", True, "legal_education.materials_distributed"),
            ("8000余人", 8000, "人", True, "legal_education.grassroots_audience"),
        ],
    ),
    (
        "（五）行政复议和应诉",
        "全县新收行政复议案件31.5万件，依法办结行政复议案件29.3万件，同比增长14.45%。",
        [
            ("31.5万件", 315000, "件", False, "disputes.reconsideration_applications"),
            ("29.3万件", 293000, "件", False, "disputes.reconsideration_closed"),
            ("14.45%", 14.45, "%", False, None),
        ],
    ),
    (
        "",  # 全国 in a local report: another body's figures
        "全国新收行政复议案件31.5万件，依法办结行政复议案件29.3万件，同比增长14.45%。",
        [
            ("31.5万件", 315000, "件", False, None),
            ("29.3万件", 293000, "件", False, None),
            ("14.45%", 14.45, "%", False, None),
        ],
    ),
    (
        "（四）执法",
        "全年共查处各类违法案件356起，组织行政执法人员综合法律知识培训3期，参训人员460人次，新申领执法证89人。",
        [
            ("356起", 356, "起", False, "enforcement.penalty_cases"),
            ("3期", 3, "期", False, "enforcement.officer_training_sessions"),
            ("460人次", 460, "人次", False, "enforcement.officers_trained"),
            ("89人", 89, "人", False, "enforcement.certificates_issued"),
        ],
    ),
    (
        "（五）应诉",
        "行政诉讼一审案件28件，行政机关负责人出庭应诉28人次，出庭应诉率100%。",
        [
            ("28件", 28, "件", False, "disputes.litigation_cases"),
            ("28人次", 28, "人次", False, "disputes.head_appearances"),
            ("100%", 100, "%", False, "disputes.head_appearance_rate"),
        ],
    ),
    (
        "（三）依法行政",
        "审查政府合同86份，出具法律意见书40余份。",
        [
            ("86份", 86, "份", False, "administration.government_contracts_reviewed"),
            ("40余份", 40, "份", True, "administration.legal_opinion_letters"),
        ],
    ),
]


@pytest.mark.parametrize(("heading", "sentence", "expected"), SENTENCES, ids=[s[1][:12] for s in SENTENCES])
def test_other_phrasings(heading: str, sentence: str, expected: list[tuple]) -> None:
    """The model's choice (threshold 0) is the expected id; at the default threshold an id is that one or none."""
    text = f"{heading}\n{sentence}\n" if heading else sentence
    figures = extract_text(text, min_confidence=0)
    got = [
        (r.raw, r.value, r.unit, bool(r.approx), None if pd.isna(r.indicator) else r.indicator)
        for r in figures.itertuples()
    ]
    want = [(raw, float(value), unit, approx, ind) for raw, value, unit, approx, ind in expected]
    assert [g[:4] for g in got] == [w[:4] for w in want]
    assert [g[4] for g, w in zip(got, want) if w[4]] == [w[4] for w in want if w[4]]
    default = extract_text(text)["indicator"].tolist()
    assert all(pd.isna(d) or d == w[4] for d, w in zip(default, want))
    for r in figures.itertuples():
        assert text[r.start : r.end] == r.raw


NOT_FIGURES = [
    "2024年，达坂城区人民政府坚持依法行政。",
    "3月29日召开会议，2021—2025年规划，2025 年是收官之年。",
    "根据（新依委发〔2021〕5号）文件和乌政办〔2021〕24号文件。",
    "扎实推进“八五”普法规划，推进“十四五”规划和“一规划两纲要”。",
    "落实行政执法三项制度和“三资”管理，组建区、乡、村三级队伍。",
    "一是加强领导。二是完善制度。（一）第一批试点，第一责任人。",
    "拨打12345热线，上午9时30分开始，持续到14:30。",
    "推进“一件事一次办”，实现“一窗受理”，树牢“四个意识”，做到两个维护，一起努力。",
    "党的二十大和二十届二中、三中全会精神，进一步加强两方面工作。",
    "《法治政府建设实施纲要（2021—2025年）》印发，5G基站，4A级景区。",
    "落实五个一工作法、三个一批要求，推进近三年工作，第一季度召开会议，数十家单位参加。",
    "时间为9:00-17:00，1-12月累计，1号文件，G315国道，90后干部，1:1配套。",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_figures(text: str) -> None:
    assert extract_text(text).empty


def test_output_columns_and_types() -> None:
    figures = extract_text("（五）行政复议\n收到行政复议申请11件。")
    assert figures.columns.tolist() == FIGURE_COLUMNS
    assert figures.loc[0, "sentence"] == "收到行政复议申请11件。"
    assert figures.loc[0, "section"] == "disputes"


def test_headings_tree(seed_text: str) -> None:
    heads = headings(seed_text)
    assert heads["level"].tolist()[:4] == [1, 2, 5, 5]
    assert heads.loc[heads["level"] == 2, "section"].tolist() == [
        "study",
        "functions",
        "administration",
        "enforcement",
        "disputes",
        "legal_education",
    ]
    assert heads.loc[1, "title"] == "深入学习贯彻习近平法治思想"
    first_item = heads.iloc[2]
    assert (first_item["marker"], first_item["section"]) == ("一是", "study")
    assert seed_text[first_item["start"] : first_item["start"] + 2] == "一是"
    assert heads["marker"].tolist().count("一是") == 8  # six chapters, 存在的不足 and 工作安排 each open one
    assert heads.loc[heads["marker"] == "二、", "title"].item() == "存在的不足"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("现将达坂城区人民政府2024年度法治政府建设情况报告如下", ("达坂城区", 2024)),
        ("XX县人民政府关于2023年度法治政府建设情况的报告\n正文", (None, 2023)),
        ("静海区人民政府2023年法治政府建设情况报告", ("静海区", 2023)),
        ("静海区2023年度法治政府建设情况报告", ("静海区", 2023)),
        ("中共某某区委某某区人民政府关于2024年法治政府建设情况的报告", ("某某区", 2024)),
        ("关于和田县2023年法治政府建设工作的报告", ("和田县", 2023)),
        ("现将我县2023年法治政府建设情况报告如下", (None, 2023)),
        ("没有标题的文字", (None, None)),
    ],
)
def test_detect_region_year(text: str, expected: tuple) -> None:
    assert detect_region_year(text) == expected


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("县政府召开5次常务会议。", "常务会议"),
        ("为1421名工人追回欠薪。", "工人"),
        ("组织各部门参加“法治讲堂”法治培训17次。", "法治讲堂法治培训"),
        ("发出《行政执法监督反馈单》15份。", "行政执法监督反馈单"),
        ("开展《宪法》《民法典》等校园法治宣讲活动4场次。", "校园法治宣讲活动"),
        ("收入同比增长12.5%。", "同比增长"),
        ("共组织39个村（社区）开展宣讲。", "村(社区)"),
    ],
)
def test_labels_name_what_is_counted(sentence: str, label: str) -> None:
    assert extract_text(sentence)["label"].tolist() == [label]
