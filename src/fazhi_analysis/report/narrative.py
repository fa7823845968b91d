"""Chinese prose and HTML fragments of the annual report, rendered from editable Jinja2 templates.

The wording lives in ``templates/narrative/`` (``phrases.yaml`` for the sentences, ``*.html.j2``
for the layout), so an analyst changes the report without touching code. A project's own
``templates/narrative/`` (``fazhi customize templates`` copies the bundled ones there) wins, file by file.
Each function returns an :class:`Html` string that a notebook displays as it is.

Example:
    >>> comp = analysis.compare(table, "达坂城区", 2024)   # doctest: +SKIP
    >>> narrative.section_prose(comp, "disputes")           # doctest: +SKIP
    '2024年，达坂城区全年收到行政复议申请11件，……'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from fazhi_analysis import analysis
from fazhi_analysis.report import facts as facts_module
from fazhi_analysis.report import reading
from fazhi_analysis.report.downloads import figures_link
from fazhi_analysis.report.facts import Facts
from fazhi_analysis.report.wording import Html, phrases, render, text_template
from fazhi_analysis.table import catalog
from fazhi_analysis.table.catalog_object import Catalog
from fazhi_analysis.table.wording import format_change, format_figure, magnitude_of

__all__ = [
    "APPENDIX_ROWS",
    "CHINESE_ORDINALS",
    "QUOTED_PER_PART",
    "chapter",
    "comparability",
    "figure_of",
    "figures_download",
    "key_figures",
    "left_out",
    "numbered",
    "overview",
    "own_parts",
    "own_words",
    "phrase",
    "quality_appendix",
    "quoted_paragraphs",
    "section_prose",
    "sources_appendix",
    "title",
]


CHINESE_ORDINALS = "一二三四五六七八九十"
_LEVELS_ZH = {"error": "错误", "warning": "警告"}


def numbered(number: int, title: str) -> str:
    """``一、概述`` for 1; past ten the number in digits."""
    return f"{CHINESE_ORDINALS[number - 1] if number <= len(CHINESE_ORDINALS) else number}、{title}"


def _chapter_heading(section: str, number: int, cat: Catalog | None = None) -> str:
    """``一、深入学习贯彻习近平法治思想`` for section ``study`` as chapter 1."""
    return numbered(number, catalog.section_title(section, cat))


def figure_of(row: pd.Series | dict) -> str:
    """The figure of a tidy or comparison row written as the source writes it."""
    return format_figure(row["value"], row["unit"], row["approx"], row["raw"])


def _change_of(row: pd.Series | dict) -> str:
    """The year-over-year phrase of a comparison row (empty without a prior value), in the row's form."""
    approx = any(pd.notna(a) and bool(a) for a in (row["approx"], row.get("prior_approx")))
    magnitude = magnitude_of(row["value"], row["unit"], row["raw"])
    return format_change(row["value"], row["prior_value"], row["unit"], approx, magnitude)


def phrase(row: pd.Series | dict, region: str = "", year: int | str = "", *, standalone: bool = False) -> str:
    """One indicator's phrase from ``phrases.yaml``: ``收到行政复议申请11件``.

    ``standalone``: the phrase starts a sentence, so a phrase that only continues another (``受理3件``)
    gives way to its kind's default, which names the indicator (``行政复议受理3件``).
    """
    return _phrase(row, region, year, standalone, phrases(), None)


def _phrase(
    row: pd.Series | dict, region: str, year: int | str, standalone: bool, config: dict, cat: Catalog | None
) -> str:
    """:func:`phrase` with the phrases (``config``) given, the ``better:`` of ``cat`` (None: the working project's)."""
    own = config["indicators"].get(row["indicator"])
    if own is None or (standalone and row["indicator"] in (config.get("continues") or ())):
        own = config["default"].get(row["kind"], config["default"]["count"])
    name = row["name"] if pd.notna(row["name"]) else row["label"]
    better = catalog.field("better", cat).get(row["indicator"])  # higher, lower or none
    context = {"figure": figure_of(row), "value": float(row["value"]), "name": name, "label": row["label"]}
    context["better"] = better if isinstance(better, str) else ""
    return text_template(own).render(**context, region=region, year=year)


