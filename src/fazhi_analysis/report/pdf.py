"""Print an HTML page to PDF with one call of the system Chromium (``--print-to-pdf``).

Chromium is ``$FAZHI_CHROMIUM`` if set, else the first of :data:`CANDIDATES` on PATH; Debian's
``chromium-headless-shell`` comes first, as it starts several times faster than the full browser.
Each call gets a throw-away profile and a time limit; the PDF has bookmarks for the headings
(``--generate-pdf-document-outline``), and the page's CSS ``@page`` rules set size, margins and
the page-number footer.

Example:
    >>> print_pdf(Path("report.html"), Path("report.pdf"))   # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from fazhi_analysis import scratch
from fazhi_analysis.errors import ReportError

CANDIDATES = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
)
# Offline and quiet: no first-run UI, no background connections (refused on a closed network), no
# header or footer of Chromium's own (the page's CSS draws the page numbers).
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
    "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
)
TIMEOUT_S = 120.0
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


def command(chromium: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """The Chromium command line that prints ``html`` to ``pdf`` with the profile folder ``profile``."""
    # As root, Chromium's sandbox cannot start: without --no-sandbox it exits 0 and writes nothing.
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        chromium,
        *FLAGS,
        *sandbox,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        Path(html).resolve().as_uri(),
    ]


def print_pdf(html: Path, pdf: Path, *, chromium: str | None = None, timeout: float = TIMEOUT_S) -> Path:
    """Print the local page ``html`` to ``pdf`` (A4 as the page's CSS asks) and return ``pdf``.

    Raises:
        ChromiumNotFound: No Chromium (see :func:`find_chromium`).
        ReportError: Chromium failed, timed out, or wrote no PDF; the message carries its last words.
    """
    chromium = chromium or find_chromium()
    pdf = Path(pdf)
    pdf.unlink(missing_ok=True)
    with scratch.temporary_folder("chromium") as profile:
        try:
            done = subprocess.run(
                command(chromium, html, pdf, Path(profile)),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ReportError(f"Chromium 超时（{timeout:.0f} 秒）/ Chromium timed out printing {html}") from exc
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ReportError(
            f"Chromium 未能生成 PDF（退出码 {done.returncode}）/ Chromium wrote no PDF "
            f"(exit {done.returncode}): {' | '.join(said) or '(no message)'}"
        )
    return pdf
