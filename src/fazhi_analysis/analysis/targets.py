"""Targets: what a document asks of an indicator (``>= 100`` %), and whether a region's figure meets it.

A project states its targets in ``targets.yaml`` (:attr:`fazhi_analysis.project.Project.targets`)::

    targets:
      - {indicator: disputes.head_appearance_rate, comparison: ">=", value: 100, region: 示例区甲,
         source: 《示例区法治政府建设年度工作要点》（示例区人民政府，2024年）}

``value`` is in the indicator's base unit (rates in percent points); ``source``, the document stating
the target, is required; ``region`` and ``year`` narrow a target (absent: every region, every year);
``note`` is free text. The bundled list (``table/targets.yaml``) is empty: no published numeric target
could be cited with confidence. The same file holds the comparison words and sentences.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.against_targets(table, "示例区甲", 2024)[["indicator", "met", "text"]]  # doctest: +SKIP
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from fazhi_analysis import project
from fazhi_analysis.analysis.compare import select
from fazhi_analysis.analysis.rates import COMPUTED_SOURCE, with_rates
from fazhi_analysis.analysis.trends import _figures
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import format_figure, format_number

TARGETS_FILE = Path(__file__).parents[1] / "table" / "targets.yaml"
FIELDS = ("indicator", "comparison", "value", "source", "region", "year", "note")
TARGET_COLUMNS = [
    "indicator",
    "name",
    "comparison",
    "value",
    "unit",
    "source",
    "region",
    "year",
    "note",
    "file",
    "entry",
]
AGAINST_COLUMNS = [
    "indicator", "name", "comparison", "target", "unit", "value", "approx", "origin", "figure_source", "met", "gap",
    "source", "note", "text",
]  # fmt: skip
_EPSILON = 1e-9
_MET = {  # on gap = figure − target
    ">=": lambda gap: gap >= -_EPSILON,
    "<=": lambda gap: gap <= _EPSILON,
    ">": lambda gap: gap > _EPSILON,
    "<": lambda gap: gap < -_EPSILON,
    "==": lambda gap: gap.abs() <= _EPSILON,
}


def _read(path: Path) -> dict:
    """A targets file as a mapping (empty for a file of comments only)."""
    return catalog.read_yaml(path, ("目标文件", "targets file"), "targets")


@cache
def _bundled() -> dict:
    return _read(TARGETS_FILE)


def _problem(entry: object, indicators: pd.Index) -> tuple[str, str, str] | None:
    """The first thing wrong with one entry: (field, Chinese, English), or None."""
    if not isinstance(entry, dict):
        return "—", "应为映射", "must be a mapping"
    unknown = sorted(set(map(str, entry)) - set(FIELDS))
    checks = [
        (unknown, ", ".join(unknown), "未知字段", "unknown field"),
        (
            not isinstance(entry.get("indicator"), str) or entry["indicator"] not in indicators,
            "indicator",
            "指标编号不在指标目录中",
            "not a catalog id",
        ),
        (
            not isinstance(entry.get("comparison"), str) or entry["comparison"] not in _MET,
            "comparison",
            "应为 >=、<=、>、<、== 之一",
            "must be >=, <=, >, <, ==",
        ),
        (not _is_number(entry.get("value")), "value", "应为数字", "must be a number"),
        (not _is_text(entry.get("source")), "source", "缺少提出目标的文件", "missing: the document stating the target"),
        ("region" in entry and not _is_text(entry["region"]), "region", "应为地区名称", "must be a region name"),
        ("year" in entry and not _is_year(entry["year"]), "year", "应为年份", "must be a year"),
        ("note" in entry and not isinstance(entry["note"], str | None), "note", "应为文字", "must be text"),
    ]
    for failed, field, zh, en in checks:
        if failed:
            return field, zh, en
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_year(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _entries(path: Path, indicators: pd.Index) -> list[dict]:
    """The validated entries of one targets file, each with its file and number.

    Raises:
        InputError: Naming the file, the entry's number, the field and what is wrong.
    """
    data = _read(path)
    allowed = {"targets", "comparisons", "sentences"} if path == TARGETS_FILE else {"targets"}
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise InputError(f"{path}: 未知的键 / unknown keys: {', '.join(unknown)}")
    entries = data.get("targets") or []
    if not isinstance(entries, list):
        raise InputError(f"{path}: targets 应为列表 / targets must be a list")
    found = []
    for n, entry in enumerate(entries, start=1):
        problem = _problem(entry, indicators)
        if problem:
            field, zh, en = problem
            value = entry.get(field) if isinstance(entry, dict) else entry
            raise InputError(f"{path}: 第 {n} 项目标的 {field} {zh}（{value!r}） / target {n}, {field}: {en}")
        found.append({**{key: entry.get(key) for key in FIELDS}, "file": str(path), "entry": n})
    return found


def targets(path: str | Path | None = None) -> pd.DataFrame:
    """The targets of ``path``, or by default the bundled ones and the working project's ``targets.yaml``.

    Returns:
        One row per target (columns :data:`TARGET_COLUMNS`), with the catalog ``name`` and base ``unit``
        of its indicator, the ``file`` and ``entry`` number that give it; ``region`` and ``year`` NA
        when the target applies to all.

    Raises:
        InputError: A file is missing or unreadable, or an entry has an unknown indicator or comparison,
            a value that is not a number, no source, or another bad field (file, entry and field named).
    """
    indicators = catalog.indicators()
    if path is not None:
        files = [Path(path)]
        if not files[0].is_file():
            raise InputError(f"{path}: 目标文件不存在 / no such targets file")
    else:
        local = project.find().targets
        files = [TARGETS_FILE, *([local] if local.is_file() else [])]
    rows = [row for file in files for row in _entries(file, indicators.index)]
    frame = pd.DataFrame(rows, columns=[*FIELDS, "file", "entry"])
    frame = frame.astype(
        {"indicator": "string", "comparison": "string", "source": "string", "region": "string", "note": "string",
         "file": "string", "value": "Float64", "year": "Int64", "entry": "Int64"}
    )  # fmt: skip
    frame["name"] = frame["indicator"].map(indicators["name"]).astype("string")
    frame["unit"] = frame["indicator"].map(indicators["unit"]).astype("string")
    return frame.reindex(columns=TARGET_COLUMNS)


def against_targets(table: pd.DataFrame, region: str, year: int, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each target that applies to ``region`` in ``year``, held against the figure (reported or computed rate).

    Args:
        table: A tidy table; computed rates are added first (:func:`~fazhi_analysis.analysis.with_rates`).
        region: The region.
        year: The year.
        targets: Targets as :func:`targets` returns them; default :func:`targets`\\ ().

    Returns:
        One row per target (columns :data:`AGAINST_COLUMNS`): ``target`` its value, ``value`` the figure
        (NA when the region did not report it), ``origin`` ('reported' | 'computed'), ``met`` (NA without
        a figure), ``gap`` (figure − target, in the unit), ``source`` the document, and ``text`` in Chinese.

    Raises:
        InputError: No data for ``region`` in ``year``.
    """
    goals = _default_targets() if targets is None else targets
    select(table, region, year)
    applies = (goals["region"].isna() | (goals["region"] == region)) & (
        goals["year"].isna() | (goals["year"] == int(year))
    )
    goals = goals[applies.fillna(False).astype(bool)].rename(columns={"value": "target"})
    rows = with_rates(table)
    figures = _figures(rows[(rows["region"] == region) & (rows["year"] == int(year))])
    figures = figures[["indicator", "value", "approx", "source", "raw"]].rename(columns={"source": "figure_source"})
    out = goals.merge(figures, on="indicator", how="left").reset_index(drop=True)
    computed = out["figure_source"].str.startswith(COMPUTED_SOURCE)
    out["origin"] = pd.Series(np.where(computed.fillna(False), "computed", "reported"), dtype="string")
    out["origin"] = out["origin"].where(out["value"].notna())
    out["gap"] = (out["value"] - out["target"]).astype("Float64")
    met = pd.Series(pd.NA, index=out.index, dtype="boolean")
    for comparison, test in _MET.items():  # a loop over the five comparisons, not over rows
        chosen = (out["comparison"] == comparison).fillna(False).to_numpy(dtype=bool)
        met[chosen] = test(out.loc[chosen, "gap"]).astype("boolean")
    out["met"] = met.where(out["value"].notna())
    out["text"] = _sentences(out)
    return out.reindex(columns=AGAINST_COLUMNS)


