"""What the Word draft says, in the five parts of an annual report, as the report notebook computed it.

Article 25 of the 2019 《法治政府建设与责任落实督察工作规定》 asks an annual report for five parts, in this order
(:data:`_PARTS`); the draft holds them under the headings of ``templates/narrative/draft.yaml``:

* 主要举措和成效: the overview in prose (what the figures say, then what needs attention; no question of data
  quality), then a chapter per section under it, （一）（二）…: its prose, what its figures say, a table of at most
  :data:`MAX_COLUMNS` columns and the charts the notebook drew;
* 存在的不足和原因, 党政主要负责人履行第一责任人职责情况, 主要安排, 其他需要报告的情况: the report text's own part,
  quoted; a part the sources lack is marked ``【待补充】``;
* appendices: 数据说明 (what could not be compared, figures reported last year only, figures without an
  indicator) and 数据来源 (the files, and where each quoted part comes from).

The report notebook records it as it renders the page (:class:`Recorder`): the facts it gathered, the parts it
read and the charts it drew, so that a project's edited notebook reaches the draft. The content
(:class:`~fazhi_analysis.report.docx_content.Content`, headings and captions numbered) is saved to the run's
folder, each chart a PNG drawn at print resolution from the figure already made; the ``.docx`` is laid out from
it (:func:`fazhi_analysis.report.docx.from_record`) without gathering anything again.

Example:
    >>> word = Recorder(found, parts)                                        # doctest: +SKIP
    >>> word.chapter("disputes", charts.chapter_charts(found, "disputes"))   # doctest: +SKIP
    >>> word.save("/tmp/draft")                                              # doctest: +SKIP
    PosixPath('/tmp/draft/draft.json')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from fazhi_analysis import analysis
from fazhi_analysis.report import charts, narrative, plotting, reading
from fazhi_analysis.report import docx_content as C
from fazhi_analysis.report import docx_style as S
from fazhi_analysis.report import facts as facts_module
from fazhi_analysis.report.facts import Facts
from fazhi_analysis.report.wording import text_template, wording_file
from fazhi_analysis.table import catalog

__all__ = ["MAX_COLUMNS", "Recorder", "compose", "title_lines"]


_WORDING = "draft.yaml"
_PARTS = ("achievements", "shortcomings", "leadership", "plans", "other")  # Article 25, in order
_QUOTED = _PARTS[1:]  # the parts the report text gives in its own words
MAX_COLUMNS = 4  # a table's columns at most: it fits the 版心's 156 mm at 小四 without a landscape page
_UNMAPPED = ("方面", "原文所写", "数据")  # the columns of the figures without an indicator
_SUB_HEADING = re.compile(r"^\s*[(（][一二三四五六七八九十]+[)）]")  # a quoted part's own （一）


class Recorder:
    """What the report notebook gives the Word draft: its facts and parts, and each chapter with the charts it drew.

    Example:
        >>> word = Recorder(found, parts)                   # doctest: +SKIP
        >>> for section in analysis.sections_with_data(found.comparison):      # doctest: +SKIP
        ...     drawn = charts.chapter_charts(found, section)
        ...     display(narrative.chapter(found, section), *drawn)
        ...     word.chapter(section, drawn)
        >>> word.save(draft_dir)                            # doctest: +SKIP
    """

    def __init__(self, facts: Facts, parts: pd.DataFrame | None = None) -> None:
        self.facts, self.parts = facts, parts
        self.drawn: dict[str, list[plotting.Svg]] = {}

    def chapter(self, section: str, drawn: Sequence[plotting.Svg] = ()) -> None:
        """Record the chapter of ``section`` with the charts the notebook drew for it (in the draft in this order)."""
        self.drawn[section] = list(drawn)

    def save(self, folder: str | Path | None) -> Path | None:
        """Write the draft's content to ``folder`` (:meth:`~fazhi_analysis.report.docx_content.Content.save`);
        nothing when ``folder`` is None (no Word draft asked for: no chart is drawn again)."""
        return None if folder is None else compose(self.facts, self.parts, self.drawn).save(folder)


class _Numbers:
    """The running numbers of the draft: headings (一、 and, under each, （一）), tables and figures."""

    def __init__(self) -> None:
        self.first = self.second = self.tables = self.figures = 0

    def heading(self, level: int, title: str) -> C.Block:
        """``一、title`` at level 1 (its （一） start again), ``（一）title`` at level 2."""
        if level == 1:
            self.first, self.second = self.first + 1, 0
            return C.Block(C.HEADING, narrative.numbered(self.first, title), 1)
        self.second += 1
        return C.Block(C.HEADING, f"（{narrative.CHINESE_ORDINALS[self.second - 1]}）{title}", 2)

    def table(self, caption: str, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> C.Block:
        self.tables += 1
        return C.Block(C.TABLE, f"表{self.tables}　{caption}", header=header, rows=rows)

    def figure(self, svg: plotting.Svg, images: dict[str, bytes]) -> C.Block:
        """The chart as a PNG at :data:`docx_style.CHART_DPI`, from the figure the notebook drew, kept in ``images``."""
        self.figures += 1
        name = f"chart-{self.figures}.png"
        images[name] = plotting.to_png(svg, S.CHART_DPI)
        drawn_in = float(svg.figure.get_size_inches()[0])
        return C.Block(C.FIGURE, f"图{self.figures}　{svg.alt}", image=name, width_in=drawn_in)


def compose(
    facts: Facts, parts: pd.DataFrame | None, drawn: Mapping[str, Sequence[plotting.Svg]] | None = None
) -> C.Content:
    """The Word draft of ``facts``: the five parts in order, the appendices, the charts as PNG.

    Args:
        facts: :func:`fazhi_analysis.report.facts.gather` of the region and year.
        parts: The report texts' parts (:func:`fazhi_analysis.ingest.parts.load_parts`), or None.
        drawn: Each chapter's charts as the notebook drew them, in the order of the chapters; None: every section
            with data, its charts drawn here.
    """
    words, context = wording_file(_WORDING), {"region": facts.region, "year": facts.year}
    if drawn is None:
        drawn = {s: charts.chapter_charts(facts, s) for s in analysis.sections_with_data(facts.comparison)}
    own, numbers, images = _own_parts(parts, facts), _Numbers(), {}
    titles = {part: text_template(words["parts"][part]).render(**context) for part in _PARTS}
    blocks = [numbers.heading(1, titles["achievements"]), *_overview(facts, words, context)]
    for section, svgs in drawn.items():
        blocks += _chapter(facts, section, svgs, words, numbers, images)
    for part in _QUOTED:
        quoted = [b for text in own.loc[own["part"] == part, "text"] for b in _quoted(text)]
        blocks += [numbers.heading(1, titles[part]), *(quoted or [C.Block(C.PENDING, words["pending"])])]
        if more := _left_out(parts, facts, part):
            blocks.append(C.Block(C.TEXT, text_template(words["parts_more"]).render(more=more)))
    appendices = [
        C.Appendix(words["appendices"]["quality"], tuple(_quality(facts, words, numbers))),
        C.Appendix(words["appendices"]["sources"], tuple(_sources(facts, own, words, titles))),
    ]
    title = text_template(words["title"]).render(**context)
    return C.Content(title_lines(title, words["title_break_before"]), blocks, appendices, images)


def _own_parts(parts: pd.DataFrame | None, facts: Facts) -> pd.DataFrame:
    """The parts the draft quotes of the region and year (:func:`narrative.own_parts` of :data:`_QUOTED`: at most
    :data:`narrative.QUOTED_PER_PART` of a kind); empty without any."""
    if parts is None or parts.empty:
        return pd.DataFrame(columns=["part", "title", "heading", "text", "source"])
    return narrative.own_parts(parts, facts, _QUOTED)


def _left_out(parts: pd.DataFrame | None, facts: Facts, part: str) -> int:
    """How many parts of kind ``part`` :func:`_own_parts` leaves out (a text pasted many times)."""
    return 0 if parts is None or parts.empty else narrative.left_out(parts, facts, (part,))


def title_lines(title: str, break_before: str) -> tuple[str, ...]:
    """The title as it is set: one line when it fits :data:`docx_style.TITLE_CHARS_PER_LINE`, else broken before
    ``break_before`` (``乌鲁木齐市达坂城区2024年度`` / ``法治政府建设情况报告``), never inside a word.

    Example:
        >>> title_lines("乌鲁木齐市达坂城区2024年度法治政府建设情况报告", "法治政府建设情况报告")
        ('乌鲁木齐市达坂城区2024年度', '法治政府建设情况报告')
        >>> title_lines("甲区2024年度法治政府建设情况报告", "法治政府建设情况报告")
        ('甲区2024年度法治政府建设情况报告',)
    """
    at = title.find(break_before)
    if C.width(title) <= S.TITLE_CHARS_PER_LINE or at <= 0:
        return (title,)
    return title[:at], title[at:]


def _joined(texts: Sequence[str]) -> str:
    return "；".join(t.strip().rstrip("。；") for t in texts if t.strip())


def _overview(facts: Facts, words: dict[str, Any], context: dict[str, Any]) -> list[C.Block]:
    """The overview as prose: the highlights (achievements and the rest, then risks), without data-quality lines."""
    said = facts.highlights[facts.highlights["kind"] != "missing"]
    risks = said["tone"] == "risk"
    text = text_template(words["overview"]).render(
        **context,
        said=_joined(said.loc[~risks, "text"].astype(str).tolist()),
        risks=_joined(said.loc[risks, "text"].astype(str).str.replace("（需关注）", "", regex=False).tolist()),
    )
    return [C.Block(C.TEXT, text)] if text else []


def _chapter(
    facts: Facts, section: str, svgs: Sequence[plotting.Svg], words: dict[str, Any], numbers: _Numbers, images: dict
) -> list[C.Block]:
    """A chapter under 主要举措和成效: heading, prose, what the figures say, its table, its charts."""
    title = catalog.section_title(section)
    readings = [s for s in reading.sentences(facts, section) if s != reading.scope(facts)]  # said in the appendix
    said = (narrative.section_prose(facts.comparison, section), "".join(readings))
    blocks = [numbers.heading(2, title), *(C.Block(C.TEXT, t) for t in said if t)]
    header, rows = _table_columns(facts, section)
    if rows:
        blocks.append(numbers.table(text_template(words["table"]).render(title=title), header, rows))
    return blocks + [numbers.figure(svg, images) for svg in svgs]


def _table_columns(facts: Facts, section: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A chapter's table in at most :data:`MAX_COLUMNS` columns: 指标, the latest years held (the report year always)
    in the room that 同比 and 位次 leave where they exist.

    The HTML's table shows up to four years beside them; the draft keeps to the 版心 (the years are in the charts).
    """
    prior, ranked = facts.has_prior, facts.n_peers >= analysis.MIN_PEERS
    years = reading.table_years(facts)
    shown = list(range(len(years)))[-(MAX_COLUMNS - 1 - prior - ranked) :]
    header = ("指标", *(f"{years[k]}年" for k in shown)) + ("同比",) * prior + ("位次（报告地区数）",) * ranked
    rows = tuple(
        (str(r["name"]), *(r["cells"][k] for k in shown)) + (r["change"],) * prior + (r["rank"],) * ranked
        for r in reading.table_rows(facts, section)
    )
    return header, rows


