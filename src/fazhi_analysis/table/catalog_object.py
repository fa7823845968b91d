"""The catalog object of a project: the bundled ``catalog.yaml`` and the project's, one object per content.

A :class:`Catalog` is what :func:`fazhi_analysis.table.catalog.of` gives a project: the files it is made of, the
SHA-256 of their bytes, and (lazily) the merged, checked catalog (:mod:`fazhi_analysis.table.catalog_file`) and
its tables. Lookups in it are :mod:`fazhi_analysis.table.catalog`'s.

Example:
    >>> from fazhi_analysis import project
    >>> from fazhi_analysis.table import catalog
    >>> catalog.of(project.Project(Path("/srv/fazhi"))).indicators.loc["disputes.reconsideration_applications", "unit"]
    '件'
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from fazhi_analysis.table.catalog_file import LIST_FIELDS, load

__all__ = ["DERIVED_COLUMNS", "INDICATOR_COLUMNS", "Catalog", "layered"]

INDICATOR_COLUMNS = [
    "section", "name", "unit", "kind", "better", "group", "core", "units", "aliases", "context", "exclude", "nouns",
    "not_nouns",
]  # fmt: skip
DERIVED_COLUMNS = ["numerator", "denominator", "scale", "note"]


@dataclass(frozen=True)
class Catalog:
    """The layered catalog: the bundled ``catalog.yaml`` extended by a project's (``files``: one or both).

    Compared and hashed by ``digest``, the SHA-256 of both files' bytes: what is built from a catalog is
    cached on it (:func:`fazhi_analysis.table.catalog.per_catalog`), so a catalog of other content never sees
    another's values. Get a project's with :func:`fazhi_analysis.table.catalog.of`; a bad
    file is refused when its content is first used.
    """

    digest: str
    files: tuple[Path, ...] = field(compare=False)
    memo: dict[Callable, Any] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self) -> tuple:
        return (_interned, (self.digest, self.files))  # to a worker without what was built from it

    @property
    def extra(self) -> Path | None:
        """The project's ``catalog.yaml`` (None: the bundled catalog alone)."""
        return self.files[1] if len(self.files) > 1 else None

    @cached_property
    def data(self) -> dict:
        """The merged and checked catalog, as the YAML files give it."""
        return load(self.files)

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


def layered(files: tuple[Path, ...]) -> Catalog:
    """The catalog of ``files``: the bundled ``catalog.yaml`` and, when given, the project's over it (as
    :meth:`fazhi_analysis.project.Project.layers` finds them)."""
    bundled, *own = files
    try:
        info = own[0].stat()
    except (IndexError, OSError):  # none (an unreadable one is refused when it is read)
        return _interned(_digest_of(bundled), (bundled,))
    return _with_file(bundled, own[0], info.st_mtime_ns, info.st_size)


@cache
def _digest_of(bundled: Path) -> str:
    return hashlib.sha256(bundled.read_bytes()).hexdigest()


@cache
def _with_file(bundled: Path, path: Path, mtime_ns: int, size: int) -> Catalog:
    """The catalog extended by ``path`` as it is at that time and size (an edit makes another key)."""
    content = hashlib.sha256(_digest_of(bundled).encode())
    try:
        content.update(path.read_bytes())
    except OSError:  # refused, with the file named, when the catalog is used
        content.update(f"unreadable {mtime_ns} {size}".encode())
    return _interned(content.hexdigest(), (bundled, path))


_CATALOGS: dict[tuple[str, tuple[Path, ...]], Catalog] = {}


def _interned(digest: str, files: tuple[Path, ...]) -> Catalog:
    """One catalog object per content and files, so that what is built from it is built once."""
    return _CATALOGS.setdefault((digest, files), Catalog(digest, files))
