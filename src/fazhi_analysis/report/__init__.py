"""The reports: the notebook run, narrative, charts, HTML, PDF and the Word draft.

``report.to_docx`` loads :mod:`fazhi_analysis.report.docx` on first use, so importing the package stays light.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """``to_docx`` from :mod:`fazhi_analysis.report.docx`, loaded on first use (PEP 562)."""
    if name == "to_docx":
        from fazhi_analysis.report.docx import to_docx

        return to_docx
    raise AttributeError(f"module 'fazhi_analysis.report' has no attribute {name!r}")
