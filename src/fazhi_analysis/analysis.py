"""Year-over-year analysis of the tidy table: one region and year against a comparison year.

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


def _resolve(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = project.find().root / path  # the notebook's default, relative to the project, wherever it runs
    return path


def load_table(path: str | Path) -> pd.DataFrame:
    """Read a tidy table (parquet or csv) and conform it to the tidy columns and dtypes.

    Raises:
        InputError: The file is missing, not .parquet or .csv, or cannot be read as a table.
    """
    path = _resolve(path)
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


def _with_catalog(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped rows with catalog section, name, kind and order, in catalog order."""
    cat = catalog.indicators()
    sections = catalog.sections()
    mapped = rows[rows["indicator"].notna() & rows["indicator"].isin(cat.index)].copy()
    ids = mapped["indicator"].astype(str)
    mapped["section"] = ids.map(cat["section"]).astype("string")
    mapped["name"] = ids.map(cat["name"]).astype("string")
    mapped["kind"] = ids.map(cat["kind"]).astype("string")
    mapped["_section_order"] = mapped["section"].map(sections["order"])
    mapped["_order"] = ids.map(pd.Series(range(len(cat)), index=cat.index))
    return mapped.sort_values(["_section_order", "_order"], kind="stable").drop(columns=["_section_order", "_order"])


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
        rates) and ``change_pct`` (NA for rates and when the prior value is 0 or missing).

    Raises:
        InputError: No data for ``region`` in ``year``.
    """
    compare_year = int(year) - 1 if compare_year is None else int(compare_year)
    current = _with_catalog(select(table, region, year))
    prior_rows = table[(table["region"] == region) & (table["year"] == compare_year) & table["indicator"].notna()]
    prior = (
        prior_rows.drop_duplicates("indicator", keep="first")
        .set_index("indicator")[["value", "unit", "approx", "raw"]]
        .add_prefix("prior_")
    )
    out = current.join(prior, on="indicator")
    out["prior_year"] = pd.array([compare_year if pd.notna(v) else pd.NA for v in out["prior_value"]], dtype="Int64")
    out["change"] = (out["value"] - out["prior_value"]).astype("Float64")
    pct = (out["change"] / out["prior_value"].where(out["prior_value"] != 0) * 100).astype("Float64")
    out["change_pct"] = pct.where(out["unit"] != "%")
    return out.reindex(columns=COMPARISON_COLUMNS).reset_index(drop=True)


def has_prior(comparison: pd.DataFrame) -> bool:
    """Whether any figure of the comparison has a prior-year value."""
    return bool(comparison["prior_value"].notna().any())


def sections_with_data(comparison: pd.DataFrame) -> list[str]:
    """Section ids of the comparison in report order."""
    present = set(comparison["section"].dropna())
    return [sid for sid in catalog.sections().index if sid in present]


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
        path = _resolve(table_path)
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


TREND_COLUMNS = ["region", "indicator", "name", "year", "value", "unit", "approx", "change", "change_pct", "direction"]
PEER_COLUMNS = [
    "indicator", "name", "region", "reported", "value", "unit", "rank", "n_reporting", "median", "q1", "q3",
    "from_median",
]  # fmt: skip
RISING, FALLING, FLAT, MIXED = "连续增长", "连续下降", "持平", "波动"


def _figures(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped figures, one per region, year and indicator (the first, as :func:`compare` takes it)."""
    return _with_catalog(rows).drop_duplicates(["region", "year", "indicator"], keep="first")


def _direction(values: pd.Series, years: pd.Series) -> object:
    """连续增长 / 连续下降 / 持平 / 波动 over the last three years, or NA unless all three are held."""
    last = years.max()
    recent = values[years.isin([last - 2, last - 1, last])]
    if len(recent) < 3:
        return pd.NA  # a missing year is missing, not zero: no direction through a gap
    steps = recent.diff().dropna()
    if (steps > 0).all():
        return RISING
    if (steps < 0).all():
        return FALLING
    return FLAT if (steps == 0).all() else MIXED


