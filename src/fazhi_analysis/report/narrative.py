"""Chinese prose and HTML fragments of the annual report, rendered from editable Jinja2 templates.

The wording lives in ``templates/narrative/`` (``phrases.yaml`` for the sentences, ``*.html.j2``
for the layout), so an analyst changes the report without touching code. A project's own
``templates/narrative/`` (``fazhi init`` copies the bundled ones there) wins, file by file. Each function returns
an :class:`Html` string that a notebook displays as it is.

Example:
    >>> comp = analysis.compare(table, "达坂城区", 2024)   # doctest: +SKIP
    >>> narrative.section_prose(comp, "disputes")           # doctest: +SKIP
    '2024年，达坂城区全年收到行政复议申请11件，……'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import yaml
from markupsafe import Markup, escape

from fazhi_analysis import analysis, project
from fazhi_analysis.ingest import sources
from fazhi_analysis.table import catalog
from fazhi_analysis.table.wording import format_change, format_figure

TEMPLATE_DIR = Path(__file__).parent / "templates" / "narrative"
CHINESE_ORDINALS = "一二三四五六七八九十"
LEVELS_ZH = {"error": "错误", "warning": "警告"}


class Html(str):
    """An HTML fragment; Jupyter displays it as HTML."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """The plain-text stand-in (``text/plain``): a short note, not the markup again."""
        printer.text(f"<HTML 片段 / fragment: {len(self)} 字符 / chars>")


def template_dirs() -> list[Path]:
    """Where wording templates are looked up: the working project's first, then the bundled ones."""
    local = project.find().templates / "narrative"
    return [local, TEMPLATE_DIR] if local.is_dir() else [TEMPLATE_DIR]


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


def _phrases() -> dict[str, Any]:
    return _phrases_in(next(d / "phrases.yaml" for d in template_dirs() if (d / "phrases.yaml").is_file()))


