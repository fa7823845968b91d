"""End to end, the real path: fazhi build → papermill → nbconvert HTML → Chromium PDF.

Runs the `fazhi` command line in a subprocess on the seed report (data/raw/), into temporary
folders, and checks what a reader gets: every checked figure in its chapter, an offline HTML
page, a PDF with selectable Chinese text; and the failure paths.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import ROOT, run_fazhi
from report_data import REGION, YEAR, figure_text, mentions, report_cli

from fazhi_analysis import build
from fazhi_analysis.errors import ReportError
from fazhi_analysis.report import run
from fazhi_analysis.report.kinds import ANNUAL
from fazhi_analysis.table import catalog

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The seed built into a tidy table (as `fazhi build` does), and its report written by `fazhi report`."""
    base = tmp_path_factory.mktemp("report")
    build.build_checked(raw_dir=ROOT / "data" / "raw", processed_dir=base / "processed", quiet=True)
    data = base / "processed" / "indicators.parquet"
    result = run_fazhi(
        "report", "--region", REGION, "--year", str(YEAR), "--data", str(data), "--output-dir", str(base / "reports")
    )
    assert result.returncode == 0, result.stderr
    folder = base / "reports" / REGION / str(YEAR)
    return {"data": data, "reports": base / "reports", "folder": folder, "stdout": Path(result.stdout)}


@pytest.fixture(scope="module")
def html(built) -> str:
    return (built["folder"] / "annual_report.html").read_text(encoding="utf-8")


def _chapters(html: str) -> dict[str, str]:
    """Text of each part of the page, by the id of its <h2> (up to the next <h2 id=…>)."""
    parts = re.split(r'<h2 id="([^"]+)"', html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_command_prints_the_html_and_pdf_paths(built) -> None:
    folder = built["folder"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "annual_report.html",
        "annual_report.ipynb",
        "annual_report.pdf",
    ]


def test_round_trip_every_checked_figure_in_its_chapter(html, built) -> None:
    """Each figure stands in the chapter of its id, or among the figures without one when the build kept none."""
    chapters = _chapters(html)
    sections = catalog.indicators()["section"]
    kept = set(pd.read_parquet(built["data"])["indicator"].dropna())
    missing = []
    for m in mentions():
        where = f"chapter-{sections[m['indicator']]}" if m["indicator"] in kept else "appendix-quality"
        if figure_text(m) not in chapters[where]:
            missing.append((m["raw"], figure_text(m), where))
    assert missing == []
    assert len(mentions()) == 71


def test_html_is_self_contained_chinese_and_shows_no_code(html) -> None:
    assert '<html lang="zh-CN">' in html
    assert "<title>达坂城区2024年度法治政府建设情况报告（数据分析）</title>" in html
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html, re.I)
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert "Noto Sans CJK SC" in html
    for code in ("from fazhi_analysis", "import ", "data_path", "display(", "In&nbsp;["):
        assert code not in html
    # six chapters, inline SVG; no overview chart: without a prior year there is no change to show
    assert len(re.findall(r'<figure[^>]*class="chart[^>]*>\s*<svg', html)) == 6
    assert "data:image/svg+xml" not in html
    toc = re.search(r'<nav[^>]*class="toc".*?</nav>', html, re.S).group(0)
    for anchor in _chapters(html):
        if anchor != "overview":
            assert f'href="#{anchor}"' in toc


