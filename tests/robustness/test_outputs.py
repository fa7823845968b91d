"""Text from the inputs is data: in a CSV or XLSX written for people it never becomes a formula; Parquet and
JSON stay exact; a region never becomes a path outside the output folder (fazhi_analysis.table.names)."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from fazhi_analysis import checks
from fazhi_analysis.cli import main
from fazhi_analysis.ingest import workbook
from fazhi_analysis.table import catalog, tidy, write
from fazhi_analysis.table.names import inside, region_problem, safe_region, shown

STARTS = ["=", "+", "-", "@", "\t", "\r"]
IDS = ["equals", "plus", "minus", "at", "tab", "cr"]


def _hostile(start: str) -> pd.DataFrame:
    """A tidy table whose region, label and raw cells begin with ``start``; a negative value beside them."""
    return tidy.conform(
        pd.DataFrame(
            {
                "region": [f'{start}HYPERLINK("http://x.example","点击")', "甲区"],
                "year": [2024, 2024],
                "indicator": ["disputes.reconsideration_applications", pd.NA],
                "value": [-3.5, 12.0],
                "unit": ["件", "件"],
                "approx": [False, True],
                "source": ["a.csv#表1!C3", "a.csv#表1!C4"],
                "raw": [f"{start}SUM(1)", "12余"],
                "label": [f"{start}1+1法律援助案件", "法律援助"],
                "section": ["disputes", pd.NA],
            }
        )
    )


def _read_csv_text(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


# --- defuse -----------------------------------------------------------------------------------


@pytest.mark.parametrize("start", STARTS, ids=IDS)
def test_defuse_quotes_text_that_could_start_a_formula(start):
    assert write.defuse(f"{start}SUM(1)") == f"'{start}SUM(1)"


@pytest.mark.parametrize("value", ["达坂城区", "130余", "'=already quoted", "", " =1", "1-2", 3, -3.0, None, True])
def test_defuse_leaves_other_values_as_they_are(value):
    assert write.defuse(value) is value


def test_defused_keeps_dtypes_and_numbers_and_does_not_touch_its_input():
    table = _hostile("=")
    before = table.copy()
    out = write.defused(table)
    pd.testing.assert_frame_equal(table, before)
    assert out.dtypes.equals(table.dtypes)
    assert out["value"].tolist() == [-3.5, 12.0]
    assert out["region"].tolist() == ['\'=HYPERLINK("http://x.example","点击")', "甲区"]
    mixed = write.defused(pd.DataFrame({"x": ["-1", -1, pd.NA]}, dtype=object))
    assert mixed["x"].tolist()[:2] == ["'-1", -1]


# --- CSV, Parquet, JSON, XLSX -----------------------------------------------------------------


@pytest.mark.parametrize("start", STARTS, ids=IDS)
def test_write_table_csv_is_defused_parquet_exact(tmp_path, start):
    table = _hostile(start)
    parquet, csv = write.write_table(table, tmp_path / "indicators")
    back = _read_csv_text(csv)
    assert back.loc[0, "region"] == f'\'{start}HYPERLINK("http://x.example","点击")'
    assert back.loc[0, "label"] == f"'{start}1+1法律援助案件"
    assert back.loc[0, "raw"] == f"'{start}SUM(1)"
    assert back.loc[1].tolist()[:1] == ["甲区"] and back.loc[1, "raw"] == "12余"
    numbers = pd.read_csv(csv, encoding="utf-8-sig")
    assert numbers["value"].tolist() == [-3.5, 12.0]  # a negative number stays a number
    assert numbers["value"].dtype == float
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), table)


@pytest.mark.parametrize("start", STARTS, ids=IDS)
def test_write_file_csv_and_xlsx_are_defused_json_and_parquet_exact(tmp_path, start):
    table = _hostile(start)
    write.write_file(table, tmp_path / "t.csv")
    assert _read_csv_text(tmp_path / "t.csv").loc[0, "label"] == f"'{start}1+1法律援助案件"

    write.write_file(table, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    header = [c.value for c in ws[1]]
    assert header == tidy.TIDY_COLUMNS
    row = {name: cell for name, cell in zip(header, ws[2])}
    assert row["region"].value.startswith(f"'{start}HYPERLINK")
    assert row["raw"].value == f"'{start}SUM(1)"
    assert row["label"].value == f"'{start}1+1法律援助案件"
    assert row["value"].value == -3.5 and row["value"].data_type == "n"
    assert not [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]

    write.write_file(table, tmp_path / "t.json")
    records = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert records[0]["label"] == f"{start}1+1法律援助案件" and records[0]["value"] == -3.5

    write.write_file(table, tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), table)


def test_write_records_csv_on_stdout_is_defused(capsys):
    write.write_records(_hostile("@"), fmt="csv", out=None)
    back = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert back.loc[0, "raw"] == "'@SUM(1)"
    assert back.loc[0, "value"] == "-3.5"


def test_findings_csv_is_defused(tmp_path):
    table = tidy.conform(
        pd.DataFrame(
            {
                "region": ["=1+2"],
                "year": [2024],
                "indicator": ["disputes.reconsideration_applications"],
                "value": [5.0],
                "unit": ["-件"],
                "approx": [False],
                "source": ["@a.csv#表1!C3"],
            }
        )
    )
    findings = checks.check(table)
    unit = findings[findings["rule"] == "unit"]
    assert unit["message_zh"].iloc[0].startswith("=1+2 2024年")
    _, csv = write.write_table(findings, tmp_path / "findings")
    back = _read_csv_text(csv)
    row = back[back["rule"] == "unit"].iloc[0]
    assert row["region"] == "'=1+2" and row["source"] == "'@a.csv#表1!C3"
    assert row["message_zh"].startswith("'=1+2") and row["message_en"].startswith("'=1+2")


def test_clean_output_and_rejects_are_defused(tmp_path):
    source = tmp_path / "表.csv"
    rows = ["指标名称,单位,数值", "+1+1法律援助案件,件,7", "收到行政复议申请,件,=1+10", "行政复议结案,件,-2"]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out, rejects = tmp_path / "cleaned.xlsx", tmp_path / "rejects.csv"
    args = ["clean", str(source), "--region", "=甲区", "--year", "2024", "-o", str(out), "--rejects", str(rejects)]
    assert main(args) == 0
    ws = openpyxl.load_workbook(out).active
    cells = [c for r in ws.iter_rows(min_row=2) for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'=甲区" in texts and "=甲区" not in texts
    values = [c.value for c in ws["D"][1:]]
    assert -2 in values  # the negative figure is a number
    back = _read_csv_text(rejects)
    assert "'+1+1法律援助案件" in back["label"].tolist()
    assert all(not v.startswith(tuple(write.FORMULA_STARTS)) for col in back for v in back[col])


# --- the fill-in template ---------------------------------------------------------------------


def test_template_text_never_starts_a_formula(tmp_path, monkeypatch):
    indicators = catalog.indicators()
    first = indicators.index[0]
    indicators.loc[first, "name"] = "+1+1法律援助案件"
    indicators.loc[first, "unit"] = "=件"
    sections = catalog.sections()
    sections.iloc[0, sections.columns.get_loc("title")] = "@板块"
    monkeypatch.setattr(workbook.catalog, "indicators", lambda: indicators.copy())
    monkeypatch.setattr(workbook.catalog, "sections", lambda: sections.copy())
    path = workbook.write_template(tmp_path / "t.xlsx", region='=HYPERLINK("http://x.example")', year=2024)
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells]
    assert "'+1+1法律援助案件" in texts and "'=件" in texts
    assert book.worksheets[0]["A1"].value.startswith("'=HYPERLINK")
    assert not [t for t in texts if isinstance(t, str) and t.startswith(tuple(write.FORMULA_STARTS))]


# --- safe region names, paths inside a folder -------------------------------------------------

BAD_REGIONS = {
    "../../../tmp/x": "..",
    "/tmp/x": "separator",
    "甲区/乙区": "separator",
    "甲区\\乙区": "separator",
    "..\\x": "..",
    ".": "cannot be",
    "..": "cannot be",
    "甲区\n": "control",
    "甲\t区": "control",
    "甲\x00区": "control",
    "甲\r区": "control",
    "甲\u202e区": "control",  # a bidi override
    " 甲区": "whitespace",
    "甲区 ": "whitespace",
    "\u3000甲区": "whitespace",  # an ideographic space
    "": "empty",
    "区" * 65: "65 characters",
}
GOOD_REGIONS = ["达坂城区", "乙{year}区", '"甲"区', "甲 区", "乌鲁木齐市达坂城区", "a.b", "...区", "区" * 64]


@pytest.mark.parametrize("name", list(BAD_REGIONS), ids=[repr(n)[:20] for n in BAD_REGIONS])
def test_unsafe_regions_have_a_reason(name):
    reason = safe_region(name)
    assert reason is not None and BAD_REGIONS[name] in reason
    zh, en = region_problem(name)
    assert reason == f"{zh} / {en}"
    assert "\n" not in shown(name) and "\x00" not in shown(name)


@pytest.mark.parametrize("name", GOOD_REGIONS)
def test_safe_regions(name):
    assert safe_region(name) is None and region_problem(name) is None and shown(name) == name


@pytest.mark.parametrize("name", [None, 3, pd.NA])
def test_a_region_that_is_not_text_is_not_safe(name):
    assert safe_region(name) == "不是文本 / is not text"


def test_inside(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    assert inside(out, out)
    assert inside(out, out / "甲区" / "2024" / "annual_report.html")
    assert not inside(out, out / ".." / "x")
    assert not inside(out, out / "甲区" / ".." / ".." / "x")
    assert not inside(out, tmp_path / "reports-other")  # a prefix of the name is not a parent
    assert not inside(out, "/tmp/x")
    assert not inside(out, out / "/tmp/x")  # an absolute region replaces the folder when joined
    monkeypatch.chdir(tmp_path)
    assert inside("reports", "reports/甲区/2024") and not inside("reports", "reports/../x")
    assert inside(out, "reports/甲区")
    out.mkdir()
    (out / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert not inside(out, out / "link" / "x")  # a symbolic link out of the folder
