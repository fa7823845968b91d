"""What the figures of a chapter say: streaks over the years, standing among peers, rates and targets.

Each function reads a :class:`~fazhi_analysis.report.facts.Facts` and returns plain sentences or
table rows; the wording comes from ``phrases.yaml`` (section ``reading``). Parallel facts are said in
one sentence (``收到行政复议申请、行政复议结案连续两年增长（…）``), and what applies to the whole report
(whom the ranks are among, and how those peers were found) is said once, in the first chapter with ranks.

Example:
    >>> reading.sentences(facts, "disputes")   # doctest: +SKIP
    ['收到行政复议申请连续两年增长（2022—2024年依次为8件、10件、11件）。', …]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fazhi_analysis import analysis
from fazhi_analysis.analysis.peer_groups import extremes
from fazhi_analysis.report.facts import Facts
from fazhi_analysis.report.wording import phrases, text_template
from fazhi_analysis.table import catalog
from fazhi_analysis.table.catalog_object import Catalog
from fazhi_analysis.table.wording import format_change, format_figure, magnitude_of

__all__ = ["first_ranked", "rank_cell", "scope", "sentences", "table_rows", "table_years"]


_TABLE_YEARS = 4  # the years a chapter's table shows at most
_PER_10K_AT_MOST = 4  # counts a chapter compares per 10,000 residents
_NA_TEXT = "—"
_NUMERALS = dict(enumerate("零一两三四五六七八九十"))


def _say(key: str, **context: Any) -> str:
    return text_template(phrases()["reading"][key]).render(**context)


def table_years(facts: Facts) -> list[int]:
    """The years of a chapter's table: the last :data:`_TABLE_YEARS` held up to the report year, oldest first."""
    return [y for y in facts.years if y <= facts.year][-_TABLE_YEARS:]


def _figure(row: pd.Series | dict, magnitude: str | None = None) -> str:
    return format_figure(row["value"], row["unit"], row["approx"], row.get("raw"), magnitude)


def rank_cell(row: pd.Series | dict, cat: Catalog | None = None) -> str:
    """A rank for the table: ``2/6``, ``并列1/5`` for a shared rank, ``1/5（最多）`` where lower is better (by the
    ``better:`` of ``cat``, default the working project's catalog); ``—`` without a rank among
    :data:`~fazhi_analysis.analysis.MIN_PEERS` or more."""
    rank, n = row.get("rank", pd.NA), row.get("n_reporting", pd.NA)
    if pd.isna(rank) or pd.isna(n) or n < analysis.MIN_PEERS:
        return _NA_TEXT
    text = f"{'并列' if row['tied'] > 1 else ''}{rank}/{n}"
    if rank == 1 and catalog.field("better", cat).get(row["indicator"]) == "lower":
        text += f"（{extremes(row['indicator'], cat)[0]}）"
    return text


def _change_cell(row: pd.Series) -> str:
    """The change of a comparison row for the table: ``同比增加3件、增长20%``; for counts too small for a percentage
    (:func:`~fazhi_analysis.analysis.comparison.percent_change`) only the size, ``同比减少2件``."""
    approx = bool(row["approx"] is True or row["prior_approx"] is True)
    small = pd.isna(row["change_pct"]) and row["unit"] != "%" and pd.notna(row["change"])
    if small:  # the change as from 0: format_change then gives the size and no percentage
        return format_change(row["change"], 0, row["unit"], approx)
    return format_change(row["value"], row["prior_value"], row["unit"], approx)


def table_rows(facts: Facts, section: str) -> list[dict[str, Any]]:
    """One row per figure of the chapter: its name, its figure in each year held, the change, its rank."""
    years = table_years(facts)
    history, ranks = facts.held, facts.own_ranks
    out = []
    for _, row in facts.comparison[facts.comparison["section"] == section].iterrows():
        magnitude = magnitude_of(row["value"], row["unit"], row["raw"])  # the row in the report year's form
        held = [history.get((row["indicator"], y)) for y in years]
        cells = [_NA_TEXT if h is None else _figure(h, magnitude) for h in held]
        cells[-1] = _figure(row)  # the report year as the source writes it
        change = _change_cell(row)
        rank = rank_cell({**ranks.get(row["indicator"], {}), "indicator": row["indicator"]}, facts.catalog)
        out.append({"name": row["name"], "cells": cells, "change": change or _NA_TEXT, "rank": rank})
    return out


def _streaks(facts: Facts, section: str) -> list[tuple[int, str, list[str]]]:
    """(streak, name, figures) of each indicator of the chapter that rose or fell two years or more up to the report
    year, the figures from the first year of the streak on."""
    mine = facts.comparison.loc[facts.comparison["section"] == section, "indicator"]
    held = facts.history[facts.history["indicator"].isin(mine)]
    last = held.loc[(held["year"] == facts.year) & (held["streak"].abs() >= 2).fillna(False), ["indicator", "streak"]]
    out = []
    for indicator, streak in zip(last["indicator"], last["streak"].astype(int)):
        now = facts.held[(indicator, facts.year)]
        path = [facts.held.get((indicator, y)) for y in range(facts.year - abs(streak), facts.year + 1)]
        magnitude = magnitude_of(now["value"], now["unit"], now["raw"])  # the path in the report year's form
        out.append((streak, str(now["name"]), [_figure(r, magnitude) for r in path if r is not None]))
    return out


