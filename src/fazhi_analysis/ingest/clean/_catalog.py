"""The indicator catalog as arrays indexed by position, as the cleaning stages use it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fazhi_analysis.ingest.clean._codes import Interner
from fazhi_analysis.table import catalog

__all__ = ["accepted_matrix", "catalog_arrays", "section_strings"]


@catalog.per_catalog
def catalog_arrays(
    cat: catalog.Catalog,
) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray, np.ndarray, dict[str, tuple]]:
    """Catalog columns as arrays indexed by position, plus id → position and id → accepted units (computed once
    per catalog; called without one, the working project's)."""
    info = cat.indicators
    ids = list(info.index)
    return (
        ids,
        {i: k for k, i in enumerate(ids)},
        info["kind"].to_numpy(object),
        info["unit"].to_numpy(object),
        info["section"].to_numpy(object),
        info["units"].to_dict(),
    )


def section_strings(ind: np.ndarray) -> pd.Series:
    """The catalog section of each indicator position (NA for -1)."""
    section_of = catalog_arrays()[4]
    sections = Interner.of(list(section_of))
    by_position = np.array([sections.index[s] for s in section_of] + [-1], dtype=np.int64)
    return sections.strings(by_position[ind])


def accepted_matrix(units: Interner) -> np.ndarray:
    """accepted[indicator position, unit code]; the last row (indicator -1) accepts everything."""
    ids, _, _, _, _, accepted_of = catalog_arrays()
    for accepted in accepted_of.values():
        for unit in accepted:
            units.code(unit)
    matrix = np.zeros((len(ids) + 1, len(units.items)), dtype=bool)
    for k, ind in enumerate(ids):
        matrix[k, [units.index[u] for u in accepted_of[ind]]] = True
    matrix[-1] = True
    return matrix
