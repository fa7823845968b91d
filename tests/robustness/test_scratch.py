"""Temporary files: only this program's, in its own scratch folder; a killed run's swept, nobody else's touched."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, SEED, run_fazhi

from fazhi_analysis import scratch
from fazhi_analysis.errors import OutputError

# A run that makes a temporary folder and a temporary file beside an output, says so, and waits to be killed.
_RUN = """
import sys, time
from fazhi_analysis import scratch
made = scratch.temporary_folder("report")
print(made.__enter__(), scratch.temporary_file(sys.argv[1]), flush=True)
time.sleep(600)
"""


@pytest.fixture
def tmp(tmp_path, monkeypatch) -> Path:
    """A private system temporary folder for this test and the commands it starts."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def _start_run(target: Path) -> tuple[subprocess.Popen, list[Path]]:
    """A live run of ours (see :data:`_RUN`) and the folder and file it made."""
    run = subprocess.Popen([sys.executable, "-c", _RUN, str(target)], stdout=subprocess.PIPE, text=True)
    return run, [Path(p) for p in run.stdout.readline().split()]


def _kill(run: subprocess.Popen) -> None:
    run.send_signal(signal.SIGKILL)
    run.wait()
    run.stdout.close()


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def _decoys(*folders: Path) -> list[Path]:
    """Other programs' files and folders named as this program's temporary ones used to be, of a dead process."""
    dead, made = _dead_pid(), []
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        for name in (f".x.{dead}-y", f".indicators.{dead}-ab12.tmp.parquet", f"fazhi-word-{dead}-y"):
            (folder / name).write_text("not fazhi's", encoding="utf-8")
            made.append(folder / name)
        (folder / f"fazhi-report-{dead}-y").mkdir()
        (folder / f"fazhi-report-{dead}-y" / "keep.txt").write_text("not fazhi's", encoding="utf-8")
        made.append(folder / f"fazhi-report-{dead}-y" / "keep.txt")
    return made


def test_a_killed_runs_folder_and_files_are_swept_and_a_live_ones_kept(tmp, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    killed, left = _start_run(out / "indicators.parquet")
    live, kept = _start_run(out / "findings.csv")
    try:
        assert all(p.exists() for p in left + kept) and left[0].is_relative_to(scratch.scratch_root())
        _kill(killed)
        removed = scratch.sweep()
        assert set(removed) >= {left[1], left[0].parent} and not any(p.exists() for p in left)
        assert all(p.exists() for p in kept)
    finally:
        _kill(live)
    assert sorted(p.name for p in out.iterdir()) == [kept[1].name]  # until the next sweep


def test_a_run_leaves_nothing_when_it_ends(tmp) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from fazhi_analysis import scratch\nwith scratch.temporary_folder('x'): pass"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in scratch.scratch_root().iterdir()] == [scratch.MARKER]


@pytest.mark.parametrize("make", ["no marker", "a link", "open to others"])
def test_a_scratch_folder_that_is_not_ours_is_refused(tmp, tmp_path, make) -> None:
    root = tmp / f"fazhi-{os.getuid()}"
    if make == "a link":
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / scratch.MARKER).write_text("", encoding="utf-8")
        root.symlink_to(tmp_path / "elsewhere")
    else:
        root.mkdir(mode=0o700)
        (root / "theirs.txt").write_text("x", encoding="utf-8")
    if make == "open to others":
        (root / scratch.MARKER).write_text("", encoding="utf-8")
        root.chmod(0o777)
    with pytest.raises(OutputError, match=f"fazhi-{os.getuid()}"):
        scratch.sweep()
    assert root.exists() and (make == "a link" or (root / "theirs.txt").exists())


def test_other_programs_files_survive_every_command_and_a_killed_runs_are_cleaned(tmp, tmp_path) -> None:
    project = tmp_path / "p"
    assert run_fazhi("init", str(project)).returncode == 0
    shutil.copy(SEED, project / "data" / "raw")
    decoys = _decoys(tmp, project / "data" / "processed", project / "reports" / "达坂城区" / "2024")
    killed, left = _start_run(project / "data" / "processed" / "indicators.parquet")
    _kill(killed)
    seed, table = str(project / "data" / "raw" / SEED.name), str(project / "data" / "processed" / "indicators.parquet")
    commands = [
        ["catalog"],
        ["extract", seed, "-o", str(tmp_path / "f.json")],
        ["build"],
        ["validate", table],
        ["review", "-o", str(tmp_path / "review.xlsx")],
        ["report", "--region", "达坂城区", "--year", "2024", "--formats", "html"],
        ["batch", "--formats", "html", "--workers", "1", "--force"],
        ["export"],
        ["check-draft", seed, "--format", "json", "--out", str(tmp_path / "draft.json")],
        ["clean", str(FIXTURES / "clean" / "wide_years.csv"), "--region", "甲区", "-o", str(tmp_path / "c.csv")],
        ["template", "-o", str(tmp_path / "t.xlsx")],
    ]
    for command in commands:
        result = run_fazhi(*command, "--project", str(project), cwd=tmp_path)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert all(p.exists() for p in decoys), command
    assert not any(p.exists() for p in left)
    assert [p.name for p in scratch.scratch_root().iterdir()] == [scratch.MARKER]
