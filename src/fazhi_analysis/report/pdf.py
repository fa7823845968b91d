"""Print HTML pages to PDF with one kept Chromium, the table of contents numbered by the printed pages.

Chromium is ``$FAZHI_CHROMIUM`` if set, else the first of :data:`_CANDIDATES` on PATH; Debian's
``chromium-headless-shell`` comes first, as it starts several times faster than the full browser.
It is driven over the DevTools protocol through a pipe (:mod:`~fazhi_analysis.report.devtools`: no
driver process, no port); a :class:`Browser` starts while the caller does other work, and many pages are
printed by one browser. The PDF has bookmarks for the headings, and the page's CSS
``@page`` rules set size, margins and the page-number footer.

Chromium cannot number a table of contents itself. The page each entry starts on is estimated in the
page (``toc_pages.js``: the layout in print media, placed page by page) and written into its ``nav.toc``;
the page is printed, the printed pages are read back with pypdfium2 (the bookmark of each heading says on
which page it starts, :func:`_toc_pages`) and, only where the estimate was wrong, the read numbers are
written and it is printed again: one print in the common case, and the numbers always those of the PDF.

Example:
    >>> with Browser() as browser:                                  # doctest: +SKIP
    ...     browser.print_pdf(Path("report.html"), Path("report.pdf"))
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import Any

from fazhi_analysis import scratch
from fazhi_analysis.errors import ReportError
from fazhi_analysis.report import devtools

__all__ = ["Browser", "ChromiumNotFound", "find_chromium", "flags", "print_pdf"]


_CANDIDATES = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
)
# Offline and quiet (no first-run UI, no background connections: refused on a closed network), and in
# as few processes as printing needs: no zygotes, the GPU and network services inside the browser process
# (about 160 MB less resident memory a browser). Colours in sRGB, as Playwright had them.
_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--no-zygote",
    "--in-process-gpu",
    "--enable-features=NetworkServiceInProcess2",
    "--force-color-profile=srgb",
)
_TIMEOUT_S = 120.0
_CLOSE_TIMEOUT_S = 10.0
_TOC_PASSES = 3  # prints at most: the numbers rarely move the layout, and never twice
# The page's own size and margins (CSS @page; else Letter without margins), its backgrounds, bookmarks for the
# headings, tagged text (DevTools' Page.printToPDF).
_PDF_OPTIONS = {
    "preferCSSPageSize": True, "printBackground": True, "generateDocumentOutline": True, "generateTaggedPDF": True,
    "paperWidth": 8.5, "paperHeight": 11, "marginTop": 0, "marginBottom": 0, "marginLeft": 0, "marginRight": 0,
}  # fmt: skip
# The table of contents: each entry's link, and the text of the heading it points to.
_TOC_ENTRIES_JS = """() => [...document.querySelectorAll('nav.toc a[href^="#"]')].map(a => {
  const target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
  return target ? target.textContent : null;
})"""
# The page numbers written after each entry (null: none), replacing those of an earlier pass.
_TOC_FILL_JS = """numbers => document.querySelectorAll('nav.toc a[href^="#"]').forEach((a, i) => {
  a.parentElement.querySelectorAll('.toc-page').forEach(old => old.remove());
  if (numbers[i] === null) return;
  const span = document.createElement('span');
  span.className = 'toc-page';
  span.textContent = String(numbers[i]);
  a.after(span);
})"""
# The page each entry is expected on, before the first print (an estimate: the print says where the headings are).
_TOC_ESTIMATE_JS = (Path(__file__).parent / "toc_pages.js").read_text(encoding="utf-8")
_INSTALL_HINT = (
    "未找到 Chromium，无法生成 PDF。请安装：sudo apt-get install chromium-headless-shell（或 chromium；"
    "或运行 bash scripts/install-system-deps.sh），或用环境变量 FAZHI_CHROMIUM 指定浏览器路径 / Chromium not found: "
    "install it (apt-get install chromium-headless-shell, or chromium) or set FAZHI_CHROMIUM"
)


class ChromiumNotFound(ReportError):
    """No Chromium on this machine: PDF output is impossible, HTML still works."""


def find_chromium() -> str:
    """The Chromium executable: ``$FAZHI_CHROMIUM`` if set, else the first of :data:`_CANDIDATES` on PATH.

    Raises:
        ChromiumNotFound: Neither is there; the message says how to install it.
    """
    if env := os.environ.get("FAZHI_CHROMIUM"):
        found = shutil.which(env)
        if not found:
            raise ChromiumNotFound(f"FAZHI_CHROMIUM={env}: 不是可执行文件 / not an executable. {_INSTALL_HINT}")
        return found
    for name in _CANDIDATES:
        if found := shutil.which(name):
            return found
    raise ChromiumNotFound(_INSTALL_HINT)


def flags() -> list[str]:
    """Chromium's flags: :data:`_FLAGS`, and ``--no-sandbox`` as root (without it, Chromium cannot start there)."""
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [*_FLAGS, *sandbox]


