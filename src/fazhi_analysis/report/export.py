"""nbconvert exporters of the annual report: a self-contained Chinese HTML page, and PDF via Chromium.

``fazhi_html`` renders with the package's own template (``templates/nbconvert/fazhi_report``):
lang zh-CN, no code, no prompts, no stderr, no parameters cells, styles inlined and no script or
font from a CDN, so the page opens offline. ``fazhi_pdf`` prints that page with the system
Chromium (:mod:`fazhi_analysis.report.pdf`). Both are registered under nbconvert's exporter entry
point, so ``jupyter nbconvert --to fazhi_pdf notebook.ipynb`` works too.

Example:
    >>> html, _ = ReportHTMLExporter().from_notebook_node(nb)   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import default

from fazhi_analysis import scratch
from fazhi_analysis.report.pdf import print_pdf

__all__ = ["ChromiumPDFExporter", "ReportHTMLExporter"]


_TEMPLATE_ROOT = Path(__file__).parent / "templates" / "nbconvert"
_TEMPLATE_NAME = "fazhi_report"
_HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}


class ReportHTMLExporter(HTMLExporter):
    """HTML of the annual report: outputs only, embedded images, zh-CN, nothing fetched from the network."""

    export_from_notebook = "fazhi_html"

    @default("template_name")
    def _template_name_default(self) -> str:
        return _TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(_TEMPLATE_ROOT)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    @default("embed_images")
    def _embed_images_default(self) -> bool:
        return True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=_HIDDEN_TAGS, enabled=True), enabled=True)

    def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:
        """The page as the template writes it.

        ``HTMLExporter``'s own sets up the same filters, then parses and writes the whole page again with
        BeautifulSoup only to give ``<img>`` an ``alt`` and JupyterLab's ``.jp-Notebook`` cells a ``tabindex``. This
        page has neither (charts are inline SVG with an ``aria-label``), and that pass took 0.45 of the 0.55 CPU
        seconds a report of 13 charts took to export.
        """
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


class ChromiumPDFExporter(ReportHTMLExporter):
    """PDF of the annual report: the ``fazhi_html`` page printed to A4 by the system Chromium."""

    export_from_notebook = "fazhi_pdf"
    # output_mimetype stays text/html, as for nbconvert's webpdf: the template renders HTML, Chromium prints it.

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.html.j2"

    def from_notebook_node(self, nb: Any, resources: dict | None = None, **kw: Any) -> tuple[bytes, dict]:
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        with scratch.temporary_folder("pdf") as tmp:
            page = Path(tmp) / "report.html"
            page.write_text(html, encoding="utf-8")
            data = print_pdf(page, Path(tmp) / "report.pdf").read_bytes()
        resources["output_extension"] = ".pdf"
        return data, resources
