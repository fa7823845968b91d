"""Inputs that must not exhaust memory or time, and sheet layouts that must not fool the header.

The bomb files are made here, small: an xlsx whose declared dimension or one stray cell asks for a
huge grid, a sheet of millions of tiny cells, a zip member of zeros that inflates beyond the limit.
Each must be refused with InputError (naming the file and the limit); the time a refusal takes is measured
by benchmarks/bench_refusals.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import clean, decode, extract, sheets, unpack


def _workbook(path: Path, rows: list[list[object]], title: str = "复议") -> Path:
    """A small xlsx written by openpyxl."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


_ROWS = [["指标名称", "单位", "2024年"], ["收到行政复议申请", "件", 11], ["行政复议结案", "件", 5]]


def _patch_member(path: Path, member: str, patch) -> Path:
    """Rewrite one member of a zip with ``patch(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info.filename, patch(data) if info.filename == member else data)
    return path


def _refused(call, *words: str) -> str:
    """The message of the InputError ``call()`` raises, checked to name ``words``."""
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message
    return message


def test_a_normal_workbook_still_reads(tmp_path):
    path = _workbook(tmp_path / "dept.xlsx", _ROWS)
    (sheet,) = sheets.read_sheets(path)
    assert sheet.values.shape == (3, 3)
    result = clean.clean_files([path], region="甲区")
    assert result.table["value"].tolist() == [11.0, 5.0]


def test_declared_dimension_of_the_whole_sheet_is_refused(tmp_path):
    path = _workbook(tmp_path / "dim.xlsx", _ROWS)
    _patch_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    message = _refused(lambda: sheets.read_sheets(path), "dim.xlsx", "复议", "A1:XFD1048576", str(sheets.MAX_CELLS))
    assert "上限" in message and "limit" in message


def test_one_stray_cell_at_the_last_cell_is_refused_before_the_grid(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "复议"
    for row in _ROWS:
        ws.append(row)
    ws["XFD1048576"] = 1
    path = tmp_path / "stray.xlsx"
    book.save(path)
    _refused(lambda: sheets.read_sheets(path), "stray.xlsx", "复议")
    # With the dimension understated, the grid about to be allocated is what is refused.
    _patch_member(
        path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
    )
    _refused(lambda: sheets.read_sheets(path), "stray.xlsx", "复议", "1048576")


@pytest.mark.slow
def test_millions_of_cells_are_refused_as_they_stream(tmp_path):
    path = _workbook(tmp_path / "many.xlsx", _ROWS)
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    many = row * (sheets.MAX_CELLS // 1000 + 10)

    def patch(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return re.sub(
            rb"<sheetData>.*</sheetData>|<sheetData/>", b"<sheetData>" + many + b"</sheetData>", xml, flags=re.S
        )

    _patch_member(path, "xl/worksheets/sheet1.xml", patch)
    assert path.stat().st_size < 1_000_000
    _refused(lambda: sheets.read_sheets(path), "many.xlsx", "复议", str(sheets.MAX_CELLS))
    _refused(lambda: clean.clean_files([path]), "many.xlsx")


def test_cell_limit_is_a_keyword_passed_down_from_clean_files(tmp_path):
    path = _workbook(tmp_path / "dept.xlsx", _ROWS)
    _refused(lambda: clean.clean_files([path], region="甲区", max_cells=5), "dept.xlsx", "5")
    assert len(clean.clean_files([path], region="甲区", max_cells=9).table) == 2
    csv = tmp_path / "dept.csv"
    csv.write_text("\n".join(",".join(map(str, r)) for r in _ROWS), encoding="utf-8")
    _refused(lambda: clean.clean_files([csv], region="甲区", max_cells=5), "dept.csv", "5")
    _refused(lambda: clean.clean_files([csv], region="甲区", max_text_bytes=10), "dept.csv", "10")
    assert len(clean.clean_files([csv], region="甲区", max_cells=9).table) == 2


def _zeros_member(path: Path, base: Path, size: int, name: str = "xl/media/zeros.bin") -> Path:
    """``base`` (a zip) with one more member: ``size`` zero bytes, deflated to a few hundred KB."""
    path.write_bytes(base.read_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w", force_zip64=True) as out:
        block = bytes(1024**2)
        for _ in range(size // len(block)):
            out.write(block)
    return path


def test_zip_bomb_is_refused_from_its_declared_sizes(tmp_path):
    base = _workbook(tmp_path / "base.xlsx", _ROWS)
    bomb = _zeros_member(tmp_path / "bomb.xlsx", base, unpack.MAX_UNZIPPED_BYTES + 2 * 1024**2)
    assert bomb.stat().st_size < 1_000_000
    _refused(lambda: sheets.read_sheets(bomb), "bomb.xlsx", str(unpack.MAX_UNZIPPED_BYTES))
    _refused(lambda: clean.clean_files([bomb], max_unzipped_bytes=1000), "bomb.xlsx", "1000")


def test_budget_guards_while_reading(tmp_path):
    base = _workbook(tmp_path / "base.xlsx", _ROWS)
    with zipfile.ZipFile(base) as archive:
        budget = unpack.Budget(base, 100)
        with pytest.raises(InputError, match="100"):
            budget.read(archive, "xl/worksheets/sheet1.xml")


def test_lying_sizes_are_a_corrupt_file(tmp_path):
    """A member inflating beyond the size it declares is cut there by zipfile: a corrupt file, not 14 GB."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + b"<c/>" * 100_000)
    data = bytearray(raw.getvalue())
    size = (22 + 400_000).to_bytes(4, "little")
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size fields
        at = data.find(header)
        data[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
    assert size  # the true size is far above what is declared
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))
    _refused(lambda: sheets.read_sheets(path), "liar.xlsx")


