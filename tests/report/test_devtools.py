"""Chromium over its DevTools pipe: commands answered, refusals and a dead browser are errors, never a hang."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from fazhi_analysis.report import devtools, pdf

pytestmark = pytest.mark.system  # starts Chromium


@pytest.fixture
def chrome(tmp_path: Path):
    args = [*pdf.flags(), f"--user-data-dir={tmp_path / 'profile'}"]
    with devtools.DevTools(pdf.find_chromium(), args, tmp_path / "stderr") as started:
        yield started


def test_a_command_is_answered_and_a_refused_one_is_an_error(chrome: devtools.DevTools) -> None:
    assert "Chrome" in chrome.call("Browser.getVersion", timeout=60)["product"]
    with pytest.raises(devtools.DevToolsError, match="Browser.noSuchCommand"):
        chrome.call("Browser.noSuchCommand", timeout=60)


def test_close_ends_the_browser_and_its_renderers(chrome: devtools.DevTools) -> None:
    chrome.call("Target.createTarget", {"url": "about:blank"}, timeout=60)
    family = [psutil.Process(chrome.pid), *psutil.Process(chrome.pid).children(recursive=True)]
    chrome.close()
    assert chrome.exited()
    _, alive = psutil.wait_procs(family, timeout=10)
    assert not alive


def test_a_browser_killed_under_us_is_an_error_at_once(chrome: devtools.DevTools) -> None:
    chrome.call("Browser.getVersion", timeout=60)
    os.killpg(chrome.pid, signal.SIGKILL)  # its group: Debian starts it through a shell script
    while psutil.Process(chrome.pid).status() != psutil.STATUS_ZOMBIE:  # killed, not yet reaped
        time.sleep(0.05)
    start = time.monotonic()
    with pytest.raises(devtools.DevToolsError) as caught:  # the pipe closed: no wait for an answer
        chrome.call("Browser.getVersion", timeout=60)
    assert not isinstance(caught.value, devtools.DevToolsTimeout)
    assert time.monotonic() - start < 10
    assert chrome.exited()
