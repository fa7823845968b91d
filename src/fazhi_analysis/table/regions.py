"""The regions table: each region's level (省/市/县), its parent, and optionally its population and group.

It says which regions are peers (:mod:`fazhi_analysis.analysis.peer_groups`): by default those of the same
level under the same parent. An analyst writes it as ``data/raw/regions.csv`` or ``regions.xlsx``
with the columns 地区, 层级, 上级 and, optionally, 常住人口（万人） and 分组; ``fazhi build`` checks it and
writes ``data/processed/regions.parquet``. Its contract is :data:`RegionsTable`, declared once.

Without a table (or for a region it does not list), the level is read from the name where the name
decides it (:func:`level_of`): …省 and …自治区 are 省; …区, …县 and …旗 are 县; a …市 may be a
prefecture-level or a county-level city, so it stays unknown.

Example:
    >>> level_of("达坂城区"), level_of("新疆维吾尔自治区"), level_of("昌吉市")
    ('县', '省', None)
    >>> from fazhi_analysis.table.regions import RegionsTable
    >>> RegionsTable.validate(empty()).empty
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fazhi_analysis.errors import InputError
from fazhi_analysis.table import manifest
from fazhi_analysis.table.contract import Check, Column, attribute, dtypes, schema

if TYPE_CHECKING:
    from fazhi_analysis.table.contract_schema import Contract

__all__ = [
    "COLUMNS",
    "DTYPES",
    "HEADERS",
    "LEVELS",
    "RegionsTable",
    "STEM",
    "ambiguous",
    "coverage",
    "empty",
    "find",
    "from_grid",
    "level_of",
    "load",
    "problem",
    "resolve",
]

_FILE_NAMES = ("regions.csv", "regions.xlsx")  # in data/raw/
STEM = "regions"  # data/processed/regions.{parquet,csv}
LEVELS = ("省", "市", "县")
# How a table may write a level; 县 covers every county-level unit (区, 县, 县级市, 旗).
_LEVEL_WORDS = {
    "省": "省", "省级": "省", "自治区": "省", "直辖市": "省",
    "市": "市", "地级市": "市", "市级": "市", "地级": "市", "州": "市", "自治州": "市", "盟": "市", "地区": "市",
    "县": "县", "县级": "县", "区": "县", "市辖区": "县", "县级市": "县", "旗": "县", "自治县": "县", "自治旗": "县",
}  # fmt: skip
# Name endings that decide the level, longest first; a …市 decides nothing (地级市, 县级市 and 直辖市 exist).
_NAME_ENDINGS = (
    ("特别行政区", "省"), ("自治区", "省"), ("省", "省"), ("自治州", "市"), ("地区", "市"), ("盟", "市"),
    ("自治县", "县"), ("自治旗", "县"), ("区", "县"), ("县", "县"), ("旗", "县"),
)  # fmt: skip
HEADERS = {"地区": "region", "层级": "level", "上级": "parent", "常住人口（万人）": "population", "分组": "group"}
_REQUIRED = ("地区", "层级", "上级")


_CONTRACT = {
    "region": Column("string", nullable=False, unique=True),
    "level": Column("string", checks=(Check("isin", list(LEVELS)),)),
    "parent": Column("string"),
    "population": Column("Float64", checks=(Check("gt", 0),)),
    "group": Column("string"),
    "source": Column("string"),
}
"""The regions table's contract: one row per region, its level one of :data:`LEVELS` (NA: unknown); ``RegionsTable``
is it as a pandera schema, built on first use.

``population`` is the resident population in 10,000s (常住人口（万人）), ``group`` a name the analyst
chose (分组), ``source`` the file and row (``regions.csv:3``).
"""


RegionsTable: Contract  # the contract as a pandera schema, built on first use by __getattr__


def __getattr__(name: str) -> Any:
    """``RegionsTable``: the contract as a pandera schema, built on first use."""
    return attribute(__name__, name, RegionsTable=_CONTRACT)


DTYPES: dict[str, str] = dtypes(_CONTRACT)
COLUMNS = list(DTYPES)


def empty() -> pd.DataFrame:
    """A regions table without rows."""
    return pd.DataFrame(columns=COLUMNS).astype(DTYPES)


def level_of(name: str) -> str | None:
    """The level a region's name decides (省, 市 or 县), None when it does not (…市, or no known ending)."""
    return next((level for ending, level in _NAME_ENDINGS if name.endswith(ending)), None)


def find(raw_dir: Path) -> Path | None:
    """``regions.csv`` or ``regions.xlsx`` of ``raw_dir``, None when there is none.

    Raises:
        InputError: Both exist (which one is meant cannot be told).
    """
    found = [raw_dir / name for name in _FILE_NAMES if (raw_dir / name).is_file()]
    if len(found) > 1:
        raise InputError(f"{raw_dir}: 同时存在 regions.csv 和 regions.xlsx，请只保留一个 / both exist: keep one")
    return found[0] if found else None


def _header(cell: object) -> str:
    """A header cell as :data:`HEADERS` spells it (half-width brackets and spaces allowed)."""
    return re.sub(r"\s+", "", str(cell or "")).replace("(", "（").replace(")", "）")


