"""The figures a report shows, downloadable as CSV from inside the page (a data: URI)."""

from __future__ import annotations

import base64
import io
import re

import pandas as pd

from fazhi_analysis.report import downloads

FRAME = pd.DataFrame(
    {
        "地区": ["示例区甲", '=HYPERLINK("http://x","点我")', "示例区丙"],
        "数值": [18.0, -3.0, None],
        "单位": ["件", "@SUM(1)", "%"],
    }
)


def _payload(link: str) -> bytes:
    uri = re.search(r'href="([^"]*)"', link).group(1)
    head, data = uri.split(",", 1)
    assert head == "data:text/csv;charset=utf-8;base64"
    return base64.b64decode(data)


def test_csv_round_trips_through_pandas_with_a_bom_for_excel() -> None:
    payload = _payload(downloads.figures_link(FRAME, "figures.csv", "下载"))
    assert payload.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 Chinese only with the BOM
    back = pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig")
    assert back.columns.tolist() == ["地区", "数值", "单位"]
    assert back["地区"].iloc[0] == "示例区甲" and back["地区"].iloc[2] == "示例区丙"
    assert back["数值"].iloc[0] == 18 and back["数值"].iloc[1] == -3 and pd.isna(back["数值"].iloc[2])


def test_formula_like_text_is_defused_and_numbers_stay_numbers() -> None:
    back = pd.read_csv(io.BytesIO(_payload(downloads.figures_link(FRAME, "f.csv", "下载"))), encoding="utf-8-sig")
    assert back["地区"].iloc[1] == '\'=HYPERLINK("http://x","点我")'
    assert back["单位"].iloc[1] == "'@SUM(1)"
    assert back["数值"].iloc[1] == -3.0  # a negative number is a number, not a formula


def test_label_and_file_name_are_escaped_and_the_name_is_only_a_name() -> None:
    link = downloads.figures_link(FRAME, '../<script>"x".csv', "<script>alert(1)</script>下载")
    assert "<script>" not in link
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;下载</a>" in link
    name = re.search(r'download="([^"]*)"', link).group(1)
    assert name == "script_x_.csv"  # "../" and the markup characters become "_", then the leading "._" go
    assert downloads.safe_filename("2024年各地区") == "2024年各地区.csv"
    assert downloads.safe_filename("///") == "figures.csv"


def test_the_link_asks_nothing_of_the_network() -> None:
    link = downloads.figures_link(FRAME, "f.csv", "下载")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", link, re.I)
    assert link.count("href=") == 1 and 'href="data:' in link
