"""The notebook API's version: recorded by the bundled notebooks and their copies, and a project's copy of another
version refused, with the file named and what to do, before any kernel starts (no kernel is started here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fazhi_analysis import doctor, project
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import batch, kinds, notebook_api, run

BUNDLED = Path(notebook_api.__file__).parent


def _copy_of(root: Path, api: object) -> Path:
    """A project at ``root`` with a customized annual notebook recording ``api`` (None: nothing, as before versions)."""
    project.init(root, customized=True)
    path = root / "notebooks" / kinds.ANNUAL.notebook
    notebook = json.loads(path.read_text(encoding="utf-8"))
    entry = notebook["metadata"][notebook_api.KEY]
    if api is None:
        del entry["api"]
    else:
        entry["api"] = api
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["annual_report.ipynb", "regional_overview.ipynb", "explore.ipynb"])
def test_the_bundled_notebooks_record_the_api_version(name: str) -> None:
    assert notebook_api.version_of(BUNDLED / name) == notebook_api.API_VERSION


def test_a_fresh_copy_records_the_version_and_runs(tmp_path: Path) -> None:
    project.init(tmp_path, customized=True)
    here = project.Project(tmp_path)
    assert run.notebook_of(here, kinds.ANNUAL) == tmp_path / "notebooks" / "annual_report.ipynb"
    assert project.stamp_of(here.notebooks / "annual_report.ipynb")["version"]  # the stamp kept beside it
    assert notebook_api.version_of(here.notebooks / "regional_overview.ipynb") == notebook_api.API_VERSION


@pytest.mark.parametrize("api", [None, 0, "1"])
def test_an_older_copy_is_refused_naming_the_file_and_what_to_do(tmp_path: Path, api: object) -> None:
    path = _copy_of(tmp_path, api)
    here = project.Project(tmp_path)
    with pytest.raises(InputError) as refused:
        run.job_of(kinds.ANNUAL, "达坂城区", 2024, here=here)
    said = str(refused.value)
    assert str(path) in said and "fazhi customize notebook" in said and "删除此文件" in said and "Delete it" in said
    with pytest.raises(InputError, match="fazhi customize notebook"):  # as fazhi batch checks before its workers
        run.notebook_of(here, kinds.ANNUAL)
    assert run.notebook_of(here, kinds.OVERVIEW).name == "regional_overview.ipynb"  # its own copy is current
    assert "[笔记本接口 / notebook API]" in doctor.diagnose(tmp_path)[0]


def test_a_copy_for_a_newer_package_asks_for_an_upgrade(tmp_path: Path) -> None:
    _copy_of(tmp_path, notebook_api.API_VERSION + 1)
    with pytest.raises(InputError, match="请升级"):
        run.job_of(kinds.ANNUAL, "达坂城区", 2024, here=project.Project(tmp_path))


def test_batch_refuses_an_older_copy_before_any_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_of(tmp_path, None)
    monkeypatch.setattr(batch, "run_local", lambda *a: pytest.fail("a worker was started"))
    with pytest.raises(InputError, match="fazhi customize notebook"):
        batch.run_batch(here=project.Project(tmp_path), progress=False)
