"""Warm workers: one kept kernel for many reports, made as new after each; a dead kernel replaced, the job run again.

The example table (示例区甲…戊, 2021–2024) is rendered in one kept session and again, report by report, each in a
fresh kernel (``run_report``, what ``fazhi report`` does): the pages are the same bytes.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import nbformat
import pytest
from jupyter_client.blocking import BlockingKernelClient

from fazhi_analysis import project
from fazhi_analysis.report import notebook_api, run, workers
from fazhi_analysis.report import session as session_module
from fazhi_analysis.report.kinds import ANNUAL, OVERVIEW
from fazhi_analysis.report.session import Session

pytestmark = pytest.mark.slow  # every test here starts kernels

JOBS = [("示例区甲", 2024), ("示例区乙", 2023), (None, 2024), ("示例区丁", 2022)]  # None: the overview


def _job(region: str | None, year: int, out: Path, table: Path) -> run.Job:
    return run.job_of(ANNUAL if region else OVERVIEW, region, year, output_dir=out, data_path=table)


def test_a_warm_kernel_writes_the_same_html_as_a_fresh_one(example_table: Path, tmp_path: Path) -> None:
    here = project.find()
    warm, fresh = tmp_path / "warm", tmp_path / "fresh"
    with Session(here.root, ANNUAL.preload, browser=False) as session:
        for region, year in JOBS:
            run.publish(_job(region, year, warm, example_table), "html", here, session)
    for region, year in JOBS:
        job = _job(region, year, fresh, example_table)
        run.publish(job, "html", here)
        kept = (warm / job.target.relative_to(fresh) / f"{job.kind.stem}.html").read_bytes()
        assert kept == (job.target / f"{job.kind.stem}.html").read_bytes(), (region, year)


def _kernel_state(session: Session, code: str) -> dict:
    """``code`` run in the session's kernel as it is now; its value read back as JSON."""
    client = BlockingKernelClient(**session._manager.get_connection_info(session=True))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(
            "import json as _j", user_expressions={"out": code}, timeout=60, output_hook=lambda msg: None
        )
    finally:
        client.stop_channels()
    return json.loads(reply["content"]["user_expressions"]["out"]["data"]["text/plain"].strip("'"))


def test_prepare_clears_the_namespace_figures_rc_and_garbage_and_keeps_the_modules(tmp_path: Path) -> None:
    with Session(tmp_path, "import pandas", browser=False) as session:
        kernel = session.kernel()
        boot_frozen = _kernel_state(session, "_j.dumps(__import__('gc').get_freeze_count())")
        client = BlockingKernelClient(**kernel.get_connection_info(session=True))
        client.start_channels()
        client.wait_for_ready(timeout=60)
        dirty = (
            "import os, matplotlib, matplotlib.pyplot as plt\n"
            "leftover = 1\nmatplotlib.rcParams['font.size'] = 31\nplt.figure()\nos.chdir('/')\n"
            "import pandas\npandas.set_option('mode.string_storage', 'pyarrow')\n"
            "import sys, types, weakref\nclass Cycle: pass\ncycle = Cycle(); cycle.me = cycle\n"
            "sys.modules['_probe'] = types.SimpleNamespace(cycle=weakref.ref(cycle))"  # garbage only in a cycle
        )
        assert client.execute_interactive(dirty, timeout=60, output_hook=lambda m: None)["content"]["status"] == "ok"
        client.stop_channels()
        session.kernel()  # made as new
        state = _kernel_state(
            session,
            "_j.dumps({'leftover': 'leftover' in globals(), 'size': __import__('matplotlib').rcParams['font.size'],"
            " 'figures': len(__import__('sys').modules['matplotlib.pyplot'].get_fignums()),"
            " 'pandas': 'pandas' in __import__('sys').modules, 'cwd': __import__('os').getcwd(),"
            " 'cycle': __import__('sys').modules['_probe'].cycle() is None,"
            " 'strings': __import__('pandas').array(['a'], dtype='string').dtype.storage})",
        )
        frozen = _kernel_state(session, "_j.dumps(__import__('gc').get_freeze_count())")
    assert state == {
        "leftover": False, "size": 10.0, "figures": 0, "pandas": True, "cwd": str(tmp_path), "cycle": True,
        "strings": "python",
    }  # fmt: skip
    assert 0 < frozen <= boot_frozen  # the imports' objects frozen as it booted (some freed since), no report's


