"""Tests of fazhi_analysis.ingest.workbook and `fazhi template`: layout, validation, the round trip through clean."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fazhi_analysis.cli import main
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import clean, workbook
from fazhi_analysis.table import catalog, tidy


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "填报表.xlsx"
    workbook.write_template(path, region="达坂城区", year=2024)
    return path


def test_a_sheet_per_section_with_every_indicator(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    sections = catalog.sections()
    assert book.sheetnames == [workbook.sheet_title(t) for t in sections["title"]]
    indicators = catalog.indicators()
    for (section_id, _), ws in zip(sections.iterrows(), book.worksheets):
        header = [c.value for c in ws[workbook.HEADER_ROW]]
        assert header == ["指标编号", "指标名称", "单位", "本年数值（2024年）", "上年数值（2023年）", "备注"]
        rows = list(ws.iter_rows(min_row=workbook.HEADER_ROW + 1, max_col=3, values_only=True))
        expected = indicators[indicators["section"] == section_id]
        assert rows == list(zip(expected.index, expected["name"], expected["unit"]))
        assert ws.freeze_panes == f"A{workbook.HEADER_ROW + 1}"
        assert ws.column_dimensions["A"].width >= max(len(i) for i in expected.index)
        assert "达坂城区2024年度" in ws["A1"].value


def test_value_cells_have_number_validation(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    indicators = catalog.indicators()
    for ws in book.worksheets:
        rules = {str(rule.sqref): rule for rule in ws.data_validations.dataValidation}
        for r in range(workbook.HEADER_ROW + 1, ws.max_row + 1):
            rule = rules[f"D{r}:E{r}"]
            kind = indicators.loc[ws.cell(r, 1).value, "kind"]
            assert rule.type == {"rate": "decimal", "count": "whole", "amount": "decimal"}[kind]
            assert (rule.formula1, rule.formula2) == (("0", "100") if kind == "rate" else ("0", None))
            assert rule.showErrorMessage and rule.allow_blank


def test_filled_template_round_trips_through_clean(workbook_path, tmp_path):
    book = openpyxl.load_workbook(workbook_path)
    rng = np.random.default_rng(7)
    indicators = catalog.indicators()
    expected = []
    for ws in book.worksheets:
        for r in range(workbook.HEADER_ROW + 1, ws.max_row + 1):
            ind = ws.cell(r, 1).value
            kind = indicators.loc[ind, "kind"]
            for col, year in ((4, 2024), (5, 2023)):
                if kind == "rate":
                    value = round(float(rng.uniform(0, 100)), 2)
                elif kind == "amount":
                    value = round(float(rng.uniform(0, 1e7)), 2)
                else:
                    value = int(rng.integers(0, 5000))
                ws.cell(r, col, value)
                expected.append(
                    {
                        "region": "达坂城区",
                        "year": year,
                        "indicator": ind,
                        "value": float(value),
                        "unit": indicators.loc[ind, "unit"],
                        "approx": False,
                        "source": f"filled.xlsx#{ws.title}!{'D' if col == 4 else 'E'}{r}",
                        "raw": str(value),
                        "label": indicators.loc[ind, "name"],
                        "section": indicators.loc[ind, "section"],
                    }
                )
    path = tmp_path / "filled.xlsx"
    book.save(path)
    result = clean.clean_files([path])
    assert result.rejects.empty
    pd.testing.assert_frame_equal(result.table, tidy.conform(pd.DataFrame(expected)))


def test_template_without_region_needs_region_on_clean(tmp_path):
    path = workbook.write_template(tmp_path / "t.xlsx", year=2024)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws.cell(workbook.HEADER_ROW + 1, 4, 3)
    book.save(path)
    assert set(clean.clean_files([path]).rejects["reason"]) == {"no_region"}
    assert clean.clean_files([path], region="甲区").table[["region", "year", "value"]].values.tolist() == [
        ["甲区", 2024, 3.0]
    ]


def test_cli_template(tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["template", "--region", "甲区", "--year", "2025", "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out).worksheets[0].cell(workbook.HEADER_ROW, 4).value == "本年数值（2025年）"
    assert main(["template", "-o", str(tmp_path / "x.xls")]) == 2
    assert "x.xls" in capsys.readouterr().err
    with pytest.raises(InputError):
        workbook.write_template(tmp_path / "x.csv")
