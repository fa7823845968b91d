"""When an annual report is due: the deadlines by level (``deadlines.yaml``, a project's entries winning).

Example:
    >>> from datetime import date
    >>> due(2024, "county", {"county": "03-15"})
    datetime.date(2025, 3, 15)
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, get_args

import pydantic

from fazhi_analysis import project
from fazhi_analysis.userfiles import load_yaml

__all__ = ["LEVELS", "Deadlines", "due", "load_deadlines"]

_Level = Literal["county", "city", "province", "department"]
LEVELS = get_args(_Level)
_DEADLINES_FILE = "deadlines.yaml"


def load_deadlines(here: project.Project) -> dict[str, str]:
    """The deadlines by level: the bundled ``deadlines.yaml``, entries of project ``here``'s own file winning.

    Both are found by :meth:`~fazhi_analysis.project.Project.layers` and read with
    :func:`fazhi_analysis.userfiles.load_yaml` against :data:`Deadlines`.

    Raises:
        InputError: A file that is no mapping of a level to ``MM-DD`` (one line naming the file, the
            entry and what it should be).
    """
    bundled, *own = here.layers(_DEADLINES_FILE)
    found = load_yaml(bundled, Deadlines)
    for path in own:
        found.update(load_yaml(path, Deadlines, if_empty={}))
    return found


def _month_day(day: str) -> str:
    """``day`` when it is a day of the year written ``MM-DD`` (02-29 included)."""
    try:
        if re.fullmatch(r"\d\d-\d\d", day):
            date(2024, int(day[:2]), int(day[3:]))  # a leap year: 02-29 is a day
            return day
    except ValueError:
        pass
    raise ValueError("应为 MM-DD 格式的日期，如 04-01 / expected a day written MM-DD, e.g. 04-01")


Deadlines = dict[_Level, Annotated[str, pydantic.Strict(), pydantic.AfterValidator(_month_day)]]  # deadlines.yaml


def due(year: int, level: str, deadlines: dict[str, str]) -> date:
    """The day the report of ``year`` at ``level`` is due, in ``year + 1`` (a level not listed: the county's)."""
    day = deadlines.get(level, deadlines.get("county", "04-01"))
    return date(year + 1, int(day[:2]), min(int(day[3:]), 28 if day[:2] == "02" else 31))
