"""The batch folder's manifest (``manifest.csv`` and ``.json``) and its index page (``index.html``).

The manifest has a row per report in the folder: region, year, kind (:mod:`fazhi_analysis.report.kinds`), status,
seconds, input hash, the paths of its files relative to the folder (a column per format of
:mod:`fazhi_analysis.report.outputs`, and ``ipynb``), and the error. A batch that ran part of the jobs keeps the
rows of the others from the manifest before it. The index is one self-contained page (no script, no
network, links relative to the folder, so that it opens from a file share or an unpacked zip): the
counts by status; for each kind of report of one region a table region × year linking every report, grouped by
province and city when the regions table places them; the reports of every region (the overviews) by year; and, up
to :data:`_LISTED` reports, every report of a region with its highlights (beyond, the grouped table alone: 2,800
regions × 5 years stay under 5 MB).

Example:
    >>> manifest, page = write_batch(Path("reports"), rows, table)     # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2

from fazhi_analysis.report import kinds, outputs
from fazhi_analysis.table.write import atomic_path, write_file

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STATUSES", "UNPLACED", "Ahead", "columns", "href", "places", "read_manifest", "render_index", "write_batch"]


_log = logging.getLogger(__name__)
_Place = tuple[str, list[tuple[str, list[str]]]]  # a province and its cities, each with its regions

_TEMPLATES = Path(__file__).with_name("templates") / "batch"
STATUSES = ("done", "skipped", "failed", "cancelled")
_STATUS_ZH = {"done": "已生成", "skipped": "未变，沿用", "failed": "失败", "cancelled": "已取消"}
_FIXED = ("region", "year", "kind", "status", "seconds", "input_hash")  # then a path column per file, the error
_LEGACY_KINDS = {"report": kinds.ANNUAL.name}  # the annual report's name in manifests written before report kinds
_MANIFEST = "manifest"
_INDEX = "index.html"
_HIGHLIGHTS = 3  # per report on the index
_LISTED = 500  # reports listed one by one with their highlights; beyond, the table alone links them
UNPLACED = "未注明上级"  # the province and city of regions the regions table does not place


def columns() -> tuple[str, ...]:
    """The manifest's columns: :data:`_FIXED`, the path of each file a report may have, the error."""
    return (*_FIXED, *outputs.files(), "error")


def read_manifest(folder: Path) -> list[dict[str, Any]]:
    """The rows of ``folder/manifest.json``; none when it is missing or unreadable."""
    path = folder / f"{_MANIFEST}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    held = [row for row in rows if isinstance(row, dict) and {*_FIXED, "error"} <= set(row)]
    return [{**row, "kind": _LEGACY_KINDS.get(row["kind"], row["kind"])} for row in held]


