"""The report's wording: editable Jinja2 templates and phrases, project copies first.

The wording lives in ``templates/narrative/`` (``phrases.yaml`` for the sentences, ``*.html.j2``
for the layout), so an analyst changes the report without touching code. A project's own
``templates/narrative/`` (``fazhi customize templates`` copies the bundled ones there) wins, file by file.

Example:
    >>> from fazhi_analysis.report import wording
    >>> wording.text_template("{{ n }}项").render(n=3)
    '3项'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from fazhi_analysis import project
from fazhi_analysis.userfiles import load_yaml

__all__ = ["Html", "phrases", "render", "template_dirs", "text_template", "wording_file"]


_NARRATIVE = "templates/narrative"  # the project's folder of wording, and the bundled one it wins over
_TEMPLATE_DIR = project.bundled_file(_NARRATIVE)


class Html(str):
    """An HTML fragment; Jupyter displays it as HTML."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """The plain-text stand-in (``text/plain``): a short note, not the markup again."""
        printer.text(f"<HTML 片段 / fragment: {len(self)} 字符 / chars>")


def _working() -> project.Project:
    """The project whose wording a report speaks: the working one (the report's notebooks are not given one)."""
    return project.find()


def template_dirs() -> list[Path]:
    """Where wording templates are looked up: the working project's first, then the bundled ones."""
    return list(reversed(_working().layers(_NARRATIVE)))


def _env() -> jinja2.Environment:
    return _env_of(tuple(template_dirs()))


@cache
def _env_of(folders: tuple[Path, ...]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def phrases() -> dict[str, Any]:
    """The phrases of ``phrases.yaml``, the project's when it has one."""
    return wording_file("phrases.yaml")


def wording_file(name: str) -> dict[str, Any]:
    """The wording of the YAML file ``name`` of ``templates/narrative/``, the project's when it has one."""
    return _phrases_in(_working().file(f"{_NARRATIVE}/{name}"))


@cache
def _phrases_in(path: Path) -> dict[str, Any]:
    return load_yaml(path, dict[str, Any])


@cache
def text_template(source: str) -> jinja2.Template:
    """A one-line phrase as a template (plain text: the caller's HTML template escapes it)."""
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(source)


def render(name: str, /, **context: Any) -> Html:
    """The HTML template ``name`` rendered with ``context``, every value escaped."""
    return Html(_env().get_template(name).render(**context))
