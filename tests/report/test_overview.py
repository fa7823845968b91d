"""The regional overview of a year: coverage, rankings, outliers, highlights, and ``fazhi report --overview``.

The example table is small and worked out by hand (five regions of 2024 and one with an unmapped figure only):

    收到行政复议申请  甲 10, 乙 12, 丙 14, 丁 16, 戊 40   Q1 12, Q3 16, IQR 4, fences 6 and 22: 戊 is high
    行政应诉案件      甲 1, 乙 50, 丙 52, 丁 54, 戊 56    Q1 50, Q3 54, IQR 4, fences 44 and 60: 甲 is low
    行政诉讼败诉率    甲 3 %, 乙 5 %                       two regions: ranked, too few for quartiles
    行政复议结案      丙 8                                 one region: neither ranked nor examined
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import run_fazhi
from matplotlib.collections import PathCollection
from report_data import row_labels

from fazhi_analysis import project
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import charts, overview, overview_frames, plotting
from fazhi_analysis.table import regions, tidy

APPS = "disputes.reconsideration_applications"
CASES = "disputes.litigation_cases"
LOSS_RATE = "disputes.litigation_loss_rate"
CLOSED = "disputes.reconsideration_closed"
JIA, YI, BING, DING, WU, JI = (f"示例区{c}" for c in "甲乙丙丁戊己")


def _table(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit"])
    frame["approx"], frame["source"], frame["label"] = False, "示例.xlsx#表1!A1", "示例"
    return tidy.conform(frame)


EXAMPLE = _table(
    [
        (JIA, 2024, APPS, 10, "件"), (YI, 2024, APPS, 12, "件"), (BING, 2024, APPS, 14, "件"),
        (DING, 2024, APPS, 16, "件"), (WU, 2024, APPS, 40, "件"),
        (JIA, 2024, CASES, 1, "件"), (YI, 2024, CASES, 50, "件"), (BING, 2024, CASES, 52, "件"),
        (DING, 2024, CASES, 54, "件"), (WU, 2024, CASES, 56, "件"),
        (JIA, 2024, LOSS_RATE, 3, "%"), (YI, 2024, LOSS_RATE, 5, "%"),
        (BING, 2024, CLOSED, 8, "件"),
        (JI, 2024, None, 5, "类"),
        (JIA, 2023, APPS, 5, "件"), (JIA, 2022, CASES, 9, "件"),
    ]
)  # fmt: skip


@pytest.fixture(autouse=True)
def _bundled_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test in an empty project: the bundled settings and templates apply."""
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))


def test_every_region_of_the_year_and_a_missing_year_lists_the_years_held() -> None:
    assert overview_frames.regions_of(EXAMPLE, 2024) == sorted([JIA, YI, BING, DING, WU, JI])
    with pytest.raises(InputError, match="2019.*可用年度 / available years: 2022、2023、2024"):
        overview_frames.regions_of(EXAMPLE, 2019)


def test_coverage_marks_who_reported_what_for_indicators_any_region_reported() -> None:
    marks = overview_frames.coverage(EXAMPLE, 2024)
    assert marks.index.tolist() == [APPS, CLOSED, CASES, LOSS_RATE]  # catalog order, unreported ones left out
    assert marks.columns.tolist() == sorted([JIA, YI, BING, DING, WU, JI])
    assert marks.columns.tolist() == [DING, BING, YI, JI, WU, JIA]  # sorted as text
    assert marks.loc[APPS].tolist() == [True, True, True, False, True, True]
    assert marks.loc[CLOSED].tolist() == [False, True, False, False, False, False]
    assert marks.loc[LOSS_RATE].tolist() == [False, False, True, False, False, True]
    assert not marks[JI].any()  # a region whose figures are all unmapped is still a column
    assert overview_frames.coverage(EXAMPLE, 2023).loc[APPS].tolist() == [True]


