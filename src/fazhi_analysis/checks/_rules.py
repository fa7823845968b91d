"""The rules on the values: units, ranges, relations, completeness, rate mismatches and outliers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.checks._findings import findings_of, named, source_list
from fazhi_analysis.table import catalog
from fazhi_analysis.table.findings import ERROR, WARNING
from fazhi_analysis.table.rates import RATE_COLUMNS, rates
from fazhi_analysis.table.tidy import KEY
from fazhi_analysis.table.wording import SMALL_COUNT, format_number, plain_figure

__all__ = ["completeness", "outliers", "ranges", "rate_mismatches", "relations", "units"]


def units(mapped: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    accepted = catalog.indicators()["units"]
    pairs = {f"{ind}\x1f{unit}" for ind, units in accepted.items() for unit in units}
    ok = (mapped["indicator"].astype("string") + "\x1f" + mapped["unit"].astype("string").fillna("")).isin(pairs)
    rows = mapped[~ok.to_numpy(dtype=bool, na_value=False)]
    written = ["（无）" if pd.isna(unit) else unit for unit in rows["unit"]]
    zh = [
        f"{named(ind, names)}的单位“{unit}”不在可接受的单位（{'、'.join(accepted[ind])}）中"
        for ind, unit in zip(rows["indicator"], written)
    ]
    en = [
        f"unit '{unit}' is not an accepted unit of {ind} ({', '.join(accepted[ind])})"
        for ind, unit in zip(rows["indicator"], written)
    ]
    return findings_of(rows, ERROR, "unit", zh, en)


def ranges(mapped: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    kind = mapped["indicator"].map(catalog.indicators()["kind"])
    value = mapped["value"].astype(float)
    rules = [
        ((kind == "rate") & ((value < 0) | (value > 100)), "rate_range", "比率 {v} 超出 0–100 范围",
         "rate {v} outside 0–100"),
        (kind.isin(["count", "amount"]) & (value < 0), "negative", "数值 {v} 为负数", "value {v} is negative"),
        ((kind == "count") & (value >= 0) & (value % 1 != 0), "count_whole", "计数 {v} 不是整数",
         "count {v} is not a whole number"),
    ]  # fmt: skip
    found = []
    for mask, rule, zh, en in rules:
        rows = mapped[mask.fillna(False).to_numpy(dtype=bool)]
        shown = [plain_figure(v, u, False) for v, u in zip(rows["value"], rows["unit"])]
        ids = rows["indicator"].tolist()
        found.append(
            findings_of(rows, ERROR, rule, [f"{named(i, names)}：" + zh.format(v=v) for i, v in zip(ids, shown)],
                      [f"{i}: " + en.format(v=v) for i, v in zip(ids, shown)])
        )  # fmt: skip
    return pd.concat(found, ignore_index=True)


_OPS = {
    "<=": (np.less_equal, "≤"),
    ">=": (np.greater_equal, "≥"),
    "<": (np.less, "<"),
    ">": (np.greater, ">"),
    "==": (np.equal, "="),
}


def relations(best: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The catalog relations that fail (e.g. 结案 ≤ 收到), a finding each region-year: every relation at once (two
    merges), in catalog order, each relation's pairs in the order of ``best``."""
    rules = catalog.relations().rename_axis("_rule").reset_index()
    figures = best[["region", "year", "indicator", "value", "unit", "source"]].assign(_row=range(len(best)))
    left = figures.merge(rules, left_on="indicator", right_on="left")
    pairs = left.merge(figures, left_on=["region", "year", "right"], right_on=["region", "year", "indicator"],
                       suffixes=("_l", "_r")).sort_values(["_rule", "_row_l"], kind="stable")  # fmt: skip
    value_l, value_r = pairs["value_l"].astype(float).to_numpy(), pairs["value_r"].astype(float).to_numpy()
    holds = np.ones(len(pairs), dtype=bool)
    for op, (func, _) in _OPS.items():
        at = (pairs["op"] == op).to_numpy(dtype=bool)
        holds[at] = func(value_l[at], value_r[at])
    fails = pairs[~holds]
    rows = fails.assign(indicator=fails["left"], source=list(map(source_list, fails["source_l"], fails["source_r"])))
    zh, en = [], []
    for rel in fails.itertuples(index=False):
        zh.append(
            f"应满足 {named(rel.left, names)} {_OPS[rel.op][1]} {named(rel.right, names)}，"
            f"实际为 {plain_figure(rel.value_l, rel.unit_l)} 与 {plain_figure(rel.value_r, rel.unit_r)}"
        )
        en.append(
            f"expected {rel.left} {rel.op} {rel.right}, got {plain_figure(rel.value_l)} and {plain_figure(rel.value_r)}"
        )
    return findings_of(rows, ERROR, "relation", zh, en)


