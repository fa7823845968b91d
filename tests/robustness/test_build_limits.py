"""The input limits reach every reader of a build: given to ``build_checked`` as ``Limits``, or on the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES, SEED, run_fazhi

from fazhi_analysis import build
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.inputs import Limits

TABLE = FIXTURES / "clean" / "wide_years.csv"


def _raw(folder: Path, *files: Path) -> Path:
    folder.mkdir()
    for path in files:
        shutil.copy(path, folder)
    return folder


def test_a_smaller_text_limit_refuses_the_report_naming_it(tmp_path) -> None:
    raw = _raw(tmp_path / "raw", SEED)
    with pytest.raises(InputError, match=rf"{SEED.name}: 文件字节数过大.*上限 1000"):
        build.build_checked(raw_dir=raw, processed_dir=tmp_path / "out", quiet=True, limits=Limits(text_bytes=1000))
    assert not (tmp_path / "out" / "indicators.parquet").exists()


def test_a_smaller_cell_limit_refuses_the_spreadsheet_naming_it(tmp_path) -> None:
    raw = _raw(tmp_path / "raw", SEED, TABLE)
    with pytest.raises(InputError, match=rf"{TABLE.name}: .*过大.*上限 5\b"):
        build.build_checked(raw_dir=raw, processed_dir=tmp_path / "out", quiet=True, limits=Limits(cells=5))


def test_limits_reach_the_tables_of_a_docx_report(tmp_path) -> None:
    """A .docx report with a table is read by two readers: the text's and the tables' (which take no text limit)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    document = docx.Document()
    document.add_paragraph("甲县人民政府2024年度法治政府建设情况报告")
    document.add_paragraph("全年收到行政复议申请46件。")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("指标名称", "2024年", "行政复议申请", "46")):
        cell.text = text
    document.save(raw / "甲县_2024.docx")
    roomy = Limits(text_bytes=1 << 20, unzipped_bytes=1 << 20)
    found, _, _ = build.build_checked(raw_dir=raw, processed_dir=tmp_path / "out", quiet=True, limits=roomy)
    assert "甲县_2024.docx#表1" in " ".join(found["source"].dropna())
    with pytest.raises(InputError, match=r"甲县_2024\.docx: .*过大.*上限 100\b"):
        build.build_checked(raw_dir=raw, processed_dir=tmp_path / "out", quiet=True, limits=Limits(unzipped_bytes=100))


@pytest.mark.slow
def test_fazhi_build_max_cells_refuses_the_spreadsheet_naming_it(tmp_path) -> None:
    raw = _raw(tmp_path / "raw", SEED, TABLE)
    result = run_fazhi("build", "--raw", str(raw), "--processed", str(tmp_path / "out"), "--max-cells", "5")
    assert result.returncode == 2, result.stderr
    assert TABLE.name in result.stderr and "上限 5" in result.stderr and "Traceback" not in result.stderr
