"""Build the tidy indicator table under ``data/processed/`` from the inputs under ``data/raw/``.

Example (``build()`` alone writes the project's ``data/processed/``; here a temporary folder):
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     table = build(processed_dir=Path(out))       # data/raw/ → out/indicators.{parquet,csv}
    >>> table.columns.tolist()[:4]
    ['region', 'year', 'indicator', 'value']
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from fazhi_analysis import project, scratch
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import REVIEW_BELOW, parts, review, sheet_layout, sources
from fazhi_analysis.ingest.decode import read_docx_tables, read_report_text
from fazhi_analysis.ingest.discover import (
    report_files,
    sidecar,
    sidecar_path,
    sidecar_region_year,
    source_name,
    spreadsheet_files,
)
from fazhi_analysis.ingest.extract import detect_region_year, extract_candidates, extract_text
from fazhi_analysis.ingest.inputs import DEFAULT_LIMITS, Limits, decoder_of
from fazhi_analysis.table import manifest, regions, tidy
from fazhi_analysis.table.findings import ERROR, WARNING, as_findings
from fazhi_analysis.table.write import write_file, write_table

__all__ = ["build", "build_checked", "review_sheet"]


_TABLE_STEM = "indicators"
_TEXT_SIDES = (parts.PARTS_STEM, sources.STEM)  # what build() writes of the report texts beside the table


def _identify(path: Path, text: str) -> tuple[str, int]:
    """Region and year of a report: its own words first, then ``<file>.meta.yaml``, then the file name.

    Raises:
        InputError: when neither can be found, naming the file and how to fix it.
    """
    region, year = _identity(path, text)
    if not region or not year:
        missing = "、".join(x for x, v in (("地区 region", region), ("年度 year", year)) if not v)
        name = sidecar_path(path).name
        raise InputError(
            f"{path}: 无法确定{missing} / cannot tell the region or year; "
            f"请在 {name} 中写明 / add a sidecar {name} with 'region: …' and 'year: …'"
        )
    return str(region), int(year)


def _identity(path: Path, text: str) -> tuple[str | None, int | None]:
    """Region and year as :func:`_identify` finds them, None for what is not found."""
    region, year = detect_region_year(text)
    meta = sidecar(path)
    region = region or meta.get("region") or sheet_layout.region_in(path.stem)
    year = year or meta.get("year") or sheet_layout.year_in(path.stem)
    return (str(region) if region else None), (int(year) if year else None)


def _report_texts(files: list[Path], raw_dir: Path, limits: Limits) -> Iterator[tuple[Path, str, str, str, int]]:
    """(path, source name, text, region, year) of each report file; a ``.docx`` of tables only is passed over.

    Raises:
        InputError: a file is unreadable or its region or year cannot be told (:func:`_identify`).
    """
    for path in files:
        text = read_report_text(path, **limits.for_text(), allow_empty=decoder_of(path) == "docx")
        if text.strip():  # else its tables are read by _docx_tables
            yield (path, source_name(path, raw_dir), text, *_identify(path, text))


def review_sheet(
    raw_dir: Path | None = None,
    out: Path | None = None,
    *,
    below: float = REVIEW_BELOW,
    limits: Limits | None = None,
    here: project.Project | None = None,
) -> tuple[Path, int]:
    """Write the review sheet of the report texts under ``raw_dir`` (:mod:`fazhi_analysis.ingest.review`).

    Figures are read as :func:`build` reads them; overrides already in ``raw_dir`` fill the 指标编号 column.

    Args:
        raw_dir: the inputs (default: the project's ``data/raw``).
        out: the xlsx to write (default: the project's ``reports/review.xlsx``).
        below: mapped figures less sure than this are reviewed too.
        limits: as for :func:`build_checked`.
        here: the project whose folders are the defaults and whose catalog maps (default: the working one).

    Returns:
        The file written and the number of figures in it.

    Raises:
        InputError: no report text, an unreadable input or overrides file.
    """
    here = here or project.find()
    with project.use(here):
        out = Path(out or here.reports / "review.xlsx")
        return _review_sheet(Path(raw_dir or here.raw), out, below, limits or DEFAULT_LIMITS)


def _review_sheet(raw_dir: Path, out: Path, below: float, limits: Limits) -> tuple[Path, int]:
    files = report_files(raw_dir) if raw_dir.is_dir() else []
    frames = [
        _located(extract_candidates(text), text, rel).assign(region=region, year=year)
        for _, rel, text, region, year in _report_texts(files, raw_dir, limits)
    ]
    if not frames:
        raise InputError(f"{raw_dir}: 没有报告文本（.txt/.docx/.pdf/.html）/ no report texts found")
    found = review.find_overrides(raw_dir)
    figures = pd.concat(frames, ignore_index=True)
    table = review.review_table(
        figures, review.read_overrides(found) if found else None, below, flagged=_flagged_sources(figures)
    )
    return review.write_review(table, out), len(table)


def _flagged_sources(figures: pd.DataFrame) -> set[str]:
    """Sources of the figures in a conflict or an error of the report texts' own table (:func:`checks.check`)."""
    from fazhi_analysis import checks

    found = checks.check(tidy.conform(figures))
    involved = found[(found["level"] == ERROR) | (found["rule"] == "conflict")]["source"].dropna()
    return {part.strip() for text in involved for part in str(text).split(";") if part.strip()}


def _located(figures: pd.DataFrame, text: str, rel: str) -> pd.DataFrame:
    """``figures`` of ``text`` with ``source`` = ``rel:line:column`` of each (1-based), from their ``start``.

    Example:
        >>> _located(extract_text("一\\n收到申请11件。"), "一\\n收到申请11件。", "a.txt")["source"].tolist()
        ['a.txt:2:5']
    """
    starts = figures["start"].astype("int64")
    line_starts = pd.Series([0] + [m.end() for m in re.finditer("\n", text)])
    line = line_starts.searchsorted(starts, side="right")
    column = starts.to_numpy() - line_starts.to_numpy()[line - 1] + 1
    return figures.assign(source=[f"{rel}:{ln}:{col}" for ln, col in zip(line, column)])


def _figures_table(text: str, region: str, year: int, rel: str) -> pd.DataFrame:
    """The tidy rows of a report's text (sources named after ``rel``).

    Raises:
        InputError: a figure too large to represent, at ``rel:line:column``.
    """
    try:
        figures = extract_text(text)
    except InputError as exc:
        raise InputError(f"{rel}:{exc}") from None
    return tidy.conform(_located(figures, text, rel).assign(region=region, year=year))


def build_checked(
    raw_dir: Path | None = None,
    processed_dir: Path | None = None,
    *,
    quiet: bool = False,
    limits: Limits | None = None,
    here: project.Project | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Like :func:`build`, and also return the validation findings and the rejected spreadsheet cells.

    Writes ``findings``, ``rejects`` and ``regions`` (:func:`_regions_table`; parquet and csv) beside the
    table (and the ``parts`` and ``sentences`` that :func:`build` wrote), then ``manifest.json`` naming all
    twelve files of this build (:mod:`fazhi_analysis.table.manifest`). ``limits`` caps what one input may cost
    (:class:`~fazhi_analysis.ingest.inputs.Limits`, given to every reader; default: ``DEFAULT_LIMITS``). ``here`` is
    the project whose folders are the defaults and whose catalog maps (default: the working one).
    """
    here = here or project.find()
    with project.use(here):
        raw, processed = Path(raw_dir or here.raw), Path(processed_dir or here.processed)
        return _build_checked(raw, processed, quiet, limits or DEFAULT_LIMITS)


def _build_checked(
    raw_dir: Path, processed_dir: Path, quiet: bool, limits: Limits
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from fazhi_analysis import checks
    from fazhi_analysis.ingest import clean

    scratch.sweep()  # what killed runs left, temporary files beside the outputs included
    listed = regions.find(raw_dir) if raw_dir.is_dir() else None  # read first: a bad one stops early
    region_table, region_problems = _regions_table(listed, raw_dir, limits)
    tables = [p for p in (spreadsheet_files(raw_dir) if raw_dir.is_dir() else []) if p != listed]
    cleaned = None
    if tables:
        cleaned = clean.clean_files(
            tables,
            root=raw_dir,
            defaults={p: sidecar_region_year(p) for p in tables},
            progress=None if quiet else clean.print_progress,
            keep_conflicts=True,  # every disagreement reaches the table's conflict check
            **limits.for_tables(),
        )
        if not quiet:
            print(cleaned.summary(), file=sys.stderr)
    docx_rows, docx_rejects, docx_notes = _docx_tables(raw_dir, limits)
    extra = [t for t in (cleaned.table if cleaned else None, docx_rows) if t is not None]
    table, notes = _build(
        raw_dir, processed_dir, quiet=quiet, extra=pd.concat(extra, ignore_index=True) if extra else None, limits=limits
    )
    rejects = pd.concat(
        [cleaned.rejects if cleaned else clean.clean_sheets([]).rejects, *docx_rejects], ignore_index=True
    )
    held = table["region"].dropna().unique()
    region_problems += regions.coverage(region_table, held) if listed else _inferred(held)
    found = as_findings(region_problems)
    findings = pd.concat([checks.check(table), docx_notes, notes, found], ignore_index=True)
    stem = processed_dir / _TABLE_STEM
    written = [stem.with_suffix(".parquet"), stem.with_suffix(".csv")]
    written += [(processed_dir / side).with_suffix(ext) for side in _TEXT_SIDES for ext in (".parquet", ".csv")]
    written += [
        *_write_findings(findings, processed_dir / "findings"),
        *write_table(rejects, processed_dir / "rejects"),
    ]
    written += write_table(region_table, processed_dir / regions.STEM)
    manifest.write(processed_dir, written)  # last: it says these files are one build
    return table, findings, rejects


def _write_findings(findings: pd.DataFrame, stem: Path) -> tuple[Path, Path]:
    """``stem.parquet`` with every finding (a report lists those of its region and year), and ``stem.csv`` for
    people: at most :data:`~fazhi_analysis.checks.PER_KIND` of each kind, the others counted in one row
    (:func:`~fazhi_analysis.checks.capped`)."""
    from fazhi_analysis import checks

    parquet, csv = stem.with_suffix(".parquet"), stem.with_suffix(".csv")
    write_file(findings, parquet)
    write_file(checks.capped(findings), csv)
    return parquet, csv


def _regions_table(
    path: Path | None, raw_dir: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, list[dict]]:
    """The regions table of ``path`` (``data/raw/regions.csv|xlsx``, :mod:`fazhi_analysis.table.regions`) and
    the problems of its rows (findings); an empty table without a file.

    Raises:
        InputError: The file is unreadable, beyond a limit, or lacks 地区, 层级 or 上级.
    """
    from fazhi_analysis.ingest.sheets import read_sheets

    if path is None:
        return regions.empty(), []
    sheet = read_sheets(path, label=source_name(path, raw_dir), **limits.for_tables())[0]
    return regions.from_grid(sheet.values, sheet.label)


def _inferred(held: Iterable[str]) -> list[dict]:
    """Without a regions table: a warning for each …市 among 区县, whose level its name cannot tell."""
    return [
        regions.problem("warning", name, None, "regions_inferred",
                        "没有地区表（data/raw/regions.csv），名称看不出是地级市还是县级市，不与区县一起比较",
                        "no regions table: a city among counties, its level unknown; not compared with them")
        for name in regions.ambiguous(held)
    ]  # fmt: skip


def _docx_tables(raw_dir: Path, limits: Limits) -> tuple[pd.DataFrame | None, list[pd.DataFrame], pd.DataFrame]:
    """The rows of the tables inside the ``.docx`` reports (sources ``report.docx#表1!B3``), their rejected cells,
    and a warning (rule ``docx_table``) for each table with figures that the spreadsheet cleaner cannot read.

    Each table is cleaned as a sheet of its own, its region and year defaulting to the report's
    (:func:`_identify`, not required here: a table may name them). A table without numbers is no table of figures.
    """
    from fazhi_analysis.ingest import clean

    rows, rejects, notes = [], [], []
    docx = [p for p in (report_files(raw_dir) if raw_dir.is_dir() else []) if decoder_of(p) == "docx"]
    for path in docx:
        sheets = read_docx_tables(path, label=source_name(path, raw_dir), max_unzipped_bytes=limits.unzipped_bytes)
        sheets = [s for s in sheets if (sheet_layout.cell_kinds(s.filled) == sheet_layout.NUMBER).any()]
        if not sheets:
            continue
        text = read_report_text(path, **limits.for_text(), allow_empty=True)
        defaults = {path: _identity(path, text)}
        for sheet in sheets:
            try:
                result = clean.clean_sheets([sheet], defaults=defaults, keep_conflicts=True)
            except InputError as exc:
                zh, en = str(exc).split(" / ", 1) if " / " in str(exc) else (str(exc), str(exc))
                notes.append(
                    {"level": WARNING, "source": sheet.where, "rule": "docx_table"}
                    | {"message_zh": f"{zh}（此表未读入）", "message_en": f"{en} (table not read)"}
                )
                continue
            rows.append(result.table)
            rejects.append(result.rejects)
    found = as_findings(notes)
    return (pd.concat(rows, ignore_index=True) if rows else None), rejects, found


def build(
    raw_dir: Path | None = None,
    processed_dir: Path | None = None,
    *,
    quiet: bool = False,
    extra: pd.DataFrame | None = None,
    limits: Limits | None = None,
    here: project.Project | None = None,
) -> pd.DataFrame:
    """Read every input under ``raw_dir`` and write ``indicators.parquet`` and ``.csv`` to ``processed_dir``.

    Also writes ``parts.parquet`` and ``.csv``: the parts of every report text under its own headings
    (:func:`fazhi_analysis.ingest.parts.parts_table`; no rows when no text has them), and ``sentences.parquet``
    and ``.csv``: the sentence of each figure of a report text
    (:func:`fazhi_analysis.ingest.sources.sentences_table`), so that a report reads only ``processed_dir``.

    The folders default to those of ``here``, the project whose catalog maps the figures (default: the working
    one).

    Outputs are deterministic (same inputs, byte-identical files) and replaced atomically.

    The analysts' overrides (``overrides.xlsx`` or ``.csv`` in ``raw_dir``, :mod:`fazhi_analysis.ingest.review`)
    win over the automatic mapping; an override whose figure is gone is a warning of :func:`build_checked`'s
    findings (printed here unless ``quiet``).

    Raises:
        InputError: ``raw_dir`` is missing or holds no input, an input is unreadable, an override names
            an unknown id.
    """
    here = here or project.find()
    with project.use(here):
        raw, processed = Path(raw_dir or here.raw), Path(processed_dir or here.processed)
        table, notes = _build(raw, processed, quiet=quiet, extra=extra, limits=limits or DEFAULT_LIMITS)
    if not quiet:
        for message in notes["message_zh"]:
            print(f"  [warning] {message}", file=sys.stderr)
    return table


def _build(
    raw_dir: Path,
    processed_dir: Path,
    *,
    quiet: bool,
    extra: pd.DataFrame | None,
    limits: Limits,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What :func:`build` does; returns the table and the findings of the overrides (rule ``override``)."""
    if not raw_dir.is_dir():
        raise InputError(f"{raw_dir}: 输入文件夹不存在 / input folder not found")
    files = report_files(raw_dir)
    if not files and extra is None:
        raise InputError(f"{raw_dir}: 没有报告文件（.txt/.docx/.pdf/.html）/ no report files found")
    overrides_file = review.find_overrides(raw_dir)
    overrides = review.read_overrides(overrides_file) if overrides_file else None  # read first: a bad one stops early
    frames, part_frames, sentence_frames = [], [parts.empty_table()], [sources.empty_table()]
    for number, (path, rel, text, region, year) in enumerate(_report_texts(files, raw_dir, limits), 1):
        frame = _figures_table(text, region, year, rel)
        frames.append(frame)
        part_frames.append(parts.parts_table(text, region, year, rel))
        sentence_frames.append(sources.sentences_table(text, frame["source"], region, year))
        if not quiet:
            mapped = int(frame["indicator"].notna().sum())
            print(
                f"[{number}/{len(files)}] {path.name}: {len(frame)} 个数字 / figures, {mapped} 个已对应指标 / mapped",
                file=sys.stderr,
            )
    if extra is not None:  # spreadsheet rows (see build_checked), regions spelt as the reports spell them
        from fazhi_analysis.ingest.clean import harmonize_regions

        known = pd.concat([f["region"] for f in frames]) if frames else pd.Series([], dtype=tidy.TIDY_DTYPES["region"])
        frames.append(tidy.conform(harmonize_regions(extra, known.dropna().unique())))
    table = tidy.conform(pd.concat(frames, ignore_index=True)) if frames else tidy.empty()
    notes = review.findings([], "")
    if overrides is not None:
        table, notes = review.apply_overrides(table, overrides, source_name(overrides_file, raw_dir))
    table = tidy.sort(table)
    write_table(table, processed_dir / _TABLE_STEM)
    write_table(pd.concat(part_frames, ignore_index=True), processed_dir / parts.PARTS_STEM)
    write_table(pd.concat(sentence_frames, ignore_index=True), processed_dir / sources.STEM)
    return table, notes