def test_outliers_beyond_one_and_a_half_iqr_worked_by_hand() -> None:
    found = overview_frames.outliers(EXAMPLE, 2024)
    assert list(zip(found["indicator"], found["region"], found["side"])) == [(APPS, WU, "high"), (CASES, JIA, "low")]
    apps = found.iloc[0]
    assert (apps["q1"], apps["q3"], apps["low"], apps["high"]) == (12, 16, 6, 22)
    cases = found.iloc[1]
    assert (cases["q1"], cases["q3"], cases["low"], cases["high"]) == (50, 54, 44, 60)
    # Factor 6: 戊's 40 lies on the high fence 16 + 6 × 4 (on it is not beyond it); 甲's 1 is below 50 − 24.
    assert overview_frames.outliers(EXAMPLE, 2024, factor=6)["region"].tolist() == [JIA]
    # Factor 12.25: the low fence is 50 − 49 = 1, and 甲's 1 lies on it.
    assert overview_frames.outliers(EXAMPLE, 2024, factor=12.25).empty
    # Fewer regions than min_peers: no quartiles looked at.
    assert overview_frames.outliers(EXAMPLE, 2024, min_peers=6).empty


def test_an_outlier_also_lies_far_from_the_median_absolutely_and_relatively() -> None:
    regions = [JIA, YI, BING, DING, WU]
    near = _table([(r, 2024, APPS, v, "件") for r, v in zip(regions, [5, 5, 5, 5, 7])])
    assert overview_frames.outliers(near, 2024).empty  # beyond the fences (IQR 0), but 7 − 5 < 3
    far = _table([(r, 2024, APPS, v, "件") for r, v in zip(regions, [5, 5, 5, 5, 8])])
    assert far_rows(far) == [[WU, "high", 5, 5]]  # 8 − 5 = 3, and 60% of the median
    big = _table([(r, 2024, APPS, v, "件") for r, v in zip(regions, [100, 100, 101, 102, 120])])
    assert overview_frames.outliers(big, 2024).empty  # 20 beyond the fences (98.5, 103.5), but only 20% of 101
    rates = _table([(r, 2024, LOSS_RATE, v, "%") for r, v in zip(regions, [2, 2, 2, 2, 3])])
    assert overview_frames.outliers(rates, 2024).empty  # a rate needs 5 points


def test_a_rate_near_the_others_is_no_outlier_however_tight_they_are() -> None:
    """The example's 调解成功率 of 2024: 99.3% beyond the fence 99.15%, but 1.6 points from the median."""
    rate = "disputes.mediation_success_rate"
    regions = [JIA, YI, BING, DING, WU]
    tight = _table([(r, 2024, rate, v, "%") for r, v in zip(regions, [97.7, 99.3, 97.8, 96.4, 96.9])])
    assert overview_frames.outliers(tight, 2024).empty
    low = _table([(r, 2024, rate, v, "%") for r, v in zip(regions, [97.7, 99.3, 97.8, 96.4, 80.0])])
    assert far_rows(low) == [[WU, "low", pytest.approx(94.3), pytest.approx(99.9)]]  # 17.7 points, 18% below 97.7


def far_rows(table: pd.DataFrame) -> list:
    return overview_frames.outliers(table, 2024)[["region", "side", "low", "high"]].values.tolist()


def test_ranked_indicators_are_key_counts_then_rates_reported_by_two_or_more() -> None:
    assert overview_frames.ranked_indicators(EXAMPLE, 2024) == [APPS, CASES, LOSS_RATE]  # 结案: one region only
    assert overview_frames.ranked_indicators(EXAMPLE, 2023) == []


@pytest.mark.parametrize("regions", [None, [JIA, YI, BING], [WU, JIA]])
def test_a_groups_rankings_worked_out_at_once_are_each_indicators_ranking(regions: list[str] | None) -> None:
    ids = [APPS, CLOSED, CASES, LOSS_RATE]  # ranked or not, reported by one region or by several
    for one, ranked in zip(ids, overview_frames.rankings(EXAMPLE, 2024, ids, regions), strict=True):
        pd.testing.assert_frame_equal(ranked, overview_frames.ranking(EXAMPLE, 2024, one, regions))


