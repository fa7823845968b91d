"""The fitted mapping (ingest/extract/model.json): current with the corpus, applied without scikit-learn."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from fazhi_analysis.ingest.extract import _candidates, _model, extract_text
from fazhi_analysis.table import catalog


def _build_model():
    spec = importlib.util.spec_from_file_location("build_model", ROOT / "scripts" / "build_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_shipped_model_is_current() -> None:
    """model.json was built from today's corpus, catalog, rules and extractor code (make model), byte for byte.

    With the scikit-learn it was fitted with, it is rebuilt and compared; another release may fit the trees
    otherwise in their last bits, so there the recorded digest of the inputs must still match.
    """
    pytest.importorskip("sklearn")
    build_model = _build_model()
    shipped = _model.MODEL_FILE.read_text(encoding="utf-8")
    assert build_model.splits() == build_model.read_splits(), "data/corpus/splits.csv is stale: run make model"
    assert json.loads(shipped)["inputs"] == build_model.inputs_digest(), "model.json is stale: run make model"
    if json.loads(shipped)["scikit_learn"] == build_model.sklearn_version():
        assert shipped == build_model.dumps(build_model.build()), "model.json is stale: run make model"


def test_model_is_small_and_its_threshold_comes_from_calibration() -> None:
    assert _model.MODEL_FILE.stat().st_size < 5 * 1024 * 1024
    model = _model.load()
    assert 0.5 < model.threshold < 1 and model.feature.max() < len(model.features)
    assert list(model.calibration_x) == sorted(model.calibration_x)


@pytest.mark.slow
def test_extraction_does_not_import_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from fazhi_analysis.ingest.extract import extract_text\n"
        "extract_text('（五）行政复议\\n全年收到行政复议申请11件。')\n"
        "assert not any(m.startswith('sklearn') for m in sys.modules), 'sklearn imported'\n"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0


def test_split_is_by_document_and_stratified() -> None:
    splits = _build_model().read_splits()
    assert len(splits) == 160 and set(splits.values()) == {"train", "calibration", "test"}
    for writer in "abcde":
        assert {s for d, s in splits.items() if d.startswith(writer)} == {"train", "calibration", "test"}


def test_traditional_characters_are_matched_as_simplified() -> None:
    text = "（五）行政復議\n全年共收到行政復議申請11件，審結9件。"
    figures = extract_text(text, min_confidence=0)
    assert figures["raw"].tolist() == ["11件", "9件"]  # raw as written, offsets of the text as given
    assert figures["indicator"].tolist() == ["disputes.reconsideration_applications", "disputes.reconsideration_closed"]


def test_unclosed_quote_does_not_hide_the_figures_after_it() -> None:
    figures = extract_text("（六）普法\n开展“法治进万家活动120场次，发放宣传资料3000份，“宪法宣传周”活动5场。")
    assert figures["raw"].tolist() == ["120场次", "3000份", "5场"]


def test_period_and_scope() -> None:
    text = (
        "甲县人民政府2023年度法治政府建设情况报告\n（五）行政复议\n"
        "2019年以来共收到行政复议申请300件。全县全年收到行政复议申请46件。"
    )
    figures = extract_text(text)
    assert figures[["period", "scope"]].values.tolist() == [["以来", "本级"], ["全年", "全域"]]
    assert pd.isna(figures["indicator"].iloc[0]) and figures["reason"].iloc[0].startswith("abstain:period")


def test_catalog_index_is_built_once_per_catalog_from_its_content() -> None:
    rows = (("a.x", "study", "次", "甲", ("次",), ("甲乙",), (), (), (), ()),)
    other = (("a.x", "study", "次", "甲", ("次",), ("甲丙",), (), (), (), ()),)
    assert _candidates.catalog_index() is _candidates.catalog_index(catalog.current())
    assert _candidates._index_of(rows, ()).aliases == ("甲乙",)
    assert _candidates._index_of(other, ()).aliases == ("甲丙",)
