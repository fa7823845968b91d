"""Check a tidy indicator table against the schema and the catalog; return findings, never raise.

Rules (``rule`` column of the findings):

* ``schema`` (error): a missing column, a cell of the wrong type, a missing region, year or value, a year
  outside :data:`~fazhi_analysis.table.tidy.MIN_YEAR` … this year + 1, an indicator id that is not in the catalog —
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

One module a job: ``_schema`` (the contract), ``_conflicts`` (rows that disagree), ``_rules`` (the rules on
values), ``_findings`` (a finding's place, messages and order, shared by them).

Example:
    >>> findings = check(table)                      # doctest: +SKIP
    >>> findings[findings["level"] == "error"]       # doctest: +SKIP
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from fazhi_analysis.checks import _conflicts, _findings, _rules, _schema
from fazhi_analysis.checks._conflicts import disagree
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import tidy
from fazhi_analysis.table.findings import ERROR, FINDING_COLUMNS, FINDING_DTYPES, WARNING
from fazhi_analysis.table.tidy import KEY

__all__ = [
    "DEFAULT_OUTLIER_THRESHOLD",
    "PER_KIND",
    "capped",
    "check",
    "disagree",
    "has_errors",
    "read_table",
    "representative",
    "summary",
]

DEFAULT_OUTLIER_THRESHOLD = 1.0
PER_KIND = 50  # findings of one kind that people are shown (findings.csv, the command line); the rest are counted
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
        return _findings.finish([_findings.findings_of(pd.DataFrame(index=range(1)), ERROR, "schema", [zh], [en])])
    names = _findings.indicator_names()
    frame, found = _schema.schema(table)
    good = frame.loc[frame["_ok"], _RULE_COLUMNS]
    mapped = good[good["indicator"].notna()]
    found += [_rules.units(mapped, names), _conflicts.duplicates_and_conflicts(mapped, names)]
    found.append(_rules.ranges(mapped, names))
    best = representative(mapped)
    found += [_rules.relations(best, names), _rules.completeness(good, names), _rules.rate_mismatches(best, names)]
    found.append(_rules.outliers(best, outlier_threshold, names))
    return _findings.finish(found)


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
    order = _findings.LEVEL_ORDER
    return both.sort_values("level", key=lambda level: level.map(order), kind="stable").reset_index(drop=True)


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
