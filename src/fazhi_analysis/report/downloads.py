"""Downloads for readers of a report page: the figures a report shows, as a CSV file inside the page.

The CSV travels in the link itself (a ``data:`` URI), so the page stays one self-contained file and
asks nothing of the network. It is UTF-8 with a byte-order mark, which Excel needs to read Chinese
correctly, and every text cell is escaped against spreadsheet formulas
(:func:`fazhi_analysis.table.write.defused`).

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

from fazhi_analysis.report.wording import Html
from fazhi_analysis.table.write import defused

MEDIA_TYPE = "text/csv;charset=utf-8"
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV for Excel: UTF-8 with a byte-order mark, no index, text cells defused.

    Example:
        >>> csv_bytes(pd.DataFrame({"a": ["=1+1"]}))[:3] == b"\\xef\\xbb\\xbf"
        True
    """
    return defused(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def data_uri(frame: pd.DataFrame) -> str:
    """``frame`` as a ``data:text/csv`` URI (base64, so no character of the data needs quoting)."""
    return f"data:{MEDIA_TYPE};base64,{base64.b64encode(csv_bytes(frame)).decode('ascii')}"


def safe_filename(filename: str) -> str:
    """The suggested file name: separators and characters Windows refuses become ``_``, none at either end.

    Example:
        >>> safe_filename("../甲区/2024.csv")
        '甲区_2024.csv'
    """
    name = UNSAFE_IN_NAME.sub("_", filename).strip(" ._") or "figures"
    return name if name.lower().endswith(".csv") else f"{name}.csv"


def figures_link(frame: pd.DataFrame, filename: str, label: str) -> Html:
    """A link that saves ``frame`` as the CSV file ``filename``; its text is ``label``.

    Args:
        frame: The figures the report shows, with the column names the reader should see.
        filename: The name the browser suggests (a name only: separators become ``_``).
        label: The link's text (escaped, like the file name).

    Returns:
        An HTML fragment; a notebook displays it as it is.
    """
    return Html(
        f'<a class="download" download="{escape(safe_filename(filename))}" href="{data_uri(frame)}">{escape(label)}</a>'
    )