def _trend_sentences(facts: Facts, section: str) -> list[str]:
    """One sentence per streak: the indicators that rose (or fell) the same number of years in a row, together."""
    found, out = _streaks(facts, section), []
    for streak in dict.fromkeys(s for s, _, _ in found):
        same = [(name, figures) for s, name, figures in found if s == streak]
        years = f"{facts.year - abs(streak)}—{facts.year}年依次为"
        if len(same) == 1:
            path = years + "、".join(same[0][1])
        else:
            path = years + "：" + "；".join(f"{name}{'、'.join(figures)}" for name, figures in same)
        count = _NUMERALS.get(abs(streak), str(abs(streak)))
        out.append(_say("rising" if streak > 0 else "falling", names="、".join(n for n, _ in same), count=count,
                        path=path))  # fmt: skip
    return out


def _merged(found: pd.DataFrame, *, with_figure: bool = False) -> str:
    """Standings said in clauses, those saying the same merged: ``收到行政复议申请、行政复议结案在5个地区中最多``."""
    if with_figure:
        return "；".join(f"{n}每万人{f}，{c}" for n, f, c in zip(found["name"], found["figure"], found["clause"]))
    groups = found.groupby("clause", sort=False)["name"].agg(lambda names: "、".join(map(str, names)))
    return "；".join(f"{names}{clause}" for clause, names in groups.items())


def _rank_sentences(facts: Facts, section: str) -> list[str]:
    """Where the region stands at either end among its peers, risks first; the scope once per report."""
    mine = facts.comparison.loc[facts.comparison["section"] == section, "indicator"]
    found = facts.standings
    out = [scope(facts)] if section == first_ranked(facts) else []
    ends = found[found["indicator"].isin(mine) & found["position"].isin(["first", "last"])]
    ends = ends.assign(_tone=ends["tone"].map({"risk": 0, "good": 1, "neutral": 2})).sort_values("_tone", kind="stable")
    if len(ends):
        out.append(_say("ranks", region=facts.region, clauses=_merged(ends)))
    per_10k = facts.standings_per_10k
    keys = facts.key_indicators(section, over_years=False)
    per_10k = per_10k[per_10k["indicator"].isin(mine) & per_10k["indicator"].isin(keys)].head(_PER_10K_AT_MOST)
    if len(per_10k):
        out.append(_say("per_10k", clauses=_merged(per_10k, with_figure=True)))
    return out


def first_ranked(facts: Facts) -> str | None:
    """The first chapter (in report order) whose table shows a rank: where the scope of the ranks is said."""
    ranked = facts.peers[(facts.peers["region"] == facts.region) & (facts.peers["n_reporting"] >= analysis.MIN_PEERS)]
    sections = set(facts.comparison.loc[facts.comparison["indicator"].isin(ranked["indicator"]), "section"])
    return next((s for s in facts.sections if s in sections), None)


def scope(facts: Facts) -> str:
    """Whom the ranks are among, and whether the peers were found from the names (said once per report)."""
    return _say("scope", year=facts.year, scope=facts.peer_scope, basis=facts.peer_basis,
                ambiguous="、".join(facts.ambiguous))  # fmt: skip


def sentences(facts: Facts, section: str) -> list[str]:
    """What the chapter's figures say beyond themselves: streaks, standings, computed rates, targets missed."""
    return [
        *_trend_sentences(facts, section),
        *_rank_sentences(facts, section),
        *_rate_sentences(facts, section),
        *_target_sentences(facts, section),
    ]


def _rate_sentences(facts: Facts, section: str) -> list[str]:
    """Rates of the chapter computed from their counts (naming the denominator), and reported rates their counts
    contradict."""
    mine = facts.rates[facts.rates["section"] == section]
    out = []
    for _, row in mine[mine["computed"].notna()].iterrows():
        computed = format_figure(row["computed"], "%", row["approx"])
        note = row["note"] if isinstance(row["note"], str) else ""
        if row["origin"] == "computed":
            out.append(_say("computed_rate", formula=row["formula"], figure=computed, note=note))
        elif pd.notna(row["agrees"]) and not row["agrees"]:
            reported = format_figure(row["reported"], "%", row["approx"], row["reported_raw"])
            out.append(_say("rate_mismatch", name=row["name"], reported=reported, formula=row["formula"],
                            computed=computed, note=note))  # fmt: skip
    return out


def _target_sentences(facts: Facts, section: str) -> list[str]:
    """Targets of the chapter's indicators that the region missed this year."""
    missed = facts.targets["met"].eq(False).fillna(False) & facts.targets["section"].eq(section).fillna(False)
    return [f"{t}。" for t in facts.targets.loc[missed, "text"]]