def _text(cell: object) -> str | None:
    """A cell as stripped text (a defused ``'`` taken off), None when empty."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return None
    text = str(cell).strip()
    text = text[1:] if text.startswith("'") else text
    return text or None


def from_grid(grid: np.ndarray, label: str) -> tuple[pd.DataFrame, list[dict]]:
    """The regions table of a sheet's cells (header in the first row), and what is wrong with its rows.

    Args:
        grid: The cells (a 2-D object array, as :class:`fazhi_analysis.ingest.sheets.Sheet` holds them).
        label: The file as sources name it (``regions.csv``); a row's source is ``regions.csv:3``.

    Returns:
        The table (:class:`RegionsTable`; a second row of a region is left out, an unknown level or a
        bad population left empty) and a problem per such row (see :func:`problem`).

    Raises:
        InputError: A required column (地区, 层级, 上级) is missing.
    """
    header = [_header(c) for c in (grid[0] if len(grid) else [])]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise InputError(f"{label}: 缺少列 {'、'.join(missing)} / missing columns (地区, 层级, 上级 are required)")
    at = {HEADERS[name]: header.index(name) for name in HEADERS if name in header}
    rows, problems, seen = [], [], {}
    for number, cells in enumerate(grid[1:], start=2):
        value = {key: _text(cells[i]) if i < len(cells) else None for key, i in at.items()}
        region, source = value["region"], f"{label}:{number}"
        if region is None:
            continue
        if region in seen:
            zh, en = f"地区表中重复（第 {seen[region]} 行已有）", f"listed twice (row {seen[region]})"
            problems.append(problem("error", region, source, "regions_duplicate", zh, en))
            continue
        seen[region] = number
        level = _LEVEL_WORDS.get(value["level"] or "")
        if level is None:
            zh = f"层级“{value['level'] or ''}”无法识别，应为 省、市 或 县（区、县级市、旗）"
            problems.append(problem("error", region, source, "regions_level", zh, "unknown level: use 省, 市 or 县"))
        population = _population(value.get("population"))
        if value.get("population") is not None and population is None:
            zh, en = f"常住人口“{value['population']}”应为正数（万人）", "population must be a positive number"
            problems.append(problem("error", region, source, "regions_population", zh, en))
        rows.append({**value, "level": level, "population": population, "source": source})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return schema(__name__, "RegionsTable", _CONTRACT).validate(frame.astype(DTYPES)), problems


def _population(text: str | None) -> float | None:
    """A population in 10,000s written as a positive number (``12.5``, ``1,234``), else None."""
    try:
        value = float((text or "").replace(",", "").replace("，", ""))
    except ValueError:
        return None
    return value if np.isfinite(value) and value > 0 else None


def problem(level: str, region: str | None, source: str | None, rule: str, zh: str, en: str) -> dict:
    """One finding of the regions table, in the columns of :data:`fazhi_analysis.table.findings.FINDING_COLUMNS`."""
    where = f"{region}：" if region else ""
    return {"level": level, "region": region, "year": None, "indicator": None, "source": source, "rule": rule,
            "message_zh": f"{where}{zh}（来源：{source}）" if source else f"{where}{zh}",
            "message_en": f"{region or ''}: {en}" + (f" (source: {source})" if source else "")}  # fmt: skip


def coverage(regions: pd.DataFrame, held: Iterable[str]) -> list[dict]:
    """Problems between the regions table and the regions the tidy table holds.

    A region with figures that the table does not list is an error (its peers cannot be told); a
    listed region without figures is a warning (a spelling differs, or its reports are still missing).
    """
    held = sorted(set(map(str, held)))
    listed = dict(zip(regions["region"], regions["source"]))
    missing = ("有数据，但不在地区表（regions.csv）中", "has figures but is not in the regions table")
    unused = ("在地区表中，但数据表中没有它的数据", "in the regions table but without figures")
    found = [problem("error", name, None, "regions_missing", *missing) for name in held if name not in listed]
    found += [problem("warning", n, src, "regions_unused", *unused) for n, src in listed.items() if n not in held]
    return found


def ambiguous(names: Iterable[str]) -> list[str]:
    """The …市 among regions whose names say 县 (区, 县, 旗): their level cannot be told from the name.

    Example:
        >>> ambiguous(["天山区", "昌吉市", "和田地区"]), ambiguous(["昌吉市", "乌鲁木齐市"])
        (['昌吉市'], [])
    """
    names = list(names)
    if not any(level_of(n) == "县" for n in names):
        return []
    return [n for n in names if level_of(n) is None and n.endswith("市")]


def resolve(regions: pd.DataFrame | None, names: Iterable[str]) -> pd.DataFrame:
    """Level, parent, population and group of each of ``names``: from ``regions``, else from the name.

    Returns:
        One row per name (the :data:`COLUMNS` and ``inferred``, True where the level was read from
        the name because ``regions`` does not list the region), in the order given.
    """
    names = list(dict.fromkeys(map(str, names)))
    listed = (regions if regions is not None else empty()).set_index("region")
    out = listed.reindex(names).rename_axis("region").reset_index()
    inferred = ~pd.Series(names, dtype="string").isin(listed.index).to_numpy()
    out["level"] = out["level"].astype("string").mask(inferred, pd.Series([level_of(n) for n in names], dtype="string"))
    return out.astype(DTYPES).assign(inferred=inferred)


def load(table_path: str | Path) -> pd.DataFrame | None:
    """The regions table ``fazhi build`` wrote beside the tidy table, None when there is none (or it is empty).

    Trusted only when the build's manifest vouches for both files, as the parts and findings are.
    """
    frame = manifest.read_beside(Path(table_path), f"{STEM}.parquet")
    return frame.astype(DTYPES) if frame is not None and len(frame) else None