def test_pdf_table_of_contents_gives_the_page_each_heading_starts_on(built, html) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(built["folder"] / "annual_report.pdf")
    pages = ["".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    toc = re.search(r'<nav[^>]*class="toc".*?</nav>', html, re.S).group(0)
    assert "toc-page" not in toc  # the numbers are the printed copy's only
    numbers = []
    for heading in re.findall(r'<a href="#[^"]+">([^<]+)</a>', toc):
        name = "".join(heading.split())
        number = int(re.search(re.escape(name) + r"(\d+)", pages[0]).group(1))
        assert name in pages[number - 1], (heading, number)  # the footer counts pages from 1, as the TOC does
        assert not any(name in page for page in pages[1 : number - 1]), (heading, number)
        numbers.append(number)
    assert numbers == sorted(numbers) and numbers[0] > 1


def test_sources_appendix_quotes_the_report_sentences(html) -> None:
    sources = _chapters(html)["appendix-sources"]
    assert "为1421名工人追回欠薪<mark>1547.16万元</mark>" in sources
    assert sources.count("<mark>") == 71


def test_no_prior_year_is_said_once_without_empty_columns(html) -> None:
    assert html.count("不作同比分析") == 1
    assert "2023年</th>" not in html and "同比增加" not in html and "同比减少" not in html


def test_executed_notebook_has_no_errors_or_glyph_warnings(built) -> None:
    nb = nbformat.read(built["folder"] / "annual_report.ipynb", as_version=4)
    assert nb.cells[0].metadata.tags == ["parameters"]
    streams = [
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type in ("stream", "error")
    ]
    assert not [s for s in streams if "missing from font" in s or "Traceback" in s or "Error" in s]


def test_pdf_is_a4_with_selectable_chinese_text(built) -> None:
    pdf = built["folder"] / "annual_report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "达坂城区2024年度法治政府建设情况报告（数据分析）" in flat
    for section in ["study", "functions", "administration", "enforcement", "disputes", "legal_education"]:
        assert re.sub(r"\s+", "", catalog.section_title(section)) in flat
    for figure in ["1547.16万元", "2.8万余人次", "130余份", "98%", "972场(次)", "477.48万元", "五类"]:
        assert figure in flat


def test_pdf_pages_are_numbered_in_the_footer(built) -> None:
    pdf = built["folder"] / "annual_report.pdf"
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        ).group(1)
    )
    last = subprocess.run(
        ["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"第 {pages} 页 / 共 {pages} 页" in last


def _page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext splits pages with form feeds), white space removed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")]


def _outline_titles(pdf: Path) -> list[str]:
    """The PDF's bookmark titles, in order (Chromium writes them as plain /Title strings)."""
    titles = []
    for raw in re.findall(rb"/Title\s*(<[0-9A-Fa-f]+>|\((?:\\.|[^\\)])*\))", pdf.read_bytes()):
        data = bytes.fromhex(raw[1:-1].decode()) if raw.startswith(b"<") else raw[1:-1]
        titles.append(data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1"))
    return titles


def _chart_texts(html: str) -> list[list[str]]:
    """The texts of each chart of the page, white space removed (tick labels, bar labels, values, titles)."""
    charts = re.findall(r'<figure[^>]*class="chart[^>]*>(.*?)</figure>', html, re.S)
    return [[re.sub(r"\s+", "", t) for t in re.findall(r"<text[^>]*>([^<]+)</text>", svg)] for svg in charts]


def test_pdf_has_a_bookmark_for_each_chapter_and_appendix(built) -> None:
    titles = _outline_titles(built["folder"] / "annual_report.pdf")
    for section in ["study", "functions", "administration", "enforcement", "disputes", "legal_education"]:
        assert sum(catalog.section_title(section) in t for t in titles) == 1, titles
    assert any(t.startswith(("一、", "六、")) for t in titles)
    assert "附录一\u3000数据质量说明" in titles and "附录二\u3000数据来源" in titles


def test_chart_labels_extract_as_the_characters_shown_and_no_chart_straddles_a_page(built, html) -> None:
    pages = _page_texts(built["folder"] / "annual_report.pdf")
    radicals = re.compile(r"[\u2e80-\u2fdf]")  # CJK radicals: look-alikes of 行, 工, 人 … that PDFs can extract
    assert not any(radicals.search(page) for page in pages)
    charts = _chart_texts(html)
    assert len(charts) == 6 and all(charts)  # a chart per chapter; no change chart without a prior year
    for texts in charts:
        # Every text of the chart, its labels in ordinary characters, stands on one and the same page.
        assert any(all(t in page for t in texts) for page in pages), texts


def test_nbconvert_entry_point_prints_pdf(built, tmp_path) -> None:
    notebook = tmp_path / "executed.ipynb"
    shutil.copy(built["folder"] / "annual_report.ipynb", notebook)
    jupyter = Path(subprocess.sys.executable).with_name("jupyter")
    subprocess.run(
        [str(jupyter), "nbconvert", "--to", "fazhi_pdf", str(notebook)], check=True, capture_output=True, timeout=300
    )
    assert (tmp_path / "executed.pdf").read_bytes().startswith(b"%PDF")


def test_unknown_region_exits_2_listing_what_is_available(built) -> None:
    result = run_fazhi(
        "report",
        "--region",
        "不存在区",
        "--year",
        "2024",
        "--data",
        str(built["data"]),
        "--output-dir",
        str(built["reports"]),
    )
    assert result.returncode == 2
    assert "达坂城区: 2024" in result.stderr and "Traceback" not in result.stderr
    assert not (built["reports"] / "不存在区").exists()


def test_cell_error_keeps_failed_notebook_and_the_good_report(built, tmp_path) -> None:
    bad = nbformat.read(ANNUAL.bundled(), as_version=4)
    bad.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('演示错误 / deliberate')"))
    notebook = tmp_path / "bad.ipynb"
    nbformat.write(bad, notebook)
    folder = built["folder"]
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(ReportError, match="deliberate") as err:
        run.run_report(REGION, YEAR, data_path=built["data"], output_dir=built["reports"], notebook=notebook)
    failed = folder / "annual_report.failed.ipynb"
    assert str(failed) in str(err.value)
    outputs = [o for c in nbformat.read(failed, as_version=4).cells if c.cell_type == "code" for o in c.outputs]
    assert any(o.output_type == "error" and o.ename == "RuntimeError" for o in outputs)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p != failed} == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    failed.unlink()


def test_missing_chromium_still_writes_html_and_says_how_to_install(tmp_path) -> None:
    result, folder = report_cli(
        tmp_path, formats="html,pdf", env={"FAZHI_CHROMIUM": str(tmp_path / "no-such-chromium")}
    )
    assert result.returncode == 1
    assert "apt-get install chromium-headless-shell" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["annual_report.html", "annual_report.ipynb"]
    page = (folder / "annual_report.html").read_text(encoding="utf-8")
    assert '<th class="year">2023年</th><th class="year">2024年</th><th>同比</th>' in page
    assert "收到行政复议申请11件（同比增加3件）" in page


def test_report_runs_in_this_interpreter_whatever_python3_kernel_is_installed(tmp_path) -> None:
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "another Python",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    result, _ = report_cli(tmp_path, env={"JUPYTER_PATH": str(tmp_path / "jupyter")})
    assert result.returncode == 0, result.stderr
