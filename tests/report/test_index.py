"""The batch index at the scale of every county: grouped by province and city, under 5 MB, every report linked
(tested from a manifest of the synthetic country's 2,800 regions × 5 years, without rendering a report)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest
from test_scale_examples import generator

from fazhi_analysis.report import index, kinds, outputs
from fazhi_analysis.table import regions

YEARS = range(2020, 2025)


@pytest.fixture(scope="module")
def country() -> pd.DataFrame:
    """The regions table of the synthetic country (31 provinces, their cities, 2,800 counties)."""
    made = generator().hierarchy(2800)
    listed, problems = regions.from_grid(np.vstack([made.columns.to_numpy(object), made.to_numpy(object)]), "r.csv")
    assert not problems
    return listed


def manifest_rows(counties: list[str], folder: Path) -> list[dict]:
    """Manifest rows of a batch that made every format of each county's reports and of each year's overview."""
    rows = []
    for region, year in [(r, y) for r in counties for y in YEARS]:
        stem = kinds.ANNUAL.target(region, year, folder).relative_to(folder).as_posix() + "/annual_report"
        files = {fmt: f"{stem}{suffix}" for fmt, suffix in outputs.files().items()}
        rows.append({"region": region, "year": year, "kind": "annual", "status": "done", "seconds": 3.2,
                     "input_hash": "0" * 64, **files, "error": ""})  # fmt: skip
    return rows


@pytest.mark.slow
def test_the_index_of_every_county_is_grouped_small_and_links_every_report(country, tmp_path) -> None:
    counties = country.loc[country["level"] == "县", "region"].tolist()
    rows = manifest_rows(counties, tmp_path)
    page = index.render_index(rows, {}, country)
    assert len(page.encode()) < 5_000_000
    links = [unquote(link) for link in re.findall(r'href="([^"]+)"', page)]
    assert sorted(links) == sorted(row[fmt] for row in rows for fmt in ("html", "pdf", "docx"))
    provinces = country.loc[country["level"] == "省", "region"]
    cities = country.loc[country["level"] == "市", "region"]
    assert all(f"<h3>{p}</h3>" in page for p in provinces) and all(f"<h4>{c}</h4>" in page for c in cities)
    first, *_ = index.places(counties, country)
    parent = country.set_index("region")["parent"]
    city, members = first[1][0]
    assert parent[city] == first[0] and all(parent[m] == city for m in members)
    assert (
        page.index(f"<h4>{city}</h4>") < page.index(f"<th>{members[0]}</th>") < page.index(f"<h4>{first[1][1][0]}</h4>")
    )
    assert "不逐一列出要点" in page and '<ul class="highlights">' not in page


def test_a_small_batch_lists_each_report_with_its_highlights_and_groups_the_unplaced(tmp_path) -> None:
    rows = manifest_rows(["乙县", "甲区"], tmp_path)
    found = {("annual", "甲区", 2024): ["甲区的一个要点"]}
    page = index.render_index(rows, found)
    assert "<h3>未注明上级</h3>" not in page and "甲区的一个要点" in page  # one group: no heading
    assert page.count('href="') == 2 * 3 * len(rows)  # the table and the list link each report's three files
    assert index.places(["乙县", "甲区"]) == [(index.UNPLACED, [("", ["乙县", "甲区"])])]


def test_a_manifest_written_before_report_kinds_reads_as_annual_reports(tmp_path) -> None:
    old = {"region": "甲区", "year": 2024, "kind": "report", "status": "done", "seconds": 1.0, "input_hash": "0" * 64,
           "html": "甲区/2024/annual_report.html", "pdf": "", "ipynb": "", "error": ""}  # fmt: skip
    (tmp_path / "manifest.json").write_text(json.dumps([old], ensure_ascii=False), encoding="utf-8")
    (row,) = index.read_manifest(tmp_path)
    assert row["kind"] == "annual" and "docx" not in row  # a format it had no column for is filled in when written
    assert index.href(row["html"]) in index.render_index([{**row, "docx": ""}], {})  # listed as an annual report


def test_highlights_found_ahead_are_those_the_index_would_find_and_it_does_not_find_them_again(
    example_table: Path, tmp_path: Path, monkeypatch
) -> None:
    table = pd.read_parquet(example_table)
    last_two = manifest_rows(["甲"], tmp_path)[-2:]  # 2023 and 2024
    rows = [{**row, "region": region} for row, region in zip(last_two, ["示例区甲", "示例区乙"])]
    pairs = [(row["region"], row["year"]) for row in rows]
    _, alone = index.write_batch(tmp_path / "alone", rows, table)
    ahead = index.Ahead(table, pairs)
    ahead.finish(keep=set(pairs))
    assert all(ahead.get(*pair) for pair in pairs)  # found in its thread
    monkeypatch.setattr(index, "_highlights", lambda *a: pytest.fail("found again at the end"))
    _, page = index.write_batch(tmp_path / "ahead", rows, table, ahead)
    assert page.read_text(encoding="utf-8") == alone.read_text(encoding="utf-8")
    assert "示例区乙" in page.read_text(encoding="utf-8")
