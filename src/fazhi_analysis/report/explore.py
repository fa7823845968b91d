"""Tables and charts for exploring the tidy table in a notebook (``notebooks/explore.ipynb``), in the report's ways.

Each value is written as the report writes it (:func:`~fazhi_analysis.table.wording.format_figure`, a chart's
figures in one form), each label is Chinese (names, not ids; 是/否, not True/False), a year axis has whole years
only, and the regions of a chart have colours distinct from each other's (by their order of name, so the same
regions keep the same colours from chart to chart). Charts are drawn in the report's house style
(:func:`~fazhi_analysis.report.plotting.house_style`) and shown as SVG.

Example:
    >>> import fazhi_analysis as fz
    >>> table = fz.load_table()                                        # doctest: +SKIP
    >>> fz.history_chart(fz.trend(table, "示例区甲", ["行政检查"]))      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from fazhi_analysis.report import plotting
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import common_magnitude, format_figure, format_number

__all__ = ["colours", "counts_chart", "history_chart", "ranking_chart", "rates_chart", "rates_view", "table_view"]


_HEADERS = {
    "region": "地区", "year": "年度", "figures": "数据项数", "section": "方面", "name": "指标", "label": "原文所写",
    "figure": "写法", "value": "数值（基本单位）", "unit": "单位", "approx": "约数", "source": "来源",
    "change": "同比变化", "change_pct": "同比变化（%）", "direction": "近三年走势", "streak": "连续变化年数",
    "reported": "已报告", "rank": "位次", "tied": "并列地区数", "n_reporting": "报告地区数", "median": "中位数",
    "scope": "比较范围", "per_10k": "每万人", "origin": "来源方式", "computed_text": "计算值",
    "reported_text": "报告值", "agrees": "是否一致", "formula": "算式",
}  # fmt: skip
_ORIGINS = {"computed": "按计数计算", "reported": "报告所写"}
_WIDTH_IN, _HEIGHT_IN = 6.8, 3.0


def _figures(frame: pd.DataFrame) -> pd.Series:
    """Each row's figure as the report writes it (``1547.16万元``, ``130余份``); ``—`` without a value."""
    raws = frame["raw"] if "raw" in frame.columns else pd.Series(None, index=frame.index)
    return pd.Series(
        [format_figure(v, u, a, r) if pd.notna(v) else "—"
         for v, u, a, r in zip(frame["value"], frame["unit"], frame["approx"], raws)],
        index=frame.index,
    )  # fmt: skip


def table_view(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> Styler:
    """``frame`` as a table to read: its figures written (写法) where it has values, Chinese headers, ``—`` for NA,
    text escaped, no index. ``columns`` picks and orders them (default: those :data:`_HEADERS` names)."""
    shown = frame.assign(figure=_figures(frame)) if {"value", "unit", "approx"} <= set(frame.columns) else frame
    if "section" in shown.columns:
        shown = shown.assign(section=shown["section"].map(catalog.sections()["title"]).fillna(shown["section"]))
    picked = [c for c in (columns or _HEADERS) if c in shown.columns]
    yes_no = {c: shown[c].map({True: "是", False: "否"}) for c in picked if pd.api.types.is_bool_dtype(shown[c])}
    view = shown[picked].assign(**yes_no).rename(columns=_HEADERS)
    return view.style.hide(axis="index").format(na_rep="—", precision=2, escape="html")


def colours(regions: Sequence[str]) -> dict[str, tuple]:
    """A colour per region, distinct from each other (a qualitative palette of 10, or 20 beyond ten regions)."""
    names = sorted(dict.fromkeys(str(r) for r in regions))
    palette = colormaps["tab10" if len(names) <= 10 else "tab20"]
    return {name: palette(n % palette.N) for n, name in enumerate(names)}


def _figure(height: float = _HEIGHT_IN) -> tuple[Figure, object]:
    fig = Figure(figsize=(_WIDTH_IN, height), layout="constrained")
    return fig, fig.add_subplot()


def _drawn(fig: Figure, alt: str) -> plotting.Svg:
    svg = plotting.to_svg(fig)
    svg.alt = alt
    return svg


def _nothing(said: str) -> plotting.Svg:
    """A chart with nothing to draw says so (a region that never reported the indicator, a year without rates)."""
    with plotting.house_style():
        fig, ax = _figure(0.8)
        ax.set_axis_off()
        ax.text(0.0, 0.5, said, fontsize=9, va="center")
        return _drawn(fig, said)


def _by_year(rows: pd.DataFrame, column: str, years: list[int]) -> np.ndarray:
    """``column`` of one region's rows for each of ``years``, NaN where a year is missing (a gap in its line)."""
    return rows.set_index(rows["year"].astype(int))[column].astype(float).reindex(years).to_numpy()


def _year_axis(ax, years: Sequence[int]) -> None:
    """Whole years only, each one ticked, with room at both ends."""
    years = sorted(int(y) for y in years)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)


