"""The generated example data (data/examples/): reproducible byte for byte, and built into the expected table."""

from __future__ import annotations

import importlib.util
import re

import pandas as pd
import pytest
from conftest import EXAMPLES_RAW, ROOT

from fazhi_analysis.analysis import load_table
from fazhi_analysis.ingest.parts import load_parts


def _generator():
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "data" / "examples" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PLAN = {
    ("示例区甲", 2021),
    ("示例区甲", 2022),
    ("示例区甲", 2023),
    ("示例区甲", 2024),
    ("示例区乙", 2023),
    ("示例区乙", 2024),
    ("示例区丙", 2024),
    ("示例区丁", 2022),
    ("示例区丁", 2024),
    ("示例区戊", 2023),
    ("示例区戊", 2024),
}


@pytest.fixture(scope="module")
def table(example_table) -> pd.DataFrame:
    return load_table(example_table)


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path) -> None:
    written = _generator().make(tmp_path / "raw")
    committed = sorted(p.name for p in EXAMPLES_RAW.iterdir())
    assert [p.name for p in written] == committed
    for path in written:
        assert path.read_bytes() == (EXAMPLES_RAW / path.name).read_bytes(), path.name


def test_the_plan_is_sparse_as_documented() -> None:
    plan = {(region, year) for region, (_, years) in _generator().PLAN.items() for year in years}
    assert plan == PLAN
    assert len(list(EXAMPLES_RAW.glob("*_report.txt"))) == 11


def test_every_region_year_is_in_the_table(table) -> None:
    held = set(map(tuple, table[["region", "year"]].drop_duplicates().values.tolist()))
    assert held == PLAN
    assert table.loc[table["region"] == "示例区甲", "year"].nunique() == 4
    assert table.loc[table["year"] == 2021, "region"].unique().tolist() == ["示例区甲"]
    assert table.loc[table["year"] == 2024, "region"].nunique() == 5


def _text_counts(path) -> dict[str, int]:
    """The counts behind the two rates, read from the report text with a plain pattern (not the extractor)."""
    text = path.read_text(encoding="utf-8")
    recon = re.search(r"收到行政复议申请(\d+)件，审结(\d+)件，其中纠错(\d+)件", text)
    litigation = re.search(r"行政应诉案件(\d+)件，败诉(\d+)件", text)
    return {
        "disputes.reconsideration_applications": int(recon[1]),
        "disputes.reconsideration_closed": int(recon[2]),
        "disputes.reconsideration_corrected": int(recon[3]),
        "disputes.litigation_cases": int(litigation[1]),
        "disputes.litigation_lost": int(litigation[2]),
    }


def test_the_counts_for_the_rates_are_extracted_with_their_ids(table) -> None:
    texts = table[table["source"].str.contains("_report.txt:", regex=False)]
    for path in sorted(EXAMPLES_RAW.glob("*_report.txt")):
        rows = texts[texts["source"].str.startswith(path.name + ":")]
        got = {ind: rows.loc[rows["indicator"] == ind, "value"].tolist() for ind in _text_counts(path)}
        assert got == {ind: [float(v)] for ind, v in _text_counts(path).items()}, path.name


def _series(table: pd.DataFrame, region: str, indicator: str) -> dict[int, float]:
    rows = table[(table["region"] == region) & (table["indicator"] == indicator)]
    return dict(zip(rows["year"].astype(int), rows["value"].astype(float)))


def test_trends_and_figures_left_out(table) -> None:
    # Read off the committed texts example_jia_{2021..2024}_report.txt.
    assert _series(table, "示例区甲", "disputes.reconsideration_applications") == {
        2021: 23,
        2022: 26,
        2023: 30,
        2024: 37,
    }
    assert _series(table, "示例区甲", "disputes.litigation_cases") == {2021: 28, 2022: 24, 2023: 20, 2024: 18}
    assert sorted(_series(table, "示例区甲", "enforcement.penalty_amount")) == [2021, 2022, 2023]  # not in 2024
    assert sorted(_series(table, "示例区乙", "disputes.legal_aid_cases")) == [2023, 2024]


def test_the_department_sheet_agrees_with_the_text_and_adds_a_figure(table) -> None:
    sheet = table[table["source"].str.startswith("example_yi_2024_department.xlsx#")]
    assert len(sheet) == 7 and set(sheet["region"]) == {"示例区乙"} and set(sheet["year"]) == {2024}
    assert sheet.loc[sheet["indicator"] == "disputes.legal_aid_cases", "value"].tolist() == [105.0]
    for indicator, value in _text_counts(EXAMPLES_RAW / "example_yi_2024_report.txt").items():
        assert sheet.loc[sheet["indicator"] == indicator, "value"].tolist() == [float(value)], indicator


def test_no_error_level_findings(example_table) -> None:
    findings = pd.read_parquet(example_table.with_name("findings.parquet"))
    assert "error" not in set(findings["level"])  # warnings may come and go with the rules; no error


def test_every_text_has_its_parts(example_table) -> None:
    found = load_parts(example_table)
    by_year = found.groupby(["region", "year"])["part"].agg(list).to_dict()
    assert set(by_year) == PLAN
    for key, held in by_year.items():
        assert {"achievements", "shortcomings", "plans"} <= set(held), key
    assert by_year[("示例区丙", 2024)][0] == "leadership"
    assert by_year[("示例区戊", 2023)][-1] == "other"
    assert by_year[("示例区甲", 2021)] == ["achievements", "shortcomings", "leadership", "plans"]
