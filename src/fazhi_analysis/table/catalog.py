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
Both are checked when the catalog loads, like ``better`` and ``headline``: an error names the file,
the entry and the value.

A derived rate (:func:`derived`) is a rate indicator computed from two counts of one region and year:
``numerator / denominator * scale``. Each entry is validated when the catalog loads: the rate must be
a catalog indicator in %, numerator and denominator count indicators, scale a positive number.

Example:
    >>> from fazhi_analysis.table import catalog
    >>> catalog.indicators().loc["disputes.reconsideration_applications", "unit"]
    '件'
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from fazhi_analysis import project
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import write

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")
INDICATOR_COLUMNS = [
    "section", "name", "unit", "kind", "better", "group", "core", "units", "aliases", "context", "exclude", "nouns",
    "not_nouns",
]  # fmt: skip
LIST_FIELDS = ("units", "aliases", "context", "exclude", "nouns", "not_nouns")
MERGED_LISTS = (*LIST_FIELDS, "keywords")
REQUIRED = {
    "indicators": ("id", "section", "name", "unit", "kind"),
    "sections": ("id", "order", "title"),
    "derived": ("id", "numerator", "denominator", "scale"),
    "groups": ("id", "section", "title"),
}
DERIVED_COLUMNS = ["numerator", "denominator", "scale", "note"]
KEYS = ("sections", "groups", "headline", "indicators", "relations", "derived")


def read_yaml(
    path: Path, what: tuple[str, str] = ("指标目录", "catalog"), keys: str = "sections/indicators/relations"
) -> dict:
    """A YAML file of the package or a project as a mapping (empty for a file of comments only).

    Args:
        path: The file.
        what: What the file is, in Chinese and English, for the messages (``("目标文件", "targets file")``).
        keys: The keys the mapping should hold, for the message when it is not one.

    Raises:
        InputError: The file cannot be read or parsed, or is not a mapping; the message names it.
    """
    try:
        with path.open(encoding="utf-8") as fh:
            # libyaml's loader when PyYAML has it: the pure-Python one takes ~0.2 s over the catalog.
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: {what[0]}无法读取 / {what[1]} unreadable: {exc}") from exc
    if data is None:  # a file of comments only, as `fazhi init` writes it
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: {what[0]}应为 {keys} 的映射 / {what[1]} must be a mapping")
    return data


def _merge_entries(base: list[dict], extra: list[dict], kind: str, path: Path) -> list[dict]:
    """Entries of ``extra`` added to ``base`` by id: fields replace, lists extend."""
    merged = {entry["id"]: dict(entry) for entry in base}
    for n, entry in enumerate(extra, start=1):
        if not isinstance(entry, dict) or "id" not in entry:
            raise InputError(f"{path}: {kind} 第 {n} 项缺少 id / {kind} entry {n} has no id")
        old = merged.get(entry["id"])
        if old is None:
            missing = [key for key in REQUIRED[kind] if key not in entry]
            if missing:
                raise InputError(f"{path}: {entry['id']} 缺少字段 / missing fields: {', '.join(missing)}")
            merged[entry["id"]] = dict(entry)
            continue
        for key, value in entry.items():
            if key in MERGED_LISTS:
                old[key] = list(dict.fromkeys([*(old.get(key) or ()), *(value or ())]))
            else:
                old[key] = value
    return list(merged.values())


BETTER = (None, "higher", "lower")  # which direction of an indicator is good, where the catalog says


@cache
def _load_from(extra: Path | None) -> dict:
    data = read_yaml(CATALOG_FILE)
    data["derived"] = data.get("derived") or []
    if extra is None:
        _check(data, CATALOG_FILE, [])
        return data
    local = read_yaml(extra)
    unknown = sorted(set(local) - set(KEYS))
    if unknown:
        raise InputError(f"{extra}: 未知的键 / unknown keys: {', '.join(unknown)}")
    for kind in ("sections", "groups", "indicators", "derived"):
        data[kind] = _merge_entries(data[kind], local.get(kind) or [], kind, extra)
    data["relations"] = [*data["relations"], *(local.get("relations") or [])]
    data["headline"] = local.get("headline", data["headline"])
    _check(data, extra, local.get("derived") or [])
    return data