def _changed(row: pd.Series | dict) -> bool:
    return bool(pd.notna(row["change"]) and row["change"] != 0)


def _together(by_id: dict[str, dict], indicator: str, done: set[str], config: dict) -> tuple[str, list[dict]] | None:
    """The first ``together`` phrase of the phrases (``config``) naming ``indicator`` whose figures are all in
    ``by_id`` (rows by indicator) and not yet said, with its figures' rows."""
    for entry in config.get("together") or ():
        members = dict(entry["figures"])
        if indicator in members.values() and all(i in by_id and i not in done for i in members.values()):
            figures = {key: figure_of(by_id[i]) for key, i in members.items()}
            return text_template(entry["phrase"]).render(**figures), [by_id[i] for i in members.values()]
    return None


def _clauses(rows: pd.DataFrame, region: str, year: int, config: dict, cat: Catalog | None) -> list[tuple[str, bool]]:
    """The phrases of one subject's figures in catalog order, each with whether it continues the one before.

    Figures of one act come as one ``together`` phrase where the phrases (``config``) name one; a change follows its
    phrase in brackets (each with its indicator's name in a phrase of several figures).
    """
    continues = set(config.get("continues") or ())
    each = rows.to_dict("records")
    by_id = {row["indicator"]: row for row in each}
    done: set[str] = set()
    out: list[tuple[str, bool]] = []
    for row in each:
        if row["indicator"] in done:
            continue
        if found := _together(by_id, row["indicator"], done, config):
            text, members = found
            changes = [f"{m['name']}{_change_of(m)}" for m in members if _changed(m)]
            done |= {m["indicator"] for m in members}
            out.append((text + (f"（{'；'.join(changes)}）" if changes else ""), False))
            continue
        done.add(row["indicator"])
        follows = bool(out) and row["indicator"] in continues
        text = _phrase(row, region, year, not out, config, cat)
        out.append((text + (f"（{_change_of(row)}）" if _changed(row) else ""), follows))
    return out


def _unchanged_note(rows: pd.DataFrame, config: dict) -> str:
    """One sentence for every figure equal to the comparison year's: said once, not per figure."""
    same = rows[rows["change"] == 0]
    if same.empty:
        return ""
    names = "、".join(str(n) for n in same["name"])
    return text_template(config["reading"]["unchanged"]).render(names=names, n=len(same))


def _subjects(rows: pd.DataFrame, cat: Catalog | None) -> list[pd.DataFrame]:
    """A chapter's rows by subject (the catalog's ``group``), each in catalog order; ungrouped rows together."""
    groups = rows["indicator"].map(catalog.indicators(cat)["group"]).fillna("")
    return [part for _, part in rows.groupby(groups, sort=False)]