def counts_chart(held: pd.DataFrame) -> plotting.Svg:
    """How many figures each region has in each year (:func:`~fazhi_analysis.analysis.available`): a line a region."""
    years = list(range(int(held["year"].min()), int(held["year"].max()) + 1))
    with plotting.house_style():
        fig, ax = _figure()
        for region, rows in held.groupby("region", sort=True):
            ax.plot(years, _by_year(rows, "figures", years), marker="o", color=colours(held["region"])[region],
                    label=plotting.region_label(region))  # fmt: skip
        _year_axis(ax, years)
        ax.set_ylim(0, max(float(held["figures"].max()) * 1.2, 1.0))
        ax.set_title("各地区各年度数据项数")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _drawn(fig, "各地区各年度数据项数")


def history_chart(rows: pd.DataFrame, title: str | None = None) -> plotting.Svg:
    """One indicator over the years (:func:`~fazhi_analysis.analysis.trend`, or tidy rows of several regions): a line
    a region in its colour, each point labelled in the chart's one form, a gap where a year is missing."""
    if rows.empty:
        return _nothing("没有数据 / nothing to draw")
    unit = str(rows["unit"].dropna().iloc[0])
    divisor, shown_unit = plotting.scale(unit)
    magnitude = common_magnitude(rows["value"], rows["unit"], rows.get("raw", pd.Series(None, index=rows.index)))
    years = list(range(int(rows["year"].min()), int(rows["year"].max()) + 1))
    title = title or f"{rows['name'].dropna().iloc[0]}（{shown_unit}）"
    with plotting.house_style():
        fig, ax = _figure()
        for region, own in rows.groupby("region", sort=True):
            ax.plot(years, _by_year(own, "value", years) / divisor, marker="o", color=colours(rows["region"])[region],
                    label=plotting.region_label(region))  # fmt: skip
            for row in own.itertuples():
                ax.annotate(format_figure(row.value, row.unit, row.approx, getattr(row, "raw", None), magnitude),
                            (row.year, float(row.value) / divisor), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=7.5)  # fmt: skip
        _year_axis(ax, years)
        plotting.value_axis(ax, rows["value"].astype(float).to_numpy() / divisor, unit, "y", zoom=True)
        ax.set_title(plotting.label(title, 40, 2))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _drawn(fig, title)


