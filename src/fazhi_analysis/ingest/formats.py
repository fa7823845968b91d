"""Read the text of published reports in other formats: saved web pages, and ``.docx`` paragraphs and tables.

(A PDF's text layer: :mod:`~fazhi_analysis.ingest.pdf`.)

* A **web page** saved as ``.html``/``.htm`` is parsed with lxml; navigation, header, footer, aside,
  scripts and forms are dropped, and the article body is kept: ``<article>``, else ``<main>``, else
  the element whose paragraphs hold the most text (a readability-style rule; a paragraph wrapped in
  elements of its own, as a WeChat page wraps each in ``<section>``, counts for the element that
  holds it with the others). Block elements (``<p>``, ``<div>``, ``<li>``, ``<br>`` …) end a line. A
  page whose DOCTYPE declares entities (an entity-expansion bomb) is refused.
* A **.docx** is read as it would print: text in tracked insertions and moves is kept, tracked
  deletions are dropped, as are rows deleted from tables. A part that declares a DTD (which Office
  files never do; an entity-expansion bomb needs one) is refused before it is parsed.
* The **tables of a .docx**, nested ones included (in document order), become sheets
  (:class:`~fazhi_analysis.ingest.sheets.Sheet`, named ``表1``, ``表2`` …) for the spreadsheet cleaner:
  sources read ``report.docx#表1!B3``.

Example:
    >>> html_text("<nav>首页</nav><article><p>收到申请11件。</p></article>".encode(), Path("a.html"))
    '收到申请11件。'
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest.sheets import Sheet
from fazhi_analysis.ingest.unpack import check_archive, decode, refuse_dtd

__all__ = ["docx_lines", "docx_sheets", "html_text", "open_docx"]


_SKIP_TAGS = {"nav", "header", "footer", "aside", "script", "style", "noscript", "form", "template", "svg", "iframe"}
_BLOCK_TAGS = {
    *("p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "td", "th", "br", "hr"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl", "center", "body"),
    *("nav", "header", "footer", "aside", "form", "figure", "figcaption", "address", "caption"),
}
_NOT_ARTICLE = re.compile(r"nav|menu|breadcrumb|header|footer|sidebar|share|comment|copyright", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.I)  # <!DOCTYPE html [ <!ENTITY …> ]>
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What may stand between a paragraph and a run it prints: insertions, moves here, links, fields, controls.
_PRINTED_CONTAINERS = {_W + tag for tag in ("ins", "moveTo", "hyperlink", "smartTag", "fldSimple", "sdt",
                                            "sdtContent", "customXml", "dir", "bdo")}  # fmt: skip
_RUN_TEXT = {_W + "t": None, _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


# --- web pages -------------------------------------------------------------------------------


def html_text(data: bytes, path: Path) -> str:
    """The article text of a saved web page, one block (paragraph, heading, list item) a line.

    Raises:
        InputError: the page cannot be parsed, or its DOCTYPE declares entities.
    """
    import lxml.etree
    import lxml.html  # imported here: only web pages need it

    page = _html_unicode(data, path)
    if _INTERNAL_SUBSET.search(page):
        raise InputError(
            f"{path}: 网页的 DOCTYPE 声明了实体（可能是实体扩展炸弹），已拒绝读取 / "
            "the page's DOCTYPE declares entities (an entity-expansion bomb?): refused"
        )
    try:
        root = lxml.html.document_fromstring(page)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(f"{path}: 无法解析网页 / cannot parse the web page ({exc})") from None
    return _block_text(_article(root))


def _html_unicode(data: bytes, path: Path) -> str:
    """The page's text: its declared charset (``<meta charset=gbk>``) first, else as a report text is decoded."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        try:
            return data.decode(declared.group(1).decode("ascii").lower().replace("gb2312", "gb18030"))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: decoded as any text is
    return decode(path, data)


def _article(root: object) -> object:
    """The element holding the article: ``<article>``, ``<main>``, else the one whose paragraphs hold most text.

    A paragraph's text counts for the element holding it with other text: a paragraph wrapped in
    elements of its own (``<section><section><span>…``) counts for the element holding the wrappers.
    """
    for query in ("//article", "//main", "//*[@role='main']"):
        found = [el for el in root.xpath(query) if not _skipped(el)]  # type: ignore[attr-defined]
        if found:
            return max(found, key=lambda el: len(el.text_content()))
    total, own = _text_sizes(root)
    scores: dict[object, int] = {}
    for block, size in own.items():
        unit = block
        while (parent := unit.getparent()) is not None and total[parent] == total[unit]:
            unit = parent  # a wrapper adding no text of its own
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + size
    body = root.find("body")  # type: ignore[attr-defined]
    return max(scores, key=scores.get) if scores else (body if body is not None else root)


