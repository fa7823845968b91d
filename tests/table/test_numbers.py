"""The vectorized number parser: values in the base unit, units, approx flags and reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from fazhi_analysis.table.numbers import alternation, chinese_to_number, parse_value, parse_values

CASES = [
    ("1547.16万元", 15471600.0, "元", False),
    ("2.8万余人次", 28000.0, "人次", True),
    ("130余份", 130.0, "份", True),
    ("98%", 98.0, "%", False),
    ("１４２１件", 1421.0, "件", False),
    ("１，２３４件", 1234.0, "件", False),
    ("1,234.5万元", 12345000.0, "元", False),
    ("十七次", 17.0, "次", False),
    ("一千四百二十一", 1421.0, "", False),
    ("两批次", 2.0, "批次", False),
    ("百分之九十八", 98.0, "%", False),
    ("972场(次)", 972.0, "场次", False),
    ("322份（次）", 322.0, "份次", False),
    ("5000余万元", 50000000.0, "元", True),
    ("5000多万元", 50000000.0, "元", True),
    ("逾20万元", 200000.0, "元", True),
    ("80%以上", 80.0, "%", True),
    ("不少于1次", 1.0, "次", True),
    ("约3万人次", 30000.0, "人次", True),
    ("近百场次", 100.0, "场次", True),
    ("十余次", 10.0, "次", True),
    ("两万余人次", 20000.0, "人次", True),
    ("3至5次", 3.0, "次", True),
    ("0件", 0.0, "件", False),
    ("2000多人次", 2000.0, "人次", True),
    ("3个百分点", 3.0, "百分点", False),
    ("1.2亿元", 120000000.0, "元", False),
    ("3千元", 3000.0, "元", False),
    ("5千米", 5.0, "千米", False),
    ("一百零五人", 105.0, "人", False),
    ("三点五万元", 35000.0, "元", False),
    (" 12 件 ", 12.0, "件", False),
]


@pytest.mark.parametrize(("text", "value", "unit", "approx"), CASES)
def test_parse_values_case(text: str, value: float, unit: str, approx: bool) -> None:
    assert parse_value(text) == (value, unit, approx, None)


def test_parse_values_vectorized_keeps_index_and_dtypes() -> None:
    strings = pd.Series([text for text, *_ in CASES], index=range(100, 100 + len(CASES)))
    parsed = parse_values(strings)
    assert parsed.index.equals(strings.index)
    assert parsed.dtypes.astype(str).tolist() == ["Float64", "string", "boolean", "string"]
    assert parsed["value"].tolist() == [value for _, value, _, _ in CASES]
    assert parsed["reason"].isna().all()


@pytest.mark.parametrize("marker", ["—", "-", "无", "/", "", "  ", None, "——", "－"])
def test_missing_markers_are_na_with_reason_missing(marker: str | None) -> None:
    value, unit, approx, reason = parse_value(marker)
    assert (value, unit, approx, reason) == (None, None, None, "missing")


@pytest.mark.parametrize("text", ["见附件", "abc", "待统计", "十四五五"])
def test_bad_strings_give_na_and_a_reason_without_raising(text: str) -> None:
    value, unit, approx, reason = parse_value(text)
    assert value is None and unit is None and approx is None
    assert reason and reason != "missing"


def test_bad_strings_inside_a_table_do_not_stop_the_rest() -> None:
    parsed = parse_values(pd.Series(["12件", "见附件", "—", "2.8万余人次", 17, 0.98]))
    assert parsed["value"].tolist()[0] == 12.0
    assert parsed["value"].isna().tolist() == [False, True, True, False, False, False]
    assert parsed["reason"].tolist()[1:3] == ["no number / 无数字", "missing"]
    assert parsed["value"].tolist()[3:] == [28000.0, 17.0, 0.98]


def test_empty_series() -> None:
    parsed = parse_values(pd.Series([], dtype="string"))
    assert parsed.empty and parsed.columns.tolist() == ["value", "unit", "approx", "reason"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十七", 17),
        ("一千四百二十一", 1421),
        ("二〇二四", 2024),
        ("两万三千", 23000),
        ("一亿零五百万", 105000000),
        ("十万", 100000),
    ],
)
def test_chinese_to_number(text: str, value: int) -> None:
    assert chinese_to_number(text) == value


def test_alternation_is_longest_first_and_escaped() -> None:
    assert alternation(["约", "大约", "a+b"]) == r"(?:a\+b|大约|约)"
