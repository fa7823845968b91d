"""The report's colours, read from the package's ``palette.yaml``: the only place a colour is written down.

Example:
    >>> colors()["accent"]
    '#b22222'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

import pydantic

from fazhi_analysis.userfiles import load_yaml

__all__ = ["PALETTE", "colors"]

PALETTE = Path(__file__).with_name("palette.yaml")
_Hex = Annotated[str, pydantic.StringConstraints(pattern=r"^#[0-9a-f]{6}$")]


@cache
def colors() -> dict[str, str]:
    """Each colour's name (accent, ink, grid …) → its ``#rrggbb``."""
    return load_yaml(PALETTE, dict[str, _Hex])
