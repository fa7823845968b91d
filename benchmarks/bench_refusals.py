"""Refusing a hostile input costs about what reading a normal one does (run on demand: ``make bench``).

The tests (tests/robustness/test_inputs.py, test_user_yaml.py) check that each input is refused, with its
message; the time of the refusal is measured here, against the obvious alternative in the same run:

- a workbook that declares the whole sheet, one stray cell in the last cell, a zip member of zeros beyond
  the limit: against reading the small workbook they are made from;
- a sheet of more cells than the limit (refused as it streams): against reading a 20th of the limit, × 20;
- a sidecar of nested YAML aliases (the billion laughs): against reading a plain sidecar;
- the headings of a long text of list items: against those of an eighth of it (8× the text, ≤ 10× the time).

Run: ``.venv/bin/python benchmarks/bench_refusals.py``
"""

from __future__ import annotations

import re
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import discover, extract, sheets, unpack

ROWS = [["指标名称", "单位", "2024年"], ["收到行政复议申请", "件", 11], ["行政复议结案", "件", 5]]
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)
SHEET = "xl/worksheets/sheet1.xml"


def best_of(call: Callable[[], object], runs: int = 3) -> float:
    """Seconds of the fastest of ``runs`` calls; an InputError counts as the call's end."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            call()
        except InputError:
            pass
        times.append(time.perf_counter() - start)
    return min(times)


def workbook(path: Path, last_cell: bool = False) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "复议"
    for row in ROWS:
        book.active.append(row)
    if last_cell:
        book.active["XFD1048576"] = 1
    book.save(path)
    return path


def patched(source: Path, target: Path, patch: Callable[[bytes], bytes]) -> Path:
    """``source`` (an xlsx) with its first sheet rewritten by ``patch``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, patch(data) if info.filename == SHEET else data)
    return target


def zip_bomb(source: Path, target: Path) -> Path:
    """``source`` with one more member: zeros just beyond the unzipped limit."""
    target.write_bytes(source.read_bytes())
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/zeros.bin", "w", force_zip64=True) as out:
            block = bytes(1024**2)
            for _ in range(unpack.MAX_UNZIPPED_BYTES // len(block) + 2):
                out.write(block)
    return target


def many_cells(xml: bytes, rows: int = sheets.MAX_CELLS // 1000 + 10) -> bytes:
    """The sheet with ``rows`` rows of 1,000 cells (default: just beyond the cell limit) and no dimension."""
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    body = b"<sheetData>" + row * rows + b"</sheetData>"
    xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
    return re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", body, xml, flags=re.S)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        normal = workbook(folder / "normal.xlsx")
        bombs = {
            "whole-sheet dimension": patched(
                normal,
                folder / "dim.xlsx",
                lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', x),
            ),
            "stray last cell": workbook(folder / "stray.xlsx", last_cell=True),
            "zip member of zeros": zip_bomb(normal, folder / "zeros.xlsx"),
        }
        base = best_of(lambda: sheets.read_sheets(normal))
        print(f"reading a normal workbook: {base * 1000:.1f} ms")
        for label, path in bombs.items():
            took = best_of(lambda path=path: sheets.read_sheets(path))
            print(f"  refusing {label}: {took * 1000:.1f} ms → {took / base:.2f}× the normal workbook")
        many = patched(normal, folder / "many.xlsx", many_cells)
        part = patched(normal, folder / "part.xlsx", lambda x: many_cells(x, sheets.MAX_CELLS // 20_000))
        base, took = (
            best_of(lambda: sheets.read_sheets(part), runs=1),
            best_of(lambda: sheets.read_sheets(many), runs=1),
        )
        print(f"reading a 20th of the cell limit: {base:.2f} s (× 20 = {20 * base:.1f} s); refusing more than the"
              f" limit as it streams: {took:.2f} s → {took / (20 * base):.2f}× reading up to the limit")  # fmt: skip

        report = folder / "r.txt"
        report.write_text("甲区2024年法治政府建设情况报告\n", encoding="utf-8")
        sidecar = folder / "r.txt.meta.yaml"
        sidecar.write_text("region: 甲区\nyear: 2024\n", encoding="utf-8")
        base = best_of(lambda: discover.sidecar_region_year(report))
        sidecar.write_text(LAUGHS, encoding="utf-8")
        took = best_of(lambda: discover.sidecar_region_year(report))
        print(f"reading a plain sidecar: {base * 1000:.1f} ms; refusing the billion laughs: {took * 1000:.1f} ms"
              f" → {took / base:.1f}×")  # fmt: skip

    item = "一是开展法治培训17次，"
    small = best_of(lambda: extract.headings("一、依法行政\n" + item * 50_000))
    large = best_of(lambda: extract.headings("一、依法行政\n" + item * 400_000))
    print(f"headings of 50,000 list items: {small:.2f} s, of 8× as many: {large:.2f} s → {large / small:.1f}× (≤ 10×)")


if __name__ == "__main__":
    main()
