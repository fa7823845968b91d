"""Analysis of the tidy table: compare a year with the last, trends over years, peers, rates, targets,
highlights, and the wide table of every region, indicator and year.

Tidy DataFrames in, tidy DataFrames out, for notebooks and the report alike. The modules are named apart from
the functions exported here (``analysis.compare`` is the function, :mod:`~fazhi_analysis.analysis.comparison` its
module); the derived rates live with the table (:mod:`fazhi_analysis.table.rates`).

Example:
    >>> from fazhi_analysis import analysis
    >>> comp = analysis.compare(table, "达坂城区", 2024)          # doctest: +SKIP
    >>> comp.loc[comp["indicator"] == "disputes.reconsideration_applications", "change"]  # doctest: +SKIP
"""

from fazhi_analysis.analysis.comparison import (
    COMPARISON_COLUMNS,
    SMALL_COUNT,
    approximate,
    as_of,
    available,
    compare,
    findings,
    has_prior,
    load_table,
    sections_with_data,
    select,
    unmapped,
)
from fazhi_analysis.analysis.export import export_wide, wide
from fazhi_analysis.analysis.highlighting import (
    HIGHLIGHT_COLUMNS,
    MIN_COUNT_CHANGE,
    MIN_RATE_CHANGE,
    RATE_POINT_WEIGHT,
    highlights,
)
from fazhi_analysis.analysis.lookup import indicator_ids, region_year
from fazhi_analysis.analysis.peer_groups import (
    MIN_PEERS,
    PEER_COLUMNS,
    STANDING_COLUMNS,
    PeerRule,
    group_of,
    peer_info,
    peers,
    peers_by_year,
    standings,
)
from fazhi_analysis.analysis.targeting import AGAINST_COLUMNS, TARGET_COLUMNS, against_targets, targets
from fazhi_analysis.analysis.trends import FALLING, FLAT, MIXED, RISING, TREND_COLUMNS, trend
from fazhi_analysis.table.rates import RATE_COLUMNS, rates, with_rates

__all__ = [
    "AGAINST_COLUMNS", "COMPARISON_COLUMNS", "FALLING", "FLAT", "HIGHLIGHT_COLUMNS", "MIN_COUNT_CHANGE", "MIN_PEERS",
    "MIN_RATE_CHANGE", "MIXED", "PEER_COLUMNS", "RATE_COLUMNS", "RATE_POINT_WEIGHT", "RISING", "SMALL_COUNT",
    "STANDING_COLUMNS", "TARGET_COLUMNS", "TREND_COLUMNS", "PeerRule", "against_targets", "approximate", "as_of",
    "available", "compare", "export_wide", "findings", "group_of", "has_prior", "highlights", "indicator_ids",
    "load_table", "peer_info", "peers", "peers_by_year", "rates", "region_year", "sections_with_data", "select",
    "standings", "targets", "trend", "unmapped", "wide", "with_rates",
]  # fmt: skip