def test_dot_plot_has_one_marker_per_reporting_region_and_a_linear_axis() -> None:
    ranked = overview_frames.ranking(EXAMPLE, 2024, LOSS_RATE)
    assert ranked["reported"].tolist() == [True, True, False, False, False, False]
    with plotting.house_style():
        fig = overview.ranking_figure(ranked)
    (ax,) = fig.axes
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    xy = dots.get_offsets()
    assert len(xy) == 2 and sorted(xy[:, 0].tolist()) == [3, 5]
    assert ax.get_xscale() == "linear" and ax.get_xlim()[0] == 0
    labels = row_labels(ax)
    assert set(labels) == {JIA, YI} and labels[YI] > labels[JIA]  # the highest on top
    assert ax.get_xlabel() == "%"  # one unit per chart
    single = overview_frames.ranking(EXAMPLE, 2024, CLOSED)
    with pytest.raises(ValueError, match="at least two"):
        overview.ranking_figure(single)


def test_regions_that_did_not_report_are_listed_not_ranked() -> None:
    ranked = overview_frames.ranking(EXAMPLE, 2024, LOSS_RATE)
    assert ranked.loc[~ranked["reported"], "rank"].isna().all()
    block = overview.ranking_block(ranked)
    assert f"未报告、不参与排名：{DING}、{BING}、{JI}、{WU}。" in block
    assert "2个地区报告，中位数4%。" in block
    svg = block[block.index("<svg") :]
    for region in (DING, BING, JI, WU):
        assert region not in svg
    assert "<svg" not in overview.ranking_block(overview_frames.ranking(EXAMPLE, 2024, CLOSED))  # no one-dot chart


@pytest.mark.slow
def test_highlights_and_coverage_show_every_region() -> None:
    page = overview.highlights(EXAMPLE, 2024) + overview.coverage_table(EXAMPLE, 2024)
    for region in (JIA, YI, BING, DING, WU, JI):
        assert f"<h3>{region}</h3>" in page and f"<th>{region}</th>" in page
    assert '<span class="kind">上升</span>收到行政复议申请由上年的5件增至10件' in page  # a small count: its size
    assert '<span class="kind">位次</span>行政应诉案件在5个地区中最少' in page  # no better: no praise, no blame


def test_outliers_table_says_the_rule_and_lists_the_two() -> None:
    html = overview.outliers_table(EXAMPLE, 2024)
    assert "至少有4个地区报告" in html and "1.5倍四分位距" in html
    assert "不小于中位数的50%（比率为5%）" in html and "不小于3（金额1万元，比率5个百分点）" in html
    assert '<td class="num" data-sort="40.0">40件</td><td class="num">14件</td><td class="num">12件～16件</td>' in html
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td class=\"num\" data-sort=\"([\d.]+)\">", html)
    assert rows == [("收到行政复议申请", WU, "40.0"), ("行政应诉案件", JIA, "1.0")]
    assert "偏高" in html and "偏低" in html


