"""Read the text of published reports in other formats: PDF (its text layer), saved web pages, and ``.docx`` tables.

* A **PDF**'s text layer is read with pypdfium2 (PDFium, the engine of Chrome's PDF viewer). Lines a
  paragraph was wrapped into are joined again (a line that reaches the right edge of the text goes
  on), so that a sentence is one line as in a ``.txt``. A PDF without text (a scan) is an
  :class:`~fazhi_analysis.errors.InputError` that suggests OCR.
* A **web page** saved as ``.html``/``.htm`` is parsed with lxml; navigation, header, footer, aside,
  scripts and forms are dropped, and the article body is kept: ``<article>``, else ``<main>``, else
  the element whose paragraphs hold the most text (a readability-style rule). Block elements
  (``<p>``, ``<div>``, ``<li>``, ``<br>`` …) end a line.
* The **tables of a .docx** become sheets (:class:`~fazhi_analysis.ingest.sheets.Sheet`, named
  ``表1``, ``表2`` …) for the spreadsheet cleaner: sources read ``report.docx#表1!B3``.

Example:
    >>> html_text("<nav>首页</nav><article><p>收到申请11件。</p></article>".encode(), Path("a.html"))
    '收到申请11件。'
"""

from __future__ import annotations

import io
import re
import statistics
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from fazhi_analysis.errors import InputError

if TYPE_CHECKING:
    from fazhi_analysis.ingest.sheets import Sheet

PDF_SUFFIXES = (".pdf",)
HTML_SUFFIXES = (".html", ".htm")
WRAP_SLACK = 2.5  # a line ending within this many character heights of the text's right edge was wrapped
_FULL_STOP_END = tuple("。！？；：!?;:")
_LINE_START_MARK = re.compile(
    r"[ \u3000]*(?:[一二三四五六七八九十]+[、.．是]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、．.](?!\d))"
)
_SKIP_TAGS = {"nav", "header", "footer", "aside", "script", "style", "noscript", "form", "template", "svg", "iframe"}
_BLOCK_TAGS = {
    *("p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "td", "th", "br", "hr"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl", "center", "body"),
}
_NOT_ARTICLE = re.compile(r"nav|menu|breadcrumb|header|footer|sidebar|share|comment|copyright", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


# --- PDF -------------------------------------------------------------------------------------


def pdf_text(path: Path, data: bytes, max_text_bytes: int) -> str:
    """The text layer of a PDF, one paragraph a line (wrapped lines joined).

    Raises:
        InputError: not a PDF, encrypted, too much text, or no text at all (a scanned PDF: OCR it first).
    """
    import pypdfium2 as pdfium  # imported here: only PDF input needs it

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"{path}: 不是有效的 PDF 文件或已加密 / not a valid PDF, or encrypted ({exc})") from None
    try:
        pages, size = [], 0
        for page in document:
            lines = _page_lines(page)
            size += sum(len(text.encode("utf-8")) + 1 for text, _, _ in lines)
            if size > max_text_bytes:
                from fazhi_analysis.ingest.decode import check_size

                check_size(path, size, max_text_bytes, "文本", "text")
            pages.append(lines)
    finally:
        document.close()
    lines = [line for page in pages for line in page]
    if not any(text.strip() for text, _, _ in lines):
        raise InputError(
            f"{path}: PDF 没有文字层（可能是扫描件），请先做文字识别（OCR，如 ocrmypdf）再放入 / "
            "the PDF has no text layer (a scanned document?): run OCR on it first (e.g. ocrmypdf)"
        )
    return _join_wrapped(lines)


def _page_lines(page: object) -> list[tuple[str, float, float]]:
    """The lines of a page's text layer: (text, right edge of its last character, that character's height)."""
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        text = textpage.get_text_range()
        exact = textpage.count_chars() == len(text)  # the offsets of the text are the character indices
        lines, pos = [], 0
        for line in text.replace("\r\n", "\n").split("\n") if exact else text.splitlines():
            stripped = line.rstrip()
            right = height = 0.0
            if exact and stripped:
                left, bottom, right, top = textpage.get_charbox(pos + len(stripped) - 1)
                height = top - bottom
            lines.append((stripped, right, height))
            pos += len(line) + 2
        return lines
    finally:
        textpage.close()


def _join_wrapped(lines: list[tuple[str, float, float]]) -> str:
    """The lines of a PDF's text, each wrapped line joined to the next (see :data:`WRAP_SLACK`)."""
    edge = max((right for _, right, _ in lines), default=0.0)
    heights = [height for text, _, height in lines if text and height > 0]
    slack = WRAP_SLACK * (statistics.median(heights) if heights else 0.0)
    out: list[str] = []
    joining = False
    for text, right, _ in lines:
        if not text:
            joining = False
            continue
        starts_anew = out and out[-1].endswith(_FULL_STOP_END) and _LINE_START_MARK.match(text)
        if joining and not starts_anew:
            out[-1] += text.lstrip()
        else:
            out.append(text)
        joining = slack > 0 and right >= edge - slack
    return "\n".join(out)


