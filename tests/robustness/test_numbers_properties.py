"""Property tests of fazhi_analysis.table.numbers: figures written as reports write them parse back to
themselves, and no text makes the parser raise.

Needs hypothesis (``pip install 'hypothesis>=6'``; the test extra of pyproject.toml).
"""

from __future__ import annotations

import os
import tempfile

import pandas as pd
import pytest

# Hypothesis keeps examples and a Unicode table under .hypothesis/: outside the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "fazhi-hypothesis"))
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fazhi_analysis.table.numbers import parse_value, parse_values  # noqa: E402

FAST = settings(max_examples=200, deadline=None, database=None)  # no .hypothesis/ in the checkout
UNITS = ["件", "人次", "万元", "元", "%", "个", "场次", "份", "家"]
MULTIPLIERS = {"": 1.0, "万": 1e4, "亿": 1e8}


@st.composite
def written_figures(draw: st.DrawFn) -> tuple[str, float, str, bool]:
    """A figure as a report writes it, with the value, unit and approx it means."""
    if draw(st.booleans()):
        number = draw(st.integers(min_value=0, max_value=10**9))
        digits = f"{number:,}" if draw(st.booleans()) else str(number)
        value = float(number)
    else:
        cents = draw(st.integers(min_value=0, max_value=10**9))
        digits = f"{cents // 100}.{cents % 100:02d}"
        value = cents / 100
    unit = draw(st.sampled_from(UNITS))
    mult = "" if unit in ("万元", "%") else draw(st.sampled_from(list(MULTIPLIERS)))
    mark = draw(st.sampled_from(["", "余", "多"]))
    prefix = draw(st.sampled_from(["", "约", "近", "共"]))
    text = f"{prefix}{digits}{mult}{mark}{unit}"
    value *= MULTIPLIERS[mult] * (1e4 if unit == "万元" else 1.0)
    return text, value, "元" if unit == "万元" else unit, bool(mark) or prefix in ("约", "近")


@FAST
@given(written_figures())
def test_a_written_figure_parses_back_to_itself(figure):
    text, value, unit, approx = figure
    got_value, got_unit, got_approx, reason = parse_value(text)
    assert reason is None, text
    assert got_value == pytest.approx(value, rel=1e-12, abs=1e-9), text
    assert (got_unit, bool(got_approx)) == (unit, approx), text


@pytest.mark.slow
@FAST
@given(st.lists(written_figures(), min_size=1, max_size=20))
def test_written_figures_parse_back_in_bulk(figures):
    parsed = parse_values(pd.Series([f[0] for f in figures], dtype=object))
    assert parsed["reason"].isna().all()
    for (text, value, unit, approx), got, got_unit, got_approx in zip(
        figures, parsed["value"], parsed["unit"], parsed["approx"]
    ):
        assert got == pytest.approx(value, rel=1e-12, abs=1e-9), text
        assert (got_unit, bool(got_approx)) == (unit, approx), text


@FAST
@given(st.text(max_size=40))
def test_any_text_never_raises(text):
    value, unit, approx, reason = parse_value(text)
    assert (value is None) == (reason is not None)


_FIGURISH = st.text(
    alphabet="0123456789,.万亿千百十一二三四五六七八九零两余多约近至到~-—–é%件人次元 　（）()／/", max_size=16
)


@pytest.mark.slow
@FAST
@given(st.lists(st.one_of(st.text(max_size=20), _FIGURISH, st.none()), max_size=10))
def test_any_texts_never_raise_and_agree_one_by_one(texts):
    series = pd.Series(texts, index=range(100, 100 + len(texts)), dtype=object)
    parsed = parse_values(series)
    assert parsed.index.equals(series.index)
    assert list(parsed.columns) == ["value", "unit", "approx", "reason"]
    assert (parsed["value"].isna() == parsed["reason"].notna()).all()
    for text, (_, row) in zip(texts, parsed.iterrows()):
        if text is not None:
            one = parse_value(text)
            assert (one[3] is None) == pd.isna(row["reason"])
            if one[0] is not None:
                assert one[0] == row["value"] or (one[0] != one[0] and row["value"] != row["value"])


def test_range_separators_are_characters_not_a_character_range():
    assert parse_value("3é5件")[3] is not None  # é lies between ~ and — : no range
    for text in ("3至5件", "3到5件", "3~5件", "3-5件", "3—5件", "3–5件"):
        value, unit, approx, reason = parse_value(text)
        assert (value, unit, approx, reason) == (3.0, "件", True, None), text
