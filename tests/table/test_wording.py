"""Figures written as a Chinese report writes them, and year-over-year phrases."""

from __future__ import annotations

import pandas as pd
import pytest
from report_data import figure_text, mentions

from fazhi_analysis.table.wording import (
    common_magnitude,
    format_change,
    format_figure,
    format_number,
    magnitude_of,
    plain_figure,
    signed_percent,
)


@pytest.mark.parametrize("mention", [m for m in mentions() if m["indicator"]], ids=lambda m: m["raw"])
def test_every_checked_figure_is_written_as_in_the_source(mention: dict) -> None:
    assert format_figure(mention["value"], mention["unit"], mention["approx"], mention["raw"]) == figure_text(mention)


@pytest.mark.parametrize(
    ("value", "unit", "approx", "raw", "expected"),
    [
        (15471600.0, "元", False, "1547.16万元", "1547.16万元"),
        (28000.0, "人次", True, "2.8万余人次", "2.8万余人次"),
        (130.0, "份", True, "130余份", "130余份"),
        (98.0, "%", False, "98%", "98%"),
        (2000.0, "人次", True, "2000多人次", "2000多人次"),
        (300.0, "人", True, "约300人", "约300人"),
        (80.0, "%", True, "80%以上", "80%以上"),
        (200000.0, "元", True, "逾20万元", "逾20万元"),
        (972.0, "场次", False, "972场（次）", "972场（次）"),
        (3e8, "元", False, "3亿元", "3亿元"),
        # no source text: 万/亿 chosen by size, 余 for approximate counts
        (15471600.0, "元", False, None, "1547.16万元"),
        (350000000.0, "元", False, None, "3.5亿元"),
        (5000.0, "元", False, None, "5000元"),
        (130.0, "份", True, None, "130余份"),
        (98.5, "%", True, None, "约98.5%"),
        (20000.0, "人次", False, pd.NA, "20000人次"),
        (pd.NA, "件", False, None, "—"),
        (0.0, "件", False, "0件", "0件"),
        # Chinese numerals stay as the source wrote them
        (5.0, "类", False, "五类", "五类"),
        (30.0, "件", True, "共收到约三十件", "约三十件"),
        (20000.0, "人次", True, "两万余人次", "两万余人次"),
        (98.0, "%", False, "百分之九十八", "百分之九十八"),
        (80.0, "%", True, "百分之八十以上", "百分之八十以上"),
        (972.0, "场次", False, "九百七十二场（次）", "九百七十二场（次）"),
    ],
)
def test_format_figure(value, unit, approx, raw, expected) -> None:
    assert format_figure(value, unit, approx, raw) == expected


def test_format_number_has_no_trailing_zeros_or_separators() -> None:
    assert [format_number(v) for v in (1421.0, 1547.16, 2.80, 0.0, -0.0, 12345678.0)] == [
        "1421",
        "1547.16",
        "2.8",
        "0",
        "0",
        "12345678",
    ]


def test_format_number_without_decimals_keeps_every_digit() -> None:
    values = (12.0, 12.5, 0.1 + 0.2, 1e20, -0.0, 7, "3.50")
    assert [format_number(v, None) for v in values] == [
        "12",
        "12.5",
        "0.30000000000000004",
        "100000000000000000000",
        "0",
        "7",
        "3.50",
    ]


def test_plain_figure_keeps_every_digit_for_messages() -> None:
    assert plain_figure(15471600.0, "元") == "15471600元"
    assert plain_figure(130, "份", True) == "130余份"
    assert plain_figure(98.5, "%", True) == "98.5%"
    assert plain_figure(1234567.5, None, None) == "1234567.5"


def test_approximate_markers_are_written_back_as_the_source_wrote_them() -> None:
    assert format_figure(300, "人", True, "大约300人") == "约300人"
    assert format_figure(300, "人", True, "超过300人") == "超过300人"
    assert format_figure(30, "人", True, "将近三十人") == "将近三十人"
    assert format_figure(300, "人", True, "300人左右") == "300人左右"


