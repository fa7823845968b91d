"""Charts: Noto Sans CJK SC (not the Japanese face), no missing glyphs, valid SVG."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.style
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from report_data import PEERS, REGION, YEAR, gathered, gold_table, row_labels, with_prior_year, with_years_and_peers

from fazhi_analysis import analysis
from fazhi_analysis.report import charts, facts, fonts, plotting
from fazhi_analysis.table import tidy


@pytest.fixture(autouse=True)
def glyph_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        warnings.filterwarnings("error", message=".*findfont.*")
        yield


def test_style_names_the_simplified_chinese_face() -> None:
    with matplotlib.style.context(plotting.STYLE):
        path = font_manager.findfont(font_manager.FontProperties(family=fonts.FONT), fallback_to_default=False)
    font = font_manager.get_font(path)
    assert font.family_name == "Noto Sans CJK SC"


def test_missing_glyph_would_fail_the_tests() -> None:
    fig = Figure()
    with matplotlib.style.context(plotting.STYLE):
        fig.text(0.5, 0.5, "\U0001f600")
        with pytest.raises(UserWarning, match="missing from font"):
            plotting.to_svg(fig)


def _texts(svg: str) -> list[str]:
    """The texts of an SVG chart (svg.fonttype none keeps them as text)."""
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]+)</text>", svg)]


@pytest.mark.slow
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
    svg = charts.trend_chart(gathered(with_years_and_peers), "disputes")
    texts = _texts(svg)
    assert {"2022", "2023", "2024"} <= set(texts)
    assert {"6件", "8件", "11件"} <= set(texts) and "收到行政复议申请（件）" in texts


def test_the_peer_chart_places_each_reporting_region_and_names_the_others() -> None:
    svg = charts.peer_chart(gathered(with_years_and_peers), "disputes")
    texts = _texts(svg)
    assert {*PEERS, REGION, "20件", "11件", "9件", "5件"} <= set(texts)
    for ax in svg.figure.axes:  # the report's region named in red and bold on its row, the others in ink
        named = {t.get_text(): t for t in ax.texts if t.get_text() in row_labels(ax)}
        assert (named[REGION].get_color(), named[REGION].get_fontweight()) == (plotting.ACCENT, "bold")
        others = {(t.get_color(), t.get_fontweight()) for n, t in named.items() if n != REGION}
        assert others == {(plotting.INK, "normal")}
        (guides,) = [c for c in ax.collections if isinstance(c, LineCollection)]  # a guide along each row
        assert sorted(seg[0][1] for seg in guides.get_segments()) == sorted(row_labels(ax).values())


def test_no_chart_has_a_single_bar_or_a_logarithmic_axis() -> None:
    found = gathered(gold_table)
    assert charts.trend_chart(found, "disputes") == "" and charts.peer_chart(found, "disputes") == ""
    texts = _texts(charts.figures_chart(found, "disputes"))  # 行政复议 件 ×4, 纠纷 件 ×2; 应诉 件, 次, %, 元 alone
    assert "行政复议（件）" in texts and "矛盾纠纷化解（件）" in texts and "行政应诉（件）" not in texts
    assert "行政应诉案件" not in texts and "矛盾纠纷排查" not in texts  # single figures stay in the table
    assert all("set_xscale" not in Path(m.__file__).read_text(encoding="utf-8") for m in (charts, plotting))


def test_this_years_figures_are_drawn_by_subject_not_by_unit() -> None:
    """行政许可 955次 and 行政执法案卷评查 1次 are both in 次 but are different subjects: not one chart."""
    svg = charts.figures_chart(gathered(gold_table), "enforcement")
    panels = [[t.get_text() for t in ax.texts] for ax in svg.figure.axes]
    licences = next(p for p in panels if "行政许可" in p)
    assert {"行政给付", "行政确认", "955次", "26次", "2次"} <= set(licences)
    assert not any("行政执法案卷评查" in p for p in panels)  # 1次 is its subject's only 次 figure: in the table only
    titles = [ax.get_title(loc="left") for ax in svg.figure.axes]
    assert titles == ["执法队伍与培训（场次）", "许可、给付、确认与强制（次）"]


def test_a_chapter_of_one_figure_gets_no_chart() -> None:
    table = gold_table()
    one = table[(table["section"] != "oversight") & table["indicator"].eq("disputes.litigation_cases").fillna(False)]
    found = facts.gather(pd.concat([table[table["section"] != "disputes"], one]), REGION, YEAR)
    assert charts.chapter_charts(found, "disputes") == []


def test_changes_are_coloured_where_the_catalog_says_which_direction_is_good(monkeypatch) -> None:
    table = with_prior_year()
    found = facts.gather(table, REGION, YEAR)
    # 追回欠薪金额 rises from 1200万元 (applications 8 → 11 are too few for a percentage, so not in the chart)
    better = pd.Series({"disputes.reconsideration_applications": "lower", "study.wage_arrears_recovered": "lower"})
    monkeypatch.setattr(charts, "_better", lambda i: better.get(i))
    assert charts._tone("disputes.reconsideration_applications", 3.0) == plotting.BAD
    assert charts._tone("disputes.reconsideration_applications", -3.0) == plotting.GOOD
    assert charts._tone("disputes.reconsideration_closed", 3.0) == plotting.NEUTRAL
    assert plotting.BAD[1:].lower() in charts.changes_chart(found).lower()


def test_plain_text_of_a_chart_is_its_description_not_the_svg() -> None:
    from IPython.core.formatters import PlainTextFormatter

    svg = charts.figures_chart(gathered(gold_table), "disputes")
    assert PlainTextFormatter()(svg) == f"<图表 / chart: {svg.alt}>"


def test_a_chart_is_drawn_again_as_png_at_the_print_resolution() -> None:
    svg = charts.figures_chart(gathered(gold_table), "disputes")
    png = plotting.to_png(svg, dpi=100)
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk's width in pixels
    assert width == round(svg.figure.get_size_inches()[0] * 100)


RATE = "disputes.mediation_success_rate"


def _rates(values: dict[str, float], year: int = YEAR) -> pd.DataFrame:
    """A tidy table of one rate for the given regions and year (values in %, written as the source did)."""
    rows = [{"region": r, "year": year, "indicator": RATE, "value": v, "unit": "%", "approx": False,
             "source": "r.txt:1:1", "raw": f"{v}%", "label": "调解成功率", "section": "disputes"}
            for r, v in values.items()]  # fmt: skip
    return tidy.conform(pd.DataFrame(rows))


TIGHT = {REGION: 97.7, "示例区乙": 99.3, "示例区丙": 97.8, "示例区丁": 96.4, "示例区戊": 96.9}


def test_a_rate_dot_plot_shows_the_spread_and_says_its_axis_does_not_start_at_0() -> None:
    svg = charts.peer_chart(facts.gather(_rates(TIGHT), REGION, YEAR, peers="all"), "disputes")
    (ax,) = svg.figure.axes
    low, high = ax.get_xlim()
    assert 94 <= low < 96.4 and high > 99.3  # not 0–100: the five dots spread over the panel
    assert ax.get_xticks()[0] == low and max(ax.get_xticks()) <= 100  # the start is labelled
    assert ax.get_xlabel().startswith("横轴自95%起，未从0起")
    assert {"97.7%", "99.3%", "96.4%"} <= set(_texts(svg))


@given(low=st.floats(0.01, 100.0), spread=st.floats(0.0001, 3.0))
def test_a_zoomed_rate_axis_holds_its_values(low: float, spread: float) -> None:
    lower, upper = plotting.axis_range(np.array([low, low + spread]), "%", zoom=True)  # 99.9%: no integer tick below
    assert 0 <= lower <= low and upper > low + spread


def test_a_rate_axis_starts_at_0_when_the_spread_is_wide_or_for_bars() -> None:
    wide = {REGION: 40.0, "示例区乙": 90.0, "示例区丙": 65.0}
    (ax,) = charts.peer_chart(facts.gather(_rates(wide), REGION, YEAR, peers="all"), "disputes").figure.axes
    assert ax.get_xlim()[0] == 0 and "未从0起" not in ax.get_xlabel()
    assert plotting.axis_range(np.array([96.4, 99.3]), "%")[0] == 0  # bars: always from 0
    assert plotting.axis_range(np.array([100.0, 100.0]), "%", zoom=True)[0] == 0  # no spread to show
    assert plotting.axis_range(np.array([96.4, 99.3]), "件", zoom=True)[0] == 0  # counts from 0


def test_a_rate_trend_shows_the_spread_too() -> None:
    years = pd.concat([_rates({REGION: v}, y) for y, v in zip(range(2021, 2025), [97.6, 99.0, 99.3, 97.7])])
    (ax,) = charts.trend_chart(facts.gather(years, REGION, YEAR), "disputes").figure.axes
    assert ax.get_ylim()[0] == 97 and ax.get_xlabel() == "纵轴自97%起，未从0起"  # half a point below 97.6%


HOSTILE_NAMES = [
    "新疆维吾尔自治区乌鲁木齐市达坂城区" * 3 + "某某街道办事处第一",  # 64 characters
    "某某市某某区某某街道某某社区居委会第一网格",  # 22 characters
    "😀示例区",
    "מחוז示例区",
    "示例\u200b区\u200f",
    "$x^2$区",
]


@pytest.mark.slow
def test_long_emoji_rtl_and_zero_width_region_names_render_in_every_chart() -> None:
    """Issue 18: a 22–64 character name broke every region's report ("Width and height must be non-negative")."""
    table = tidy.conform(
        pd.concat([with_years_and_peers(), _rates(dict.fromkeys(HOSTILE_NAMES, 97.0) | TIGHT)], ignore_index=True)
    )
    for region in (REGION, *HOSTILE_NAMES):
        found = facts.gather(table, region, YEAR, peers="all")  # names of no known level: compared all together
        svgs = [svg for s in analysis.sections_with_data(found.comparison) for svg in charts.chapter_charts(found, s)]
        assert svgs and all(ET.fromstring(svg).tag.endswith("svg") for svg in svgs)
    labels = [text for ax in svgs[-1].figure.axes for text in row_labels(ax)]
    assert "新疆维吾尔自治区\n乌鲁木齐市达坂…" in labels  # balanced lines of at most 8, cut with …
    assert all(len(line) <= plotting.REGION_CHARS for text in labels for line in text.split("\n"))
    assert all(text.count("\n") <= 1 for text in labels)
    assert {"□示例区", "□□□□示例区", "示例区", "$x^2$区"} <= set(labels)  # no glyph, no mark
    assert "$x^2$区" in _texts(svgs[-1])  # written as it is, not as mathematics