def section_prose(comparison: pd.DataFrame, section: str, cat: Catalog | None = None) -> str:
    """The paragraph of one chapter: the section's lead, then a sentence per subject, of the figures reported.

    A subject's figures are joined in one sentence (split after ``phrases_per_sentence`` phrases, never
    before a phrase that continues another); subjects of one figure each share a sentence (开展行政检查
    972场次，办理行政处罚案件221件). A figure's change from the comparison year follows it in brackets;
    figures equal to the comparison year's are named once at the end (``…与上年持平``). A rate computed
    from two counts is not repeated here: the chapter's reading gives it with its formula. ``cat``: the catalog of
    the figures' subjects and ``better:`` (default: the working project's).
    """
    rows = comparison[comparison["section"] == section]
    rows = rows[~rows["source"].astype(str).str.startswith("计算")]
    if rows.empty:
        return ""
    config = phrases()
    region, year = rows["region"].iloc[0], int(rows["year"].iloc[0])
    size = int(config.get("phrases_per_sentence", 4))
    sentences: list[list[str]] = []
    alone = False  # whether the last sentence holds subjects of one phrase each
    for subject in _subjects(rows, cat):
        clauses = _clauses(subject, region, year, config, cat)
        if len(clauses) == 1 and alone and len(sentences[-1]) < size:
            sentences[-1].append(clauses[0][0])
            continue
        for n, (text, follows) in enumerate(clauses):
            if n and (len(sentences[-1]) < size or follows):
                sentences[-1].append(text)
            else:
                sentences.append([text])
        alone = len(clauses) == 1
    first = section == analysis.sections_with_data(comparison, cat)[0]
    lead = text_template(config["sections"].get(section, "{% if first %}{{ year }}年，{{ region }}{% endif %}"))
    body = "".join("，".join(parts) + "。" for parts in sentences)
    return lead.render(region=region, year=year, first=first) + body + _unchanged_note(rows, config)


def _chapters(facts: Facts) -> list[tuple[str, str, str]]:
    """(section, anchor, heading) of every chapter with data, numbered in report order."""
    return [
        (sid, f"chapter-{sid}", _chapter_heading(sid, i, facts.catalog))
        for i, sid in enumerate(facts.sections, start=1)
    ]


def _sources_text(facts: Facts) -> str:
    """The files the figures come from, named for a reader: ``报告文本 a.txt、报表 b.xlsx``."""
    return "、".join(f"{facts_module.source_kind(f)} {f}" for f in facts.sources) or "数据表"


def title(facts: Facts, parts: pd.DataFrame | None = None) -> Html:
    """The report title, its sources, and the table of contents."""
    chapters = [("overview", "概　述")] + [(anchor, heading) for _, anchor, heading in _chapters(facts)]
    if parts is not None and len(own_parts(parts, facts)):
        chapters.append(("own-words", "附：报告原文中的不足与安排"))
    chapters += [("appendix-quality", "附录一　数据质量说明"), ("appendix-sources", "附录二　数据来源")]
    return render(
        "title.html.j2", region=facts.region, year=facts.year, chapters=chapters, sources=_sources_text(facts)
    )


def comparability(facts: Facts) -> list[str]:
    """What the report could not compare, each said once: no comparison year, no earlier years, no peers."""
    reading = phrases()["reading"]
    notes = []
    if not facts.has_prior:
        notes.append(reading["no_prior"])
    if len(facts.years) < 3:
        notes.append(reading["few_years"])
    if facts.n_peers < analysis.MIN_PEERS:
        notes.append(reading["no_peers"])
    context = {"region": facts.region, "year": facts.year, "compare_year": facts.compare_year,
               "years": len(facts.years), "peers": facts.n_peers - 1, "min_peers": analysis.MIN_PEERS}  # fmt: skip
    return [text_template(note).render(**context) for note in notes]


def overview(facts: Facts) -> Html:
    """The overview: the highlights first, what could not be compared, how many figures, the headline figures."""
    rows = analysis.select(facts.table, facts.region, facts.year)
    rows = rows[~rows["source"].astype(str).str.startswith("计算")]
    change = facts.comparison["change"]
    counts = {
        "total": len(rows),
        "mapped": int(rows["indicator"].isin(facts.comparison["indicator"]).sum()),
        "sections": len(facts.sections),
        "approx": int(rows["approx"].fillna(False).astype(bool).sum()),
        "unmapped": len(analysis.unmapped(facts.table, facts.region, facts.year)),
        "compared": int(change.notna().sum()),
        "up": int((change > 0).sum()),
        "down": int((change < 0).sum()),
        "same": int((change == 0).sum()),
        "computed": int(facts.comparison["source"].astype(str).str.startswith("计算").sum()),
    }
    return render(
        "overview.html.j2",
        region=facts.region,
        year=facts.year,
        compare_year=facts.compare_year,
        has_prior=facts.has_prior,
        counts=counts,
        highlights=facts.highlights["text"].astype(str).tolist(),
        notes=comparability(facts),
        key_figures=key_figures(facts),
    )


