"""The input limits can be set on the command line; a file beyond one is exit 2 with one line naming it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES, SEED, run_fazhi
from test_inputs import _ROWS, _patch_member, _workbook, _zeros_member

from fazhi_analysis.ingest import sheets

SHEET = "xl/worksheets/sheet1.xml"


def test_clean_refuses_a_table_beyond_max_cells(tmp_path) -> None:
    result = run_fazhi("clean", str(FIXTURES / "clean" / "wide_years.csv"), "--region", "甲区", "--max-cells", "5")
    assert result.returncode == 2, result.stderr
    assert "wide_years.csv" in result.stderr and "Traceback" not in result.stderr


def _over_a_megabyte(folder: Path) -> Path:
    """A report text just over 1 MB: the seed, repeated."""
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    path = folder / "big_2024_report.txt"
    path.write_text(text * ((1 << 20) // len(text.encode()) + 1), encoding="utf-8")
    return path


def test_build_refuses_a_report_text_beyond_max_text_mb(tmp_path) -> None:
    big = _over_a_megabyte(tmp_path / "raw")
    result = run_fazhi("build", "--raw", str(big.parent), "--processed", str(tmp_path / "p"), "--max-text-mb", "1")
    assert result.returncode == 2, result.stderr
    assert big.name in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "seed").mkdir()
    shutil.copy(SEED, tmp_path / "seed")
    ok = run_fazhi("build", "--raw", str(tmp_path / "seed"), "--processed", str(tmp_path / "p"), "--max-text-mb", "1")
    assert ok.returncode == 0, ok.stderr


def test_extract_takes_the_text_limit(tmp_path) -> None:
    big = _over_a_megabyte(tmp_path / "raw")
    result = run_fazhi("extract", str(big), "--max-text-mb", "1")
    assert result.returncode == 2 and big.name in result.stderr and len(result.stderr.splitlines()) == 1


def _bombs(folder: Path) -> list[Path]:
    """The four kinds of memory bomb, each a small file: declared size, stray cell, streamed cells, zip."""
    dim = _workbook(folder / "dim.xlsx", _ROWS)
    _patch_member(dim, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    book = openpyxl.Workbook()
    for row in _ROWS:
        book.active.append(row)
    book.active["XFD1048576"] = 1
    book.save(folder / "stray.xlsx")
    stray = _patch_member(
        folder / "stray.xlsx", SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
    )
    many = _workbook(folder / "many.xlsx", _ROWS)
    rows = (b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>") * (sheets.MAX_CELLS // 1000 + 10)
    _patch_member(
        many,
        SHEET,
        lambda xml: re.sub(
            rb"<sheetData>.*</sheetData>|<sheetData/>", b"<sheetData>" + rows + b"</sheetData>", xml, flags=re.S
        ),
    )
    inflating = _zeros_member(folder / "zip.xlsx", _workbook(folder / "base.xlsx", _ROWS), 256 * 1024**2)
    return [dim, stray, many, inflating]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="address-space limits (ulimit -v) are POSIX")
def test_each_memory_bomb_is_refused_within_60_s_under_3_gb_of_address_space(tmp_path) -> None:
    import resource

    def three_gb() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3_000_000 * 1024, 3_000_000 * 1024))

    for bomb in _bombs(tmp_path):
        command = [sys.executable, "-m", "fazhi_analysis", "clean", str(bomb), "--region", "甲区", "--year", "2024"]
        started = time.monotonic()
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=60, preexec_fn=three_gb, stdin=subprocess.DEVNULL
        )
        assert done.returncode == 2, (bomb.name, done.stderr[-500:])
        assert bomb.name in done.stderr and "Traceback" not in done.stderr
        assert time.monotonic() - started < 60
