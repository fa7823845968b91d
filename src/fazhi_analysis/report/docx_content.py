"""The Word draft's content as data: what :mod:`fazhi_analysis.report.word_draft` composes in the report's kernel
and :mod:`fazhi_analysis.report.docx` lays out, passed between them as a folder.

A :class:`Content` is the title's lines, the body's blocks in order (headings and captions numbered already),
the appendices and the charts' PNG bytes. :meth:`Content.save` writes ``draft.json`` and a PNG per chart;
:meth:`Content.load` reads them back. This module needs neither pandas nor matplotlib, so the process that
writes the ``.docx`` loads little.

Example:
    >>> content = Content(("甲区2024年度法治政府建设情况报告",), [Block(HEADING, "一、主要举措和成效", 1)], [])
    >>> Content.load(content.save(tmp_path / "draft").parent).blocks[0].text     # doctest: +SKIP
    '一、主要举措和成效'
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FIGURE", "HEADING", "PENDING", "SOURCE_HEADING", "TABLE", "TEXT", "Appendix", "Block", "Content", "width"]


_RECORD = "draft.json"
HEADING, TEXT, SOURCE_HEADING, PENDING = "heading", "text", "source_heading", "pending"
TABLE, FIGURE = "table", "figure"


@dataclass(frozen=True)
class Block:
    """One element of the draft.

    Attributes:
        kind: :data:`HEADING` (``text`` numbered, ``level`` 1 for 一、, 2 for （一）), :data:`TEXT` (a paragraph),
            :data:`SOURCE_HEADING` (a quoted part's own sub-heading, as written), :data:`PENDING` (a part to be
            written), :data:`TABLE` or :data:`FIGURE` (``text`` their numbered caption, 表1　… or 图1　…).
        image: A figure's PNG, a key of :attr:`Content.images`; ``width_in`` its drawn width.
    """

    kind: str
    text: str = ""
    level: int = 0
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    image: str = ""
    width_in: float = 0.0


@dataclass(frozen=True)
class Appendix:
    """An appendix (附件): its title and blocks."""

    title: str
    blocks: tuple[Block, ...]


@dataclass
class Content:
    """The Word draft's content: title lines, the body's blocks, the appendices and the charts' PNG bytes."""

    title: tuple[str, ...]
    blocks: list[Block]
    appendices: list[Appendix]
    images: dict[str, bytes] = field(default_factory=dict)

    def save(self, folder: str | Path) -> Path:
        """Write the content to ``folder`` (made if missing): :data:`_RECORD` and a PNG a chart; returns the record."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, png in self.images.items():
            (folder / name).write_bytes(png)
        record = {"title": self.title, "blocks": [asdict(b) for b in self.blocks],
                  "appendices": [asdict(a) for a in self.appendices]}  # fmt: skip
        path = folder / _RECORD
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> Content:
        """The content :meth:`save` wrote to ``folder``.

        Raises:
            FileNotFoundError: ``folder`` holds no record (the notebook recorded none).
        """
        folder = Path(folder)
        record = json.loads((folder / _RECORD).read_text(encoding="utf-8"))
        blocks = [_block(b) for b in record["blocks"]]
        appendices = [Appendix(a["title"], tuple(_block(b) for b in a["blocks"])) for a in record["appendices"]]
        names = {b.image for b in [*blocks, *(b for a in appendices for b in a.blocks)] if b.image}
        return cls(tuple(record["title"]), blocks, appendices, {n: (folder / n).read_bytes() for n in sorted(names)})


def _block(entry: dict[str, Any]) -> Block:
    rows = tuple(tuple(r) for r in entry.pop("rows"))
    return Block(**{**entry, "header": tuple(entry["header"]), "rows": rows})


def width(text: str) -> float:
    """The width of ``text`` in full-width characters: a Chinese character 1, a Latin letter or digit ½.

    Example:
        >>> width("达坂城区2024年度")
        8.0
    """
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)