def _merge(previous: Iterable[dict[str, Any]], current: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    """``current`` plus the rows of ``previous`` for other reports, their paths kept only where the file still is.

    Example:
        >>> old = [{"region": "甲", "year": 2023, "kind": "annual", "html": "gone.html", "pdf": "", "ipynb": ""}]
        >>> new = [{"region": "乙", "year": 2024, "kind": "annual", "html": "", "pdf": "", "ipynb": ""}]
        >>> [(r["region"], r["html"]) for r in _merge(old, new, Path("/nonexistent"))]
        [('乙', ''), ('甲', '')]
    """
    seen = {_key(row) for row in current}
    kept = []
    for row in previous:
        if _key(row) in seen:
            continue
        row = dict(row)
        for name in outputs.files():
            if row.get(name) and not (folder / row[name]).is_file():
                row[name] = ""
        kept.append(row)
    order = list(kinds.kinds())  # kind by kind, as the registry lists them; a kind no longer installed last
    return sorted(
        [*current, *kept],
        key=lambda r: (order.index(r["kind"]) if r["kind"] in order else len(order), str(r["region"]), int(r["year"])),
    )


def _key(row: dict[str, Any]) -> tuple[str, str, int]:
    return (str(row["kind"]), str(row["region"] or ""), int(row["year"]))


def _write_manifest(folder: Path, rows: list[dict[str, Any]], highlights: dict[tuple, list[str]] | None = None) -> Path:
    """Write ``manifest.json`` (exact, with the ``highlights`` of each report) and ``manifest.csv`` (formula-like
    cells escaped) in ``folder``; returns the CSV's path."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(columns()))
    records = [{**row, "highlights": (highlights or {}).get(_key(row), [])} for row in rows]
    with atomic_path(folder / f"{_MANIFEST}.json") as tmp:
        tmp.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_file(frame, folder / f"{_MANIFEST}.csv")
    return folder / f"{_MANIFEST}.csv"


class Ahead:
    """Highlights of the reports a batch is making, found in a background thread while its workers run, so that the
    index does not find them one by one after the last report (:func:`write_batch`'s ``ahead``).

    ``pairs`` are the (region, year) reports of a region to make, all found only when there are at most
    :data:`_LISTED` (beyond, the index lists no report one by one); ``peers`` as in :func:`write_batch`.
    """

    def __init__(self, table: pd.DataFrame, pairs: list[tuple[str, int]], limit: int = _HIGHLIGHTS, **peers: Any):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fazhi-highlights")
        wanted = dict.fromkeys(pairs if len(pairs) <= _LISTED else [])
        self._found = {pair: pool.submit(_highlights, table, *pair, limit, peers) for pair in wanted}

    def __contains__(self, pair: tuple[str, int]) -> bool:
        """Whether the (region, year) was asked for and not cancelled."""
        return pair in self._found and not self._found[pair].cancelled()

    def get(self, region: str, year: int) -> list[str] | None:
        """The sentences of ``region``'s ``year`` (waiting for them; it must be asked for), None when they failed."""
        return self._found[(region, year)].result()

    def finish(self, keep: set[tuple[str, int]]) -> None:
        """Find no more but those of ``keep`` (the reports made), and wait for those: the thread has ended, so that
        nothing else runs the analysis beside whoever reads them."""
        for pair, found in self._found.items():
            if pair not in keep:
                found.cancel()
        self._pool.shutdown(wait=True)


def _highlights(table: pd.DataFrame, region: str, year: int, limit: int, peers: dict[str, Any]) -> list[str] | None:
    """The first ``limit`` sentences of :func:`fazhi_analysis.analysis.highlights` of ``region``'s ``year``; None
    (with a warning) when they cannot be found: the index is still written, and the page itself says more."""
    from fazhi_analysis import analysis

    try:
        sentences = analysis.highlights(table, region, year, limit=limit, **peers)["text"]
    except Exception as exc:
        _log.warning("%s %s: 要点无法生成 / highlights failed: %s", region, year, exc)
        return None
    return [str(t) for t in sentences]


def _report_highlights(
    table: pd.DataFrame,
    rows: list[dict[str, Any]],
    previous: Iterable[dict[str, Any]] = (),
    ahead: Ahead | None = None,
    limit: int = _HIGHLIGHTS,
    **peers: Any,
) -> dict[tuple, list[str]]:
    """The first ``limit`` sentences of :func:`fazhi_analysis.analysis.highlights` for each report of a region with a
    page.

    A report whose input hash is the one of a ``previous`` manifest row takes that row's sentences (the
    same rows give the same highlights), so that a batch with nothing to do stays quick; one found ``ahead``
    takes those. ``peers`` (``peers``, ``region_table``) say whom the regions are ranked with, as in the reports.
    """
    known = {(_key(r), r["input_hash"]): r["highlights"] for r in previous if isinstance(r.get("highlights"), list)}
    found: dict[tuple, list[str]] = {}
    regional = [row for row in rows if _of_a_region(row)]
    if len(regional) > _LISTED:
        return found  # the index lists no report one by one: its highlights are on its own page
    held = set(zip(table["region"].astype("string"), table["year"]))
    for row in regional:
        if not row[outputs.PAGE] or (row["region"], row["year"]) not in held:
            continue
        region, year = row["region"], int(row["year"])
        cached = known.get((_key(row), row["input_hash"]))
        if cached is None and ahead is not None and (region, year) in ahead:
            cached = ahead.get(region, year)  # None when it failed there: not tried again
        elif cached is None:
            cached = _highlights(table, region, year, limit, peers)
        if cached is not None:
            found[_key(row)] = cached
    return found


def _of_a_region(row: dict[str, Any]) -> bool:
    """Whether ``row`` is a report of one region (of a kind installed)."""
    kind = kinds.kinds().get(row["kind"])
    return kind is not None and kind.per_region


def href(path: str) -> str:
    """A relative link to ``path`` (a POSIX path relative to the folder), percent-encoded.

    Example:
        >>> href("示例区甲/2024/annual_report.html")
        '%E7%A4%BA%E4%BE%8B%E5%8C%BA%E7%94%B2/2024/annual_report.html'
    """
    return quote(path, safe="/")


def places(regions: Iterable[str], region_table: pd.DataFrame | None = None) -> list[_Place]:
    """``regions`` by province and city: the 省 and the 市 above each in ``region_table`` (``UNPLACED`` for a
    region it does not place under a 省; an empty city for one right under its 省), each sorted by name.

    Example:
        >>> import pandas as pd
        >>> listed = pd.DataFrame({"region": ["甲省", "乙市", "丙区"], "parent": [None, "甲省", "乙市"],
        ...                        "level": ["省", "市", "县"]})
        >>> places(["丙区", "丁县"], listed)
        [('甲省', [('乙市', ['丙区'])]), ('未注明上级', [('', ['丁县'])])]
    """
    listed = region_table.set_index("region") if region_table is not None else None
    parent = {} if listed is None else listed["parent"].dropna().astype(str).to_dict()
    level = {} if listed is None else listed["level"].dropna().astype(str).to_dict()
    tree: dict[str, dict[str, list[str]]] = {}
    for region in sorted(set(regions)):
        above = _above(region, parent)
        province = next((a for a in above if level.get(a) == "省"), UNPLACED)
        city = next((a for a in above if level.get(a) == "市"), "")
        tree.setdefault(province, {}).setdefault(city, []).append(region)
    return [(p, sorted(cities.items())) for p, cities in sorted(tree.items(), key=lambda p: (p[0] == UNPLACED, p[0]))]


def _above(region: str, parent: dict[str, str]) -> list[str]:
    """The regions above ``region``, nearest first (a loop in the regions table ends the walk)."""
    chain: list[str] = []
    while (region := parent.get(region, "")) and region not in chain:
        chain.append(region)
    return chain


def render_index(
    rows: list[dict[str, Any]], highlights: dict[tuple, list[str]], region_table: pd.DataFrame | None = None
) -> str:
    """The index page of ``rows`` (manifest rows) with each report's ``highlights``: kind by kind, the reports of a
    region in a table grouped by :func:`places`, those of every region by year."""
    listed = sum(map(_of_a_region, rows)) <= _LISTED
    regional, yearly = [], []
    for kind in kinds.kinds().values():
        mine = [row for row in rows if row["kind"] == kind.name]
        if mine and kind.per_region:
            regional.append({
                "kind": kind,
                "places": places((r["region"] for r in mine), region_table),
                "cells": {(r["region"], int(r["year"])): r for r in mine},
                "reports": [(r, highlights.get(_key(r), [])) for r in mine] if listed else [],
            })  # fmt: skip
        elif mine:
            yearly.append((kind, mine))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["href"] = href
    return env.get_template("index.html.j2").render(
        counts={s: sum(r["status"] == s for r in rows) for s in STATUSES},
        status_zh=_STATUS_ZH,
        formats=[(fmt.name, fmt.label) for fmt in outputs.formats().values()],
        years=sorted({int(r["year"]) for r in rows}),
        regional=regional,
        yearly=yearly,
        listed=_LISTED,
    )


def write_batch(
    folder: Path, current: list[dict[str, Any]], table: pd.DataFrame, ahead: Ahead | None = None, **peers: Any
) -> tuple[Path, Path]:
    """Merge ``current`` into the folder's manifest and write the manifest and the index; returns both paths.

    ``manifest.json`` also keeps each report's highlight sentences (``highlights``, found with ``peers``: the
    ``peers`` rule and ``region_table`` of :func:`fazhi_analysis.analysis.highlights`, or found ``ahead``), reused
    while its input hash stays the same.
    """
    folder.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(folder)
    rows = [{key: row.get(key, "") for key in columns()} for row in _merge(previous, current, folder)]
    highlights = _report_highlights(table, rows, previous, ahead, **peers)
    page = folder / _INDEX
    with atomic_path(page) as tmp:
        tmp.write_text(render_index(rows, highlights, peers.get("region_table")), encoding="utf-8")
    manifest = _write_manifest(folder, rows, highlights)
    return manifest, page