def _check(data: dict, path: Path, local_derived: list) -> None:
    """The catalog's references and field values; ``path`` is the file that made it (as in :func:`_check_derived`)."""
    sections = {s["id"] for s in data["sections"]}
    for entry in [*data["groups"], *data["indicators"]]:
        if entry["section"] not in sections:
            raise InputError(f"{path}: {entry['id']} 的方面未知 / unknown section: {entry['section']}")
    _check_derived(data, path, local_derived)
    _check_fields(data["indicators"], {g["id"]: g["section"] for g in data["groups"]}, path)
    _check_headline(data["headline"], {e["id"] for e in data["indicators"]}, path)


def _check_fields(entries: list[dict], groups: dict[str, str], path: Path) -> None:
    """Every ``better`` is higher, lower or absent; ``core`` true or false; ``group`` a group of the same section.

    Raises:
        InputError: Naming the file, the indicator, the field and the value.
    """
    for entry in entries:
        where = f"{path}: {entry['id']}"
        if entry.get("better") not in BETTER:
            raise InputError(
                f"{where} 的 better 应为 higher 或 lower / better must be higher or lower: {entry['better']!r}"
            )
        if not isinstance(entry.get("core", False), bool):
            raise InputError(f"{where} 的 core 应为 true 或 false / core must be true or false: {entry['core']!r}")
        group = entry.get("group")
        if group is not None and groups.get(group) != entry["section"]:
            raise InputError(
                f"{where} 的 group 应为 groups 中属于方面 {entry['section']} 的一项 / group must be a group of section "
                f"{entry['section']}: {group!r}"
            )


def _check_headline(headline: object, ids: set[str], path: Path) -> None:
    """``headline`` is a list of distinct catalog ids.

    Raises:
        InputError: Naming the file and the first entry that is not one.
    """
    if not isinstance(headline, list):
        raise InputError(f"{path}: headline 应为指标 id 的列表 / headline must be a list of indicator ids")
    for n, entry in enumerate(headline, start=1):
        if not isinstance(entry, str) or entry not in ids or entry in headline[: n - 1]:
            raise InputError(
                f"{path}: headline 第 {n} 项应为目录中的指标 id 且不重复 / headline entry {n} must be a catalog id, "
                f"given once: {entry!r}"
            )


def _check_derived(data: dict, path: Path, local: list) -> None:
    """Each derived rate: a catalog rate in %, two count indicators, a positive scale.

    ``path`` is the file that made the catalog (the project's when it has one: the bundled catalog is
    valid alone); ``local`` its own ``derived`` entries, whose number the message gives.

    Raises:
        InputError: Naming the file, the entry and every problem of it.
    """
    kinds = {entry["id"]: (entry.get("kind"), entry.get("unit")) for entry in data["indicators"]}
    numbers = {e.get("id"): n for n, e in enumerate(local, start=1) if isinstance(e, dict)}
    for entry in data["derived"]:
        n = numbers.get(entry["id"])
        where = f"{path}: derived {entry['id']}" + (f"（第 {n} 项 / entry {n}）" if n else "")
        problems = []
        if kinds.get(entry["id"]) != ("rate", "%"):
            problems.append("id 应为目录中单位为 % 的比率指标 / id must be a rate indicator in %")
        for role in ("numerator", "denominator"):
            if kinds.get(str(entry[role]), (None,))[0] != "count":
                problems.append(f"{role} {entry[role]} 应为目录中的计数指标 / must be a count indicator")
        scale = entry["scale"]
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not scale > 0:
            problems.append(f"scale {scale!r} 应为正数 / must be a positive number")
        if problems:
            raise InputError(f"{where}：{'；'.join(problems)}")


def _extra() -> Path | None:
    """The working project's ``catalog.yaml``, if it has one."""
    local = project.find().catalog
    return local if local.is_file() else None


def _load() -> dict:
    """The bundled catalog, extended by the working project's ``catalog.yaml``."""
    return _load_from(_extra())


def _indicators() -> pd.DataFrame:
    return _indicators_from(_extra())


def _sections() -> pd.DataFrame:
    return _sections_from(_extra())


@cache
def _indicators_from(extra: Path | None) -> pd.DataFrame:
    rows = []
    for entry in _load_from(extra)["indicators"]:
        row = {key: entry.get(key) for key in ("id", *INDICATOR_COLUMNS)}
        row["core"] = bool(entry.get("core", False))
        for field in LIST_FIELDS:
            row[field] = tuple(entry.get(field) or ())
        # The base unit is always an accepted written unit.
        row["units"] = (row["unit"], *[u for u in row["units"] if u != row["unit"]])
        rows.append(row)
    return pd.DataFrame(rows).set_index("id")