# --- web pages -------------------------------------------------------------------------------


def html_text(data: bytes, path: Path) -> str:
    """The article text of a saved web page, one block (paragraph, heading, list item) a line.

    Raises:
        InputError: the page cannot be parsed or holds no text.
    """
    import lxml.etree
    import lxml.html  # imported here: only web pages need it

    from fazhi_analysis.ingest.decode import decode

    try:
        root = lxml.html.document_fromstring(_html_unicode(data, path, decode))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(f"{path}: 无法解析网页 / cannot parse the web page ({exc})") from None
    return _block_text(_article(root))


def _html_unicode(data: bytes, path: Path, decode: object) -> str:
    """The page's text: its declared charset (``<meta charset=gbk>``) first, else as a report text is decoded."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode(declared.group(1).decode("ascii").lower().replace("gb2312", "gb18030"))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: decoded as any text is
    return decode(path, data)  # type: ignore[operator]


def _article(root: object) -> object:
    """The element holding the article: ``<article>``, ``<main>``, else the one whose paragraphs hold most text."""
    for query in ("//article", "//main", "//*[@role='main']"):
        found = [el for el in root.xpath(query) if not _skipped(el)]  # type: ignore[attr-defined]
        if found:
            return max(found, key=lambda el: len(el.text_content()))
    scores: dict[object, int] = {}
    for block in root.iter("p", "div", "td", "section"):  # type: ignore[attr-defined]
        parent = block.getparent()
        if parent is None or _skipped(block):
            continue
        own = len("".join(t for t in [block.text, *(c.tail for c in block)] if t).strip())
        scores[parent] = scores.get(parent, 0) + own
    body = root.find("body")  # type: ignore[attr-defined]
    return max(scores, key=scores.get) if scores else (body if body is not None else root)


def _skipped(element: object) -> bool:
    """Whether the element or one above it is navigation, a header, a footer or the like."""
    for el in [element, *element.iterancestors()]:  # type: ignore[attr-defined]
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS or _not_article(el):
            return True
    return False


def _not_article(element: object) -> bool:
    """Whether the class or id of an element names navigation, a menu, a footer or the like."""
    return bool(_NOT_ARTICLE.search(f"{element.get('class', '')} {element.get('id', '')}"))  # type: ignore[attr-defined]


def _block_text(element: object) -> str:
    """The text of an element, block elements a line each, navigation and scripts left out (iteratively)."""
    import lxml.etree

    parts: list[str] = []
    walker = lxml.etree.iterwalk(element, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS or (el is not element and _not_article(el)):
                walker.skip_subtree()
                parts.append(_SPACES.sub(" ", el.tail or ""))
                continue
            parts.append("\n" if tag in _BLOCK_TAGS else "")
            parts.append(_SPACES.sub(" ", el.text or "") if tag else "")
        else:
            parts.append("\n" if tag in _BLOCK_TAGS else "")
            if el is not element:
                parts.append(_SPACES.sub(" ", el.tail or ""))
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- tables of a .docx -----------------------------------------------------------------------


def docx_sheets(path: Path, document: object, label: str) -> list[Sheet]:
    """The tables of a parsed ``.docx`` as sheets ``表1``, ``表2`` … (a merged cell at its top-left in ``values``)."""
    from fazhi_analysis.ingest.sheets import Sheet

    sheets = []
    for number, table in enumerate(document.tables, 1):  # type: ignore[attr-defined]
        rows = [row.cells for row in table.rows]
        width = max((len(cells) for cells in rows), default=0)
        filled = np.full((len(rows), width), None, dtype=object)
        values = np.full((len(rows), width), None, dtype=object)
        seen: set[int] = set()
        for i, cells in enumerate(rows):
            for j, cell in enumerate(cells):
                text = cell.text.strip() or None
                filled[i, j] = text
                if id(cell._tc) not in seen:  # a merged cell repeats its top-left one
                    seen.add(id(cell._tc))
                    values[i, j] = text
        sheets.append(Sheet(path, label, f"表{number}", values, filled, None))
    return sheets


def open_docx(path: Path, data: bytes, max_unzipped_bytes: int | None) -> object:
    """The parsed ``.docx`` (its decompressed size checked first).

    Raises:
        InputError: not a valid ``.docx`` or beyond the decompressed limit.
    """
    import zipfile

    import docx  # imported here: python-docx is only needed for .docx input
    from docx.opc.exceptions import PackageNotFoundError

    from fazhi_analysis.ingest.decode import check_archive

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(path, archive, max_unzipped_bytes)
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: 不是有效的 .docx 文件 / not a valid .docx file ({exc})") from None
