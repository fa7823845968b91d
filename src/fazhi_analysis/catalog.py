"""The indicator catalog: sections, indicators (ids, units, aliases) and relations between them.

The catalog is package data (``data/catalog.yaml``); the ids are a contract shared by the tidy
table, the fill-in template, the narrative and outside tools.

Example:
    >>> from fazhi_analysis import catalog
    >>> catalog.indicators().loc["disputes.reconsideration_applications", "unit"]
    '件'
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import yaml

from .config import PACKAGE_DATA

CATALOG_FILE = PACKAGE_DATA / "catalog.yaml"
INDICATOR_COLUMNS = ["section", "name", "unit", "kind", "units", "aliases", "context", "exclude", "nouns"]
LIST_FIELDS = ("units", "aliases", "context", "exclude", "nouns")


@cache
def _load() -> dict:
    with CATALOG_FILE.open(encoding="utf-8") as fh:
        # libyaml's loader when PyYAML has it: the pure-Python one takes ~0.2 s over the catalog.
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _indicators() -> pd.DataFrame:
    rows = []
    for entry in _load()["indicators"]:
        row = {key: entry.get(key) for key in ("id", *INDICATOR_COLUMNS)}
        for field in LIST_FIELDS:
            row[field] = tuple(entry.get(field) or ())
        # The base unit is always an accepted written unit.
        row["units"] = (row["unit"], *[u for u in row["units"] if u != row["unit"]])
        rows.append(row)
    return pd.DataFrame(rows).set_index("id")


@cache
def _sections() -> pd.DataFrame:
    frame = pd.DataFrame(_load()["sections"])
    frame["keywords"] = frame["keywords"].map(tuple)
    return frame.set_index("id").sort_values("order")


def indicators() -> pd.DataFrame:
    """All indicators, indexed by id: section, name, unit, kind and the matching hints."""
    return _indicators().copy()


def sections() -> pd.DataFrame:
    """The report sections in report order, indexed by id: order, title, keywords."""
    return _sections().copy()


def relations() -> pd.DataFrame:
    """Checks between indicators of one region-year: columns left, op, right."""
    return pd.DataFrame(_load()["relations"], columns=["left", "op", "right"])


def section_title(section_id: str) -> str:
    """The Chinese title of a section id."""
    return str(_sections().at[section_id, "title"])


def to_table(fmt: str = "table") -> str:
    """The catalog as text for ``fazhi catalog``: an aligned table, CSV or JSON."""
    frame = indicators().reset_index()[["id", "section", "name", "unit", "kind", "aliases"]]
    frame["aliases"] = frame["aliases"].map("、".join)
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        full = indicators().reset_index()
        for field in LIST_FIELDS:
            full[field] = full[field].map(list)
        return full.to_json(orient="records", force_ascii=False, indent=1)
    return frame.drop(columns="aliases").to_string(index=False)
