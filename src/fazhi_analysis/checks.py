"""Check a tidy indicator table against the schema and the catalog; return findings, never raise.

Rules (``rule`` column of the findings):

* ``schema`` (error): a missing column, a cell of the wrong type, a missing region, year or value,
  a year outside :data:`MIN_YEAR` … this year + 1, an indicator id that is not in the catalog —
  the contract :class:`~fazhi_analysis.table.tidy.TidyTable`, validated lazily, one finding a failure.
* ``region_name`` (error): a region that cannot name a folder — a path separator (``/``, ``\\``),
  ``.``, ``..`` or a ``..`` component, a control character (newline, tab, NUL …), leading or trailing
  whitespace, more than 64 characters (:func:`fazhi_analysis.table.names.safe_region`; also part of
  the contract). The messages show such a region escaped (``'甲区\\n'``).
* ``unit`` (error): the written unit is not one the catalog accepts for the indicator.
* ``duplicate`` (warning): the same region, year and indicator given twice by one file, same value.
* ``conflict`` (error): rows of the same region, year and indicator disagree — typically a
  department's table and a report text, or two tables. Every two values must agree: equal, or, when
  one of the two is approximate (余/多/约 …), differing by at most :data:`APPROX_TOLERANCE` of the larger.
* ``relation`` (error): a catalog relation fails (e.g. 结案 ≤ 收到).
* ``rate_range`` (error): a rate outside 0–100 (rates are in percent points).
* ``count_whole`` / ``negative`` (error): a count that is not a whole number; a count or amount below 0.
* ``completeness`` (warning): a region-year lacks some of the catalog's core indicators (``core: true``:
  行政复议, 行政应诉, 行政处罚 …), one finding naming them; other indicators are not expected of every report.
* ``rate_mismatch`` (warning): a rate the table reports differs from the one its two counts give
  (the catalog's ``derived`` rates, :func:`fazhi_analysis.analysis.rates.rates`) by more than the
  rounding of the reported rate to the decimals it is written with (wider when a figure is approximate).
* ``outlier`` (warning): a value changed from the previous year by more than ``outlier_threshold``
  (the larger of the two years exceeds ``1 + outlier_threshold`` times the smaller). A fall to 0 is
  flagged; a rise from 0 is not (there is no ratio to judge it by).

Every finding names region, year, indicator and source, in Chinese and English. The findings
table's own contract is :class:`FindingsTable`.

Example:
    >>> findings = check(table)                      # doctest: +SKIP
    >>> findings[findings["level"] == "error"]       # doctest: +SKIP
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog, names, tidy
from fazhi_analysis.table.tidy import KEY, MIN_YEAR, TIDY_COLUMNS, NAString, TidyTable
from fazhi_analysis.table.wording import format_number, plain_figure

ERROR, WARNING = "error", "warning"
RULES = (
    "schema",
    "region_name",
    "unit",
    "duplicate",
    "conflict",
    "relation",
    "rate_range",
    "count_whole",
    "negative",
    "completeness",
    "rate_mismatch",
    "outlier",
    "override",  # written by fazhi build (ingest.review): an analyst's override whose figure is gone
    "docx_table",  # written by fazhi build: a .docx table with figures but no header row, not read
    # written by fazhi build from data/raw/regions.csv|xlsx (table.regions): a level that is not 省/市/县, a region
    # listed twice, a population that is not a positive number, a region with figures but not listed, a listed
    # region without figures (warning), a …市 among 区县 whose level its name cannot tell (warning, no table)
    "regions_level",
    "regions_duplicate",
    "regions_population",
    "regions_missing",
    "regions_unused",
    "regions_inferred",
)
APPROX_TOLERANCE = 0.10
DEFAULT_OUTLIER_THRESHOLD = 1.0
_LEVEL_ORDER = {ERROR: 0, WARNING: 1}
_REQUIRED = ("region", "year", "indicator", "value", "unit", "source")  # without them a table is not checked


class FindingsTable(pa.DataFrameModel):
    """The findings' contract: one row per finding, a level and a rule of this module, two messages.

    Region, year, indicator and source are NA when a finding has none (a missing column; a
    completeness finding names no indicator).

    Example:
        >>> FindingsTable.validate(check(tidy.empty())).empty
        True
    """

    level: Series[NAString] = pa.Field(isin=[ERROR, WARNING])
    region: Series[NAString] = pa.Field(nullable=True)
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    indicator: Series[NAString] = pa.Field(nullable=True)
    source: Series[NAString] = pa.Field(nullable=True)
    rule: Series[NAString] = pa.Field(isin=list(RULES))
    message_zh: Series[NAString]
    message_en: Series[NAString]

    class Config:
        strict = True
        ordered = True


FINDING_DTYPES: dict[str, str] = {name: str(column.dtype) for name, column in FindingsTable.to_schema().columns.items()}
FINDING_COLUMNS = list(FINDING_DTYPES)


def check(table: pd.DataFrame, *, outlier_threshold: float = DEFAULT_OUTLIER_THRESHOLD) -> pd.DataFrame:
    """Validate a tidy table; return one row per finding (empty when all is well).

    Args:
        table: a tidy table (see :mod:`fazhi_analysis.table.tidy`); it is not modified.
        outlier_threshold: relative year-over-year change above which a value is flagged;
            1.0 flags a value that doubled or halved.

    Returns:
        A DataFrame with columns level ('error' | 'warning'), region, year, indicator, source,
        rule, message_zh, message_en, errors first, in a deterministic order.

    Example:
        >>> t = tidy.conform(pd.DataFrame({"region": ["甲区"], "year": [2024],
        ...     "indicator": ["disputes.litigation_loss_rate"], "value": [120.0], "unit": ["%"],
        ...     "approx": [False], "source": ["a.xlsx#表1!C3"]}))      # doctest: +SKIP
        >>> check(t)["rule"].tolist()                                      # doctest: +SKIP
        ['rate_range', 'completeness', ...]
    """
    if outlier_threshold <= 0 or not math.isfinite(outlier_threshold):
        raise InputError(f"离群阈值必须为正数 / outlier threshold must be a positive number: {outlier_threshold}")
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        return _finish(
            [
                _finding(
                    ERROR,
                    None,
                    None,
                    None,
                    None,
                    "schema",
                    f"缺少列：{'、'.join(missing)}",
                    f"missing columns: {', '.join(missing)}",
                )
            ]
        )
    frame, findings = _schema(table)
    good = frame[frame["_ok"]].drop(columns="_ok")
    mapped = good[good["indicator"].notna()]
    findings += _units(mapped)
    findings += _duplicates_and_conflicts(mapped)
    findings += _ranges(mapped)
    best = representative(mapped)
    findings += _relations(best)
    findings += _completeness(good)
    findings += _rate_mismatches(best)
    findings += _outliers(best, outlier_threshold)
    return _finish(findings)


def representative(table: pd.DataFrame) -> pd.DataFrame:
    """One row per region, year and indicator: an exact figure before an approximate one, then by source.

    Example:
        >>> representative(table)  # doctest: +SKIP
    """
    ordered = table.assign(_approx=table["approx"].fillna(False).astype(bool))
    ordered = ordered.sort_values(["_approx", "source"], kind="stable", na_position="last")
    return ordered.drop_duplicates(KEY).drop(columns="_approx").sort_values(KEY, kind="stable").reset_index(drop=True)


def has_errors(findings: pd.DataFrame) -> bool:
    """True when any finding is an error."""
    return bool((findings["level"] == ERROR).any())


def summary(findings: pd.DataFrame) -> str:
    """One bilingual line counting errors and warnings: ``2 个错误, 5 个警告 / 2 errors, 5 warnings``."""
    errors = int((findings["level"] == ERROR).sum())
    warnings = int((findings["level"] == WARNING).sum())
    return f"{errors} 个错误, {warnings} 个警告 / {errors} errors, {warnings} warnings"


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a tidy table from ``.parquet`` or ``.csv``, CSV cells as written (text), for checking.

    Raises:
        InputError: the file is missing, of another type or unreadable.
    """
    return tidy.read(path, text=True)