@pytest.mark.slow
def test_region_names_are_escaped_everywhere() -> None:
    hostile = "<script>alert(1)</script>甲"  # of unknown level, as the other regions: compared with them
    table = EXAMPLE.assign(region=EXAMPLE["region"].replace(JIA, hostile))
    ranked = overview_frames.ranking(table, 2024, LOSS_RATE)
    for html in (
        overview.title(table, 2024),
        overview.coverage_table(table, 2024),
        overview.highlights(table, 2024),
        overview.outliers_table(table, 2024),
        overview.ranking_block(ranked),
    ):
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_project_settings_file_with_an_unknown_indicator_is_refused(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "narrative"
    own.mkdir(parents=True)
    (own / "overview_year.yaml").write_text("key_indicators: [no.such_indicator]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"overview_year\.yaml.*no\.such_indicator"):
        overview_frames.settings()


def test_download_frame_holds_the_ranked_figures_with_chinese_columns() -> None:
    frame = overview.figures(EXAMPLE, 2024)
    columns = ["地区", "比较范围", "指标编号", "指标", "数值", "单位", "写法", "名次", "并列地区数", "报告地区数"]
    assert frame.columns.tolist() == columns
    apps = frame[frame["指标编号"] == APPS]
    assert apps["地区"].tolist()[:2] == [WU, DING] and apps["名次"].tolist()[:2] == [1, 2]
    assert apps["写法"].tolist()[:2] == ["40件", "16件"]
    assert set(frame["指标编号"]) == {APPS, CASES, LOSS_RATE}


# --- fazhi report --overview, end to end -------------------------------------------------------


def _overview_cli(tmp_path: Path, year: str, *extra: str, table: pd.DataFrame = EXAMPLE):
    data = tmp_path / "table.parquet"
    table.to_parquet(data)
    out = tmp_path / "out"
    args = ("report", "--overview", "--year", year, "--data", str(data), "--output-dir", str(out), *extra)
    return run_fazhi(*args, cwd=tmp_path), out / "overview" / year


def test_cli_overview_writes_every_region_and_asks_nothing_of_the_network(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>甲"  # of unknown level, as the other regions: compared with them
    table = EXAMPLE.assign(region=EXAMPLE["region"].replace(BING, hostile))
    result, folder = _overview_cli(tmp_path, "2024", "--formats", "html", table=table)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(folder / "regional_overview.html")
    html = (folder / "regional_overview.html").read_text(encoding="utf-8")
    assert (folder / "regional_overview.ipynb").is_file() and not (folder / "regional_overview.pdf").exists()
    for region in (JIA, YI, DING, WU, JI):
        assert region in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;甲" in html and "<script>alert" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<link" not in html and "@import" not in html
    assert html.count("<script>") == 1 and "Tablesort" in html  # the vendored sorter, inlined
    assert 'class="download" download="2024年各地区主要指标.csv" href="data:text/csv;charset=utf-8;base64,' in html
    xlsx = "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
    assert f'download="截至2024年各地区历年数据宽表.xlsx" href="{xlsx}' in html  # the wide table, inside the page
    assert (
        '<table class="figures coverage sortable">' in html
        and "<title>2024年度各地区法治政府建设数据概览</title>" in html
    )
    assert "disputes.reconsideration_correction_rate" not in html  # ids stay out of the page; names are shown


def test_cli_overview_of_a_missing_year_exits_2_listing_the_years(tmp_path: Path) -> None:
    result, folder = _overview_cli(tmp_path, "2019")
    assert result.returncode == 2
    assert "2019" in result.stderr and "可用年度 / available years: 2022、2023、2024" in result.stderr
    assert not folder.exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("report", "--year", "2024"), "--region"),
        (("report", "--overview", "--region", JIA, "--year", "2024"), "--region"),
        (("report", "--overview", "--year", "2024", "--compare-year", "2023"), "--compare-year"),
    ],
)
def test_cli_overview_and_region_go_alone(tmp_path: Path, args: tuple[str, ...], said: str) -> None:
    result = run_fazhi(*args, cwd=tmp_path)
    assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr


@pytest.mark.system
def test_cli_overview_prints_a_pdf_with_every_region(tmp_path: Path) -> None:
    import subprocess

    result, folder = _overview_cli(tmp_path, "2024")
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", str(folder / "regional_overview.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for region in (JIA, YI, BING, DING, WU, JI):
        assert region in text
    assert "下载本概览" not in text  # the download link is for the screen only


def test_regions_are_ranked_within_their_peer_groups_a_city_apart() -> None:
    listed = pd.DataFrame(
        {"region": [JIA, YI, BING, DING, WU], "level": ["县", "县", "县", "县", "市"],
         "parent": ["示例市"] * 4 + ["示例省"], "population": pd.NA, "group": pd.NA, "source": "regions.csv"}
    ).astype(regions.DTYPES)  # fmt: skip
    groups = overview.peer_groups(EXAMPLE, 2024, region_table=listed)
    assert groups == [
        ("同属示例市的区县", sorted([JIA, YI, BING, DING])),
        ("地区", [JI]),  # its level unknown: compared with no other
        ("同属示例省的市（州、盟）", [WU]),  # the city, kept apart
    ]
    ranked = overview_frames.ranking(EXAMPLE, 2024, APPS, groups[0][1])
    assert WU not in set(ranked["region"]) and ranked["median"].iloc[0] == 13  # 10, 12, 14, 16 without the city's 40
    heading = overview.rankings_heading(EXAMPLE, 2024, groups)
    assert "各地区只与同组地区排名，分为3组" in heading
    assert "同属示例市的区县：" in overview.group_heading(*groups[0], len(groups))
    frame = overview.figures(EXAMPLE, 2024, region_table=listed)
    assert set(frame.loc[frame["指标编号"] == APPS, "比较范围"]) == {"同属示例市的区县"}


