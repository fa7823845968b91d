"""A project folder: the analyst's data, reports and local overrides, found from the working directory.

A project is a folder holding ``data/raw/`` (``fazhi init DIR`` makes one). Its paths are found
from, in order: an explicit folder (``--project``), ``$FAZHI_ROOT``, the working directory or the
nearest folder above it that holds ``data/raw/``, else the working directory itself. Never from
where the package is installed. Files the project may add to change the bundled defaults:
``catalog.yaml`` (extra or changed indicators), ``targets.yaml`` (targets the figures are held
against), ``templates/narrative/`` (wording) and ``notebooks/annual_report.ipynb`` (the report notebook).

Example:
    >>> project = Project(Path("/srv/fazhi"))
    >>> project.table
    PosixPath('/srv/fazhi/data/processed/indicators.parquet')
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

ROOT_ENV = "FAZHI_ROOT"
TABLE_NAME = "indicators.parquet"
CATALOG_EXAMPLE = """\
# 本项目的指标目录补充 / this project's additions to the bundled indicator catalog (fazhi catalog lists it).
# 新指标写全 id、section、name、unit、kind；已有指标只写要改的字段，列表（aliases 等）会追加到内置目录。
# New indicators need id, section, name, unit, kind; for a bundled id, the fields given replace the
# bundled ones and lists (aliases, units, context, exclude, nouns) are added to them. Example:
#
# indicators:
#   - {id: disputes.reconsideration_applications, aliases: [复议申请件数]}
#   - {id: disputes.legal_aid_hotline_calls, section: disputes, name: 法律援助热线接听, unit: 次, kind: count,
#      aliases: [热线接听, 12348热线]}
"""
TARGETS_EXAMPLE = """\
# 本项目的工作目标 / targets this project holds its figures against (fazhi_analysis.analysis.against_targets).
# 每项写 indicator（指标编号）、comparison（>=、<=、>、<、==）、value（指标基本单位的数值，比率为百分点）、
# source（提出目标的文件，必填）；region、year 可选（不写则适用于所有地区、年度），note 可选。
# Each entry: indicator, comparison, value (in the indicator's base unit; rates in percent points),
# source (the document that states the target; required), optional region, year and note. Example:
#
# targets:
#   - {indicator: disputes.head_appearance_rate, comparison: ">=", value: 100, region: 示例区甲,
#      source: 《示例区法治政府建设年度工作要点》（示例区人民政府，2024年）, note: 示例，请改为实际文件}
"""


@dataclass(frozen=True)
class Project:
    """The folders and override files of one project, below ``root``."""

    root: Path

    @property
    def raw(self) -> Path:
        """Immutable inputs: report texts and departments' spreadsheets."""
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        """The tidy table, findings and rejects that ``fazhi build`` writes."""
        return self.root / "data" / "processed"

    @property
    def table(self) -> Path:
        """The tidy table ``fazhi build`` writes and ``fazhi report`` reads."""
        return self.processed / TABLE_NAME

    @property
    def reports(self) -> Path:
        """Root of the generated reports."""
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        """The project's notebooks; an ``annual_report.ipynb`` here replaces the bundled one."""
        return self.root / "notebooks"

    @property
    def catalog(self) -> Path:
        """``catalog.yaml``: indicators and aliases that extend or override the bundled catalog."""
        return self.root / "catalog.yaml"

    @property
    def targets(self) -> Path:
        """``targets.yaml``: the project's targets (indicator, comparison, value, source), see ``analysis.targets``."""
        return self.root / "targets.yaml"

    @property
    def templates(self) -> Path:
        """Wording templates that win over the bundled ones (``templates/narrative/…``)."""
        return self.root / "templates"


def find(root: str | Path | None = None) -> Project:
    """The project of ``root`` if given, else of ``$FAZHI_ROOT``, else of the working directory.

    Without an explicit root, the nearest folder at or above the working directory that holds
    ``data/raw/`` is the project; when there is none, the working directory is.
    """
    if root is None:
        root = os.environ.get(ROOT_ENV) or _nearest(Path.cwd())
    return Project(Path(root).resolve())


def _nearest(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "data" / "raw").is_dir():
            return folder
    return start


def init(root: str | Path) -> list[Path]:
    """Make a project folder at ``root`` and return what was created (existing files are kept as they are).

    It holds ``data/raw/`` (inputs), ``data/processed/``, ``reports/``, an editable copy of the report
    notebook (``notebooks/annual_report.ipynb``) and of the wording (``templates/narrative/``), a
    commented ``catalog.yaml`` for the project's own indicators and aliases and a commented ``targets.yaml``.
    """
    here = Project(Path(root).resolve())
    created = [folder for folder in (here.raw, here.processed, here.reports, here.notebooks) if not folder.is_dir()]
    for folder in created:
        folder.mkdir(parents=True)
    bundled = resources.files("fazhi_analysis.report")
    copies = {here.notebooks / "annual_report.ipynb": bundled / "annual_report.ipynb"}
    for item in (bundled / "templates" / "narrative").iterdir():
        copies[here.templates / "narrative" / item.name] = item
    for target, source in copies.items():
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with resources.as_file(source) as path:
                shutil.copyfile(path, target)
            created.append(target)
    for path, text in ((here.catalog, CATALOG_EXAMPLE), (here.targets, TARGETS_EXAMPLE)):
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            created.append(path)
    return created