@cache
def _phrases_in(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _text_template(source: str) -> jinja2.Template:
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(source)


def _render(name: str, **context: Any) -> Html:
    return Html(_env().get_template(name).render(**context))


def chapter_heading(section: str, number: int) -> str:
    """``一、深入学习贯彻习近平法治思想`` for section ``study`` as chapter 1."""
    return f"{CHINESE_ORDINALS[number - 1] if number <= 10 else number}、{catalog.section_title(section)}"


def figure_of(row: pd.Series | dict) -> str:
    """The figure of a tidy or comparison row written as the source writes it."""
    return format_figure(row["value"], row["unit"], row["approx"], row["raw"])


def change_of(row: pd.Series | dict) -> str:
    """The year-over-year phrase of a comparison row (empty without a prior value)."""
    approx = bool(row["approx"] is True or row.get("prior_approx") is True)
    return format_change(row["value"], row["prior_value"], row["unit"], approx)


def phrase(row: pd.Series | dict, region: str = "", year: int | str = "") -> str:
    """One indicator's phrase from ``phrases.yaml``: ``收到行政复议申请11件``."""
    config = _phrases()
    source = config["indicators"].get(row["indicator"]) or config["default"].get(
        row["kind"], config["default"]["count"]
    )
    name = row["name"] if pd.notna(row["name"]) else row["label"]
    return _text_template(source).render(figure=figure_of(row), name=name, label=row["label"], region=region, year=year)


def section_prose(comparison: pd.DataFrame, section: str) -> str:
    """The paragraph of one chapter: the section's lead, then every figure, a few per sentence."""
    rows = comparison[comparison["section"] == section]
    if rows.empty:
        return ""
    config = _phrases()
    region, year = rows["region"].iloc[0], int(rows["year"].iloc[0])
    size = int(config.get("phrases_per_sentence", 4))
    continues = set(config.get("continues") or ())
    sentences: list[list[str]] = []
    for _, row in rows.iterrows():
        text = phrase(row, region, year)
        if change := change_of(row):
            text += f"（{change}）"
        if sentences and (len(sentences[-1]) < size or row["indicator"] in continues):
            sentences[-1].append(text)
        else:
            sentences.append([text])
    sentences = ["，".join(parts) + "。" for parts in sentences]
    lead = _text_template(config["sections"].get(section, "{{ year }}年，{{ region }}")).render(
        region=region, year=year
    )
    return lead + "".join(sentences)


def _chapters(comparison: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(section, anchor, heading) of every chapter with data, numbered in report order."""
    return [
        (sid, f"chapter-{sid}", chapter_heading(sid, i))
        for i, sid in enumerate(analysis.sections_with_data(comparison), start=1)
    ]


def title(comparison: pd.DataFrame, region: str, year: int) -> Html:
    """The report title and its table of contents."""
    chapters = [("overview", "概　述")] + [(anchor, heading) for _, anchor, heading in _chapters(comparison)]
    chapters += [("appendix-quality", "附录一　数据质量说明"), ("appendix-sources", "附录二　数据来源")]
    return _render("title.html.j2", region=region, year=year, chapters=chapters)


def overview(
    comparison: pd.DataFrame, table: pd.DataFrame, region: str, year: int, compare_year: int | None = None
) -> Html:
    """The overview: how many figures, the comparison in one sentence, and a key figure per section."""
    compare_year = int(year) - 1 if compare_year is None else int(compare_year)
    rows = analysis.select(table, region, year)
    change = comparison["change"]
    counts = {
        "total": len(rows),
        "mapped": len(comparison),
        "sections": len(analysis.sections_with_data(comparison)),
        "approx": int(rows["approx"].fillna(False).astype(bool).sum()),
        "unmapped": len(analysis.unmapped(table, region, year)),
        "compared": int(change.notna().sum()),
        "up": int((change > 0).sum()),
        "down": int((change < 0).sum()),
        "same": int((change == 0).sum()),
    }
    key_figures = []
    for sid in analysis.sections_with_data(comparison):
        first = comparison[comparison["section"] == sid].iloc[0]
        key_figures.append({"figure": figure_of(first), "name": first["name"], "change": change_of(first)})
    return _render(
        "overview.html.j2",
        region=region,
        year=year,
        compare_year=compare_year,
        has_prior=analysis.has_prior(comparison),
        counts=counts,
        key_figures=key_figures,
    )


def chapter(comparison: pd.DataFrame, section: str) -> Html:
    """One chapter: numbered heading, prose, and the table of its figures (with prior year when any)."""
    numbered = {sid: (anchor, heading, i) for i, (sid, anchor, heading) in enumerate(_chapters(comparison), start=1)}
    if section not in numbered:
        return Html("")
    anchor, heading, number = numbered[section]
    rows = comparison[comparison["section"] == section]
    has_prior = analysis.has_prior(comparison)
    table_rows = [
        {
            "name": row["name"],
            "figure": figure_of(row),
            "prior": format_figure(row["prior_value"], row["prior_unit"], row["prior_approx"], row["prior_raw"]),
            "change": change_of(row) or "—",
        }
        for _, row in rows.iterrows()
    ]
    prior_years = comparison["prior_year"].dropna()
    return _render(
        "chapter.html.j2",
        anchor=anchor,
        heading=heading,
        title=catalog.section_title(section),
        prose=section_prose(comparison, section),
        rows=table_rows,
        year=int(rows["year"].iloc[0]),
        compare_year=int(prior_years.iloc[0]) if len(prior_years) else "",
        has_prior=has_prior,
        table_number=number,
    )


def _names(frame: pd.DataFrame) -> pd.Series:
    names = frame["indicator"].map(catalog.indicators()["name"]) if len(frame) else pd.Series(dtype="string")
    return names.fillna(frame["label"]).fillna("")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.assign(name=_names(frame), figure=[figure_of(r) for _, r in frame.iterrows()])
    out = out.astype(object).where(out.notna(), "")
    return out.to_dict("records")


def quality_appendix(table: pd.DataFrame, region: str, year: int, findings: pd.DataFrame | None) -> Html:
    """Appendix 1: approximate figures, unmapped figures and validation findings of one region-year.

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
        found = mine.assign(
            level_zh=mine["level"].map(LEVELS_ZH).fillna(mine["level"]),
            name=mine["indicator"].map(catalog.indicators()["name"]).fillna(mine["indicator"]),
        )
        found = found.astype(object).where(found.notna(), "").to_dict("records")
    return _render(
        "quality.html.j2",
        approx_rows=_records(analysis.approximate(table, region, year)),
        unmapped_rows=_records(unmapped),
        findings=found,
    )


def _highlight(sentence: object, raw: object) -> Markup | str:
    """The sentence, escaped, with the figure's own text marked (``<mark>``)."""
    if not isinstance(sentence, str) or not sentence:
        return ""
    raw = raw if isinstance(raw, str) else ""
    at = sentence.find(raw) if raw else -1
    if at < 0:
        return escape(sentence)
    return (
        escape(sentence[:at]) + Markup("<mark>") + escape(raw) + Markup("</mark>") + escape(sentence[at + len(raw) :])
    )


def sources_appendix(table: pd.DataFrame, region: str, year: int, raw_dir: Path | None = None) -> Html:
    """Appendix 2: every figure of one region-year with its source (file:line:column or cell) and sentence.

    Sentences are read back from the report texts under ``raw_dir`` (default: the project's
    ``data/raw``); figures from spreadsheets have none.
    """
    rows = analysis.select(table, region, year)
    rows = rows.assign(sentence=sources.sentences(rows["source"], raw_dir))
    records = _records(rows)
    for record in records:
        record["sentence"] = _highlight(record["sentence"], record["raw"])
    return _render("sources.html.j2", rows=records)
