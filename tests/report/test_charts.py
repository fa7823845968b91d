"""Charts: Noto Sans CJK SC (not the Japanese face), no missing glyphs, valid SVG."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import matplotlib.style
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from report_data import REGION, YEAR, gold_table, with_prior_year

from fazhi_analysis import analysis
from fazhi_analysis.report import charts, fonts


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


@pytest.mark.parametrize("table", [gold_table(), with_prior_year()], ids=["no-prior", "prior"])
def test_every_chapter_chart_and_the_overview_render(table) -> None:
    comp = analysis.compare(table, REGION, YEAR)
    svgs = [charts.section_chart(comp, s) for s in analysis.sections_with_data(comp)] + [charts.overview_chart(comp)]
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
        assert svg._repr_svg_()[1]["alt"]
    assert charts.section_chart(comp, "oversight") == ""


def test_plain_text_of_a_chart_is_its_description_not_the_svg() -> None:
    from IPython.core.formatters import PlainTextFormatter

    svg = charts.section_chart(analysis.compare(gold_table(), REGION, YEAR), "disputes")
    assert PlainTextFormatter()(svg) == f"<图表 / chart: {svg.alt}>"
