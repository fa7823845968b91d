"""The ``fazhi`` command line: the extract contract, catalog, build, and clear errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SEED, run_fazhi

from fazhi_analysis.table.tidy import TIDY_COLUMNS

RECORD_KEYS = {"indicator", "label", "section", "value", "unit", "approx", "raw", "start", "end", "sentence"}


def test_extract_json_contract(seed_text: str) -> None:
    result = run_fazhi("extract", str(SEED), "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert isinstance(records, list) and len(records) == 71
    for record in records:
        assert RECORD_KEYS <= record.keys()
        assert seed_text[record["start"] : record["end"]] == record["raw"]
        assert isinstance(record["value"], (int, float)) and isinstance(record["approx"], bool)
    first = records[0]
    assert (first["indicator"], first["value"], first["unit"], first["section"]) == (
        "study.law_lectures",
        17,
        "次",
        "study",
    )
    assert first["region"] == "达坂城区" and first["year"] == 2024
    assert "71" in result.stderr  # the summary goes to stderr, not into the JSON


def test_extract_region_and_year_flags_override_the_text() -> None:
    result = run_fazhi("extract", str(SEED), "--region", "某某县", "--year", "2023")
    records = json.loads(result.stdout)
    assert {(r["region"], r["year"]) for r in records} == {("某某县", 2023)}


def test_extract_csv_and_parquet(tmp_path: Path) -> None:
    csv = run_fazhi("extract", str(SEED), "--format", "csv")
    assert csv.returncode == 0 and csv.stdout.splitlines()[0].startswith("region,year,indicator,label,section,value")
    out = tmp_path / "figures.parquet"
    assert run_fazhi("extract", str(SEED), "--format", "parquet", "-o", str(out)).returncode == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 71 and frame["value"].sum() == pytest.approx(
        pd.read_csv(pd.io.common.StringIO(csv.stdout))["value"].sum()
    )


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_extract_reads_chinese_encodings(tmp_path: Path, seed_text: str, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(seed_text.encode(encoding))
    records = json.loads(run_fazhi("extract", str(path)).stdout)
    assert len(records) == 71
    assert seed_text[records[5]["start"] : records[5]["end"]] == records[5]["raw"]


def test_extract_reads_docx(tmp_path: Path, seed_text: str) -> None:
    import docx

    document = docx.Document()
    for line in seed_text.split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(str(path))
    records = json.loads(run_fazhi("extract", str(path)).stdout)
    assert len(records) == 71 and records[0]["region"] == "达坂城区"


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    undecodable = tmp_path / "broken.txt"
    undecodable.write_bytes("行政复议申请11件".encode() + b"\xff\xfe\xfd\x80\x81")
    fake_docx = tmp_path / "fake.docx"
    fake_docx.write_bytes(b"this is not a zip file")
    return {
        "empty": empty,
        "binary": binary,
        "undecodable": undecodable,
        "fake_docx": fake_docx,
        "missing": tmp_path / "nowhere.txt",
        "folder": tmp_path,
    }


@pytest.mark.parametrize("kind", ["empty", "binary", "undecodable", "fake_docx", "missing", "folder"])
def test_bad_input_gives_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    path = _bad_inputs(tmp_path)[kind]
    result = run_fazhi("extract", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in result.stderr


def test_parquet_without_output_is_a_clear_error() -> None:
    result = run_fazhi("extract", str(SEED), "--format", "parquet")
    assert result.returncode == 2 and "-o" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_catalog_formats(fmt: str) -> None:
    result = run_fazhi("catalog", "--format", fmt)
    assert result.returncode == 0
    assert "disputes.reconsideration_applications" in result.stdout
    if fmt == "json":
        entry = next(e for e in json.loads(result.stdout) if e["id"] == "study.wage_arrears_recovered")
        assert (entry["unit"], entry["kind"], entry["section"]) == ("元", "amount", "study")


def test_help_teaches_by_example() -> None:
    for args in (["--help"], ["extract", "--help"], ["build", "--help"]):
        result = run_fazhi(*args)
        assert result.returncode == 0 and "fazhi" in result.stdout
    assert "示例" in run_fazhi("extract", "--help").stdout


def test_build_writes_the_tidy_table_deterministically(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    (raw / SEED.name).write_bytes(SEED.read_bytes())
    assert run_fazhi("build", "--raw", str(raw), "--processed", str(out)).returncode == 0
    table = pd.read_parquet(out / "indicators.parquet")
    assert table.columns.tolist() == TIDY_COLUMNS  # the contract's columns, in its order
    assert len(table) == 71 and set(table["region"]) == {"达坂城区"} and set(table["year"]) == {2024}
    first = table.iloc[0]
    assert first["source"] == f"{SEED.name}:5:56" and first["raw"] == "17次"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run_fazhi("build", "--raw", str(raw), "--processed", str(out)).returncode == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_build_uses_sidecar_then_file_name(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    (raw / "某某县_2022.txt").write_text("（五）行政复议\n收到行政复议申请9件。", encoding="utf-8")
    (raw / "notes.txt").write_text("（五）行政复议\n结案3件。", encoding="utf-8")
    (raw / "notes.txt.meta.yaml").write_text("region: 另一县\nyear: 2021\n", encoding="utf-8")
    assert run_fazhi("build", "--raw", str(raw), "--processed", str(out)).returncode == 0
    table = pd.read_parquet(out / "indicators.parquet")
    assert sorted(zip(table["region"], table["year"], table["value"])) == [("另一县", 2021, 3.0), ("某某县", 2022, 9.0)]


def test_build_without_region_names_the_file_and_the_fix(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.txt").write_text("收到行政复议申请9件。", encoding="utf-8")
    result = run_fazhi("build", "--raw", str(raw), "--processed", str(tmp_path / "out"))
    assert result.returncode == 2 and "report.txt" in result.stderr and "meta.yaml" in result.stderr
    assert not (tmp_path / "out" / "indicators.parquet").exists()


def test_module_entry_point_matches_console_script() -> None:
    assert (ROOT / "src" / "fazhi_analysis" / "__main__.py").is_file()
    assert run_fazhi("--version").stdout.startswith("fazhi ")


@pytest.mark.parametrize(
    ("argv", "verbose", "quiet"),
    [
        (["report", "--year", "2024"], 0, 0),
        (["-v", "report", "--year", "2024"], 1, 0),
        (["report", "-vv", "--year", "2024"], 2, 0),
        (["-q", "validate"], 0, 1),
        (["validate", "-q"], 0, 1),
    ],
)
def test_verbosity_before_or_after_the_command(argv: list[str], verbose: int, quiet: int) -> None:
    import logging

    from fazhi_analysis import cli

    args = cli.make_parser().parse_args(argv)
    assert (args.verbose, args.quiet) == (verbose, quiet)
    logger = logging.getLogger("fazhi_analysis")
    level, handlers = logger.level, list(logger.handlers)
    try:
        cli._setup_logging(args)
        expected = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[verbose]
        assert logger.level == expected
    finally:  # the logger is the process's: leave it as it was for the other tests
        logger.setLevel(level)
        logger.handlers[:] = handlers


def test_reading_the_command_line_imports_no_data_library() -> None:
    """Every command (``--help`` too) builds the parser first: it stays light, so a report's kernel is not kept
    waiting behind pandas and pandera in the parent (a report's parent never needs them)."""
    code = "import sys; from fazhi_analysis.cli import make_parser; make_parser(); print(sorted(set(sys.modules) & {}))"
    heavy = {"pandas", "pandera", "matplotlib", "pyarrow", "numpy"}
    shown = subprocess.run([sys.executable, "-c", code.format(heavy)], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
