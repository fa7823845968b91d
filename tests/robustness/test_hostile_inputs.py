"""Hostile inputs (issue 18): files that are not regular files, odd encodings and bombs each give a result or
one line with exit 2, in bounded memory and time.

The bombs run in a child process under ``ulimit -v 3000000`` (a 3 GB address space), as the issue's probe did.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED
from hostile import docx_bomb, html_bomb, pdf_bomb, run_limited, workbook, xlsx_bomb

from fazhi_analysis.cli import main
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import decode, extract, sheets

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs, devices and address-space limits are POSIX")
QUICK = 60.0  # seconds for a refusal, on a loaded 2-core machine


def _one_line(err: str, *words: str) -> str:
    """The ``fazhi:`` line of a command's stderr, checked to be its only error line and to name ``words``."""
    lines = [line for line in err.splitlines() if line.startswith("fazhi:")]
    assert len(lines) == 1 and "Traceback" not in err, err[-2000:]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# --- not regular files: refused before they are opened ----------------------------------------


@pytest.fixture
def odd_files(tmp_path: Path) -> dict[str, Path]:
    """A FIFO, a socket and a folder, each named like an input, and the character devices."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    bound = socket.socket(socket.AF_UNIX)
    bound.bind(str(tmp_path / "sock.txt"))
    (tmp_path / "folder.txt").mkdir()
    yield {
        "FIFO": fifo,
        "socket": tmp_path / "sock.txt",
        "directory": tmp_path / "folder.txt",
        "character device": Path("/dev/zero"),
        "random": Path("/dev/urandom"),
    }
    bound.close()


KINDS = {"FIFO": "FIFO", "socket": "socket", "directory": "directory", "character device": "character device",
         "random": "character device"}  # fmt: skip


@POSIX
@pytest.mark.parametrize("kind", list(KINDS))
def test_extract_refuses_what_is_not_a_regular_file_without_hanging(odd_files, kind):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "fazhi_analysis", "extract", str(odd_files[kind])],
        capture_output=True,
        text=True,
        timeout=QUICK,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and time.monotonic() - started < QUICK
    _one_line(done.stderr, str(odd_files[kind]), KINDS[kind])


@POSIX
@pytest.mark.parametrize("kind", list(KINDS))
def test_clean_and_check_draft_refuse_what_is_not_a_regular_file(odd_files, kind, capsys, monkeypatch):
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"opened {self}"))
    assert main(["clean", str(odd_files[kind]), "--region", "甲区", "--year", "2024"]) == 2
    _one_line(capsys.readouterr().err, "folder" if kind == "directory" else KINDS[kind])  # clean searches folders
    assert main(["check-draft", str(odd_files[kind]), "--region", "甲区", "--year", "2024"]) == 2
    _one_line(capsys.readouterr().err, KINDS[kind])


@POSIX
def test_build_and_review_refuse_a_fifo_among_the_inputs(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw)
    os.mkfifo(raw / "wait.csv")
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 2
    _one_line(capsys.readouterr().err, "wait.csv", "FIFO")
    (raw / "wait.csv").unlink()
    os.mkfifo(raw / "wait.txt")
    assert main(["review", "--raw", str(raw), "-o", str(tmp_path / "review.xlsx")]) == 2
    _one_line(capsys.readouterr().err, "wait.txt", "FIFO")
    assert not (tmp_path / "p").exists() and not (tmp_path / "review.xlsx").exists()


@POSIX
def test_a_fifo_sidecar_and_a_fifo_overrides_file_are_refused(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw)
    os.mkfifo(raw / "overrides.csv")
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 2
    _one_line(capsys.readouterr().err, "overrides.csv", "FIFO")
    (raw / "overrides.csv").unlink()
    os.mkfifo(raw / (SEED.name + ".meta.yaml"))
    (raw / SEED.name).write_text("一、收到行政复议申请11件。\n", encoding="utf-8")  # no title: the sidecar is read
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 2
    _one_line(capsys.readouterr().err, ".meta.yaml", "FIFO")


def test_an_unreadable_input_exits_2_not_3(tmp_path, capsys, monkeypatch):
    """A file the system will not let us read (permissions; root reads any, so the refusal is simulated)."""
    from fazhi_analysis import userfiles

    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    path = tmp_path / "secret.txt"
    path.write_text("收到行政复议申请11件。", encoding="utf-8")
    monkeypatch.setattr(userfiles.os, "open", denied)
    assert main(["extract", str(path)]) == 2
    _one_line(capsys.readouterr().err, "secret.txt", "cannot read", "Permission denied")


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be", "utf-16", "utf-16-be", "utf-8-sig"])
def test_texts_with_a_byte_order_mark_are_decoded(tmp_path, seed_text, encoding):
    path = tmp_path / "report.txt"
    data = seed_text.encode(encoding)
    path.write_bytes(data if encoding in ("utf-32", "utf-16", "utf-8-sig") else "\ufeff".encode(encoding) + data)
    assert decode.read_report_text(path) == seed_text
    figures = extract.extract_file(path)
    assert len(figures) == 71 and figures["year"].unique().tolist() == [2024]


def test_a_table_in_utf_32_is_read(tmp_path):
    path = tmp_path / "dept.csv"
    path.write_bytes("指标名称,单位,2024年\n收到行政复议申请,件,11\n".encode("utf-32"))
    (sheet,) = sheets.read_sheets(path)
    assert sheet.values[1].tolist() == ["收到行政复议申请", "件", "11"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe\x00\x00" + "收到".encode("utf-32-le") + b"\x00\xd8\x00", ("UTF-32",)),  # a surrogate, cut short
        (b"\xff\xfe" + b"\x00\xd8", ("UTF-16",)),  # an unpaired surrogate
        (b"\x81\x30\xff\xff\xff" * 3, ("GB18030",)),  # neither UTF-8 nor GB18030
        ("收到申请".encode() + b"\x00\x01", ("binary", "NUL")),
    ],
)
def test_undecodable_text_is_refused_in_one_line(tmp_path, capsys, data, words):
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    assert main(["extract", str(path)]) == 2
    _one_line(capsys.readouterr().err, "report.txt", *words)


# --- bombs: refused before they are inflated, under a 3 GB address space ----------------------


def _bombs(folder: Path) -> list[tuple[str, Path]]:
    """(command, file) for each kind of bomb the issue names, beside the xlsx bombs of test_limits_cli."""
    return [
        ("extract", docx_bomb(folder)),
        ("extract", html_bomb(folder)),
        ("extract", pdf_bomb(folder / "inflates_to_2gb.pdf")),
        ("clean", xlsx_bomb(folder)),
        ("clean", xlsx_bomb(folder, "xl/styles.xml")),
    ]


@POSIX
def test_each_bomb_is_refused_in_one_line_under_3_gb_of_address_space(tmp_path):
    for command, bomb in _bombs(tmp_path):
        extra = ("--region", "甲区", "--year", "2024") if command == "clean" else ()
        started = time.monotonic()
        done = run_limited(command, str(bomb), *extra)
        assert done.returncode == 2, (bomb.name, done.returncode, done.stderr[-1000:])
        assert time.monotonic() - started < QUICK
        _one_line(done.stderr, bomb.name, "refused")


def test_bombs_are_refused_in_process_too(tmp_path):
    """The library raises InputError (no lxml error, no abort) for each, as the commands do."""
    for _, bomb in _bombs(tmp_path):
        read = sheets.read_sheets if bomb.suffix == ".xlsx" else decode.read_report_text
        with pytest.raises(InputError) as caught:
            read(bomb)
        assert "\n" not in str(caught.value) and bomb.name in str(caught.value)


def test_a_docx_bomb_in_build_names_the_file(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    docx_bomb(raw)
    (raw / "base.docx").unlink()
    assert main(["build", "--raw", str(raw), "--processed", str(tmp_path / "p")]) == 2
    _one_line(capsys.readouterr().err, "laughs.docx", "DTD")


def test_a_normal_workbook_and_page_still_read(tmp_path):
    assert len(sheets.read_sheets(workbook(tmp_path / "ok.xlsx"))[0].values) == 3
    page = tmp_path / "ok.html"
    page.write_text("<!DOCTYPE html><html><body><p>收到行政复议申请11件。</p></body></html>", encoding="utf-8")
    assert decode.read_report_text(page) == "收到行政复议申请11件。"
