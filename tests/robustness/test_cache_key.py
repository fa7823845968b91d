"""The cache key is part of a report: written with it, or removed when a report is written without one.

The sequence that used to serve a stale page: ``fazhi batch``, then ``fazhi report`` by hand on changed data
(999件), then the data restored, then ``fazhi batch`` again, which skipped the job and kept the page of 999件
while the table said otherwise. Progress: a line per report without ``-v`` (stderr is no terminal here), nothing
with ``-q``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from conftest import run_fazhi

from fazhi_analysis.report import run
from fazhi_analysis.report.kinds import ANNUAL

REGION, YEAR = "示例区甲", 2024


def _batch(table: Path, out: Path, *quiet: str):
    args = ("batch", "--regions", REGION, "--years", str(YEAR), "--formats", "html", *quiet)
    return run_fazhi(*args, "--data", str(table), "--output-dir", str(out))


def test_a_report_by_hand_takes_the_batch_key_with_it_and_the_next_batch_shows_the_table(
    example_table: Path, tmp_path: Path
) -> None:
    shutil.copytree(example_table.parent, tmp_path / "data")
    table, out = tmp_path / "data" / example_table.name, tmp_path / "reports"
    folder = out / REGION / str(YEAR)
    original = pd.read_parquet(table)
    row = original.index[(original["region"] == REGION) & (original["year"] == YEAR) & (original["unit"] == "件")][0]
    shown = f"{original.at[row, 'value']:g}件"

    first = _batch(table, out)
    assert first.returncode == 0, first.stderr
    assert f"[1/1] 完成 done {REGION} {YEAR}" in first.stderr  # a line per report, without -v
    key = (folder / f"{ANNUAL.stem}{run.HASH_SUFFIX}").read_text(encoding="utf-8")

    changed = original.copy()
    changed.loc[row, "value"] = 999
    changed.to_parquet(table, index=False)
    by_hand = run_fazhi("-q", "report", "--region", REGION, "--year", str(YEAR), "--formats", "html",
                        "--data", str(table), "--output-dir", str(out))  # fmt: skip
    assert by_hand.returncode == 0 and by_hand.stderr == "", by_hand.stderr
    assert "999件" in (folder / "annual_report.html").read_text(encoding="utf-8")
    assert not (folder / f"{ANNUAL.stem}{run.HASH_SUFFIX}").exists()  # removed with the report it described

    shutil.copy2(example_table, table)  # the very bytes of the first batch: the same cache key
    again = _batch(table, out, "-q")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    page = (folder / "annual_report.html").read_text(encoding="utf-8")
    assert "999件" not in page and shown in page
    assert (folder / f"{ANNUAL.stem}{run.HASH_SUFFIX}").read_text(encoding="utf-8") == key
