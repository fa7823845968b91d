"""The tidy indicator table every module reads or writes: one row per figure.

Columns: region, year, indicator (catalog id or NA), value (base unit), unit, approx,
source (file and place), raw (original text), label (what is counted), section (catalog id).
"""

from __future__ import annotations

import pandas as pd

TIDY_DTYPES: dict[str, str] = {
    "region": "string",
    "year": "Int64",
    "indicator": "string",
    "value": "Float64",
    "unit": "string",
    "approx": "boolean",
    "source": "string",
    "raw": "string",
    "label": "string",
    "section": "string",
}
TIDY_COLUMNS = list(TIDY_DTYPES)
KEY = ["region", "year", "indicator"]


def empty() -> pd.DataFrame:
    """An empty tidy table with the right columns and dtypes."""
    return conform(pd.DataFrame(columns=TIDY_COLUMNS))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with exactly the tidy columns, in order, with the tidy dtypes.

    Missing columns are added as NA; extra columns are dropped.
    """
    out = frame.reindex(columns=TIDY_COLUMNS).copy()
    return out.astype(TIDY_DTYPES)


def sort(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a deterministic order: by region and year, keeping the input order within them."""
    return frame.sort_values(["region", "year"], kind="stable", na_position="last").reset_index(drop=True)
