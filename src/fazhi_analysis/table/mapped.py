"""Mapped figures: the rows of a tidy table whose indicator the catalog knows, with its section, name and kind,
in catalog order; the analysis and the derived rates read a table through them.

Example:
    >>> first_figures(table)[["region", "year", "indicator", "section", "name"]]  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.table import catalog
from fazhi_analysis.table.catalog_object import Catalog

__all__ = ["first_figures", "with_catalog"]

_ADDED = ["section", "name", "kind"]  # the catalog's columns a mapped row gets


@catalog.per_catalog
def _columns(cat: Catalog) -> tuple[pd.DataFrame, np.ndarray]:
    """The catalog's section, name and kind of each indicator (typed ``string``), indexed by id, and each
    indicator's place in catalog order: by the order of its section, then as listed."""
    indicators, sections = catalog.indicators(cat), catalog.sections(cat)
    columns = indicators[_ADDED].astype("string")
    keys = pd.DataFrame({"section": columns["section"].map(sections["order"]), "listed": range(len(columns))})
    return columns, keys.sort_values(["section", "listed"], kind="stable").index.get_indexer(columns.index)


def with_catalog(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped rows with catalog section, name and kind, in catalog order (rows of one indicator as they come)."""
    columns, place = _columns()
    mapped = rows[rows["indicator"].isin(columns.index)]
    at = columns.index.get_indexer(mapped["indicator"])
    order = np.argsort(place[at], kind="stable")
    taken = columns.iloc[at[order]]
    return mapped.iloc[order].assign(**{c: taken[c].array for c in _ADDED})


def first_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """Mapped figures, one per region, year and indicator: the first, as :func:`fazhi_analysis.analysis.compare`
    takes it."""
    return with_catalog(rows).drop_duplicates(["region", "year", "indicator"], keep="first")