def trend(table: pd.DataFrame, region: str, indicators: list[str] | None = None) -> pd.DataFrame:
    """Every year ``table`` holds for ``region``, indicator by indicator, with the change from the year before.

    ``change`` and ``change_pct`` compare with the calendar year before and are NA when that year is
    not held (a gap is not a zero); ``change_pct`` is NA for rates (their change is in percent points)
    and when the year before is 0. ``direction`` (the same on every row of an indicator) reads the
    last three years held: 连续增长, 连续下降, 持平 or 波动, NA unless all three are there.

    Raises:
        InputError: The table has no figure for ``region``.
    """
    rows = table[table["region"] == region]
    if indicators is not None:
        rows = rows[rows["indicator"].isin(indicators)]
    if rows.empty:
        raise InputError(
            f"没有 {region} 的数据 / no data for region {region!r}. 可用 / available: {_available_text(table)}"
        )
    figures = _figures(rows)  # in catalog order
    figures["_order"] = figures.groupby("indicator", sort=False).ngroup()
    figures = figures.sort_values(["_order", "year"], kind="stable")
    by = figures.groupby("indicator", sort=False)
    before = by["value"].shift(1).where(by["year"].diff() == 1)
    figures["change"] = (figures["value"] - before).astype("Float64")
    pct = figures["change"] / before.where(before != 0) * 100
    figures["change_pct"] = pct.where(figures["unit"] != "%").astype("Float64")
    directions = {key: _direction(group["value"], group["year"]) for key, group in by}
    figures["direction"] = figures["indicator"].map(directions).astype("string")
    return figures.reindex(columns=TREND_COLUMNS).reset_index(drop=True)


def peers(
    table: pd.DataFrame, year: int, indicator: str | None = None, regions: list[str] | None = None
) -> pd.DataFrame:
    """Each region's figure of ``year`` among the regions compared, indicator by indicator.

    The regions compared are ``regions``, else every region the table holds for ``year``. A region
    that did not report an indicator is listed with ``reported`` False and no value or rank: it is
    never ranked. ``rank`` is 1 for the highest value (ties share the better rank); ``median``,
    ``q1`` and ``q3`` are over the regions that reported; ``from_median`` is the value minus the median.
    """
    rows = table[table["year"] == int(year)]
    compared = list(dict.fromkeys(regions)) if regions is not None else sorted(rows["region"].dropna().unique())
    figures = _figures(rows[rows["region"].isin(compared)])
    if indicator is not None:
        figures = figures[figures["indicator"] == indicator]
    frames = [_peer_rows(group, compared) for _, group in figures.groupby("indicator", sort=False)]
    if not frames:
        return pd.DataFrame(columns=PEER_COLUMNS)
    return pd.concat(frames, ignore_index=True).reindex(columns=PEER_COLUMNS)


def _peer_rows(group: pd.DataFrame, compared: list[str]) -> pd.DataFrame:
    """The rows of one indicator: every compared region, reported or not, with rank and quartiles."""
    out = group.set_index("region").reindex(compared).reset_index()
    out["indicator"], out["name"] = group["indicator"].iloc[0], group["name"].iloc[0]
    out["reported"] = out["value"].notna()
    out["rank"] = out["value"].rank(method="min", ascending=False).astype("Int64")
    reported = out["value"].dropna().astype(float)
    out["n_reporting"] = len(reported)
    out["median"], out["q1"], out["q3"] = reported.median(), reported.quantile(0.25), reported.quantile(0.75)
    out["from_median"] = (out["value"] - out["median"]).astype("Float64")
    return out.sort_values(["rank", "region"], na_position="last", kind="stable")


HIGHLIGHT_COLUMNS = ["kind", "indicator", "name", "value", "unit", "score", "text"]
MIN_COUNT_CHANGE = 3  # a count that moves by less than this is noise, whatever its percentage
MIN_RATE_CHANGE = 1.0  # percent points
MIN_PEERS = 3  # a rank among fewer regions says little


