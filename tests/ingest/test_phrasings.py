"""The extractor on phrasings of other reports (tests/fixtures/phrasings.yaml): no wrong id, and most ids found.

Each case is one sentence under its section heading, after a county report's title line (so that 全市 is
another body's). Kinds: counted_noun, subset, breakdown, other_rate, list, other_body, positive.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, run_fazhi

from fazhi_analysis.ingest.extract import default_min_confidence, extract_text

CASES = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "phrasings.yaml").read_text(encoding="utf-8"))["cases"]
TITLE = "甲县人民政府2023年度法治政府建设情况报告\n"
KINDS = ("counted_noun", "subset", "breakdown", "other_rate", "list", "other_body", "positive")


def _figure(case: dict, **kwargs: float) -> pd.Series:
    """The row of the case's figure, extracted from the case under its heading and the title."""
    figures = extract_text(f"{TITLE}{case['heading']}\n{case['text']}", **kwargs)
    rows = figures[figures["raw"] == case["raw"]]
    assert len(rows) == 1, f"{case['raw']} not found once in {case['text']}"
    return rows.iloc[0]


def _id(row: pd.Series) -> str | None:
    return None if pd.isna(row["indicator"]) else str(row["indicator"])


def test_the_set_covers_every_kind() -> None:
    counts = Counter(case["kind"] for case in CASES)
    assert set(counts) == set(KINDS)
    assert min(counts.values()) >= 5 and len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['kind']}-{c['raw']}-{c['text'][:12]}")
def test_figure_read_and_explained(case: dict) -> None:
    row = _figure(case)
    assert (row["value"], row["unit"]) == (case["value"], case["unit"])
    assert 0 <= row["confidence"] <= 1 and row["reason"]
    assert row["period"] in ("全年", "以来", "期间") or row["period"].startswith("截至")
    assert row["scope"] in ("本级", "全域", "下级合计", "其他机关")
    if _id(row) is None:
        assert row["reason"].startswith("abstain:")


def test_precision_and_recall_of_ids() -> None:
    """The set was written while the old rules were tuned (they scored 1.00 on it); the fitted model learnt from
    the corpus, whose labellers read lists before 等 and single categories otherwise at times (e.g. …等主题活动93场次
    as the events counted). Measured when the model landed: 28 of 33 ids right, 28 of 29 found."""
    given = right = 0
    for case in CASES:
        got = _id(_figure(case))
        given += got is not None
        right += got is not None and got == case["id"]
    expected = sum(case["id"] is not None for case in CASES)
    print(f"phrasings: {right}/{given} ids right, {right}/{expected} found")
    assert right / given >= 0.8 and right / expected >= 0.9


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("97%以上", "abstain:period(“十四五”以来)"),
        ("3.2万件", "abstain:higher_level(全省)"),
        ("63件", "abstain:other_body(人民法院)"),
        ("3件", "abstain:respondent(…政府为被申请人)"),
    ],
)
def test_figures_of_another_time_or_body_say_why(raw: str, reason: str) -> None:
    row = _figure(next(case for case in CASES if case["raw"] == raw and case["id"] is None))
    assert (row["reason"], row["confidence"]) == (reason, 0.0)
    assert row["period"] != "全年" or row["scope"] == "其他机关"


@pytest.mark.parametrize("raw", ["386人", "19件", "136件", "14个", "37件", "52%", "2.1万名"])
def test_parts_and_other_nouns_get_no_id(raw: str) -> None:
    row = _figure(next(case for case in CASES if case["raw"] == raw and case["id"] is None))
    assert _id(row) is None and row["reason"].startswith("abstain:")


