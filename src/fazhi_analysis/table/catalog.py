"""The indicator catalog of a project: the :class:`Catalog` object, and lookups in it (indicators, sections …).

The catalog is package data (``catalog.yaml`` beside this module, read and checked by
:mod:`fazhi_analysis.table.catalog_file`); the ids are a contract shared by the tidy table, the fill-in
template, the narrative and outside tools. A project's own ``catalog.yaml`` extends it.

Indicators carry ``group`` (their subject, an id of ``groups`` in the same section: what a chapter's
charts and sentences keep together) and ``core`` (true where absence is worth a completeness warning).

A derived rate (:func:`derived`) is a rate indicator computed from two counts of one region and year:
``numerator / denominator * scale``.

A :class:`Catalog` is the layered catalog of one project (:func:`of`; :func:`current` for the working
project's), compared by the content of both files; what is built from it is cached on it
(:func:`per_catalog`), so that switching projects in one process never sees another catalog's values.
The functions below take one, and default to the working project's.

Example:
    >>> from fazhi_analysis.table import catalog
    >>> catalog.indicators().loc["disputes.reconsideration_applications", "unit"]
    '件'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import pandas as pd

from fazhi_analysis import project
from fazhi_analysis.table import write
from fazhi_analysis.table.catalog_file import LIST_FIELDS
from fazhi_analysis.table.catalog_object import Catalog, layered

__all__ = [
    "core",
    "current",
    "derived",
    "field",
    "groups",
    "headline",
    "indicators",
    "of",
    "per_catalog",
    "relations",
    "section_title",
    "sections",
    "to_table",
    "without_ids",
]

_T = TypeVar("_T")


def of(here: project.Project) -> Catalog:
    """The layered catalog of project ``here``: the bundled one, extended by its ``catalog.yaml`` (its indicators and
    aliases) when it has one (:meth:`~fazhi_analysis.project.Project.layers`); one object per content, what is built
    from it cached on it."""
    return layered(here.layers(project.CATALOG))


def current() -> Catalog:
    """The working project's catalog (:func:`fazhi_analysis.project.find`): the default of the lookups below."""
    return of(project.find())


def per_catalog(build: Callable[[Catalog], _T]) -> Callable[[Catalog | None], _T]:
    """``build(catalog)`` computed once per catalog and kept on it; called with None, the working project's.

    Example:
        >>> @per_catalog
        ... def ids(cat: Catalog) -> int:
        ...     return len(cat.indicators)
        >>> ids(current()) == ids()
        True
    """

    @functools.wraps(build)
    def cached(cat: Catalog | None = None) -> _T:
        cat = cat or current()
        if build not in cat.memo:
            cat.memo[build] = build(cat)
        return cat.memo[build]

    return cached


def indicators(cat: Catalog | None = None) -> pd.DataFrame:
    """All indicators of ``cat`` (the working project's by default), indexed by id: section, name, unit, kind and
    the matching hints."""
    return (cat or current()).indicators.copy()


def field(name: str, cat: Catalog | None = None) -> Mapping[str, Any]:
    """One field of every indicator of ``cat`` by id (``better``, ``kind``, ``name`` …), read-only and built once per
    catalog: for lookups in a loop, where :func:`indicators` would copy the table each time.

    Example:
        >>> field("kind")["disputes.reconsideration_applications"]
        'count'
    """
    return _fields(cat)[name]


@per_catalog
def _fields(cat: Catalog) -> dict[str, Mapping[str, Any]]:
    return {name: MappingProxyType(cat.indicators[name].to_dict()) for name in cat.indicators.columns}


def sections(cat: Catalog | None = None) -> pd.DataFrame:
    """The report sections in report order, indexed by id: order, title, keywords."""
    return (cat or current()).sections.copy()


def groups(cat: Catalog | None = None) -> pd.DataFrame:
    """The subjects of the sections, in catalog order, indexed by id: section, title.

    Example:
        >>> from fazhi_analysis.table import catalog
        >>> catalog.groups().loc["reconsideration", "title"]
        '行政复议'
    """
    return (cat or current()).groups.copy()


def headline(cat: Catalog | None = None) -> list[str]:
    """The indicators of the overview's key-figure tiles, in order (the project's list when it gives one).

    Example:
        >>> from fazhi_analysis.table import catalog
        >>> catalog.headline()[0]
        'disputes.reconsideration_applications'
    """
    return list((cat or current()).data["headline"])


def core(cat: Catalog | None = None) -> list[str]:
    """The indicators whose absence is worth a completeness warning (``core: true``), in catalog order."""
    frame = (cat or current()).indicators
    return frame.index[frame["core"]].tolist()


def derived(cat: Catalog | None = None) -> pd.DataFrame:
    """Rates computed from two counts, indexed by the rate's id: numerator, denominator, scale, note.

    Example:
        >>> from fazhi_analysis.table import catalog
        >>> catalog.derived().loc["disputes.reconsideration_correction_rate", "denominator"]
        'disputes.reconsideration_closed'
    """
    return (cat or current()).derived.copy()


def relations(cat: Catalog | None = None) -> pd.DataFrame:
    """Checks between indicators of one region-year: columns left, op, right."""
    return pd.DataFrame((cat or current()).data["relations"], columns=["left", "op", "right"])


def section_title(section_id: str, cat: Catalog | None = None) -> str:
    """The Chinese title of a section id."""
    return str((cat or current()).sections.at[section_id, "title"])


_ID_IN_TEXT = re.compile(r"（?\b([a-z_]+\.[a-z_]+)\b）?")


def without_ids(text: object, cat: Catalog | None = None) -> str:
    """A message for readers: a catalog id in brackets is dropped, a bare one becomes its name.

    Example:
        >>> without_ids("行政诉讼败诉案件（disputes.litigation_lost）同比变化 -66.7%")
        '行政诉讼败诉案件同比变化 -66.7%'
    """
    names = (cat or current()).indicators["name"]

    def name_of(match: re.Match[str]) -> str:
        if match.group(1) not in names.index:
            return match.group(0)
        bracketed = match.group(0).startswith("（") and match.group(0).endswith("）")
        return "" if bracketed else str(names[match.group(1)])

    return _ID_IN_TEXT.sub(name_of, text) if isinstance(text, str) else ""


def to_table(fmt: str = "table", cat: Catalog | None = None) -> str:
    """The catalog as text for ``fazhi catalog``: an aligned table, CSV or JSON."""
    frame = indicators(cat).reset_index()[["id", "section", "name", "unit", "kind", "aliases"]]
    frame["aliases"] = frame["aliases"].map("、".join)
    if fmt == "csv":
        return write.defused(frame).to_csv(index=False)  # a project's catalog text is data
    if fmt == "json":
        full = indicators(cat).reset_index()
        for field in LIST_FIELDS:
            full[field] = full[field].map(list)
        return full.to_json(orient="records", force_ascii=False, indent=1)
    return frame.drop(columns="aliases").to_string(index=False)
