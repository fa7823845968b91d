"""The explore notebook's tables and charts: Chinese headers, figures as the report writes them, whole years,
distinct colours, computed rates said to be computed."""

from __future__ import annotations

import re

import pandas as pd

import fazhi_analysis as fz
from fazhi_analysis.report import explore


def test_colours_are_distinct_beyond_the_house_cycle() -> None:
    regions = [f"区{n:02d}" for n in range(12)]
    assert len(set(explore.colours(regions).values())) == 12
    assert explore.colours(["乙", "甲"]) == explore.colours(["甲", "乙"])  # by name, whatever the order given


def test_a_history_has_whole_years_and_figures_in_one_form() -> None:
    rows = pd.DataFrame({"region": ["甲"] * 3, "year": [2021, 2023, 2024], "name": ["普法活动覆盖群众"] * 3,
                         "value": [17000.0, 18000.0, 21000.0], "unit": ["人次"] * 3, "approx": [True, False, True],
                         "raw": ["17000余人次", "1.8万人次", "2.1万余人次"]})  # fmt: skip
    svg = explore.history_chart(rows)
    ticks = re.findall(r">\s*(20\d\d(?:\.\d+)?)\s*<", svg)
    assert ticks and all("." not in t for t in ticks) and "2022" in ticks  # a missing year keeps its place
    assert {"1.7万余人次", "1.8万人次", "2.1万余人次"} <= set(re.findall(r">\s*([^<>]*人次)\s*<", svg))
    assert svg.alt == "普法活动覆盖群众（人次）"


def test_tables_read_in_chinese(example_table) -> None:
    table = fz.load_table(example_table)
    html = fz.table_view(fz.peers(table, 2024, "收到行政复议申请")).to_html()
    assert "位次" in html and "报告地区数" in html and "写法" in html and "37件" in html
    assert not re.search(r">\s*(True|False|n_reporting|rank)\s*<", html)


def test_computed_rates_are_shown_as_computed(example_table) -> None:
    rated = fz.rates(fz.load_table(example_table))
    html = fz.rates_view(rated, 2024).to_html()
    assert html.count("按计数计算") == len(rated[rated["year"] == 2024])
    assert not re.search(r">\s*(一致|不一致|True|reported)\s*<", html)  # nothing to agree with: no figure reported
    assert "（计算）" in fz.rates_chart(rated, 2024)
