"""A finding's frame: its place and source, its messages, the order of findings; shared by the rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.table import catalog, names
from fazhi_analysis.table.findings import ERROR, FINDING_COLUMNS, FINDING_DTYPES, WARNING

__all__ = [
    "LEVEL_ORDER",
    "any_in",
    "findings_of",
    "finish",
    "indicator_names",
    "located",
    "messages",
    "named",
    "source_list",
]

LEVEL_ORDER = {ERROR: 0, WARNING: 1}


def findings_of(
    rows: pd.DataFrame, level: str | list[str], rule: str | list[str], zh: list[str], en: list[str]
) -> pd.DataFrame:
    """Findings of ``rows`` (their region, year, indicator and source, where they have them), one a row: the
    messages led by the place (``甲区 2024年：``) and ended by the source (``（来源：a.xlsx#表1!C3）``)."""
    n = len(rows)
    if not n:  # what most rules find: a copy of the empty frame, made once
        return _NONE.copy()
    region, year, indicator, source = (
        [None if pd.isna(v) else v for v in rows[c]] if c in rows.columns else [None] * n
        for c in ("region", "year", "indicator", "source")
    )
    year = [None if y is None else int(y) for y in year]
    shown = {r: names.shown(r) for r in set(region) if r is not None}  # an unsafe region escaped: '甲区\n'
    places = [(shown.get(r), None if y is None else str(y)) for r, y in zip(region, year)]
    where_zh = [" ".join(x for x in (r, y and f"{y}年") if x) or "（未知地区年度）" for r, y in places]
    where_en = [" ".join(x for x in (r, y) if x) or "(unknown region/year)" for r, y in places]
    columns = {
        "level": level,
        "region": region,
        "year": year,
        "indicator": indicator,
        "source": source,
        "rule": rule,
        "message_zh": [f"{w}：{m}" + (f"（来源：{s}）" if s else "") for w, m, s in zip(where_zh, zh, source)],
        "message_en": [f"{w}: {m}" + (f" (source: {s})" if s else "") for w, m, s in zip(where_en, en, source)],
    }
    index = range(n)  # each column typed as it is made: half the cost of one DataFrame.astype of them all
    return pd.DataFrame({c: pd.Series(columns[c], index=index, dtype=FINDING_DTYPES[c]) for c in FINDING_COLUMNS})


_NONE = pd.DataFrame({c: pd.Series([], index=range(0), dtype=FINDING_DTYPES[c]) for c in FINDING_COLUMNS})


def located(frame: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
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


def messages(cells: list[tuple[int, str, str]]) -> tuple[list[str], list[str]]:
    """The Chinese and the English messages of (position, zh, en) triples."""
    return [zh for _, zh, _ in cells], [en for _, _, en in cells]


def any_in(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per group of ``flags`` (contiguous, from each of ``starts``): whether any is set."""
    return np.logical_or.reduceat(flags, starts) if len(starts) else np.zeros(0, dtype=bool)


def source_list(*sources: object) -> str | None:
    """The distinct sources given, joined by ``; `` (None when there is none)."""
    unique = list(dict.fromkeys(str(s) for s in sources if s is not None and not pd.isna(s)))
    return "; ".join(unique) or None


def finish(found: list[pd.DataFrame]) -> pd.DataFrame:
    """The findings of every rule in one frame, errors first, then by region, year, indicator, rule and source."""
    kept = [frame for frame in found if len(frame)]
    frame = pd.concat(kept, ignore_index=True) if kept else findings_of(pd.DataFrame(), ERROR, "schema", [], [])
    frame["_level"] = frame["level"].map(LEVEL_ORDER)
    frame = frame.sort_values(
        ["_level", "region", "year", "indicator", "rule", "source"], kind="stable", na_position="last"
    )
    return frame.drop(columns="_level").reset_index(drop=True)


def indicator_names() -> dict[str, str]:
    """Indicator names of the working catalog (not cached here: the catalog caches itself per project)."""
    return catalog.indicators()["name"].to_dict()


def named(indicator: str, names: dict[str, str]) -> str:
    """An indicator by its name and id, ``行政复议结案（disputes.…）``; an id the catalog lacks as it is."""
    return f"{names[indicator]}（{indicator}）" if indicator in names else str(indicator)
