"""Mapped figures: the rows of a tidy table whose indicator the catalog knows, with its section, name and kind,
in catalog order; the analysis and the derived rates read a table through them.

Example:
    >>> first_figures(table)[["region", "year", "indicator", "section", "name"]]  # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from fazhi_analysis.table import catalog
from fazhi_analysis.table.catalog_object import Catalog

__all__ = ["first_figures", "with_catalog"]


def with_catalog(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped rows with catalog section, name, kind and order, in catalog order."""
    known = _known()
    mapped = rows[rows["indicator"].notna() & rows["indicator"].isin(known.index)].copy()
    ids = mapped["indicator"].astype(str)
    for column in ("section", "name", "kind"):
        mapped[column] = ids.map(known[column]).astype("string")
    mapped["_section_order"], mapped["_order"] = ids.map(known["section_order"]), ids.map(known["order"])
    return mapped.sort_values(["_section_order", "_order"], kind="stable").drop(columns=["_section_order", "_order"])


@catalog.per_catalog
def _known(cat: Catalog) -> pd.DataFrame:
    """Section, name, kind, the section's order and the indicator's of every indicator of ``cat``, by id (shared:
    read only)."""
    return cat.indicators[["section", "name", "kind"]].assign(
        section_order=cat.indicators["section"].map(cat.sections["order"]), order=range(len(cat.indicators))
    )


def first_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped figures, one per region, year and indicator: the first, as :func:`fazhi_analysis.analysis.compare`
    takes it."""
    return with_catalog(rows).drop_duplicates(["region", "year", "indicator"], keep="first")
