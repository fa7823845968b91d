"""The reports: the notebook run, narrative, charts, HTML, PDF and the Word draft.

``report.to_docx`` loads :mod:`fazhi_analysis.report.docx` on first use, so importing the package stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"to_docx": "fazhi_analysis.report.docx"}
__all__ = [*_LAZY]


def __getattr__(name: str) -> Any:
    """A name of :data:`_LAZY`, loaded from its module on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'fazhi_analysis.report' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
