"""Checks of big tables: the vectorized agreement rule is the pair-by-pair one, long lists are capped for people
(``findings.csv``, ``fazhi validate``) and kept whole in ``findings.parquet``."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pandas as pd
import pytest
from test_scale_examples import generator

from fazhi_analysis import checks
from fazhi_analysis.build import build_checked
from fazhi_analysis.cli import main
from fazhi_analysis.table import numbers, tidy

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "fazhi-hypothesis"))
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _pairwise(values: list[float], approx: list[bool]) -> bool:
    """Whether two of ``values`` disagree, pair by pair (the rule as the README states it)."""
    for i, (a, a_approx) in enumerate(zip(values, approx)):
        for b, b_approx in zip(values[i + 1 :], approx[i + 1 :]):
            larger = max(abs(a), abs(b))
            tolerance = max(numbers.APPROX_TOLERANCE * larger if a_approx or b_approx else 1e-9 * larger, 1e-9)
            if abs(a - b) > tolerance:
                return True
    return False


groups = st.lists(
    st.lists(st.tuples(st.sampled_from([0.0, 3.0, 9.0, 10.0, 11.0, 100.0, 105.0, 111.0]), st.booleans()),
             min_size=2, max_size=5),
    min_size=1, max_size=6,
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=300, deadline=None, database=None)
@given(groups)
def test_disagree_judges_each_group_as_every_pair_would(drawn: list[list[tuple[float, bool]]]) -> None:
    values = np.array([v for group in drawn for v, _ in group])
    approx = np.array([a for group in drawn for _, a in group])
    starts = np.cumsum([0] + [len(group) for group in drawn[:-1]])
    expected = [_pairwise([v for v, _ in group], [a for _, a in group]) for group in drawn]
    assert checks.disagree(values, approx, starts).tolist() == expected


def _unit_errors(n: int) -> pd.DataFrame:
    """``n`` regions each giving 行政应诉案件 in 人次 (a unit error each, and a completeness warning each)."""
    return tidy.conform(
        pd.DataFrame({"region": [f"区{i:03d}" for i in range(n)], "year": 2024, "value": 5.0, "unit": "人次",
                      "indicator": "disputes.litigation_cases", "source": [f"a.csv#E{i + 2}" for i in range(n)]})
    )  # fmt: skip


def test_capped_lists_the_first_of_each_kind_errors_first_and_counts_the_rest():
    found = checks.check(_unit_errors(60))
    shown = checks.capped(found, 50)
    assert shown["level"].tolist() == ["error"] * 51 + ["warning"] * 51
    assert shown.iloc[:50].equals(found[found["rule"] == "unit"].iloc[:50].reset_index(drop=True))
    summary = shown[shown["region"].isna()]
    assert summary["rule"].tolist() == ["unit", "completeness"]
    assert summary["message_zh"].tolist()[0] == "unit：及同类 10 条（以上列出前 50 条）"
    assert summary["message_en"].tolist()[1] == "completeness: and 10 more of this kind (the first 50 are listed)"
    assert checks.capped(found, None) is found
    assert checks.capped(found, 60).equals(found)  # nothing beyond the cap: nothing counted


def test_build_keeps_every_finding_in_parquet_and_caps_the_csv(tmp_path):
    raw = tmp_path / "raw"
    generator().make(raw, counties=60, provinces=2, years=3)
    _, findings, _ = build_checked(raw_dir=raw, processed_dir=tmp_path / "p", quiet=True)
    outliers = int((findings["rule"] == "outlier").sum())
    assert outliers > checks.PER_KIND
    assert pd.read_parquet(tmp_path / "p" / "findings.parquet").equals(findings)
    csv = pd.read_csv(tmp_path / "p" / "findings.csv", encoding="utf-8-sig")
    assert (csv["rule"] == "outlier").sum() == checks.PER_KIND + 1
    assert f"outlier：及同类 {outliers - checks.PER_KIND:,} 条（以上列出前 50 条）" in csv["message_zh"].tolist()


def test_validate_per_kind(tmp_path, capsys):
    table = tmp_path / "t.parquet"
    _unit_errors(5).to_parquet(table)
    assert main(["validate", str(table), "--per-kind", "2"]) == 1
    out, err = capsys.readouterr()
    assert out.count("[error]") == 3 and "unit：及同类 3 条（以上列出前 2 条）" in out
    assert "5 个错误" in err  # the count is of every finding
    assert main(["validate", str(table), "--per-kind", "0"]) == 1
    assert capsys.readouterr().out.count("[error]") == 5
