"""Year-over-year comparison of the tidy table, and the errors for unknown regions and years."""

from __future__ import annotations

import pandas as pd
import pytest
from report_data import REGION, YEAR, gold_table, with_prior_year

from fazhi_analysis import analysis
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import manifest, tidy


def test_compare_puts_prior_values_and_changes_beside_this_year() -> None:
    comp = analysis.compare(with_prior_year(), REGION, YEAR)
    row = comp.set_index("indicator").loc["disputes.reconsideration_applications"]
    assert (row["value"], row["prior_value"], row["change"], row["prior_year"]) == (11, 8, 3, 2023)
    assert pd.isna(row["change_pct"])  # 8 → 11: under SMALL_COUNT in a year, a change is its size, not a percentage
    audience = comp.set_index("indicator").loc["legal_education.flag_lecture_audience"]
    assert audience["change_pct"] == pytest.approx((audience["value"] - 30000) / 300)
    rate = comp.set_index("indicator").loc["disputes.head_appearance_rate"]
    assert rate["change"] == 5 and pd.isna(rate["change_pct"])  # rates change in percent points only
    assert comp["prior_value"].notna().sum() == 5
    assert len(comp) == 70 and comp["indicator"].notna().all()
    assert analysis.has_prior(comp)


def test_compare_without_prior_year_has_no_changes() -> None:
    comp = analysis.compare(gold_table(), REGION, YEAR)
    assert not analysis.has_prior(comp)
    assert comp["change"].isna().all()


def test_compare_year_can_be_chosen_and_does_not_mutate_input() -> None:
    table = with_prior_year()
    before = table.copy()
    comp = analysis.compare(table, REGION, YEAR, compare_year=2022)
    assert not analysis.has_prior(comp)
    pd.testing.assert_frame_equal(table, before)


def test_sections_in_report_order() -> None:
    comp = analysis.compare(gold_table(), REGION, YEAR)
    assert analysis.sections_with_data(comp) == [
        "study",
        "functions",
        "administration",
        "enforcement",
        "disputes",
        "legal_education",
    ]


def test_unknown_region_or_year_lists_what_is_available() -> None:
    with pytest.raises(InputError, match="可用 / available: 达坂城区: 2023、2024") as err:
        analysis.select(with_prior_year(), "某某县", 2024)
    assert err.value.exit_code == 2
    with pytest.raises(InputError, match="达坂城区: 2024"):
        analysis.compare(gold_table(), REGION, 2030)


def test_unmapped_and_approximate_figures() -> None:
    table = gold_table()
    assert analysis.unmapped(table, REGION, YEAR)["raw"].tolist() == ["五类"]
    assert sorted(analysis.approximate(table, REGION, YEAR)["raw"]) == sorted(
        ["130余份", "130余人次", "700余场次", "2.8万余人次", "5700余人次", "300余名", "200余条", "9500余人次"]
    )


def test_load_table_missing_file_is_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="fazhi build"):
        analysis.load_table(tmp_path / "nope.parquet")


def test_load_table_reads_csv_and_refuses_other_files(tmp_path) -> None:
    gold_table().to_csv(tmp_path / "table.csv", index=False)
    assert analysis.load_table(tmp_path / "table.csv")["raw"].tolist() == gold_table()["raw"].tolist()
    (tmp_path / "table.txt").write_text("region,year\n", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported file type"):
        analysis.load_table(tmp_path / "table.txt")


def test_load_table_gives_the_tidy_contract(tmp_path) -> None:
    from fazhi_analysis.table.tidy import TidyTable

    table = gold_table()
    table.astype({"region": "str", "value": "float64"}).to_parquet(tmp_path / "table.parquet", index=False)
    table.drop(columns=["label", "section"]).to_csv(tmp_path / "table.csv", index=False)
    for name in ("table.parquet", "table.csv"):
        loaded = analysis.load_table(tmp_path / name)
        pd.testing.assert_frame_equal(TidyTable.validate(loaded), loaded)
        assert loaded[["region", "year", "value"]].equals(table[["region", "year", "value"]]), name


def test_findings_reuse_what_build_wrote_unless_it_is_of_another_build(tmp_path) -> None:
    table = tidy.conform(pd.concat([gold_table(), gold_table().assign(year=2023)], ignore_index=True))  # 2 findings
    path = tmp_path / "indicators.parquet"
    table.to_parquet(path, index=False)
    computed = analysis.findings(table)
    assert len(computed) > 1
    assert analysis.findings(table, path).equals(computed)  # no findings.parquet: validated afresh
    saved = computed.iloc[:1]
    saved.to_parquet(tmp_path / "findings.parquet", index=False)
    assert analysis.findings(table, path).equals(computed)  # no manifest says they belong together
    manifest.write(tmp_path, [path, tmp_path / "findings.parquet"])
    assert analysis.findings(table, path).reset_index(drop=True).equals(saved.reset_index(drop=True))
    table.head(5).to_parquet(path, index=False)  # a newer table than the build that wrote the findings
    assert analysis.findings(table, path).equals(computed)
