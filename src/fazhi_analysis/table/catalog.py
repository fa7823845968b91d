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
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from fazhi_analysis import project
from fazhi_analysis.table import write
from fazhi_analysis.table.catalog_file import CATALOG_FILE, CATALOG_NAME, LIST_FIELDS, load

__all__ = [
    "DERIVED_COLUMNS",
    "INDICATOR_COLUMNS",
    "Catalog",
    "core",
    "current",
    "derived",
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

INDICATOR_COLUMNS = [
    "section", "name", "unit", "kind", "better", "group", "core", "units", "aliases", "context", "exclude", "nouns",
    "not_nouns",
]  # fmt: skip
DERIVED_COLUMNS = ["numerator", "denominator", "scale", "note"]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Catalog:
    """The layered catalog: the bundled one extended by a project's ``catalog.yaml`` (``extra``, None: none).

    Compared and hashed by ``digest``, the SHA-256 of both files' bytes: what is built from a catalog is
    cached on it (:func:`per_catalog`), so a catalog of other content never sees another's values. Get one
    with :func:`of` (a project's) or :func:`current` (the working project's); a bad file is refused when its
    content is first used.
    """

    digest: str
    extra: Path | None = field(default=None, compare=False)
    memo: dict[Callable, Any] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self) -> tuple:
        return (_interned, (self.digest, self.extra))  # to a worker without what was built from it

    @cached_property
    def data(self) -> dict:
        """The merged and checked catalog, as the YAML files give it."""
        return load(self.extra)

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """All indicators, indexed by id (shared: use :func:`indicators` for a copy)."""
        rows = []
        for entry in self.data["indicators"]:
            row = {key: entry.get(key) for key in ("id", *INDICATOR_COLUMNS)}
            row["core"] = bool(entry.get("core", False))
            for name in LIST_FIELDS:
                row[name] = tuple(entry.get(name) or ())
            # The base unit is always an accepted written unit.
            row["units"] = (row["unit"], *[u for u in row["units"] if u != row["unit"]])
            rows.append(row)
        return pd.DataFrame(rows).set_index("id")

    @cached_property
    def sections(self) -> pd.DataFrame:
        """The report sections in report order, indexed by id (shared)."""
        frame = pd.DataFrame(self.data["sections"])
        frame["keywords"] = frame["keywords"].map(tuple)
        return frame.set_index("id").sort_values("order")

    @cached_property
    def groups(self) -> pd.DataFrame:
        """The subjects of the sections, indexed by id (shared)."""
        return pd.DataFrame(self.data["groups"]).reindex(columns=["id", "section", "title"]).set_index("id")

    @cached_property
    def derived(self) -> pd.DataFrame:
        """Rates computed from two counts, indexed by the rate's id (shared)."""
        frame = pd.DataFrame(self.data["derived"]).reindex(columns=["id", *DERIVED_COLUMNS])
        frame = frame.astype({"id": "string", "numerator": "string", "denominator": "string", "note": "string"})
        frame["scale"] = frame["scale"].astype(float)
        frame["note"] = frame["note"].fillna("")
        return frame.set_index("id")


def of(here: project.Project) -> Catalog:
    """The catalog of project ``here``: the bundled one, extended by its ``catalog.yaml`` when it has one."""
    _, *own = here.layers(CATALOG_NAME)
    try:
        info = own[0].stat()
    except (IndexError, OSError):  # none (an unreadable one is refused when it is read)
        return _interned(_bundled_digest(), None)
    return _with_file(own[0], info.st_mtime_ns, info.st_size)


def current() -> Catalog:
    """The working project's catalog (:func:`fazhi_analysis.project.find`)."""
    return of(project.find())


@cache
def _bundled_digest() -> str:
    return hashlib.sha256(CATALOG_FILE.read_bytes()).hexdigest()


@cache
def _with_file(path: Path, mtime_ns: int, size: int) -> Catalog:
    """The catalog extended by ``path`` as it is at that time and size (an edit makes another key)."""
    content = hashlib.sha256(_bundled_digest().encode())
    try:
        content.update(path.read_bytes())
    except OSError:  # refused, with the file named, when the catalog is used
        content.update(f"unreadable {mtime_ns} {size}".encode())
    return _interned(content.hexdigest(), path)


_CATALOGS: dict[tuple[str, Path | None], Catalog] = {}


def _interned(digest: str, extra: Path | None) -> Catalog:
    """One catalog object per content and file, so that what is built from it is built once."""
    return _CATALOGS.setdefault((digest, extra), Catalog(digest, extra))


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