def ranking_chart(ranked: pd.DataFrame, title: str | None = None) -> plotting.Svg:
    """One indicator among the regions of a year (:func:`~fazhi_analysis.analysis.peers`): a bar a region that
    reported, highest first, in its colour, labelled as the report writes it; those that did not named below."""
    shown = ranked[ranked["reported"]].sort_values("value", ascending=True, kind="stable")
    if shown.empty:
        return _nothing("没有地区报告 / no region reported it")
    unit = str(shown["unit"].iloc[0])
    divisor, shown_unit = plotting.scale(unit)
    magnitude = common_magnitude(shown["value"], shown["unit"], shown["raw"])
    title = title or f"{shown['name'].iloc[0]}（{shown_unit}）"
    missing = ranked.loc[~ranked["reported"], "region"].astype(str).tolist()
    with plotting.house_style():
        fig, ax = _figure(0.45 + 0.32 * len(shown))
        palette = colours(ranked["region"])
        values = shown["value"].astype(float).to_numpy() / divisor
        ax.barh(
            [plotting.region_label(r) for r in shown["region"]], values, color=[palette[r] for r in shown["region"]]
        )
        for y, row in enumerate(shown.itertuples()):
            ax.annotate(format_figure(row.value, row.unit, row.approx, row.raw, magnitude), (values[y], y),
                        textcoords="offset points", xytext=(3, 0), va="center", fontsize=7.5)  # fmt: skip
        plotting.value_axis(ax, np.append(values, 0.0), unit, "x")
        ax.set_title(plotting.label(title, 40, 2))
        ax.set_xlabel(f"未报告：{'、'.join(missing)}" if missing else "")
        return _drawn(fig, title)


def rates_view(rated: pd.DataFrame, year: int) -> Styler:
    """The rates of ``year`` (:func:`~fazhi_analysis.analysis.rates`) to read: how each came (按计数计算 when no figure
    gives it, else 报告所写, the computed one beside it) and whether the two agree."""
    rated = rated[rated["year"] == int(year)]
    shown = rated.assign(
        origin=rated["origin"].map(_ORIGINS),
        computed_text=_rates(rated["computed"], rated["approx"]),
        reported_text=_rates(rated["reported"], rated["approx"], rated["reported_raw"]),
        agrees=rated["agrees"].map({True: "一致", False: "不一致"}),
    )
    columns = ["region", "year", "name", "origin", "computed_text", "reported_text", "agrees", "formula"]
    return table_view(shown, columns)


def _rates(values: pd.Series, approx: pd.Series, raws: pd.Series | None = None) -> list[str]:
    raws = raws if raws is not None else pd.Series(None, index=values.index)
    return [format_figure(v, "%", a, r) if pd.notna(v) else "—" for v, a, r in zip(values, approx, raws)]


def rates_chart(rated: pd.DataFrame, year: int) -> plotting.Svg:
    """The rates of the regions in ``year`` (:func:`~fazhi_analysis.analysis.rates`): a panel a rate, a bar a region
    in its colour, labelled with the value and how it came (计算 or 报告)."""
    palette = colours(rated["region"])  # every region's colour, whichever year is shown
    rated = rated[(rated["year"] == int(year)) & rated["value"].notna()]
    names, title = list(dict.fromkeys(rated["name"])), f"{int(year)}年各地区比率"
    if not names:
        return _nothing(f"{int(year)}年没有可计算或报告的比率 / no rates")
    with plotting.house_style():
        fig = Figure(figsize=(_WIDTH_IN, 0.6 + sum(0.5 + 0.28 * (rated["name"] == n).sum() for n in names)),
                     layout="constrained")  # fmt: skip
        for ax, name in zip(fig.subplots(len(names), 1, squeeze=False)[:, 0], names):
            rows = rated[rated["name"] == name].sort_values("region")
            ax.barh([plotting.region_label(r) for r in rows["region"]], rows["value"].astype(float),
                    color=[palette[r] for r in rows["region"]])  # fmt: skip
            for y, row in enumerate(rows.itertuples()):
                how = "计算" if row.origin == "computed" else "报告"
                said = f"{format_figure(row.value, '%', row.approx)}（{how}）"
                ax.annotate(said, (float(row.value), y), textcoords="offset points", xytext=(3, 0), va="center",
                            fontsize=7.5)  # fmt: skip
            ax.set_xlim(0, 125)
            ax.set_xticks([0, 25, 50, 75, 100], [format_number(t) for t in (0, 25, 50, 75, 100)])
            ax.set_title(f"{name}（%）", fontsize=9)
        fig.suptitle(title, fontsize=10, x=0.01, ha="left")
        return _drawn(fig, title)
