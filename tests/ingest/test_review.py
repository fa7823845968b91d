"""The review loop: fazhi review writes the figures to check; filled in, fazhi build applies them as overrides."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import run_fazhi

from fazhi_analysis import build
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import review

# Sources by hand: line 4 is 全年收到行政复议申请11件，结案5件。设立法律援助工作站23个，办理法律援助案件40件。
# 11件 starts at column 11, 5件 at 17 (10 + 3 + 3 characters before it), 23个 at 29 (19 + 9), 40件 at 41.
TEXT = (
    "达坂城区人民政府2024年度法治政府建设情况报告\n"
    "一、主要举措和成效\n"
    "(五)行政复议和法律服务\n"
    "全年收到行政复议申请11件，结案5件。设立法律援助工作站23个，办理法律援助案件40件。\n"
)
CLOSED, STATIONS = "report.txt:4:17", "report.txt:4:29"


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "raw"
    folder.mkdir(parents=True)
    (folder / "report.txt").write_text(TEXT, encoding="utf-8")
    return folder


def _rows(path: Path) -> list[dict]:
    sheet = openpyxl.load_workbook(path)[review.SHEET]
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row)) for row in rows]


def _fill(sheet_path: Path, ids: dict[str, str], out: Path, extra: list[list] = ()) -> None:
    """Fill 指标编号 of the rows whose 来源 is in ``ids`` by hand, add ``extra`` rows, save as ``out``."""
    book = openpyxl.load_workbook(sheet_path)
    sheet = book[review.SHEET]
    header = [c.value for c in sheet[1]]
    key, column = header.index(review.KEY) + 1, header.index(review.ID) + 1
    for row in range(2, sheet.max_row + 1):
        source = sheet.cell(row=row, column=key).value
        if source in ids:
            sheet.cell(row=row, column=column, value=ids[source])
    for cells in extra:
        sheet.append([dict(cells).get(name) for name in header])
    book.save(out)


def _built(raw: Path, tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    table, findings, _ = build.build_checked(raw, tmp_path / "processed", quiet=True)
    return table.set_index("source"), findings


def test_review_sheet_lists_unmapped_and_unsure_figures_with_candidates(raw, tmp_path):
    path, count = build.review_sheet(raw, tmp_path / "review.xlsx", below=1.0)
    rows = _rows(path)
    # Below 1 every mapped figure is unsure; 23个 is left empty (工作站 are no legal-aid cases, and 40件 is).
    assert count == 4 and [r[review.KEY] for r in rows] == ["report.txt:4:11", CLOSED, STATIONS, "report.txt:4:41"]
    closed, stations = rows[1], rows[2]
    assert (closed["当前指标"], closed["数字"], closed["单位"], closed["数值"]) == (
        "disputes.reconsideration_closed",
        "5件",
        "件",
        5,
    )
    assert 0 < closed["置信度"] < 1
    assert stations["当前指标"] is None and stations["理由"].startswith("abstain:")
    assert stations["候选指标"].startswith("disputes.legal_aid_cases ")
    assert stations["句子"] == "设立法律援助工作站23个，办理法律援助案件40件。" and stations[review.ID] is None
    validation = openpyxl.load_workbook(path)[review.SHEET].data_validations.dataValidation[0]
    assert str(validation.sqref) == "L2:L5" and validation.formula1.startswith(f"'{review.CATALOG_SHEET}'!$A$2")
    _, default_count = build.review_sheet(raw, tmp_path / "default.xlsx")
    assert default_count == 1  # by default only the unmapped 23个


def test_overrides_win_survive_rebuilds_and_stale_ones_warn(raw, tmp_path):
    sheet, _ = build.review_sheet(raw, tmp_path / "review.xlsx", below=1.0)
    by_hand = {STATIONS: "functions.service_items_published", CLOSED: "-"}
    stale = [(review.KEY, "report.txt:9:1"), (review.RAW, "7件"), (review.ID, "disputes.legal_aid_cases")]
    _fill(sheet, by_hand, raw / "overrides.xlsx", extra=[stale])
    for _ in range(2):  # the overrides live in data/raw: a second build keeps them
        table, findings = _built(raw, tmp_path)
        assert table.loc[STATIONS, "indicator"] == "functions.service_items_published"
        assert table.loc[STATIONS, "section"] == "functions"
        assert pd.isna(table.loc[CLOSED, "indicator"])  # - removes the automatic id
        assert table.loc[CLOSED, ["confidence", "reason"]].tolist() == [1.0, "override"]
        untouched = table.loc["report.txt:4:11"]  # not overridden: as the extractor left it
        assert untouched["indicator"] == "disputes.reconsideration_applications" and untouched["reason"] != "override"
        warned = findings[findings["rule"] == "override"]
        assert warned["source"].tolist() == ["report.txt:9:1"] and warned["level"].tolist() == ["warning"]
        assert "overrides.xlsx 第 6 行" in warned["message_zh"].iat[0] and "7件" in warned["message_zh"].iat[0]
    again, _ = build.review_sheet(raw, tmp_path / "again.xlsx", below=1.0)
    given = {r[review.KEY]: r[review.ID] for r in _rows(again) if r[review.ID]}
    assert given == {CLOSED: "无", STATIONS: by_hand[STATIONS]}


def test_an_edited_text_leaves_the_override_unapplied_with_a_warning(raw, tmp_path):
    (raw / "overrides.csv").write_text(
        f"来源,数字,指标编号\n{CLOSED},5件,无\n{STATIONS},23个,\n", encoding="utf-8-sig"
    )  # the empty id of row 3 is no override
    table, findings = _built(raw, tmp_path)
    assert pd.isna(table.loc[CLOSED, "indicator"]) and findings[findings["rule"] == "override"].empty
    (raw / "report.txt").write_text(TEXT.replace("结案5件", "结案6件"), encoding="utf-8")
    table, findings = _built(raw, tmp_path)
    assert table.loc[CLOSED, "indicator"] == "disputes.reconsideration_closed"  # 6件: the automatic mapping
    warned = findings[findings["rule"] == "override"]
    assert warned["source"].tolist() == [CLOSED] and "overrides.csv 第 2 行" in warned["message_zh"].iat[0]


def test_an_unknown_id_is_an_input_error_naming_file_row_and_id(raw, tmp_path):
    (raw / "overrides.csv").write_text(f"来源,指标编号\n{STATIONS},\n{CLOSED},disputes.no_such_id\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"overrides.csv: 第 3 行的指标编号 'disputes.no_such_id'"):
        build.build_checked(raw, tmp_path / "processed", quiet=True)
    done = run_fazhi("build", "--raw", str(raw), "--processed", str(tmp_path / "p"), "--project", str(tmp_path))
    assert done.returncode == 2 and "disputes.no_such_id" in done.stderr and "row 3" in done.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"来源,指标编号\n{CLOSED},disputes.reconsideration_closed\n{CLOSED},-\n", "第 2 行与第 3 行"),
        ("地区,指标编号\n甲区,-\n", "缺少列 来源"),
        ("来源,指标编号\n,-\n", "第 2 行填了指标编号但没有来源"),
    ],
)
def test_contradicting_or_incomplete_overrides_are_refused(tmp_path, text, message):
    path = tmp_path / "overrides.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        review.read_overrides(path)


def test_cells_are_defused_and_read_back_without_the_escape(tmp_path):
    figures = pd.DataFrame(
        {
            "source": ["=cmd.txt:1:1"],
            "region": ["甲区"],
            "year": [2024],
            "sentence": ["=HYPERLINK(1)"],
            "raw": ["3件"],
            "value": [3.0],
            "unit": ["件"],
            "indicator": [pd.NA],
            "confidence": [0.0],
            "reason": ["abstain:no_alias"],
            "candidates": [[]],
        }
    )
    path = review.write_review(review.review_table(figures), tmp_path / "r.xlsx")
    row = _rows(path)[0]
    assert row["来源"] == "'=cmd.txt:1:1" and row["句子"] == "'=HYPERLINK(1)"
    _fill(path, {"'=cmd.txt:1:1": "无"}, tmp_path / "overrides.xlsx")
    read = review.read_overrides(tmp_path / "overrides.xlsx")
    assert read["source"].tolist() == ["=cmd.txt:1:1"] and read["indicator"].isna().all()


def test_both_override_files_are_refused_and_neither_is_a_department_table(raw):
    (raw / "overrides.csv").write_text("来源,指标编号\n", encoding="utf-8")
    from fazhi_analysis.ingest import discover

    assert discover.spreadsheet_files(raw) == []
    (raw / "overrides.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="keep one"):
        review.find_overrides(raw)


def test_fazhi_review_writes_the_sheet_into_the_project(raw, tmp_path):
    done = run_fazhi("review", "--project", str(tmp_path), "--below", "1")
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == tmp_path / "reports" / "review.xlsx"
    assert "4 个待复核数字" in done.stderr and len(_rows(tmp_path / "reports" / "review.xlsx")) == 4
