"""The few things worth saying about a region and year: targets missed, changes, records, ranks, what went missing.

Example:
    >>> from fazhi_analysis import analysis
    >>> analysis.highlights(table, "达坂城区", 2024)["text"]  # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from fazhi_analysis.analysis.compare import select
from fazhi_analysis.analysis.rates import with_rates
from fazhi_analysis.analysis.targets import against_targets
from fazhi_analysis.analysis.trends import _figures, peers, trend
from fazhi_analysis.table.wording import format_change

HIGHLIGHT_COLUMNS = ["kind", "indicator", "name", "value", "unit", "score", "text"]
MIN_COUNT_CHANGE = 3  # a count that moves by less than this is noise, whatever its percentage
MIN_RATE_CHANGE = 1.0  # percent points
MIN_PEERS = 3  # a rank among fewer regions says little


def highlights(
    table: pd.DataFrame, region: str, year: int, *, limit: int | None = 10, targets: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The few things worth saying about ``region`` in ``year``, most telling first.

    Kinds, in this order: ``target`` (a target missed, :func:`~fazhi_analysis.analysis.against_targets`;
    the largest shortfall, relative to the target, first), ``rise`` and ``fall`` together (the largest
    changes from the year before, by percentage, or by points for rates; counts must move by
    :data:`MIN_COUNT_CHANGE` or more and rates by :data:`MIN_RATE_CHANGE` points), ``record`` (the
    highest or lowest of three or more years held), ``top`` and ``bottom`` (first or last among
    :data:`MIN_PEERS` or more regions that reported), and ``missing`` (reported the year before, not
    this year). Changes, records and ranks cover computed rates too (:func:`~fazhi_analysis.analysis.with_rates`);
    ``missing`` only what was reported. ``text`` says it in Chinese.

    Args:
        targets: Targets as :func:`~fazhi_analysis.analysis.targets` returns them; default the bundled and
            the working project's.

    Raises:
        InputError: No data for ``region`` in ``year``; a bad targets file.
    """
    select(table, region, year)
    full = with_rates(table)
    held = trend(full, region)
    kinds = [_missed(table, region, year, targets), _changes(held, year), _records(held, year)]
    kinds += [_ranks(full, region, year), _missing(table, region, year)]
    found = pd.concat([k for k in kinds if not k.empty] or [pd.DataFrame(columns=HIGHLIGHT_COLUMNS)], ignore_index=True)
    order = {
        "target": 0,
        "rise": 1,
        "fall": 1,
        "record": 2,
        "top": 3,
        "bottom": 3,
        "missing": 4,
    }  # rises, falls together
    found = found.assign(_order=found["kind"].map(order)).sort_values(["_order", "score"], ascending=[True, False])
    found = found.reindex(columns=HIGHLIGHT_COLUMNS).reset_index(drop=True)
    return found if limit is None else found.head(limit)


def _missed(table: pd.DataFrame, region: str, year: int, targets: pd.DataFrame | None) -> pd.DataFrame:
    """Targets the figure of ``year`` misses; score: the shortfall in percent of the target (its size when 0)."""
    rows = against_targets(table, region, year, targets)
    rows = rows[(rows["met"] == False).fillna(False)]  # noqa: E712  (NA: no figure, nothing to say here)
    target = rows["target"].astype(float).abs()
    shortfall = rows["gap"].astype(float).abs()
    return pd.DataFrame(
        {
            "kind": "target", "indicator": rows["indicator"], "name": rows["name"], "value": rows["value"],
            "unit": rows["unit"], "score": (shortfall / target * 100).where(target > 0, shortfall),
            "text": rows["text"],
        }
    )  # fmt: skip


def _changes(held: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rises and falls from the year before that clear the noise floor, from the region's :func:`trend`."""
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
