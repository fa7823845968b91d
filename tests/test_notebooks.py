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
EXPLORE = ROOT / "src" / "fazhi_analysis" / "report" / "explore.ipynb"


def _explore(table: Path, tmp_path: Path, **parameters: object) -> list[dict]:
    """Run the bundled explore notebook on ``table`` (from a folder that is no project) and return its outputs."""
    import nbformat

    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(str(EXPLORE), str(out), parameters={"data_path": str(table), **parameters},
                               cwd=str(tmp_path), progress_bar=False)  # fmt: skip
    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs


def _charts_and_tables(outputs: list[dict]) -> tuple[list[str], list[str]]:
    charts = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    tables = [o["data"]["text/html"] for o in outputs if "<style" in o.get("data", {}).get("text/html", "")]
    return charts, tables


def test_explore_notebook_on_the_examples(example_table: Path, tmp_path: Path) -> None:
    outputs = _explore(example_table, tmp_path, region="示例区甲", year=2024, indicator="收到行政复议申请")
    charts, tables = _charts_and_tables(outputs)
    assert len(charts) == 4 and len(tables) == 5  # load, the years, peers, rates; and the region-year's figures
    for svg in charts:  # whole years only on the axes
        assert not re.search(r">\s*20\d\d\.\d\s*<", svg)
    assert ">2021<" in charts[0] and ">2024<" in charts[0]
    peers = next(t for t in tables if "报告地区数" in t)
    assert "n_reporting" not in peers and "True" not in peers
    for region in EXAMPLE_REGIONS_2024:
        assert region in peers
    assert "37件" in peers  # as the report writes it
    rates = tables[-1]
    assert "按计数计算" in rates and "报告所写" not in rates  # the examples' rates are all computed
    assert "行政复议纠错率" in rates and "8.8%" in rates


def test_explore_notebook_on_the_seed(tmp_path: Path) -> None:
    from fazhi_analysis import build

    processed = tmp_path / "processed"
    build.build_checked(raw_dir=SEED.parent, processed_dir=processed, quiet=True)
    outputs = _explore(processed / "indicators.parquet", tmp_path)  # defaults: the first region, its latest year
    charts, tables = _charts_and_tables(outputs)
    assert "达坂城区" in tables[0] and "收到行政复议申请" in tables[1] and "11件" in tables[1]
    assert "2024年没有可计算或报告的比率" in charts[-1]


def test_explore_notebook_uses_only_the_public_api() -> None:
    import nbformat

    code = "\n".join(c.source for c in nbformat.read(EXPLORE, as_version=4).cells if c.cell_type == "code")
    imports = re.findall(r"^(?:from|import) (\S+)", code, flags=re.M)
    assert sorted(set(imports)) == ["IPython.display", "fazhi_analysis"]
    assert "import fazhi_analysis as fz" in code and "fazhi_analysis." not in code
    called = set(re.findall(r"\bfz\.(\w+)", code))
    assert called <= set(dir(__import__("fazhi_analysis"))), called


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
