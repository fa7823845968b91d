"""One formatter across the outputs: a figure reads the same in the chapter table, the chart labels, the
overview's tiles, the CSV download and the Word draft, and a row of years reads in one 万 form.

The table is made for the test: 普法活动覆盖群众 of 示例区甲 written ``1.7万余人次`` in the 2022 report,
``17000`` in a department's 2023 spreadsheet and ``2.1万余人次`` in the 2024 report, beside two other
regions of 2024 (so that it is ranked) — the case of issue 17 ("17000余人次 … 2.1万余人次").
"""

from __future__ import annotations

import base64
import io
import re

import docx
import pandas as pd
import pytest

from fazhi_analysis import project
from fazhi_analysis.report import charts, facts, narrative, plotting, reading
from fazhi_analysis.report.docx import to_docx
from fazhi_analysis.table import tidy

AUDIENCE = "legal_education.grassroots_audience"
REGION, YEAR = "示例区甲", 2024
ROW = ["1.7万余人次", "1.7万人次", "2.1万余人次"]  # 2022, 2023, 2024: one form, each its own 余
CHANGE = "同比增加约4000人次、增长约23.5%"  # less than one 万: in digits


def _table() -> pd.DataFrame:
    figures = [
        (REGION, 2022, 17000.0, True, "1.7万余人次", "jia_2022.txt:9:8"),
        (REGION, 2023, 17000.0, False, "17000", "jia_2023.xlsx#普法!D4"),
        (REGION, 2024, 21000.0, True, "2.1万余人次", "jia_2024.txt:9:8"),
        ("示例区乙", 2024, 15000.0, True, "1.5万余人次", "yi_2024.txt:9:8"),
        ("示例区丙", 2024, 30000.0, False, "30000", "bing_2024.xlsx#普法!D4"),
    ]
    rows = [
        {"region": r, "year": y, "indicator": AUDIENCE, "value": v, "unit": "人次", "approx": a, "source": s,
         "raw": raw, "label": "覆盖群众", "section": "legal_education"}
        for r, y, v, a, raw, s in figures
    ]  # fmt: skip
    return tidy.conform(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def found() -> facts.Facts:
    return facts.gather(_table(), REGION, YEAR)


def _chart_texts(svg: plotting.Svg) -> set[str]:
    return {t.get_text() for ax in svg.figure.axes for t in ax.texts}


def test_the_chapter_table_row_reads_in_the_report_years_form(found) -> None:
    (row,) = reading.table_rows(found, "legal_education")
    assert row["cells"] == ROW and row["change"] == CHANGE
    html = narrative.chapter(found, "legal_education")
    assert "".join(f'<td class="num">{c}</td>' for c in ROW) in html
    assert "17000" not in html


def test_chart_labels_read_as_the_table(found) -> None:
    assert set(ROW) <= _chart_texts(charts.trend_chart(found, "legal_education"))
    assert {"2.1万余人次", "1.5万余人次", "3万人次"} <= _chart_texts(charts.peer_chart(found, "legal_education"))


def test_prose_tiles_download_and_word_read_as_the_table(found, tmp_path, monkeypatch) -> None:
    prose = narrative.section_prose(found.comparison, "legal_education")
    assert f"覆盖群众2.1万余人次（{CHANGE}）" in prose
    monkeypatch.setenv(project.ROOT_ENV, str(tmp_path))
    (tmp_path / "catalog.yaml").write_text(f"headline: [{AUDIENCE}]\n", encoding="utf-8")
    assert narrative.key_figures(found) == [{"figure": ROW[-1], "name": "普法活动覆盖群众", "change": CHANGE}]
    link = narrative.figures_download(found)
    payload = base64.b64decode(re.search(r"base64,([^\"]+)", link).group(1))
    csv = pd.read_csv(io.BytesIO(payload), encoding="utf-8-sig").iloc[0]
    assert (csv["写法"], csv["上年写法"], csv["同比"], csv["数值（基本单位）"]) == (ROW[-1], ROW[1], CHANGE, 21000)
    document = docx.Document(str(to_docx(found, None, tmp_path / "draft.docx")))
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["普法活动覆盖群众", ROW[-1], CHANGE, "2/3"] in cells  # four columns: the years are in the charts
