"""Makers of hostile input files for the robustness tests: entity bombs, a PDF stream bomb, odd .docx files.

Every file is small on disk and made in a moment; what it would cost to read is in its name.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

THREE_GB = 3_000_000 * 1024  # ulimit -v 3000000
SEED = Path(__file__).resolve().parents[2] / "data" / "raw" / "dabancheng_2024_report.txt"
ROWS = [["指标名称", "单位", "2024年"], ["收到行政复议申请", "件", 11], ["行政复议结案", "件", 5]]


def laughs(root: str) -> bytes:
    """A DTD of nested entities (``&i;`` expands to 10⁸ × 100 bytes): the billion laughs."""
    entities = b"".join(
        b'<!ENTITY %s "%s">' % (c.encode(), (b"&%s;" % p.encode()) * 10) for p, c in zip("abcdefgh", "bcdefghi")
    )
    return b'<!DOCTYPE %s [<!ENTITY a "%s">%s]>' % (root.encode(), b"x" * 100, entities)


def _with_dtd(xml: bytes, root: str, marker: bytes) -> bytes:
    """``xml`` with :func:`laughs` after its declaration (if any) and ``&i;`` in place of ``marker``."""
    head, declared, rest = xml.partition(b"?>")
    head, rest = (head + declared, rest) if declared else (b"", xml)
    return head + laughs(root) + rest.replace(marker, b"&i;", 1)


def rezip(source: Path, target: Path, member: str, patch) -> Path:
    """``source`` (a zip) copied to ``target`` with ``member`` rewritten by ``patch(bytes) -> bytes``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, patch(data) if info.filename == member else data)
    return target


def workbook(path: Path, rows: list[list] = ROWS, title: str = "复议") -> Path:
    """A small xlsx of ``rows``."""
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def docx_bomb(folder: Path) -> Path:
    """A .docx whose document.xml expands an entity to 10 GB."""
    document = docx.Document()
    document.add_paragraph("达坂城区2024年法治政府建设情况报告")
    document.save(folder / "base.docx")
    marker = "达坂城区".encode()
    return rezip(
        folder / "base.docx", folder / "laughs.docx", "word/document.xml", lambda x: _with_dtd(x, "w:document", marker)
    )


def xlsx_bomb(folder: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """An xlsx whose ``member`` declares the billion laughs (in a cell of the sheet, or in another part)."""
    base = workbook(folder / "base.xlsx")
    root = "worksheet" if "worksheets" in member else "x"
    return rezip(
        base, folder / f"laughs_{Path(member).stem}.xlsx", member, lambda x: _with_dtd(x, root, "单位".encode())
    )


def html_bomb(folder: Path) -> Path:
    """A saved web page whose DOCTYPE declares the billion laughs."""
    path = folder / "laughs.html"
    path.write_bytes(laughs("html") + "<html><body><p>收到行政复议申请&i;11件。</p></body></html>".encode())
    return path


def pdf_bomb(path: Path, size: int = 2 * 1024**3) -> Path:
    """A one-page PDF whose content stream (Flate) inflates to ``size`` zero bytes; about size / 1000 on disk.

    The compressed stream is one megabyte of zeros compressed once and repeated: after a full flush
    deflate starts afresh, so every further megabyte compresses to the same bytes.
    """
    block = bytes(1024**2)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = ((size % 65521) << 16) | 1  # Adler-32 of zero bytes: A stays 1, B counts them
    stream = b"\x78\xda" + chunk * (size // len(block)) + compressor.flush() + adler.to_bytes(4, "big")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def tracked_changes_docx(path: Path) -> Path:
    """A .docx whose second paragraph has a tracked insertion (11件) and a tracked deletion (9件)."""
    document = docx.Document()
    document.add_paragraph("达坂城区人民政府2024年度法治政府建设情况报告")
    paragraph = document.add_paragraph("全年收到行政复议申请")
    for tag, text_tag, text in (("w:ins", "w:t", "11件"), ("w:del", "w:delText", "9件")):
        change = OxmlElement(tag)
        change.set(qn("w:id"), "1")
        change.set(qn("w:author"), "审核人")
        run, text_element = OxmlElement("w:r"), OxmlElement(text_tag)
        text_element.text = text
        run.append(text_element)
        change.append(run)
        paragraph._p.append(change)
    paragraph.add_run("，办结行政复议案件5件。")
    document.save(path)
    return path


def nested_table_docx(path: Path) -> Path:
    """A .docx whose one table holds, in a cell, a table of figures."""
    document = docx.Document()
    document.add_paragraph("达坂城区人民政府2024年度法治政府建设情况报告")
    document.add_paragraph("附表如下。")
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text, outer.cell(0, 1).text = "部门", "数据"
    outer.cell(1, 0).text = "司法局"
    inner = outer.cell(1, 1).add_table(rows=3, cols=3)
    for i, row in enumerate(ROWS):
        for j, value in enumerate(row):
            inner.cell(i, j).text = str(value)
    document.save(path)
    return path


def run_limited(*args: str, limit: int = THREE_GB, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``fazhi ARGS`` in a child process whose address space is capped at ``limit`` (``ulimit -v``)."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "fazhi_analysis", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
        stdin=subprocess.DEVNULL,
    )
