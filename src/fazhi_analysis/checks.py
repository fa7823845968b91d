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
  one of the two is approximate (余/多/约 …), differing by at most
  :data:`~fazhi_analysis.table.numbers.APPROX_TOLERANCE` of the larger.
* ``relation`` (error): a catalog relation fails (e.g. 结案 ≤ 收到).
* ``rate_range`` (error): a rate outside 0–100 (rates are in percent points).
* ``count_whole`` / ``negative`` (error): a count that is not a whole number; a count or amount below 0.
* ``completeness`` (warning): a region-year lacks some of the catalog's core indicators (``core: true``:
  行政复议, 行政应诉, 行政处罚 …), one finding naming them; other indicators are not expected of every report.
* ``rate_mismatch`` (warning): a rate the table reports differs from the one its two counts give
  (the catalog's ``derived`` rates, :func:`fazhi_analysis.table.rates.rates`) by more than the
  rounding of the reported rate to the decimals it is written with (wider when a figure is approximate).
* ``outlier`` (warning): a value changed from the previous year by more than ``outlier_threshold``
  (the larger of the two years exceeds ``1 + outlier_threshold`` times the smaller). A fall to 0 is
  flagged; a rise from 0 is not (there is no ratio to judge it by).

Every finding names region, year, indicator and source, in Chinese and English. The findings
table's own contract is :class:`fazhi_analysis.table.findings.FindingsTable`.

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

from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog, names, tidy
from fazhi_analysis.table.findings import ERROR, FINDING_COLUMNS, FINDING_DTYPES, WARNING
from fazhi_analysis.table.numbers import APPROX_TOLERANCE
from fazhi_analysis.table.rates import rates
from fazhi_analysis.table.tidy import KEY, MIN_YEAR, TIDY_COLUMNS, TidyTable
from fazhi_analysis.table.wording import SMALL_COUNT, format_number, plain_figure

DEFAULT_OUTLIER_THRESHOLD = 1.0
PER_KIND = 50  # findings of one kind that people are shown (findings.csv, the command line); the rest are counted
_LEVEL_ORDER = {ERROR: 0, WARNING: 1}
_REQUIRED = ("region", "year", "indicator", "value", "unit", "source")  # without them a table is not checked
_RULE_COLUMNS = [*_REQUIRED, "approx", "raw"]  # what the rules after the schema read


def check(table: pd.DataFrame, *, outlier_threshold: float = DEFAULT_OUTLIER_THRESHOLD) -> pd.DataFrame:
    """Validate a tidy table; return one row per finding (empty when all is well).

    Each rule finds its rows at once over the whole table (linear in its rows); messages are written only
    for the rows that fail. :func:`capped` shortens a long list for people.

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
        zh, en = f"缺少列：{'、'.join(missing)}", f"missing columns: {', '.join(missing)}"
        return _finish([_findings(pd.DataFrame(index=range(1)), ERROR, "schema", [zh], [en])])
    names = _names()
    frame, found = _schema(table)
    good = frame.loc[frame["_ok"], _RULE_COLUMNS]
    mapped = good[good["indicator"].notna()]
    found += [_units(mapped, names), _duplicates_and_conflicts(mapped, names), _ranges(mapped, names)]
    best = representative(mapped)
    found += [_relations(best, names), _completeness(good, names), _rate_mismatches(best, names)]
    found.append(_outliers(best, outlier_threshold, names))
    return _finish(found)


def capped(findings: pd.DataFrame, per_kind: int | None = PER_KIND) -> pd.DataFrame:
    """The first ``per_kind`` findings of each level and rule, in their order, errors first, and after those of a
    level one row for each kind with more, counting the others: ``及同类 119,950 条 / and 119,950 more of this
    kind`` (None: all).

    For people: ``findings.csv``, ``fazhi build``'s and ``fazhi validate``'s lists. ``findings.parquet`` keeps
    every finding (a report lists those of its own region and year).

    Example:
        >>> t = tidy.conform(pd.DataFrame({"region": ["甲区", "乙区", "丙区"], "year": 2024, "value": 5.0,
        ...     "indicator": "disputes.litigation_cases", "unit": "人次", "source": "a.csv"}))
        >>> shown = capped(check(t), 1)
        >>> print("\\n".join(shown.loc[shown["region"].isna(), "message_en"]))
        unit: and 2 more of this kind (the first 1 are listed)
        completeness: and 2 more of this kind (the first 1 are listed)
    """
    if per_kind is None:
        return findings
    kind = [findings["level"], findings["rule"]]
    kept = findings[findings.groupby(kind, sort=False).cumcount().to_numpy() < per_kind]
    counts = findings.groupby(kind, sort=False).size()
    more = (counts[counts > per_kind] - per_kind).reset_index(name="n")
    counted = list(zip(more["rule"], more["n"]))
    zh = [f"{rule}：及同类 {n:,} 条（以上列出前 {per_kind} 条）" for rule, n in counted]
    en = [f"{rule}: and {n:,} more of this kind (the first {per_kind} are listed)" for rule, n in counted]
    summary = pd.DataFrame({"level": more["level"].to_numpy(), "rule": more["rule"].to_numpy(), "message_zh": zh,
                            "message_en": en}, columns=FINDING_COLUMNS).astype(FINDING_DTYPES)  # fmt: skip
    both = pd.concat([kept, summary], ignore_index=True) if len(summary) else kept
    return both.sort_values("level", key=lambda level: level.map(_LEVEL_ORDER), kind="stable").reset_index(drop=True)


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


def _schema(table: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Coerce the columns to the tidy types, validate against :class:`TidyTable`; flag cells that do not fit.

    Adds a boolean ``_ok``. A cell that cannot be read as a number is one finding; each failure of
    the contract in the cells that can is another.
    """
    frame = table.reindex(columns=TIDY_COLUMNS).reset_index(drop=True)
    bad = np.zeros(len(frame), dtype=bool)
    cells: list[tuple[int, str, str]] = []  # (position, zh, en) of the cells that are not numbers
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
            cells.append((i, f"{column} 列的值不是数字：{raw.iloc[i]}", f"{column} is not a number: {raw.iloc[i]}"))
        bad |= wrong.to_numpy(dtype=bool)
        frame[column] = numeric
    found = [_findings(_located(frame, [i for i, _, _ in cells]), ERROR, "schema", *_messages(cells))]
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
    found += _contract(frame, bad)
    frame["_ok"] = ~bad
    return frame, found


def _contract(frame: pd.DataFrame, bad: np.ndarray) -> list[pd.DataFrame]:
    """The failures of :class:`TidyTable` in the rows not yet ``bad`` (marked bad here), a finding each."""
    try:  # in place: the contract coerces nothing, and a million rows are not copied to be read
        TidyTable.validate(frame[~bad] if bad.any() else frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        rule = np.where(cases["check"].astype(str) == "region_name", "region_name", "schema")
        zh, en = zip(*(_schema_message(str(c.column), str(c.check), c.failure_case) for c in cases.itertuples()))
        whole = cases["index"].isna().to_numpy()  # a failure of the whole table, not of a cell: not expected
        at = cases.loc[~whole, "index"].astype(int).tolist()
        bad[at] = True
        pick = np.flatnonzero(~whole)
        return [
            _findings(pd.DataFrame(index=range(int(whole.sum()))), ERROR, rule[whole].tolist(),
                      np.array(zh, object)[whole].tolist(), np.array(en, object)[whole].tolist()),
            _findings(_located(frame, at), ERROR, rule[pick].tolist(), [zh[k] for k in pick], [en[k] for k in pick]),
        ]  # fmt: skip
    return []


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


def _units(mapped: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    accepted = catalog.indicators()["units"]
    pairs = {f"{ind}\x1f{unit}" for ind, units in accepted.items() for unit in units}
    ok = (mapped["indicator"].astype("string") + "\x1f" + mapped["unit"].astype("string").fillna("")).isin(pairs)
    rows = mapped[~ok.to_numpy(dtype=bool, na_value=False)]
    written = ["（无）" if pd.isna(unit) else unit for unit in rows["unit"]]
    zh = [
        f"{_name(ind, names)}的单位“{unit}”不在可接受的单位（{'、'.join(accepted[ind])}）中"
        for ind, unit in zip(rows["indicator"], written)
    ]
    en = [
        f"unit '{unit}' is not an accepted unit of {ind} ({', '.join(accepted[ind])})"
        for ind, unit in zip(rows["indicator"], written)
    ]
    return _findings(rows, ERROR, "unit", zh, en)


def origin(source: pd.Series) -> pd.Series:
    """The file part of a source: ``dept.xlsx#表1!C3`` → ``dept.xlsx``, ``report.txt:12:5`` → ``report.txt``."""
    return source.astype("string").str.replace(r"(#.*|:\d+:\d+)$", "", regex=True)


def disagree(values: np.ndarray, approx: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per group of ``values`` (contiguous, from each of ``starts``): whether two of its values disagree.

    Two values agree when equal (within 1e-9 of the larger), or, when either is approximate, within
    :data:`~fazhi_analysis.table.numbers.APPROX_TOLERANCE` of the larger. Pair by pair: an approximate figure
    between two exact ones that differ does not hide their conflict. For values of one sign the pair farthest
    apart decides, so each exact group is judged by its two extremes and each approximate value against the
    group's extremes.

    Example:
        >>> disagree(np.array([100.0, 95.0, 100.0, 85.0]), np.array([False, True, False, True]), np.array([0, 2]))
        array([False,  True])
    """
    if not len(starts):
        return np.zeros(0, dtype=bool)
    sizes = np.diff(np.append(starts, len(values)))
    exact_high = np.maximum.reduceat(np.where(approx, -np.inf, values), starts)
    exact_low = np.minimum.reduceat(np.where(approx, np.inf, values), starts)
    with np.errstate(invalid="ignore"):  # a group without exact values: inf - inf
        spread = exact_high - exact_low
        exact = spread > np.maximum(1e-9 * np.maximum(np.abs(exact_high), np.abs(exact_low)), 1e-9)
    high = np.repeat(np.maximum.reduceat(values, starts), sizes)
    low = np.repeat(np.minimum.reduceat(values, starts), sizes)
    far = np.zeros(len(values), dtype=bool)
    for extreme in (high, low):
        larger = np.maximum(np.abs(values), np.abs(extreme))
        far |= np.abs(values - extreme) > np.maximum(APPROX_TOLERANCE * larger, 1e-9)
    return exact | _any(far & approx, starts)


def _duplicates_and_conflicts(mapped: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """A conflict (error) for each region, year and indicator whose values disagree (:func:`disagree`); a
    duplicate (warning) for one whose values agree but one file gives twice."""
    counts = mapped.groupby(KEY, sort=False, dropna=False)["value"].transform("size")
    multi = mapped[(counts > 1).to_numpy()].sort_values([*KEY, "source"], kind="stable", na_position="last")
    starts = np.flatnonzero((multi[KEY] != multi[KEY].shift()).fillna(True).any(axis=1).to_numpy(dtype=bool))
    conflict = disagree(multi["value"].to_numpy(dtype=float), multi["approx"].fillna(False).to_numpy(bool), starts)
    twice = multi.assign(_origin=origin(multi["source"]).fillna("")).duplicated([*KEY, "_origin"], keep=False)
    duplicate = ~conflict & _any(twice.to_numpy(dtype=bool), starts)
    rows, zh, en = _listed(multi, starts, conflict)
    ids = rows["indicator"].tolist()
    conflicts = _findings(rows, ERROR, "conflict", [f"{_name(i, names)}的数值不一致：{z}" for i, z in zip(ids, zh)],
                          [f"conflicting values of {i}: {e}" for i, e in zip(ids, en)])  # fmt: skip
    rows, zh, en = _listed(multi, starts, duplicate)
    ids = rows["indicator"].tolist()
    zh = [f"{_name(i, names)}在同一文件中重复出现：{z}" for i, z in zip(ids, zh)]
    duplicates = _findings(
        rows, WARNING, "duplicate", zh, [f"{i} is given more than once by one file: {e}" for i, e in zip(ids, en)]
    )
    return pd.concat([conflicts, duplicates], ignore_index=True)


def _listed(multi: pd.DataFrame, starts: np.ndarray, flagged: np.ndarray) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The first row of each ``flagged`` group of ``multi`` (from each of ``starts``), its source all the group's
    sources, and each group's figures listed with their sources (in Chinese and English)."""
    sources = multi["source"].fillna("?").tolist()
    approx = multi["approx"].fillna(False).to_numpy(bool)
    figures = [plain_figure(v, u, a) for v, u, a in zip(multi["value"].to_numpy(dtype=float), multi["unit"], approx)]
    spans = list(zip(starts[flagged], np.append(starts[1:], len(multi))[flagged]))
    rows = multi.iloc[starts[flagged]].assign(source=["; ".join(sources[a:b]) for a, b in spans])
    zh = ["，".join(f"{s} 为 {f}" for s, f in zip(sources[a:b], figures[a:b])) for a, b in spans]
    en = [", ".join(f"{f} in {s}" for s, f in zip(sources[a:b], figures[a:b])) for a, b in spans]
    return rows, zh, en


def _ranges(mapped: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
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
            _findings(rows, ERROR, rule, [f"{_name(i, names)}：" + zh.format(v=v) for i, v in zip(ids, shown)],
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


def _relations(best: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    held = set(best["indicator"].unique())
    found = []
    for rel in catalog.relations().itertuples(index=False):
        if rel.left not in held or rel.right not in held:
            continue
        left = best[best["indicator"] == rel.left]
        right = best[best["indicator"] == rel.right]
        pairs = left.merge(right, on=["region", "year"], suffixes=("_l", "_r"))
        func, symbol = _OPS[rel.op]
        fails = pairs[~func(pairs["value_l"].astype(float), pairs["value_r"].astype(float))]
        sources = [_sources(a, b) for a, b in zip(fails["source_l"], fails["source_r"])]
        rows = fails.assign(indicator=rel.left, source=sources)
        zh = [
            f"应满足 {_name(rel.left, names)} {symbol} {_name(rel.right, names)}，"
            f"实际为 {plain_figure(vl, ul)} 与 {plain_figure(vr, ur)}"
            for vl, ul, vr, ur in zip(fails["value_l"], fails["unit_l"], fails["value_r"], fails["unit_r"])
        ]
        en = [
            f"expected {rel.left} {rel.op} {rel.right}, got {plain_figure(vl)} and {plain_figure(vr)}"
            for vl, vr in zip(fails["value_l"], fails["value_r"])
        ]
        found.append(_findings(rows, ERROR, "relation", zh, en))
    return pd.concat(found, ignore_index=True) if found else _findings(best.iloc[:0], ERROR, "relation", [], [])


def _completeness(good: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
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
    return _findings(rows, WARNING, "completeness", zh, en)


def _rate_mismatches(best: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Reported rates that their counts contradict beyond rounding (:func:`~fazhi_analysis.table.rates.rates`)."""
    found = rates(best)
    found = found[(found["agrees"] == False).fillna(False).to_numpy(dtype=bool)]  # noqa: E712
    zh, en, sources = [], [], []
    for row in found.itertuples(index=False):
        reported = plain_figure(row.reported, "%", row.reported_approx)
        computed = f"{format_number(row.computed, 2)}%"
        gap, allowed = format_number(abs(row.reported - row.computed), 2), format_number(row.tolerance, 6)
        counts_zh = f"{_count(row, 'numerator', names)} ÷ {_count(row, 'denominator', names)}"
        inputs = _sources(row.numerator_source, row.denominator_source)
        sources.append(_sources(row.reported_source, row.numerator_source, row.denominator_source))
        zh.append(
            f"{_name(row.indicator, names)}报告为 {reported}（来源：{row.reported_source}），"
            f"按 {counts_zh} 计算为 {computed}（来源：{inputs}），相差 {gap} 个百分点，"
            f"超出四舍五入允许的 ±{allowed} 个百分点"
        )
        en.append(
            f"{row.indicator} is reported as {reported} ({row.reported_source}) but {row.numerator} "
            f"{plain_figure(row.numerator_value)} / {row.denominator} {plain_figure(row.denominator_value)} "
            f"gives {computed} ({inputs}): {gap} points apart, beyond the ±{allowed} of rounding"
        )
    return _findings(found.assign(source=sources), WARNING, "rate_mismatch", zh, en)


def _count(row: tuple, role: str, names: dict[str, str]) -> str:
    """A count of a rate's row by its role (numerator, denominator): ``行政复议结案（disputes.…） 12件``."""
    value, unit, approx = (getattr(row, f"{role}_{field}") for field in ("value", "unit", "approx"))
    return f"{_name(getattr(row, role), names)} {plain_figure(value, unit, approx)}"


def _outliers(best: pd.DataFrame, threshold: float, names: dict[str, str]) -> pd.DataFrame:
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
            f"{_name(row.indicator, names)}同比变化 {change:+.1f}%（{row.year - 1}年 "
            f"{plain_figure(row.value_prev, row.unit_prev, row.approx_prev)} → {row.year}年 "
            f"{plain_figure(row.value, row.unit, row.approx)}），请核实"
        )
        en.append(
            f"{row.indicator} changed {change:+.1f}% year over year "
            f"({plain_figure(row.value_prev)} → {plain_figure(row.value)}); please check"
        )
    rows = flagged.assign(source=[_sources(a, b) for a, b in zip(flagged["source"], flagged["source_prev"])])
    return _findings(rows, WARNING, "outlier", zh, en)


# --- helpers ----------------------------------------------------------------------------------


def _findings(
    rows: pd.DataFrame, level: str | list[str], rule: str | list[str], zh: list[str], en: list[str]
) -> pd.DataFrame:
    """Findings of ``rows`` (their region, year, indicator and source, where they have them), one a row: the
    messages led by the place (``甲区 2024年：``) and ended by the source (``（来源：a.xlsx#表1!C3）``)."""
    n = len(rows)
    region, year, indicator, source = (
        [None if pd.isna(v) else v for v in rows[c]] if c in rows.columns else [None] * n
        for c in ("region", "year", "indicator", "source")
    )
    year = [None if y is None else int(y) for y in year]
    shown = {r: names.shown(r) for r in set(region) if r is not None}  # an unsafe region escaped: '甲区\n'
    places = [(shown.get(r), None if y is None else str(y)) for r, y in zip(region, year)]
    where_zh = [" ".join(x for x in (r, y and f"{y}年") if x) or "（未知地区年度）" for r, y in places]
    where_en = [" ".join(x for x in (r, y) if x) or "(unknown region/year)" for r, y in places]
    return pd.DataFrame(
        {
            "level": level,
            "region": region,
            "year": year,
            "indicator": indicator,
            "source": source,
            "rule": rule,
            "message_zh": [f"{w}：{m}" + (f"（来源：{s}）" if s else "") for w, m, s in zip(where_zh, zh, source)],
            "message_en": [f"{w}: {m}" + (f" (source: {s})" if s else "") for w, m, s in zip(where_en, en, source)],
        },
        index=range(n),
        columns=FINDING_COLUMNS,
    ).astype(FINDING_DTYPES)


def _located(frame: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
    """Region, year, indicator and source of rows of ``frame`` (by position) as far as they can be read; a row
    without a source is named by its number (``第 3 行 / row 3``)."""
    rows = frame.iloc[positions]
    year, source = pd.to_numeric(rows["year"], errors="coerce"), rows["source"]
    return pd.DataFrame(
        {
            "region": [v if isinstance(v, str) else None for v in rows["region"]],
            "year": [None if pd.isna(y) or y % 1 else int(y) for y in year],
            "indicator": [v if isinstance(v, str) else None for v in rows["indicator"]],
            "source": [s if isinstance(s, str) else f"第 {i + 1} 行 / row {i + 1}" for i, s in zip(positions, source)],
        },
        index=range(len(positions)),
    )


def _messages(cells: list[tuple[int, str, str]]) -> tuple[list[str], list[str]]:
    """The Chinese and the English messages of (position, zh, en) triples."""
    return [zh for _, zh, _ in cells], [en for _, _, en in cells]


def _any(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per group of ``flags`` (contiguous, from each of ``starts``): whether any is set."""
    return np.logical_or.reduceat(flags, starts) if len(starts) else np.zeros(0, dtype=bool)


def _sources(*sources: object) -> str | None:
    unique = list(dict.fromkeys(str(s) for s in sources if s is not None and not pd.isna(s)))
    return "; ".join(unique) or None


def _finish(found: list[pd.DataFrame]) -> pd.DataFrame:
    """The findings of every rule in one frame, errors first, then by region, year, indicator, rule and source."""
    kept = [frame for frame in found if len(frame)]
    frame = pd.concat(kept, ignore_index=True) if kept else _findings(pd.DataFrame(), ERROR, "schema", [], [])
    frame["_level"] = frame["level"].map(_LEVEL_ORDER)
    frame = frame.sort_values(
        ["_level", "region", "year", "indicator", "rule", "source"], kind="stable", na_position="last"
    )
    return frame.drop(columns="_level").reset_index(drop=True)


def _names() -> dict[str, str]:
    """Indicator names of the working catalog (not cached here: the catalog caches itself per project)."""
    return catalog.indicators()["name"].to_dict()


def _name(indicator: str, names: dict[str, str]) -> str:
    return f"{names[indicator]}（{indicator}）" if indicator in names else str(indicator)
