"""The parts of a report under its own top-level headings (ingest.parts), and parts.parquet of a build."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import SEED

from fazhi_analysis import build
from fazhi_analysis.ingest import parts
from fazhi_analysis.ingest.parts import heading_part, load_parts, report_parts
from fazhi_analysis.table import manifest


def test_the_seed_has_its_three_parts_with_their_spans(seed_text) -> None:
    found = report_parts(seed_text)
    assert found["part"].tolist() == ["achievements", "shortcomings", "plans"]
    assert found["heading"].tolist() == ["一、2024年法治政府建设主要举措和成效", "二、存在的不足", "三、2025年工作安排"]
    # Headings on lines 3, 33 and 38; each body runs from the next line to the line before the next heading,
    # the last one without its last line (相关附件:), which leads in to attachments the text does not hold.
    assert found[["line_start", "line_end"]].values.tolist() == [[4, 32], [34, 37], [39, 43]]
    for row in found.itertuples():
        assert seed_text[row.start : row.end] == row.text
    first, second, third = found["text"]
    assert first.startswith("(一)深入学习贯彻习近平法治思想") and first.endswith("取得了预期效果。")
    assert second.startswith("一年来") and second.endswith("存在应公开未公开的现象。")
    assert third.startswith("2025 年是") and third.endswith("办事效率最高。")
    assert found["title"].tolist() == ["主要举措和成效", "存在的不足和原因", "下一年度推进法治政府建设的主要安排"]


@pytest.mark.parametrize(
    ("heading", "style", "part"),
    [
        ("一、2023年度法治政府建设主要举措和成效", "chinese", "achievements"),
        ("一、主要工作举措及成效", "chinese", "achievements"),
        ("第一部分 工作开展情况", "chapter", "achievements"),
        ("二、存在的问题和不足", "chinese", "shortcomings"),
        ("二、存在的困难和问题", "chinese", "shortcomings"),
        ("三、存在的短板和差距", "chinese", "shortcomings"),
        ("二．主要问题及原因分析", "chinese", "shortcomings"),
        ("三、区政府主要负责同志履行推进法治建设第一责任人职责情况", "chinese", "leadership"),
        ("一、党政主要负责人履行法治建设第一责任人职责及相关工作情况", "chinese", "leadership"),
        ("四、下一步工作打算", "chinese", "plans"),
        ("四、2025年工作计划", "chinese", "plans"),
        ("三、下一年度推进法治政府建设的主要安排", "chinese", "plans"),
        ("第三部分：下一步工作思路", "chapter", "plans"),
        ("五、其他需要报告的情况", "chinese", "other"),
        ("三、存在的问题和下一步打算", "chinese", "shortcomings"),  # two parts in one: the first listed wins
        ("存在的不足", "plain", "shortcomings"),
    ],
)
def test_heading_variants(heading: str, style: str, part: str) -> None:
    assert heading_part(heading) == (style, part)


@pytest.mark.parametrize(
    "line",
    [
        "（三）补齐执法短板",  # a sub-heading
        "(二)存在问题整改情况",
        "1.存在的不足",
        "工作中存在的不足主要是人手紧张。",  # a sentence
        "一是部分单位存在执法不规范问题",  # an item
        "四、聚焦薄弱环节，提升执法质效",  # a thematic heading of two clauses
        "示例区甲2024年法治政府建设情况报告",  # the title
        "二、深化行政复议体制改革",  # a top-level heading that names no part
        "",
        "三、" + "存在的不足" * 13,  # longer than a heading
    ],
)
def test_lines_that_are_no_part_heading(line: str) -> None:
    assert heading_part(line) is None


INVENTED = """乙县2023年法治政府建设工作报告
现将有关情况报告如下：
第一部分 2023年法治政府建设工作开展情况
（一）规范执法
全年办理行政处罚案件80件。
（二）存在问题整改情况
对上年存在的不足逐项整改。
第二部分 存在的困难和问题
一、执法队伍不稳定
二、存在的不足还有信息化水平低
第三部分 2024年工作思路
一是加强培训。
"""


def test_an_invented_report_in_parts_with_numbered_lists_inside() -> None:
    found = report_parts(INVENTED)
    assert found["part"].tolist() == ["achievements", "shortcomings", "plans"]
    assert found[["line_start", "line_end"]].values.tolist() == [[4, 7], [9, 10], [12, 12]]
    assert found["text"].iloc[1] == "一、执法队伍不稳定\n二、存在的不足还有信息化水平低"
    assert found["text"].iloc[2] == "一是加强培训。"


def test_unnumbered_headings_count_only_when_no_numbered_one_does() -> None:
    plain = "丙区2022年法治政府建设情况报告\n主要举措和成效\n办结3件。\n存在的不足\n人手少。\n下一步工作打算\n补人。"
    assert report_parts(plain)["part"].tolist() == ["achievements", "shortcomings", "plans"]
    numbered = "一、主要举措和成效\n办结3件。\n存在的不足\n人手少。"
    found = report_parts(numbered)
    assert found["part"].tolist() == ["achievements"]
    assert found["text"].iloc[0] == "办结3件。\n存在的不足\n人手少。"


def test_an_empty_part_points_at_its_heading() -> None:
    found = report_parts("一、主要举措和成效\n二、存在的不足\n\n三、下一步工作打算\n补人。\n")
    assert found[["start", "end", "line_start", "line_end"]].values.tolist()[:2] == [[10, 10, 1, 1], [18, 18, 2, 2]]
    assert found["text"].tolist() == ["", "", "补人。"]
    assert found[["start", "end", "line_start", "line_end"]].values.tolist()[2] == [29, 32, 5, 5]


def test_a_text_without_headings_has_no_parts() -> None:
    found = report_parts("全年办理行政复议案件5件。工作中存在的不足主要是人手紧张。\n（一）存在问题\n")
    assert found.empty
    assert found.columns.tolist() == list(parts.COLUMNS)
    assert report_parts("").empty


def test_parts_table_names_its_lines() -> None:
    table = parts.parts_table(INVENTED, "乙县", 2023, "sub/乙县.txt")
    assert table.columns.tolist() == list(parts.TABLE_COLUMNS)
    assert table["source"].tolist() == ["sub/乙县.txt:4-7", "sub/乙县.txt:9-10", "sub/乙县.txt:12-12"]
    assert set(table["region"]) == {"乙县"} and set(table["year"]) == {2023}


@pytest.fixture
def built(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    # A body that starts like a formula must reach the CSV defused.
    (raw / "乙县_2023.txt").write_text(
        "乙县2023年法治政府建设情况报告\n二、存在的不足\n=1+1 人手少。\n", encoding="utf-8"
    )
    build.build_checked(raw_dir=raw, processed_dir=processed, quiet=True)
    return processed


def test_build_writes_the_parts_and_lists_them_in_the_manifest(built) -> None:
    listed = json.loads((built / manifest.NAME).read_text(encoding="utf-8"))["files"]
    assert {"parts.parquet", "parts.csv"} <= set(listed)
    saved = load_parts(built / "indicators.parquet").sort_values("region", kind="stable")
    assert saved[["region", "year", "part"]].values.tolist() == [
        ["乙县", 2023, "shortcomings"],
        ["达坂城区", 2024, "achievements"],
        ["达坂城区", 2024, "shortcomings"],
        ["达坂城区", 2024, "plans"],
    ]
    assert saved["source"].iloc[1] == "dabancheng_2024_report.txt:4-32"
    csv = pd.read_csv(built / "parts.csv", encoding="utf-8-sig")
    assert csv.loc[csv["region"] == "乙县", "text"].tolist() == ["'=1+1 人手少。"]


def test_parts_of_another_build_are_not_trusted(built) -> None:
    assert not load_parts(built / "indicators.parquet").empty
    load_parts(built / "indicators.parquet").head(1).to_parquet(built / "parts.parquet")  # a killed later build
    stale = load_parts(built / "indicators.parquet")
    assert stale.empty and stale.columns.tolist() == list(parts.TABLE_COLUMNS)


def test_no_parts_file_gives_an_empty_frame(tmp_path) -> None:
    found = load_parts(tmp_path / "indicators.parquet")
    assert found.empty and found.columns.tolist() == list(parts.TABLE_COLUMNS)


def test_a_part_ends_before_last_lines_that_lead_in_to_what_it_does_not_hold() -> None:
    text = "一、主要举措和成效\n办结5件。\n附件如下：\n\n二、存在的不足\n人手少。\n相关附件：\n"
    found = parts.report_parts(text)
    assert found["text"].tolist() == ["办结5件。", "人手少。"]
    assert found[["line_start", "line_end"]].values.tolist() == [[2, 2], [6, 6]]
    only = parts.report_parts("一、主要举措和成效\n详见附件：\n")  # a body of one such line is kept as written
    assert only["text"].tolist() == ["详见附件："]
