"""Reading and checking ``catalog.yaml``: the models of its entries, the project's file merged over the bundled one.

Both files are validated when the catalog loads: the types by the models (:class:`CatalogFile`, the
project's :class:`ProjectCatalog`, read by :func:`fazhi_analysis.userfiles.load_yaml`: no YAML aliases,
capped nodes), ids distinct within a list, then the references (a section, a group of the same section,
a headline id, a derived rate in % over two counts). Every error is one line naming the file, the entry
and what it should be.

A project's ``catalog.yaml`` extends the bundled one: new indicators, sections, relations and derived rates
are added; for an id the bundled catalog has, the fields given replace the bundled ones, except the lists
(:data:`MERGED_LISTS`), which are extended; ``headline`` (the overview's key figures) is replaced.

Example:
    >>> from fazhi_analysis.project import bundled_file
    >>> load((bundled_file("catalog.yaml"),))["headline"][0]
    'disputes.reconsideration_applications'
"""

from __future__ import annotations

import copy
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import pydantic

from fazhi_analysis import userfiles
from fazhi_analysis.errors import InputError
from fazhi_analysis.userfiles import Text

__all__ = [
    "KINDS",
    "LIST_FIELDS",
    "MERGED_LISTS",
    "MODELS",
    "CatalogFile",
    "Derived",
    "Group",
    "Indicator",
    "ProjectCatalog",
    "Relation",
    "Section",
    "load",
]

LIST_FIELDS = ("units", "aliases", "context", "exclude", "nouns", "not_nouns")
MERGED_LISTS = (*LIST_FIELDS, "keywords")
KINDS = ("sections", "groups", "indicators", "derived")  # the lists of entries with an id


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
def _bundled(path: Path) -> dict:
    return userfiles.load_yaml(path, CatalogFile).model_dump()


def load(files: tuple[Path, ...]) -> dict:
    """The bundled catalog ``files[0]`` extended by the project's file ``files[1]`` when given, checked.

    Raises:
        InputError: A file of the wrong shape or an entry naming what is not there (the file and entry named).
    """
    bundled, *own = files
    data = copy.deepcopy(_bundled(bundled))
    if not own:
        _check(data, bundled, [])
        return data
    extra = own[0]
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
