"""Project folders: found from the working directory, made by `fazhi init`, extending the bundled catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_fazhi
from report_data import REGION, YEAR, with_prior_year

import fazhi_analysis
from fazhi_analysis import doctor, project
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import facts, narrative
from fazhi_analysis.report.kinds import ANNUAL
from fazhi_analysis.table import catalog


@pytest.fixture
def made(tmp_path, monkeypatch) -> Path:
    """A project made by `fazhi init`, as the working directory, with no FAZHI_ROOT set."""
    monkeypatch.delenv(project.ROOT_ENV, raising=False)
    root = tmp_path / "我的项目"
    project.init(root)
    monkeypatch.chdir(root)
    return root


def test_init_makes_the_folders_and_copies_no_bundled_template_or_notebook(tmp_path) -> None:
    root = tmp_path / "p"
    created = project.init(root)
    for part in ("data/raw", "data/processed", "reports", "notebooks/explore.ipynb", "catalog.yaml", "targets.yaml"):
        assert root / part in created and (root / part).exists()
    assert not (root / "templates").exists() and not (root / "notebooks" / "annual_report.ipynb").exists()
    assert project.stamp_of(root / "notebooks" / "explore.ipynb")["version"] == fazhi_analysis.__version__
    (root / "catalog.yaml").write_text("# edited\n", encoding="utf-8")
    assert project.init(root) == []
    assert (root / "catalog.yaml").read_text(encoding="utf-8") == "# edited\n"


def test_customized_copies_record_the_version_and_the_file_they_came_from(tmp_path) -> None:
    root = tmp_path / "p"
    created = project.init(root, customized=True)
    phrases, notebook = root / "templates" / "narrative" / "phrases.yaml", root / "notebooks" / "annual_report.ipynb"
    assert {phrases, notebook, root / "notebooks" / "regional_overview.ipynb"} <= set(created)
    bundled = Path(narrative.__file__).parent / "templates" / "narrative" / "phrases.yaml"
    stamp = project.stamp_of(phrases)
    assert stamp == {"version": fazhi_analysis.__version__, "sha256": project.digest(bundled.read_bytes())}
    assert phrases.read_bytes().endswith(bundled.read_bytes())  # the bundled text after one comment line
    assert project.stamp_of(notebook)["sha256"] == project.digest(ANNUAL.bundled().read_bytes())
    assert project.customize(root, "templates") == []  # what the project has is kept
    assert {s.status for s in project.shadows(root)} == {"current"}
    with pytest.raises(InputError, match="templates, notebook"):
        project.customize(root, "catalog")


def test_a_customized_template_is_read_as_its_bundled_one(made) -> None:
    project.customize(made, "templates")
    found = facts.gather(with_prior_year(), REGION, YEAR)
    assert narrative.chapter(found, "disputes").startswith('<section class="chapter"')  # no stamp in the page
    assert narrative.phrases()["default"]["count"] == "{{ name }}{{ figure }}"


def test_project_is_found_from_the_working_directory_or_above(made, monkeypatch) -> None:
    assert project.find().root == made
    (made / "reports" / "deep").mkdir()
    monkeypatch.chdir(made / "reports" / "deep")
    assert project.find().root == made
    assert project.find("/srv/other").root == Path("/srv/other").resolve()
    monkeypatch.setenv(project.ROOT_ENV, "/srv/elsewhere")
    assert project.find().table == Path("/srv/elsewhere/data/processed/indicators.parquet").resolve()


def test_without_a_project_the_working_directory_is_one(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(project.ROOT_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert project.find().root == tmp_path.resolve()


def test_project_catalog_adds_aliases_and_indicators(made) -> None:
    (made / "catalog.yaml").write_text(
        "indicators:\n"
        "  - {id: disputes.reconsideration_applications, aliases: [复议来件]}\n"
        "  - {id: disputes.hotline_calls, section: disputes, name: 法律援助热线接听, unit: 次, kind: count}\n",
        encoding="utf-8",
    )
    table = catalog.indicators()
    aliases = table.loc["disputes.reconsideration_applications", "aliases"]
    assert "复议来件" in aliases and len(aliases) > 1  # added to the bundled aliases, not replacing them
    assert table.loc["disputes.hotline_calls", "name"] == "法律援助热线接听"
    assert table.loc["disputes.reconsideration_applications", "unit"] == "件"


def test_one_loader_finds_the_project_copy_or_the_bundled_file(tmp_path) -> None:
    here = project.Project(tmp_path)
    bundled = project.bundled_file("templates/narrative/phrases.yaml")
    assert bundled.is_file() and here.layers("templates/narrative/phrases.yaml") == (bundled,)
    own = tmp_path / "templates" / "narrative" / "phrases.yaml"
    own.parent.mkdir(parents=True)
    own.write_text("a: 本地\n", encoding="utf-8")
    assert here.layers("templates/narrative/phrases.yaml") == (bundled, own)
    assert here.file("templates/narrative/phrases.yaml") == own and here.file("deadlines.yaml").is_file()
    with pytest.raises(InputError, match="a project cannot override: notes.yaml"):
        here.file("notes.yaml")


def test_a_project_has_its_catalog(tmp_path) -> None:
    here = project.Project(tmp_path)
    assert catalog.of(here) is catalog.of(project.Project(tmp_path)) and catalog.of(here).extra is None
    (tmp_path / "catalog.yaml").write_text("indicators:\n  - {id: disputes.reconsideration_applications, aliases: "
                                           "[复议来件]}\n", encoding="utf-8")  # fmt: skip
    assert catalog.of(here).extra == tmp_path / "catalog.yaml"
    assert "复议来件" in catalog.indicators(catalog.of(here)).at["disputes.reconsideration_applications", "aliases"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("indicators:\n  - {id: x.y, name: 无方面}\n", "（x.y）: section: 缺少此项 / missing"),
        ("indicators:\n  - {id: x.y, section: nowhere, name: 名, unit: 件, kind: count}\n", "unknown section"),
        ("colours: [red]\n", "colours: 未知的项 / unknown entry"),
        ("indicators: [\n", "invalid YAML"),
    ],
)
def test_bad_project_catalog_names_the_file(made, text, message) -> None:
    (made / "catalog.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        catalog.indicators()
    assert str(made / "catalog.yaml") in str(err.value)


def test_project_wording_wins_over_the_bundled(made) -> None:
    chapter = made / "templates" / "narrative" / "chapter.html.j2"
    chapter.parent.mkdir(parents=True)
    chapter.write_text("<section>本地模板 {{ heading }}</section>", encoding="utf-8")
    found = facts.gather(with_prior_year(), REGION, YEAR)
    assert narrative.chapter(found, "disputes").startswith("<section>本地模板 ")
    chapter.unlink()  # a file the project lacks comes from the package
    assert "<table" in narrative.chapter(found, "disputes")


def test_cli_init_then_build_in_the_new_project(tmp_path) -> None:
    root = tmp_path / "新项目"
    made = run_fazhi("init", str(root))
    assert made.returncode == 0 and Path(made.stdout.strip()) == root.resolve()
    (root / "data" / "raw" / "seed.txt").write_bytes(
        Path(__file__).parents[1].joinpath("data/raw/dabancheng_2024_report.txt").read_bytes()
    )
    built = run_fazhi("build", "--project", str(root), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (root / "data" / "processed" / "indicators.parquet").is_file()


def test_doctor_names_copies_an_upgrade_changed_and_what_to_install(tmp_path) -> None:
    root = tmp_path / "p"
    project.init(root, customized=True)
    phrases = root / "templates" / "narrative" / "phrases.yaml"
    text = phrases.read_text(encoding="utf-8")
    older = re.sub(r"fazhi-analysis \S+ sha256:[0-9a-f]{64}", "fazhi-analysis 0.0.9 sha256:" + "0" * 64, text, count=1)
    phrases.write_text(older, encoding="utf-8")  # as if copied from an older bundled file
    chapter = root / "templates" / "narrative" / "chapter.html.j2"
    chapter.write_bytes(chapter.read_bytes().split(b"\n", 1)[1])  # unstamped, as the bundled one
    (root / "templates" / "narrative" / "title.html.j2").write_text("<h1>自写</h1>", encoding="utf-8")
    text, code = doctor.diagnose(root)
    assert code == 0 and "报告可以运行" in text
    assert "templates/narrative/phrases.yaml：内置文件自 0.0.9 版复制以来已更新" in text
    assert "templates/narrative/chapter.html.j2：与内置文件相同：可删除" in text
    assert "templates/narrative/title.html.j2：复制时未记录版本（或为手写）" in text
    assert "overview.html.j2" not in text  # a current copy is not listed
    result = run_fazhi("doctor", "--project", str(root), cwd=tmp_path, env={"FAZHI_CHROMIUM": "/nonexistent/chrome"})
    assert result.returncode == 1 and "报告无法运行" in result.stdout
    assert "[缺少] Chromium" in result.stdout and "sudo apt-get install -y chromium-headless-shell" in result.stdout


def test_doctor_names_a_report_notebook_that_records_no_word_draft(tmp_path) -> None:
    root = tmp_path / "p"
    project.init(root)
    (root / "notebooks" / "annual_report.ipynb").write_text('{"cells": [], "metadata": {}}', encoding="utf-8")
    text, _ = doctor.diagnose(root)
    assert "notebooks/annual_report.ipynb 不记录 Word 初稿" in text


def test_doctor_names_a_report_notebook_that_reads_no_saved_sentences(tmp_path) -> None:
    root = tmp_path / "p"
    project.init(root)
    project.customize(root, "notebook")
    assert "原文句子" not in doctor.diagnose(root)[0]  # the bundled notebook reads them
    notebook = root / "notebooks" / "annual_report.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("load_sentences", "x"), encoding="utf-8")
    assert "notebooks/annual_report.ipynb 不读取构建保存的原文句子" in doctor.diagnose(root)[0]


def test_customize_and_explore_on_the_command_line(tmp_path) -> None:
    root = tmp_path / "p"
    project.init(root)
    (root / "notebooks" / "explore.ipynb").unlink()
    result = run_fazhi("explore", "--no-open", "--project", str(root), cwd=tmp_path)
    assert result.returncode == 0 and Path(result.stdout.strip()) == root / "notebooks" / "explore.ipynb"
    assert "已复制" in result.stderr and project.stamp_of(root / "notebooks" / "explore.ipynb") is not None
    again = run_fazhi("explore", "--no-open", "--project", str(root), cwd=tmp_path)
    assert "已有" in again.stderr
    made = run_fazhi("customize", "notebook", "--project", str(root), cwd=tmp_path)
    assert made.returncode == 0 and "+ notebooks/annual_report.ipynb" in made.stderr
    other = tmp_path / "q"
    assert run_fazhi("init", str(other), "--customize").returncode == 0
    stamp = project.stamp_of(other / "templates" / "narrative" / "phrases.yaml")
    assert stamp is not None and stamp["version"] == fazhi_analysis.__version__


def test_outside_a_project_the_hint_names_fazhi_init(tmp_path) -> None:
    for args in (("build",), ("report", "--region", "甲区", "--year", "2024"), ("explore",)):
        result = run_fazhi(*args, cwd=tmp_path, env={project.ROOT_ENV: ""})
        assert result.returncode == 2 and "fazhi init" in result.stderr, (args, result.stderr)
