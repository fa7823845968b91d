"""The indicator catalog: sections, indicators (ids, units, aliases), relations and derived rates.

The catalog is package data (``catalog.yaml`` beside this module); the ids are a contract shared
by the tidy table, the fill-in template, the narrative and outside tools. A project's own
``catalog.yaml`` (:attr:`fazhi_analysis.project.Project.catalog`) extends it: new indicators,
sections, relations and derived rates are added; for an id the bundled catalog has, the fields given
replace the bundled ones, except the lists (``aliases``, ``units``, ``context``, ``exclude``, ``nouns``,
``not_nouns``, a section's ``keywords``), which are extended; ``headline`` (the overview's key figures)
is replaced.

Indicators carry ``group`` (their subject, an id of ``groups`` in the same section: what a chapter's
charts and sentences keep together) and ``core`` (true where absence is worth a completeness warning).

A derived rate (:func:`derived`) is a rate indicator computed from two counts of one region and year:
``numerator / denominator * scale``.

A :class:`Catalog` is the layered catalog of one project (:func:`of`; :func:`current` for the working
project's), compared by the content of both files; what is built from it is cached on it
(:func:`per_catalog`), so that switching projects in one process never sees another catalog's values.
The functions below take one, and default to the working project's.

Both files are validated when the catalog loads: the types by the models (:class:`CatalogFile`, the
project's :class:`ProjectCatalog`, read by :func:`fazhi_analysis.userfiles.load_yaml`: no YAML aliases,
capped nodes), ids distinct within a list, then the references (a section, a group of the same section,
a headline id, a derived rate in % over two counts). Every error is one line naming the file, the entry
and what it should be.

Example:
    >>> from fazhi_analysis.table import catalog
    >>> catalog.indicators().loc["disputes.reconsideration_applications", "unit"]
    '件'
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import pandas as pd
import pydantic
import yaml

from fazhi_analysis import project, userfiles
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import write
from fazhi_analysis.userfiles import Text

__all__ = [
    "bundled_yaml",
    "Catalog",
    "CATALOG_FILE",
    "CatalogFile",
    "core",
    "current",
    "Derived",
    "derived",
    "DERIVED_COLUMNS",
    "Group",
    "groups",
    "headline",
    "Indicator",
    "INDICATOR_COLUMNS",
    "indicators",
    "KINDS",
    "LIST_FIELDS",
    "MERGED_LISTS",
    "MODELS",
    "of",
    "per_catalog",
    "ProjectCatalog",
    "Relation",
    "relations",
    "Section",
    "section_title",
    "sections",
    "to_table",
    "without_ids",
]

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")
INDICATOR_COLUMNS = [
    "section", "name", "unit", "kind", "better", "group", "core", "units", "aliases", "context", "exclude", "nouns",
    "not_nouns",
]  # fmt: skip
LIST_FIELDS = ("units", "aliases", "context", "exclude", "nouns", "not_nouns")
MERGED_LISTS = (*LIST_FIELDS, "keywords")
DERIVED_COLUMNS = ["numerator", "denominator", "scale", "note"]
KINDS = ("sections", "groups", "indicators", "derived")  # the lists of entries with an id
_T = TypeVar("_T")


def _unique_ids(entries: list[pydantic.BaseModel]) -> list[pydantic.BaseModel]:
    """Entries of one list with distinct ids (a second entry of an id would silently replace the first)."""
    seen = Counter(entry.id for entry in entries)
    if twice := [key for key, n in seen.items() if n > 1]:
        raise ValueError(f"id 重复 / duplicated id: {', '.join(twice)}")
    return entries


def _distinct(ids: list[str]) -> list[str]:
    if twice := [key for key, n in Counter(ids).items() if n > 1]:
        raise ValueError(f"重复 / given twice: {', '.join(twice)}")
    return ids


class _Entry(pydantic.BaseModel, extra="forbid"):
    id: Text


class Section(_Entry):
    """A part of the annual report: ``order``, ``title`` and the heading ``keywords`` that place text in it."""

    order: int
    title: Text
    keywords: list[Text] = []


class Group(_Entry):
    """A subject of a section (行政复议): what a chapter's charts and sentences keep together."""

    section: Text
    title: Text


class Indicator(_Entry):
    """One figure a report or a spreadsheet gives, with its unit, kind, direction and matching hints."""

    section: Text
    name: Text
    unit: Text
    kind: Literal["count", "amount", "rate"]
    better: Literal["higher", "lower"] | None = None
    group: Text | None = None
    core: pydantic.StrictBool = False
    units: list[Text] = []
    aliases: list[Text] = []
    context: list[Text] = []
    exclude: list[Text] = []
    nouns: list[Text] = []
    not_nouns: list[Text] = []


class Derived(_Entry):
    """A rate computed from two counts: ``numerator / denominator * scale``."""

    numerator: Text
    denominator: Text
    scale: Annotated[float, pydantic.Strict(), pydantic.Field(gt=0, allow_inf_nan=False)]
    note: str = ""


Relation = tuple[Text, Literal["<=", ">=", "<", ">", "=="], Text]


def _patch(model: type[_Entry]) -> type[_Entry]:
    """``model`` with every field but ``id`` left out when not given (its type unchanged: ``null`` is no text):
    a project's entry may change some fields of a bundled one."""
    fields = {}
    for name, info in model.model_fields.items():
        if name != "id":
            fields[name] = (info.annotation, copy.copy(info))
            fields[name][1].default = None
    return pydantic.create_model(f"{model.__name__}Patch", __base__=_Entry, **fields)


def _entries(model: type[_Entry]) -> object:
    return Annotated[list[model], pydantic.AfterValidator(_unique_ids)]