def highlights(table: pd.DataFrame, region: str, year: int, *, limit: int | None = 10) -> pd.DataFrame:
    """The few things worth saying about ``region`` in ``year``, most telling first.

    Kinds, in this order: ``rise`` and ``fall`` together (the largest changes from the year before, by
    percentage, or by points for rates; counts must move by :data:`MIN_COUNT_CHANGE` or more and
    rates by :data:`MIN_RATE_CHANGE` points), ``record`` (the highest or lowest of three or more
    years held), ``top`` and ``bottom`` (first or last among :data:`MIN_PEERS` or more regions that
    reported), and ``missing`` (reported the year before, not this year). ``text`` says it in Chinese.

    Raises:
        InputError: No data for ``region`` in ``year``.
    """
    select(table, region, year)
    held = trend(table, region)
    kinds = [_changes(held, year), _records(held, year), _ranks(table, region, year)]
    kinds.append(_missing(table, region, year))
    found = pd.concat([k for k in kinds if not k.empty] or [pd.DataFrame(columns=HIGHLIGHT_COLUMNS)], ignore_index=True)
    order = {"rise": 0, "fall": 0, "record": 1, "top": 2, "bottom": 2, "missing": 3}  # rises and falls ranked together
    found = found.assign(_order=found["kind"].map(order)).sort_values(["_order", "score"], ascending=[True, False])
    found = found.reindex(columns=HIGHLIGHT_COLUMNS).reset_index(drop=True)
    return found if limit is None else found.head(limit)


def _changes(held: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rises and falls from the year before that clear the noise floor, from the region's :func:`trend`."""
    from fazhi_analysis.table.wording import format_change

    rows = held[(held["year"] == int(year)) & held["change"].notna()]
    rate = rows["unit"] == "%"
    big = (rate & (rows["change"].abs() >= MIN_RATE_CHANGE)) | (~rate & (rows["change"].abs() >= MIN_COUNT_CHANGE))
    rows = rows[big & (rate | rows["change_pct"].notna())]
    score = rows["change"].abs().where(rate, rows["change_pct"].abs()).astype(float)
    prior = rows["value"] - rows["change"]
    return pd.DataFrame(
        {
            "kind": ["rise" if c > 0 else "fall" for c in rows["change"]],
            "indicator": rows["indicator"], "name": rows["name"], "value": rows["value"], "unit": rows["unit"],
            "score": score,
            "text": [
                f"{n}{format_change(v, p, u)}" for n, v, p, u in zip(rows["name"], rows["value"], prior, rows["unit"])
            ],
        }
    )  # fmt: skip


def _records(held: pd.DataFrame, year: int) -> pd.DataFrame:
    """Figures of ``year`` that are the highest or lowest of three or more years held (the region's :func:`trend`)."""
    found = []
    for indicator, group in held.groupby("indicator", sort=False):
        now = group[group["year"] == int(year)]
        others = group[group["year"] != int(year)]["value"]
        if now.empty or len(others) < 2 or others.isna().all():
            continue
        value = now["value"].iloc[0]
        high, low = value > others.max(), value < others.min()
        if high or low:
            years = len(group)
            found.append(
                {"kind": "record", "indicator": indicator, "name": now["name"].iloc[0], "value": value,
                 "unit": now["unit"].iloc[0], "score": float(years),
                 "text": f"{now['name'].iloc[0]}为{years}年来最{'高' if high else '低'}"}
            )  # fmt: skip
    return pd.DataFrame(found, columns=HIGHLIGHT_COLUMNS)


def _ranks(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """Indicators where ``region`` is first or last among enough regions that reported."""
    rows = peers(table, year)
    rows = rows[(rows["region"] == region) & rows["reported"] & (rows["n_reporting"] >= MIN_PEERS)]
    first, last = rows["rank"] == 1, rows["rank"] == rows["n_reporting"]
    rows = rows[first | last]
    top = (rows["rank"] == 1).tolist()
    return pd.DataFrame(
        {
            "kind": ["top" if t else "bottom" for t in top],
            "indicator": rows["indicator"], "name": rows["name"], "value": rows["value"], "unit": rows["unit"],
            "score": rows["n_reporting"].astype(float),
            "text": [
                f"{n}在{k}个地区中{'居首' if t else '居末'}" for n, k, t in zip(rows["name"], rows["n_reporting"], top)
            ],
        }
    )  # fmt: skip


def _missing(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """Indicators reported the year before and not in ``year``."""
    rows = _figures(table[table["region"] == region])
    before = rows[rows["year"] == int(year) - 1]
    gone = before[~before["indicator"].isin(rows.loc[rows["year"] == int(year), "indicator"])]
    return pd.DataFrame(
        {
            "kind": "missing", "indicator": gone["indicator"], "name": gone["name"], "value": gone["value"],
            "unit": gone["unit"], "score": 0.0, "text": [f"{n}上年有数据，本年未报告" for n in gone["name"]],
        }
    )  # fmt: skip
