"""The registries of output formats and report kinds: what is bundled, what another package adds through its entry
points (a fake plugin module and monkeypatched entry points, nothing installed), and a broken plugin skipped."""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Iterator
from dataclasses import replace
from importlib.metadata import EntryPoint
from pathlib import Path

import nbformat
import pytest

from fazhi_analysis import project
from fazhi_analysis.cli import main, make_parser
from fazhi_analysis.errors import InputError
from fazhi_analysis.report import kinds, notebook_api, outputs, plugins, run

PLUGIN = "fazhi_fake_plugin"  # the fake plugin package, put into sys.modules


def _write_typst(report: outputs.Rendered, path: Path) -> None:
    """The fake format: the report's title and the size of its page."""
    path.write_text(f"= {report.title}\n{report.page.stat().st_size}\n", encoding="utf-8")


TYPST = outputs.OutputFormat("typst", ".typ", "Typst 排版稿", _write_typst)
SUMMARY = kinds.ReportKind("summary", "摘要", "summary.ipynb", "summary/{year}", "{year}年摘要", ("year", "data_path"))


@pytest.fixture
def plugged(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fake distribution's entry points: a format, a report kind, and plugins that cannot be used."""
    module = types.ModuleType(PLUGIN)
    module.FORMAT, module.KIND, module.NOT_A_FORMAT = TYPST, SUMMARY, "typst"
    module.HTML = outputs.OutputFormat("html", ".htm", "另一个网页", _write_typst)
    monkeypatch.setitem(sys.modules, PLUGIN, module)
    points = [
        EntryPoint("typst", f"{PLUGIN}:FORMAT", outputs.GROUP),
        EntryPoint("broken", "fazhi_no_such_plugin:FORMAT", outputs.GROUP),
        EntryPoint("text", f"{PLUGIN}:NOT_A_FORMAT", outputs.GROUP),
        EntryPoint("html", f"{PLUGIN}:HTML", outputs.GROUP),
        EntryPoint("summary", f"{PLUGIN}:KIND", kinds.GROUP),
    ]
    monkeypatch.setattr(plugins, "entry_points", lambda group: [p for p in points if p.group == group])
    outputs.formats.cache_clear()
    kinds.kinds.cache_clear()
    yield
    outputs.formats.cache_clear()
    kinds.kinds.cache_clear()


def test_the_bundled_formats_and_kinds() -> None:
    assert list(outputs.formats()) == ["html", "pdf", "docx"] and outputs.defaults() == ("html", "pdf")
    assert list(outputs.files()) == ["html", "pdf", "docx", "ipynb"]
    assert list(kinds.kinds()) == ["annual", "overview"]
    docx = outputs.formats()["docx"]
    assert kinds.ANNUAL.offers(docx) and not kinds.OVERVIEW.offers(docx)  # the overview records no Word draft
    assert all(kind.bundled().is_file() for kind in kinds.kinds().values())
    with pytest.raises(InputError, match="annual, overview"):
        kinds.get("monthly")


def test_a_plugin_adds_a_format_and_a_kind_and_broken_ones_are_named_and_skipped(plugged, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="fazhi_analysis"):
        assert list(outputs.formats()) == ["html", "pdf", "docx", "typst"]
        assert outputs.formats()["html"].suffix == ".html"  # a plugin never replaces a bundled format
    said = caplog.text
    assert "插件无法加载，已跳过 / plugin skipped, it failed to load" in said and "fazhi_no_such_plugin:FORMAT" in said
    assert f"{PLUGIN}:NOT_A_FORMAT" in said and "is no OutputFormat" in said
    assert "html" in said and "takes a name already held" in said
    assert list(kinds.kinds()) == ["annual", "overview", "summary"] and kinds.get("summary") is SUMMARY
    assert [fmt.name for fmt in outputs.parse("typst,html")] == ["html", "typst"]


def test_the_cli_offers_a_plugins_format_and_kind(plugged, capsys) -> None:
    parser = make_parser()
    args = parser.parse_args(["report", "--kind", "summary", "--year", "2024", "--formats", "typst,html"])
    assert (args.kind, args.formats) == ("summary", ("html", "typst"))
    assert parser.parse_args(["batch", "--kinds", "annual", "summary"]).kinds == ["annual", "summary"]
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "--help"])
    shown = capsys.readouterr().out
    assert "typst（Typst 排版稿）" in shown and "summary（摘要）" in shown and "docx（Word 初稿）" in shown
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(["report", "--year", "2024", "--formats", "ofd"])
    assert refused.value.code == 2 and "未知格式 / unknown format: ofd" in capsys.readouterr().err


def test_publish_writes_a_plugins_format(plugged, example_table: Path, tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('region = ""\nyear = 0\ndata_path = ""\ncompare_year = None\npeers = ""')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_markdown_cell("# 插件格式 / a plugin's format")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata[notebook_api.KEY] = {"api": notebook_api.API_VERSION}
    nbformat.write(notebook, tmp_path / "report.ipynb")
    here = project.Project(tmp_path)
    job = run.job_of(kinds.ANNUAL, "示例区甲", 2024, output_dir=tmp_path / "out", data_path=example_table,
                     notebook=tmp_path / "report.ipynb", here=here)  # fmt: skip
    paths = run.publish(job, "typst", here)
    assert set(paths) == {"ipynb", "typst"} and paths["typst"].name == "annual_report.typ"
    title, size = paths["typst"].read_text(encoding="utf-8").splitlines()
    assert title == "= 示例区甲2024年度法治政府建设情况报告（数据分析）" and int(size) > 1000


def test_customize_copies_a_plugin_kinds_notebook_and_doctor_follows_it(monkeypatch, tmp_path: Path) -> None:
    package = tmp_path / "site" / "fazhi_fake_kinds"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "summary.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8")
    monkeypatch.syspath_prepend(str(package.parent))
    monkeypatch.setitem(sys.modules, PLUGIN, types.SimpleNamespace(KIND=replace(SUMMARY, package=package.name)))
    point = EntryPoint("summary", f"{PLUGIN}:KIND", kinds.GROUP)
    monkeypatch.setattr(plugins, "entry_points", lambda group: [point] if group == kinds.GROUP else [])
    kinds.kinds.cache_clear()
    try:
        root = tmp_path / "p"
        assert main(["init", str(root)]) == 0
        assert main(["customize", "notebook", "--project", str(root)]) == 0
        copied = sorted(p.name for p in (root / "notebooks").glob("*.ipynb"))
        assert copied == ["annual_report.ipynb", "explore.ipynb", "regional_overview.ipynb", "summary.ipynb"]
        assert project.stamp_of(root / "notebooks" / "summary.ipynb") is not None
        (package / "summary.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()) + "\n", encoding="utf-8")
        changed = [s.path.name for s in project.shadows(root, kinds.notebooks()) if s.status == "changed"]
        assert changed == ["summary.ipynb"]  # the plugin's notebook changed since it was copied
    finally:
        kinds.kinds.cache_clear()


def test_the_projects_default_report_notebooks_are_the_bundled_kinds(tmp_path: Path) -> None:
    """project's default (for callers without the registry) names what the bundled report kinds ship."""
    copied = project.customize(tmp_path, "notebook")
    assert sorted(p.name for p in copied) == sorted(kinds.notebooks())
    assert all(p.read_bytes() != b"" and project.stamp_of(p) is not None for p in copied)
