"""Tests of fazhi_analysis.ingest.clean (and sheets, match) and `fazhi clean`, on small fixtures with expected rows."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fazhi_analysis.cli import main
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import clean
from fazhi_analysis.ingest.match import match_one
from fazhi_analysis.ingest.sheets import Sheet, iter_sheets, read_sheets
from fazhi_analysis.table import tidy

FIXTURES = Path(__file__).parents[1] / "fixtures" / "clean"


def _expected(rows: list[tuple], source_file: str) -> pd.DataFrame:
    """Tidy rows from (region, year, indicator, value, unit, approx, cell, raw, label)."""
    frame = pd.DataFrame(
        rows, columns=["region", "year", "indicator", "value", "unit", "approx", "cell", "raw", "label"]
    )
    frame["source"] = source_file + "#" + frame.pop("cell")
    frame["section"] = frame["indicator"].str.split(".").str[0]
    return tidy.conform(frame)


def _rejects(result: clean.CleanResult) -> list[tuple]:
    return list(zip(result.rejects["source"], result.rejects["raw"], result.rejects["reason"]))


def _check_accounting(result: clean.CleanResult, cells: int) -> None:
    assert result.cells == cells == len(result.table) + len(result.rejects)


def test_gbk_csv_with_title_row():
    result = clean.clean_files([FIXTURES / "gbk_title.csv"])
    expected = _expected(
        [
            ("甲区", 2024, "disputes.reconsideration_applications", 11.0, "件", False, "C3", "11", "收到行政复议申请"),
            ("甲区", 2024, "disputes.reconsideration_closed", 5.0, "件", False, "C4", "5", "行政复议结案"),
            ("甲区", 2024, "disputes.litigation_cases", 3.0, "件", False, "C5", "3", "行政应诉案件"),
        ],
        "gbk_title.csv",
    )
    pd.testing.assert_frame_equal(result.table, expected)
    assert result.rejects.empty
    _check_accounting(result, 3)


def test_wide_multi_year_table_with_approx_and_missing():
    result = clean.clean_files([FIXTURES / "wide_years.csv"], region="甲区")
    expected = _expected(
        [
            ("甲区", 2022, "enforcement.penalty_cases", 180.0, "件", False, "D2", "180", "行政处罚案件"),
            ("甲区", 2023, "enforcement.penalty_cases", 200.0, "件", False, "E2", "200", "行政处罚案件"),
            ("甲区", 2024, "enforcement.penalty_cases", 221.0, "件", False, "F2", "221", "行政处罚案件"),
            ("甲区", 2022, "enforcement.officers_trained", 100.0, "人次", True, "D3", "100余", "培训执法人员"),
            ("甲区", 2023, "enforcement.officers_trained", 120.0, "人次", False, "E3", "120", "培训执法人员"),
            ("甲区", 2024, "enforcement.officers_trained", 130.0, "人次", True, "F3", "130余", "培训执法人员"),
            ("甲区", 2023, "disputes.legal_aid_cases", 15.0, "件", False, "E4", "15", "法律援助案件"),
            ("甲区", 2024, "disputes.legal_aid_cases", 18.0, "件", False, "F4", "18", "法律援助案件"),
        ],
        "wide_years.csv",
    )
    pd.testing.assert_frame_equal(result.table, expected)
    assert _rejects(result) == [("wide_years.csv#D4", "—", "missing")]
    _check_accounting(result, 9)


def test_long_table_with_wanyuan_and_yu():
    result = clean.clean_files([FIXTURES / "long_wanyuan.csv"])
    expected = _expected(
        [
            ("甲区", 2024, "enforcement.penalty_amount", 125000.0, "元", False, "E2", "12.5", "罚没金额"),
            ("甲区", 2024, "study.wage_arrears_recovered", 15471600.0, "元", False, "E3", "1547.16", "追回欠薪金额"),
            ("甲区", 2024, "disputes.mediation_amount", 4774800.0, "元", False, "E4", "477.48万", "调解纠纷涉及金额"),
            (
                "甲区",
                2024,
                "legal_education.grassroots_audience",
                20000.0,
                "人次",
                True,
                "E5",
                "2余",
                "普法活动覆盖群众",
            ),
            (
                "甲区",
                2024,
                "legal_education.materials_distributed",
                12000.0,
                "份",
                True,
                "E6",
                "1.2万余",
                "发放普法宣传资料",
            ),
        ],
        "long_wanyuan.csv",
    )
    pd.testing.assert_frame_equal(result.table, expected)
    assert result.rejects.empty


def test_misspelt_indicator_names():
    result = clean.clean_files([FIXTURES / "misspelt.csv"], region="甲区")
    assert result.table[["indicator", "value", "label"]].values.tolist() == [
        ["disputes.reconsideration_applications", 11.0, "收到行政复义申请"],
        ["disputes.reconsideration_closed", 5.0, "行政复议结按"],
        ["enforcement.penalty_cases", 221.0, "行政处罚案件数量"],
        ["disputes.legal_aid_cases", 9.0, "法律援助案例"],
    ]
    assert _rejects(result) == [
        ("misspelt.csv#C6", "3", "unknown_indicator"),
        ("misspelt.csv#C7", "2", "unknown_indicator"),
    ]
    assert "天气预报" in result.rejects["message_zh"].iloc[0]
    assert "enforcement.supervision_inspection_rounds" in result.rejects["message_en"].iloc[1]  # ambiguous, named
    strict = clean.clean_files([FIXTURES / "misspelt.csv"], region="甲区", threshold=95)
    assert strict.table["label"].tolist() == ["行政处罚案件数量"]


def test_text_in_number_cells_and_unit_mismatch():
    result = clean.clean_files([FIXTURES / "text_cells.csv"], region="甲区")
    expected = _expected(
        [
            ("甲区", 2023, "enforcement.inspections", 900.0, "场次", False, "C2", "900", "行政检查"),
            ("甲区", 2024, "enforcement.inspections", 972.0, "场次", False, "D2", "972", "行政检查"),
            ("甲区", 2024, "enforcement.administrative_licenses", 955.0, "次", False, "D3", "955", "行政许可"),
            ("甲区", 2024, "enforcement.administrative_payments", 26.0, "次", False, "D4", "26", "行政给付"),
            ("甲区", 2023, "enforcement.administrative_confirmations", 2.0, "次", False, "C5", "2次", "行政确认"),
            ("甲区", 2024, "enforcement.administrative_confirmations", 3.0, "次", True, "D5", "约3", "行政确认"),
            ("甲区", 2024, "enforcement.coercive_measures", 12.0, "件", False, "D6", "12", "行政强制"),
            ("甲区", 2024, "enforcement.penalty_cases", 6.0, "件", False, "D7", "6", "行政处罚案件"),
        ],
        "text_cells.csv",
    )
    pd.testing.assert_frame_equal(result.table, expected)
    assert _rejects(result) == [
        ("text_cells.csv#C3", "待统计", "unparsable"),
        ("text_cells.csv#C4", "无", "missing"),
        ("text_cells.csv#C6", "见附件", "unparsable"),
        ("text_cells.csv#C7", "5人次", "unit"),
    ]
    assert result.rejects["message_zh"].iloc[3] == "单位“人次”不是 enforcement.penalty_cases 的单位（件、起、宗、个）"
    _check_accounting(result, 12)


def test_duplicates_and_conflicting_value():
    result = clean.clean_files([FIXTURES / "duplicates.csv"])
    expected = _expected(
        [
            ("甲区", 2024, "disputes.litigation_cases", 5.0, "件", False, "E2", "5", "行政应诉案件"),
        ],
        "duplicates.csv",
    )
    pd.testing.assert_frame_equal(result.table, expected)
    assert _rejects(result) == [
        ("duplicates.csv#E3", "5", "duplicate"),
        ("duplicates.csv#E4", "9", "conflict"),
        ("duplicates.csv#E5", "10", "conflict"),
    ]
    assert result.rejects["message_zh"].iloc[0] == "与 duplicates.csv#E2 重复（同一地区、年度、指标）"
    assert "duplicates.csv#E4 为 9件；duplicates.csv#E5 为 10件" in result.rejects["message_zh"].iloc[1]
    assert "整洁表 1 行，拒收 3 个（重复 1，数值冲突 2）" in result.summary()


def _merged_workbook(path: Path) -> Path:
    """Two sheets with figures (merged two-row header by year and region; long with a merged region
    column), and a sheet of instructions only."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "复议应诉"
    ws.append(["2024年各区行政复议应诉情况"])
    ws.merge_cells("A1:D1")
    ws.append(["指标名称", "单位", "2024年", None])
    ws.append([None, None, "甲区", "乙区"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:D2")
    ws.append(["收到行政复议申请", "件", 11, 7])
    ws.append(["行政复议结案", "件", 5, 7])
    ws.append(["行政机关负责人出庭应诉率", None, 1, 0.57])
    ws["C6"].number_format = ws["D6"].number_format = "0%"
    ws.append(["合计", None, 17, 14])
    ws2 = book.create_sheet("执法")
    ws2.append(["地区", "年度", "指标", "单位", "数值"])
    ws2.append(["甲区", 2024, "行政处罚案件", "件", 221])
    ws2.append([None, 2024, "罚没金额", "万元", 12.5])
    ws2.merge_cells("A2:A3")
    ws2.append(["乙区", "2024年", "行政处罚案件", "起", 40])
    ws2.append(["填表人：张三  电话：13800000000"])
    ws3 = book.create_sheet("说明")
    ws3.append(["本表由司法局汇总，请勿改动表头。"])
    book.save(path)
    return path


def test_xlsx_with_merged_headers_and_two_sheets(tmp_path):
    path = _merged_workbook(tmp_path / "各区汇总.xlsx")
    result = clean.clean_files([path])
    expected = _expected(
        [
            (
                "甲区",
                2024,
                "disputes.reconsideration_applications",
                11.0,
                "件",
                False,
                "复议应诉!C4",
                "11",
                "收到行政复议申请",
            ),
            (
                "乙区",
                2024,
                "disputes.reconsideration_applications",
                7.0,
                "件",
                False,
                "复议应诉!D4",
                "7",
                "收到行政复议申请",
            ),
            ("甲区", 2024, "disputes.reconsideration_closed", 5.0, "件", False, "复议应诉!C5", "5", "行政复议结案"),
            ("乙区", 2024, "disputes.reconsideration_closed", 7.0, "件", False, "复议应诉!D5", "7", "行政复议结案"),
            (
                "甲区",
                2024,
                "disputes.head_appearance_rate",
                100.0,
                "%",
                False,
                "复议应诉!C6",
                "1",
                "行政机关负责人出庭应诉率",
            ),
            (
                "乙区",
                2024,
                "disputes.head_appearance_rate",
                57.0,
                "%",
                False,
                "复议应诉!D6",
                "0.57",
                "行政机关负责人出庭应诉率",
            ),
            ("甲区", 2024, "enforcement.penalty_cases", 221.0, "件", False, "执法!E2", "221", "行政处罚案件"),
            ("甲区", 2024, "enforcement.penalty_amount", 125000.0, "元", False, "执法!E3", "12.5", "罚没金额"),
            ("乙区", 2024, "enforcement.penalty_cases", 40.0, "起", False, "执法!E4", "40", "行政处罚案件"),
        ],
        "各区汇总.xlsx",
    )
    pd.testing.assert_frame_equal(result.table, expected)
    assert _rejects(result) == [
        ("各区汇总.xlsx#复议应诉!C7", "17", "total"),
        ("各区汇总.xlsx#复议应诉!D7", "14", "total"),
    ]
    assert result.skipped == ["各区汇总.xlsx#说明"]
    assert result.sheets == 2
    _check_accounting(result, 11)


def test_formula_without_cached_value_is_rejected_not_lost(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["指标名称", "2024年"])
    ws.append(["行政应诉案件", 5])
    ws.append(["法律援助案件", "=B2*2"])
    book.save(tmp_path / "f.xlsx")
    result = clean.clean_files([tmp_path / "f.xlsx"], region="甲区")
    assert result.table["value"].tolist() == [5.0]
    assert _rejects(result) == [("f.xlsx#Sheet!B3", "=B2*2", "unparsable")]
    assert "没有计算结果" in result.rejects["message_zh"].item()


def test_targets_changes_and_part_year_columns_are_not_the_years_figure():
    sheet = _grid(
        [
            ["指标名称", "2024年目标", "2024年完成", "同比增长", "2024年1-6月", "备注"],
            ["行政应诉案件", "6", "5", "25%", "2", "无"],
        ]
    )
    result = clean.clean_sheets([sheet], region="甲区")
    assert result.table[["year", "value", "source"]].values.tolist() == [[2024, 5.0, "grid.csv#C2"]]
    assert _rejects(result) == [
        ("grid.csv#B2", "6", "unknown_column"),
        ("grid.csv#D2", "25%", "unknown_column"),
        ("grid.csv#E2", "2", "unknown_column"),
    ]


def test_rates_fraction_without_unit_points_with_percent():
    sheet = _grid(
        [
            ["指标名称", "单位", "2024年"],
            ["调解成功率", None, "0.98"],
            ["行政机关负责人出庭应诉率", "%", "0.5"],
            ["行政诉讼败诉率", None, "12"],
            ["行政复议纠错率", None, "百分之十"],
        ]
    )
    result = clean.clean_sheets([sheet], region="甲区")
    assert result.table[["indicator", "value", "unit"]].values.tolist() == [
        ["disputes.mediation_success_rate", 98.0, "%"],
        ["disputes.head_appearance_rate", 0.5, "%"],
        ["disputes.litigation_loss_rate", 12.0, "%"],
        ["disputes.reconsideration_correction_rate", 10.0, "%"],
    ]


def _grid(rows: list[list], name: str | None = None, label: str = "grid.csv") -> Sheet:
    width = max(map(len, rows))
    grid = np.array([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)
    return Sheet(Path(label), label, name, grid, grid, None)


def test_regions_as_columns_with_total_column_and_template_style_relative_years():
    sheet = _grid(
        [
            ["项目", "单位", "甲区", "乙区", "全区合计"],
            ["行政应诉案件", "件", "3", "4", "7"],
        ]
    )
    result = clean.clean_sheets([sheet], year=2024)
    assert result.table[["region", "year", "value"]].values.tolist() == [["甲区", 2024, 3.0], ["乙区", 2024, 4.0]]
    assert _rejects(result) == [("grid.csv#E2", "7", "total")]
    relative = _grid(
        [
            ["指标编号", "指标名称", "单位", "本年数值", "上年数值", "备注"],
            ["disputes.litigation_cases", "行政应诉案件", "件", "5", "3", ""],
        ]
    )
    result = clean.clean_sheets([relative], region="乙区", year=2024)
    assert result.table[["region", "year", "value"]].values.tolist() == [["乙区", 2024, 5.0], ["乙区", 2023, 3.0]]
    no_year = clean.clean_sheets([relative], region="乙区")
    assert set(no_year.rejects["reason"]) == {"no_year"}


def test_indicators_as_columns_rows_per_region():
    sheet = _grid(
        [
            ["地区", "收到行政复议申请（件）", "罚没金额（万元）", "联系人"],
            ["甲区", "11", "3.5", "张三"],
            ["乙区", "7", "—", "李四"],
        ],
        name="2024年",
    )
    result = clean.clean_sheets([sheet])
    assert result.table[["region", "year", "indicator", "value", "unit"]].values.tolist() == [
        ["甲区", 2024, "disputes.reconsideration_applications", 11.0, "件"],
        ["甲区", 2024, "enforcement.penalty_amount", 35000.0, "元"],
        ["乙区", 2024, "disputes.reconsideration_applications", 7.0, "件"],
    ]
    assert _rejects(result) == [("grid.csv#2024年!C3", "—", "missing")]


def test_group_rows_give_context_and_unknown_columns_are_rejected():
    sheet = _grid(
        [
            ["指标", "数值", "计划数"],
            ["行政复议", None, None],
            ["受理", "9", "10"],
            ["结案", "8", None],
        ]
    )
    result = clean.clean_sheets([sheet], region="甲区", year=2024)
    assert result.table["indicator"].tolist() == [
        "disputes.reconsideration_accepted",
        "disputes.reconsideration_closed",
    ]
    assert _rejects(result) == [("grid.csv#C3", "10", "unknown_column")]
    # Without the group row, 受理 alone is not mapped: a wrong id is worse than none.
    bare = clean.clean_sheets([_grid([["指标", "数值"], ["受理", "9"]])], region="甲区", year=2024)
    assert _rejects(bare) == [("grid.csv#B2", "9", "unknown_indicator")]


def test_metadata_rows_above_the_header_and_numbered_hierarchy():
    sheet = _grid(
        [
            ["达坂城区司法局2024年度法治政府建设数据统计表"],
            ["填报单位：达坂城区司法局", None, "填报日期：2025年1月10日"],
            [],
            ["序号", "项目", "计量单位", "数量"],
            ["（一）", "行政复议", None, None],
            ["1", "收到申请", "件", "11"],
            ["2", "结案", "件", "5"],
            ["（二）", "行政应诉", None, None],
            ["1", "案件数", "件", "4"],
        ]
    )
    result = clean.clean_sheets([sheet])
    assert result.table[["region", "year", "indicator", "value", "source"]].values.tolist() == [
        ["达坂城区", 2024, "disputes.reconsideration_applications", 11.0, "grid.csv#D6"],
        ["达坂城区", 2024, "disputes.reconsideration_closed", 5.0, "grid.csv#D7"],
        ["达坂城区", 2024, "disputes.litigation_cases", 4.0, "grid.csv#D9"],
    ]
    assert result.rejects.empty


def test_region_and_year_from_sheet_title_and_file_names():
    rows = [["指标名称", "数值"], ["行政应诉案件", "2"]]
    assert clean.clean_sheets([_grid(rows, label="丙县_2023.csv")]).table[["region", "year"]].values.tolist() == [
        ["丙县", 2023]
    ]
    titled = [["乌鲁木齐市达坂城区2024年度法治政府建设指标"], *rows]
    assert clean.clean_sheets([_grid(titled)]).table[["region", "year"]].values.tolist() == [
        ["乌鲁木齐市达坂城区", 2024]
    ]
    missing = clean.clean_sheets([_grid(rows)], year=2024)
    assert _rejects(missing) == [("grid.csv#B2", "2", "no_region")]


def test_duplicate_found_when_region_comes_from_a_cell_and_from_the_default():
    sheet = _grid([["地区", "指标名称", "数值"], ["甲区", "行政应诉案件", "5"], [None, "行政应诉案件", "6"]])
    result = clean.clean_sheets([sheet], region="甲区", year=2024)
    assert _rejects(result) == [("grid.csv#C2", "5", "conflict"), ("grid.csv#C3", "6", "conflict")]
    by_region = _grid([["指标名称", "甲区", "甲区"], ["行政应诉案件", "5", "5"]])
    assert _rejects(clean.clean_sheets([by_region], year=2024)) == [("grid.csv#C2", "5", "duplicate")]


def test_clean_frame_takes_a_dataframe_and_leaves_it_alone():
    frame = pd.DataFrame(
        [["指标名称", "单位", 2023, 2024], ["行政许可", "件", 3, np.nan], [" 行政给付 ", "次", "  ", 4.5]]
    )
    before = frame.copy()
    result = clean.clean_frame(frame, name="部门表", region="甲区")
    pd.testing.assert_frame_equal(frame, before)
    assert result.table[["year", "indicator", "value", "unit", "source"]].values.tolist() == [
        [2023, "enforcement.administrative_licenses", 3.0, "件", "部门表#C2"],
        [2024, "enforcement.administrative_payments", 4.5, "次", "部门表#D3"],
    ]
    assert result.rejects.empty


def test_clean_does_not_depend_on_row_order_for_dedup_choice():
    result = clean.clean_files([FIXTURES / "duplicates.csv", FIXTURES / "long_wanyuan.csv"])
    again = clean.clean_files([FIXTURES / "duplicates.csv", FIXTURES / "long_wanyuan.csv"])
    pd.testing.assert_frame_equal(result.table, again.table)
    pd.testing.assert_frame_equal(result.rejects, again.rejects)


def test_match_one_examples():
    assert match_one("收到行政复义申请")[0] == "disputes.reconsideration_applications"
    assert match_one("行政复议结案率")[0] is None  # a rate is not the count of closed cases
    assert match_one("一、行政应诉案件（件）")[0] == "disputes.litigation_cases"
    assert match_one("enforcement.penalty_cases")[0] == "enforcement.penalty_cases"


# --- bad input -----------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _corrupt_zip(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: _write(d / "empty.csv", b""), "文件为空 / empty file"),
        (lambda d: _write(d / "figures.pdf", b"%PDF-1.4"), "不支持的文件类型 .pdf"),
        (lambda d: _write(d / "broken.xlsx", b"this is not a workbook"), "文件已损坏"),
        (lambda d: _corrupt_zip(d / "zip.xlsx"), "无法打开工作簿"),
        (lambda d: FIXTURES / "password.xlsx", "受密码保护"),
        (lambda d: FIXTURES / "no_header.csv", "找不到表头行"),
        (lambda d: d / "missing.csv", "文件不存在"),
    ],
)
def test_bad_input_one_clear_error_exit_2_nothing_written(tmp_path, capsys, make, message):
    path = make(tmp_path)
    with pytest.raises(InputError, match=message) as info:
        clean.clean_files([path])
    assert str(path.name) in str(info.value)
    out = tmp_path / "out" / "cleaned.csv"
    out.parent.mkdir()
    out.write_text("OLD", encoding="utf-8")
    capsys.readouterr()
    code = main(
        [
            "clean",
            str(FIXTURES / "gbk_title.csv"),
            str(path),
            "-o",
            str(out),
            "--rejects",
            str(tmp_path / "out" / "rejects.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(f"fazhi: {path}") and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "OLD"
    assert sorted(p.name for p in out.parent.iterdir()) == ["cleaned.csv"]


def test_read_sheets_utf8_bom_and_semicolons(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_bytes("\ufeff指标名称;数值\n行政应诉案件;5\n".encode("utf-8"))
    (sheet,) = read_sheets(path)
    assert sheet.values.tolist() == [["指标名称", "数值"], ["行政应诉案件", "5"]]


# --- command line ----------------------------------------------------------------------------------


def test_cli_writes_table_and_rejects_and_summary(tmp_path, capsys):
    out, rejects = tmp_path / "cleaned.parquet", tmp_path / "rejects.csv"
    code = main(
        ["clean", str(FIXTURES / "text_cells.csv"), "--region", "甲区", "-o", str(out), "--rejects", str(rejects)]
    )
    err = capsys.readouterr().err
    assert code == 0
    table = pd.read_parquet(out)
    assert len(table) == 8 and list(table.columns) == tidy.TIDY_COLUMNS
    assert pd.read_csv(rejects, encoding="utf-8-sig")["reason"].tolist() == [
        "unparsable",
        "missing",
        "unparsable",
        "unit",
    ]
    assert "12 个数值单元格 → 整洁表 8 行，拒收 4 个" in err
    assert main(["clean", str(FIXTURES / "text_cells.csv"), "--region", "甲区", "--strict", "-o", str(out)]) == 1


def test_cli_stdout_csv_and_rejects_listed_on_stderr(capsys):
    assert main(["clean", str(FIXTURES / "misspelt.csv"), "--region", "甲区"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == ",".join(tidy.TIDY_COLUMNS)
    assert "拒收 / rejected misspelt.csv#C6" in err and "--rejects FILE" in err


def test_sheet_source_names_a_cell_as_clean_does():
    sheet = _grid([["指标名称", "数值"], ["行政应诉案件", "2"]], name="应诉", label="dept.xlsx")
    result = clean.clean_sheets([sheet], region="甲区", year=2024)
    assert result.table["source"].tolist() == [sheet.source(1, 1)] == ["dept.xlsx#应诉!B2"]
    assert _grid([["x"]]).source(0, 27) == "grid.csv#AB1"


def test_a_long_csv_read_in_parts_gives_what_it_gives_read_whole(tmp_path):
    rows = ["2024年法治政府建设指标", "地区,指标,数值,单位,备注"]
    for block in range(12):  # parts of 5 rows cut between a group row (行政复议) and the rows under it
        region = f"甲{block}区"
        rows += [f"{region},行政复议,,,", f"{region},受理,{block + 3},件,", f"{region},结案,{block + 1},件,含上年"]
        rows += [
            "注：本表由司法局填报",
            f"{region},行政应诉案件,{block},件",
            f"{region},合计,99,件,",
            f"{region},法律援助案件,x,件",
        ]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    whole = clean.clean_sheets(read_sheets(path))
    parts = list(iter_sheets(path, part_rows=5))
    assert [p.first_row for p in parts] == list(range(0, len(rows), 5))
    in_parts = clean.clean_sheets(parts)
    assert in_parts.table.equals(whole.table) and in_parts.rejects.equals(whole.rejects)
    assert "disputes.reconsideration_accepted" in set(whole.table["indicator"])  # 受理 under its group row
    assert whole.table["source"].iloc[-1] == f"long.csv#C{len(rows) - 2}"
    assert set(whole.rejects["reason"]) == {"total", "unparsable"}
    assert in_parts.sheets == whole.sheets == 1
