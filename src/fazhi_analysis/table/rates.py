"""Derived rates: a rate the catalog computes from two counts, beside the rate the table reports.

The catalog's ``derived`` entries (:func:`fazhi_analysis.table.catalog.derived`) say which counts make
which rate: ``numerator / denominator * scale``. :func:`rates` lays the counts, the computed rate and
the reported one side by side; :func:`with_rates` adds the computed rates the table does not report
to the tidy table, so trends, peers and targets see them as figures. Both the checks (``rate_mismatch``)
and the analysis read them, so they live with the table.

Agreement of a reported and a computed rate (``agrees``): the reported rate is rounded to the
decimals it is written with (from its ``raw`` text when that holds a %, else the fewest decimals
that give its value, at most :data:`_MAX_DECIMALS`), so it agrees when the computed rate lies within
half a unit of its last decimal: ``33.3%`` agrees with 1/3 (33.33…, within 0.05), ``33%`` too
(within 0.5), ``50%`` does not with 9/12 (75%). When any of the figures is approximate (余/多/约…),
a gap of up to :data:`~fazhi_analysis.table.numbers.APPROX_TOLERANCE` of the larger rate is allowed as
well.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.rates(table)[["region", "year", "indicator", "value", "origin", "formula"]]  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.table import catalog, tidy
from fazhi_analysis.table.mapped import first_figures
from fazhi_analysis.table.memo import Memo, fingerprint
from fazhi_analysis.table.numbers import APPROX_TOLERANCE
from fazhi_analysis.table.tidy import KEY
from fazhi_analysis.table.wording import format_number, plain_figure

__all__ = ["COMPUTED", "COMPUTED_SOURCE", "RATE_COLUMNS", "REPORTED", "rates", "with_rates"]

RATE_COLUMNS = [
    "region", "year", "indicator", "name", "numerator", "numerator_value", "numerator_unit", "numerator_approx",
    "denominator", "denominator_value", "denominator_unit", "denominator_approx", "computed", "reported",
    "reported_approx", "value", "unit", "origin", "approx", "agrees", "tolerance", "note", "formula",
    "numerator_source", "denominator_source", "reported_source", "reported_raw",
]  # fmt: skip
REPORTED, COMPUTED = "reported", "computed"
COMPUTED_SOURCE = "计算："  # how the source of a computed rate's tidy row begins
_MAX_DECIMALS = 6
_FIELDS = ["value", "unit", "approx", "source", "raw"]
_PARENTHESES = r"[(（][^)）]*[)）]"


def rates(table: pd.DataFrame) -> pd.DataFrame:
    """Every derived rate of every region and year that holds its counts or the rate itself.

    Each figure is the first of its region, year and indicator (as :func:`~fazhi_analysis.analysis.trend`
    takes it). A zero or missing denominator or a missing numerator gives no computed rate (NA, never
    inf); a row with neither a computed nor a reported rate has ``value`` and ``origin`` NA.

    Returns:
        One row per region, year and rate (columns :data:`RATE_COLUMNS`): the counts' ids, values, units,
        approx flags and sources, ``computed`` (numerator ÷ denominator × scale, in %), ``reported`` (NA
        when the table has none), ``value`` (the reported rate if any, else the computed one), ``origin`` ('reported' or
        'computed'), ``approx`` (any of the figures approximate), ``agrees`` (NA unless both rates exist),
        ``tolerance`` (the gap allowed between them, NA unless both exist), the catalog ``note`` and
        ``formula`` ("行政复议纠错率 = 行政复议纠错 3件 ÷ 行政复议结案 12件"; NA without a computed rate).

    Example:
        >>> rates(table).loc[0, ["computed", "reported", "agrees"]]  # doctest: +SKIP
    """
    spec = catalog.derived().reset_index()
    figures = first_figures(table)[[*KEY, *_FIELDS]]
    parts = [_role(figures, spec, role) for role in ("numerator", "denominator", "id")]
    joined = pd.concat(parts, axis=1).reset_index()
    if joined.empty:
        return pd.DataFrame(columns=RATE_COLUMNS)
    out = joined.merge(spec.rename(columns={"id": "indicator"}), on="indicator", how="left")
    out = out.rename(columns={f"id_{field}": f"reported_{field}" for field in _FIELDS})
    out["reported"] = out["reported_value"].astype("Float64")
    denominator = out["denominator_value"].astype("Float64")
    out["computed"] = (out["numerator_value"].astype("Float64") / denominator.where(denominator != 0)) * out["scale"]
    out["value"] = out["reported"].fillna(out["computed"])
    out["origin"] = pd.Series(
        np.where(out["reported"].notna(), REPORTED, np.where(out["computed"].notna(), COMPUTED, None)), dtype="string"
    )
    flags = out[["numerator_approx", "denominator_approx", "reported_approx"]].astype("boolean").fillna(False)
    out["approx"] = flags.any(axis=1).astype("boolean")
    out["tolerance"] = _allowed(out)
    gap = (out["reported"] - out["computed"]).abs()
    out["agrees"] = (gap <= out["tolerance"] + 1e-9).astype("boolean").where(out["computed"].notna())
    out["unit"] = pd.Series("%", index=out.index, dtype="string")
    names = catalog.indicators()["name"]
    out["name"] = out["indicator"].map(names).astype("string")
    out["formula"] = _formula(out, names)
    order = pd.Series(range(len(spec)), index=spec["id"])
    out = out.assign(_order=out["indicator"].map(order)).sort_values(["region", "year", "_order"], kind="stable")
    return out.reindex(columns=RATE_COLUMNS).reset_index(drop=True)


def _role(figures: pd.DataFrame, spec: pd.DataFrame, role: str) -> pd.DataFrame:
    """The figures that play ``role`` (numerator, denominator, or the rate itself: id), keyed by the rate."""
    columns = ["id"] if role == "id" else ["id", role]
    part = figures.merge(spec[columns], left_on="indicator", right_on=role)
    part = part.drop(columns=["indicator", *([role] if role != "id" else [])]).rename(columns={"id": "indicator"})
    return part.set_index(KEY)[_FIELDS].add_prefix(f"{role}_")


def _decimals(values: pd.Series) -> pd.Series:
    """The fewest decimals (0 … :data:`_MAX_DECIMALS`) that write each value exactly, NA for NA."""
    numbers = values.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    found = np.full(len(numbers), _MAX_DECIMALS, dtype=float)
    for d in range(_MAX_DECIMALS, -1, -1):  # a loop over decimals, not rows
        scaled = numbers * 10**d
        found = np.where(np.abs(scaled - np.round(scaled)) < 1e-6, d, found)
    return pd.Series(np.where(np.isnan(numbers), np.nan, found), index=values.index)


def _rounding(reported: pd.Series, raw: pd.Series) -> pd.Series:
    """Half a unit of the reported rate's last decimal: as its raw text writes it (``33.30%``), else its value."""
    written = raw.astype("string").str.extract(r"(\d+)(?:\.(\d+))?\s*[%％]")
    from_raw = written[1].str.len().where(written[0].notna()).fillna(0).where(written[0].notna())
    decimals = from_raw.astype("Float64").fillna(_decimals(reported).astype("Float64"))
    return (0.5 * 10.0 ** (-decimals)).where(reported.notna()).astype("Float64")