_KEY_FIGURES = 6  # tiles of the overview at most


def key_figures(facts: Facts) -> list[dict[str, str]]:
    """The overview's tiles: the catalog's ``headline`` indicators the region reported, in that order.

    Each with its figure as written, its name and its change from the comparison year (empty without one).
    """
    rows = facts.comparison.drop_duplicates("indicator").set_index("indicator")
    chosen = [i for i in catalog.headline() if i in rows.index][:_KEY_FIGURES]
    return [
        {"figure": figure_of(rows.loc[i]), "name": str(rows.at[i, "name"]), "change": _change_of(rows.loc[i])}
        for i in chosen
    ]  # fmt: skip


_DOWNLOAD_COLUMNS = {"section": "方面", "name": "指标", "year": "年度", "value": "数值（基本单位）", "unit": "单位",
                    "figure": "写法", "prior_value": "上年数值", "prior_figure": "上年写法", "change_text": "同比",
                    "source": "来源"}  # fmt: skip


def _prior_figure(row: pd.Series | dict) -> str:
    """The comparison year's figure of a comparison row, in the row's form (empty without one)."""
    if pd.isna(row["prior_value"]):
        return ""
    magnitude = magnitude_of(row["value"], row["unit"], row["raw"])
    return format_figure(row["prior_value"], row["prior_unit"], row["prior_approx"], row["prior_raw"], magnitude)


def figures_download(facts: Facts) -> Html:
    """A link to the figures the report shows, as a CSV inside the page (indicator names, no ids).

    Each figure written as the pages write it (写法, 上年写法 in the same form, 同比), beside its value in
    the base unit.
    """
    each = facts.comparison.to_dict("records")
    rows = facts.comparison.assign(
        section=facts.comparison["section"].map(catalog.sections(facts.catalog)["title"]),
        figure=[figure_of(r) for r in each],
        prior_figure=[_prior_figure(r) for r in each],
        change_text=[_change_of(r) for r in each],
        source=facts.comparison["source"].str.replace(r"^计算：.*", "按报告数据计算", regex=True),
    )
    frame = rows[list(_DOWNLOAD_COLUMNS)].rename(columns=_DOWNLOAD_COLUMNS)
    label = f"下载本报告数据（CSV，{len(frame)}项）"
    return figures_link(frame, f"{facts.region}_{facts.year}_数据.csv", label)


def chapter(facts: Facts, section: str) -> Html:
    """One chapter: numbered heading, prose, what the figures say, and the table of the years held."""
    numbered = {sid: (anchor, heading, i) for i, (sid, anchor, heading) in enumerate(_chapters(facts), start=1)}
    if section not in numbered:
        return Html("")
    anchor, heading, number = numbered[section]
    years, rows = reading.table_years(facts), reading.table_rows(facts, section)
    return render(
        "chapter.html.j2",
        anchor=anchor,
        heading=heading,
        title=catalog.section_title(section, facts.catalog),
        prose=section_prose(facts.comparison, section, facts.catalog),
        reading=reading.sentences(facts, section),
        rows=rows,
        years=years,
        has_prior=facts.has_prior,
        has_rank=facts.n_peers >= analysis.MIN_PEERS,
        n_peers=facts.n_peers,
        table_number=number,
    )


_OWN_PARTS = ("shortcomings", "plans")  # the parts of a report text quoted beside the figures
QUOTED_PER_PART = 2  # parts of one kind quoted at most (a text pasted many times repeats its 不足 and 安排)
_QUOTE_CHARS = 4000  # characters of one part quoted at most


