"""The input limits can be set on the command line; a file beyond one is exit 2 with one line naming it."""

from __future__ import annotations

import shutil

from conftest import FIXTURES, ROOT, run_fazhi


def test_clean_refuses_a_table_beyond_max_cells(tmp_path) -> None:
    result = run_fazhi("clean", str(FIXTURES / "clean" / "wide_years.csv"), "--region", "甲区", "--max-cells", "5")
    assert result.returncode == 2, result.stderr
    assert "wide_years.csv" in result.stderr and "Traceback" not in result.stderr


def test_build_refuses_a_report_text_beyond_max_text_mb(tmp_path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "data" / "raw" / "dabancheng_2024_report.txt", raw)
    result = run_fazhi("build", "--raw", str(raw), "--processed", str(tmp_path / "p"), "--max-text-mb", "0")
    assert result.returncode == 2, result.stderr
    assert "dabancheng_2024_report.txt" in result.stderr and "Traceback" not in result.stderr
    ok = run_fazhi("build", "--raw", str(raw), "--processed", str(tmp_path / "p"), "--max-text-mb", "1")
    assert ok.returncode == 0, ok.stderr


def test_extract_takes_the_text_limit(tmp_path) -> None:
    seed = ROOT / "data" / "raw" / "dabancheng_2024_report.txt"
    assert run_fazhi("extract", str(seed), "--max-text-mb", "0").returncode == 2
