"""Command-line values are checked before a command runs: one line and exit 2 (3 for a scheduler or an output
folder that cannot be used), never a traceback, never a command that runs and then fails or writes elsewhere."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from conftest import SEED

from fazhi_analysis import options, project
from fazhi_analysis.cli import main
from fazhi_analysis.errors import OutputError
from fazhi_analysis.report import batch

TOO_MANY = str((os.cpu_count() or 1) * 4 + 1)


def _one_line(err: str, *parts: str) -> None:
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and all(part in err for part in parts), err


def _exit(argv: list[str]) -> int:
    """``fazhi argv`` in this process: its exit code, argparse's included."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


@pytest.fixture
def here(tmp_path, monkeypatch) -> project.Project:
    """A fresh project with the seed report in data/raw/, the working directory."""
    folder = tmp_path / "p"
    project.init(folder)
    (folder / "data" / "raw" / SEED.name).write_bytes(SEED.read_bytes())
    monkeypatch.chdir(folder)
    monkeypatch.delenv(project.ROOT_ENV, raising=False)
    return project.Project(folder)


@pytest.mark.parametrize(
    "argv",
    [
        ["batch", "--workers", "0"],
        ["batch", "--workers", "-1"],
        ["batch", "--workers", TOO_MANY],
        ["batch", "--workers", "two"],
        ["build", "--max-text-mb", "-1"],
        ["build", "--max-text-mb", "0"],
        ["build", "--max-unzipped-mb", "0"],
        ["clean", "a.csv", "--max-cells", "0"],
        ["validate", "--threshold", "-1"],
        ["validate", "--threshold", "nan"],
        ["validate", "--threshold", "inf"],
        ["clean", "a.csv", "--threshold", "0"],
        ["clean", "a.csv", "--threshold", "101"],
        ["report", "--region", "甲区", "--year", "1948"],
        ["report", "--region", "甲区", "--year", "2101"],
        ["report", "--region", "甲区", "--year", "2024.5"],
        ["report", "--region", "甲区", "--year", "2024", "--compare-year", "99999999999999999999"],
        ["batch", "--years", "2024", "3000"],
        ["export", "--year", "0"],
        ["extract", "a.txt", "--min-confidence", "2"],
    ],
)
def test_a_value_out_of_range_is_one_line_and_exit_2(argv, capsys) -> None:
    assert _exit(argv) == 2
    option = [a for a in argv if a.startswith("--")][-1]  # the one out of range
    _one_line(capsys.readouterr().err, option, f"fazhi {argv[0]} --help")


def test_values_at_their_bounds_are_accepted() -> None:
    from fazhi_analysis.cli import make_parser

    parse = make_parser().parse_args
    assert parse(["batch", "--workers", "1", "--years", "1949", "2100"]).years == [1949, 2100]
    assert parse(["batch", "--workers", str((os.cpu_count() or 1) * 4)]).workers == (os.cpu_count() or 1) * 4
    assert parse(["build", "--max-text-mb", "1", "--max-cells", "1"]).max_cells == 1
    assert parse(["clean", "a.csv", "--threshold", "100"]).threshold == 100


