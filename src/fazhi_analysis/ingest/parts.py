"""The parts of a report text under its own top-level headings: 主要举措和成效, 存在的不足, 下一年度安排 ….

An annual 法治政府建设情况报告 is written in parts (``一、2024年法治政府建设主要举措和成效``, ``二、存在的不足``,
``三、2025年工作安排`` …). :func:`report_parts` finds them from the headings described in ``parts.yaml``;
:func:`load_parts` reads the parts a ``fazhi build`` wrote beside its tidy table.

Example:
    >>> text = "甲区2024年报告\\n一、主要举措和成效\\n办结5件。\\n二、存在的不足\\n人手少。\\n相关附件：\\n"
    >>> report_parts(text)[["part", "heading", "line_start", "line_end", "text"]].values.tolist()
    [['achievements', '一、主要举措和成效', 3, 3, '办结5件。'], ['shortcomings', '二、存在的不足', 5, 5, '人手少。']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

import pandas as pd
import pydantic

from fazhi_analysis.table import manifest
from fazhi_analysis.userfiles import Text, load_yaml

__all__ = [
    "COLUMNS",
    "PARTS_STEM",
    "TABLE_COLUMNS",
    "PartsFile",
    "Rules",
    "empty_table",
    "heading_part",
    "load_parts",
    "load_rules",
    "part_titles",
    "parts_table",
    "report_parts",
    "rules",
]


PARTS_STEM = "parts"
COLUMNS = ("part", "title", "heading", "start", "end", "line_start", "line_end", "text")
TABLE_COLUMNS = ("region", "year", "part", "title", "heading", "text", "source")  # parts.parquet / parts.csv
_PLAIN = "plain"  # an unnumbered heading, trusted only when no numbered heading names a part


@dataclass(frozen=True)
class Rules:
    """The rules of ``parts.yaml``: numbering styles, part patterns and the shape of a heading."""

    numbering: dict[str, re.Pattern[str]]
    parts: tuple[tuple[str, str, re.Pattern[str]], ...]  # (id, title, any of its patterns)
    max_chars: int
    never_in_heading: str
    not_plain: re.Pattern[str]


def _pattern(text: str) -> str:
    """``text`` when it compiles as a regular expression."""
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"不是有效的正则表达式 / not a valid regular expression ({exc})") from None
    return text


_Pattern = Annotated[str, pydantic.AfterValidator(_pattern)]


class _PartRule(pydantic.BaseModel):
    """One part of ``parts.yaml``: its id, Chinese title and the patterns one of which its heading holds."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)

    id: Text
    title: Text
    patterns: Annotated[list[_Pattern], pydantic.Field(min_length=1)]


