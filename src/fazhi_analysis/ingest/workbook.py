"""The fill-in workbook for departments, generated from the catalog: a sheet per section.

Each sheet has a title row (region, year, section), a line of instructions, and the header
指标编号 | 指标名称 | 单位 | 本年数值 | 上年数值 | 备注 with one row per catalog indicator. Value cells
warn on anything but a number (rates: 0–100, in percent points; counts and amounts: ≥ 0); the
warning can be overridden, so that ``130余`` or ``—`` can still be typed. The header is frozen and
the columns are wide enough to read. :func:`fazhi_analysis.ingest.clean.clean_files` reads a filled
template back without loss: ids, values, units, region and year.

Every text cell (the catalog's ids, names and units, a project's own among them, and the titles holding
the region) goes through :func:`fazhi_analysis.table.write.defuse`, so that no text can start a formula.

Example:
    >>> write_template("填报表.xlsx", region="达坂城区", year=2024)   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from fazhi_analysis.errors import InputError
from fazhi_analysis.table import catalog
from fazhi_analysis.table.write import atomic_path, defuse

if TYPE_CHECKING:  # openpyxl is imported when a template is written
    import pandas as pd
    from openpyxl.styles import Border, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["HEADER_ROW", "sheet_title", "write_template"]


_HEADER = ["指标编号", "指标名称", "单位", "本年数值", "上年数值", "备注"]
_WIDTHS = [46, 40, 8, 18, 18, 32]
HEADER_ROW = 3
_INSTRUCTIONS = (
    "填报说明：请在“本年数值”“上年数值”两列填写数字，单位见“单位”列（金额以元计，比率填百分数，如 98 表示 98%）；"
    "约数可写“130余”，无数据请留空或填“—”；请勿修改指标编号和表头。"
)
_INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_title(section_title: str) -> str:
    """A valid Excel sheet name (at most 31 characters, no ``[]:*?/\\``) for a section title."""
    return section_title.translate(_INVALID_SHEET_CHARS)[:31]


def write_template(path: str | Path, *, region: str | None = None, year: int | None = None) -> Path:
    """Write the fill-in workbook to ``path`` (``.xlsx``), replacing it atomically.

    Args:
        path: the output file; must end in ``.xlsx``.
        region, year: written into the titles and headers, so that the filled workbook says
            whose figures it holds (``本年数值（2024年）``).

    Raises:
        InputError: the path does not end in ``.xlsx``.

    Example:
        >>> write_template("/tmp/t.xlsx", year=2024).name   # doctest: +SKIP
        't.xlsx'
    """
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"{path}: 模板必须保存为 .xlsx / the template must be an .xlsx file")
    indicators = catalog.indicators()
    book = Workbook()
    book.remove(book.active)
    who = f"{region or ''}{f'{year}年度' if year else ''}"
    header = [
        *_HEADER[:3],
        f"本年数值（{year}年）" if year else "本年数值",
        f"上年数值（{year - 1}年）" if year else "上年数值",
        _HEADER[5],
    ]
    styles = _Styles.make()
    for section_id, section in catalog.sections().iterrows():
        ws = book.create_sheet(sheet_title(section["title"]))
        _write_head(ws, f"{who}法治政府建设指标填报表——{section['title']}", header, styles)
        rows = indicators[indicators["section"] == section_id]
        for r, (ind, row) in enumerate(rows.iterrows(), HEADER_ROW + 1):
            _write_indicator(ws, r, ind, row, styles)
        for col, width in enumerate(_WIDTHS, 1):
            ws.column_dimensions[chr(64 + col)].width = width
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    book.properties.title = f"{who}法治政府建设指标填报表"
    book.properties.subject = f"region={region or ''};year={year or ''}"
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


class _Styles(NamedTuple):
    """The cell styles of the template: a thin grey border, the header's fill and the value cells' fill."""

    border: Border
    head_fill: PatternFill
    input_fill: PatternFill

    @classmethod
    def make(cls) -> _Styles:
        """The template's styles."""
        from openpyxl.styles import Border, PatternFill, Side

        thin = Side(style="thin", color="999999")
        return cls(
            Border(left=thin, right=thin, top=thin, bottom=thin),
            PatternFill("solid", fgColor="DDEBF7"),
            PatternFill("solid", fgColor="FFF9E5"),
        )


def _write_head(ws: Worksheet, title: str, header: list[str], styles: _Styles) -> None:
    """The title row, the instructions and the header row of a section's sheet."""
    from openpyxl.styles import Alignment, Font

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(_HEADER))
    ws.cell(1, 1, defuse(title)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(_HEADER))
    note = ws.cell(2, 1, defuse(_INSTRUCTIONS))
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 45
    for col, text in enumerate(header, 1):
        cell = ws.cell(HEADER_ROW, col, defuse(text))
        cell.font, cell.fill, cell.border = Font(bold=True), styles.head_fill, styles.border
        cell.alignment = Alignment(horizontal="center", vertical="center")


def _write_indicator(ws: Worksheet, r: int, ind: str, row: pd.Series, styles: _Styles) -> None:
    """Row ``r`` of a sheet: an indicator's id, name and unit, and its two value cells with their number check."""
    for col, text in enumerate([ind, row["name"], row["unit"]], 1):
        ws.cell(r, col, defuse(text)).border = styles.border
    for col in (4, 5):
        cell = ws.cell(r, col)
        cell.border, cell.fill = styles.border, styles.input_fill
        cell.number_format = "0.00" if row["kind"] == "rate" else ("#,##0.00" if row["kind"] == "amount" else "0")
    ws.cell(r, 6).border = styles.border
    rule = _value_rule(row["kind"], str(row["unit"]))
    ws.add_data_validation(rule)
    rule.add(f"D{r}:E{r}")


def _value_rule(kind: str, unit: str) -> DataValidation:
    """The check of a value cell: rates 0–100, counts whole and ≥ 0, amounts ≥ 0; a warning, not a stop."""
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = (
        DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        if kind == "rate"
        else DataValidation(type="whole" if kind == "count" else "decimal", operator="greaterThanOrEqual", formula1="0")
    )
    rule.allow_blank = True
    rule.errorStyle = "warning"
    rule.showErrorMessage = True
    rule.errorTitle = "请填写数字"
    rule.error = (
        "比率请填 0–100 的百分数（98 表示 98%）"
        if kind == "rate"
        else "请填写不小于 0 的" + ("整数" if kind == "count" else "数字（元）")
    )
    rule.showInputMessage = True
    rule.promptTitle = unit
    rule.prompt = f"单位：{unit}"
    return rule
