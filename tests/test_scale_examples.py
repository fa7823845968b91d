"""The synthetic country (data/examples/make_scale.py): reproducible, in the form build reads, and its tidy
table the one build makes of it."""

from __future__ import annotations

import importlib.util
from functools import cache

import pandas as pd
import pytest
from conftest import ROOT

from fazhi_analysis.build import build_checked
from fazhi_analysis.table import catalog, manifest


@cache
def generator():
    """The generator module (a script beside the examples, not part of the package)."""
    spec = importlib.util.spec_from_file_location("make_scale", ROOT / "data" / "examples" / "make_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hierarchy_has_provinces_cities_and_counties_with_populations_that_add_up():
    regions = generator().hierarchy(120, provinces=3)
    levels = regions.set_index("地区")["层级"]
    counties = regions[~regions["层级"].isin(["省", "市"])]
    assert len(counties) == 120 and (levels == "省").sum() == 3
    assert counties["上级"].map(levels).eq("市").all()
    assert regions.loc[regions["层级"] == "市", "上级"].map(levels).eq("省").all()
    assert regions["地区"].is_unique
    cities = regions[regions["层级"] == "市"].set_index("地区")["常住人口（万人）"]
    sums = counties.groupby("上级")["常住人口（万人）"].sum()
    assert (cities - sums[cities.index]).abs().max() < 0.05


@pytest.mark.parametrize("layout", ["province", "single"])
def test_build_of_the_raw_tables_is_the_tidy_table(tmp_path, layout):
    make = generator()
    raw = tmp_path / "raw"
    make.make(raw, counties=30, provinces=2, years=2, layout=layout)
    table, findings, rejects = build_checked(raw_dir=raw, processed_dir=tmp_path / "p", quiet=True)
    assert rejects.empty
    assert len(table) == 30 * 2 * 50
    regions = make.hierarchy(30, provinces=2)
    expected = make.tidy_table(regions, make.figures(regions, [2023, 2024]), layout)
    pd.testing.assert_frame_equal(table, expected)
    assert set(table["indicator"]) == set(make.INDICATORS) <= set(catalog.indicators().index)
    assert not findings["rule"].isin(["unit", "rate_mismatch", "conflict", "regions_missing"]).any()


def test_the_same_arguments_write_the_same_bytes_and_tidy_writes_a_vouched_build(tmp_path):
    make = generator()
    first = make.make(tmp_path / "a", counties=20, provinces=2, years=2)
    second = make.make(tmp_path / "b", counties=20, provinces=2, years=2)
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second))
    written = make.make(tmp_path / "t", counties=20, provinces=2, years=2, tidy=True)
    names = sorted(p.name for p in written)
    assert names == ["indicators.parquet", "manifest.json", "regions.csv", "regions.parquet"]
    assert manifest.same_build(tmp_path / "t" / "indicators.parquet", tmp_path / "t" / "regions.parquet")
    assert len(pd.read_parquet(tmp_path / "t" / "indicators.parquet")) == 20 * 2 * 50