class PartsFile(pydantic.BaseModel):
    """The schema of ``parts.yaml`` (see the file for what each entry means)."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)

    numbering: Annotated[dict[str, _Pattern], pydantic.Field(min_length=1)]
    max_heading_chars: pydantic.PositiveInt
    never_in_heading: str
    not_plain: Annotated[list[_Pattern], pydantic.Field(min_length=1)]
    parts: Annotated[list[_PartRule], pydantic.Field(min_length=1)]


def load_rules(path: str | Path) -> Rules:
    """The rules of a ``parts.yaml``, checked against :class:`PartsFile` and compiled.

    Raises:
        InputError: the file breaks the schema (one line naming the file, the entry and the type expected).
    """
    raw = load_yaml(path, PartsFile)
    return Rules(
        numbering={name: re.compile(pattern) for name, pattern in raw.numbering.items()},
        parts=tuple((p.id, p.title, re.compile("|".join(p.patterns))) for p in raw.parts),
        max_chars=raw.max_heading_chars,
        never_in_heading=raw.never_in_heading,
        not_plain=re.compile("|".join(raw.not_plain)),
    )


@cache
def rules() -> Rules:
    """The bundled rules (read once)."""
    return load_rules(Path(__file__).with_name("parts.yaml"))


def part_titles() -> dict[str, str]:
    """Every part id with its Chinese title, in the order of ``parts.yaml``.

    Example:
        >>> part_titles()["shortcomings"]
        '存在的不足和原因'
    """
    return {part: title for part, title, _ in rules().parts}


def heading_part(line: str) -> tuple[str, str] | None:
    """The numbering style and part id of a heading line, None when the line is no part heading.

    Example:
        >>> heading_part("三、2025年工作安排"), heading_part("（二）补齐短板"), heading_part("存在的不足。")
        (('chinese', 'plans'), None, None)
    """
    line = line.strip()
    if not line or len(line) > rules().max_chars or any(mark in line for mark in rules().never_in_heading):
        return None
    style, words = _PLAIN, line
    for name, numbered in rules().numbering.items():
        if found := numbered.match(line):
            style, words = name, line[found.end() :]
            break
    if style == _PLAIN and (rules().not_plain.search(line) or not line[0].isalpha()):
        return None
    part = next((part for part, _, pattern in rules().parts if pattern.search(words)), None)
    return (style, part) if part else None


def _headings(lines: list[str]) -> list[tuple[int, str]]:
    """(line index, part id) of the part headings: those of the strongest numbering style naming a part."""
    found = [(i, *hp) for i, line in enumerate(lines) if (hp := heading_part(line))]
    styles = [*rules().numbering, _PLAIN]
    style = next((s for s in styles if any(f[1] == s for f in found)), None)
    return [(i, part) for i, s, part in found if s == style]


def report_parts(text: str) -> pd.DataFrame:
    """The parts of a report text, one row each in the order written; empty when it has no part heading.

    Columns: ``part`` (id from ``parts.yaml``), ``title`` (its Chinese title), ``heading`` (the line
    as written), ``start``/``end`` (the body's character span, ``text[start:end]``, without the
    blank space around it), ``line_start``/``line_end`` (1-based lines of the body; both the heading's
    own line when the body is empty) and ``text`` (the body). A part runs to the next part heading
    or the end of the text; what stands before the first heading (title, preamble) is no part. A last line
    that only leads in to what follows outside the part (``相关附件：``) is not in its body.
    """
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    heads = _headings(lines)
    titles, rows = part_titles(), []
    for k, (i, part) in enumerate(heads):
        start = min(offsets[i + 1], len(text))
        end = offsets[heads[k + 1][0]] if k + 1 < len(heads) else len(text)
        start, end = _body(text, start, end)
        first, last = _line_of(offsets, start), _line_of(offsets, end - 1)
        if start == end:
            first = last = i + 1
        rows.append((part, titles[part], lines[i].strip(), start, end, first, last, text[start:end]))
    return _frame(rows)


def _body(text: str, start: int, end: int) -> tuple[int, int]:
    """The span ``start:end`` of ``text`` without the blank space around it and without last lines that end
    in a colon (they lead in to what the part does not hold: 相关附件：)."""
    while True:
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        last = text.rfind("\n", start, end)
        if last < 0 or not text[start:end].endswith((":", "：")):
            return start, end
        end = last


def _line_of(offsets: list[int], position: int) -> int:
    """The 1-based line holding character ``position``."""
    return max(1, next((n for n, at in enumerate(offsets) if at > position), len(offsets)))


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """The rows of :func:`report_parts` as a frame with its dtypes (also when empty)."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    text_columns = ["part", "title", "heading", "text"]
    return frame.astype({**dict.fromkeys(text_columns, "string"), **dict.fromkeys(COLUMNS[3:7], "int64")})


def parts_table(text: str, region: str, year: int, source_file: str) -> pd.DataFrame:
    """The rows of ``parts.parquet`` for one report: region, year, part, title, heading, text, source.

    ``source`` is ``file:line_start-line_end`` of the body.
    """
    parts = report_parts(text)
    parts.insert(0, "year", pd.array([year] * len(parts), dtype="Int64"))
    parts.insert(0, "region", pd.array([region] * len(parts), dtype="string"))
    parts["source"] = pd.array(
        [f"{source_file}:{a}-{b}" for a, b in zip(parts["line_start"], parts["line_end"])], dtype="string"
    )
    return parts[list(TABLE_COLUMNS)]


def empty_table() -> pd.DataFrame:
    """A ``parts.parquet`` frame without rows."""
    return parts_table("", "", 0, "")


def load_parts(table_path: str | Path) -> pd.DataFrame:
    """The parts ``fazhi build`` wrote beside the tidy table at ``table_path``, trusted only as one build with it.

    Returns an empty frame with the columns when the parts file is missing, or when the manifest
    does not vouch for it and the table as written by the same build (a killed or older build).

    Example:
        >>> load_parts("data/processed/indicators.parquet")   # doctest: +SKIP
    """
    found = manifest.read_beside(Path(table_path), f"{PARTS_STEM}.parquet")
    return empty_table() if found is None else found
