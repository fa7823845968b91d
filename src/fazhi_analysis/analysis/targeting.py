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

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
import pydantic

from fazhi_analysis import project, userfiles
from fazhi_analysis.analysis.comparison import select
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog
from fazhi_analysis.table.mapped import first_figures
from fazhi_analysis.table.rates import COMPUTED_SOURCE, with_rates
from fazhi_analysis.table.wording import format_figure, format_number
from fazhi_analysis.userfiles import Text, Year

__all__ = [
    "AGAINST_COLUMNS",
    "BundledTargets",
    "TARGETS_FILE",
    "TARGETS_NAME",
    "TARGET_COLUMNS",
    "Target",
    "TargetsFile",
    "against_targets",
    "targets",
]

TARGETS_NAME = "targets.yaml"  # the project's file, and the bundled one read before it
TARGETS_FILE = project.bundled_file(TARGETS_NAME)
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


class Target(pydantic.BaseModel, extra="forbid"):
    """One target: what a document (``source``) asks of an indicator, for a region and year or for all."""

    indicator: Text
    comparison: Literal[">=", "<=", ">", "<", "=="]
    value: Annotated[float, pydantic.Strict(), pydantic.Field(allow_inf_nan=False)]  # 95, not "95"
    source: Text
    region: Text | None = None
    year: Year | None = None
    note: str | None = None


class TargetsFile(pydantic.BaseModel, extra="forbid"):
    """A project's ``targets.yaml``."""

    targets: list[Target] = []


class BundledTargets(TargetsFile):
    """The bundled ``targets.yaml``: its targets, and the words of the sentences that hold figures against them."""

    comparisons: dict[str, Text]
    sentences: dict[str, Text]


@cache
def _bundled() -> BundledTargets:
    return userfiles.load_yaml(TARGETS_FILE, BundledTargets)


def _entries(path: Path, indicators: pd.Index) -> list[dict]:
    """The targets of one file, each with its file and number (1, 2, …).

    Raises:
        InputError: The file is unreadable or of the wrong shape, or a target's indicator is not in the
            catalog; one line naming the file, the entry and what it should be.
    """
    found = _bundled() if path == TARGETS_FILE else userfiles.load_yaml(path, TargetsFile, if_empty={})
    for n, target in enumerate(found.targets):
        if target.indicator not in indicators:
            raise InputError(
                f"{path}: targets[{n}].indicator: 应为指标目录中的编号 / expected a catalog id "
                f"(实为 / got {target.indicator!r})"
            )
    return [{**target.model_dump(), "file": str(path), "entry": n} for n, target in enumerate(found.targets, 1)]


def targets(path: str | Path | None = None, *, here: project.Project | None = None) -> pd.DataFrame:
    """The targets of ``path``, or by default the bundled ones and project ``here``'s ``targets.yaml`` (default: the
    working project).

    Returns:
        One row per target (columns :data:`TARGET_COLUMNS`), with the catalog ``name`` and base ``unit``
        of its indicator, the ``file`` and ``entry`` number that give it; ``region`` and ``year`` NA
        when the target applies to all.

    Raises:
        InputError: A file is missing or unreadable, or an entry has an unknown indicator or comparison,
            a value that is not a number, no source, or another bad field (file, entry and field named).
    """
    here = here or project.find()
    indicators = catalog.indicators(catalog.of(here))
    if path is not None:
        files = [Path(path)]
        if not files[0].is_file():
            raise InputError(f"{path}: 目标文件不存在 / no such targets file")
    else:
        files = list(here.layers(TARGETS_NAME))
    rows = [row for file in files for row in _entries(file, indicators.index)]
    frame = pd.DataFrame(rows, columns=[*Target.model_fields, "file", "entry"])
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
    figures = first_figures(rows[(rows["region"] == region) & (rows["year"] == int(year))])
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
    words, sentences = _bundled().comparisons, _bundled().sentences
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
