"""Tests of fazhi_analysis.ingest.inputs: one table of input formats that every reader and label uses (issue 21)."""

from __future__ import annotations

import importlib

import pytest

from fazhi_analysis.ingest import discover, inputs
from fazhi_analysis.report.facts import source_kind


@pytest.mark.parametrize("suffix", list(inputs.FORMATS))
def test_every_registered_suffix_has_a_reader(suffix: str) -> None:
    fmt = inputs.FORMATS[suffix]
    module, name = fmt.reader.split(":")
    assert callable(getattr(importlib.import_module(module), name))
    assert fmt.kind in inputs.KIND_WORDS


def test_a_figure_from_a_tsv_table_is_labelled_as_a_table() -> None:
    assert inputs.kind_of("depts/司法局.TSV") == inputs.TABLE
    assert source_kind("depts/司法局.tsv") == "报表"
    assert source_kind("dabancheng_2024_report.txt") == "报告文本"


def test_the_folders_are_searched_for_the_registered_suffixes(tmp_path) -> None:
    for name in ("a.tsv", "b.xlsm", "c.htm", "d.md", "e.odt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in discover.spreadsheet_files(tmp_path)] == ["a.tsv", "b.xlsm"]
    assert [p.name for p in discover.report_files(tmp_path)] == ["c.htm", "d.md"]


def test_limits_bound_a_container_by_its_unzipped_size() -> None:
    limits = inputs.Limits(text_bytes=10, unzipped_bytes=20)
    assert limits.bytes_for(inputs.FORMATS[".xlsx"]) == 20
    assert limits.bytes_for(inputs.FORMATS[".csv"]) == 10
