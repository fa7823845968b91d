"""The report page as nbconvert renders it and Chromium prints it: charts stay whole and keep their text."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from report_data import gathered, with_prior_year

from fazhi_analysis.report import charts, pdf, plotting
from fazhi_analysis.report.export import ReportHTMLExporter

pytestmark = pytest.mark.system


def _page(paragraphs: int, chart: plotting.Svg) -> nbformat.NotebookNode:
    """A notebook whose one output cell shows ``paragraphs`` lines of prose, then ``chart``."""
    filler = "".join(f"<p>第{i}段：依法行政工作稳步推进。</p>" for i in range(paragraphs))
    cell = nbformat.v4.new_code_cell("display(prose, chart)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": filler, "text/plain": "prose"}),
        nbformat.v4.new_output(
            "display_data",
            data={"image/svg+xml": str(chart), "text/plain": "chart"},
            metadata={"image/svg+xml": {"alt": chart.alt}},
        ),
    ]
    return nbformat.v4.new_notebook(cells=[cell])


def _tall_chart() -> plotting.Svg:
    """A chapter chart of some 80 bars: taller than an A4 page at full width."""
    found = gathered(with_prior_year)
    rows = found.comparison[found.comparison["section"] == "enforcement"]
    many = pd.concat([rows.assign(name=rows["name"] + f"（{i}）", unit="件") for i in range(4)], ignore_index=True)
    return charts.figures_chart(dataclasses.replace(found, comparison=many), "enforcement")


def test_a_chart_taller_than_a_page_is_never_cut_by_a_page_break(tmp_path: Path) -> None:
    chart = _tall_chart()
    texts = [re.sub(r"\s+", "", t) for t in re.findall(r"<text[^>]*>([^<]+)</text>", chart)]
    for paragraphs in range(18, 42, 3):  # the chart starts ever lower on the first page
        html, _ = ReportHTMLExporter().from_notebook_node(_page(paragraphs, chart))
        page = tmp_path / f"page{paragraphs}.html"
        page.write_text(html, encoding="utf-8")
        printed = pdf.print_pdf(page, tmp_path / f"page{paragraphs}.pdf")
        text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
        pages = [re.sub(r"\s+", "", p) for p in text.split("\f")]
        assert any(all(t in p for t in texts) for p in pages), f"chart split after {paragraphs} paragraphs"
