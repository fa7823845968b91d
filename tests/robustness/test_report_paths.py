"""A region from the inputs never leads a report out of its folder; odd but safe names render; no stale PDF."""

from __future__ import annotations

import pandas as pd
import pytest
from report_data import REGION, YEAR, report_cli, with_prior_year

from fazhi_analysis.errors import InputError
from fazhi_analysis.report.kinds import ANNUAL


@pytest.mark.parametrize("region", ["../../../tmp/x", "/tmp/x", "..", "甲区/../../x", "甲\n区", "a\\..\\b"])
def test_an_unsafe_region_is_refused_before_anything_is_written(tmp_path, region) -> None:
    with pytest.raises(InputError, match="unsafe region"):
        ANNUAL.target(region, YEAR, tmp_path / "reports")
    assert not (tmp_path / "reports").exists()


def _with_region(region: str) -> pd.DataFrame:
    table = with_prior_year()
    table["region"] = table["region"].replace(REGION, region)
    return table


def test_cli_with_a_traversal_region_writes_nothing_outside(tmp_path) -> None:
    result, _ = report_cli(
        tmp_path, _with_region("../../escaped"), region="../../escaped", out=tmp_path / "deep" / "out"
    )
    assert result.returncode == 2 and "unsafe region" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.parquet"]


@pytest.mark.system
def test_braces_in_a_region_render_into_their_own_folder(tmp_path) -> None:
    odd = "乙{year}区"
    result, folder = report_cli(tmp_path, _with_region(odd), region=odd)
    assert result.returncode == 0, result.stderr
    assert odd in (folder / "annual_report.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [odd]


@pytest.mark.system
def test_a_report_published_without_a_pdf_removes_the_earlier_pdf(tmp_path) -> None:
    folder = tmp_path / "out" / REGION / str(YEAR)
    folder.mkdir(parents=True)
    (folder / "annual_report.pdf").write_bytes(b"%PDF- an earlier run")
    result, _ = report_cli(tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["annual_report.html", "annual_report.ipynb"]