def _normal(text: str) -> str:
    return "".join(text.split())


def _names(title: str, heading: str | None) -> bool:
    """Whether a bookmark's ``title`` names ``heading``: its text, whitespace ignored, or that text written more
    than once (Chromium's title for a heading it laid out twice, as it may at the top of a page)."""
    text = _normal(heading or "")
    return bool(text) and len(title) % len(text) == 0 and title == text * (len(title) // len(text))


def _toc_pages(pdf: bytes, headings: list[str | None]) -> list[int | None]:
    """The page (1-based, as the footer counts) on which each heading starts, read from the PDF's bookmarks.

    Bookmarks are matched in order and by text (:func:`_names`); a heading without one gets None.

    Example:
        >>> _toc_pages(Path("report.pdf").read_bytes(), ["概　述", "附录一　数据质量说明"])  # doctest: +SKIP
        [2, 9]
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        marks = [(_normal(mark.get_title()), mark.get_dest()) for mark in document.get_toc()]
        marks = [(title, dest.get_index()) for title, dest in marks if dest is not None]
    finally:
        document.close()
    pages: list[int | None] = []
    start = 0
    for heading in headings:
        found = next((i for i in range(start, len(marks)) if _names(marks[i][0], heading)), None)
        pages.append(None if found is None else marks[found][1] + 1)
        start = start if found is None else found + 1
    return pages


class Browser:
    """One headless Chromium kept for many PDFs, started at once (it boots while the caller works); close it
    (or use ``with``).

    Raises:
        ChromiumNotFound: No Chromium (see :func:`find_chromium`).
        ReportError: Chromium could not start; (from :meth:`print_pdf`) it exited, timed out or failed to print.
    """

    def __init__(self, chromium: str | None = None, timeout: float = _TIMEOUT_S) -> None:
        self.timeout = timeout
        executable = chromium or find_chromium()
        self._scratch = contextlib.ExitStack()  # Chromium's profile, removed by close()
        profile = Path(self._scratch.enter_context(scratch.temporary_folder("chromium")))
        try:
            self._chrome = devtools.DevTools(executable, [*flags(), f"--user-data-dir={profile}"], profile / "stderr")
        except OSError as exc:
            self._scratch.close()
            raise ReportError(f"Chromium 无法启动 / Chromium could not start: {executable}: {exc.strerror}") from exc
        self._page: tuple[str, str] | None = None  # the tab kept for the next print: target and session ids
        import pypdfium2  # noqa: F401  (_toc_pages', after the first print: loaded while Chromium starts)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def dead(self) -> bool:
        """Whether the browser has exited."""
        return self._chrome.exited()

    def print_pdf(self, html: Path, pdf: Path) -> Path:
        """Print the local page ``html`` to ``pdf``, its table of contents numbered; returns ``pdf``."""
        try:
            data = self._print(Path(html))
        except devtools.DevToolsTimeout:
            raise ReportError(f"Chromium 超时（{self.timeout:.0f} 秒）/ Chromium timed out printing {html}") from None
        except devtools.DevToolsError as exc:  # it exited, or refused the page
            said = str(exc).strip().splitlines()[:1]
            raise ReportError(f"Chromium 未能生成 PDF / Chromium wrote no PDF: {' '.join(said)}") from exc
        if not data:
            raise ReportError(f"Chromium 未能生成 PDF / Chromium wrote an empty PDF for {html}")
        Path(pdf).write_bytes(data)
        return Path(pdf)

    def _print(self, html: Path) -> bytes:
        """The PDF of ``html``, its table of contents numbered by estimate, then printed again with the pages read
        back until they hold (:func:`_toc_pages`).

        One tab prints every page, each loaded over the last (a new tab costs Chromium a renderer process: 0.58
        against 0.70 CPU-s a print of the examples' reports, the same pixels); a print that fails closes it.
        """
        chrome, wait = self._chrome, self.timeout
        printed = False
        try:
            session = self._tab()
            chrome.forget_events()  # the last page's: the load waited for is this one's
            went = chrome.call("Page.navigate", {"url": html.resolve().as_uri()}, session=session, timeout=wait)
            if went.get("errorText"):
                raise devtools.DevToolsError(f"{html}: {went['errorText']}")
            chrome.wait_for("Page.loadEventFired", session=session, timeout=wait)
            headings = self._evaluate(session, f"({_TOC_ENTRIES_JS})()")
            shown = self._estimate(session, headings) if headings else []
            self._fill(session, shown)
            data = self._pdf(session)
            for _ in range(_TOC_PASSES - 1):
                pages = _toc_pages(data, headings)
                if pages == shown:  # the numbers printed are the pages the headings are on
                    break
                self._fill(session, pages)
                data, shown = self._pdf(session), pages
            printed = True
            return data
        finally:
            chrome.forget_events()
            if not printed:
                self._close_tab()

    def _tab(self) -> str:
        """The session of the kept tab, opened (blank) when there is none."""
        if self._page is None:
            chrome, wait = self._chrome, self.timeout
            target = chrome.call("Target.createTarget", {"url": "about:blank"}, timeout=wait)["targetId"]
            self._page = (target, "")  # held at once: a failed attach still closes the tab (_close_tab)
            page = chrome.call("Target.attachToTarget", {"targetId": target, "flatten": True}, timeout=wait)
            self._page = (target, page["sessionId"])
            chrome.call("Page.enable", session=self._page[1], timeout=wait)
        return self._page[1]

    def _close_tab(self) -> None:
        """Close the kept tab, without hiding why printing stopped (Ctrl-C, an error) if that fails."""
        if self._page is not None:
            target, self._page = self._page[0], None
            with contextlib.suppress(devtools.DevToolsError):
                self._chrome.call("Target.closeTarget", {"targetId": target}, timeout=_CLOSE_TIMEOUT_S)

    def _estimate(self, session: str, headings: list[str | None]) -> list[int | None]:
        """The page each entry of the table of contents is expected on (:data:`_TOC_ESTIMATE_JS`, in print media)."""
        call = self._chrome.call
        call("Emulation.setEmulatedMedia", {"media": "print"}, session=session, timeout=self.timeout)
        try:
            return self._evaluate(session, f"({_TOC_ESTIMATE_JS})()", wait=True) or [None] * len(headings)
        finally:
            call("Emulation.setEmulatedMedia", {"media": ""}, session=session, timeout=self.timeout)

    def _fill(self, session: str, numbers: list[int | None]) -> None:
        """Write ``numbers`` after the entries of the table of contents, replacing those written before."""
        self._evaluate(session, f"({_TOC_FILL_JS})({json.dumps(numbers)})")

    def _pdf(self, session: str) -> bytes:
        printed = self._chrome.call("Page.printToPDF", _PDF_OPTIONS, session=session, timeout=self.timeout)
        return base64.b64decode(printed["data"])

    def _evaluate(self, session: str, expression: str, *, wait: bool = False) -> Any:
        """The value of a JavaScript ``expression`` in the page of ``session`` (``wait``: of the promise it is)."""
        done = self._chrome.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": wait},
            session=session,
            timeout=self.timeout,
        )
        if "exceptionDetails" in done:
            raise devtools.DevToolsError(f"JavaScript: {done['exceptionDetails'].get('text', '')}")
        return done["result"].get("value")

    def close(self) -> None:
        """Close the browser (it exits too when this process dies: its pipe closes) and remove its profile."""
        try:
            self._chrome.close(_CLOSE_TIMEOUT_S)
        finally:
            self._scratch.close()


def print_pdf(html: Path, pdf: Path, *, chromium: str | None = None, timeout: float = _TIMEOUT_S) -> Path:
    """Print the local page ``html`` to ``pdf`` with a browser started for it (see :class:`Browser`).

    Raises:
        ChromiumNotFound: No Chromium (see :func:`find_chromium`).
        ReportError: Chromium failed, timed out, or wrote no PDF.
    """
    chromium = chromium or find_chromium()
    with Browser(chromium, timeout) as browser:
        return browser.print_pdf(html, pdf)
