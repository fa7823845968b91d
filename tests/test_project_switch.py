"""Switching projects in one process (a notebook, a worker, a test): each sees its own catalog, never a cached other.

Project A has the bundled catalog; project B's ``catalog.yaml`` gives an indicator an alias the bundled one
lacks. Whatever is built from a catalog (matching choices, the extraction index, the cleaning arrays) is cached
on the catalog, keyed by its content, so B's alias is seen everywhere after A was used, and A is itself again.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pandas as pd
import pytest

from fazhi_analysis import project
from fazhi_analysis.ingest.clean import clean_frame
from fazhi_analysis.ingest.extract import extract_text
from fazhi_analysis.ingest.match import match_one
from fazhi_analysis.table import catalog

INDICATOR = "disputes.reconsideration_applications"
ALIAS = "复议来件登记"  # B's own alias: no bundled name or alias is near it
TEXT = "甲县人民政府2024年度法治政府建设情况报告\n（五）行政复议\n全年复议来件登记46件。"


@pytest.fixture
def projects(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """Projects A (the bundled catalog) and B (an alias of its own), neither the working directory yet."""
    monkeypatch.delenv(project.ROOT_ENV, raising=False)
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        (root / "data" / "raw").mkdir(parents=True)
    (b / "catalog.yaml").write_text(f"indicators:\n  - {{id: {INDICATOR}, aliases: [{ALIAS}]}}\n", encoding="utf-8")
    return a, b


def _seen(cat: catalog.Catalog | None = None) -> dict[str, object]:
    """What each stage makes of B's alias under ``cat`` (None: the working project's catalog)."""
    cleaned = clean_frame(pd.DataFrame([["指标名称", "2024年"], [ALIAS, "46"]]), region="甲县")
    figures = extract_text(TEXT, cat=cat)
    return {
        "catalog": ALIAS in catalog.indicators(cat).at[INDICATOR, "aliases"],
        "match": match_one(ALIAS, cat=cat)[0],
        "clean": cleaned.table["indicator"].tolist() if cat is None else None,
        "extract": figures["indicator"].dropna().tolist(),
    }


def test_each_project_sees_its_own_catalog_in_one_process(projects, monkeypatch) -> None:
    a, b = projects
    of_a = {"catalog": False, "match": None, "clean": [], "extract": []}
    of_b = {"catalog": True, "match": INDICATOR, "clean": [INDICATOR], "extract": [INDICATOR]}
    for root, expected in ((a, of_a), (b, of_b), (a, of_a)):
        monkeypatch.chdir(root)
        assert _seen() == expected, root.name


def test_a_catalog_passed_wins_over_the_working_project(projects, monkeypatch) -> None:
    a, b = projects
    monkeypatch.chdir(a)
    in_b = catalog.of(project.Project(b))
    assert _seen(in_b)["match"] == INDICATOR and _seen()["match"] is None
    assert _seen(in_b)["extract"] == [INDICATOR] and _seen()["extract"] == []
    assert catalog.of(project.Project(a)) == catalog.current() != in_b


def test_a_catalog_is_keyed_by_content_and_travels_without_its_caches(projects) -> None:
    a, b = projects
    in_b, built = catalog.of(project.Project(b)), []

    @catalog.per_catalog
    def size(cat: catalog.Catalog) -> int:
        built.append(cat)
        return len(cat.indicators)

    assert size(in_b) == size(catalog.of(project.Project(b))) and built == [in_b]  # built once per catalog
    sent = pickle.dumps(in_b)
    assert len(sent) < 1000 and pickle.loads(sent) is in_b  # the content's key and file, not what was built
    (b / "catalog.yaml").write_text(f"indicators:\n  - {{id: {INDICATOR}, aliases: [另一别名]}}\n", encoding="utf-8")
    edited = catalog.of(project.Project(b))
    assert edited != in_b and match_one(ALIAS, cat=edited)[0] is None
    assert catalog.of(project.Project(a)).extra is None


def test_the_cli_project_is_passed_not_written_to_the_environment(projects, monkeypatch, capsys) -> None:
    from fazhi_analysis.cli import main

    a, b = projects
    monkeypatch.chdir(a)
    assert main(["catalog", "--project", str(b), "--format", "csv"]) == 0
    assert ALIAS in capsys.readouterr().out
    assert project.ROOT_ENV not in os.environ and project.find().root == a.resolve()  # A again, after the command
    with project.use(project.Project(b)):
        assert project.find().root == b and match_one(ALIAS)[0] == INDICATOR
    assert match_one(ALIAS)[0] is None


def test_a_build_given_a_project_reads_its_folders_with_its_catalog(projects, monkeypatch) -> None:
    from fazhi_analysis import build

    a, b = projects
    (b / "data" / "raw" / "甲县2024.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(a)
    table, _, _ = build.build_checked(quiet=True, here=project.Project(b))
    assert table["indicator"].dropna().tolist() == [INDICATOR]
    assert (b / "data" / "processed" / "indicators.parquet").is_file() and not (a / "data" / "processed").exists()
    assert project.find().root == a.resolve()
