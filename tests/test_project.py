"""Project folders: found from the working directory, made by `fazhi init`, extending the bundled catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_fazhi
from report_data import REGION, YEAR, with_prior_year

from fazhi_analysis import project
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import facts, narrative
from fazhi_analysis.table import catalog


@pytest.fixture
def made(tmp_path, monkeypatch) -> Path:
    """A project made by `fazhi init`, as the working directory, with no FAZHI_ROOT set."""
    monkeypatch.delenv(project.ROOT_ENV, raising=False)
    root = tmp_path / "我的项目"
    project.init(root)
    monkeypatch.chdir(root)
    return root


def test_init_makes_the_folders_and_editable_copies_and_keeps_what_exists(tmp_path) -> None:
    root = tmp_path / "p"
    created = project.init(root)
    for part in (
        "data/raw",
        "data/processed",
        "reports",
        "notebooks/annual_report.ipynb",
        "templates/narrative/phrases.yaml",
        "templates/narrative/chapter.html.j2",
        "catalog.yaml",
        "targets.yaml",
    ):
        assert root / part in created and (root / part).exists()
    (root / "templates" / "narrative" / "phrases.yaml").write_text("edited", encoding="utf-8")
    assert project.init(root) == []
    assert (root / "templates" / "narrative" / "phrases.yaml").read_text(encoding="utf-8") == "edited"


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
