"""A figure a report text says twice is one figure; distinct figures, and the same figure from another file, stay."""

from __future__ import annotations

import pandas as pd
import report_data

from fazhi_analysis.report import facts

REGION, YEAR = "达坂城区", 2024


def _moved(table: pd.DataFrame, lines: int) -> pd.DataFrame:
    """``table`` said again ``lines`` lines further down the same files."""
    return table.assign(
        source=table["source"].str.replace(r"\.txt:(\d+)", lambda m: f".txt:{int(m.group(1)) + lines}", regex=True)
    )


def test_a_text_pasted_twice_gives_the_same_facts():
    table = report_data.gold_table()
    once = report_data.gathered(report_data.gold_table)
    assert not _moved(table, 100)["source"].equals(table["source"])
    twice = facts.gather(pd.concat([table, _moved(table, 100)], ignore_index=True), REGION, YEAR)
    assert len(twice.comparison) == len(once.comparison)
    pd.testing.assert_frame_equal(twice.comparison, once.comparison)
    assert twice.sources == once.sources


def test_a_changed_value_unit_scope_or_period_is_another_figure():
    table = report_data.gold_table()
    first = table[table["indicator"].notna()].head(1)
    variants = [
        first.assign(value=first["value"] + 1),
        first.assign(unit="人"),
        first.assign(scope="全域"),
        first.assign(period="截至6月"),
    ]
    rows = pd.concat([first, *(_moved(v, 100 + i) for i, v in enumerate(variants))], ignore_index=True)
    assert len(facts.distinct(rows)) == 1 + len(variants)


def test_the_same_figure_from_another_file_keeps_its_source():
    table = report_data.gold_table()
    sheet = table.assign(source="部门报表.xlsx#表1!B2")
    found = facts.gather(pd.concat([table, sheet], ignore_index=True), REGION, YEAR)
    assert found.sources == (*report_data.gathered(report_data.gold_table).sources, "部门报表.xlsx")
