"""A full disk: exit 3, one line naming the report folder (not a temporary file, gone by then), nothing half-written."""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path

import pytest
from report_data import REGION, YEAR, with_prior_year

from fazhi_analysis.cli import main
from fazhi_analysis.report import run

pytestmark = pytest.mark.slow  # each case runs a report (a kernel)

NO_ROOM = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _full_on_move(monkeypatch, folder: Path) -> None:
    """Moving the executed notebook out of the scratch folder fails as shutil says it: naming both files."""

    def move(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source), None, str(target))

    monkeypatch.setattr(run.shutil, "move", move)


def _full_on_write(monkeypatch, folder: Path) -> None:
    """Writing a file into the report folder fails, as a full disk does, whoever writes it (``Path.write_text``,
    ``shutil.copyfile``, a format's writer): opening it for writing raises ENOSPC, naming no file."""
    real = io.open

    def full_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if isinstance(file, (str, Path)) and Path(file).parent == folder and set(mode) & set("wax+"):
            raise NO_ROOM
        return real(file, mode, *args, **kwargs)

    monkeypatch.setattr(io, "open", full_open)
    monkeypatch.setattr(builtins, "open", full_open)


@pytest.mark.parametrize("fill", [_full_on_move, _full_on_write], ids=["move", "write"])
def test_a_full_disk_names_the_report_folder_and_keeps_the_earlier_report(tmp_path, monkeypatch, capsys, fill) -> None:
    data, out = tmp_path / "table.parquet", tmp_path / "out"
    with_prior_year().to_parquet(data)
    folder = out / REGION / str(YEAR)
    folder.mkdir(parents=True)
    (folder / "annual_report.html").write_text("an earlier report", encoding="utf-8")
    fill(monkeypatch, folder)
    argv = ["report", "--region", REGION, "--year", str(YEAR), "--data", str(data), "--output-dir", str(out)]
    assert main([*argv, "--formats", "html"]) == 3
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after the progress line
    assert str(folder) in error and "No space left on device" in error, error
    assert ".tmp" not in error and f"fazhi-{os.getuid()}" not in error, error
    monkeypatch.undo()
    assert [p.name for p in folder.iterdir()] == ["annual_report.html"]
    assert (folder / "annual_report.html").read_text(encoding="utf-8") == "an earlier report"