def test_regions_outside_the_chosen_group_are_named_as_not_ranked_and_a_risk_is_labelled_once() -> None:
    listed = pd.DataFrame(
        {"region": [JIA, YI, BING], "level": "县", "parent": "示例市", "population": pd.NA, "group": "城区",
         "source": "regions.csv"}
    ).astype(regions.DTYPES)  # fmt: skip
    groups = overview.peer_groups(EXAMPLE, 2024, peers="group:城区", region_table=listed)
    assert groups == [("分组“城区”中的地区", sorted([JIA, YI, BING]))]
    heading = overview.rankings_heading(EXAMPLE, 2024, groups)
    assert f"不在所选比较范围内、不参与排名：{DING}、{JI}、{WU}。" in heading
    lost = _table([(JIA, 2024, "disputes.litigation_lost", 5, "件"), (YI, 2024, "disputes.litigation_lost", 1, "件"),
                   (BING, 2024, "disputes.litigation_lost", 0, "件")])  # fmt: skip
    page = overview.highlights(lost, 2024)
    assert '<span class="kind">位次</span>行政诉讼败诉案件在3个地区中最多（需关注）' in page  # 需关注 said once
    assert '<span class="kind">需关注</span>行政诉讼败诉案件在' not in page


def test_long_and_emoji_region_names_render_in_the_dot_plots() -> None:
    names = ["某某市某某区某某街道某某社区居委会第一网格", "😀示例区" * 8, "示例\u200b区", "מחוז示例区"]
    table = _table([(r, 2024, LOSS_RATE, v, "%") for r, v in zip(names, [97.7, 99.3, 96.4, 98.0])])
    with plotting.house_style():
        fig = overview.ranking_figure(overview_frames.ranking(table, 2024, LOSS_RATE))
    (ax,) = fig.axes
    labels = list(row_labels(ax))
    assert "某某市某某区某某\n街道某某社区居…" in labels and "示例区" in labels and "□□□□示例区" in labels
    assert ax.get_xlim()[0] > 90 and ax.get_xlabel() == "横轴自95%起，未从0起"
    assert "<svg" in overview.ranking_block(overview_frames.ranking(table, 2024, LOSS_RATE))


def test_regions_of_the_nullable_string_dtype_draw_their_dot_plots() -> None:
    """A built table's regions are pandas' ``string`` (NA semantics): compared with None they give NA, not False."""
    ranked = overview_frames.ranking(EXAMPLE, 2024, CASES)
    ranked = ranked.assign(region=ranked["region"].astype(pd.StringDtype("pyarrow", na_value=pd.NA)))
    with plotting.house_style():
        fig = overview.ranking_figure(ranked)
    assert len(row_labels(fig.axes[0])) == 5


# --- many regions: by group ---------------------------------------------------------------------


