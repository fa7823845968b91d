"""The findings' contract: what a finding of :func:`fazhi_analysis.checks.check` (or of ``fazhi build``) is.

One row per finding: a level (:data:`ERROR`, :data:`WARNING`), a rule of :data:`RULES`, the region, year,
indicator and source it names, and two messages. :data:`FINDING_COLUMNS` and :data:`FINDING_DTYPES` are
read off :data:`FindingsTable`; every stage that writes findings (checks, build, ``ingest.review``) builds
them in these columns.

Example:
    >>> FindingsTable.validate(as_findings([])).empty
    True
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from fazhi_analysis.table.tidy import Contract, NAString

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


FindingsTable = Contract(
    {
        "level": pa.Column(NAString(), checks=pa.Check.isin([ERROR, WARNING])),
        "region": pa.Column(NAString(), nullable=True),
        "year": pa.Column(pd.Int64Dtype(), nullable=True),
        "indicator": pa.Column(NAString(), nullable=True),
        "source": pa.Column(NAString(), nullable=True),
        "rule": pa.Column(NAString(), checks=pa.Check.isin(list(RULES))),
        "message_zh": pa.Column(NAString()),
        "message_en": pa.Column(NAString()),
    },
    strict=True,
    ordered=True,
    name="FindingsTable",
)
"""The findings' contract: one row per finding, a level and a rule of :data:`RULES`, two messages.

Region, year, indicator and source are NA when a finding has none (a missing column; a completeness finding
names no indicator).
"""

FINDING_DTYPES: dict[str, str] = {name: str(column.dtype) for name, column in FindingsTable.columns.items()}
FINDING_COLUMNS = list(FINDING_DTYPES)


def as_findings(rows: list[dict]) -> pd.DataFrame:
    """Findings of ``rows`` (dicts keyed by some of :data:`FINDING_COLUMNS`), in the contract's columns and dtypes."""
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(FINDING_DTYPES)
