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

from fazhi_analysis.ingest.extract import extract_text

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
def test_no_wrong_id(case: dict) -> None:
    row = _figure(case)
    assert (row["value"], row["unit"]) == (case["value"], case["unit"])
    got = _id(row)
    assert got in (case["id"], None), f"{case['text']} {case['raw']}: {got} ({row['reason']})"
    assert 0 <= row["confidence"] <= 1 and row["reason"]
    if case["id"] is None:
        assert got is None and row["reason"].startswith("abstain:")


def test_recall_of_ids() -> None:
    """Worked out on the set when written: every expected id found (25 of 25); a floor leaves room for tuning."""
    expected = [case for case in CASES if case["id"] is not None]
    found = sum(_id(_figure(case)) == case["id"] for case in expected)
    print(f"id recall on phrasings: {found}/{len(expected)}")
    assert found / len(expected) >= 0.9


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("386人", "abstain:exclude(共有)"),
        ("19件", "abstain:manner(以调解方式)"),
        ("136件", "abstain:subset(其中)"),
        ("14个", "abstain:not_noun(工作站)"),
        ("37件", "abstain:breakdown(从申请事项看)"),
        ("11件", "abstain:category(类占)"),
        ("52%", "abstain:not_noun(综合化解)"),
        ("97%以上", "abstain:period(以来)"),
        ("11次", "abstain:list(…议、专题会议等)"),
        ("3.2万件", "abstain:higher_level(全省)"),
        ("2.1万名", "abstain:higher_level(全市)"),
        ("63件", "abstain:other_body(法院)"),
        ("3件", "abstain:respondent(被申请人)"),
    ],
)
def test_abstentions_say_why(raw: str, reason: str) -> None:
    row = _figure(next(case for case in CASES if case["raw"] == raw and case["id"] is None))
    assert (row["reason"], row["confidence"]) == (reason, 0.0)


def test_higher_level_needs_a_lower_report() -> None:
    """全市 is another body's in a county's report, the report's own in a city's (or when the level is unknown)."""
    sentence = "（六）深入推进普法\n全市培养“法律明白人”2100名。"
    county = extract_text(TITLE + sentence)
    city = extract_text(TITLE.replace("甲县", "乙市") + sentence)
    assert county["reason"].tolist() == ["abstain:higher_level(全市)"] and county["indicator"].isna().all()
    assert city["indicator"].tolist() == ["legal_education.legal_literates"]


def test_min_confidence_drops_ids_not_figures() -> None:
    case = next(c for c in CASES if c["raw"] == "1834件")
    sure = _figure(case)
    assert _id(sure) == "disputes.disputes_mediated" and sure["reason"] == "alias+section"
    assert 0.3 < sure["confidence"] < 1
    strict = _figure(case, min_confidence=1.0)
    assert _id(strict) is None and strict["section"] == "disputes"
    assert strict["reason"] == "abstain:low(alias+section)" and strict["confidence"] == sure["confidence"]


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
    half, _ = _extract_cli(tmp_path, "--min-confidence", "0.5")
    assert [r["indicator"] for r in half] == ["disputes.disputes_mediated", None]
    assert [r["raw"] for r in default] == [r["raw"] for r in everything] == [r["raw"] for r in strict]
    # confidence = 1 - exp(-score / 6), no runner-up; score = len(alias) / (1 + distance / 6) · 2 (own clause) · 1.5
    # (the heading's section). 1834件: 成功调解, 4 characters away: 4 / (1 + 4/6) · 3 = 7.2 → 0.699.
    # 52件: only 新收, 6 characters away (行政复议案件 is no alias of a count): 2 / 2 · 3 = 3 → 0.393.
    assert [(r["indicator"], r["confidence"]) for r in everything] == [
        ("disputes.disputes_mediated", 0.699),
        ("disputes.reconsideration_applications", 0.393),
    ]
    assert [r["indicator"] for r in default] == ["disputes.disputes_mediated", "disputes.reconsideration_applications"]
    assert [r["indicator"] for r in strict] == [None, None]
    assert [r["reason"] for r in strict] == ["abstain:low(alias+section)"] * 2
    assert "0 个低于置信度" in stderr


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
