"""Project paths in one place: rooted at the project root, overridable by environment variables.

``FAZHI_ROOT`` moves the whole project; ``FAZHI_RAW``, ``FAZHI_PROCESSED`` and ``FAZHI_REPORTS``
move single folders. Command-line flags override both.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"


def _find_root() -> Path:
    """The folder holding ``pyproject.toml`` above this package, else the working directory."""
    if env := os.environ.get("FAZHI_ROOT"):
        return Path(env).resolve()
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data").is_dir():
            return parent
    return Path.cwd()


PROJECT_ROOT = _find_root()
RAW_DIR = Path(os.environ.get("FAZHI_RAW", PROJECT_ROOT / "data" / "raw"))
PROCESSED_DIR = Path(os.environ.get("FAZHI_PROCESSED", PROJECT_ROOT / "data" / "processed"))
REPORTS_DIR = Path(os.environ.get("FAZHI_REPORTS", PROJECT_ROOT / "reports"))
NOTEBOOKS_DIR = Path(os.environ.get("FAZHI_NOTEBOOKS", PROJECT_ROOT / "notebooks"))
DEFAULT_TABLE = PROCESSED_DIR / "indicators.parquet"