# --- the dask scheduler ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["notanaddress", "tcp://host", "tcp://host:0", "tcp://host:70000", "http://127.0.0.1:80", "tcp://:1"]
)
def test_a_malformed_scheduler_is_one_line_and_exit_3(address, capsys) -> None:
    assert _exit(["batch", "--scheduler", address]) == 3
    _one_line(capsys.readouterr().err, "--scheduler", "tcp://")


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class _Http(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class _Banner(_Http):
    """A server that speaks first, as SSH does: its first bytes read as a length are exabytes."""

    def handle(self) -> None:
        self.wfile.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture
def http_port() -> Iterator[str]:
    yield from _serve(_Http)


@pytest.fixture
def banner_port() -> Iterator[str]:
    yield from _serve(_Banner)


def test_a_port_that_speaks_first_but_not_dask_is_refused_at_once(banner_port, capsys) -> None:
    start = time.monotonic()
    assert _exit(["batch", "--scheduler", banner_port]) == 3
    _one_line(capsys.readouterr().err, banner_port, "dask")
    assert time.monotonic() - start < options.SCHEDULER_TIMEOUT_S


def test_a_port_that_answers_http_is_refused_after_the_timeout(http_port) -> None:
    with pytest.raises(OutputError, match="no answer in 1 s"):
        options.check_scheduler(http_port, timeout=1)


def test_a_closed_port_is_refused(capsys) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert _exit(["batch", "--scheduler", f"tcp://127.0.0.1:{port}"]) == 3
    _one_line(capsys.readouterr().err, f"tcp://127.0.0.1:{port}", "dask")


def test_a_real_scheduler_is_accepted_and_implies_dask(here, monkeypatch) -> None:
    from distributed import LocalCluster

    asked = {}

    def run_batch(*args: object, **kwargs: object) -> None:
        asked.update(kwargs)
        raise SystemExit(0)

    monkeypatch.setattr(batch, "run_batch", run_batch)
    with LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        assert options.check_scheduler(cluster.scheduler_address) == cluster.scheduler_address
        assert _exit(["batch", "--scheduler", cluster.scheduler_address]) == 0
    assert asked["executor"] == "dask" and asked["scheduler"] == cluster.scheduler_address


def test_a_scheduler_with_the_local_executor_is_exit_2(capsys) -> None:
    assert _exit(["batch", "--executor", "local", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    _one_line(capsys.readouterr().err, "--scheduler", "--executor dask")


# --- the project and the outputs -------------------------------------------------------------


@pytest.mark.parametrize("command", [["report", "--region", "甲区", "--year", "2024"], ["build"], ["catalog"]])
def test_a_missing_project_is_exit_2(command, tmp_path, capsys) -> None:
    assert _exit([*command, "--project", str(tmp_path / "nonexistent")]) == 2
    _one_line(capsys.readouterr().err, "--project", "nonexistent")


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--region", "达坂城区", "--year", "2024", "--output-dir", "data/raw"],
        ["report", "--overview", "--year", "2024", "--output-dir", "data/processed/reports"],
        ["batch", "--output-dir", "data"],
        ["export", "-o", "data/raw/宽表.xlsx"],
        ["review", "-o", "data/raw/review.xlsx"],
        ["check-draft", f"data/raw/{SEED.name}", "--format", "xlsx", "--out", "data/raw/意见.xlsx"],
        ["extract", f"data/raw/{SEED.name}", "--format", "csv", "-o", "data/raw/figures.csv"],
        ["clean", "a.csv", "-o", "data/raw/cleaned.csv"],
        ["template", "-o", "data/raw/填报表.xlsx"],
        ["build", "--processed", "data/raw/processed"],
        ["review", "--raw", "elsewhere", "-o", "elsewhere/review.xlsx"],
    ],
)
def test_an_output_that_would_feed_the_inputs_is_refused(here, argv, capsys) -> None:
    (here.root / "elsewhere").mkdir()
    before = sorted(here.root.rglob("*"))
    assert _exit(argv) == 2
    _one_line(capsys.readouterr().err, "fazhi build")
    assert sorted(here.root.rglob("*")) == before


def test_an_output_through_a_link_into_data_is_refused(here, capsys) -> None:
    (here.root / "link").symlink_to(here.raw)
    assert _exit(["report", "--region", "达坂城区", "--year", "2024", "--output-dir", "link"]) == 2
    _one_line(capsys.readouterr().err, str(here.root / "data"))


@pytest.mark.parametrize(
    ("fmt", "out"), [("xlsx", "意见.txt"), ("xlsx", "意见"), ("json", "意见.xlsx"), ("text", "意见.parquet")]
)
def test_check_draft_writes_the_file_asked_for_or_nothing(here, fmt, out, capsys) -> None:
    assert _exit(["check-draft", f"data/raw/{SEED.name}", "--format", fmt, "--out", out]) == 2
    _one_line(capsys.readouterr().err, "--out", f"--format {fmt}")
    assert not list(here.root.glob("意见*"))


def test_batch_with_an_unusable_output_folder_runs_nothing(here, monkeypatch, capsys) -> None:
    (here.root / "a file").write_text("in the way", encoding="utf-8")
    monkeypatch.setattr(batch, "run_batch", lambda *a, **k: pytest.fail("the batch ran"))
    assert _exit(["batch", "--output-dir", "a file/reports"]) == 3
    _one_line(capsys.readouterr().err, "a file")


def test_an_unwritable_output_folder_is_exit_3(here, monkeypatch, capsys) -> None:
    """Permissions do not stop root: the refusal of a folder this user cannot write is simulated."""
    (here.root / "locked").mkdir()
    real = os.access
    monkeypatch.setattr(options.os, "access", lambda p, mode: Path(p).name != "locked" and real(p, mode))
    monkeypatch.setattr(batch, "run_batch", lambda *a, **k: pytest.fail("the batch ran"))
    assert _exit(["batch", "--output-dir", "locked/reports"]) == 3
    _one_line(capsys.readouterr().err, "locked", "not writable")