@pytest.mark.slow
def test_docx_bomb_and_large_texts_are_refused(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("达坂城区2024年法治政府建设情况报告")
    base = tmp_path / "base.docx"
    document.save(base)
    bomb = _zeros_member(tmp_path / "bomb.docx", base, unpack.MAX_UNZIPPED_BYTES + 2 * 1024**2, "word/media/z.bin")
    _refused(lambda: extract.extract_file(bomb), "bomb.docx", str(unpack.MAX_UNZIPPED_BYTES))
    _refused(lambda: extract.extract_file(base, max_text_bytes=10), "base.docx", "10")
    text = tmp_path / "report.txt"
    text.write_text("全年收到行政复议申请11件。\n" * 100, encoding="utf-8")
    _refused(lambda: extract.extract_file(text, max_text_bytes=1000), "report.txt", "1000")
    assert len(extract.extract_file(text)) == 100


def test_large_text_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    with path.open("wb") as fh:
        fh.truncate(unpack.MAX_TEXT_BYTES + 1)  # sparse: no disk used, nothing read
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before the size check"))
    _refused(lambda: decode.read_report_text(path), "big.txt", str(unpack.MAX_TEXT_BYTES))


# --- the header is found from the sheet's structure, not from the first data row -------------

FIRST_VALUES = ["—", None, "NaN", "inf", "1e308"]


def _accounted(result: clean.CleanResult, cells: list[str]) -> None:
    """Every value cell named is in the table or the rejects, once."""
    sources = result.table["source"].tolist() + result.rejects["source"].tolist()
    assert sorted(sources) == sorted(f"table#{c}" for c in cells)


@pytest.mark.parametrize("first", FIRST_VALUES)
@pytest.mark.parametrize("with_region", [False, True])
def test_long_layout_with_a_missing_first_value(first, with_region):
    lead = [["地区"]] + [["甲区"]] * 3 if with_region else [[]] * 4
    body = [
        ["指标名称", "单位", "2024年"],
        ["收到行政复议申请", "件", first],
        ["行政复议结案", "件", "5"],
        ["行政应诉案件", "件", "3"],
    ]
    grid = pd.DataFrame([a + b for a, b in zip(lead, body)])
    result = clean.clean_frame(grid, region="甲区")
    col = "D" if with_region else "C"
    assert result.table["source"].tolist() == [f"table#{col}3", f"table#{col}4"]
    assert result.table["value"].tolist() == [5.0, 3.0]
    assert result.table["indicator"].tolist() == ["disputes.reconsideration_closed", "disputes.litigation_cases"]
    if first is None:
        assert result.rejects.empty
        _accounted(result, [f"{col}3", f"{col}4"])
    else:
        assert result.rejects["source"].tolist() == [f"table#{col}2"]
        assert result.rejects["reason"].tolist() == ["missing" if first in ("—", "NaN") else "unparsable"]
        _accounted(result, [f"{col}2", f"{col}3", f"{col}4"])


@pytest.mark.parametrize("first", FIRST_VALUES)
@pytest.mark.parametrize("with_region", [False, True])
def test_wide_by_year_layout_with_a_missing_first_row(first, with_region):
    lead = [["地区"]] + [["甲区"]] * 3 if with_region else [[]] * 4
    body = [
        ["指标名称", "2023年", "2024年"],
        ["收到行政复议申请", first, first],
        ["行政复议结案", "4", "5"],
        ["行政应诉案件", "2", "3"],
    ]
    grid = pd.DataFrame([a + b for a, b in zip(lead, body)])
    result = clean.clean_frame(grid, region="甲区")
    b, c = ("C", "D") if with_region else ("B", "C")
    assert result.table["source"].tolist() == [f"table#{b}3", f"table#{c}3", f"table#{b}4", f"table#{c}4"]
    assert result.table["value"].tolist() == [4.0, 5.0, 2.0, 3.0]
    assert result.table["year"].tolist() == [2023, 2024, 2023, 2024]
    firsts = [] if first is None else [f"{b}2", f"{c}2"]
    assert result.rejects["source"].tolist() == [f"table#{x}" for x in firsts]
    assert set(result.rejects["reason"]) <= {"missing", "unparsable"}
    _accounted(result, firsts + [f"{b}3", f"{c}3", f"{b}4", f"{c}4"])


@pytest.mark.parametrize("first", [float("nan"), float("inf"), 1e308])
def test_excel_numbers_in_the_first_row(tmp_path, first):
    """Non-finite numbers never reach the table; a huge finite one is a figure like any other."""
    grid = pd.DataFrame([["地区", "指标名称", "2024年"], ["甲区", "行政应诉案件", first], ["甲区", "行政复议结案", 5]])
    result = clean.clean_frame(grid)
    assert result.table["source"].tolist()[-1] == "table#C3"
    kept = result.table["source"].tolist() + result.rejects["source"].tolist()
    expected = ["table#C3"] if first != first else ["table#C2", "table#C3"]
    assert sorted(kept) == expected
    assert result.table["value"].map(lambda v: v == v and abs(v) != float("inf")).all()


def test_merged_multi_row_headers_still_join():
    grid = pd.DataFrame(
        [
            ["指标名称", "单位", "甲区", "甲区", "乙区", "乙区"],
            ["指标名称", "单位", "2023年", "2024年", "2023年", "2024年"],
            ["行政应诉案件", "件", "—", "3", "1", "2"],
        ]
    )
    result = clean.clean_frame(grid)
    assert result.table["region"].tolist() == ["甲区", "乙区", "乙区"]
    assert result.table["year"].tolist() == [2024, 2023, 2024]
    assert result.rejects["source"].tolist() == ["table#C3"]


# --- extraction reads every repeat of a long text (its time: benchmarks/bench_extract_linear.py) --------

_PARAGRAPH = (
    "一、推进依法行政\n（一）行政复议\n全年收到行政复议申请11件，结案5件。一是开展法治培训17次，参训1200人次；"
    "二是召开5次常务会议。三是办理行政应诉案件3件。\n1.执法监督\n检查执法案卷130余份，整改率达98%。\n"
)


@pytest.mark.slow
@pytest.mark.parametrize("run_on", [False, True], ids=["paragraphs", "one_line"])
def test_a_long_text_gives_every_repeat_s_figures(run_on):
    """8× the text gives 8× the figures, also as one run-on line (no full stop, no line break)."""
    paragraph = _PARAGRAPH.replace("\n", "").replace("。", "，") if run_on else _PARAGRAPH
    once = len(extract.extract_text(paragraph * 50))
    assert once > 0
    assert len(extract.extract_text(paragraph * 400)) == 8 * once


def test_headings_do_not_copy_the_rest_of_the_text():
    """Each title is cut at the window (its time on 8× the text: benchmarks/bench_refusals.py)."""
    text = "一、依法行政\n" + "一是开展法治培训17次，" * 50_000
    rows = extract.headings(text)
    assert rows["level"].tolist()[:2] == [1, extract.ITEM_LEVEL]
    assert (rows["title"].str.len() <= extract.WINDOW).all()


def test_a_figure_whose_unit_did_not_parse_after_an_alias():
    """A candidate whose unit does not parse (NA) beside an alias used to raise in the alias scoring."""
    figures = extract.extract_text("召开5次常务会议百分之九十八一、依法行政\n不足300人")
    assert figures["value"].tolist() == [5.0, 300.0]
    assert figures["unit"].tolist() == ["次", "人"]


@pytest.mark.parametrize("period", ["1-6月", "1至6月", "1~6月"])
def test_a_part_year_header_is_a_header_not_a_range_figure(period):
    grid = pd.DataFrame([["指标名称", period, "2024年"], ["行政复议结案", "2", "5"], ["行政应诉案件", "1", "3"]])
    result = clean.clean_frame(grid, region="甲区")
    assert result.table["source"].tolist() == ["table#C2", "table#C3"]
    assert result.rejects["reason"].tolist() == ["unknown_column", "unknown_column"]


def test_the_command_refuses_a_bomb_with_exit_2(tmp_path, capsys):
    from fazhi_analysis.cli import main

    path = _workbook(tmp_path / "dim.xlsx", _ROWS)
    _patch_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    assert main(["clean", str(path), "-o", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert "dim.xlsx" in err and "Traceback" not in err
