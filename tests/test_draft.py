"""fazhi check-draft: the parts a report must have, title and years, figures, last year's indicators, deadline."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pandas as pd
import pytest
from conftest import SEED, run_fazhi
from report_data import REGION, YEAR, gold_table

from fazhi_analysis import checks, deadline, draft, project
from fazhi_analysis.errors import InputError
from fazhi_analysis.table import tidy

SPRING = date(2025, 3, 20)  # before the default deadline of the 2024 report (2025-04-01)


def _rules(found: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(found["level"], found["rule"]))


def _sheet_row(indicator: str, value: float, unit: str) -> pd.DataFrame:
    row = {"region": REGION, "year": YEAR, "indicator": indicator, "value": value, "unit": unit, "approx": False,
           "source": "部门报表.xlsx#表1!C3", "raw": pd.NA, "label": pd.NA, "section": "disputes"}  # fmt: skip
    return pd.DataFrame([row])


def test_the_seed_passes_except_for_what_it_lacks() -> None:
    found = draft.check_draft(SEED, table=gold_table(), today=SPRING)
    # it has no 第一责任人 part and no 其他 part, and opens with a sentence instead of a title line
    assert _rules(found) == [("error", "part_missing"), ("warning", "part_missing"), ("warning", "title"),
                             ("note", "deadline")]  # fmt: skip
    assert "第一责任人" in found["message_zh"].iloc[0] and "其他需要报告的情况" in found["message_zh"].iloc[1]
    assert found["line"].tolist() == [0, 0, 1, 0]
    assert found["message_zh"].iloc[3] == "报送期限 2025年04月01日，还有12天"
    assert draft.has_errors(found)


def test_the_api_exposes_check_draft_of_its_stage() -> None:
    import fazhi_analysis

    assert fazhi_analysis.check_draft is draft.check_draft and not hasattr(checks, "check_draft")


def test_without_its_shortcomings_part_the_draft_fails_naming_it(tmp_path) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[32] == "二、存在的不足" and lines[37].startswith("三、")
    copy = tmp_path / "draft.txt"
    copy.write_text("\n".join(lines[:32] + lines[37:]), encoding="utf-8")
    result = run_fazhi("check-draft", str(copy), "--today", "2025-03-20", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "错误 全文：缺少“存在的不足和原因”部分" in result.stdout
    assert "错误 2，警告 2，提示 1" in result.stdout  # 第一责任人 and 不足 missing; 其他, title; the deadline


def test_a_figure_against_the_departments_table_is_found_with_its_line() -> None:
    apps, wage = "disputes.reconsideration_applications", "study.wage_arrears_recovered"
    table = pd.concat([gold_table(), _sheet_row(apps, 12.0, "件"), _sheet_row(wage, 15471600.0, "元")])
    found = draft.check_draft(SEED, table=tidy.conform(table), today=SPRING)
    conflicts = found[found["rule"] == "table_conflict"]
    # the draft's 11件 (line 25) against the table's 12; 1547.16万元 agrees with 15471600 元
    assert conflicts[["level", "line", "heading"]].values.tolist() == [
        ["error", 25, "(五)扎实推进行政应诉、行政复议和调解工作"]
    ]
    assert conflicts["message_zh"].iloc[0] == "收到行政复议申请：草稿写11件，部门报表为12件（部门报表.xlsx#表1!C3）"


def test_rounding_of_the_written_figure_is_allowed() -> None:
    assert draft._tolerance(15470000.0, "1547万元", False) == pytest.approx(5000.0)  # half of 1万
    assert draft._tolerance(15471600.0, "1547.16万元", False) == pytest.approx(50.0)
    assert draft._tolerance(130.0, "130余份", True) == pytest.approx(13.0)


def test_an_indicator_of_last_year_missing_now_is_listed() -> None:
    corrected, apps = "disputes.reconsideration_corrected", "disputes.reconsideration_applications"
    last = pd.concat([_sheet_row(corrected, 3.0, "件"), _sheet_row(apps, 8.0, "件")]).assign(year=YEAR - 1)
    found = draft.check_draft(SEED, previous=tidy.conform(last), today=SPRING)
    dropped = found[found["rule"] == "dropped"]
    assert dropped["message_zh"].tolist() == [
        "上年报告了“行政复议纠错(撤销/变更/确认违法/责令履行)”（部门报表.xlsx#表1!C3），本稿未见"
    ]
    assert dropped["cell"].tolist() == ["部门报表.xlsx#表1!C3"]


def test_previous_report_text(tmp_path) -> None:
    last = tmp_path / "2023.txt"
    last.write_text("达坂城区人民政府2023年度法治政府建设情况报告\n全年办理行政复议纠错3件。\n", encoding="utf-8")
    found = draft.check_draft(SEED, previous=last, today=SPRING)
    assert found.loc[found["rule"] == "dropped", "message_zh"].str.contains("纠错").tolist() == [True]


DRAFT = """甲区人民政府2024年度法治政府建设情况报告
一、2024年法治政府建设主要举措和成效
全年收到行政复议申请5件，行政复议结案8件。
二、存在的不足和原因
人手少。
三、党政主要负责人履行推进法治建设第一责任人职责情况
主要负责人带头学法。
四、2024年工作安排
加强培训。
五、其他需要报告的情况
无。
"""


def test_relation_break_and_wrong_year_in_a_heading(tmp_path) -> None:
    path = tmp_path / "甲区.txt"
    path.write_text(DRAFT, encoding="utf-8")
    found = draft.check_draft(path, today=SPRING)
    assert _rules(found) == [("error", "relation"), ("warning", "year"), ("note", "deadline")]
    relation, year = found.iloc[0], found.iloc[1]
    assert (relation["line"], relation["heading"]) == (3, "一、2024年法治政府建设主要举措和成效")
    assert "行政复议结案" in relation["message_zh"] and "disputes." not in relation["message_zh"]
    assert (year["line"], year["message_zh"]) == (8, "标题年份为2024年，应为2025年")


def test_deadline_default_level_and_project_override(tmp_path) -> None:
    days = deadline.load_deadlines(project.Project(tmp_path))
    assert days["county"] == "04-01" and days["department"] == "03-01"
    late = draft.deadline_finding(2024, "county", date(2025, 4, 3), days)
    assert (late["level"], late["message_zh"]) == ("warning", "已过报送期限 2025年04月01日（2天）")
    assert draft.deadline_finding(2024, "department", date(2025, 3, 1), days)["message_zh"].endswith("还有0天")
    (tmp_path / "deadlines.yaml").write_text('county: "03-15"\n', encoding="utf-8")
    assert deadline.load_deadlines(project.Project(tmp_path))["county"] == "03-15"
    (tmp_path / "deadlines.yaml").write_text('county: "13-40"\n', encoding="utf-8")
    with pytest.raises(InputError, match="13-40"):
        deadline.load_deadlines(project.Project(tmp_path))


def test_a_project_given_wins_over_the_working_one(tmp_path, monkeypatch) -> None:
    """Its deadlines.yaml (as its overrides and catalog), with the working directory in another project."""
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        (root / "data" / "raw").mkdir(parents=True)
    (b / "deadlines.yaml").write_text('county: "03-01"\n', encoding="utf-8")
    monkeypatch.delenv(project.ROOT_ENV, raising=False)
    monkeypatch.chdir(a)
    found = draft.check_draft(SEED, table=gold_table(), today=SPRING, here=project.Project(b))
    assert found[found["rule"] == "deadline"]["message_zh"].tolist() == ["已过报送期限 2025年03月01日（19天）"]
    found = draft.check_draft(SEED, table=gold_table(), today=SPRING)
    assert found[found["rule"] == "deadline"]["level"].tolist() == ["note"]


def test_json_and_xlsx_outputs(tmp_path) -> None:
    path = tmp_path / "甲区.txt"
    path.write_text(DRAFT, encoding="utf-8")
    result = run_fazhi("check-draft", str(path), "--format", "json", "--today", "2025-04-03", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    records = json.loads(result.stdout)
    assert [r["rule"] for r in records] == ["relation", "deadline", "year"]  # warnings: the whole draft (line 0) first
    assert records[0]["line"] == 3 and records[1]["level"] == "warning"
    out = tmp_path / "意见.xlsx"
    result = run_fazhi("check-draft", str(path), "--format", "xlsx", "--out", str(out), "--today", "2025-03-20",
                       cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1 and out.is_file()
    rows = list(openpyxl.load_workbook(out).active.values)
    assert rows[0] == ("级别", "规则", "所在标题", "段", "句", "原句", "行", "报表单元格或来源", "意见", "note")
    assert rows[1][:7] == ("错误", "relation", "一、2024年法治政府建设主要举措和成效", 3, 1,
                           "全年收到行政复议申请5件，行政复议结案8件。", 3)  # fmt: skip


def test_xlsx_cells_are_defused(tmp_path) -> None:
    place = draft.Place('=HYPERLINK("x")', 1, 1, "@SUM(1)", 1)
    found = draft._frame([draft._finding("warning", "title", place, "-1", "+x", "=A1")])
    draft.write(found, "xlsx", tmp_path / "f.xlsx")
    row = list(openpyxl.load_workbook(tmp_path / "f.xlsx").active.values)[1]
    assert (row[2], row[5], row[7], row[8]) == ('\'=HYPERLINK("x")', "'@SUM(1)", "'=A1", "'-1")


def test_bad_input(tmp_path) -> None:
    with pytest.raises(InputError, match="unknown level"):
        draft.check_draft(SEED, level="village")
    with pytest.raises(InputError, match="--out"):
        draft.write(draft._frame([]), "xlsx", None)
    result = run_fazhi("check-draft", str(tmp_path / "none.docx"), cwd=tmp_path)
    assert result.returncode == 2 and "none.docx" in result.stderr


REVIEWED = """甲区人民政府2024年度法治政府建设情况报告
一、2024年法治政府建设主要举措和成效
全年罚没金额2,356.8万元，办理行政处罚案件２２１件。
开展执法检查120次，发现问题15个。
调解各类矛盾纠纷1,203件。
收到行政复议申请１１件。
二、存在的不足和原因
人手少。
三、党政主要负责人履行推进法治建设第一责任人职责情况
主要负责人带头学法。
四、2025年工作安排
加强培训。
五、其他需要报告的情况
无。
"""
MEDIATED, ISSUES = "disputes.disputes_mediated", "enforcement.supervision_issues_found"


def _office_project(tmp_path):
    """A project whose analysts reviewed the report text in data/raw (overrides.csv: 1,203件 is 调解纠纷, 15个 is no
    indicator), with the departments' sheet (2356.8万元, 221件, 11件, 1203件, 8个) and last year's figures."""
    from fazhi_analysis.ingest import extract, review

    raw = tmp_path / "project" / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "甲区_2024.txt").write_text(REVIEWED, encoding="utf-8")
    figures = extract.extract_candidates(REVIEWED).assign(region="甲区", year=YEAR)
    figures["source"] = [f"甲区_2024.txt:{REVIEWED.count(chr(10), 0, s) + 1}:1" for s in figures["start"]]
    sheet = review.review_table(figures, below=1.0)
    sheet["指标编号"] = sheet["数字"].map({"1,203件": MEDIATED, "15个": "无"}).fillna("")
    sheet.to_csv(raw / "overrides.csv", index=False, encoding="utf-8-sig")
    rows = [
        ("enforcement.penalty_amount", 23568000.0, "元"),
        ("enforcement.penalty_cases", 221.0, "件"),
        ("disputes.reconsideration_applications", 11.0, "件"),
        (MEDIATED, 1203.0, "件"),
        (ISSUES, 8.0, "个"),
    ]
    sheet_rows = [_sheet_row(i, v, u) for i, v, u in rows]
    last = [_sheet_row(MEDIATED, 1100.0, "件"), _sheet_row("legal_education.grassroots_events", 40.0, "场")]
    table = tidy.conform(pd.concat([*sheet_rows, *(r.assign(year=YEAR - 1) for r in last)]).assign(region="甲区"))
    table.to_parquet(tmp_path / "table.parquet")
    return raw.parent.parent


def _check(tmp_path, text: str) -> tuple[int, list[dict]]:
    root = _office_project(tmp_path)
    path = tmp_path / "草稿.txt"  # edited: a line more at the top, so every line number moved
    path.write_text(text.replace("\n", "\n（此为修改稿）\n", 1), encoding="utf-8")
    args = ("--data", str(tmp_path / "table.parquet"), "--format", "json", "--today", "2025-03-20")
    result = run_fazhi("check-draft", str(path), *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_correct_draft_with_separators_full_width_digits_and_overrides_passes(tmp_path) -> None:
    code, found = _check(tmp_path, REVIEWED)
    # 2,356.8万元, ２２１件 and １１件 agree with the sheet; the overrides make 1,203件 调解纠纷 (agreeing, and
    # seen) and 15个 no indicator (no false conflict with the sheet's 8个); only last year's 普法宣传 is truly absent
    assert code == 0, found
    assert [(f["level"], f["rule"]) for f in found] == [("warning", "dropped"), ("note", "deadline")]
    assert "普法" in found[0]["message_zh"] and found[0]["cell"] == "部门报表.xlsx#表1!C3"


def test_a_wrong_draft_is_flagged_at_its_paragraph_sentence_and_the_departments_cell(tmp_path) -> None:
    wrong = REVIEWED.replace("2,356.8万元", "2,536.8万元").replace("１１件", "１２件")
    code, found = _check(tmp_path, wrong)
    assert code == 1
    conflicts = [f for f in found if f["rule"] == "table_conflict"]
    assert [(f["paragraph"], f["sentence_no"], f["sentence"], f["line"], f["cell"]) for f in conflicts] == [
        (4, 1, "全年罚没金额2,536.8万元，办理行政处罚案件２２１件。", 4, "部门报表.xlsx#表1!C3"),
        (7, 1, "收到行政复议申请１２件。", 7, "部门报表.xlsx#表1!C3"),
    ]
    assert conflicts[0]["message_zh"] == "罚没金额：草稿写2536.8万元，部门报表为2356.8万元（部门报表.xlsx#表1!C3）"
    assert conflicts[0]["heading"] == "一、2024年法治政府建设主要举措和成效"


def test_a_draft_figure_is_read_by_the_extractors_number_reader() -> None:
    assert draft._tolerance(25368000.0, "2,536.8万元", False) == pytest.approx(500.0)  # not ±634万 from the "2"
    assert draft._tolerance(11.0, "１１件", False) == pytest.approx(0.5)


def test_the_tables_of_a_docx_draft_are_its_figures_too(tmp_path) -> None:
    import docx

    document = docx.Document()
    for line in REVIEWED.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=2)
    for r, cells in enumerate([("指标", "数值"), ("罚没金额", "2,536.8万元"), ("普法宣传活动", "40场")]):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    path = tmp_path / "草稿.docx"
    document.save(path)
    _office_project(tmp_path)
    sheet, no_overrides = pd.read_parquet(tmp_path / "table.parquet"), pd.DataFrame(columns=["raw", "sentence"])
    found = draft.check_draft(path, table=sheet, overrides=no_overrides, today=SPRING)
    conflicts = found[found["rule"] == "table_conflict"]
    assert (conflicts["sentence"] == "表1!B2").sum() == 1 and "草稿写2536.8万元" in " ".join(conflicts["message_zh"])
    assert "普法宣传活动" not in " ".join(found.loc[found["rule"] == "dropped", "message_zh"])  # in the table: seen
    assert "表格 表1!B2：罚没金额" in draft.as_text(found)
