"""What the figures of a chapter say: trends over three years, rank among peers, rates and targets.

Each function reads a :class:`~fazhi_analysis.report.facts.Facts` and returns plain sentences or
table rows; the wording comes from ``phrases.yaml`` (section ``reading``).

Example:
    >>> reading.sentences(facts, "disputes")   # doctest: +SKIP
    ['收到行政复议申请连续三年增长（2022年8件、2023年10件、2024年11件）。', …]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fazhi_analysis import analysis
from fazhi_analysis.report.facts import Facts
from fazhi_analysis.report.wording import phrases, text_template
from fazhi_analysis.table.wording import format_change, format_figure, magnitude_of

TABLE_YEARS = 4  # the years a chapter's table shows at most
NA_TEXT = "—"


def _say(key: str, **context: Any) -> str:
    return text_template(phrases()["reading"][key]).render(**context)


def table_years(facts: Facts) -> list[int]:
    """The years of a chapter's table: the last :data:`TABLE_YEARS` held up to the report year, oldest first."""
    return [y for y in facts.years if y <= facts.year][-TABLE_YEARS:]


def _figure(row: pd.Series, magnitude: str | None = None) -> str:
    return format_figure(row["value"], row["unit"], row["approx"], row.get("raw"), magnitude)


def table_rows(facts: Facts, section: str) -> list[dict[str, Any]]:
    """One row per figure of the chapter: its name, its figure in each year held, the change, its rank."""
    years = table_years(facts)
    history = facts.history.set_index(["indicator", "year"])
    ranks = facts.peers[facts.peers["region"] == facts.region].set_index("indicator")
    out = []
    for _, row in facts.comparison[facts.comparison["section"] == section].iterrows():
        cells, magnitude = [], magnitude_of(row["value"], row["unit"], row["raw"])  # the row in the report year's form
        for y in years:
            held = (row["indicator"], y) in history.index
            cells.append(_figure(history.loc[(row["indicator"], y)], magnitude) if held else NA_TEXT)
        cells[-1] = _figure(row)  # the report year as the source writes it
        approx = bool(row["approx"] is True or row["prior_approx"] is True)
        change = format_change(row["value"], row["prior_value"], row["unit"], approx, magnitude)
        rank = ranks["rank"].get(row["indicator"], pd.NA)
        n = ranks["n_reporting"].get(row["indicator"], 0)
        out.append({"name": row["name"], "cells": cells, "change": change or NA_TEXT,
                    "rank": f"{rank}/{n}" if pd.notna(rank) and n >= analysis.MIN_PEERS else NA_TEXT})  # fmt: skip
    return out


def _trend_sentences(facts: Facts, section: str) -> list[str]:
    """A sentence for each indicator of the chapter that rose or fell three years running."""
    mine = facts.comparison.loc[facts.comparison["section"] == section, "indicator"]
    held = facts.history[facts.history["indicator"].isin(mine) & facts.history["year"].le(facts.year)]
    out = []
    for _, rows in held.groupby("indicator", sort=False):
        direction = rows["direction"].iloc[0]
        if pd.isna(direction) or direction not in (analysis.RISING, analysis.FALLING):
            continue
        last = rows[rows["year"] >= facts.year - 2]
        now = last.iloc[-1]
        magnitude = magnitude_of(now["value"], now["unit"], now["raw"])
        path = "、".join(f"{int(r['year'])}年{_figure(r, magnitude)}" for _, r in last.iterrows())
        out.append(_say("rising" if direction == analysis.RISING else "falling", name=rows["name"].iloc[0], path=path))
    return out


def _rank_sentences(facts: Facts, section: str) -> list[str]:
    """Where the region stands among its peers: the key indicators where it is first or last, said once."""
    keys = facts.key_indicators(section, over_years=False)
    rows = facts.peers[(facts.peers["region"] == facts.region) & facts.peers["indicator"].isin(keys)]
    rows = rows[rows["reported"]]
    if rows.empty:
        return []
    top = "、".join(rows.loc[rows["rank"] == 1, "name"].astype(str))
    bottom = "、".join(rows.loc[(rows["rank"] == rows["n_reporting"]) & (rows["rank"] > 1), "name"].astype(str))
    return [_say("ranks", region=facts.region, top=top, bottom=bottom, n=len(rows))]


def sentences(facts: Facts, section: str) -> list[str]:
    """What the chapter's figures say beyond themselves: trends, ranks, computed rates, targets missed."""
    return [
        *_trend_sentences(facts, section),
        *_rank_sentences(facts, section),
        *rate_sentences(facts, section),
        *target_sentences(facts, section),
    ]


def rate_sentences(facts: Facts, section: str) -> list[str]:
    """Rates of the chapter computed from their counts, and reported rates that their counts contradict."""
    mine = facts.rates[facts.rates["section"] == section]
    out = []
    for _, row in mine[mine["computed"].notna()].iterrows():
        computed = format_figure(row["computed"], "%", row["approx"])
        if row["origin"] == "computed":
            out.append(_say("computed_rate", formula=row["formula"], figure=computed))
        elif pd.notna(row["agrees"]) and not row["agrees"]:
            reported = format_figure(row["reported"], "%", row["approx"], row["reported_raw"])
            out.append(_say("rate_mismatch", name=row["name"], reported=reported, formula=row["formula"],
                            computed=computed))  # fmt: skip
    return out


def target_sentences(facts: Facts, section: str) -> list[str]:
    """Targets of the chapter's indicators that the region missed this year."""
    missed = facts.targets["met"].eq(False).fillna(False) & facts.targets["section"].eq(section).fillna(False)
    return [f"{t}。" for t in facts.targets.loc[missed, "text"]]
