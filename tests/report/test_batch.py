"""fazhi batch: every report of a table on a pool of workers, the cache, failures, dask, Ctrl-C and the index.

The example table (示例区甲…戊, 2021–2024) holds, among others, 甲 2022–2024, 乙 2023–2024 and 丁 2022 and
2024: the batch of those three regions and years 2022–2024 is 7 region-years. A report reads every row up
to its year (its peers' earlier years are in the wide table it links) and none after, so changing 乙's 2023
figures re-renders the five reports of 2023 and 2024 and neither report of 2022.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import psutil
import pytest
from conftest import ROOT, as_in_a_terminal, run_fazhi

from fazhi_analysis import checks
from fazhi_analysis.analysis import highlights, load_table
from fazhi_analysis.report import batch, outputs, pdf
from fazhi_analysis.report.kinds import ANNUAL
from fazhi_analysis.table import manifest

REGIONS = ["示例区甲", "示例区乙", "示例区丁"]
YEARS = [2022, 2023, 2024]
PLANNED = {("示例区甲", 2022), ("示例区甲", 2023), ("示例区甲", 2024), ("示例区乙", 2023), ("示例区乙", 2024)}
PLANNED |= {("示例区丁", 2022), ("示例区丁", 2024)}
TEMPORARY = re.compile(r"\.tmp(\.|$)|^fazhi-")


def copy_table(example_table: Path, folder: Path) -> Path:
    """A private copy of the example build (table, parts, findings, manifest) to change."""
    shutil.copytree(example_table.parent, folder)
    return folder / example_table.name


def rebuild_manifest(table: Path) -> None:
    """After a table was changed by hand, what ``fazhi build`` would write with it: its findings and the manifest."""
    checks.check(pd.read_parquet(table)).to_parquet(table.with_name("findings.parquet"), index=False)
    side = ("parts", "sentences", "findings", "regions")
    manifest.write(table.parent, [table, *(table.with_name(f"{name}.parquet") for name in side)])


def by_key(result: batch.BatchResult) -> dict[tuple[str, int], str]:
    return {(o.job.region, o.job.year): o.status for o in result.outcomes if o.job.kind is ANNUAL}


def temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if TEMPORARY.search(p.name)]


@pytest.fixture(scope="module")
def chain(example_table: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three batches into one folder: the first, one with nothing changed, one after 乙 2023 changed."""
    base = tmp_path_factory.mktemp("batch")
    table, out = copy_table(example_table, base / "data"), base / "reports"
    args = {"workers": 2, "formats": "html", "output_dir": out, "data_path": table, "progress": False}
    first = batch.run_batch(REGIONS, YEARS, **args)
    first_html = {key: (out / key[0] / str(key[1]) / "annual_report.html").read_bytes() for key in PLANNED}
    second = batch.run_batch(REGIONS, YEARS, **args)
    frame = pd.read_parquet(table)
    row = (frame["region"] == "示例区乙") & (frame["year"] == 2023) & (frame["unit"] == "件")
    frame.loc[row[row].index[0], "value"] += 1
    frame.to_parquet(table, index=False)
    rebuild_manifest(table)
    third = batch.run_batch(REGIONS, YEARS, **args)
    return {"out": out, "table": table, "first": first, "second": second, "third": third, "first_html": first_html}


def test_batch_writes_every_report_the_manifest_and_the_index(chain: dict) -> None:
    out, first = chain["out"], chain["first"]
    assert by_key(first) == dict.fromkeys(PLANNED, "done")
    assert first.exit_code == 0
    rows = pd.read_csv(out / "manifest.csv", encoding="utf-8-sig", keep_default_na=False)
    assert len(rows) == 7
    assert set(zip(rows["region"], rows["year"])) == PLANNED
    for row in rows.itertuples():
        assert (out / row.html).is_file() and (out / row.ipynb).is_file()
        assert row.pdf == ""  # html only was asked for
        assert len(row.input_hash) == 64
        stored = (out / row.region / str(row.year) / "annual_report.inputs.sha256").read_text().strip()
        assert stored == row.input_hash
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert page.count('href="') == 2 * 7  # the coverage table and the list below it link each report once
    assert not temporary_files(out)


def test_second_run_skips_every_unchanged_report(chain: dict) -> None:
    assert by_key(chain["second"]) == dict.fromkeys(PLANNED, "skipped")
    rows = {(r["region"], r["year"]): r for r in json.loads((chain["out"] / "manifest.json").read_text("utf-8"))}
    expected = [str(t) for t in highlights(load_table(chain["table"]), "示例区丁", 2024, limit=3)["text"]]
    assert expected and rows[("示例区丁", 2024)]["highlights"] == expected  # kept while its inputs stay the same
    assert all(sentence in (chain["out"] / "index.html").read_text("utf-8") for sentence in expected)


