"""A region from the inputs never leads a report out of its folder; odd but safe names render; no stale PDF."""

from __future__ import annotations

import pytest
from conftest import run_fazhi
from report_data import REGION, YEAR, with_prior_year

from fazhi_analysis.errors import InputError
from fazhi_analysis.report import run


@pytest.mark.parametrize("region", ["../../../tmp/x", "/tmp/x", "..", "甲区/../../x", "甲\n区", "a\\..\\b"])
def test_an_unsafe_region_is_refused_before_anything_is_written(tmp_path, region) -> None:
    with pytest.raises(InputError, match="unsafe region"):
        run.report_dir(region, YEAR, tmp_path / "reports")
    assert not (tmp_path / "reports").exists()


def test_cli_with_a_traversal_region_writes_nothing_outside(tmp_path) -> None:
    data = tmp_path / "t.parquet"
    table = with_prior_year()
    table["region"] = "../../escaped"
    table.to_parquet(data)
    out = tmp_path / "deep" / "reports"
    result = run_fazhi(
        "report", "--region", "../../escaped", "--year", str(YEAR), "--data", str(data), "--output-dir", str(out)
    )
    assert result.returncode == 2 and "unsafe region" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.parquet"]


@pytest.mark.system
def test_braces_in_a_region_render_into_their_own_folder(tmp_path) -> None:
    odd = "乙{year}区"
    data = tmp_path / "t.parquet"
    table = with_prior_year()
    table["region"] = table["region"].replace(REGION, odd)
    table.to_parquet(data)
    result = run_fazhi(
        "report",
        "--region",
        odd,
        "--year",
        str(YEAR),
        "--data",
        str(data),
        "--formats",
        "html",
        "--output-dir",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stderr
    page = tmp_path / "out" / odd / str(YEAR) / "annual_report.html"
    assert odd in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [odd]


@pytest.mark.system
def test_a_report_published_without_a_pdf_removes_the_earlier_pdf(tmp_path) -> None:
    data = tmp_path / "t.parquet"
    with_prior_year().to_parquet(data)
    folder = tmp_path / "out" / REGION / str(YEAR)
    folder.mkdir(parents=True)
    (folder / "annual_report.pdf").write_bytes(b"%PDF- an earlier run")
    result = run_fazhi(
        "report",
        "--region",
        REGION,
        "--year",
        str(YEAR),
        "--data",
        str(data),
        "--formats",
        "html",
        "--output-dir",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["annual_report.html", "annual_report.ipynb"]
