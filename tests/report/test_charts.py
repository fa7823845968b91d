"""Charts: Noto Sans CJK SC (not the Japanese face), no missing glyphs, valid SVG."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.style
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from report_data import PEERS, REGION, YEAR, gold_table, with_prior_year, with_years_and_peers

from fazhi_analysis import analysis
from fazhi_analysis.report import charts, facts, fonts


@pytest.fixture(autouse=True)
def glyph_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        warnings.filterwarnings("error", message=".*findfont.*")
        yield


def test_style_names_the_simplified_chinese_face() -> None:
    with matplotlib.style.context(charts.STYLE):
        path = font_manager.findfont(font_manager.FontProperties(family=fonts.FONT), fallback_to_default=False)
    font = font_manager.get_font(path)
    assert font.family_name == "Noto Sans CJK SC"


def test_missing_glyph_would_fail_the_tests() -> None:
    fig = Figure()
    with matplotlib.style.context(charts.STYLE):
        fig.text(0.5, 0.5, "\U0001f600")
        with pytest.raises(UserWarning, match="missing from font"):
            charts.to_svg(fig)


def _texts(svg: str) -> list[str]:
    """The texts of an SVG chart (svg.fonttype none keeps them as text)."""
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]+)</text>", svg)]


@pytest.mark.parametrize(
    "table", [gold_table(), with_prior_year(), with_years_and_peers()], ids=["seed", "prior", "years-peers"]
)
def test_every_chapter_chart_and_the_overview_render(table) -> None:
    found = facts.gather(table, REGION, YEAR)
    svgs = [svg for s in analysis.sections_with_data(found.comparison) for svg in charts.chapter_charts(found, s)]
    svgs.append(charts.changes_chart(found))
    for svg in filter(None, svgs):
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
        assert svg._repr_svg_()[1]["alt"]
    assert charts.chapter_charts(found, "oversight") == []


def test_the_trend_chart_draws_every_year_held_and_labels_each_value() -> None:
    svg = charts.trend_chart(facts.gather(with_years_and_peers(), REGION, YEAR), "disputes")
    texts = _texts(svg)
    assert {"2022", "2023", "2024"} <= set(texts)
    assert {"6件", "8件", "11件"} <= set(texts) and "收到行政复议申请（件）" in texts


def test_the_peer_chart_places_each_reporting_region_and_names_the_others() -> None:
    svg = charts.peer_chart(facts.gather(with_years_and_peers(), REGION, YEAR), "disputes")
    texts = _texts(svg)
    assert {*PEERS, REGION, "20件", "11件", "9件", "5件"} <= set(texts)


def test_no_chart_has_a_single_bar_or_a_logarithmic_axis() -> None:
    found = facts.gather(gold_table(), REGION, YEAR)
    assert charts.trend_chart(found, "disputes") == "" and charts.peer_chart(found, "disputes") == ""
    svg = charts.figures_chart(found, "disputes")  # 件 ×6, 次, %, 元: only 件 has two or more
    assert "单位：件" in _texts(svg) and "单位：次" not in _texts(svg) and "单位：%" not in _texts(svg)
    assert "set_xscale" not in Path(charts.__file__).read_text(encoding="utf-8")


def test_changes_are_coloured_where_the_catalog_says_which_direction_is_good(monkeypatch) -> None:
    table = with_prior_year()
    found = facts.gather(table, REGION, YEAR)
    # 追回欠薪金额 rises from 1200万元 (applications 8 → 11 are too few for a percentage, so not in the chart)
    better = pd.Series({"disputes.reconsideration_applications": "lower", "study.wage_arrears_recovered": "lower"})
    monkeypatch.setattr(charts, "_better", lambda i: better.get(i))
    assert charts._tone("disputes.reconsideration_applications", 3.0) == charts.BAD
    assert charts._tone("disputes.reconsideration_applications", -3.0) == charts.GOOD
    assert charts._tone("disputes.reconsideration_closed", 3.0) == charts.NEUTRAL
    assert charts.BAD[1:].lower() in charts.changes_chart(found).lower()


def test_plain_text_of_a_chart_is_its_description_not_the_svg() -> None:
    from IPython.core.formatters import PlainTextFormatter

    svg = charts.figures_chart(facts.gather(gold_table(), REGION, YEAR), "disputes")
    assert PlainTextFormatter()(svg) == f"<图表 / chart: {svg.alt}>"


def test_a_chart_is_drawn_again_as_png_at_the_print_resolution() -> None:
    svg = charts.figures_chart(facts.gather(gold_table(), REGION, YEAR), "disputes")
    png = charts.to_png(svg, dpi=100)
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk's width in pixels
    assert width == round(svg.figure.get_size_inches()[0] * 100)
