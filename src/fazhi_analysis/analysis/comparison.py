"""Loading the tidy table and comparing one region and year with a comparison year.

Example:
    >>> from fazhi_analysis import analysis
    >>> comp = analysis.compare(table, "达坂城区", 2024)          # doctest: +SKIP
    >>> comp.loc[comp["indicator"] == "disputes.reconsideration_applications", "change"]  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fazhi_analysis import project
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog, manifest, tidy
from fazhi_analysis.table.catalog_object import Catalog
from fazhi_analysis.table.mapped import with_catalog
from fazhi_analysis.table.wording import SMALL_COUNT

__all__ = [
    "COMPARISON_COLUMNS",
    "approximate",
    "as_of",
    "available",
    "compare",
    "findings",
    "has_prior",
    "load_table",
    "percent_change",
    "sections_with_data",
    "select",
    "unmapped",
]

COMPARISON_COLUMNS = [
    "region",
    "year",
    "indicator",
    "section",
    "name",
    "label",
    "kind",
    "value",
    "unit",
    "approx",
    "raw",
    "source",
    "prior_year",
    "prior_value",
    "prior_unit",
    "prior_approx",
    "prior_raw",
    "change",
    "change_pct",
]


def _resolve(path: str | Path, root: Path) -> Path:
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = root / path  # the notebook's default, relative to the project, wherever it runs
    return path


def load_table(path: str | Path | None = None, *, here: project.Project | None = None) -> pd.DataFrame:
    """Read a tidy table (parquet or csv) and conform it to the tidy columns and dtypes.

    ``path`` defaults to the table of project ``here`` (``data/processed/indicators.parquet``; default: the working
    project); a relative path that is not there is taken relative to the project's folder.

    Raises:
        InputError: The file is missing, not .parquet or .csv, or cannot be read as a table.
    """
    here = here or project.find()
    path = _resolve(path or here.table, here.root)
    if not path.is_file():
        raise InputError(f"{path}: 找不到数据表，请先运行 `fazhi build` / table not found, run `fazhi build` first")
    frame = tidy.read(path)
    missing = [c for c in ("region", "year", "value", "unit") if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: 缺少列 / missing columns: {', '.join(missing)}")
    return tidy.conform(frame)


def available(table: pd.DataFrame) -> pd.DataFrame:
    """Region and year pairs present in ``table`` with their number of figures, sorted."""
    counts = table.groupby(["region", "year"], dropna=True).size().rename("figures").reset_index()
    return counts.sort_values(["region", "year"]).reset_index(drop=True)


def _available_text(table: pd.DataFrame) -> str:
    pairs = available(table)
    if pairs.empty:
        return "（数据表为空 / the table is empty）"
    by_region = pairs.groupby("region")["year"].apply(lambda ys: "、".join(str(y) for y in ys))
    return "；".join(f"{region}: {years}" for region, years in by_region.items())


def as_of(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of ``table`` up to and including ``year``: what a report of ``year`` may read.

    A report for a past year must not change when later years are added to the table, so every
    report gathers its analyses from this view once (:func:`fazhi_analysis.report.facts.gather`).

    Example:
        >>> t = pd.DataFrame({"region": ["甲", "甲"], "year": [2023, 2025], "value": [1.0, 2.0]})
        >>> as_of(t, 2024)["year"].tolist()
        [2023]
    """
    return table[(table["year"] <= int(year)).fillna(False).astype(bool)].reset_index(drop=True)


def percent_change(change: pd.Series, before: pd.Series, now: pd.Series, unit: pd.Series) -> pd.Series:
    """The change in % of the year before, where a percentage means something.

    NA for rates (they change in percent points), and for counts and amounts under
    :data:`SMALL_COUNT` in either year (5 → 9 is "4 more", not "+80 %"; from 0 there is no percentage).

    Example:
        >>> s = lambda *v: pd.Series(v, dtype="Float64")
        >>> percent_change(s(4, 10), s(5, 20), s(9, 30), pd.Series(["件", "件"])).tolist()
        [<NA>, 50.0]
    """
    large = (before >= SMALL_COUNT) & (now >= SMALL_COUNT)
    return (change / before * 100).astype("Float64").where(large & (unit != "%"))