def completeness(good: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One warning per region-year that lacks any of the catalog's core indicators (``core: true``), naming them.

    Only core indicators count: a report need not give every figure the catalog knows (a district's own
    programme, a department's part), but nearly every report gives 行政复议, 行政应诉 and 行政处罚.
    """
    core = catalog.core()
    pairs = good[["region", "year"]].drop_duplicates().sort_values(["region", "year"]).reset_index(drop=True)
    present = good.loc[good["indicator"].isin(core), ["region", "year", "indicator"]].drop_duplicates()
    held = pd.MultiIndex.from_frame(present).droplevel("indicator")
    lacking = np.ones((len(pairs), len(core)), dtype=bool)
    at = pd.MultiIndex.from_frame(pairs).get_indexer(held)
    lacking[at, [core.index(i) for i in present["indicator"]]] = False
    rows = pairs[lacking.any(axis=1)]
    missing = [[c for c, gone in zip(core, flags) if gone] for flags in lacking[lacking.any(axis=1)]]
    zh = [f"缺少 {len(m)}/{len(core)} 项核心指标：{'、'.join(names[i] for i in m)}" for m in missing]
    en = [f"lacks {len(m)} of {len(core)} core indicators: {', '.join(m)}" for m in missing]
    return findings_of(rows, WARNING, "completeness", zh, en)


def rate_mismatches(best: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Reported rates that their counts contradict beyond rounding (:func:`~fazhi_analysis.table.rates.rates`).

    Only the region-years that report a rate can hold a mismatch, so only theirs are computed (most tables report
    none: then nothing is).
    """
    place = pd.MultiIndex.from_frame(best[["region", "year"]])
    reporting = place.isin(place[best["indicator"].isin(catalog.derived().index).to_numpy(dtype=bool)])
    found = rates(best[reporting]) if reporting.any() else pd.DataFrame(columns=RATE_COLUMNS)
    found = found[(found["agrees"] == False).fillna(False).to_numpy(dtype=bool)]  # noqa: E712
    zh, en, sources = [], [], []
    for row in found.itertuples(index=False):
        reported = plain_figure(row.reported, "%", row.reported_approx)
        computed = f"{format_number(row.computed, 2)}%"
        gap, allowed = format_number(abs(row.reported - row.computed), 2), format_number(row.tolerance, 6)
        counts_zh = f"{_count(row, 'numerator', names)} ÷ {_count(row, 'denominator', names)}"
        inputs = source_list(row.numerator_source, row.denominator_source)
        sources.append(source_list(row.reported_source, row.numerator_source, row.denominator_source))
        zh.append(
            f"{named(row.indicator, names)}报告为 {reported}（来源：{row.reported_source}），"
            f"按 {counts_zh} 计算为 {computed}（来源：{inputs}），相差 {gap} 个百分点，"
            f"超出四舍五入允许的 ±{allowed} 个百分点"
        )
        en.append(
            f"{row.indicator} is reported as {reported} ({row.reported_source}) but {row.numerator} "
            f"{plain_figure(row.numerator_value)} / {row.denominator} {plain_figure(row.denominator_value)} "
            f"gives {computed} ({inputs}): {gap} points apart, beyond the ±{allowed} of rounding"
        )
    return findings_of(found.assign(source=sources), WARNING, "rate_mismatch", zh, en)


def _count(row: tuple, role: str, names: dict[str, str]) -> str:
    """A count of a rate's row by its role (numerator, denominator): ``行政复议结案（disputes.…） 12件``."""
    value, unit, approx = (getattr(row, f"{role}_{field}") for field in ("value", "unit", "approx"))
    return f"{named(getattr(row, role), names)} {plain_figure(value, unit, approx)}"


def outliers(best: pd.DataFrame, threshold: float, names: dict[str, str]) -> pd.DataFrame:
    current = best[["region", "year", "indicator", "value", "unit", "approx", "source"]]
    previous = current.assign(year=current["year"] + 1)
    pairs = current.merge(previous, on=KEY, suffixes=("", "_prev"))
    now, before = pairs["value"].astype(float), pairs["value_prev"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        fold = np.maximum(now.abs(), before.abs()) / np.minimum(now.abs(), before.abs())
    small = (pairs["unit"] != "%") & ((now - before).abs() < SMALL_COUNT)  # 3 → 1 is no −66.7% to check
    flagged = pairs[((before != 0) & (now != 0) & (fold > 1 + threshold) | ((before != 0) & (now == 0))) & ~small]
    zh, en = [], []
    for row in flagged.itertuples(index=False):
        change = (row.value - row.value_prev) / abs(row.value_prev) * 100
        zh.append(
            f"{named(row.indicator, names)}同比变化 {change:+.1f}%（{row.year - 1}年 "
            f"{plain_figure(row.value_prev, row.unit_prev, row.approx_prev)} → {row.year}年 "
            f"{plain_figure(row.value, row.unit, row.approx)}），请核实"
        )
        en.append(
            f"{row.indicator} changed {change:+.1f}% year over year "
            f"({plain_figure(row.value_prev)} → {plain_figure(row.value)}); please check"
        )
    rows = flagged.assign(source=[source_list(a, b) for a, b in zip(flagged["source"], flagged["source_prev"])])
    return findings_of(rows, WARNING, "outlier", zh, en)
