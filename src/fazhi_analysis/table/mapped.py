"""Mapped figures: the rows of a tidy table whose indicator the catalog knows, with its section, name and kind,
in catalog order; the analysis and the derived rates read a table through them.

Example:
    >>> first_figures(table)[["region", "year", "indicator", "section", "name"]]  # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from fazhi_analysis.table import catalog

__all__ = ["first_figures", "with_catalog"]


def with_catalog(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped rows with catalog section, name, kind and order, in catalog order."""
    cat = catalog.indicators()
    sections = catalog.sections()
    mapped = rows[rows["indicator"].notna() & rows["indicator"].isin(cat.index)].copy()
    ids = mapped["indicator"].astype(str)
    mapped["section"] = ids.map(cat["section"]).astype("string")
    mapped["name"] = ids.map(cat["name"]).astype("string")
    mapped["kind"] = ids.map(cat["kind"]).astype("string")
    mapped["_section_order"] = mapped["section"].map(sections["order"])
    mapped["_order"] = ids.map(pd.Series(range(len(cat)), index=cat.index))
    return mapped.sort_values(["_section_order", "_order"], kind="stable").drop(columns=["_section_order", "_order"])


def first_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped figures, one per region, year and indicator: the first, as :func:`fazhi_analysis.analysis.compare`
    takes it."""
    return with_catalog(rows).drop_duplicates(["region", "year", "indicator"], keep="first")
