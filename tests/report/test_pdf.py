"""Which Chromium prints the PDF: ``$FAZHI_CHROMIUM``, else the headless shell, else the browser."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from fazhi_analysis.errors import ReportError
from fazhi_analysis.report.pdf import Browser, ChromiumNotFound, _names, _toc_pages, find_chromium, print_pdf


def _executables(folder: Path, *names: str) -> None:
    folder.mkdir(exist_ok=True)
    for name in names:
        path = folder / name
        path.write_text("#!/bin/sh\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def path_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "bin"
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("FAZHI_CHROMIUM", raising=False)
    return folder


def test_headless_shell_is_preferred_to_the_full_browser(path_dir) -> None:
    _executables(path_dir, "chromium", "chromium-headless-shell")
    assert find_chromium() == str(path_dir / "chromium-headless-shell")


def test_full_browser_when_no_headless_shell(path_dir) -> None:
    _executables(path_dir, "chromium")
    assert find_chromium() == str(path_dir / "chromium")


def test_environment_variable_wins(path_dir, monkeypatch) -> None:
    _executables(path_dir, "chromium-headless-shell", "my-chrome")
    monkeypatch.setenv("FAZHI_CHROMIUM", "my-chrome")
    assert find_chromium() == str(path_dir / "my-chrome")


def test_none_found_says_how_to_install(path_dir) -> None:
    _executables(path_dir, "firefox")
    with pytest.raises(ChromiumNotFound, match="apt-get install chromium-headless-shell"):
        find_chromium()


@pytest.mark.system  # starts a (broken) browser
def test_a_browser_that_cannot_start_is_one_report_error_and_no_pdf(tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<h1>标题</h1>", encoding="utf-8")
    _executables(tmp_path / "bin", "chromium")  # exits at once, as a broken install does
    with pytest.raises(ReportError, match="Chromium 未能生成 PDF") as caught:
        print_pdf(page, tmp_path / "page.pdf", chromium=str(tmp_path / "bin" / "chromium"), timeout=60)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "page.pdf").exists()


# A page of chapters that each start a page, one of them two pages long, and a figure that does not break.
_CHAPTERS = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><style>
@page { size: A5; margin: 12mm 10mm; }
body { margin: 0; font: 11pt/1.6 sans-serif; }
nav.toc { break-after: page; }
.toc li:has(.toc-page) { display: flex; gap: 2mm; }
.toc .toc-page { margin-left: auto; }
section { break-before: page; }
figure { height: 70mm; margin: 0 0 4mm; background: #ddd; break-inside: avoid; }
</style></head><body>
<nav class="toc"><h1>目录</h1><ol>
<li><a href="#one">第一章</a></li><li><a href="#two">第二章</a></li><li><a href="#three">第三章</a></li>
</ol></nav>
<section><h2 id="one">第一章</h2>{long}<figure></figure>{long}</section>
<section><h2 id="two">第二章</h2><p>一段。</p></section>
<div><h2 id="three">第三章</h2>{long}</div>
</body></html>"""


@pytest.fixture
def chapters(tmp_path) -> Path:
    page = tmp_path / "chapters.html"
    long = "".join(f"<p>第{i}段：依法行政，执法为民，办理情况良好。</p>" for i in range(12))
    page.write_text(_CHAPTERS.replace("{long}", long), encoding="utf-8")
    return page


def _contents(data: bytes) -> list[int]:
    """The page numbers the table of contents of a printed chapters page shows."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [int(n) for n in re.findall(r"第.章(\d+)", "".join(document[0].get_textpage().get_text_range().split()))]
    finally:
        document.close()


def _printed(monkeypatch, html: Path) -> tuple[list[int], list[int | None], int]:
    """Print ``html``: the numbers its table of contents shows, the pages its headings start on, the prints."""
    prints = []
    real_pdf = Browser._pdf
    monkeypatch.setattr(Browser, "_pdf", lambda self, session: prints.append(1) or real_pdf(self, session))
    data = print_pdf(html, html.with_suffix(".pdf")).read_bytes()
    return _contents(data), _toc_pages(data, ["第一章", "第二章", "第三章"]), len(prints)


@pytest.mark.system
def test_a_table_of_contents_estimated_right_is_printed_once(chapters, monkeypatch) -> None:
    shown, pages, prints = _printed(monkeypatch, chapters)
    assert shown == pages
    assert pages[1] - pages[0] > 1 and pages[2] == pages[1]  # chapter one runs over pages; three follows two
    assert prints == 1


@pytest.mark.system
def test_a_wrong_estimate_is_printed_again_with_the_pages_read_back(chapters, monkeypatch) -> None:
    monkeypatch.setattr(Browser, "_estimate", lambda self, session, headings: [1] * len(headings))
    shown, pages, prints = _printed(monkeypatch, chapters)
    assert shown == pages and pages[0] == 2
    assert prints == 2


@pytest.mark.system
def test_one_tab_prints_page_after_page_and_a_failed_print_closes_it(chapters, monkeypatch) -> None:
    short = chapters.with_name("short.html")
    short.write_text(chapters.read_text(encoding="utf-8").replace("<p>第", "<p hidden>第"), encoding="utf-8")
    tabs = []
    with Browser() as browser:
        call = browser._chrome.call
        monkeypatch.setattr(
            browser._chrome, "call", lambda method, *a, **k: tabs.append(method) or call(method, *a, **k)
        )
        pages = [browser.print_pdf(page, page.with_suffix(f".{n}.pdf")).read_bytes() for n, page in
                 enumerate([chapters, short, chapters])]  # fmt: skip
        with pytest.raises(ReportError, match="missing.html"):
            browser.print_pdf(chapters.with_name("missing.html"), chapters.with_name("missing.pdf"))
        again = browser.print_pdf(short, short.with_suffix(".again.pdf")).read_bytes()
    assert tabs.count("Target.createTarget") == 2 and tabs.count("Target.closeTarget") == 1  # the failed print's
    long_toc, short_toc = _contents(pages[0]), _contents(pages[1])
    assert long_toc == _toc_pages(pages[0], ["第一章", "第二章", "第三章"]) and long_toc[1] - long_toc[0] > 1
    assert short_toc == _toc_pages(pages[1], ["第一章", "第二章", "第三章"]) == [2, 3, 3]  # nothing of the last page
    assert _contents(pages[2]) == long_toc and _contents(again) == short_toc


def test_a_bookmark_names_its_heading_also_when_chromium_wrote_it_twice() -> None:
    assert _names("附录一数据质量说明", "附录一　数据质量说明")
    assert _names("附：不足与安排附：不足与安排", "附：不足与安排")  # a heading laid out twice at a page's top
    assert not _names("附：不足与安排附：不足", "附：不足与安排")
    assert not _names("附录一数据质量说明", "附录一")
    assert not _names("", None) and not _names("目录", "")
