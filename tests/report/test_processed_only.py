"""A report reads only data/processed/ (issue 21): built, then rendered with data/raw/ gone, it still quotes each
figure's sentence and the report text's own 不足 and 安排, as the bundled notebook's calls render them."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEED
from report_data import REGION, YEAR

import fazhi_analysis.report
from fazhi_analysis import analysis, build, project
from fazhi_analysis.ingest import parts as report_parts
from fazhi_analysis.ingest import sources as report_sources
from fazhi_analysis.report import docx_content, facts, narrative, word_draft
from fazhi_analysis.table import manifest


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project built from the seed whose data/raw/ was then moved away (a shipped or archived project)."""
    project.init(tmp_path)
    here = project.find(tmp_path)
    shutil.copy(SEED, here.raw / SEED.name)
    build.build_checked(raw_dir=here.raw, processed_dir=here.processed, quiet=True)
    here.raw.rename(tmp_path / "raw-moved")
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return here.table


def test_without_data_raw_the_report_quotes_the_sentences_and_the_own_words(shipped: Path) -> None:
    table = analysis.load_table(shipped)  # the notebook's calls, in its order
    found = facts.gather(table, REGION, YEAR)
    parts = report_parts.load_parts(shipped)
    sentences = report_sources.load_sentences(shipped)
    assert "为1421名工人追回欠薪<mark>1547.16万元</mark>" in (
        appendix := narrative.sources_appendix(table, REGION, YEAR, sentences)
    )
    assert appendix.count("<mark>") == 71
    assert 'href="#own-words"' in narrative.title(found, parts)
    own = narrative.own_words(found, parts)
    assert "二、存在的不足" in own and "三、2025年工作安排" in own and "落实行政执法“三项制度”不够规范" in own
    draft = word_draft.compose(found, parts, drawn={})
    quoted = "".join(b.text for b in draft.blocks if b.kind == docx_content.TEXT)
    assert "落实行政执法“三项制度”不够规范" in quoted and "聚焦强化法治思维" in quoted  # 不足 and 安排, not 【待补充】


def test_sentences_are_trusted_only_as_one_build_with_the_table(shipped: Path) -> None:
    assert len(report_sources.load_sentences(shipped))
    pd.read_parquet(shipped).head(3).to_parquet(shipped, index=False)  # a killed build's table: not this one's
    assert not manifest.same_build(shipped, shipped.with_name("sentences.parquet"))
    assert report_sources.load_sentences(shipped).empty
    assert list(report_sources.load_sentences(shipped).columns) == list(report_sources.COLUMNS)


FORMAT_TABLE = "fazhi_analysis.ingest.inputs"  # the table of input formats (names, kinds): it reads nothing


def test_no_report_module_imports_a_reader_of_the_inputs() -> None:
    """The report's modules import nothing of ``fazhi_analysis.ingest`` (which reads data/raw/) and take no raw
    folder (a name or argument ``raw_dir``)."""
    for path in Path(fazhi_analysis.report.__file__).parent.glob("*.py"):
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
        names = {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
        names |= {f"{n.module}.{a.name}" for n in nodes if isinstance(n, ast.ImportFrom) for a in n.names}
        readers = [n for n in names if n.startswith("fazhi_analysis.ingest") and not n.startswith(FORMAT_TABLE)]
        assert not readers, path.name
        assert "raw_dir" not in {n.id for n in nodes if isinstance(n, ast.Name)} | {
            n.arg for n in nodes if isinstance(n, ast.arg)
        }, path.name
