"""Print HTML pages to PDF with one kept Chromium, the table of contents numbered by the printed pages.

Chromium is ``$FAZHI_CHROMIUM`` if set, else the first of :data:`CANDIDATES` on PATH; Debian's
``chromium-headless-shell`` comes first, as it starts several times faster than the full browser.
Playwright drives it (its ``executable_path``: the system's browser, nothing is downloaded), in a thread
of its own with its own event loop, so that a :class:`Browser` starts while the caller does other work
and many pages are printed by one browser. The PDF has bookmarks for the headings, and the page's CSS
``@page`` rules set size, margins and the page-number footer.

Chromium cannot number a table of contents itself: the page is printed, the printed pages are read
back with pypdfium2 (the bookmark of each heading says on which page it starts), the numbers are put
into the page's ``nav.toc`` and it is printed again (:func:`toc_pages`).

Example:
    >>> with Browser() as browser:                                  # doctest: +SKIP
    ...     browser.print_pdf(Path("report.html"), Path("report.pdf"))
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from types import TracebackType
from typing import Any

from fazhi_analysis.errors import ReportError

__all__ = ["Browser", "ChromiumNotFound", "find_chromium", "print_pdf"]


CANDIDATES = (
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
# (about 160 MB less resident memory a browser). The last --enable-features wins: Playwright's own (for
# screenshots) give way to it.
FLAGS = (
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
)
TIMEOUT_S = 120.0
CLOSE_TIMEOUT_S = 10.0
TOC_PASSES = 3  # prints at most: the numbers rarely move the layout, and never twice
# The page's own size and margins (CSS @page), its backgrounds, bookmarks for the headings, tagged text.
PDF_OPTIONS = {"prefer_css_page_size": True, "print_background": True, "outline": True, "tagged": True}
# The table of contents: each entry's link, and the text of the heading it points to.
TOC_ENTRIES_JS = """() => [...document.querySelectorAll('nav.toc a[href^="#"]')].map(a => {
  const target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
  return target ? target.textContent : null;
})"""
# The page numbers written after each entry (null: none), replacing those of an earlier pass.
TOC_FILL_JS = """numbers => document.querySelectorAll('nav.toc a[href^="#"]').forEach((a, i) => {
  a.parentElement.querySelectorAll('.toc-page').forEach(old => old.remove());
  if (numbers[i] === null) return;
  const span = document.createElement('span');
  span.className = 'toc-page';
  span.textContent = String(numbers[i]);
  a.after(span);
})"""
INSTALL_HINT = (
    "未找到 Chromium，无法生成 PDF。请安装：sudo apt-get install chromium-headless-shell（或 chromium；"
    "或运行 bash scripts/install-system-deps.sh），或用环境变量 FAZHI_CHROMIUM 指定浏览器路径 / Chromium not found: "
    "install it (apt-get install chromium-headless-shell, or chromium) or set FAZHI_CHROMIUM"
)


class ChromiumNotFound(ReportError):
    """No Chromium on this machine: PDF output is impossible, HTML still works."""


def find_chromium() -> str:
    """The Chromium executable: ``$FAZHI_CHROMIUM`` if set, else the first of :data:`CANDIDATES` on PATH.

    Raises:
        ChromiumNotFound: Neither is there; the message says how to install it.
    """
    if env := os.environ.get("FAZHI_CHROMIUM"):
        found = shutil.which(env)
        if not found:
            raise ChromiumNotFound(f"FAZHI_CHROMIUM={env}: 不是可执行文件 / not an executable. {INSTALL_HINT}")
        return found
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    raise ChromiumNotFound(INSTALL_HINT)


def flags() -> list[str]:
    """Chromium's flags: :data:`FLAGS`, and ``--no-sandbox`` as root (without it, Chromium cannot start there)."""
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [*FLAGS, *sandbox]


def _normal(text: str) -> str:
    return "".join(text.split())