def _default_targets() -> pd.DataFrame:
    return targets()


def _sentences(out: pd.DataFrame) -> pd.Series:
    """The Chinese sentence of each row: target met, missed, or no figure (wording from ``table/targets.yaml``)."""
    words, sentences = _bundled()["comparisons"], _bundled()["sentences"]
    texts = []
    for row in out.itertuples(index=False):
        figure = format_figure(row.value, row.unit, row.approx)
        if not pd.isna(row.origin) and row.origin == "computed":
            figure = sentences["computed"].format(figure=figure, raw=row.raw)
        gap = "" if pd.isna(row.gap) else _gap(abs(float(row.gap)), str(row.unit))
        kind = "missing" if pd.isna(row.met) else "met" if row.met else "missed"
        texts.append(
            sentences[kind].format(
                name=row.name, figure=figure, comparison=words[row.comparison],
                target=format_figure(row.target, row.unit), source=row.source, gap=gap,
            )
        )  # fmt: skip
    return pd.Series(texts, index=out.index, dtype="string")


def _gap(size: float, unit: str) -> str:
    """How far a figure falls short: ``5个百分点`` for a rate, else the figure in its unit (``3件``)."""
    return f"{format_number(size, 2)}个百分点" if unit == "%" else format_figure(size, unit)
