"""Read a PDF's text layer with pypdfium2 (PDFium, the engine of Chrome's PDF viewer), in bounded memory and time.

PDFium inflates a page's content streams whole before it reads their text, and aborts the process when
an allocation fails: a stream of a few megabytes that inflates to gigabytes would take the command
down with it. So the text layer is read in a child process (``python -m fazhi_analysis.ingest.pdf``)
whose address space is capped (:data:`_MEMORY_BYTES` plus four times the file) and whose run is
limited to :data:`_SECONDS`; a child that dies or runs out of time is one
:class:`~fazhi_analysis.errors.InputError` line. The parent then joins the lines a paragraph was
wrapped into (a line that reaches the right edge of the text goes on), so that a sentence is one line
as in a ``.txt``. A PDF without text (a scan) is an error that suggests OCR.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import sys
from pathlib import Path

from fazhi_analysis.errors import InputError

__all__ = ["pdf_text"]


_MEMORY_BYTES = 512 * 1024**2  # the child's address space beyond 4× the file (a 50-page report: 54 MB in all)
_SECONDS = 120  # a 300-page report reads in a few seconds
_WRAP_SLACK = 2.5  # a line ending within this many character heights of the text's right edge was wrapped
_FULL_STOP_END = tuple("。！？；：!?;:")
_LINE_START_MARK = re.compile(
    r"[ \u3000]*(?:[一二三四五六七八九十]+[、.．是]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、．.](?!\d))"
)
_Line = tuple[str, float, float]  # text, right edge of its last character, that character's height


def pdf_text(path: Path, data: bytes, max_text_bytes: int) -> str:
    """The text layer of a PDF, one paragraph a line (wrapped lines joined).

    Raises:
        InputError: not a PDF, encrypted, too much text, a stream beyond the memory cap, too slow, or no
            text at all (a scanned PDF: OCR it first).
    """
    lines = _lines_in_child(path, data, max_text_bytes)
    if not any(text.strip() for text, _, _ in lines):
        raise InputError(
            f"{path}: PDF 没有文字层（可能是扫描件），请先做文字识别（OCR，如 ocrmypdf）再放入 / "
            "the PDF has no text layer (a scanned document?): run OCR on it first (e.g. ocrmypdf)"
        )
    return _join_wrapped(lines)


def _lines_in_child(path: Path, data: bytes, max_text_bytes: int) -> list[_Line]:
    """:func:`_read_lines` run in a child process capped in memory and time."""
    cap = _MEMORY_BYTES + 4 * len(data)
    package = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", __name__, str(path), str(max_text_bytes), str(cap), str(_SECONDS)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(
            f"{path}: 读取 PDF 超过 {_SECONDS} 秒，已停止 / reading the PDF took more than {_SECONDS} s: stopped"
        ) from None
    if done.returncode == 0:
        found = json.loads(done.stdout)
        if "error" in found:
            raise InputError(found["error"])
        return [tuple(line) for line in found["lines"]]  # type: ignore[misc]
    raise InputError(
        f"{path}: PDF 解码时超出内存上限（{cap >> 20} MB）或出错（{_death(done.returncode)}），"
        "可能有解压后极大的数据流，已拒绝读取 / decoding the PDF went beyond its memory cap "
        f"({cap >> 20} MB) or failed ({_death(done.returncode)}): a stream may inflate to gigabytes; refused"
    )


def _death(code: int) -> str:
    """How the child ended: ``SIGABRT`` for a signal, else ``exit 1``."""
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def _read_lines(path: str, data: bytes, max_text_bytes: int) -> list[_Line]:
    """The lines of every page's text layer, in this process (the child's work; see :func:`pdf_text`).

    Raises:
        InputError: not a PDF, encrypted, or more than ``max_text_bytes`` of text.
    """
    import pypdfium2 as pdfium  # imported here: only PDF input needs it

    from fazhi_analysis.userfiles import check_size

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"{path}: 不是有效的 PDF 文件或已加密 / not a valid PDF, or encrypted ({exc})") from None
    try:
        lines: list[_Line] = []
        size = 0
        for page in document:
            found = _page_lines(page)
            size += sum(len(text.encode("utf-8")) + 1 for text, _, _ in found)
            check_size(path, size, max_text_bytes, "文本", "text")
            lines += found
        return lines
    finally:
        document.close()


def _page_lines(page: object) -> list[_Line]:
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


def _join_wrapped(lines: list[_Line]) -> str:
    """The lines of a PDF's text, each wrapped line joined to the next (see :data:`_WRAP_SLACK`)."""
    edge = max((right for _, right, _ in lines), default=0.0)
    heights = [height for text, _, height in lines if text and height > 0]
    slack = _WRAP_SLACK * (statistics.median(heights) if heights else 0.0)
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


def _child(argv: list[str]) -> int:
    """The child's run: limits set first, the PDF from stdin, its lines (or the error) as JSON on stdout."""
    path, max_text, cap, seconds = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    try:
        import resource

        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        if hard == resource.RLIM_INFINITY or hard > seconds:
            resource.setrlimit(resource.RLIMIT_CPU, (seconds, hard))  # an orphaned child ends too
    except (ImportError, ValueError, OSError):
        pass  # no address-space limits here (Windows): the parent's timeout still holds
    try:
        found: dict = {"lines": _read_lines(path, sys.stdin.buffer.read(), max_text)}
    except InputError as exc:
        found = {"error": str(exc)}
    except MemoryError:
        return 3
    sys.stdout.write(json.dumps(found, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
