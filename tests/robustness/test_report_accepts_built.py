"""A report never fails on data the build accepted (issue 18): odd region names and labels with markup render,
names no folder can hold are refused at build (exit 2, the row named), inf and NaN are refused by the tidy
contract wherever a table is made or read."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SEED, run_fazhi
from report_data import REGION, YEAR, with_prior_year

from fazhi_analysis import checks, project
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import tidy

ODD = {"emoji": "达坂城区🌟", "rtl": "منطقة区", "long": "乌鲁木齐市达坂城区" * 6 + "新区甲乙丙丁"}  # 60 characters
UNSAFE = {"zero width": "甲\u200b区", "bidi override": "乙\u202e区", "65 characters": "丙" * 65}
MARKUP = "<img src=x onerror=alert(1)>"


def _project(tmp_path: Path, regions: list[str]) -> Path:
    """A project with the seed report (a label carrying markup added) and a departments' table of ``regions``."""
    root = tmp_path / "p"
    project.init(root)
    text = SEED.read_text(encoding="utf-8").replace("为1421名工人", f"为{MARKUP}1421名<b>工人</b>", 1)
    (root / "data" / "raw" / SEED.name).write_text(
        text + "\n全年办理<script>x</script>特殊事项5件。\n", encoding="utf-8"
    )
    rows = ["地区,年度,指标名称,单位,数值"]
    for region in regions:
        for year, applications, closed in ((YEAR - 1, 8, 5), (YEAR, 11, 7)):
            rows += [f"{region},{year},收到行政复议申请,件,{applications}", f"{region},{year},行政复议结案,件,{closed}"]
    (root / "data" / "raw" / "各区汇总.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_odd_region_names_and_markup_in_labels_render_end_to_end(tmp_path) -> None:
    assert len(ODD["long"]) == 60
    root = _project(tmp_path, list(ODD.values()))
    built = run_fazhi("build", "--project", str(root))
    assert built.returncode == 0, built.stderr
    done = run_fazhi("batch", "--formats", "html", "--overview", "--workers", "2", "--project", str(root))
    assert done.returncode == 0, done.stderr
    for region in [*ODD.values(), REGION]:
        page = (root / "reports" / region / str(YEAR) / "annual_report.html").read_text(encoding="utf-8")
        assert region in page
    page = (root / "reports" / REGION / str(YEAR) / "annual_report.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert MARKUP not in page and "<script>x" not in page and "<b>工人" not in page
    overview = (root / "reports" / "overview" / str(YEAR) / "regional_overview.html").read_text(encoding="utf-8")
    assert all(region in overview for region in ODD.values())


@pytest.mark.system
def test_a_region_with_an_emoji_prints_and_drafts(tmp_path) -> None:
    root = _project(tmp_path, [ODD["emoji"]])
    assert run_fazhi("build", "--project", str(root)).returncode == 0
    done = run_fazhi("report", "--region", ODD["emoji"], "--year", str(YEAR), "--formats", "html,pdf,docx",
                     "--project", str(root))  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = root / "reports" / ODD["emoji"] / str(YEAR)
    assert (folder / "annual_report.pdf").stat().st_size > 0 and (folder / "annual_report.docx").stat().st_size > 0


@pytest.mark.parametrize("name", list(UNSAFE.values()), ids=list(UNSAFE))
def test_a_region_no_folder_can_hold_is_refused_at_build_and_by_report(tmp_path, name) -> None:
    root = _project(tmp_path, [name])
    built = run_fazhi("build", "--project", str(root))
    assert built.returncode == 2, built.stderr
    assert "各区汇总.csv#" in built.stderr and "Traceback" not in built.stderr  # the row, by its cell
    refused = run_fazhi("report", "--region", name, "--year", str(YEAR), "--formats", "html", "--project", str(root))
    assert refused.returncode == 2 and "unsafe region" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 or "building" in refused.stderr.splitlines()[0]
    assert not [p for p in (root / "reports").rglob("*") if p.is_file()]


# --- inf and NaN -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_table_with_inf_or_nan_is_refused_by_every_command_that_reads_it(tmp_path, value) -> None:
    table = with_prior_year()
    table["value"] = table["value"].astype("float64")
    table.loc[3, "value"] = value
    data = tmp_path / "table.parquet"
    table.to_parquet(data)
    out = ["--output-dir", str(tmp_path / "out")]
    commands = [
        ["report", "--region", REGION, "--year", str(YEAR), "--formats", "html", "--data", str(data), *out],
        ["report", "--overview", "--year", str(YEAR), "--formats", "html", "--data", str(data), *out],
        ["batch", "--formats", "html", "--data", str(data), *out],
        ["export", "--data", str(data), "-o", str(tmp_path / "wide.xlsx")],
    ]
    for command in commands:
        result = run_fazhi(*command, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        error = result.stderr.strip().splitlines()[-1]
        assert "第 4 行 / row 4" in error and "study.wage_arrears_workers" in error, error
        assert "dabancheng_2024_report.txt" in error and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "wide.xlsx").exists()


def test_a_csv_table_with_a_value_that_is_no_number_is_refused_naming_the_row(tmp_path) -> None:
    table = with_prior_year().astype({"value": "string"})
    table.loc[5, "value"] = "十一"
    table.to_csv(tmp_path / "table.csv", index=False)
    with pytest.raises(InputError, match="第 6 行 / row 6"):
        tidy.read(tmp_path / "table.csv")
    assert len(tidy.read(tmp_path / "table.csv", text=True)) == len(table)  # read to be checked: as written


def test_the_contract_refuses_inf_where_a_table_is_made_and_checks_flag_it(tmp_path) -> None:
    frame = with_prior_year()
    frame["value"] = frame["value"].astype("float64")
    frame.loc[0, "value"] = np.inf
    with pytest.raises(InputError, match="第 1 行 / row 1"):
        tidy.conform(frame)
    findings = checks.check(frame)
    assert "finite" in " ".join(findings.loc[findings["rule"] == "schema", "message_en"])
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = run_fazhi("validate", str(tmp_path / "t.csv"))
    assert result.returncode == 1 and "finite" in result.stdout


def test_a_built_table_never_holds_inf(tmp_path) -> None:
    """Figures too large for a float are rejected cells in a department's table, never inf in the table."""
    root = tmp_path / "p"
    project.init(root)
    shutil.copy(SEED, root / "data" / "raw")
    rows = ["地区,年度,指标名称,单位,数值", "甲区,2024,行政应诉案件,件,1e400", "甲区,2024,行政复议结案,件,inf",
            "甲区,2024,收到行政复议申请,件," + "9" * 400, "甲区,2024,行政诉讼败诉案件,件,1"]  # fmt: skip
    (root / "data" / "raw" / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run_fazhi("build", "--project", str(root)).returncode in (0, 1)
    built = pd.read_parquet(root / "data" / "processed" / "indicators.parquet")
    assert np.isfinite(built["value"].astype(float)).all()
    rejects = pd.read_parquet(root / "data" / "processed" / "rejects.parquet")
    assert len(rejects[rejects["source"].str.startswith("t.csv")]) == 3
