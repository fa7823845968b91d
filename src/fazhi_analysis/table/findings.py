"""The findings' contract: what a finding of :func:`fazhi_analysis.checks.check` (or of ``fazhi build``) is.

One row per finding: a level (:data:`ERROR`, :data:`WARNING`), a rule of :data:`RULES`, the region, year,
indicator and source it names, and two messages. :data:`FINDING_COLUMNS` and :data:`FINDING_DTYPES` are
read off :data:`FindingsTable`; every stage that writes findings (checks, build, ``ingest.review``) builds
them in these columns.

Example:
    >>> from fazhi_analysis.table.findings import FindingsTable
    >>> FindingsTable.validate(as_findings([])).empty
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from fazhi_analysis.table.contract import Check, Column, attribute, dtypes

if TYPE_CHECKING:
    from fazhi_analysis.table.contract_schema import Contract

__all__ = ["ERROR", "FINDING_COLUMNS", "FINDING_DTYPES", "FindingsTable", "RULES", "WARNING", "as_findings"]

ERROR, WARNING = "error", "warning"
RULES = (
    "schema",
    "region_name",
    "unit",
    "duplicate",
    "conflict",
    "relation",
    "rate_range",
    "count_whole",
    "negative",
    "completeness",
    "rate_mismatch",
    "outlier",
    "override",  # written by fazhi build (ingest.review): an analyst's override whose figure is gone
    "docx_table",  # written by fazhi build: a .docx table with figures but no header row, not read
    # written by fazhi build from data/raw/regions.csv|xlsx (table.regions): a level that is not 省/市/县, a region
    # listed twice, a population that is not a positive number, a region with figures but not listed, a listed
    # region without figures (warning), a …市 among 区县 whose level its name cannot tell (warning, no table)
    "regions_level",
    "regions_duplicate",
    "regions_population",
    "regions_missing",
    "regions_unused",
    "regions_inferred",
)


_CONTRACT = {
    "level": Column("string", nullable=False, checks=(Check("isin", [ERROR, WARNING]),)),
    "region": Column("string"),
    "year": Column("Int64"),
    "indicator": Column("string"),
    "source": Column("string"),
    "rule": Column("string", nullable=False, checks=(Check("isin", list(RULES)),)),
    "message_zh": Column("string", nullable=False),
    "message_en": Column("string", nullable=False),
}
"""The findings' contract: one row per finding, a level and a rule of :data:`RULES`, two messages; ``FindingsTable`` is
it as a pandera schema, built on first use.

Region, year, indicator and source are NA when a finding has none (a missing column; a completeness finding
names no indicator).
"""


FindingsTable: Contract  # the contract as a pandera schema, built on first use by __getattr__


def __getattr__(name: str) -> Any:
    """``FindingsTable``: the contract as a pandera schema, built on first use."""
    return attribute(__name__, name, FindingsTable=_CONTRACT)


FINDING_DTYPES: dict[str, str] = dtypes(_CONTRACT)
FINDING_COLUMNS = list(FINDING_DTYPES)


def as_findings(rows: list[dict]) -> pd.DataFrame:
    """Findings of ``rows`` (dicts keyed by some of :data:`FINDING_COLUMNS`), in the contract's columns and dtypes."""
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(FINDING_DTYPES)