def _allowed(out: pd.DataFrame) -> pd.Series:
    """The gap allowed between reported and computed rate: the reported one's rounding, or when a figure is
    approximate :data:`~fazhi_analysis.table.numbers.APPROX_TOLERANCE` of the larger rate if that is wider; NA
    unless both rates exist."""
    larger = np.maximum(out["reported"].abs(), out["computed"].abs())
    rounding = _rounding(out["reported"], out["reported_raw"])
    allowed = rounding.where(~out["approx"], np.maximum(rounding, APPROX_TOLERANCE * larger)).astype("Float64")
    return allowed.where(out["computed"].notna())


def _formula(out: pd.DataFrame, names: pd.Series) -> pd.Series:
    """The sum in words where a rate was computed (行政复议纠错率 = 行政复议纠错 3件 ÷ 行政复议结案 12件), else NA."""
    short = names.str.replace(_PARENTHESES, "", regex=True)
    parts = [
        f"{rate} = {num} {plain_figure(nv, nu, na)} ÷ {den} {plain_figure(dv, du, da)}"
        for rate, num, nv, nu, na, den, dv, du, da in zip(
            out["indicator"].map(short), out["numerator"].map(short), out["numerator_value"].fillna(0),
            out["numerator_unit"], out["numerator_approx"].fillna(False), out["denominator"].map(short),
            out["denominator_value"].fillna(0), out["denominator_unit"], out["denominator_approx"].fillna(False),
        )
    ]  # fmt: skip
    return pd.Series(parts, index=out.index, dtype="string").where(out["computed"].notna())


def _computed_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Tidy rows of the computed rates ``table`` does not report (``source`` 计算：…, ``raw`` 3÷12)."""
    found = rates(table)
    found = found[(found["origin"] == COMPUTED).fillna(False)]
    raw = [
        f"{format_number(float(n), None)}÷{format_number(float(d), None)}"
        for n, d in zip(found["numerator_value"], found["denominator_value"])
    ]
    rows = pd.DataFrame(
        {
            "region": found["region"], "year": found["year"], "indicator": found["indicator"],
            "value": found["computed"], "unit": "%", "approx": found["approx"],
            "source": COMPUTED_SOURCE + found["numerator"] + " ÷ " + found["denominator"], "raw": raw,
            "label": found["name"], "section": found["indicator"].map(catalog.indicators()["section"]),
        }
    )  # fmt: skip
    return tidy.conform(rows)


def with_rates(table: pd.DataFrame) -> pd.DataFrame:
    """The tidy table followed by one tidy row per computed rate it does not report.

    The added rows keep the tidy contract (:class:`~fazhi_analysis.table.tidy.TidyTable`); their
    ``source`` names the counts (``计算：disputes.reconsideration_corrected ÷ disputes.reconsideration_closed``)
    and ``raw`` their values (``3÷12``). Applied twice, it adds nothing more. The last few results are
    kept by the table's content (and the catalog's), so asking again costs a hash.

    Example:
        >>> with_rates(table).tail(1)[["indicator", "value", "source", "raw"]]  # doctest: +SKIP
    """
    key = _fingerprint(table)
    done = _DONE.get(key)
    if done is None:
        added = _computed_rows(table)
        done = tidy.conform(table) if added.empty else pd.concat([tidy.conform(table), added], ignore_index=True)
        _DONE.put(key, done)
        _DONE.put(_fingerprint(done), done)  # the result is its own: asked of it again, a hash
    return done.copy()


_DONE: Memo[pd.DataFrame] = Memo(4)  # tables whose rates are kept: a report asks for the same table's several times


def _fingerprint(table: pd.DataFrame) -> tuple:
    """What the result of :func:`with_rates` depends on: the table's content and the catalog."""
    return fingerprint(table), catalog.current().digest