# --- rules ------------------------------------------------------------------------------------


def _schema(table: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Coerce the columns to the tidy types, validate against :class:`TidyTable`; flag cells that do not fit.

    Adds a boolean ``_ok``. A cell that cannot be read as a number is one finding; each failure of
    the contract in the cells that can is another.
    """
    frame = table.reindex(columns=TIDY_COLUMNS).reset_index(drop=True)
    findings: list[dict] = []
    bad = pd.Series(False, index=frame.index)
    for column in ("year", "value"):
        raw = frame[column]
        numeric = (
            pd.to_numeric(raw.astype("string").str.strip(), errors="coerce")
            if raw.dtype == object or pd.api.types.is_string_dtype(raw)
            else pd.to_numeric(raw, errors="coerce")
        )
        wrong = raw.notna() & numeric.isna()
        if column == "year":
            fractional = numeric.notna() & (numeric.astype("Float64") % 1 != 0)
            wrong |= fractional.fillna(False).astype(bool)
            numeric = numeric.where(~wrong)
        for i in np.flatnonzero(wrong.to_numpy()):
            findings.append(
                _row_finding(
                    frame,
                    i,
                    ERROR,
                    "schema",
                    f"{column} 列的值不是数字：{raw.iloc[i]}",
                    f"{column} is not a number: {raw.iloc[i]}",
                )
            )
        bad |= wrong
        frame[column] = numeric
    frame["year"] = frame["year"].astype("Float64").round().astype("Int64")
    frame["value"] = frame["value"].astype("Float64")
    region = frame["region"].astype("string")  # not stripped: a space around a region is a region_name error
    frame["region"] = region.mask(region.str.strip() == "")
    for column in ("indicator", "unit", "source", "raw", "label", "section", "reason"):
        frame[column] = frame[column].astype("string").str.strip().replace("", pd.NA)
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce").astype("Float64")
    approx = frame["approx"]
    if approx.dtype == object or pd.api.types.is_string_dtype(approx):
        approx = (
            approx.astype("string")
            .str.strip()
            .str.lower()
            .map({"true": True, "false": False, "1": True, "0": False}, na_action="ignore")
        )
    frame["approx"] = approx.astype("boolean")

    try:
        TidyTable.validate(frame[~bad], lazy=True)
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.itertuples(index=False):
            zh, en = _schema_message(str(case.column), str(case.check), case.failure_case)
            rule = "region_name" if case.check == "region_name" else "schema"
            if pd.isna(case.index):  # a failure of the whole table, not of a cell: not expected after coercion
                findings.append(_finding(ERROR, None, None, None, None, rule, zh, en))
                continue
            i = int(case.index)
            findings.append(_row_finding(frame, i, ERROR, rule, zh, en))
            bad.iloc[i] = True
    frame["_ok"] = ~bad.to_numpy()
    return frame, findings


def _schema_message(column: str, check_name: str, case: object) -> tuple[str, str]:
    """The messages of one failure of :class:`TidyTable`, by the name of the check that failed."""
    if check_name == "not_nullable":
        return f"{column} 列缺少值", f"{column} is missing"
    if check_name == "year_range":
        last = tidy.max_year()  # the limit TidyTable checked against
        return f"年度 {case} 超出范围 {MIN_YEAR}–{last}", f"year {case} outside {MIN_YEAR}–{last}"
    if check_name == "region_name":
        zh, en = names.region_problem(case) or ("", "")
        return f"地区名称不能用作文件夹名：{zh}", f"the region cannot name a folder: {en}"  # the region leads
    if check_name == "catalog_id":
        return f"指标编号 {case} 不在指标目录中", f"indicator id {case} is not in the catalog"
    return f"{column} 列不符合要求（{check_name}）：{case}", f"{column} fails {check_name}: {case}"


def _units(mapped: pd.DataFrame) -> list[dict]:
    accepted = catalog.indicators()["units"]
    pairs = {f"{ind}\x1f{unit}" for ind, units in accepted.items() for unit in units}
    ok = (mapped["indicator"].astype("string") + "\x1f" + mapped["unit"].astype("string").fillna("")).isin(pairs)
    findings = []
    for row in mapped[~ok.to_numpy(dtype=bool, na_value=False)].itertuples(index=False):
        units = "、".join(accepted[row.indicator])
        written = row.unit if pd.notna(row.unit) else "（无）"
        findings.append(
            _finding(
                ERROR,
                row.region,
                row.year,
                row.indicator,
                row.source,
                "unit",
                f"{_name(row.indicator)}的单位“{written}”不在可接受的单位（{units}）中",
                f"unit '{written}' is not an accepted unit of {row.indicator} ({', '.join(accepted[row.indicator])})",
            )
        )
    return findings


def origin(source: pd.Series) -> pd.Series:
    """The file part of a source: ``dept.xlsx#表1!C3`` → ``dept.xlsx``, ``report.txt:12:5`` → ``report.txt``."""
    return source.astype("string").str.replace(r"(#.*|:\d+:\d+)$", "", regex=True)


def _agree(values: list[float], approx: list[bool]) -> bool:
    """Whether every two values agree: equal, or within :data:`APPROX_TOLERANCE` when either is approximate.

    Pair by pair, so that an approximate figure between two exact ones that differ does not hide their conflict.
    """
    for i, (a, a_approx) in enumerate(zip(values, approx)):
        for b, b_approx in zip(values[i + 1 :], approx[i + 1 :]):
            tolerance = max(1e-9 * max(abs(a), abs(b)), 1e-9)
            if a_approx or b_approx:
                tolerance = max(tolerance, APPROX_TOLERANCE * max(abs(a), abs(b)))
            if abs(a - b) > tolerance:
                return False
    return True


def _duplicates_and_conflicts(mapped: pd.DataFrame) -> list[dict]:
    counts = mapped.groupby(KEY, sort=False, dropna=False)["value"].transform("size")
    multi = mapped[counts > 1].assign(_origin=lambda f: origin(f["source"]).fillna(""))
    findings = []
    for (region, year, indicator), group in multi.groupby(KEY, sort=True):
        group = group.sort_values("source", kind="stable", na_position="last")
        sources = "; ".join(group["source"].fillna("?"))
        values = group["value"].astype(float).tolist()
        approx = group["approx"].fillna(False).astype(bool).tolist()
        listing_zh = "，".join(
            f"{s} 为 {plain_figure(v, u, a)}"
            for s, v, u, a in zip(group["source"].fillna("?"), values, group["unit"], approx)
        )
        listing_en = ", ".join(
            f"{plain_figure(v, u, a)} in {s}"
            for s, v, u, a in zip(group["source"].fillna("?"), values, group["unit"], approx)
        )
        if not _agree(values, approx):
            findings.append(
                _finding(
                    ERROR,
                    region,
                    year,
                    indicator,
                    sources,
                    "conflict",
                    f"{_name(indicator)}的数值不一致：{listing_zh}",
                    f"conflicting values of {indicator}: {listing_en}",
                )
            )
        elif group["_origin"].duplicated().any():
            findings.append(
                _finding(
                    WARNING,
                    region,
                    year,
                    indicator,
                    sources,
                    "duplicate",
                    f"{_name(indicator)}在同一文件中重复出现：{listing_zh}",
                    f"{indicator} is given more than once by one file: {listing_en}",
                )
            )
    return findings


def _ranges(mapped: pd.DataFrame) -> list[dict]:
    kind = mapped["indicator"].map(catalog.indicators()["kind"])
    value = mapped["value"].astype(float)
    findings = []
    rules = [
        (
            (kind == "rate") & ((value < 0) | (value > 100)),
            "rate_range",
            "比率 {v} 超出 0–100 范围",
            "rate {v} outside 0–100",
        ),
        (kind.isin(["count", "amount"]) & (value < 0), "negative", "数值 {v} 为负数", "value {v} is negative"),
        (
            (kind == "count") & (value >= 0) & (value % 1 != 0),
            "count_whole",
            "计数 {v} 不是整数",
            "count {v} is not a whole number",
        ),
    ]
    for mask, rule, zh, en in rules:
        for row in mapped[mask.fillna(False).to_numpy(dtype=bool)].itertuples(index=False):
            v = plain_figure(row.value, row.unit, False)
            findings.append(
                _finding(
                    ERROR,
                    row.region,
                    row.year,
                    row.indicator,
                    row.source,
                    rule,
                    f"{_name(row.indicator)}：" + zh.format(v=v),
                    f"{row.indicator}: " + en.format(v=v),
                )
            )
    return findings


_OPS = {
    "<=": (np.less_equal, "≤"),
    ">=": (np.greater_equal, "≥"),
    "<": (np.less, "<"),
    ">": (np.greater, ">"),
    "==": (np.equal, "="),
}


def _relations(best: pd.DataFrame) -> list[dict]:
    findings = []
    by_id = best.set_index("indicator")
    for rel in catalog.relations().itertuples(index=False):
        if rel.left not in by_id.index or rel.right not in by_id.index:
            continue
        left = best[best["indicator"] == rel.left]
        right = best[best["indicator"] == rel.right]
        pairs = left.merge(right, on=["region", "year"], suffixes=("_l", "_r"))
        func, symbol = _OPS[rel.op]
        fails = pairs[~func(pairs["value_l"].astype(float), pairs["value_r"].astype(float))]
        for row in fails.itertuples(index=False):
            findings.append(
                _finding(
                    ERROR,
                    row.region,
                    row.year,
                    rel.left,
                    _sources(row.source_l, row.source_r),
                    "relation",
                    f"应满足 {_name(rel.left)} {symbol} {_name(rel.right)}，"
                    f"实际为 {plain_figure(row.value_l, row.unit_l)} 与 {plain_figure(row.value_r, row.unit_r)}",
                    f"expected {rel.left} {rel.op} {rel.right}, "
                    f"got {plain_figure(row.value_l)} and {plain_figure(row.value_r)}",
                )
            )
    return findings


def _completeness(good: pd.DataFrame) -> list[dict]:
    """One warning per region-year that lacks any of the catalog's core indicators (``core: true``), naming them.

    Only core indicators count: a report need not give every figure the catalog knows (a district's own
    programme, a department's part), but nearly every report gives 行政复议, 行政应诉 and 行政处罚.
    """
    names, core = _names(), catalog.core()
    present = good[good["indicator"].notna()].groupby(["region", "year"])["indicator"].agg(set)
    findings = []
    for region, year in good[["region", "year"]].drop_duplicates().sort_values(["region", "year"]).itertuples(False):
        lacking = [i for i in core if i not in present.get((region, year), set())]
        if lacking:
            findings.append(
                _finding(
                    WARNING,
                    region,
                    year,
                    None,
                    None,
                    "completeness",
                    f"缺少 {len(lacking)}/{len(core)} 项核心指标：{'、'.join(names[i] for i in lacking)}",
                    f"lacks {len(lacking)} of {len(core)} core indicators: {', '.join(lacking)}",
                )
            )
    return findings


def _rate_mismatches(best: pd.DataFrame) -> list[dict]:
    """Reported rates that their counts contradict beyond rounding (:func:`~fazhi_analysis.analysis.rates.rates`)."""
    from fazhi_analysis.analysis.rates import rates  # analysis reads the table this module checks

    found = rates(best)
    findings = []
    for row in found[(found["agrees"] == False).fillna(False)].itertuples(index=False):  # noqa: E712
        reported = plain_figure(row.reported, "%", row.reported_approx)
        computed = f"{format_number(row.computed, 2)}%"
        gap, allowed = format_number(abs(row.reported - row.computed), 2), format_number(row.tolerance, 6)
        counts_zh = f"{_count(row, 'numerator')} ÷ {_count(row, 'denominator')}"
        inputs = _sources(row.numerator_source, row.denominator_source)
        findings.append(
            _finding(
                WARNING,
                row.region,
                row.year,
                row.indicator,
                _sources(row.reported_source, row.numerator_source, row.denominator_source),
                "rate_mismatch",
                f"{_name(row.indicator)}报告为 {reported}（来源：{row.reported_source}），"
                f"按 {counts_zh} 计算为 {computed}（来源：{inputs}），相差 {gap} 个百分点，"
                f"超出四舍五入允许的 ±{allowed} 个百分点",
                f"{row.indicator} is reported as {reported} ({row.reported_source}) but {row.numerator} "
                f"{plain_figure(row.numerator_value)} / {row.denominator} {plain_figure(row.denominator_value)} "
                f"gives {computed} ({inputs}): {gap} points apart, beyond the ±{allowed} of rounding",
            )
        )
    return findings


def _count(row: tuple, role: str) -> str:
    """A count of a rate's row by its role (numerator, denominator): ``行政复议结案（disputes.…） 12件``."""
    value, unit, approx = (getattr(row, f"{role}_{field}") for field in ("value", "unit", "approx"))
    return f"{_name(getattr(row, role))} {plain_figure(value, unit, approx)}"


def _outliers(best: pd.DataFrame, threshold: float) -> list[dict]:
    current = best[["region", "year", "indicator", "value", "unit", "approx", "source"]]
    previous = current.assign(year=current["year"] + 1)
    pairs = current.merge(previous, on=KEY, suffixes=("", "_prev"))
    now, before = pairs["value"].astype(float), pairs["value_prev"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        fold = np.maximum(now.abs(), before.abs()) / np.minimum(now.abs(), before.abs())
    flagged = pairs[(before != 0) & (now != 0) & (fold > 1 + threshold) | ((before != 0) & (now == 0))]
    findings = []
    for row in flagged.itertuples(index=False):
        change = (row.value - row.value_prev) / abs(row.value_prev) * 100
        findings.append(
            _finding(
                WARNING,
                row.region,
                row.year,
                row.indicator,
                _sources(row.source, row.source_prev),
                "outlier",
                f"{_name(row.indicator)}同比变化 {change:+.1f}%（{row.year - 1}年 "
                f"{plain_figure(row.value_prev, row.unit_prev, row.approx_prev)} → {row.year}年 "
                f"{plain_figure(row.value, row.unit, row.approx)}），请核实",
                f"{row.indicator} changed {change:+.1f}% year over year "
                f"({plain_figure(row.value_prev)} → {plain_figure(row.value)}); please check",
            )
        )
    return findings


# --- helpers ----------------------------------------------------------------------------------


def _finding(level, region, year, indicator, source, rule, zh, en) -> dict:
    region = None if region is None or pd.isna(region) else str(region)
    year = None if year is None or pd.isna(year) else int(year)
    indicator = None if indicator is None or pd.isna(indicator) else str(indicator)
    source = None if source is None or pd.isna(source) else str(source)
    shown = None if region is None else names.shown(region)  # an unsafe region escaped: '甲区\n'
    where_zh = " ".join(x for x in (shown, f"{year}年" if year is not None else None) if x) or "（未知地区年度）"
    where_en = " ".join(x for x in (shown, str(year) if year is not None else None) if x) or "(unknown region/year)"
    tail_zh = f"（来源：{source}）" if source else ""
    tail_en = f" (source: {source})" if source else ""
    return {
        "level": level,
        "region": region,
        "year": year,
        "indicator": indicator,
        "source": source,
        "rule": rule,
        "message_zh": f"{where_zh}：{zh}{tail_zh}",
        "message_en": f"{where_en}: {en}{tail_en}",
    }


def _row_finding(frame: pd.DataFrame, i: int, level: str, rule: str, zh: str, en: str) -> dict:
    row = frame.iloc[i]
    year = pd.to_numeric(pd.Series([row["year"]]), errors="coerce").iloc[0]
    year = None if pd.isna(year) or year % 1 else int(year)
    region = row["region"] if isinstance(row["region"], str) else None
    indicator = row["indicator"] if isinstance(row["indicator"], str) else None
    source = row["source"] if isinstance(row["source"], str) else f"第 {i + 1} 行 / row {i + 1}"
    return _finding(level, region, year, indicator, source, rule, zh, en)


def _sources(*sources: object) -> str | None:
    unique = list(dict.fromkeys(str(s) for s in sources if s is not None and not pd.isna(s)))
    return "; ".join(unique) or None


def _finish(findings: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS).astype(FINDING_DTYPES)
    frame["_level"] = frame["level"].map(_LEVEL_ORDER)
    frame = frame.sort_values(
        ["_level", "region", "year", "indicator", "rule", "source"], kind="stable", na_position="last"
    )
    return frame.drop(columns="_level").reset_index(drop=True)


def _names() -> dict[str, str]:
    """Indicator names of the working catalog (not cached here: the catalog caches itself per project)."""
    return catalog.indicators()["name"].to_dict()


def _name(indicator: str) -> str:
    names = _names()
    return f"{names[indicator]}（{indicator}）" if indicator in names else str(indicator)


from fazhi_analysis.draft import check_draft  # noqa: E402, F401  (a draft report's check: draft.py)
