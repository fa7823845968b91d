"""The batch folder's manifest (``manifest.csv`` and ``.json``) and its index page (``index.html``).

The manifest has a row per report in the folder: region, year, kind, status, seconds, input hash, the
paths of its files relative to the folder, and the error. A batch that ran part of the jobs keeps the
rows of the others from the manifest before it. The index is one self-contained page (no script, no
network, links relative to the folder, so that it opens from a file share or an unpacked zip): the
counts by status, a table region × year linking every report, grouped by province and city when the regions
table places them, the overviews, and, up to :data:`LISTED` reports, every report with its highlights (beyond,
the grouped table alone: 2,800 regions × 5 years stay under 5 MB).

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

from fazhi_analysis.table.write import atomic_path, write_file

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "FILES", "STATUSES", "UNPLACED", "places", "render_index", "write_batch"]


log = logging.getLogger(__name__)
Place = tuple[str, list[tuple[str, list[str]]]]  # a province and its cities, each with its regions

TEMPLATES = Path(__file__).with_name("templates") / "batch"
STATUSES = ("done", "skipped", "failed", "cancelled")
STATUS_ZH = {"done": "已生成", "skipped": "未变，沿用", "failed": "失败", "cancelled": "已取消"}
FILES = ("html", "pdf", "docx", "ipynb")
COLUMNS = ("region", "year", "kind", "status", "seconds", "input_hash", *FILES, "error")
MANIFEST = "manifest"
INDEX = "index.html"
HIGHLIGHTS = 3  # per report on the index
LISTED = 500  # reports listed one by one with their highlights; beyond, the table alone links them
UNPLACED = "未注明上级"  # the province and city of regions the regions table does not place


def read_manifest(folder: Path) -> list[dict[str, Any]]:
    """The rows of ``folder/manifest.json``; none when it is missing or unreadable."""
    path = folder / f"{MANIFEST}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [row for row in rows if isinstance(row, dict) and set(COLUMNS) <= set(row)]


def merge(previous: Iterable[dict[str, Any]], current: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    """``current`` plus the rows of ``previous`` for other reports, their paths kept only where the file still is.

    Example:
        >>> old = [{"region": "甲", "year": 2023, "kind": "report", "html": "gone.html", "pdf": "", "ipynb": ""}]
        >>> new = [{"region": "乙", "year": 2024, "kind": "report", "html": "", "pdf": "", "ipynb": ""}]
        >>> [(r["region"], r["html"]) for r in merge(old, new, Path("/nonexistent"))]
        [('乙', ''), ('甲', '')]
    """
    seen = {_key(row) for row in current}
    kept = []
    for row in previous:
        if _key(row) in seen:
            continue
        row = dict(row)
        for name in FILES:
            if row.get(name) and not (folder / row[name]).is_file():
                row[name] = ""
        kept.append(row)
    return sorted([*current, *kept], key=lambda r: (r["kind"] != "report", str(r["region"]), int(r["year"])))


def _key(row: dict[str, Any]) -> tuple[str, str, int]:
    return (str(row["kind"]), str(row["region"] or ""), int(row["year"]))


def write_manifest(folder: Path, rows: list[dict[str, Any]], highlights: dict[tuple, list[str]] | None = None) -> Path:
    """Write ``manifest.json`` (exact, with the ``highlights`` of each report) and ``manifest.csv`` (formula-like
    cells escaped) in ``folder``; returns the CSV's path."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    records = [{**row, "highlights": (highlights or {}).get(_key(row), [])} for row in rows]
    with atomic_path(folder / f"{MANIFEST}.json") as tmp:
        tmp.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_file(frame, folder / f"{MANIFEST}.csv")
    return folder / f"{MANIFEST}.csv"


def report_highlights(
    table: pd.DataFrame,
    rows: list[dict[str, Any]],
    previous: Iterable[dict[str, Any]] = (),
    limit: int = HIGHLIGHTS,
    **peers: Any,
) -> dict[tuple, list[str]]:
    """The first ``limit`` sentences of :func:`fazhi_analysis.analysis.highlights` for each report with a page.

    A report whose input hash is the one of a ``previous`` manifest row takes that row's sentences (the
    same rows give the same highlights), so that a batch with nothing to do stays quick. ``peers`` (``peers``,
    ``region_table``) say whom the regions are ranked with, as in the reports.
    """
    from fazhi_analysis import analysis

    known = {(_key(r), r["input_hash"]): r["highlights"] for r in previous if isinstance(r.get("highlights"), list)}
    found: dict[tuple, list[str]] = {}
    if sum(row["kind"] == "report" for row in rows) > LISTED:
        return found  # the index lists no report one by one: its highlights are on its own page
    held = set(zip(table["region"].astype("string"), table["year"]))
    for row in rows:
        if row["kind"] != "report" or not row["html"] or (row["region"], row["year"]) not in held:
            continue
        if (cached := known.get((_key(row), row["input_hash"]))) is not None:
            found[_key(row)] = cached
            continue
        try:
            sentences = analysis.highlights(table, row["region"], int(row["year"]), limit=limit, **peers)["text"]
        except Exception as exc:  # the index is still written; the page itself says more
            log.warning("%s %s: 要点无法生成 / highlights failed: %s", row["region"], row["year"], exc)
            continue
        found[_key(row)] = [str(t) for t in sentences]
    return found


def href(path: str) -> str:
    """A relative link to ``path`` (a POSIX path relative to the folder), percent-encoded.

    Example:
        >>> href("示例区甲/2024/annual_report.html")
        '%E7%A4%BA%E4%BE%8B%E5%8C%BA%E7%94%B2/2024/annual_report.html'
    """
    return quote(path, safe="/")


def places(regions: Iterable[str], region_table: pd.DataFrame | None = None) -> list[Place]:
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
    """The index page of ``rows`` (manifest rows) with each report's ``highlights``, the reports' table grouped
    by :func:`places`."""
    reports = [r for r in rows if r["kind"] == "report"]
    years = sorted({int(r["year"]) for r in rows})
    cells = {(r["region"], int(r["year"])): r for r in reports}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["href"] = href
    return env.get_template("index.html.j2").render(
        counts={s: sum(r["status"] == s for r in rows) for s in STATUSES},
        status_zh=STATUS_ZH,
        places=places((r["region"] for r in reports), region_table),
        years=years,
        cells=cells,
        overviews=[r for r in rows if r["kind"] == "overview"],
        reports=[(r, highlights.get(_key(r), [])) for r in reports] if len(reports) <= LISTED else [],
        listed=LISTED,
    )


def write_batch(folder: Path, current: list[dict[str, Any]], table: pd.DataFrame, **peers: Any) -> tuple[Path, Path]:
    """Merge ``current`` into the folder's manifest and write the manifest and the index; returns both paths.

    ``manifest.json`` also keeps each report's highlight sentences (``highlights``, found with ``peers``: the
    ``peers`` rule and ``region_table`` of :func:`fazhi_analysis.analysis.highlights`), reused while its input
    hash stays the same.
    """
    folder.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(folder)
    rows = [{key: row.get(key, "") for key in COLUMNS} for row in merge(previous, current, folder)]
    highlights = report_highlights(table, rows, previous, **peers)
    page = folder / INDEX
    with atomic_path(page) as tmp:
        tmp.write_text(render_index(rows, highlights, peers.get("region_table")), encoding="utf-8")
    manifest = write_manifest(folder, rows, highlights)
    return manifest, page