def own_parts(parts: pd.DataFrame, facts: Facts, kinds: Sequence[str] = _OWN_PARTS) -> pd.DataFrame:
    """The region-year's parts of its report text of ``kinds`` (default: shortcomings and plans), in that order;
    at most :data:`QUOTED_PER_PART` of each kind (:func:`left_out` counts the rest)."""
    return _own(parts, facts, kinds).groupby("part", sort=False).head(QUOTED_PER_PART)


def left_out(parts: pd.DataFrame, facts: Facts, kinds: Sequence[str] = _OWN_PARTS) -> int:
    """How many of the region-year's parts of ``kinds`` :func:`own_parts` leaves out."""
    return len(_own(parts, facts, kinds)) - len(own_parts(parts, facts, kinds))


def _own(parts: pd.DataFrame, facts: Facts, kinds: Sequence[str]) -> pd.DataFrame:
    """Every part of ``kinds`` of the region-year, in the order of ``kinds``."""
    kinds = list(kinds)
    mine = parts[(parts["region"] == facts.region) & (parts["year"] == facts.year) & parts["part"].isin(kinds)]
    return mine.assign(_order=mine["part"].map(kinds.index)).sort_values("_order", kind="stable")


def quoted_paragraphs(text: str) -> list[str]:
    """The non-empty lines of a part, stripped, up to :data:`_QUOTE_CHARS` characters, then ``……（以下从略）``."""
    out, used = [], 0
    for line in (p.strip() for p in text.splitlines()):
        if not line:
            continue
        if used + len(line) > _QUOTE_CHARS:
            return [*out, "……（以下从略，全文见来源）"]
        out.append(line)
        used += len(line)
    return out


def _related(text: str, facts: Facts) -> list[tuple[str, str]]:
    """The chapters whose section keywords the text mentions, as (anchor, heading)."""
    keywords = catalog.sections()["keywords"]
    return [(anchor, heading) for sid, anchor, heading in _chapters(facts) if any(k in text for k in keywords[sid])]


def own_words(facts: Facts, parts: pd.DataFrame) -> Html:
    """The region's own words: its stated shortcomings and plans quoted, with their source and related chapters.

    Args:
        parts: The report texts' parts (:func:`fazhi_analysis.ingest.parts.load_parts`).
    """
    quoted = [
        {
            "title": row["heading"] or row["title"],
            "paragraphs": quoted_paragraphs(str(row["text"])),
            "source": f"{facts_module.source_kind(str(row['source']))} {row['source']}",
            "related": _related(str(row["text"]), facts),
        }
        for _, row in own_parts(parts, facts).iterrows()
    ]
    if not quoted:
        return Html("")
    return render("own_words.html.j2", region=facts.region, year=facts.year, parts=quoted, more=left_out(parts, facts))


def _names(frame: pd.DataFrame) -> pd.Series:
    names = frame["indicator"].map(catalog.indicators()["name"]) if len(frame) else pd.Series(dtype="string")
    return names.fillna(frame["label"]).fillna("")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.assign(name=_names(frame), figure=[figure_of(r) for r in frame.to_dict("records")])
    out = out.astype(object).where(out.notna(), "")
    return out.to_dict("records")


APPENDIX_ROWS = 200  # rows an appendix table lists at most; the rest are counted (a 4 MB text holds 30,000 figures)


def _listed(rows: pd.DataFrame, name: str) -> dict[str, Any]:
    """``<name>_rows``: the first :data:`APPENDIX_ROWS` rows of ``rows`` (as :func:`_records`); ``<name>_total``:
    how many there are (a project's template of an earlier release, reading only the rows, still renders)."""
    return {f"{name}_rows": _records(rows.head(APPENDIX_ROWS)), f"{name}_total": len(rows)}


