"""What the annual report says about one region and year, gathered once from the tidy table.

The report's chapters, charts and overview read the same few analyses: this year beside the
comparison year, every year held, the peers of the year, the highlights, the report's own parts.
:func:`gather` computes them once, from the table as of the report year (no later year is read, so
a past year's report does not change when later years are added); the notebook passes the result to
:mod:`narrative` and :mod:`charts`.

Example:
    >>> from fazhi_analysis.report import facts
    >>> f = facts.gather(table, "达坂城区", 2024)          # doctest: +SKIP
    >>> f.has_prior, f.n_peers                              # doctest: +SKIP
    (False, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from fazhi_analysis import analysis
from fazhi_analysis.ingest import inputs
from fazhi_analysis.table import catalog, regions
from fazhi_analysis.table.catalog_object import Catalog

__all__ = ["Facts", "distinct", "gather", "source_kind"]


_KEY_PER_SECTION = 4  # indicators a chapter's charts show at most
_PLACE = re.compile(r"(#.*|:\d+(:\d+)?)$")  # the place after a source's file: #sheet!cell or :line[:col]


@dataclass(frozen=True)
class Facts:
    """The analyses behind one annual report. Frames are read-only by convention."""

    region: str
    year: int
    compare_year: int
    table: pd.DataFrame  # the tidy table up to the report year, with the derived rates the report computes
    comparison: pd.DataFrame  # analysis.compare of region, year, compare_year
    history: pd.DataFrame  # analysis.trend of region: every year held up to the report year
    peers: pd.DataFrame  # analysis.peers of year: the region's peer group
    standings: pd.DataFrame  # analysis.standings of the region among its peers (every chapter reads it)
    highlights: pd.DataFrame  # analysis.highlights of region, year
    rates: pd.DataFrame  # analysis.rates of region, year, with each rate's section
    targets: pd.DataFrame  # analysis.against_targets of region, year, with each indicator's section
    sources: tuple[str, ...]  # the files the region-year's figures come from
    peer_rule: str = "default"  # analysis.PeerRule, as written
    region_table: pd.DataFrame | None = None  # the regions table; None: levels read from the names
    ambiguous: tuple[str, ...] = ()  # regions of the year whose level the name cannot tell (…市 among 区县)
    catalog: Catalog | None = None  # the catalog the analyses read (None: the working project's)

    @property
    def has_prior(self) -> bool:
        """Whether any figure has a value in the comparison year."""
        return analysis.has_prior(self.comparison)

    @cached_property
    def years(self) -> list[int]:
        """The years held for the region, oldest first (computed once)."""
        return sorted(int(y) for y in self.history["year"].dropna().unique())

    @cached_property
    def regions(self) -> list[str]:
        """The regions that reported any mapped figure in the report year (computed once)."""
        return sorted(str(r) for r in self.peers["region"].dropna().unique()) if len(self.peers) else [self.region]

    @property
    def n_peers(self) -> int:
        """How many regions of the report year are the region's peers (the region included)."""
        return len(self.regions)

    @property
    def peer_scope(self) -> str:
        """The region's peers in words (``同属乌鲁木齐市的区县``); empty without any."""
        scope = self.peers.loc[self.peers["region"] == self.region, "scope"].dropna()
        return str(scope.iloc[0]) if len(scope) else ""

    @property
    def peer_basis(self) -> str:
        """How the peers were found: ``table`` (the regions table lists them all), ``names`` (some levels read
        from the names), ``unknown`` (some levels neither listed nor told by the name)."""
        peers = self.peers.drop_duplicates("region")
        if not peers["inferred"].fillna(False).astype(bool).any():
            return "table"
        return "unknown" if peers["level"].isna().any() else "names"

    @cached_property
    def standings_per_10k(self) -> pd.DataFrame:
        """analysis.standings per 10,000 residents (computed once)."""
        return analysis.standings(self.peers, self.region, per_10k=True, cat=self.catalog)

    @cached_property
    def sections(self) -> list[str]:
        """The sections with data, in report order (analysis.sections_with_data of the comparison, computed once)."""
        return analysis.sections_with_data(self.comparison, self.catalog)

    @cached_property
    def held(self) -> dict[tuple[str, int], dict]:
        """Each row of the history as a dict, by indicator and year (computed once: for lookups in a loop)."""
        return {(r["indicator"], r["year"]): r for r in self.history.to_dict("records")}

    @cached_property
    def own_ranks(self) -> dict[str, dict]:
        """The region's row of the peers as a dict, by indicator (computed once: for lookups in a loop)."""
        return {r["indicator"]: r for r in self.peers[self.peers["region"] == self.region].to_dict("records")}

    @cached_property
    def _held_in(self) -> tuple[pd.Series, pd.Series]:
        """How many years each indicator is held, and how many regions reported it this year (computed once)."""
        years = self.history.groupby("indicator")["year"].nunique()
        return years, self.peers[self.peers["reported"]].groupby("indicator")["region"].nunique()

    def key_indicators(self, section: str, *, over_years: bool) -> list[str]:
        """Up to :data:`_KEY_PER_SECTION` indicators of ``section`` worth a chart, in catalog order.

        ``over_years``: those held in two or more years (for a trend); else those reported by
        three or more regions this year, the region among them (for a comparison with peers).
        """
        mine = self.comparison.loc[self.comparison["section"] == section, "indicator"].tolist()
        counts = self._held_in[0 if over_years else 1]
        enough = 2 if over_years else analysis.MIN_PEERS
        return [i for i in mine if counts.get(i, 0) >= enough][:_KEY_PER_SECTION]


