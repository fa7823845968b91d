"""Which Chromium prints the PDF: ``$FAZHI_CHROMIUM``, else the headless shell, else the browser."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from fazhi_analysis.errors import ReportError
from fazhi_analysis.report.pdf import ChromiumNotFound, find_chromium, print_pdf


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