def quality_appendix(table: pd.DataFrame, region: str, year: int, findings: pd.DataFrame | None) -> Html:
    """Appendix 1: approximate figures, unmapped figures and validation findings of one region-year.

    Each list shows at most :data:`APPENDIX_ROWS` rows and says how many more there are and where they are.

    Args:
        findings: The result of ``validate.check`` (all regions and years; filtered here), or None
            when validation is not available.
    """
    unmapped = analysis.unmapped(table, region, year)
    section_titles = catalog.sections()["title"]
    unmapped = unmapped.assign(section=unmapped["section"].map(section_titles).fillna(unmapped["section"]))
    found = None
    if findings is not None:
        mine = findings[(findings["region"] == region) & (findings["year"] == int(year))]
        shown = mine.head(APPENDIX_ROWS)
        shown = shown.assign(
            level_zh=shown["level"].map(_LEVELS_ZH).fillna(shown["level"]),
            name=shown["indicator"].map(catalog.indicators()["name"]).fillna(shown["indicator"]),
            message_zh=shown["message_zh"].map(catalog.without_ids),
        )
        found = shown.astype(object).where(shown.notna(), "").to_dict("records")
    return render(
        "quality.html.j2",
        **_listed(analysis.approximate(table, region, year), "approx"),
        **_listed(unmapped, "unmapped"),
        findings=found,
        findings_total=0 if findings is None else len(mine),
    )


def _highlight(sentence: object, raw: object, offset: object = None) -> Markup | str:
    """The sentence, escaped, with the figure's own text marked (``<mark>``): at ``offset`` when the figure's
    text stands there (a sentence may hold it twice), else where it first appears."""
    if not isinstance(sentence, str) or not sentence:
        return ""
    raw = raw if isinstance(raw, str) else ""
    at = offset if isinstance(offset, int) and raw and sentence.startswith(raw, offset) else -1
    at = sentence.find(raw) if raw and at < 0 else at
    if at < 0:
        return escape(sentence)
    return (
        escape(sentence[:at]) + Markup("<mark>") + escape(raw) + Markup("</mark>") + escape(sentence[at + len(raw) :])
    )


def sources_appendix(table: pd.DataFrame, region: str, year: int, sentences: pd.DataFrame | None = None) -> Html:
    """Appendix 2: the figures of one region-year with their source (file:line:column or cell) and sentence.

    The figures the chapters use (those with an indicator) come first; at most :data:`APPENDIX_ROWS` are
    listed, and the appendix counts the rest (all are in the tidy table, with their sources).

    Args:
        sentences: The figures' sentences ``fazhi build`` wrote (:func:`fazhi_analysis.ingest.sources.load_sentences`),
            or None; a figure without one (from a spreadsheet) is shown as written.
    """
    rows = analysis.select(table, region, year)
    rows = rows.sort_values("indicator", key=lambda ids: ids.isna(), kind="stable")
    listed = _listed(rows, "figures")
    said = _sentences_of(sentences, rows["source"].head(APPENDIX_ROWS))
    for record in listed["figures_rows"]:
        sentence, offset = said.get(record["source"], (None, None))
        record["sentence"] = _highlight(sentence, record["raw"], offset)
    return render("sources.html.j2", rows=listed["figures_rows"], total=listed["figures_total"])


def _sentences_of(sentences: pd.DataFrame | None, sources: pd.Series) -> dict[str, tuple[str, int | None]]:
    """The sentence of each of ``sources`` that ``sentences`` holds and the figure's offset in it (None when
    not known: a file of an earlier build); the first, should a source be listed twice."""
    if sentences is None or sentences.empty:
        return {}
    kept = sentences[sentences["source"].isin(sources.dropna())].dropna(subset=["sentence"])
    kept = kept.drop_duplicates("source")
    offsets = kept["offset"] if "offset" in kept else pd.Series(pd.NA, index=kept.index)
    offsets = [None if pd.isna(o) else int(o) for o in offsets]
    return dict(zip(kept["source"], zip(kept["sentence"], offsets, strict=True), strict=True))