@cache
def _sections_from(extra: Path | None) -> pd.DataFrame:
    frame = pd.DataFrame(_load_from(extra)["sections"])
    frame["keywords"] = frame["keywords"].map(tuple)
    return frame.set_index("id").sort_values("order")


def indicators() -> pd.DataFrame:
    """All indicators, indexed by id: section, name, unit, kind and the matching hints."""
    return _indicators().copy()


def sections() -> pd.DataFrame:
    """The report sections in report order, indexed by id: order, title, keywords."""
    return _sections().copy()


def groups() -> pd.DataFrame:
    """The subjects of the sections, in catalog order, indexed by id: section, title.

    Example:
        >>> from fazhi_analysis.table import catalog
        >>> catalog.groups().loc["reconsideration", "title"]
        '行政复议'
    """
    return _groups_from(_extra()).copy()


@cache
def _groups_from(extra: Path | None) -> pd.DataFrame:
    return pd.DataFrame(_load_from(extra)["groups"]).reindex(columns=["id", "section", "title"]).set_index("id")


def headline() -> list[str]:
    """The indicators of the overview's key-figure tiles, in order (the project's list when it gives one).

    Example:
        >>> from fazhi_analysis.table import catalog
        >>> catalog.headline()[0]
        'disputes.reconsideration_applications'
    """
    return list(_load()["headline"])


def core() -> list[str]:
    """The indicators whose absence is worth a completeness warning (``core: true``), in catalog order."""
    frame = _indicators()
    return frame.index[frame["core"]].tolist()


def derived() -> pd.DataFrame:
    """Rates computed from two counts, indexed by the rate's id: numerator, denominator, scale, note.

    Example:
        >>> from fazhi_analysis.table import catalog
        >>> catalog.derived().loc["disputes.reconsideration_correction_rate", "denominator"]
        'disputes.reconsideration_closed'
    """
    return _derived_from(_extra()).copy()


@cache
def _derived_from(extra: Path | None) -> pd.DataFrame:
    frame = pd.DataFrame(_load_from(extra)["derived"]).reindex(columns=["id", *DERIVED_COLUMNS])
    frame = frame.astype({"id": "string", "numerator": "string", "denominator": "string", "note": "string"})
    frame["scale"] = frame["scale"].astype(float)
    frame["note"] = frame["note"].fillna("")
    return frame.set_index("id")


def relations() -> pd.DataFrame:
    """Checks between indicators of one region-year: columns left, op, right."""
    return pd.DataFrame(_load()["relations"], columns=["left", "op", "right"])


def section_title(section_id: str) -> str:
    """The Chinese title of a section id."""
    return str(_sections().at[section_id, "title"])


_ID_IN_TEXT = re.compile(r"（?\b([a-z_]+\.[a-z_]+)\b）?")


def without_ids(text: object) -> str:
    """A message for readers: a catalog id in brackets is dropped, a bare one becomes its name.

    Example:
        >>> without_ids("行政诉讼败诉案件（disputes.litigation_lost）同比变化 -66.7%")
        '行政诉讼败诉案件同比变化 -66.7%'
    """
    names = _indicators()["name"]

    def name_of(match: re.Match[str]) -> str:
        if match.group(1) not in names.index:
            return match.group(0)
        bracketed = match.group(0).startswith("（") and match.group(0).endswith("）")
        return "" if bracketed else str(names[match.group(1)])

    return _ID_IN_TEXT.sub(name_of, text) if isinstance(text, str) else ""


def to_table(fmt: str = "table") -> str:
    """The catalog as text for ``fazhi catalog``: an aligned table, CSV or JSON."""
    frame = indicators().reset_index()[["id", "section", "name", "unit", "kind", "aliases"]]
    frame["aliases"] = frame["aliases"].map("、".join)
    if fmt == "csv":
        return write.defused(frame).to_csv(index=False)  # a project's catalog text is data
    if fmt == "json":
        full = indicators().reset_index()
        for field in LIST_FIELDS:
            full[field] = full[field].map(list)
        return full.to_json(orient="records", force_ascii=False, indent=1)
    return frame.drop(columns="aliases").to_string(index=False)