def select(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """The rows of one region and year.

    Raises:
        InputError: No row has this region and year; the message lists what is available.
    """
    rows = table[(table["region"] == region) & (table["year"] == int(year))]
    if rows.empty:
        raise InputError(
            f"没有 {region} {year} 年的数据 / no data for region {region!r}, year {year}. "
            f"可用 / available: {_available_text(table)}"
        )
    return rows.reset_index(drop=True)


def compare(table: pd.DataFrame, region: str, year: int, compare_year: int | None = None) -> pd.DataFrame:
    """Mapped figures of ``region`` in ``year`` beside the same indicators in ``compare_year``.

    Args:
        table: A tidy table.
        region: The region, as written in the table.
        year: The report year.
        compare_year: The comparison year; default ``year - 1``.

    Returns:
        One row per mapped figure of ``year`` in catalog order, with catalog ``name`` and ``kind``,
        the prior figure (``prior_*``, NA when absent), ``change`` (same unit; percent points for
        rates) and ``change_pct`` (:func:`percent_change`: NA for rates, for small counts and
        when the prior value is missing).

    Raises:
        InputError: No data for ``region`` in ``year``; a comparison year not before ``year``.
    """
    compare_year = int(year) - 1 if compare_year is None else int(compare_year)
    if compare_year >= int(year):
        raise InputError(f"对比年度 {compare_year} 应早于报告年度 {year} / the comparison year must precede the year")
    current = with_catalog(select(table, region, year))
    prior_rows = table[(table["region"] == region) & (table["year"] == compare_year) & table["indicator"].notna()]
    prior = (
        prior_rows.drop_duplicates("indicator", keep="first")
        .set_index("indicator")[["value", "unit", "approx", "raw"]]
        .add_prefix("prior_")
    )
    out = current.join(prior, on="indicator")
    out["prior_year"] = pd.array([compare_year if pd.notna(v) else pd.NA for v in out["prior_value"]], dtype="Int64")
    out["change"] = (out["value"] - out["prior_value"]).astype("Float64")
    out["change_pct"] = percent_change(out["change"], out["prior_value"], out["value"], out["unit"])
    return out.reindex(columns=COMPARISON_COLUMNS).reset_index(drop=True)


def has_prior(comparison: pd.DataFrame) -> bool:
    """Whether any figure of the comparison has a prior-year value."""
    return bool(comparison["prior_value"].notna().any())


def sections_with_data(comparison: pd.DataFrame, cat: Catalog | None = None) -> list[str]:
    """Section ids of the comparison in report order (of ``cat``, default the working project's catalog)."""
    present = set(comparison["section"].dropna())
    return [sid for sid in catalog.sections(cat).index if sid in present]


def unmapped(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """Figures of ``region`` in ``year`` that have no catalog indicator (or an unknown id)."""
    rows = select(table, region, year)
    known = rows["indicator"].isin(catalog.indicators().index) & rows["indicator"].notna()
    return rows[~known.fillna(False)].reset_index(drop=True)


def approximate(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """Figures of ``region`` in ``year`` given as approximate (余/多/约…)."""
    rows = select(table, region, year)
    return rows[rows["approx"].fillna(False).astype(bool)].reset_index(drop=True)


def findings(table: pd.DataFrame, table_path: str | Path | None = None) -> pd.DataFrame | None:
    """The validation findings of ``table`` (``checks.check``), or None when validation is unavailable.

    ``fazhi build`` writes the same findings beside the table (``findings.parquet``); when
    ``table_path`` is given and the build's manifest vouches for both files
    (:func:`fazhi_analysis.table.manifest.same_build`), they are read instead of validating again.
    Otherwise (no findings file, one of another build, one that cannot be read) they are computed.
    """
    if table_path is not None:
        path = Path(table_path)
        saved = path.with_name("findings.parquet")
        if manifest.same_build(path, saved):
            try:
                return pd.read_parquet(saved)
            except Exception:  # unreadable after all: validate afresh
                pass
    try:
        from fazhi_analysis import checks
    except ImportError:  # the validation module or its dependencies are not installed
        return None
    return checks.check(table)
