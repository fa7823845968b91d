"""The kinds of report: one table of each kind's notebook, parameters, folder, title and label.

Every place that asks which reports there are reads :func:`kinds`: making a report's job
(:func:`fazhi_analysis.report.run.job_of`), the batch's plan, the index page's sections and the command line's
``--kind``. Two are bundled: ``annual`` (a region's year, :data:`ANNUAL`) and ``overview`` (every region of a year,
:data:`OVERVIEW`); other packages add kinds through the entry-point group :data:`GROUP`
(:mod:`fazhi_analysis.report.plugins`), each with a notebook of its own.

Example:
    >>> ANNUAL.target("达坂城区", 2024, Path("reports"))
    PosixPath('reports/达坂城区/2024')
    >>> OVERVIEW.stem, OVERVIEW.per_region, list(kinds())
    ('regional_overview', False, ['annual', 'overview'])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from fazhi_analysis.errors import InputError
from fazhi_analysis.report import plugins
from fazhi_analysis.report.outputs import OutputFormat
from fazhi_analysis.table import names

__all__ = ["ANNUAL", "GROUP", "OVERVIEW", "ReportKind", "get", "kinds", "notebooks"]

GROUP = "fazhi_analysis.report_kinds"


@dataclass(frozen=True)
class ReportKind:
    """One kind of report.

    Attributes:
        name: What ``--kind``, the batch's plan and the manifest call it.
        label: Its Chinese label (``--help``, the index page's headings).
        notebook: Its notebook's file name: the project's ``notebooks/<notebook>`` if it has one, else the one of
            ``package``; the outputs are ``<stem>.{ipynb,html,…}``.
        folder: Its outputs' folder below the reports root, a pattern of ``{region}`` and ``{year}``; a kind whose
            folder names no region is one report of every region of a year.
        title: The page's ``<title>`` and the PDF's title, a pattern of ``{region}`` and ``{year}``.
        parameters: The papermill parameters its notebook takes: of ``region``, ``year``, ``data_path``,
            ``compare_year`` and ``peers``, and the record parameter of each format it offers
            (:attr:`~fazhi_analysis.report.outputs.OutputFormat.record`).
        preload: What the kernel imports as it starts (:class:`~fazhi_analysis.report.session.Session`).
        package: The package holding the bundled notebook.
    """

    name: str
    label: str
    notebook: str
    folder: str
    title: str
    parameters: tuple[str, ...]
    preload: str = ""
    package: str = "fazhi_analysis.report"

    @property
    def stem(self) -> str:
        """The outputs' file name without suffix."""
        return Path(self.notebook).stem

    @property
    def per_region(self) -> bool:
        """One report a region and year (else one a year, of every region)."""
        return "{region}" in self.folder

    def bundled(self) -> Traversable:
        """The notebook the package of this kind ships."""
        return resources.files(self.package) / self.notebook

    def offers(self, fmt: OutputFormat) -> bool:
        """Whether its notebook records what ``fmt`` is written from (a format without a record: always)."""
        return fmt.record is None or fmt.record in self.parameters

    def target(self, region: str | None, year: int, root: Path) -> Path:
        """The folder of one report's outputs below ``root``.

        Raises:
            InputError: ``region`` is not a safe folder name, or the folder would lie outside ``root``.
        """
        if self.per_region and (problem := names.safe_region(region)):
            raise InputError(f"地区名称不能用作文件夹 {names.shown(region)}：{problem} / unsafe region name")
        target = root / self.folder.format(region=region, year=int(year))
        if not names.inside(root, target):
            raise InputError(f"{target}: 报告文件夹不在 {root} 之内 / the report folder would lie outside {root}")
        return target


ANNUAL = ReportKind(
    name="annual",
    label="年度报告",
    notebook="annual_report.ipynb",
    folder="{region}/{year}",
    title="{region}{year}年度法治政府建设情况报告（数据分析）",
    parameters=("region", "year", "data_path", "compare_year", "peers", "draft_dir"),
    preload="import fazhi_analysis.analysis, fazhi_analysis.report.charts, fazhi_analysis.report.narrative",
)
OVERVIEW = ReportKind(
    name="overview",
    label="各地区概览",
    notebook="regional_overview.ipynb",
    folder="overview/{year}",
    title="{year}年度各地区法治政府建设数据概览",
    parameters=("year", "data_path", "peers"),
    preload="import fazhi_analysis.report.overview, fazhi_analysis.report.downloads",
)


@cache
def kinds() -> dict[str, ReportKind]:
    """Every report kind by name: the bundled ones, then those other packages add (read once a process)."""
    bundled = {kind.name: kind for kind in (ANNUAL, OVERVIEW)}
    return {**bundled, **plugins.load(GROUP, ReportKind, bundled)}


def notebooks() -> dict[str, Traversable]:
    """Every kind's bundled notebook by file name (what ``fazhi customize notebook`` copies)."""
    return {kind.notebook: kind.bundled() for kind in kinds().values()}


def get(name: str) -> ReportKind:
    """The report kind ``name``.

    Raises:
        InputError: No kind of that name.
    """
    if name not in kinds():
        raise InputError(f"未知报告类型 / unknown report kind: {name}; 可选 / choose from: {', '.join(kinds())}")
    return kinds()[name]
