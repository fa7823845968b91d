"""The ``conflict`` and ``duplicate`` rules: rows of one region, year and indicator that disagree, or repeat a file."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.checks._findings import any_in, findings_of, named
from fazhi_analysis.table.findings import ERROR, WARNING
from fazhi_analysis.table.numbers import APPROX_TOLERANCE
from fazhi_analysis.table.tidy import KEY
from fazhi_analysis.table.wording import plain_figure

__all__ = ["disagree", "duplicates_and_conflicts"]


def _origin(source: pd.Series) -> pd.Series:
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
    return exact | any_in(far & approx, starts)


def duplicates_and_conflicts(mapped: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """A conflict (error) for each region, year and indicator whose values disagree (:func:`disagree`); a
    duplicate (warning) for one whose values agree but one file gives twice."""
    counts = mapped.groupby(KEY, sort=False, dropna=False)["value"].transform("size")
    multi = mapped[(counts > 1).to_numpy()].sort_values([*KEY, "source"], kind="stable", na_position="last")
    starts = np.flatnonzero((multi[KEY] != multi[KEY].shift()).fillna(True).any(axis=1).to_numpy(dtype=bool))
    conflict = disagree(multi["value"].to_numpy(dtype=float), multi["approx"].fillna(False).to_numpy(bool), starts)
    twice = multi.assign(_file=_origin(multi["source"]).fillna("")).duplicated([*KEY, "_file"], keep=False)
    duplicate = ~conflict & any_in(twice.to_numpy(dtype=bool), starts)
    rows, zh, en = _listed(multi, starts, conflict)
    ids = rows["indicator"].tolist()
    conflicts = findings_of(rows, ERROR, "conflict", [f"{named(i, names)}的数值不一致：{z}" for i, z in zip(ids, zh)],
                          [f"conflicting values of {i}: {e}" for i, e in zip(ids, en)])  # fmt: skip
    rows, zh, en = _listed(multi, starts, duplicate)
    ids = rows["indicator"].tolist()
    zh = [f"{named(i, names)}在同一文件中重复出现：{z}" for i, z in zip(ids, zh)]
    duplicates = findings_of(
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