def test_changed_region_rerenders_the_reports_of_that_year_and_later_only(chain: dict) -> None:
    rerendered = {("示例区乙", 2023), ("示例区乙", 2024), ("示例区甲", 2023), ("示例区甲", 2024), ("示例区丁", 2024)}
    statuses = by_key(chain["third"])
    assert {key for key, status in statuses.items() if status == "done"} == rerendered
    assert {key for key, status in statuses.items() if status == "skipped"} == PLANNED - rerendered
    for key in PLANNED - rerendered:  # the files of the skipped reports are the first run's
        assert (chain["out"] / key[0] / str(key[1]) / "annual_report.html").read_bytes() == chain["first_html"][key]


def test_the_cache_key_holds_peers_regions_and_sentences_and_no_later_year(example_table: Path) -> None:
    frames = batch._side_frames(example_table)
    job, shared = batch.BatchJob(ANNUAL, "示例区甲", 2023), "shared"
    key = batch.input_hash(job, frames, shared, "default")
    assert batch.input_hash(job, frames, shared, "level") != key
    listed = pd.DataFrame({"region": ["示例区甲"], "level": ["县"], "parent": ["示例市"]})
    assert batch.input_hash(job, {**frames, "regions.parquet": listed}, shared, "default") != key
    said = frames["sentences.parquet"].assign(sentence="另一句。")  # a text changed, its figures the same
    assert batch.input_hash(job, {**frames, "sentences.parquet": said}, shared, "default") != key
    later = frames["table"].assign(year=2025).head(3)
    more = {**frames, "table": pd.concat([frames["table"], later], ignore_index=True)}
    assert batch.input_hash(job, more, shared, "default") == key  # a later year is not read


def test_a_batch_reads_the_rows_of_a_year_once_for_all_its_jobs(example_table: Path, monkeypatch) -> None:
    frames = batch._side_frames(example_table)
    jobs = batch.plan(frames["table"])
    alone = [batch.input_hash(job, frames, "shared") for job in jobs]  # each job's rows written out for itself
    written = []
    to_csv = pd.DataFrame.to_csv
    monkeypatch.setattr(pd.DataFrame, "to_csv", lambda self, *a, **k: written.append(1) or to_csv(self, *a, **k))
    rows = batch.row_digests(frames)
    assert [batch.input_hash(job, frames, "shared", rows=rows) for job in jobs] == alone
    years = {job.year for job in jobs}
    assert len(jobs) > len(years) and len(written) == len(years) * sum("region" in f.columns for f in frames.values())


def test_force_renders_even_unchanged_reports(chain: dict, tmp_path: Path) -> None:
    result = batch.run_batch(
        ["示例区丁"], [2022], force=True, formats="html", output_dir=chain["out"], data_path=chain["table"],
        progress=False,
    )  # fmt: skip
    assert by_key(result) == {("示例区丁", 2022): "done"}
    rows = pd.read_csv(chain["out"] / "manifest.csv", encoding="utf-8-sig", keep_default_na=False)
    assert len(rows) == 7  # the other six rows are kept from the batch before