def test_a_new_kernel_boots_as_new_and_a_kept_one_is_reset_once_its_report_ran(tmp_path: Path, monkeypatch) -> None:
    resets = []
    start_reset = Session._start_reset
    monkeypatch.setattr(Session, "_start_reset", lambda self: resets.append(1) or start_reset(self))
    with Session(tmp_path, "import pandas", browser=False) as session:
        session.kernel()
        assert resets == []  # prepared as it booted: no round trip before the first report
        client = BlockingKernelClient(**session._manager.get_connection_info(session=True))
        client.start_channels()
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive("leftover = 1", timeout=60, output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok"
        client.stop_channels()
        session.report_ran()  # the reset starts now, while the caller would export and print
        assert resets == [1]
        assert _kernel_state(session, "_j.dumps('leftover' in globals())") is False  # done without kernel()
        session.kernel()
        assert resets == [1]  # waited for, not sent again


def test_a_killed_kernel_is_replaced_before_the_next_report(tmp_path: Path) -> None:
    with Session(tmp_path, "", browser=False) as session:
        first = session.kernel().provisioner.process.pid
        os.kill(first, signal.SIGKILL)
        second = session.kernel().provisioner.process.pid
        assert second != first and session._manager.is_alive()


def test_a_kernel_that_stops_answering_is_replaced(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(session_module, "READY_TIMEOUT_S", 15.0)  # still ample for the new kernel's boot
    with Session(tmp_path, "", browser=False) as session:
        hung = session.kernel().provisioner.process
        os.kill(hung.pid, signal.SIGSTOP)  # alive, but deaf
        replaced = session.kernel().provisioner.process
        assert replaced.pid != hung.pid and session._manager.is_alive()
        assert hung.wait(timeout=10) is not None  # the deaf one was shut down, not left behind


def test_a_new_kernel_that_does_not_answer_is_replaced_once_then_given_up(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(session_module, "READY_TIMEOUT_S", 4.0)
    with Session(tmp_path, "import time; time.sleep(60)", browser=False) as session:  # boots, but never answers
        first = session._manager.provisioner.process
        with pytest.raises(session_module.KernelFault, match="did not answer"):
            session.kernel()
        assert first.wait(timeout=10) is not None and session._manager is None  # neither was left behind


def test_a_kernel_grown_too_large_is_replaced_before_the_next_report(tmp_path: Path, monkeypatch) -> None:
    with Session(tmp_path, "", browser=False) as session:
        first = session.kernel().provisioner.process.pid
        assert session.kernel().provisioner.process.pid == first  # kept while it is small
        monkeypatch.setattr(session_module, "KERNEL_MAX_MB", session.kernel_mb() - 1)
        assert session.kernel().provisioner.process.pid != first


def _dying_project(root: Path, deaths: int) -> Path:
    """A project whose report notebook kills its kernel the first ``deaths`` times it runs (counted in
    ``<table>.runs``, a line a run)."""
    (root / "data" / "raw").mkdir(parents=True)
    (root / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell(
        'region = ""\nyear = 0\ndata_path = ""\ncompare_year = None\npeers = "default"'
    )
    parameters.metadata["tags"] = ["parameters"]
    dies = nbformat.v4.new_code_cell(
        "import os, pathlib\nruns = pathlib.Path(data_path + '.runs')\n"
        "with runs.open('a') as f:\n    f.write('run\\n')\n"
        f"if len(runs.read_text().splitlines()) <= {deaths}:\n    os._exit(1)\nprint('第二次 / second run')"
    )
    nb.cells = [parameters, dies]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata[notebook_api.KEY] = {"api": notebook_api.API_VERSION}
    nbformat.write(nb, root / "notebooks" / "annual_report.ipynb")
    return root / "table.parquet"


def _render_dying(tmp_path: Path, monkeypatch, deaths: int) -> tuple[dict, Path]:
    """``workers.render_job`` of a report whose kernel dies the first ``deaths`` times; its result and table."""
    table = _dying_project(tmp_path / "project", deaths)
    spec = {
        "kind": "annual", "region": "甲区", "year": 2024, "formats": ["html"], "key": "k" * 64,
        "output_dir": str(tmp_path / "reports"), "data_path": str(table), "project": str(tmp_path / "project"),
        "peers": "default", "batch": "test",
    }  # fmt: skip
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path / "project"))
    try:
        return workers.render_job(spec), table
    finally:
        workers._close_sessions()


def _runs(table: Path) -> int:
    return len(Path(str(table) + ".runs").read_text().splitlines())


def test_a_job_whose_kernel_died_is_run_once_more_on_a_new_kernel(tmp_path: Path, monkeypatch) -> None:
    result, table = _render_dying(tmp_path, monkeypatch, deaths=1)
    assert result["status"] == "done", result["error"]
    assert _runs(table) == 2  # the first run died
    folder = tmp_path / "reports" / "甲区" / "2024"
    assert "第二次" in (folder / "annual_report.html").read_text(encoding="utf-8")
    assert (folder / "annual_report.inputs.sha256").read_text(encoding="utf-8").strip() == "k" * 64


def test_a_job_whose_kernel_dies_again_fails_after_one_retry(tmp_path: Path, monkeypatch) -> None:
    result, table = _render_dying(tmp_path, monkeypatch, deaths=3)
    assert result["status"] == "failed" and "内核意外退出" in result["error"], result
    assert _runs(table) == 2  # retried once, not more
    assert not (tmp_path / "reports" / "甲区" / "2024" / "annual_report.html").exists()


@pytest.mark.system
def test_one_session_prints_several_pdfs_with_one_browser(example_table: Path, tmp_path: Path) -> None:
    here = project.find()
    with Session(here.root, ANNUAL.preload) as session:
        browser = session.browser()
        for region, year in JOBS[:2]:
            paths = run.publish(_job(region, year, tmp_path, example_table), "html,pdf", here, session)
            assert paths["pdf"].read_bytes().startswith(b"%PDF")
        assert session.browser() is browser
