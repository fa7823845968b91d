"""Downloads for readers of a report page: the figures a report shows (CSV) and the wide table (Excel).

The file travels in the link itself (a ``data:`` URI), so the page stays one self-contained file and
asks nothing of the network: it can be mailed, or copied out of a batch folder, and its downloads still
work (a file written beside the report would be lost on the way). A CSV is UTF-8 with a byte-order
mark, which Excel needs to read Chinese correctly; in both, every text cell is escaped against
spreadsheet formulas (:func:`fazhi_analysis.table.write.defused`) and numbers stay numbers.

Example:
    >>> import pandas as pd
    >>> link = figures_link(pd.DataFrame({"地区": ["示例区甲"], "数值": [18]}), "figures.csv", "下载数据")
    >>> link.startswith('<a class="download" download="figures.csv" href="data:text/csv;charset=utf-8;base64,')
    True
"""

from __future__ import annotations

import base64
import re

import pandas as pd
from markupsafe import escape

from fazhi_analysis.report.facts import Facts
from fazhi_analysis.report.wording import Html
from fazhi_analysis.table.write import defused

__all__ = ["figures_link", "safe_filename", "wide_link", "workbook_link"]


_MEDIA_TYPE = "text/csv;charset=utf-8"
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV for Excel: UTF-8 with a byte-order mark, no index, text cells defused.

    Example:
        >>> _csv_bytes(pd.DataFrame({"a": ["=1+1"]}))[:3] == b"\\xef\\xbb\\xbf"
        True
    """
    return defused(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _data_uri(frame: pd.DataFrame) -> str:
    """``frame`` as a ``data:text/csv`` URI (base64, so no character of the data needs quoting)."""
    return _uri(_csv_bytes(frame), _MEDIA_TYPE)


def _uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def safe_filename(filename: str, suffix: str = ".csv") -> str:
    """The suggested file name: separators and characters Windows refuses become ``_``, none at either end.

    Example:
        >>> safe_filename("../甲区/2024.csv"), safe_filename("甲区宽表", ".xlsx")
        ('甲区_2024.csv', '甲区宽表.xlsx')
    """
    name = _UNSAFE_IN_NAME.sub("_", filename).strip(" ._") or "figures"
    return name if name.lower().endswith(suffix) else f"{name}{suffix}"


def figures_link(frame: pd.DataFrame, filename: str, label: str) -> Html:
    """A link that saves ``frame`` as the CSV file ``filename``; its text is ``label``.

    Args:
        frame: The figures the report shows, with the column names the reader should see.
        filename: The name the browser suggests (a name only: separators become ``_``).
        label: The link's text (escaped, like the file name).

    Returns:
        An HTML fragment; a notebook displays it as it is.
    """
    return _link(_data_uri(frame), safe_filename(filename), label)


def _link(uri: str, filename: str, label: str) -> Html:
    return Html(f'<a class="download" download="{escape(filename)}" href="{uri}">{escape(label)}</a>')


def workbook_link(data: bytes, filename: str, label: str) -> Html:
    """A link that saves the xlsx ``data`` (e.g. :func:`fazhi_analysis.analysis.export.workbook`) as ``filename``."""
    return _link(_uri(data, _XLSX_TYPE), safe_filename(filename, ".xlsx"), label)


def wide_link(facts: Facts) -> Html:
    """A link to the wide table of the report's region and its peers, up to the report year (Excel)."""
    from fazhi_analysis.analysis import export

    data = export.workbook(facts.table, as_of=facts.year, peers=facts.peer_rule, region_table=facts.region_table,
                         regions=facts.regions)  # fmt: skip
    label = f"下载历年数据宽表（Excel：{facts.region}及比较地区，截至{facts.year}年，含同比、位次）"
    return workbook_link(data, f"{facts.region}_{facts.year}_历年数据宽表.xlsx", label)