@pytest.fixture
def country(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An invented province of 20 counties in two cities over 2023–2024 (data/examples/make_scale.py), and the
    settings of a project for which more than 5 regions are many."""
    from test_scale_examples import generator

    generator().make(tmp_path / "p", counties=20, provinces=1, years=2, tidy=True)
    own = tmp_path / "templates" / "narrative"
    own.mkdir(parents=True)
    (own / "overview_year.yaml").write_text(
        "many_regions: 5\noutliers_per_indicator: 1\ndownloads_max_regions: 5\n", encoding="utf-8"
    )
    path = tmp_path / "p" / "indicators.parquet"
    return overview.gather(pd.read_parquet(path), 2024), regions.load(path)


def test_regions_are_grouped_by_the_nearest_level_with_few_enough_groups(country) -> None:
    table, listed = country
    names = overview_frames.regions_of(table, 2024)
    by, groups = overview_frames.region_groups(names, listed, 5)
    cities = listed.loc[listed["level"] == "市", "region"].tolist()
    assert by == "市" and [g for g, _ in groups] == sorted(cities) and len(cities) == 2
    assert sorted(r for _, members in groups for r in members) == names
    assert overview_frames.region_groups(names, listed, 1)[0] == "省"  # two cities are too many: their province
    assert overview_frames.region_groups(names, None, 5) == ("上级地区", [(overview_frames.UNPLACED, names)])


@pytest.mark.slow
def test_with_many_regions_each_part_of_the_overview_shows_groups(country) -> None:
    table, listed = country
    two = EXAMPLE[EXAMPLE["region"].isin([JIA, YI])]
    assert overview_frames.many(table, 2024) and not overview_frames.many(two, 2024)
    by, groups = overview_frames.groups_of(table, 2024, listed)
    sizes = [f"{name}（{len(members)}）" for name, members in groups]
    coverage = overview.coverage_table(table, 2024, listed)
    assert all(size in coverage for size in sizes) and "按所属市汇总" in coverage
    assert not any(f"<th>{r}</th>" in coverage for r in overview_frames.regions_of(table, 2024))
    title = overview.title(table, 2024, listed)
    assert "按所属市分为2组" in title and all(f"{name}{len(members)}个" in title for name, members in groups)
    peer_groups = overview.peer_groups(table, 2024, region_table=listed)
    blocks = overview.ranking_blocks(table, 2024, peer_groups, listed)
    assert len(blocks) == len(overview_frames.ranked_indicators(table, 2024)) and all("<svg" in b for b in blocks)
    assert "每行是一个市所辖" in overview.rankings_heading(table, 2024, peer_groups, listed)
    assert "各地区的年度报告" in overview.highlights(table, 2024) and "<h3>" not in overview.highlights(table, 2024)
    outliers = overview.outliers_table(table, 2024, listed)
    shown = overview_frames.outliers(table, 2024).groupby("indicator").size()
    assert outliers.count('<tr class="more">') == int((shown > 1).sum())
    assert overview.figures_link(table, 2024, "a.csv", "CSV") == ""
    assert "fazhi export --year 2024" in overview.workbook_link(table, 2024, "宽表.xlsx", "Excel")


def test_a_spread_chart_dots_each_region_or_boxes_them_beyond_strip_max() -> None:
    rows = [("甲市", np.array([1.0, 2.0, 3.0, 4.0, 30.0])), ("乙市", np.array([5.0, 6.0, 7.0]))]
    with plotting.house_style():
        strip = charts.spread_figure(rows, "件", ["件", "每点一个地区"], strip=True)
        boxes = charts.spread_figure(rows, "件", ["件", "点为须线外的地区"], strip=False)
    dots = [c for c in strip.axes[0].collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in dots) == 8
    at = row_labels(strip.axes[0])
    assert set(at) == {"甲市（5）", "乙市（3）"} and at["甲市（5）"] > at["乙市（3）"]  # the first on top
    assert not [c for c in boxes.axes[0].collections if isinstance(c, PathCollection)]
    fliers = [line for line in boxes.axes[0].lines if line.get_linestyle() == "None" and len(line.get_xdata())]
    assert [x for line in fliers for x in line.get_xdata()] == [30.0]  # beyond 1.5 box lengths: drawn alone


def test_cli_overview_of_many_regions_stays_small(tmp_path: Path) -> None:
    from test_scale_examples import generator

    generator().make(tmp_path / "p", counties=40, provinces=1, years=2, tidy=True)
    data, out = tmp_path / "p" / "indicators.parquet", tmp_path / "out"
    args = ("report", "--overview", "--year", "2024", "--data", str(data), "--output-dir", str(out))
    result = run_fazhi(*args, "--formats", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (out / "overview" / "2024" / "regional_overview.html").read_text(encoding="utf-8")
    assert "地区较多" in html and "各地区的年度报告" in html and html.count('class="ranking"') >= 10
    assert len(html.encode()) < 1_500_000  # 40 regions: the downloads (~0.7 MB) and 16 charts
