"""The exploration notebook runs top to bottom with papermill on the bundled report."""

from __future__ import annotations

import re
from pathlib import Path

import papermill
from conftest import ROOT, SEED


def test_explore_extraction_notebook_runs(tmp_path: Path) -> None:
    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "explore_extraction.ipynb"),
        str(out),
        parameters={"path": str(SEED)},
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    text = out.read_text(encoding="utf-8")
    mapped = re.search(r"71 个数字，(\d+) 个已对应指标", text)
    assert mapped and 60 <= int(mapped[1]) <= 70  # the seed's 70 ids, at the calibrated threshold
    assert "五类" in text  # the unmapped figure is listed for the analyst


EXAMPLE_REGIONS_2024 = ["示例区丁", "示例区丙", "示例区乙", "示例区戊", "示例区甲"]


def test_explore_notebook_runs_on_the_example_table(example_table: Path, tmp_path: Path) -> None:
    import nbformat

    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "explore.ipynb"),
        str(out),
        parameters={
            "data_path": str(example_table),
            "region": "示例区甲",
            "year": 2024,
            "indicator": "disputes.reconsideration_applications",
        },
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    charts = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(charts) == 6  # load, filter, pivot, trend, peers, rates: one chart each
    tables = [o["data"]["text/html"] for o in outputs if "<style" in o.get("data", {}).get("text/html", "")]
    assert len(tables) == 6  # a pandas Styler wherever a table is shown
    peers = next(t for t in tables if "n_reporting" in t)
    for region in EXAMPLE_REGIONS_2024:
        assert region in peers
    assert "行政复议纠错率" in tables[-1]  # the rates computed from the example's counts


def test_overview_notebook_through_fazhi_report_shows_every_region(example_table: Path, tmp_path: Path) -> None:
    from conftest import run_fazhi

    out = tmp_path / "reports"
    args = ("report", "--overview", "--year", "2024", "--data", str(example_table), "--output-dir", str(out))
    result = run_fazhi(*args, "--formats", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (out / "overview" / "2024" / "regional_overview.html").read_text(encoding="utf-8")
    for region in EXAMPLE_REGIONS_2024:
        assert f"<h3>{region}</h3>" in html and f"<th>{region}</th>" in html
    assert html.count('<figure class="ranking"') >= 10  # key counts and rates, one dot plot each
    assert "行政复议纠错率（%）" in html  # a rate computed from the example's counts (analysis.with_rates)
