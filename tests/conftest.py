"""Shared fixtures: the seed report, its hand-checked figures and a CLI runner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT / "data" / "raw" / "dabancheng_2024_report.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((FIXTURES / "dabancheng_2024_report.mentions.json").read_text(encoding="utf-8"))


def run_fazhi(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``fazhi`` command line (as ``python -m fazhi_analysis``) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "fazhi_analysis", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