class CatalogFile(pydantic.BaseModel, extra="forbid"):
    """The bundled catalog: every list whole."""

    sections: _entries(Section)
    groups: _entries(Group)
    headline: Annotated[list[Text], pydantic.AfterValidator(_distinct)]
    indicators: _entries(Indicator)
    relations: list[Relation] = []
    derived: _entries(Derived) = []


class ProjectCatalog(pydantic.BaseModel, extra="forbid"):
    """A project's ``catalog.yaml``: new entries, whole, and changes of bundled ones (by id); ``headline`` replaces."""

    sections: _entries(_patch(Section)) = []
    groups: _entries(_patch(Group)) = []
    headline: Annotated[list[Text], pydantic.AfterValidator(_distinct)] | None = None
    indicators: _entries(_patch(Indicator)) = []
    relations: list[Relation] = []
    derived: _entries(_patch(Derived)) = []


MODELS = dict(zip(KINDS, (Section, Group, Indicator, Derived)))


def bundled_yaml(path: Path, schema: Any) -> Any:
    """A YAML file of the package validated against ``schema`` (read by libyaml: the package's files are
    ours, and the pure-Python loader that guards a user's files takes half a second over the catalog)."""
    with path.open(encoding="utf-8") as fh:
        return userfiles.validate(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), schema, path)


def _merge_entries(base: list[dict], extra: list[dict], kind: str, path: Path) -> list[dict]:
    """Entries of ``extra`` added to ``base`` by id: fields replace, lists extend; a new entry is whole.

    Raises:
        InputError: A new entry without a required field (the file, the entry and the field named).
    """
    merged = {entry["id"]: dict(entry) for entry in base}
    for n, entry in enumerate(extra):
        old = merged.get(entry["id"])
        if old is None:
            new = userfiles.validate(entry, MODELS[kind], f"{path}: {kind}[{n}]（{entry['id']}）")
            merged[entry["id"]] = new.model_dump()
            continue
        for key, value in entry.items():
            old[key] = list(dict.fromkeys([*(old.get(key) or ()), *value])) if key in MERGED_LISTS else value
    return list(merged.values())


@cache
def _bundled() -> dict:
    return bundled_yaml(CATALOG_FILE, CatalogFile).model_dump()


def _load_from(extra: Path | None) -> dict:
    """The bundled catalog extended by the project's file ``extra`` (None: the bundled one alone)."""
    data = copy.deepcopy(_bundled())
    if extra is None:
        _check(data, CATALOG_FILE, [])
        return data
    local = userfiles.load_yaml(extra, ProjectCatalog, if_empty={}).model_dump(exclude_unset=True)
    for kind in KINDS:
        data[kind] = _merge_entries(data[kind], local.get(kind, []), kind, extra)
    data["relations"] += local.get("relations", [])
    data["headline"] = local.get("headline", data["headline"])
    _check(data, extra, local.get("derived", []))
    return data


def _check(data: dict, path: Path, local_derived: list) -> None:
    """The catalog's references: sections, groups, the headline and the derived rates name entries that exist.

    ``path`` is the file that made the catalog (the project's when it has one: the bundled catalog is valid alone).

    Raises:
        InputError: Naming the file, the entry and what it names.
    """
    sections = {s["id"] for s in data["sections"]}
    for kind in ("groups", "indicators"):
        for entry in data[kind]:
            if entry["section"] not in sections:
                raise InputError(f"{path}: {kind} {entry['id']} 的方面未知 / unknown section: {entry['section']!r}")
    groups = {g["id"]: g["section"] for g in data["groups"]}
    for entry in data["indicators"]:
        if entry.get("group") is not None and groups.get(entry["group"]) != entry["section"]:
            raise InputError(
                f"{path}: indicators {entry['id']} 的 group 应为 groups 中属于方面 {entry['section']} 的一项 / group "
                f"must be a group of section {entry['section']}: {entry['group']!r}"
            )
    ids = {e["id"] for e in data["indicators"]}
    for n, entry in enumerate(data["headline"]):
        if entry not in ids:
            raise InputError(
                f"{path}: headline[{n}] 应为目录中的指标 id / headline[{n}] must be a catalog id: {entry!r}"
            )
    _check_derived(data, path, local_derived)


def _check_derived(data: dict, path: Path, local: list) -> None:
    """Each derived rate: a catalog rate in %, two count indicators.

    ``local`` is the project's own ``derived`` entries, whose place in its file the message gives.

    Raises:
        InputError: Naming the file, the entry and every problem of it.
    """
    kinds = {entry["id"]: (entry.get("kind"), entry.get("unit")) for entry in data["indicators"]}
    places = {e["id"]: n for n, e in enumerate(local)}
    for entry in data["derived"]:
        n = places.get(entry["id"])
        where = f"{path}: derived" + (f"[{n}]" if n is not None else "") + f"（{entry['id']}）"
        problems = []
        if kinds.get(entry["id"]) != ("rate", "%"):
            problems.append("id 应为目录中单位为 % 的比率指标 / id must be a rate indicator in %")
        for role in ("numerator", "denominator"):
            if kinds.get(entry[role], (None,))[0] != "count":
                problems.append(f"{role} {entry[role]} 应为目录中的计数指标 / must be a count indicator")
        if problems:
            raise InputError(f"{where}：{'；'.join(problems)}")


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
        return _load_from(self.extra)

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
    try:
        info = here.catalog.stat()
    except OSError:  # none (an unreadable one is refused when it is read)
        return _interned(_bundled_digest(), None)
    return _with_file(here.catalog, info.st_mtime_ns, info.st_size)


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