def gather(
    table: pd.DataFrame,
    region: str,
    year: int,
    compare_year: int | None = None,
    targets: pd.DataFrame | None = None,
    *,
    peers: str | analysis.PeerRule | None = None,
    region_table: pd.DataFrame | None = None,
) -> Facts:
    """The analyses of ``region`` in ``year`` that the report needs, from the years up to ``year`` only.

    Args:
        table: The tidy table (later years may be in it: they are not read).
        region, year: The report's region and year.
        compare_year: The comparison year; default ``year - 1``.
        targets: As :func:`fazhi_analysis.analysis.targets` gives them; default: the project's ``targets.yaml``.
        peers: Who the region is compared with (:class:`fazhi_analysis.analysis.PeerRule`; default: the
            regions of the same level under the same parent).
        region_table: The regions table (:func:`fazhi_analysis.table.regions.load`); None: levels from the names.

    Raises:
        InputError: No data for ``region`` in ``year`` (the message lists what is available); a comparison
            year not before ``year``; an unknown peer rule.
    """
    year = int(year)
    rule = analysis.PeerRule.parse(peers)
    analysis.select(table, region, year)  # before as_of: the message lists every year held
    table = distinct(analysis.as_of(table, year))
    compare_year = year - 1 if compare_year is None else int(compare_year)
    rates = analysis.rates(analysis.select(table, region, year))  # of the table as given: not a rate computed below
    table = analysis.with_rates(table)
    rows = analysis.select(table, region, year)
    cat = catalog.current()  # looked up once: the report's lookups are given it
    sections = catalog.indicators(cat)["section"]
    against = analysis.against_targets(table, region, year, targets)
    group = analysis.peers(table, year, peers=rule, region_table=region_table, groups_of=[region])
    history, standing = analysis.trend(table, region), analysis.standings(group, region, cat=cat)
    found = analysis.highlights(table, region, year, limit=None, targets=targets, peers=rule, region_table=region_table,
                                history=history, standing=standing, against=against, cat=cat)  # fmt: skip
    named = sorted(table.loc[table["year"] == year, "region"].dropna().unique())  # every region of the year
    listed = set() if region_table is None else set(region_table["region"])
    unlisted = [r for r in named if r not in listed]
    return Facts(
        region=region,
        year=year,
        compare_year=compare_year,
        table=table,
        comparison=analysis.compare(table, region, year, compare_year),
        history=history,
        peers=group,
        standings=standing,
        highlights=_varied(found),
        rates=rates.assign(section=rates["indicator"].map(sections)),
        targets=against.assign(section=against["indicator"].map(sections)),
        sources=_source_files(rows["source"]),
        peer_rule=str(rule),
        region_table=region_table,
        ambiguous=tuple(regions.ambiguous(unlisted)),
        catalog=cat,
    )


def distinct(rows: pd.DataFrame) -> pd.DataFrame:
    """Each figure of a source file once: a figure one file says again with the same indicator (or, unmapped,
    label), value, unit, period and scope — a summary repeating a chapter, a text pasted twice — is the same
    figure, and its first place stands for all. The same figure from another file is kept (its own source).

    Example:
        >>> rows = pd.DataFrame({"region": ["甲"] * 4, "year": [2024] * 4, "indicator": ["a"] * 4,
        ...     "label": ["x", "y", "x", "x"], "value": [11.0, 11.0, 12.0, 11.0], "unit": ["件"] * 4,
        ...     "approx": [False] * 4, "source": ["r.txt:1:2", "r.txt:9:4", "r.txt:9:9", "d.xlsx#表!B2"]})
        >>> distinct(rows)["source"].tolist()
        ['r.txt:1:2', 'r.txt:9:9', 'd.xlsx#表!B2']
    """
    said = rows["label"].where(rows["indicator"].isna())  # an unmapped figure is told by its label
    keyed = rows.assign(_said=said, _file=_file_of(rows["source"]))
    key = [c for c in (*_REPEAT_KEY, "_said", "_file") if c in keyed.columns]  # period, scope: when the table has them
    return rows[~keyed.duplicated(key, keep="first").to_numpy()]


_REPEAT_KEY = ["region", "year", "indicator", "value", "unit", "approx", "period", "scope"]
_HIGHLIGHTS_PER_KIND = 4  # the overview's highlights: at most this many changes, records, ranks, …


def _varied(found: pd.DataFrame) -> pd.DataFrame:
    """The highlights in their order, at most :data:`_HIGHLIGHTS_PER_KIND` of each kind and tone (rises and falls
    as one, first and last places as one): a risk is never crowded out by achievements of its kind."""
    kinds = found["kind"].replace({"fall": "rise", "bottom": "top"})
    return found[found.groupby([kinds, found["tone"]], sort=False).cumcount() < _HIGHLIGHTS_PER_KIND].reset_index(
        drop=True
    )


def _source_files(sources: pd.Series) -> tuple[str, ...]:
    """The distinct files of ``file:line:col`` and ``file#sheet!cell`` sources, in order of appearance."""
    files = _file_of(sources.dropna())
    return tuple(dict.fromkeys(f for f in files if f and not f.startswith("计算")))


def _file_of(sources: pd.Series) -> pd.Series:
    """The file of each ``file:line:col`` or ``file#sheet!cell`` source."""
    return sources.astype("string").str.replace(_PLACE, "", regex=True)


def source_kind(source: str) -> str:
    """``报告文本`` for a report text, ``报表`` for a spreadsheet: by the suffix of the file of ``source``, a file
    or a source with its place (``a.xlsx#表1!C4``, ``a.txt:5:12``; :mod:`.ingest.inputs`).

    >>> source_kind("部门.xlsx#表1!C4"), source_kind("报告.txt:5:12"), source_kind("部门.csv")
    ('报表', '报告文本', '报表')
    """
    return inputs.source_word(_PLACE.sub("", source))
