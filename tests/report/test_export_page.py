"""The report page is nbconvert's HTML page without its BeautifulSoup pass: the same document, written once."""

from __future__ import annotations

import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter

from fazhi_analysis.report.export import ReportHTMLExporter

_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text x="1" y="9">行政复议 &amp; 应诉</text></svg>'


def _notebook() -> nbformat.NotebookNode:
    """A notebook with what a report holds: a hidden parameters cell, markdown, HTML prose, a table, a chart."""
    parameters = nbformat.v4.new_code_cell('region = "甲区"', metadata={"tags": ["parameters"]})
    prose = nbformat.v4.new_code_cell("display(prose, chart)")
    prose.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": '<h2 id="chapter-a">一、依法行政</h2><p>受理 <b>11</b> 件，<a href="#x">见附表</a>。</p>'
                "<table><tr><th>指标</th><td>100%</td></tr></table>",
                "text/plain": "prose",
            },
        ),  # fmt: skip
        nbformat.v4.new_output(
            "display_data", data={"image/svg+xml": _SVG, "text/plain": "图"}, metadata={"image/svg+xml": {"alt": "图"}}
        ),
    ]
    notes = nbformat.v4.new_markdown_cell("**说明**：数据截至 12 月 31 日。\n\n- 一\n- 二")
    return nbformat.v4.new_notebook(cells=[parameters, prose, notes])


def test_the_page_is_the_document_nbconvert_writes_without_reparsing_it() -> None:
    ours, nb = ReportHTMLExporter(), _notebook()
    page, _ = ours.from_notebook_node(nb, resources={"metadata": {"name": "报告"}})
    theirs, _ = HTMLExporter.from_notebook_node(ours, nb, resources={"metadata": {"name": "报告"}})
    assert str(BeautifulSoup(page, features="html.parser")) == theirs  # the same document, only not written twice
    assert "行政复议 &amp; 应诉" in page and "甲区" not in page  # the chart's text kept; the parameters cell hidden


def test_the_page_is_not_parsed_again(monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the page was parsed again")

    monkeypatch.setattr("nbconvert.exporters.html.BeautifulSoup", refuse)
    page, _ = ReportHTMLExporter().from_notebook_node(_notebook())
    assert "一、依法行政" in page