@pytest.mark.parametrize("offset", [(0, 6), (5, 0), (-3, -2)])
def test_a_value_label_sits_where_an_annotation_of_the_point_would(offset: tuple[float, float]) -> None:
    with plotting.house_style():
        fig = Figure(figsize=(4, 3))
        ax = fig.add_axes((0.2, 0.2, 0.7, 0.7), xlim=(0, 10), ylim=(95, 100))
        ax.annotate("12.5万元", (3, 97.5), textcoords="offset points", xytext=offset, va="center", fontsize=7.5)
        plotting.value_label(ax, 3, 97.5, "12.5万元", offset, va="center", fontsize=7.5)
        renderer = FigureCanvasAgg(fig).get_renderer()
        annotated, labelled = (t.get_window_extent(renderer).bounds for t in ax.texts)
    assert np.allclose(annotated, labelled) and annotated[0] > 0


def test_a_chart_label_is_drawable_wrapped_and_cut() -> None:
    assert plotting.label("新疆维吾尔自治区乌鲁木齐市达坂城区", 8, 2) == "新疆维吾尔自治区\n乌鲁木齐市达坂…"
    assert plotting.label("乌鲁木齐市达坂城区", 8, 2) == "乌鲁木齐市\n达坂城区"  # balanced: 5 + 4, not 8 + 1
    assert plotting.label("收到行政复议申请") == "收到行政复议申请"
    assert plotting.label("😀\u200b甲\u202e区") == "□甲区"
    assert plotting.label("") == ""
