"""The wide table for Excel (fazhi export, fz.export_wide): region × indicator × year with change, rank, n and
the peer rule; text defused, numbers numbers, the same bytes each time, no year after the one asked."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from conftest import run_fazhi
from report_data import tidy_rows

import fazhi_analysis as fz
from fazhi_analysis import analysis
from fazhi_analysis.analysis import export

APPS = "disputes.reconsideration_applications"
LOST = "disputes.litigation_lost"


TABLE = tidy_rows(
    [("甲区", 2023, APPS, 20, "件"), ("甲区", 2024, APPS, 30, "件"), ("乙区", 2024, APPS, 30, "件"),
     ("丙区", 2024, APPS, 12, "件"), ("=HYPERLINK(1)区", 2024, APPS, 5, "件"), ("甲区", 2024, LOST, 2, "件"),
     ("甲区", 2025, APPS, 99, "件")]
)  # fmt: skip


def _sheet(data: bytes, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data))[name].iter_rows(values_only=True))


def test_each_year_has_its_figure_change_rank_n_and_ties_and_no_later_year() -> None:
    wide = analysis.wide(TABLE, as_of=2024).set_index(["地区", "指标"])
    assert "2025年" not in wide.columns and "2023年" in wide.columns
    jia = wide.loc[("甲区", "收到行政复议申请")]
    assert (jia["2023年"], jia["2024年"], jia["2024年同比变化"], jia["2024年同比变化(%)"]) == (20, 30, 10, 50)
    assert (jia["2024年位次"], jia["2024年可比地区数"], jia["2024年并列地区数"]) == (1, 4, 2)  # 30 and 30: tied
    assert jia["比较规则"] == "default（同层级且同上级）" and jia["比较范围"] == "区县"  # all …区 by their names
    lost = wide.loc[("甲区", "行政诉讼败诉案件")]
    assert pd.isna(lost["2024年同比变化(%)"]) and pd.isna(lost["2024年并列地区数"])


def test_the_workbook_is_defused_keeps_numbers_explains_the_rule_and_is_the_same_each_time() -> None:
    data = export.workbook(TABLE, as_of=2024, peers="all")
    assert data == export.workbook(TABLE, as_of=2024, peers="all")  # a report linking it stays the same bytes
    rows = _sheet(data, export.SHEET)
    header, body = rows[0], rows[1:]
    regions = [r[0] for r in body]
    assert "'=HYPERLINK(1)区" in regions and "=HYPERLINK(1)区" not in regions  # text from inputs is data
    value = body[regions.index("甲区")][header.index("2024年")]
    assert isinstance(value, int | float) and value == 30
    about = dict(_sheet(data, export.ABOUT_SHEET)[1:])
    assert about["比较规则"] == "all（全部地区）" and about["数据范围"] == "截至2024年（不含以后年度）"


def test_export_wide_and_the_command_write_the_file(tmp_path) -> None:
    path = fz.export_wide(TABLE, tmp_path / "宽表.xlsx", as_of=2024, peers="level")
    assert _sheet(path.read_bytes(), export.SHEET)[0][:3] == ("地区", "层级", "上级")
    data = tmp_path / "table.parquet"
    TABLE.to_parquet(data)
    out = tmp_path / "out.xlsx"
    done = run_fazhi("export", "--data", str(data), "--year", "2024", "--peers", "all", "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out) and out.read_bytes() == export.workbook(TABLE, as_of=2024, peers="all")
    bad = run_fazhi("export", "--data", str(data), "--peers", "province", "-o", str(out), cwd=tmp_path)
    assert bad.returncode == 2 and "未知的比较范围" in bad.stderr
