"""A project folder: the analyst's data, reports and local overrides, found from the working directory.

A project is a folder holding ``data/raw/`` (``fazhi init DIR`` makes one). Its paths are found
from, in order: an explicit folder (``--project``), ``$FAZHI_ROOT``, the working directory or the
nearest folder above it that holds ``data/raw/``, else the working directory itself. Never from
where the package is installed. Files the project may add to change the bundled defaults:
``catalog.yaml`` (extra or changed indicators), ``templates/narrative/`` (wording) and
``notebooks/annual_report.ipynb`` (the report notebook).

Example:
    >>> project = Project(Path("/srv/fazhi"))
    >>> project.table
    PosixPath('/srv/fazhi/data/processed/indicators.parquet')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT_ENV = "FAZHI_ROOT"
TABLE_NAME = "indicators.parquet"


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
