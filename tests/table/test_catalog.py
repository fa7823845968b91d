"""The indicator catalog holds the contract of spec/indicators.csv and sections.csv, and more."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES

from fazhi_analysis import project
from fazhi_analysis.errors import InputError
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


def test_derived_rates_name_a_rate_in_percent_and_two_counts() -> None:
    derived = catalog.derived()
    ours = catalog.indicators()
    assert list(derived.columns) == ["numerator", "denominator", "scale", "note"]
    assert derived.loc["disputes.reconsideration_correction_rate", "numerator"] == "disputes.reconsideration_corrected"
    assert derived.loc["disputes.litigation_loss_rate", "denominator"] == "disputes.litigation_cases"
    assert (ours.loc[derived.index, "unit"] == "%").all() and (ours.loc[derived.index, "kind"] == "rate").all()
    for role in ("numerator", "denominator"):
        assert (ours.loc[derived[role], "kind"] == "count").all()
    assert (derived["scale"] == 100).all() and derived["note"].str.len().gt(0).all()


@pytest.fixture
def local_catalog(tmp_path, monkeypatch) -> Path:
    """A project's catalog.yaml (the project found through FAZHI_ROOT), to be written by the test."""
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    return tmp_path / "catalog.yaml"


def test_a_project_adds_and_overrides_derived_rates(local_catalog) -> None:
    local_catalog.write_text(
        "derived:\n"
        "  - {id: disputes.litigation_loss_rate, note: 本地口径}\n"
        "  - {id: disputes.head_appearance_rate, numerator: disputes.head_appearances,\n"
        "     denominator: disputes.litigation_cases, scale: 100, note: 出庭人次占应诉案件的比例}\n",
        encoding="utf-8",
    )
    derived = catalog.derived()
    assert derived.loc["disputes.litigation_loss_rate", "note"] == "本地口径"
    assert derived.loc["disputes.litigation_loss_rate", "numerator"] == "disputes.litigation_lost"  # kept
    assert derived.loc["disputes.head_appearance_rate", "denominator"] == "disputes.litigation_cases"
    assert len(derived) == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{id: disputes.litigation_cases, numerator: disputes.litigation_lost, denominator: disputes.litigation_cases,"
         " scale: 100}", "rate indicator in %"),
        ("{id: disputes.head_appearance_rate, numerator: disputes.head_appearances, denominator: no.such, scale: 100}",
         "denominator no.such"),
        ("{id: disputes.head_appearance_rate, numerator: functions.online_service_rate,"
         " denominator: disputes.litigation_cases, scale: 100}", "numerator functions.online_service_rate"),
        ("{id: disputes.litigation_loss_rate, scale: 0}", "derived[1].scale: 应大于 0"),
        ("{id: disputes.litigation_loss_rate, scale: hundred}", "derived[1].scale: 应为数 / expected a number"),
        ("{id: disputes.head_appearance_rate, numerator: disputes.head_appearances}", "denominator: 缺少此项"),
    ],
)  # fmt: skip
def test_a_bad_derived_entry_names_the_file_and_the_entry(local_catalog, entry, message) -> None:
    local_catalog.write_text(f"derived:\n  - {{id: disputes.litigation_loss_rate}}\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as err:
        catalog.derived()
    assert str(err.value).startswith(str(local_catalog)) and "derived[1]" in str(err.value)  # the project's entry


def test_a_project_count_that_becomes_an_amount_breaks_the_rate_on_it(local_catalog) -> None:
    local_catalog.write_text("indicators:\n  - {id: disputes.litigation_lost, kind: amount}\n", encoding="utf-8")
    with pytest.raises(InputError, match="numerator disputes.litigation_lost") as err:
        catalog.indicators()
    assert str(local_catalog) in str(err.value) and "disputes.litigation_loss_rate" in str(err.value)


def test_better_is_higher_or_lower(local_catalog) -> None:
    assert catalog.indicators().at["disputes.litigation_loss_rate", "better"] == "lower"
    assert catalog.indicators().at["disputes.head_appearance_rate", "better"] == "higher"
    local_catalog.write_text("indicators:\n  - {id: disputes.litigation_cases, better: more}\n", encoding="utf-8")
    with pytest.raises(InputError, match="indicators\\[0\\].better: 应为 'higher' or 'lower' 之一"):
        catalog.indicators()


SEED_PROGRAMMES = ("法治讲堂", "法治基层行", "国旗下")  # the seed district's own programme names


def test_names_are_neutral_and_the_seeds_programmes_are_aliases() -> None:
    ours = catalog.indicators()
    assert not ours["name"].str.contains("|".join(SEED_PROGRAMMES)).any()
    assert "政府部门参加法治培训(法治讲堂)" in ours.at["study.law_lectures", "aliases"]  # an old header still matches
    assert "“法治基层行”等普法活动" in ours.at["legal_education.grassroots_events", "aliases"]


def test_every_bundled_indicator_has_a_group_of_its_section() -> None:
    ours, groups = catalog.indicators(), catalog.groups()
    assert ours["group"].notna().all()
    assert (ours["group"].map(groups["section"]) == ours["section"]).all()
    assert groups.index.is_unique and groups["title"].str.len().gt(0).all()
    # 行政许可 and 案卷评查 are both counted in 次, but are different subjects
    assert ours.at["enforcement.administrative_licenses", "group"] != ours.at["enforcement.case_file_reviews", "group"]


def test_core_and_headline_name_catalog_indicators() -> None:
    assert catalog.core() == catalog.indicators().index[catalog.indicators()["core"]].tolist()
    assert {"disputes.reconsideration_applications", "disputes.litigation_cases"} <= set(catalog.core())
    assert "legal_education.flag_lectures" not in catalog.core()  # a programme of some regions, not of every report
    assert set(catalog.headline()) <= set(catalog.indicators().index) and len(set(catalog.headline())) > 3


def test_a_project_replaces_the_headline_and_adds_a_group(local_catalog) -> None:
    local_catalog.write_text(
        "groups:\n  - {id: hotline, section: oversight, title: 12345热线}\n"
        "headline: [oversight.proactive_disclosures, disputes.litigation_cases]\n"
        "indicators:\n  - {id: oversight.hotline_calls, section: oversight, name: 受理热线诉求, unit: 件,\n"
        "     kind: count, group: hotline, core: true, aliases: [热线诉求]}\n"
        "  - {id: disputes.litigation_lost, core: false}\n",
        encoding="utf-8",
    )
    assert catalog.headline() == ["oversight.proactive_disclosures", "disputes.litigation_cases"]
    assert catalog.groups().loc["hotline", "title"] == "12345热线"
    assert "oversight.hotline_calls" in catalog.core() and "disputes.litigation_lost" not in catalog.core()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("indicators:\n  - {id: disputes.litigation_cases, core: yes please}\n", "indicators[0].core: 应为 true"),
        ("indicators:\n  - {id: disputes.litigation_cases, group: no_such}\n", "group of section disputes: 'no_such'"),
        ("indicators:\n  - {id: disputes.litigation_cases, group: penalties}\n", "'penalties'"),  # another section's
        ("groups:\n  - {id: hotline, section: nowhere, title: 热线}\n", "hotline 的方面未知"),
        ("groups:\n  - {id: hotline, title: 热线}\n", "groups[0]（hotline）: section: 缺少此项 / missing"),
        ("headline: disputes.litigation_cases\n", "headline: 应为列表 / expected a list"),
        ("headline: [disputes.litigation_cases, no.such]\n", "headline[1] must be a catalog id: 'no.such'"),
        ("headline: [disputes.litigation_cases, disputes.litigation_cases]\n", "headline: 重复 / given twice"),
        ("headline: [[disputes.litigation_cases]]\n", "headline[0]: 应为文字 / expected text"),
    ],
)  # fmt: skip
def test_a_bad_group_core_or_headline_is_one_line_naming_the_file_and_entry(local_catalog, text, message) -> None:
    local_catalog.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as err:
        catalog.indicators()
    assert str(err.value).startswith(str(local_catalog)) and "\n" not in str(err.value)
