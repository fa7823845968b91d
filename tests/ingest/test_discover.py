"""Tests of fazhi_analysis.ingest.discover: which files are inputs, and what a sidecar says."""

from __future__ import annotations

from pathlib import Path

import pytest

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import discover


def _touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_inputs_are_found_recursively_in_order_without_hidden_and_lock_files(tmp_path):
    for name in ("b.txt", "a.DOCX", "sub/c.md", ".hidden.txt", "~$a.docx", "d.csv", "sub/e.XLSX", "~$d.csv", "f.pdf"):
        _touch(tmp_path / name)
    _touch(tmp_path / "a.txt.meta.yaml", "region: 甲区\n")
    assert [p.relative_to(tmp_path).as_posix() for p in discover.report_files(tmp_path)] == [
        "a.DOCX",
        "b.txt",
        "f.pdf",
        "sub/c.md",
    ]
    assert [p.relative_to(tmp_path).as_posix() for p in discover.spreadsheet_files(tmp_path)] == ["d.csv", "sub/e.XLSX"]


def test_expand_paths_keeps_files_and_opens_folders(tmp_path):
    table = _touch(tmp_path / "t" / "a.csv")
    given = tmp_path / "given.xlsx"
    assert discover.expand_paths([given, tmp_path / "t"]) == [given, table]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no CSV or XLSX files"):
        discover.expand_paths([tmp_path / "empty"])
    with pytest.raises(InputError, match="no input files given"):
        discover.expand_paths([])


def test_sidecar_gives_region_and_year(tmp_path):
    report = _touch(tmp_path / "r.txt")
    assert discover.sidecar_region_year(report) == (None, None)
    _touch(tmp_path / "r.txt.meta.yaml", "region: 甲区\nyear: '2024'\n")
    assert discover.sidecar_path(report) == tmp_path / "r.txt.meta.yaml"
    assert discover.sidecar(report) == {"region": "甲区", "year": 2024}
    assert discover.sidecar_region_year(report) == ("甲区", 2024)
    _touch(tmp_path / "r.txt.meta.yaml", "region: [unclosed\n")
    with pytest.raises(InputError, match="invalid YAML"):
        discover.sidecar_region_year(report)


def test_sources_name_a_file_under_the_root_or_by_its_name(tmp_path):
    assert discover.source_name(tmp_path / "sub" / "a.csv", tmp_path) == "sub/a.csv"
    assert discover.source_name(tmp_path / "sub" / "a.csv") == "a.csv"