def test_broken_region_fails_alone(example_table: Path, tmp_path: Path) -> None:
    table = copy_table(example_table, tmp_path / "data")
    frame = pd.read_parquet(table)
    broken = frame[(frame["region"] == "示例区丙")].assign(region="示例区/丙")  # cannot name a folder
    pd.concat([frame, broken]).to_parquet(table, index=False)
    rebuild_manifest(table)
    out = tmp_path / "reports"

    done = run_fazhi(
        "batch", "--regions", "示例区丙", "示例区/丙", "--years", "2024", "--formats", "html",
        "--data", str(table), "--output-dir", str(out),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "失败 1" in done.stderr and "示例区/丙 2024" in done.stderr
    rows = {row["region"]: row for row in json.loads((out / "manifest.json").read_text(encoding="utf-8"))}
    assert rows["示例区丙"]["status"] == "done" and (out / rows["示例区丙"]["html"]).is_file()
    assert rows["示例区/丙"]["status"] == "failed"
    assert "地区名称不能用作文件夹" in rows["示例区/丙"]["error"] and rows["示例区/丙"]["html"] == ""


def test_unknown_region_is_bad_input(example_table: Path) -> None:
    with pytest.raises(batch.InputError, match="示例区庚"):
        batch.plan(pd.read_parquet(example_table), ["示例区庚"])


def test_dask_local_cluster_writes_the_same_html(chain: dict, example_table: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "reports"
    result = batch.run_batch(
        ["示例区丁"], [2022, 2024], workers=2, formats="html", executor="dask", output_dir=out,
        data_path=example_table, progress=False,
    )  # fmt: skip
    assert by_key(result) == {("示例区丁", 2022): "done", ("示例区丁", 2024): "done"}
    for key in [("示例区丁", 2022), ("示例区丁", 2024)]:
        assert (out / key[0] / str(key[1]) / "annual_report.html").read_bytes() == chain["first_html"][key]


def _dead_scratch() -> set[str]:
    """Temporary folders of this package whose process has ended."""
    names = set()
    for path in Path(tempfile.gettempdir()).glob("fazhi-*-*-*"):
        pid = re.match(r"fazhi-[a-z]+-(\d+)-", path.name)
        if pid and not psutil.pid_exists(int(pid[1])):
            names.add(path.name)
    return names


def _sigint_ignored() -> None:
    """``preexec_fn`` of a batch started in the background by a script: SIGINT ignored, as the shell passes it on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    ("signum", "started"),
    [(signal.SIGINT, as_in_a_terminal), (signal.SIGTERM, _sigint_ignored)],
    ids=["ctrl-c", "sigterm-in-the-background"],
)
def test_interrupted_batch_keeps_finished_reports_and_leaves_no_temporary_file(
    example_table: Path, tmp_path: Path, signum: int, started: Callable[[], None]
) -> None:
    """Stopped after its first report: by Ctrl-C, or by SIGTERM (a scheduler) when it runs with SIGINT ignored."""
    out = tmp_path / "reports"
    before = _dead_scratch()
    command = [sys.executable, "-m", "fazhi_analysis", "batch", "--years", "2024", "--formats", "html"]
    process = subprocess.Popen(
        [*command, "--data", str(example_table), "--output-dir", str(out)],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=started,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not (first := list(out.glob("*/2024/annual_report.html"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(rows) == 5 and {row["status"] for row in rows} <= {"done", "cancelled"}
    assert first and all(path.is_file() for path in first)  # what finished is kept, and listed below
    listed = {row[fmt] for row in rows for fmt in outputs.files() if row[fmt]}
    assert all((out / path).is_file() for path in listed)
    assert {p.relative_to(out).as_posix() for p in out.glob("*/2024/annual_report.html")} <= listed
    assert all(row["html"] for row in rows if row["status"] == "done")
    assert not temporary_files(out)
    assert _dead_scratch() <= before  # every worker removed its kernel's and its report's folders


@pytest.mark.system
def test_index_links_resolve_in_a_real_browser(chain: dict) -> None:
    out = chain["out"]
    chromium = pdf.find_chromium()
    dom = subprocess.run(
        [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", (out / "index.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    links = re.findall(r'<a href="([^"]+)"', dom)
    assert len(links) == 14
    for link in links:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc, link  # relative: opens from a file share or a zip
        target = (out / unquote(parts.path)).resolve()
        assert target.is_file() and target.is_relative_to(out.resolve()), link


def _read_until_closed(fd: int) -> str:
    """All a pseudo-terminal's program wrote, once the program closed it."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_progress_on_a_terminal_is_a_bar(example_table: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "fazhi_analysis", "batch", "--regions", "示例区甲", "--years", "2024"]
    command += ["--formats", "html", "--data", str(example_table), "--output-dir", str(tmp_path)]
    terminal, stderr = pty.openpty()
    fcntl.ioctl(stderr, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows × 100 columns
    with subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
    ) as process:
        os.close(stderr)
        shown = _read_until_closed(terminal)
        assert process.wait(timeout=600) == 0, shown
    assert re.search(r"100%\|.*\| 1/1 ", shown), shown  # tqdm's bar, full
    assert "[1/1]" not in shown  # no line per report beside it


def test_planning_a_batch_loads_no_kernel_client() -> None:
    """The modules that plan a batch and write its index (all a batch with nothing to make runs) import neither
    jupyter_client nor papermill: they load where a kernel starts (about 0.13 s of a cached run's 1.5 s)."""
    code = (
        "import sys, fazhi_analysis.cli, fazhi_analysis.analysis, fazhi_analysis.report.batch; "
        "print(sorted(set(sys.modules) & {'jupyter_client', 'zmq', 'papermill', 'nbformat', 'nbconvert'}))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
