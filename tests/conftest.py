"""Shared fixtures: the seed report, its hand-checked figures and a CLI runner; the ``system`` marker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "data" / "raw" / "dabancheng_2024_report.txt"


@cache
def missing_system_tools() -> list[str]:
    """What a ``system`` test needs and this machine lacks: Chromium, poppler, the Noto CJK fonts."""
    from fazhi_analysis.report import fonts, pdf

    missing = []
    try:
        pdf.find_chromium()
    except pdf.ChromiumNotFound:
        missing.append("chromium-headless-shell (or chromium)")
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        missing.append("poppler-utils")
    try:
        fonts.ensure_font()
    except fonts.FontError:
        missing.append("fonts-noto-cjk")
    return missing


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``system`` test skips, with the reason, where its tools are missing; under ``CI`` it fails instead."""
    if item.get_closest_marker("system") is None or not (missing := missing_system_tools()):
        return
    reason = f"needs {', '.join(missing)} (bash scripts/install-system-deps.sh)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must have the system tools: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((FIXTURES / "dabancheng_2024_report.mentions.json").read_text(encoding="utf-8"))


def run_fazhi(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``fazhi`` command line (as ``python -m fazhi_analysis``) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "fazhi_analysis", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        stdin=subprocess.DEVNULL,
        timeout=600,
        env=None if env is None else {**os.environ, **env},
    )


EXAMPLES_RAW = ROOT / "data" / "examples" / "raw"


@pytest.fixture(scope="session")
def example_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tidy table of the generated example data (data/examples/raw/, 示例区甲…戊 2021–2024), built once.

    Returns the path of its ``indicators.parquet``; ``parts``, ``findings`` and the manifest lie beside it.
    """
    from fazhi_analysis import build

    processed = tmp_path_factory.mktemp("examples") / "processed"
    build.build_checked(raw_dir=EXAMPLES_RAW, processed_dir=processed, quiet=True)
    return processed / "indicators.parquet"