def test_higher_level_needs_a_lower_report() -> None:
    """全市 is another body's in a county's report, the report's own in a city's; 全省 the province's own."""
    sentence = "（六）深入推进普法\n全市培养“法律明白人”2100名。"
    county = extract_text(TITLE + sentence)
    city = extract_text(TITLE.replace("甲县", "乙市") + sentence)
    assert county["reason"].tolist() == ["abstain:higher_level(全市)"] and county["indicator"].isna().all()
    assert county["scope"].tolist() == ["其他机关"]
    assert city["indicator"].tolist() == ["legal_education.legal_literates"] and city["scope"].tolist() == ["全域"]
    province = extract_text(TITLE.replace("甲县", "丙省") + sentence.replace("全市", "全省"))
    assert province["scope"].tolist() == ["全域"] and province["period"].tolist() == ["全年"]


def test_min_confidence_drops_ids_not_figures() -> None:
    case = next(c for c in CASES if c["raw"] == "1834件")
    sure = _figure(case, min_confidence=0)
    assert _id(sure) == "disputes.disputes_mediated" and 0 < sure["confidence"] < 1
    strict = _figure(case, min_confidence=1.0)
    assert _id(strict) is None and strict["section"] == "disputes"
    assert strict["reason"].startswith("abstain:") and strict["confidence"] == sure["confidence"]


def _extract_cli(tmp_path: Path, *flags: str) -> tuple[list[dict], str]:
    """``fazhi extract`` of a short county report holding one sure and one weak figure, as JSON records."""

    report = tmp_path / "report.txt"
    report.write_text(
        f"{TITLE}（五）依法化解矛盾纠纷\n全年成功调解矛盾纠纷1834件。\n新收行政复议案件52件。\n", encoding="utf-8"
    )
    result = run_fazhi("extract", str(report), "--format", "json", *flags)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_cli_min_confidence_keeps_figures_and_reasons(tmp_path: Path) -> None:
    default, stderr = _extract_cli(tmp_path)
    everything, _ = _extract_cli(tmp_path, "--min-confidence", "0")
    strict, _ = _extract_cli(tmp_path, "--min-confidence", "1")
    assert [r["raw"] for r in default] == [r["raw"] for r in everything] == [r["raw"] for r in strict]
    assert [r["indicator"] for r in everything] == [
        "disputes.disputes_mediated",
        "disputes.reconsideration_applications",
    ]
    threshold = default_min_confidence()
    assert [r["indicator"] for r in default] == [
        r["indicator"] if r["confidence"] >= threshold else None for r in everything
    ]
    assert [r["indicator"] for r in strict] == [None, None]
    assert all(r["reason"].startswith("abstain:") for r in strict)
    assert all((r["period"], r["scope"]) == ("全年", "本级") for r in default)
    assert "个低于置信度" in stderr


@pytest.mark.parametrize("bad", ["1.5", "-0.1", "high"])
def test_cli_min_confidence_out_of_range_is_bad_input(tmp_path: Path, bad: str) -> None:

    result = run_fazhi("extract", str(tmp_path / "missing.txt"), f"--min-confidence={bad}")
    assert result.returncode == 2 and "0 到 1" in result.stderr


def test_score_extract_counts_by_hand() -> None:
    """benchmarks/score_extract.py on two gold figures: one right id, one figure missed, one wrong id elsewhere."""
    import importlib.util

    path = ROOT / "benchmarks" / "score_extract.py"
    spec = importlib.util.spec_from_file_location("score_extract", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    gold = [
        {"offset": 0, "raw": "5件", "value": 5, "unit": "件", "indicator": "a"},
        {"offset": 10, "raw": "7次", "value": 7, "unit": "次", "indicator": "b"},
        {"offset": 20, "raw": "9%", "value": 9, "unit": "%", "indicator": None},
    ]
    records = [
        {"start": 0, "end": 2, "value": 5.0, "unit": "件", "indicator": "a"},
        {"start": 20, "end": 22, "value": 9.0, "unit": "%", "indicator": "c"},
    ]
    counts = module.score_mentions(gold, records)
    assert (counts["matched"], counts["ids_given"], counts["ids_right"], counts["gold_ids"]) == (2, 2, 1, 2)
    assert module.summary(counts) == "figures 2/3, ids given 2, right 1: id precision 0.50, id recall 0.50"
