"""The findings' contract: what a finding of :func:`fazhi_analysis.checks.check` (or of ``fazhi build``) is.

One row per finding: a level (:data:`ERROR`, :data:`WARNING`), a rule of :data:`RULES`, the region, year,
indicator and source it names, and two messages. :data:`FINDING_COLUMNS` and :data:`FINDING_DTYPES` are
read off :class:`FindingsTable`; every stage that writes findings (checks, build, ``ingest.review``) builds
them in these columns.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from fazhi_analysis.table.tidy import NAString

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


class FindingsTable(pa.DataFrameModel):
    """The findings' contract: one row per finding, a level and a rule of :data:`RULES`, two messages.

    Region, year, indicator and source are NA when a finding has none (a missing column; a
    completeness finding names no indicator).

    Example:
        >>> FindingsTable.validate(as_findings([])).empty
        True
    """

    level: Series[NAString] = pa.Field(isin=[ERROR, WARNING])
    region: Series[NAString] = pa.Field(nullable=True)
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    indicator: Series[NAString] = pa.Field(nullable=True)
    source: Series[NAString] = pa.Field(nullable=True)
    rule: Series[NAString] = pa.Field(isin=list(RULES))
    message_zh: Series[NAString]
    message_en: Series[NAString]

    class Config:
        strict = True
        ordered = True


FINDING_DTYPES: dict[str, str] = {name: str(column.dtype) for name, column in FindingsTable.to_schema().columns.items()}
FINDING_COLUMNS = list(FINDING_DTYPES)


def as_findings(rows: list[dict]) -> pd.DataFrame:
    """Findings of ``rows`` (dicts keyed by some of :data:`FINDING_COLUMNS`), in the contract's columns and dtypes."""
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(FINDING_DTYPES)
