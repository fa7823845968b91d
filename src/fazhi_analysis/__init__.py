"""fazhi-analysis: figures of 法治政府建设情况报告 as one tidy, checked table, analysed and reported.

The data flow, one subpackage or module a stage:

* :mod:`fazhi_analysis.ingest` — report texts and departments' spreadsheets in (decode, extract, clean);
* :mod:`fazhi_analysis.table` — the tidy table and the contracts every stage reads: the tidy and the findings
  contracts, the indicator catalog, derived rates, numbers and their wording;
* :mod:`fazhi_analysis.checks` — the rules a table keeps; :mod:`fazhi_analysis.build` — raw inputs to a checked table;
* :mod:`fazhi_analysis.analysis` — selections, year-over-year comparison, trends, peers, targets, highlights;
* :mod:`fazhi_analysis.report` — the notebook run, narrative, charts, HTML and PDF.

The names below are the public API; they load their stage on first use, so ``import fazhi_analysis``
stays light.

Example:
    >>> import fazhi_analysis as fz
    >>> fz.format_figure(15471600, "元")
    '1547.16万元'
"""

import importlib

__version__ = "0.1.0"

_API = {
    "load_table": "fazhi_analysis.analysis",
    "available": "fazhi_analysis.analysis",
    "select": "fazhi_analysis.analysis",
    "region_year": "fazhi_analysis.analysis",
    "compare": "fazhi_analysis.analysis",
    "trend": "fazhi_analysis.analysis",
    "peers": "fazhi_analysis.analysis",
    "standings": "fazhi_analysis.analysis",
    "as_of": "fazhi_analysis.analysis",
    "export_wide": "fazhi_analysis.analysis",
    "wide": "fazhi_analysis.analysis",
    "highlights": "fazhi_analysis.analysis",
    "rates": "fazhi_analysis.analysis",
    "with_rates": "fazhi_analysis.analysis",
    "targets": "fazhi_analysis.analysis",
    "against_targets": "fazhi_analysis.analysis",
    "clean_files": "fazhi_analysis.ingest.clean",
    "clean_frame": "fazhi_analysis.ingest.clean",
    "extract_text": "fazhi_analysis.ingest.extract",
    "extract_file": "fazhi_analysis.ingest.extract",
    "check": "fazhi_analysis.checks",
    "check_draft": "fazhi_analysis.draft",
    "build_checked": "fazhi_analysis.build",
    "run_report": "fazhi_analysis.report.run",
    "run_overview": "fazhi_analysis.report.run",
    "run_batch": "fazhi_analysis.report.batch",
    "to_docx": "fazhi_analysis.report.docx",
    "format_figure": "fazhi_analysis.table.wording",
    "table_view": "fazhi_analysis.report.explore",
    "counts_chart": "fazhi_analysis.report.explore",
    "history_chart": "fazhi_analysis.report.explore",
    "ranking_chart": "fazhi_analysis.report.explore",
    "rates_view": "fazhi_analysis.report.explore",
    "rates_chart": "fazhi_analysis.report.explore",
    "TidyTable": "fazhi_analysis.table.tidy",
    "FazhiError": "fazhi_analysis.errors",
    "InputError": "fazhi_analysis.errors",
    "ReportError": "fazhi_analysis.errors",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> object:
    """Load a public name's module on first use (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module 'fazhi_analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API only: what ``dir(fz)`` and a notebook's completion offer."""
    return sorted(__all__)
