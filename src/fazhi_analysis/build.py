"""Build the tidy indicator table under ``data/processed/`` from the inputs under ``data/raw/``.

Example:
    >>> table = build()            # data/raw/ → data/processed/indicators.{parquet,csv}
    >>> table.columns.tolist()[:4]
    ['region', 'year', 'indicator', 'value']
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from fazhi_analysis import project, scratch
from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import parts, sheet_layout
from fazhi_analysis.ingest.decode import read_report_text
from fazhi_analysis.ingest.discover import (
    report_files,
    sidecar,
    sidecar_path,
    sidecar_region_year,
    source_name,
    spreadsheet_files,
)
from fazhi_analysis.ingest.extract import detect_region_year, extract_text
from fazhi_analysis.table import manifest, tidy
from fazhi_analysis.table.write import write_table

TABLE_STEM = "indicators"
TEXT_LIMITS = ("max_text_bytes", "max_unzipped_bytes")  # the limits that apply to a report text


def identify(path: Path, text: str) -> tuple[str, int]:
    """Region and year of a report: its own words first, then ``<file>.meta.yaml``, then the file name.

    Raises:
        InputError: when neither can be found, naming the file and how to fix it.
    """
    region, year = detect_region_year(text)
    meta = sidecar(path)
    region = region or meta.get("region") or sheet_layout.region_in(path.stem)
    year = year or meta.get("year") or sheet_layout.year_in(path.stem)
    if not region or not year:
        missing = "、".join(x for x, v in (("地区 region", region), ("年度 year", year)) if not v)
        name = sidecar_path(path).name
        raise InputError(
            f"{path}: 无法确定{missing} / cannot tell the region or year; "
            f"请在 {name} 中写明 / add a sidecar {name} with 'region: …' and 'year: …'"
        )
    return str(region), int(year)


def _read_identified(path: Path, limits: Mapping[str, int] | None) -> tuple[str, str, int]:
    """The text of a report (within the text ``limits``) with its region and year (:func:`identify`)."""
    text = read_report_text(path, **{k: v for k, v in (limits or {}).items() if k in TEXT_LIMITS})
    return (text, *identify(path, text))


def report_table(path: Path, raw_dir: Path, limits: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The tidy rows of one report text, with ``source`` = ``file:line:column`` of each figure.

    ``limits`` may hold ``max_text_bytes`` and ``max_unzipped_bytes`` (see :func:`read_report_text`).
    """
    text, region, year = _read_identified(path, limits)
    figures = extract_text(text)
    rel = source_name(path, raw_dir)
    starts = figures["start"].astype("int64")
    line_starts = pd.Series([0] + [m.end() for m in re.finditer("\n", text)])
    line = line_starts.searchsorted(starts, side="right")
    column = starts.to_numpy() - line_starts.to_numpy()[line - 1] + 1
    figures["source"] = [f"{rel}:{ln}:{col}" for ln, col in zip(line, column)]
    figures["region"], figures["year"] = region, year
    return tidy.conform(figures)


def report_parts_table(path: Path, raw_dir: Path, limits: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The parts of one report text (主要举措和成效, 存在的不足 …), ``source`` = ``file:first_line-last_line``.

    See :func:`fazhi_analysis.ingest.parts.parts_table`; ``limits`` as for :func:`report_table`.
    """
    text, region, year = _read_identified(path, limits)
    return parts.parts_table(text, region, year, source_name(path, raw_dir))


def build_checked(
    raw_dir: Path | None = None,
    processed_dir: Path | None = None,
    *,
    quiet: bool = False,
    limits: Mapping[str, int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Like :func:`build`, and also return the validation findings and the rejected spreadsheet cells.

    Writes ``findings`` and ``rejects`` (parquet and csv) beside the table (and the ``parts`` that
    :func:`build` wrote), then ``manifest.json`` naming all eight files of this build
    (:mod:`fazhi_analysis.table.manifest`). ``limits`` caps what
    one input may cost (``max_cells``, ``max_unzipped_bytes``, ``max_text_bytes``; see
    :func:`fazhi_analysis.ingest.clean.clean_files`).
    """
    from fazhi_analysis import checks
    from fazhi_analysis.ingest import clean

    raw_dir, processed_dir = _folders(raw_dir, processed_dir)
    scratch.sweep(processed_dir)  # temporary files a killed build left
    tables = spreadsheet_files(raw_dir) if raw_dir.is_dir() else []
    cleaned = None
    if tables:
        cleaned = clean.clean_files(
            tables,
            root=raw_dir,
            defaults={p: sidecar_region_year(p) for p in tables},
            progress=None if quiet else clean.print_progress,
            **(limits or {}),
        )
        if not quiet:
            print(cleaned.summary(), file=sys.stderr)
    table = build(raw_dir, processed_dir, quiet=quiet, extra=cleaned.table if cleaned else None, limits=limits)
    rejects = cleaned.rejects if cleaned else clean.clean_sheets([]).rejects
    findings = checks.check(table)
    stem = processed_dir / TABLE_STEM
    written = [stem.with_suffix(".parquet"), stem.with_suffix(".csv")]
    written += [(processed_dir / parts.PARTS_STEM).with_suffix(ext) for ext in (".parquet", ".csv")]
    written += [*write_table(findings, processed_dir / "findings"), *write_table(rejects, processed_dir / "rejects")]
    manifest.write(processed_dir, written)  # last: it says these six files are one build
    return table, findings, rejects


def _folders(raw_dir: Path | None, processed_dir: Path | None) -> tuple[Path, Path]:
    """The folders asked for, else the working project's ``data/raw`` and ``data/processed``."""
    here = project.find()
    return Path(raw_dir or here.raw), Path(processed_dir or here.processed)


def build(
    raw_dir: Path | None = None,
    processed_dir: Path | None = None,
    *,
    quiet: bool = False,
    extra: pd.DataFrame | None = None,
    limits: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Read every input under ``raw_dir`` and write ``indicators.parquet`` and ``.csv`` to ``processed_dir``.

    Also writes ``parts.parquet`` and ``.csv``: the parts of every report text under its own headings
    (:func:`report_parts_table`; no rows when no text has them).

    The folders default to the working project's ``data/raw`` and ``data/processed``.

    Outputs are deterministic (same inputs, byte-identical files) and replaced atomically.

    Raises:
        InputError: ``raw_dir`` is missing or holds no input, or an input is unreadable.
    """
    raw_dir, processed_dir = _folders(raw_dir, processed_dir)
    if not raw_dir.is_dir():
        raise InputError(f"{raw_dir}: 输入文件夹不存在 / input folder not found")
    files = report_files(raw_dir)
    if not files and extra is None:
        raise InputError(f"{raw_dir}: 没有报告文件（.txt/.docx）/ no report files found")
    frames, part_frames = [], [parts.empty_table()]
    for number, path in enumerate(files, 1):
        frame = report_table(path, raw_dir, limits)
        frames.append(frame)
        part_frames.append(report_parts_table(path, raw_dir, limits))
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
    table = tidy.sort(pd.concat(frames, ignore_index=True))
    write_table(table, processed_dir / TABLE_STEM)
    write_table(pd.concat(part_frames, ignore_index=True), processed_dir / parts.PARTS_STEM)
    return table
