"""Analysis of the tidy table: compare a year with the last, trends over years, peers, rates, targets,
highlights.

Tidy DataFrames in, tidy DataFrames out, for notebooks and the report alike.

Example:
    >>> from fazhi_analysis import analysis
    >>> comp = analysis.compare(table, "达坂城区", 2024)          # doctest: +SKIP
    >>> comp.loc[comp["indicator"] == "disputes.reconsideration_applications", "change"]  # doctest: +SKIP
"""

from fazhi_analysis.analysis.compare import (
    COMPARISON_COLUMNS,
    approximate,
    available,
    compare,
    findings,
    has_prior,
    load_table,
    sections_with_data,
    select,
    unmapped,
)
from fazhi_analysis.analysis.highlights import (
    HIGHLIGHT_COLUMNS,
    MIN_COUNT_CHANGE,
    MIN_PEERS,
    MIN_RATE_CHANGE,
    highlights,
)
from fazhi_analysis.analysis.rates import RATE_COLUMNS, rates, with_rates
from fazhi_analysis.analysis.targets import AGAINST_COLUMNS, TARGET_COLUMNS, against_targets, targets
from fazhi_analysis.analysis.trends import FALLING, FLAT, MIXED, PEER_COLUMNS, RISING, TREND_COLUMNS, peers, trend

__all__ = [
    "AGAINST_COLUMNS", "COMPARISON_COLUMNS", "FALLING", "FLAT", "HIGHLIGHT_COLUMNS", "MIN_COUNT_CHANGE", "MIN_PEERS",
    "MIN_RATE_CHANGE", "MIXED", "PEER_COLUMNS", "RATE_COLUMNS", "RISING", "TARGET_COLUMNS", "TREND_COLUMNS",
    "against_targets", "approximate", "available", "compare", "findings", "has_prior", "highlights", "load_table",
    "peers", "rates", "sections_with_data", "select", "targets", "trend", "unmapped", "with_rates",
]  # fmt: skip
