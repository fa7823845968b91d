"""The indicator catalog holds the contract of spec/indicators.csv and sections.csv, and more."""

from __future__ import annotations

import pandas as pd
from conftest import FIXTURES

from fazhi_analysis.table import catalog


def test_every_spec_indicator_with_its_section_and_unit() -> None:
    spec = pd.read_csv(FIXTURES / "indicators.csv").set_index("id")
    ours = catalog.indicators()
    assert set(spec.index) <= set(ours.index)
    pd.testing.assert_frame_equal(
        ours.loc[spec.index, ["section", "unit", "kind"]], spec[["section", "unit", "kind"]], check_dtype=False
    )


def test_sections_match_spec() -> None:
    spec = pd.read_csv(FIXTURES / "sections.csv").set_index("id")
    ours = catalog.sections()
    assert ours.index.tolist() == spec.sort_values("order").index.tolist()
    assert ours["title"].tolist() == spec.sort_values("order")["title"].tolist()


def test_indicators_have_aliases_and_known_sections_and_units() -> None:
    ours = catalog.indicators()
    assert ours["aliases"].map(len).gt(0).all()
    assert set(ours["section"]) <= set(catalog.sections().index)
    assert set(ours["kind"]) <= {"count", "amount", "rate"}
    assert (ours["units"].map(lambda units: units[0]) == ours["unit"]).all()
    assert ours.loc[ours["kind"] == "rate", "unit"].eq("%").all()


def test_relations_reference_catalog_ids() -> None:
    relations = catalog.relations()
    ids = set(catalog.indicators().index)
    assert set(relations["left"]) <= ids and set(relations["right"]) <= ids
    assert set(relations["op"]) <= {"<=", ">=", "<", ">", "=="}
    assert [
        "disputes.reconsideration_closed",
        "<=",
        "disputes.reconsideration_applications",
    ] in relations.values.tolist()


def test_indicators_returns_a_copy() -> None:
    catalog.indicators().drop(columns="unit")
    assert "unit" in catalog.indicators().columns