@pytest.mark.parametrize(
    ("current", "prior", "unit", "approx", "expected"),
    [
        (14, 11, "件", False, "同比增加3件、增长27.3%"),
        (11, 8, "件", False, "同比增加3件"),  # under 10 in one year: the size only (the change rule)
        (8, 10, "件", False, "同比减少2件"),
        (5, 5, "件", False, "与上年持平"),
        (100, 95, "%", False, "同比提高5个百分点"),
        (95.5, 98, "%", False, "同比下降2.5个百分点"),
        (3, 0, "次", False, "同比增加3次"),
        (1, 3, "件", False, "同比减少2件"),  # two small counts: no percentage
        (9, 5, "件", False, "同比增加4件"),
        (10, 5, "件", False, "同比增加5件"),
        (20, 10, "件", False, "同比增加10件、增长100%"),
        (15471600, 12000000, "元", False, "同比增加347.16万元、增长28.9%"),
        (28000, 30000, "人次", True, "同比减少约2000人次、下降约6.7%"),
        (5, None, "件", False, ""),
    ],
)
def test_format_change(current, prior, unit, approx, expected) -> None:
    assert format_change(current, prior, unit, approx) == expected


@pytest.mark.parametrize(
    ("value", "approx", "raw", "magnitude", "expected"),
    [
        (17000.0, True, "17000余人次", "万", "1.7万余人次"),  # a spreadsheet's digits in a row written in 万
        (21000.0, True, "2.1万余人次", "", "21000余人次"),  # and the other way round
        (21000.0, True, "2.1万余人次", "万", "2.1万余人次"),
        (17000.0, True, None, "万", "1.7万余人次"),  # no source text: 余 for an approximate count
        (300.0, True, "约300人次", "万", "约300人次"),  # less than one 万: in digits, its own marker
        (20000.0, True, "两万余人次", "万", "两万余人次"),  # Chinese numerals in the row's own form
        (20000.0, True, "两万余人次", "", "20000余人次"),
    ],
)
def test_a_row_reads_in_one_form_and_each_figure_keeps_its_marker(value, approx, raw, magnitude, expected) -> None:
    assert format_figure(value, "人次", approx, raw, magnitude=magnitude) == expected


def test_the_magnitude_a_figure_is_written_with() -> None:
    assert [magnitude_of(21000, "人次", r) for r in ("2.1万余人次", "21000余人次", "两万余人次", None)] == [
        "万", "", "万", ""
    ]  # fmt: skip
    assert magnitude_of(3e8, "元") == "亿" and magnitude_of(5e5, "人次") == "万" and magnitude_of(99.5, "%") == ""
    assert common_magnitude([1, 2, 3], ["人"] * 3, ["1万人", "2万人", "30000人"]) == "万"
    assert common_magnitude([1, 2], ["人"] * 2, ["10000人", "2万人"]) == ""  # a tie: the first figure's
    assert common_magnitude([], [], []) == ""


@pytest.mark.parametrize(
    ("value", "raw", "expected"),
    [
        (100 / 3, None, "33.3%"),  # computed: one decimal
        (20.0, None, "20%"),
        (97.75, "97.75%", "97.75%"),  # the source wrote more
        (99.0, "99.0%", "99.0%"),  # as the source wrote it
        (98.0, "结案率 98%", "98%"),
        (98.0, "0.98", "98%"),  # a raw that is not the rate's own number does not set the decimals
        (97.666, "97.666", "97.666%"),
    ],
)
def test_a_rate_has_one_decimal_unless_its_source_wrote_more(value, raw, expected) -> None:
    assert format_figure(value, "%", False, raw) == expected


def test_a_change_is_written_in_its_rows_form() -> None:
    assert format_change(33000, 21000, "人次", True, magnitude="万") == "同比增加约1.2万人次、增长约57.1%"
    assert format_change(21000, 17000, "人次", True, magnitude="万") == "同比增加约4000人次、增长约23.5%"
    assert format_change(15471600, 12000000, "元", magnitude="") == "同比增加3471600元、增长28.9%"
    assert signed_percent(23.333) == "+23.3%" and signed_percent(-8.06) == "-8.1%" and signed_percent(0) == "0%"


def test_a_figure_less_than_one_of_the_rows_magnitude_takes_the_next_smaller() -> None:
    assert format_figure(5e7, "元", False, None, magnitude="亿") == "5000万元"
    assert format_figure(3e8, "元", False, None, magnitude="万") == "30000万元"
    assert format_figure(5000.0, "元", False, None, magnitude="亿") == "5000元"