def _text_sizes(root: object) -> tuple[dict[object, int], dict[object, int]]:
    """Visible characters (no spaces) under each element, and those of each block outside the blocks it holds.

    One pass; navigation, scripts and the like count for nothing.
    """
    import lxml.etree

    total: dict[object, int] = {}
    inline: dict[object, int] = {}
    own: dict[object, int] = {}
    skipped: set[object] = set()
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS or _not_article(el):
                walker.skip_subtree()
                skipped.add(el)
            continue
        if el in skipped or not tag:
            total[el] = inline[el] = 0
            continue
        text = _visible(el.text)
        children = list(el)
        tails = sum(_visible(c.tail) for c in children)
        total[el] = text + tails + sum(total[c] for c in children)
        inline[el] = text + tails + sum(inline[c] for c in children if c.tag not in _BLOCK_TAGS)
        if tag in _BLOCK_TAGS and inline[el]:
            own[el] = inline[el]
    return total, own


def _visible(text: str | None) -> int:
    """Characters of ``text`` other than spaces."""
    return len("".join(text.split())) if text else 0


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
    """The text of an element, block elements a line each, navigation and scripts left out (iteratively).

    A skipped element's subtree is not walked, but its end still is: its tail is read there, once.
    """
    import lxml.etree

    parts: list[str] = []
    walker = lxml.etree.iterwalk(element, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            parts.append("\n" if tag in _BLOCK_TAGS else "")
            if tag in _SKIP_TAGS or (el is not element and _not_article(el)):
                walker.skip_subtree()
            else:
                parts.append(_SPACES.sub(" ", el.text or "") if tag else "")
        else:
            parts.append("\n" if tag in _BLOCK_TAGS else "")
            if el is not element:
                parts.append(_SPACES.sub(" ", el.tail or ""))
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- .docx -----------------------------------------------------------------------------------


def docx_lines(document: object) -> list[str]:
    """The paragraphs of a parsed ``.docx`` body as it prints, content controls' too (tables: :func:`docx_sheets`)."""
    lines: list[str] = []
    pending = list(reversed(document.element.body))  # type: ignore[attr-defined]
    while pending:
        el = pending.pop()
        if el.tag == _W + "p":
            lines.append(_paragraph_text(el))
        elif el.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            pending.extend(reversed(el))
    return lines


def _paragraph_text(paragraph: object) -> str:
    """The text of a ``w:p`` as it prints: inserted and moved-here runs kept, deleted and moved-away runs dropped.

    Runs inside other paragraphs it holds (a text box's) are not its text.
    """
    parts: list[str] = []
    for run in paragraph.iter(_W + "r"):  # type: ignore[attr-defined]
        if not _printed(run, paragraph):
            continue
        for child in run:
            if child.tag in _RUN_TEXT:
                parts.append(child.text or "" if _RUN_TEXT[child.tag] is None else _RUN_TEXT[child.tag])
    return "".join(parts)


def _printed(run: object, paragraph: object) -> bool:
    """Whether every element between ``paragraph`` and ``run`` lets the run print (no deletion, no other paragraph)."""
    for above in run.iterancestors():  # type: ignore[attr-defined]
        if above is paragraph:
            return True
        if above.tag not in _PRINTED_CONTAINERS:
            return False
    return False


def docx_sheets(path: Path, document: object, label: str) -> list[Sheet]:
    """The tables of a parsed ``.docx``, nested ones too, as sheets ``表1``, ``表2`` … in document order.

    A merged cell is at its top-left in ``values``; rows deleted with tracked changes are left out; a
    table inside a cell is a sheet of its own, not part of the cell's text.
    """
    from docx.table import Table

    body = document.element.body  # type: ignore[attr-defined]
    sheets = []
    for number, element in enumerate(body.iter(_W + "tbl"), 1):
        rows = [row.cells for row in Table(element, document).rows if row._tr.find(f"{_W}trPr/{_W}del") is None]
        width = max((len(cells) for cells in rows), default=0)
        filled = np.full((len(rows), width), None, dtype=object)
        values = np.full((len(rows), width), None, dtype=object)
        seen: set[int] = set()
        for i, cells in enumerate(rows):
            for j, cell in enumerate(cells):
                text = "\n".join(_paragraph_text(p) for p in cell._tc.iterchildren(_W + "p")).strip() or None
                filled[i, j] = text
                if id(cell._tc) not in seen:  # a merged cell repeats its top-left one
                    seen.add(id(cell._tc))
                    values[i, j] = text
        sheets.append(Sheet(path, label, f"表{number}", values, filled, None))
    return sheets


def open_docx(path: Path, data: bytes, max_unzipped_bytes: int | None) -> object:
    """The parsed ``.docx`` (its decompressed size checked first, and its parts for a DTD).

    Raises:
        InputError: not a valid ``.docx``, beyond the decompressed limit, or a part declares a DTD.
    """
    import zipfile

    import docx  # imported here: python-docx is only needed for .docx input
    import lxml.etree
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            refuse_dtd(path, archive, check_archive(path, archive, max_unzipped_bytes), archive.namelist())
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, lxml.etree.XMLSyntaxError) as exc:
        raise InputError(f"{path}: 不是有效的 .docx 文件 / not a valid .docx file ({exc})") from None