def _quoted(text: object) -> list[C.Block]:
    """A part of the report text, line by line; its own sub-headings (（一）…) kept as headings, as written. A long
    part is cut as :func:`narrative.quoted_paragraphs` cuts it."""
    lines = narrative.quoted_paragraphs(str(text))
    return [C.Block(C.SOURCE_HEADING if _SUB_HEADING.match(line) else C.TEXT, line) for line in lines]


def _quality(facts: Facts, words: dict[str, Any], numbers: _Numbers) -> list[C.Block]:
    """数据说明: what could not be compared and whom the ranks are among, figures reported last year only, figures
    without an indicator."""
    missing = facts.highlights.loc[facts.highlights["kind"] == "missing", "text"].astype(str).tolist()
    ranks = reading.scope(facts) if reading.first_ranked(facts) else ""
    notes = ("".join(narrative.comparability(facts)) + ranks, _joined(missing) + "。" * bool(missing))
    blocks = [C.Block(C.TEXT, t) for t in notes if t]
    unmapped = analysis.unmapped(facts.table, facts.region, facts.year)
    if len(unmapped):
        titles = catalog.sections()["title"]
        rows = tuple(
            (str(titles.get(r["section"], "") or "—"), str(r["label"]) if pd.notna(r["label"]) else "—",
             narrative.figure_of(r))
            for _, r in unmapped.head(narrative.APPENDIX_ROWS).iterrows()
        )  # fmt: skip
        blocks += [C.Block(C.TEXT, words["unmapped"]), numbers.table(words["unmapped_table"], _UNMAPPED, rows)]
        if len(unmapped) > len(rows):
            more = text_template(words["unmapped_more"]).render(shown=len(rows), more=len(unmapped) - len(rows))
            blocks.append(C.Block(C.TEXT, more))
    return blocks or [C.Block(C.TEXT, words["no_notes"])]


def _sources(facts: Facts, own: pd.DataFrame, words: dict[str, Any], titles: dict[str, str]) -> list[C.Block]:
    """数据来源: the files the figures come from, one a line, then where each quoted part comes from."""
    files = [C.Block(C.TEXT, f"{n}．{facts_module.source_kind(f)} {f}") for n, f in enumerate(facts.sources, start=1)]
    quoted = [
        C.Block(C.TEXT, text_template(words["quoted"]).render(
            part=titles[row["part"]], source=f"{facts_module.source_kind(str(row['source']))} {row['source']}"))
        for _, row in own[own["part"].isin(_QUOTED)].iterrows()
    ]  # fmt: skip
    return [C.Block(C.TEXT, words["files"]), *files, *quoted]
