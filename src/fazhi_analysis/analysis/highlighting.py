"""The few things worth saying about a region and year: risks first, then achievements and the rest.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.highlights(table, "达坂城区", 2024)["text"]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from fazhi_analysis.analysis.comparison import as_of, select
from fazhi_analysis.analysis.peer_groups import PeerRule, peers, standings
from fazhi_analysis.analysis.targeting import against_targets
from fazhi_analysis.analysis.trends import trend
from fazhi_analysis.table import catalog
from fazhi_analysis.table.catalog_object import Catalog
from fazhi_analysis.table.mapped import first_figures
from fazhi_analysis.table.rates import with_rates
from fazhi_analysis.table.wording import format_change, format_figure

__all__ = ["HIGHLIGHT_COLUMNS", "MIN_COUNT_CHANGE", "MIN_RATE_CHANGE", "RATE_POINT_WEIGHT", "highlights"]

HIGHLIGHT_COLUMNS = ["kind", "tone", "indicator", "name", "value", "unit", "basis", "score", "text"]
MIN_COUNT_CHANGE = 3  # a count that moves by less than this is noise (unless it moves the wrong way)
MIN_RATE_CHANGE = 1.0  # percent points
RATE_POINT_WEIGHT = 10.0  # in the order of changes, a rate's point weighs as much as 10 % of a count
_TONE_ORDER = {"risk": 0, "good": 1, "neutral": 2}
_KIND_ORDER = {"top": 0, "bottom": 0, "target": 1, "rise": 2, "fall": 2, "record": 3, "missing": 4}
_BASIS_ORDER = {"pct": 0, "points": 0, "count": 1}  # a small count's change comes after every percentage


def highlights(
    table: pd.DataFrame,
    region: str,
    year: int,
    *,
    limit: int | None = 10,
    targets: pd.DataFrame | None = None,
    peers: str | PeerRule | None = None,
    region_table: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    standing: pd.DataFrame | None = None,
    against: pd.DataFrame | None = None,
    cat: Catalog | None = None,
) -> pd.DataFrame:
    """The few things worth saying about ``region`` in ``year``, risks first, from the years up to ``year`` only.

    Kinds: ``top`` and ``bottom`` (first or last among :data:`~fazhi_analysis.analysis.MIN_PEERS` or more
    peers that reported, :func:`~fazhi_analysis.analysis.standings`; ties said as ties), ``target`` (a target
    missed, :func:`~fazhi_analysis.analysis.against_targets`), ``rise`` and ``fall`` (changes from the year
    before that clear the noise floor), ``record`` (the highest or lowest of three or more years held) and
    ``missing`` (reported the year before, not this year). ``tone`` is ``risk`` for a target missed and,
    where the catalog says which direction is good (``better:``), for the worst place, a change the wrong
    way (any rise of 败诉) and a record the wrong way; ``good`` for their opposites; else ``neutral``.

    Order: risks, then achievements (``good``), then the rest, ``missing`` last; within them standings,
    targets, changes, records; then the size (``score``). The size of a change (``basis``): a rate's
    points × :data:`RATE_POINT_WEIGHT` (``points``), a count's or amount's percentage when both years
    hold :data:`~fazhi_analysis.analysis.SMALL_COUNT` or more (``pct``); a smaller count's change is said
    by its size (由上年的5件增至9件, ``count``) and comes after every percentage. Counts must move by
    :data:`MIN_COUNT_CHANGE` or more, rates by :data:`MIN_RATE_CHANGE` points, except the wrong way.

    Args:
        targets: Targets as :func:`~fazhi_analysis.analysis.targets` returns them; default the bundled and
            the working project's.
        peers, region_table: Who the peers are (:func:`~fazhi_analysis.analysis.peers`).
        history, standing, against: What a caller that has them already passes (computed here otherwise): the
            region's :func:`~fazhi_analysis.analysis.trend`, its :func:`~fazhi_analysis.analysis.standings` among
            the peers of ``year`` and its :func:`~fazhi_analysis.analysis.against_targets` of ``year``, all of the
            table as of ``year`` with its computed rates, with these ``targets`` and peers.
        cat: The catalog whose ``better:`` gives the tones (default: the working project's).

    Raises:
        InputError: No data for ``region`` in ``year``; a bad targets file; an unknown peer rule.
    """
    select(table, region, year)  # before as_of: the message lists every year held
    table = as_of(table, year)
    full = with_rates(table)
    held = trend(full, region) if history is None else history
    standing = _standing(full, region, year, peers, region_table, cat) if standing is None else standing
    if against is None:
        against = against_targets(table, region, year, targets)
    better = catalog.field("better", cat)
    kinds = [_ranks(standing), _missed(against), _changes(held, year, better), _records(held, year, better)]
    kinds += [_missing(table, region, year)]
    found = pd.concat([k for k in kinds if not k.empty] or [pd.DataFrame(columns=HIGHLIGHT_COLUMNS)], ignore_index=True)
    tone = found["tone"].map(_TONE_ORDER).where(found["kind"] != "missing", len(_TONE_ORDER))
    found = found.assign(_tone=tone, _kind=found["kind"].map(_KIND_ORDER), _basis=found["basis"].map(_BASIS_ORDER))
    found = found.sort_values(["_tone", "_kind", "_basis", "score"], ascending=[True, True, True, False], kind="stable")
    found = found.reindex(columns=HIGHLIGHT_COLUMNS).reset_index(drop=True)
    return found if limit is None else found.head(limit)


def _tone(better: object, up: bool) -> str:
    """``good`` or ``risk`` for a move up (``up``) or down of an indicator whose ``better:`` is ``better``, else
    ``neutral``."""
    if better not in ("higher", "lower"):
        return "neutral"
    return "good" if up == (better == "higher") else "risk"


def _missed(rows: pd.DataFrame) -> pd.DataFrame:
    """Targets missed in rows of :func:`against_targets`; score: the shortfall in percent of the target (its size
    when 0)."""
    rows = rows[(rows["met"] == False).fillna(False)]  # noqa: E712  (NA: no figure, nothing to say here)
    target = rows["target"].astype(float).abs()
    shortfall = rows["gap"].astype(float).abs()
    return pd.DataFrame(
        {
            "kind": "target", "tone": "risk", "indicator": rows["indicator"], "name": rows["name"],
            "value": rows["value"], "unit": rows["unit"], "basis": pd.NA,
            "score": (shortfall / target * 100).where(target > 0, shortfall), "text": rows["text"],
        }
    )  # fmt: skip


def _changes(held: pd.DataFrame, year: int, better: Mapping[str, object]) -> pd.DataFrame:
    """Rises and falls from the year before that clear the noise floor (see :func:`highlights`), from :func:`trend`."""
    rows = held[(held["year"] == int(year)) & held["change"].notna() & held["change"].ne(0)]
    tone = pd.Series([_tone(better.get(i), c > 0) for i, c in zip(rows["indicator"], rows["change"])], index=rows.index)
    rate, size = rows["unit"].eq("%").fillna(False).astype(bool), rows["change"].abs().astype(float)
    notable = (rate & (size >= MIN_RATE_CHANGE)) | (~rate & ((size >= MIN_COUNT_CHANGE) | (tone == "risk")))
    rows, tone, rate, size = rows[notable], tone[notable], rate[notable], size[notable]
    basis = pd.Series("count", index=rows.index).mask(rows["change_pct"].notna(), "pct").mask(rate, "points")
    score = rows["change_pct"].abs().astype(float).where(basis == "pct", size).mask(rate, size * RATE_POINT_WEIGHT)
    prior = rows["value"] - rows["change"]
    texts = [
        _change_text(n, v, p, u, b) for n, v, p, u, b in zip(rows["name"], rows["value"], prior, rows["unit"], basis)
    ]
    return pd.DataFrame(
        {
            "kind": ["rise" if c > 0 else "fall" for c in rows["change"]], "tone": tone,
            "indicator": rows["indicator"], "name": rows["name"], "value": rows["value"], "unit": rows["unit"],
            "basis": basis, "score": score, "text": texts,
        }
    )  # fmt: skip


def _change_text(name: str, value: float, prior: float, unit: str, basis: str) -> str:
    """``收到行政复议申请同比增加3件、增长20%``; a small count by its size: ``…由上年的5件增至9件``."""
    if basis != "count":
        return f"{name}{format_change(value, prior, unit)}"
    return (
        f"{name}由上年的{format_figure(prior, unit)}{'增至' if value > prior else '减至'}{format_figure(value, unit)}"
    )


def _records(held: pd.DataFrame, year: int, better: Mapping[str, object]) -> pd.DataFrame:
    """Figures of ``year`` that are the highest or lowest of three or more years held (the region's :func:`trend`).

    ``held`` holds no year after ``year`` (:func:`highlights` reads the table as of ``year``).
    """
    ids, now = held["indicator"], held["year"] == int(year)
    before = held["value"].where(~now).groupby(ids)
    high = (held["value"] > before.transform("max")).fillna(False)
    low = (held["value"] < before.transform("min")).fillna(False)
    rows = held[now & ((~now).groupby(ids).transform("sum") >= 2) & (high | low)]
    years, first = ids.map(ids.value_counts())[rows.index], held["year"].groupby(ids).transform("min")[rows.index]
    spans = [f"{n}年来" if int(year) - f + 1 == n else f"有数据的{n}个年度中" for n, f in zip(years, first)]
    figures = [format_figure(*f) for f in zip(rows["value"], rows["unit"], rows["approx"], rows["raw"])]
    found = [
        {"kind": "record", "tone": _tone(better.get(i), bool(h)), "indicator": i, "name": name, "value": v, "unit": u,
         "basis": pd.NA, "score": float(n), "text": f"{name}{figure}，为{span}最{'高' if h else '低'}"}
        for i, name, v, u, n, figure, span, h in zip(
            rows["indicator"], rows["name"], rows["value"], rows["unit"], years, figures, spans, high[rows.index]
        )
    ]  # fmt: skip
    return pd.DataFrame(found, columns=HIGHLIGHT_COLUMNS)


def _standing(
    table: pd.DataFrame,
    region: str,
    year: int,
    rule: str | PeerRule | None,
    region_table: pd.DataFrame | None,
    cat: Catalog | None,
) -> pd.DataFrame:
    """:func:`standings` of ``region`` among its peers of ``year`` (only its own peer group is ranked)."""
    return standings(peers(table, year, peers=rule, region_table=region_table, groups_of=[region]), region, cat=cat)


def _ranks(found: pd.DataFrame) -> pd.DataFrame:
    """Indicators where the region is first or last among enough peers that reported, from its :func:`standings`
    (ties said as ties)."""
    found = found[found["position"].isin(["first", "last"])]
    return pd.DataFrame(
        {
            "kind": found["position"].map({"first": "top", "last": "bottom"}), "tone": found["tone"],
            "indicator": found["indicator"], "name": found["name"], "value": found["value"], "unit": found["unit"],
            "basis": pd.NA, "score": found["n"].astype(float), "text": found["name"] + found["clause"],
        }
    )  # fmt: skip


def _missing(table: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """Indicators reported the year before and not in ``year``."""
    rows = first_figures(table[table["region"] == region])
    before = rows[rows["year"] == int(year) - 1]
    gone = before[~before["indicator"].isin(rows.loc[rows["year"] == int(year), "indicator"])]
    return pd.DataFrame(
        {
            "kind": "missing", "tone": "neutral", "indicator": gone["indicator"], "name": gone["name"],
            "value": gone["value"], "unit": gone["unit"], "basis": pd.NA, "score": 0.0,
            "text": [f"{n}上年有数据，本年未报告" for n in gone["name"]],
        }
    )  # fmt: skip