def toc_pages(pdf: bytes, headings: list[str | None]) -> list[int | None]:
    """The page (1-based, as the footer counts) on which each heading starts, read from the PDF's bookmarks.

    Bookmarks are matched in order and by text (whitespace ignored); a heading without one gets None.

    Example:
        >>> toc_pages(Path("report.pdf").read_bytes(), ["概　述", "附录一　数据质量说明"])  # doctest: +SKIP
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
        found = next((i for i in range(start, len(marks)) if heading and marks[i][0] == _normal(heading)), None)
        pages.append(None if found is None else marks[found][1] + 1)
        start = start if found is None else found + 1
    return pages


class Browser:
    """One headless Chromium kept for many PDFs, started at once in the background; close it (or use ``with``).

    Raises (from :meth:`print_pdf`):
        ChromiumNotFound: No Chromium (see :func:`find_chromium`).
        ReportError: Chromium could not start, timed out or failed to print.
    """

    def __init__(self, chromium: str | None = None, timeout: float = TIMEOUT_S) -> None:
        # Imported here, not in the browser's thread: an import cut short by Ctrl-C in this thread could leave
        # a module lock held that the other thread then waits for forever.
        from playwright.async_api import async_playwright

        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fazhi-browser", daemon=True)
        self._thread.start()
        self._playwright: Any = None
        self._browser: Future = self._submit(self._launch(async_playwright, chromium))

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _submit(self, coroutine: Any) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def _launch(self, async_playwright: Any, chromium: str | None) -> Any:
        executable = chromium or find_chromium()
        self._playwright = await async_playwright().start()
        # Our own signal handling decides when the browser closes; Playwright's would close it under us.
        return await self._playwright.chromium.launch(
            executable_path=executable, args=flags(), timeout=self.timeout * 1000,
            handle_sigint=False, handle_sigterm=False, handle_sighup=False,
        )  # fmt: skip

    def dead(self) -> bool:
        """Whether the browser failed to start or lost its connection (one still starting is not dead)."""
        if not self._browser.done():
            return False
        return self._browser.exception() is not None or not self._browser.result().is_connected()

    def print_pdf(self, html: Path, pdf: Path) -> Path:
        """Print the local page ``html`` to ``pdf``, its table of contents numbered; returns ``pdf``."""
        try:
            data = self._submit(self._print(Path(html))).result(timeout=self.timeout * (TOC_PASSES + 1))
        except FutureTimeout:
            raise ReportError(f"Chromium 超时（{self.timeout:.0f} 秒）/ Chromium timed out printing {html}") from None
        except ReportError:
            raise
        except Exception as exc:  # Playwright's errors: Chromium failed to start, crashed or refused the page
            said = str(exc).strip().splitlines()[:1]
            raise ReportError(f"Chromium 未能生成 PDF / Chromium wrote no PDF: {' '.join(said)}") from exc
        if not data:
            raise ReportError(f"Chromium 未能生成 PDF / Chromium wrote an empty PDF for {html}")
        Path(pdf).write_bytes(data)
        return Path(pdf)

    async def _print(self, html: Path) -> bytes:
        browser = await asyncio.wrap_future(self._browser)
        page = await browser.new_page()
        try:
            await page.goto(html.resolve().as_uri(), wait_until="load", timeout=self.timeout * 1000)
            data = await page.pdf(**PDF_OPTIONS)
            headings = await page.evaluate(TOC_ENTRIES_JS)
            shown: list[int | None] = [None] * len(headings)
            for _ in range(TOC_PASSES - 1):
                pages = toc_pages(data, headings)
                if pages == shown:  # the numbers printed are the pages the headings are on
                    break
                await page.evaluate(TOC_FILL_JS, pages)
                data, shown = await page.pdf(**PDF_OPTIONS), pages
            return data
        finally:
            await page.close()

    def close(self) -> None:
        """Close the browser and its driver (they exit too when this process dies: their pipes close)."""
        if not self._thread.is_alive():
            return
        try:
            self._submit(self._close()).result(timeout=CLOSE_TIMEOUT_S)
        except Exception:  # a browser that never started or already died has nothing left to close
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=CLOSE_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()

    async def _close(self) -> None:
        try:
            browser = await asyncio.wrap_future(self._browser)  # a browser still starting is waited for
            await browser.close()
        except Exception:  # it never started, or died
            pass
        finally:
            if self._playwright is not None:
                await self._playwright.stop()


def print_pdf(html: Path, pdf: Path, *, chromium: str | None = None, timeout: float = TIMEOUT_S) -> Path:
    """Print the local page ``html`` to ``pdf`` with a browser started for it (see :class:`Browser`).

    Raises:
        ChromiumNotFound: No Chromium (see :func:`find_chromium`).
        ReportError: Chromium failed, timed out, or wrote no PDF.
    """
    chromium = chromium or find_chromium()
    with Browser(chromium, timeout) as browser:
        return browser.print_pdf(html, pdf)
