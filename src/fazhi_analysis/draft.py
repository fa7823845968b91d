"""Check a draft annual report before it is sent on: its parts, title, years, figures and deadline.

The office that collects the districts' 法治政府建设情况报告 checks each draft for what the 2019
《法治政府建设与责任落实督察工作规定》 asks of it, five parts (:data:`_REQUIRED_PARTS`, found by their headings
with :func:`fazhi_analysis.ingest.parts.report_parts`); a title naming the region and the year; headings in
the right years (``2024年…主要举措`` and ``2025年…安排`` for report year 2024); figures that agree with the
departments' tables, keep the catalog's relations (结案 ≤ 收到) and whose rates match their counts
(:func:`fazhi_analysis.checks.check` on the draft's own figures); the indicators reported the year before
still reported; and the deadline of its level (``deadlines.yaml``).

Figures are read by the extractor (one number reader: ``2,536.8万元``, full-width digits), with the project's
overrides applied by figure and sentence (the draft's lines are not those reviewed). Each finding says where
it is (heading, paragraph, sentence and line of the draft) and the departments' cell it rests on, so that the
list can be sent back as it is. Errors (a required part missing, a figure in conflict) make :func:`has_errors`
true; warnings and notes do not.

Example:
    >>> found = check_draft("草稿.docx", table=table, today=date(2025, 3, 20))     # doctest: +SKIP
    >>> found[["level", "line", "message_zh"]].head(1).values.tolist()             # doctest: +SKIP
    [['error', 0, '缺少“党政主要负责人履行推进法治建设第一责任人职责情况”部分']]
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from fazhi_analysis import analysis, checks, deadline, project
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import decode, parts, review, sentence
from fazhi_analysis.ingest.extract import detect_region_year, extract_candidates, headings
from fazhi_analysis.ingest.inputs import decoder_of
from fazhi_analysis.table import catalog, numbers, tidy
from fazhi_analysis.table.numbers import APPROX_TOLERANCE
from fazhi_analysis.table.wording import format_figure
from fazhi_analysis.table.write import atomic_path, write_file, write_records

__all__ = [
    "Place",
    "as_text",
    "check_draft",
    "deadline_finding",
    "has_errors",
    "write",
]


_ERROR, _WARNING, _NOTE = "error", "warning", "note"
_LEVELS_ZH = {_ERROR: "错误", _WARNING: "警告", _NOTE: "提示"}
_REQUIRED_PARTS = ("achievements", "shortcomings", "leadership", "plans")  # 其他需要报告的情况 is a warning
_OPTIONAL_PARTS = ("other",)
_TABLE_SUFFIXES = (".parquet", ".csv")
_FIGURE_RULES = {
    "relation": _ERROR,
    "rate_range": _ERROR,
    "conflict": _ERROR,
    "rate_mismatch": _WARNING,
    "unit": _WARNING,
}
_COLUMNS = ("level", "rule", "heading", "paragraph", "sentence_no", "sentence", "line", "cell", "message_zh",
           "message_en")  # fmt: skip
_COLUMNS_ZH = {
    "level": "级别",
    "rule": "规则",
    "heading": "所在标题",
    "paragraph": "段",
    "sentence_no": "句",
    "sentence": "原句",
    "line": "行",
    "cell": "报表单元格或来源",
    "message_zh": "意见",
    "message_en": "note",
}
_YEAR = re.compile(r"(20\d\d)\s*年")


def check_draft(
    draft: str | Path,
    *,
    region: str | None = None,
    year: int | None = None,
    table: pd.DataFrame | None = None,
    previous: str | Path | pd.DataFrame | None = None,
    level: str = "county",
    today: date | None = None,
    deadlines: dict[str, str] | None = None,
    overrides: pd.DataFrame | None = None,
    here: project.Project | None = None,
) -> pd.DataFrame:
    """The findings of a draft report (.docx, .txt, or what :func:`decode.read_report_text` reads), errors first.

    Args:
        draft: The draft's file.
        region, year: Default: the draft's own words (``达坂城区人民政府2024年度…``).
        table: A tidy table: the departments' figures of the region and year (sources ``file#sheet!cell``)
            to agree with, and last year's indicators when ``previous`` is None.
        previous: Last year's report (a text file) or tidy table (.parquet/.csv), or a tidy table frame.
        level: ``county``, ``city``, ``province`` or ``department`` (its deadline).
        today: The date the deadline is compared with (default: today).
        deadlines: Level → ``MM-DD``; default :func:`.deadline.load_deadlines`.
        overrides: The analysts' indicators for figures (:func:`fazhi_analysis.ingest.review.read_overrides`),
            applied by figure and sentence (:func:`~fazhi_analysis.ingest.review.apply_by_sentence`); default
            the project's ``data/raw/overrides.xlsx`` or ``.csv`` when there is one.
        here: The project whose catalog maps the figures and whose overrides and ``deadlines.yaml`` are the
            defaults (default: the working one).

    Returns:
        Columns ``level`` (error, warning, note), ``rule``, the draft's place — ``heading``, ``paragraph``
        (its non-empty paragraphs counted from 1, the title first), ``sentence_no`` (in the paragraph),
        ``sentence`` (its text) and ``line``; 0 and empty for the whole draft — ``cell`` (the departments'
        cell or last year's source the finding rests on), ``message_zh``, ``message_en``.

    Raises:
        InputError: An unreadable draft, previous or overrides file, an unknown level, or no region or year.
    """
    here = here or project.find()
    with project.use(here):  # its catalog maps the draft's figures
        path = Path(draft)
        text = decode.read_report_text(path)
        found_region, found_year = detect_region_year(text)
        region, year = region or found_region, int(year or found_year or 0)
        if not region or not year:
            raise InputError(f"{path}: 无法确定地区或年度，请用 --region/--year 指明 / cannot tell the region or year")
        if level not in deadline.LEVELS:
            raise InputError(f"未知级别 / unknown level: {level}; 可选 / choose from: {', '.join(deadline.LEVELS)}")
        overrides = _project_overrides(here) if overrides is None else overrides
        draft_figures = _figures_of(text, region, year, path.name, overrides)
        tables, unread = _table_figures(path, region, year)
        draft_figures = pd.concat([draft_figures, tables], ignore_index=True) if len(tables) else draft_figures
        at = _Locator(text)
        findings = [
            *unread,
            *_part_findings(text, at),
            *_title_findings(text, region, year, at),
            *_year_findings(text, year, at),
            *_figure_findings(draft_figures, at),
            *_table_findings(draft_figures, table, at),
            *_previous_findings(draft_figures, _previous_table(previous, table), region, year),
            deadline_finding(year, level, today or date.today(), deadlines or deadline.load_deadlines(here)),
        ]
        return _frame(findings)


def _project_overrides(here: project.Project) -> pd.DataFrame | None:
    """The overrides file of project ``here``, read (None without one)."""
    found = review.find_overrides(here.raw)
    return review.read_overrides(found) if found else None


def has_errors(findings: pd.DataFrame) -> bool:
    """Whether a finding is an error (a required part missing, a figure in conflict): exit 1."""
    return bool((findings["level"] == _ERROR).any())


def _finding(level: str, rule: str, place: Place | None, zh: str, en: str, cell: object = "") -> dict:
    """One finding at ``place`` (None: the whole draft), resting on ``cell`` (a departments' cell, a source)."""
    where = place or Place()
    return {"level": level, "rule": rule, **asdict(where), "cell": str(cell or ""), "message_zh": zh,
            "message_en": en}  # fmt: skip


def _frame(findings: list[dict]) -> pd.DataFrame:
    order = {_ERROR: 0, _WARNING: 1, _NOTE: 2}
    frame = pd.DataFrame(findings, columns=list(_COLUMNS))
    frame = frame.assign(_o=frame["level"].map(order)).sort_values(["_o", "line"], kind="stable").drop(columns="_o")
    return frame.astype({"paragraph": "int64", "sentence_no": "int64", "line": "int64"}).reset_index(drop=True)


@dataclass(frozen=True)
class Place:
    """Where in the draft a finding is: its heading, paragraph, sentence (number and text) and line; 0: nowhere."""

    heading: str = ""
    paragraph: int = 0
    sentence_no: int = 0
    sentence: str = ""
    line: int = 0


class _Locator:
    """The place (:class:`Place`) of a position in the draft: the nearest 一、 or （一） heading above it, the
    paragraph (a non-empty line) and the sentence of the paragraph it lies in."""

    def __init__(self, text: str) -> None:
        heads = headings(text)
        heads = heads[heads["level"] <= 2]
        self.starts = heads["start"].astype(int).tolist()
        self.titles = [f"{m}{t}" for m, t in zip(heads["marker"], heads["title"])]
        self.lines = text.split("\n")
        self.offsets = list(itertools.accumulate((len(line) + 1 for line in self.lines), initial=0))
        self.paragraphs = list(itertools.accumulate(1 if line.strip() else 0 for line in self.lines))

    def line(self, position: int) -> int:
        """The 1-based line of character ``position``."""
        return bisect.bisect_right(self.offsets, position)

    def heading(self, position: int) -> str:
        """The heading the position lies under ('' before the first)."""
        before = [t for s, t in zip(self.starts, self.titles) if s <= position]
        return before[-1] if before else ""

    def place(self, position: int) -> Place:
        """The heading, paragraph, sentence and line of character ``position``."""
        number = self.line(position)
        text, at = self.lines[number - 1], position - self.offsets[number - 1]
        ends = sentence.delimiters(text, sentence.FULL_STOPS)
        start, end = sentence.bounds(ends, at, len(text))
        return Place(self.heading(position), self.paragraphs[number - 1], bisect.bisect_left(ends, at) + 1,
                     text[start : end + 1].strip(), number)  # fmt: skip

    def line_place(self, number: int) -> Place:
        """The place of line ``number`` as a whole (a title, a heading): its paragraph, no sentence."""
        return Place(self.heading(self.offsets[number - 1]), self.paragraphs[number - 1], 0, "", number)


# ---------------------------------------------------------------- parts, title, years


def _part_findings(text: str, at: _Locator) -> list[dict]:
    """A required part without its heading is an error; 其他需要报告的情况 missing is a warning."""
    found = set(parts.report_parts(text)["part"])
    titles = parts.part_titles()
    out = []
    for part in (*_REQUIRED_PARTS, *_OPTIONAL_PARTS):
        if part in found:
            continue
        required = part in _REQUIRED_PARTS
        zh = f"缺少“{titles[part]}”部分（未找到其标题）" + ("" if required else "；规定列有此项，无其他情况可注明“无”")
        en = f"no heading of the part '{titles[part]}'" + ("" if required else " (listed by the regulation)")
        out.append(_finding(_ERROR if required else _WARNING, "part_missing", None, zh, en))
    return out


def _title_findings(text: str, region: str, year: int, at: _Locator) -> list[dict]:
    """The first line should be the title and name the region and the year."""
    number = next((i for i, line in enumerate(at.lines, 1) if line.strip()), 1)
    title, where = at.lines[number - 1].strip(), at.line_place(number)
    out = []
    if len(title) > parts.rules().max_chars or any(mark in title for mark in "。：:"):
        out.append(_finding(_WARNING, "title", where, f"首行不是单独的标题：“{title[:30]}…”",
                            "the first line is not a title of its own"))  # fmt: skip
    missing = [w for w, ok in (("地区", region in title), ("年度", f"{year}年" in title)) if not ok]
    if missing:
        out.append(_finding(_WARNING, "title", where, f"标题未写明{'和'.join(missing)}（应为{region}、{year}年）",
                            f"the title does not name the {' and '.join(missing)}"))  # fmt: skip
    return out


def _year_findings(text: str, year: int, at: _Locator) -> list[dict]:
    """A 主要举措 heading in another year than the report year, a 安排 heading not in the next year."""
    expected = {"achievements": year, "plans": year + 1}
    out = []
    for row in parts.report_parts(text).itertuples():
        written = [int(y) for y in _YEAR.findall(row.heading)]
        want = expected.get(row.part)
        if want is None or not written or want in written:
            continue
        where = at.line_place(int(row.line_start) - 1)  # the heading's own line, just above the body
        zh, en = f"标题年份为{written[0]}年，应为{want}年", f"the heading says {written[0]}, expected {want}"
        out.append(_finding(_WARNING, "year", replace(where, heading=row.heading), zh, en))
    return out


# ---------------------------------------------------------------- figures


def _figures_of(text: str, region: str, year: int, name: str, overrides: pd.DataFrame | None = None) -> pd.DataFrame:
    """The draft's figures as a tidy table (``source`` = ``name:line:column``), the analysts' overrides applied.

    Besides the tidy columns: ``start`` (the figure's position in ``text``) and ``seen``, the ids the figure is
    of (its own, and the extractor's best candidate even when ruled out or less sure than its threshold; not the
    rivals ranked below it; an override settles it), by which an indicator counts as written.
    """
    figures = extract_candidates(text)
    if overrides is not None and len(overrides):
        figures = review.apply_by_sentence(figures, overrides)
    at = _Locator(text)
    starts = figures["start"].astype("int64").tolist()
    lines = [at.line(p) for p in starts]
    figures["source"] = [f"{name}:{ln}:{p - at.offsets[ln - 1] + 1}" for p, ln in zip(starts, lines)]
    figures["region"], figures["year"] = region, year
    seen = [_seen(*row) for row in zip(figures["indicator"], figures["candidates"], figures["reason"])]
    return tidy.conform(figures).assign(start=starts, seen=seen)


def _seen(indicator: object, candidates: list, reason: object) -> set[str]:
    """The ids a figure is of: its own and its best candidate; only the analyst's id when overridden."""
    own = {indicator} if isinstance(indicator, str) else set()
    return own if reason == "override" or not candidates else own | {candidates[0][0]}


def _table_figures(path: Path, region: str, year: int) -> tuple[pd.DataFrame, list[dict]]:
    """The figures of the tables inside a ``.docx`` draft, read as ``fazhi build`` reads a report's tables (sources
    ``草稿.docx#表1!B3``, region and year the draft's by default), and a note for each table of figures the
    spreadsheet cleaner cannot read (its figures are not checked)."""
    from fazhi_analysis.ingest import clean, sheet_layout

    if decoder_of(path) != "docx":
        return pd.DataFrame(), []
    frames, unread = [], []
    for sheet in decode.read_docx_tables(path):
        if not (sheet_layout.cell_kinds(sheet.filled) == sheet_layout.NUMBER).any():
            continue  # a table without numbers is no table of figures
        try:
            frames.append(clean.clean_sheets([sheet], region=region, year=year, keep_conflicts=True).table)
        except InputError as exc:
            zh, en = f"{sheet.name}的数字未能读取，未核对：{exc}", f"{sheet.where}: not read, its figures not checked"
            unread.append(_finding(_NOTE, "docx_table", Place(sentence=sheet.name), zh, en))
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=tidy.TIDY_COLUMNS)
    seen = [{i} if isinstance(i, str) else set() for i in rows["indicator"]]
    return tidy.conform(rows).assign(start=-1, seen=seen), unread


def _place(at: _Locator, source: object, start: int) -> Place:
    """The place of a draft's figure: its sentence, or its cell (``表1!B3``) for a figure of the draft's tables."""
    return Place(sentence=str(source).split("#", 1)[1]) if start < 0 else at.place(start)


def _figure_findings(figures: pd.DataFrame, at: _Locator) -> list[dict]:
    """The draft's figures checked alone (:func:`checks.check`): relations, rates, one value per indicator."""
    found = checks.check(figures)
    found = found[found["rule"].isin(_FIGURE_RULES)]
    starts = dict(zip(figures["source"], figures["start"]))
    out = []
    for row in found.itertuples():
        mine = [s for s in re.split(r"[;、]\s*", str(row.source)) if s in starts]
        place = _place(at, mine[0], int(starts[mine[0]])) if mine else None
        zh = catalog.without_ids(str(row.message_zh))  # the reader sees names, not ids
        out.append(_finding(_FIGURE_RULES[row.rule], row.rule, place, zh, row.message_en))
    return out


def _tolerance(value: float, raw: object, approx: bool) -> float:
    """Half a unit of the draft's last written digit, in base units (``1547万元`` → 5000 元), read by the extractor's
    number reader (:func:`fazhi_analysis.table.numbers.resolution`); 10 % when approximate."""
    step = numbers.resolution(raw) if isinstance(raw, str) else None
    tolerance = max(1e-9 * max(abs(value), 1.0), 0.5 * (step or 0.0))
    return max(tolerance, APPROX_TOLERANCE * abs(value)) if approx else tolerance


def _table_findings(figures: pd.DataFrame, table: pd.DataFrame | None, at: _Locator) -> list[dict]:
    """Figures of the draft that disagree, beyond rounding, with the departments' tables (spreadsheet rows)."""
    if table is None or figures.empty:
        return []
    region, year = figures["region"].iloc[0], int(figures["year"].iloc[0])
    theirs = table[(table["region"] == region) & (table["year"] == year)]
    theirs = theirs[theirs["source"].astype(str).str.contains("#", regex=False) & theirs["indicator"].notna()]
    out = []
    names = catalog.indicators()["name"]
    for row in figures[figures["indicator"].notna()].itertuples():
        for other in theirs[theirs["indicator"] == row.indicator].itertuples():
            approx = bool(row.approx is True or other.approx is True)
            if abs(float(row.value) - float(other.value)) <= _tolerance(float(row.value), row.raw, approx):
                continue
            mine = format_figure(row.value, row.unit, row.approx, row.raw)
            given = format_figure(other.value, other.unit, other.approx)
            name = names.get(row.indicator, row.label)
            zh = f"{name}：草稿写{mine}，部门报表为{given}（{other.source}）"
            en = f"{row.indicator}: the draft says {row.value:g}, the table {other.value:g} ({other.source})"
            out.append(_finding(_ERROR, "table_conflict", _place(at, row.source, int(row.start)), zh, en, other.source))
    return out


def _previous_table(previous: str | Path | pd.DataFrame | None, table: pd.DataFrame | None) -> pd.DataFrame | None:
    """Last year's figures: a tidy table given or read, a report text extracted, else ``table``."""
    if previous is None:
        return table
    if isinstance(previous, pd.DataFrame):
        return previous
    path = Path(previous)
    if path.suffix.lower() in _TABLE_SUFFIXES:
        return analysis.load_table(path)
    text = decode.read_report_text(path)
    region, year = detect_region_year(text)
    if not year:
        raise InputError(f"{path}: 无法确定上年报告的年度 / cannot tell the year of the previous report")
    return _figures_of(text, str(region or ""), int(year), path.name).assign(_any_region=True)


def _previous_findings(figures: pd.DataFrame, previous: pd.DataFrame | None, region: str, year: int) -> list[dict]:
    """Indicators reported the year before and written nowhere in the draft: one warning each, in catalog order.

    An indicator is written in the draft when a figure of it is there, even one the extractor did not settle
    on (a candidate it weighed, ruled out or less sure than its threshold): only a figure truly absent is said
    to be missing. Each warning names last year's source of the figure.
    """
    if previous is None or previous.empty:
        return []
    same_region = previous["region"] == region
    if "_any_region" in previous.columns:  # a report text given as last year's: its region is the draft's
        same_region = pd.Series(True, index=previous.index)
    before = previous[same_region & (previous["year"] == year - 1) & previous["indicator"].notna()]
    written = set().union(*figures["seen"]) if len(figures) else set()
    sources = before.drop_duplicates("indicator").set_index("indicator")["source"]
    names = catalog.indicators()["name"]
    gone = [i for i in names.index if i in sources.index and i not in written]
    out = []
    for i in gone:
        zh, en = (
            f"上年报告了“{names[i]}”（{sources[i]}），本稿未见",
            f"{i} was reported in {year - 1} ({sources[i]}), not now",
        )
        out.append(_finding(_WARNING, "dropped", None, zh, en, sources[i]))
    return out


def deadline_finding(year: int, level: str, today: date, deadlines: dict[str, str]) -> dict:
    """The deadline of the report of ``year`` at ``level`` (in ``year + 1``): a warning when passed, else a note."""
    due = deadline.due(year, level, deadlines)
    left = (due - today).days
    if left < 0:
        return _finding(_WARNING, "deadline", None, f"已过报送期限 {due:%Y年%m月%d日}（{-left}天）",
                        f"the deadline {due:%Y-%m-%d} passed {-left} days ago")  # fmt: skip
    return _finding(_NOTE, "deadline", None, f"报送期限 {due:%Y年%m月%d日}，还有{left}天",
                    f"due {due:%Y-%m-%d}, {left} days left")  # fmt: skip


# ---------------------------------------------------------------- output


def as_text(findings: pd.DataFrame) -> str:
    """One line per finding with its place: ``错误 第5段第2句（一、…）“…”：…``; the cell it rests on; a closing count.

    Example:
        >>> f = _frame([_finding(_ERROR, "part_missing", None, "缺少“存在的不足和原因”部分", "")])
        >>> print(as_text(f))
        错误 全文：缺少“存在的不足和原因”部分
        错误 1，警告 0，提示 0
    """
    lines = [f"{_LEVELS_ZH[row.level]} {_where(row)}：{row.message_zh}" for row in findings.itertuples()]
    counts = findings["level"].value_counts()
    lines.append("，".join(f"{_LEVELS_ZH[k]} {int(counts.get(k, 0))}" for k in (_ERROR, _WARNING, _NOTE)))
    return "\n".join(lines)


def _where(row: object) -> str:
    """A finding's place in words: ``第4段第1句（一、…）“…”``, ``表格 表1!B2``, or ``全文``."""
    if not row.paragraph:
        return f"表格 {row.sentence}" if row.sentence else "全文"
    where = f"第{row.paragraph}段" + (f"第{row.sentence_no}句" if row.sentence_no else "")
    return where + (f"（{row.heading}）" if row.heading else "") + (f"“{row.sentence}”" if row.sentence else "")


def write(findings: pd.DataFrame, fmt: str, out: str | Path | None) -> None:
    """Write the findings as ``text`` or ``json`` (to ``out`` or stdout), or ``xlsx`` (``out`` required; cells defused).

    Raises:
        InputError: An unknown format, or xlsx without ``out``.
    """
    if fmt == "json":
        write_records(findings, "json", out)
    elif fmt == "xlsx":
        if out is None:
            raise InputError("xlsx 格式需要 --out 输出文件 / --format xlsx needs --out FILE")
        shown = findings.assign(level=findings["level"].map(_LEVELS_ZH)).rename(columns=_COLUMNS_ZH)
        write_file(shown, Path(out).with_suffix(".xlsx"))
    elif fmt == "text":
        text = as_text(findings) + "\n"
        if out is None:
            print(text, end="")
        else:
            with atomic_path(out) as tmp:
                tmp.write_text(text, encoding="utf-8")
    else:
        raise InputError(f"未知格式 / unknown format: {fmt}; 可选 / choose from: text,json,xlsx")
