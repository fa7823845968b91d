"""What a killed run left (temporary files beside outputs, temporary folders) is removed by the next run."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

from fazhi_analysis import build, scratch


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_sweep_removes_a_dead_runs_files_and_folders_and_keeps_live_ones(tmp_path) -> None:
    dead, alive = _dead_pid(), os.getpid()
    left = [tmp_path / f".indicators.{dead}-ab12.tmp.parquet", tmp_path / f"fazhi-report-{dead}-x9"]
    kept = [tmp_path / f".indicators.{alive}-cd34.tmp.parquet", tmp_path / "indicators.parquet", tmp_path / ".hidden"]
    left[0].write_bytes(b"half")
    left[1].mkdir()
    (left[1] / "annual_report.ipynb").write_text("{}", encoding="utf-8")
    for path in kept:
        path.write_bytes(b"x")
    assert sorted(scratch.sweep(tmp_path)) == sorted(left)
    assert sorted(tmp_path.iterdir()) == sorted(kept)


def test_temporary_names_carry_the_process_id(tmp_path) -> None:
    assert scratch.file_prefix("findings") == f".findings.{os.getpid()}-"
    with scratch.temporary_folder("report") as folder:
        assert f"fazhi-report-{os.getpid()}-" in folder
    assert not os.path.exists(folder)


def test_build_sweeps_its_output_folder(tmp_path) -> None:
    processed = tmp_path / "processed"
    processed.mkdir()
    stale = processed / f".findings.{_dead_pid()}-zz.tmp.csv"
    stale.write_text("half written", encoding="utf-8")
    build.build_checked(raw_dir=ROOT / "data" / "raw", processed_dir=processed, quiet=True)
    assert not stale.exists()
    assert not [p for p in processed.iterdir() if p.name.startswith(".")]
