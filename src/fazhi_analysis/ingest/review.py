"""The analysts' review loop: a sheet of the figures to check, read back as overrides of the automatic mapping.

``fazhi review`` writes the figures of the report texts that have no indicator, or one less sure than
:data:`fazhi_analysis.ingest.REVIEW_BELOW`, to ``reports/review.xlsx`` (:func:`write_review`): sentence, figure,
value, unit, source, the current id with its confidence and reason, the ids the extractor weighed with their
strength, and an empty 指标编号 column (a list of the catalog's ids to pick from). An analyst fills
指标编号 (an id, or ``-``/``无`` for "no indicator") and saves the sheet as ``data/raw/overrides.xlsx``
(or ``overrides.csv`` with the same columns). ``fazhi build`` then reads it (:func:`read_overrides`)
and applies it (:func:`apply_overrides`): the override wins over the automatic mapping, its reason
is ``override`` and its confidence 1. The overrides live in ``data/raw/``, so every rebuild keeps them.

**The key** is the figure's source, ``file:line:column`` in the report text (the 来源 column). The 数字
column (the figure as written) is checked as well: when the text was edited so that no figure stands
at that source any more, or another one does, the override is not applied and the build's findings
hold a warning (rule ``override``) naming the overrides file, its row and the source; nothing is
dropped silently. An id that is not in the catalog is an :class:`~fazhi_analysis.errors.InputError`
naming the file, the row and the id.

Example:
    >>> sheet = review_table(figures)                    # doctest: +SKIP
    >>> write_review(sheet, "reports/review.xlsx")       # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import pandas as pd
import pydantic

from fazhi_analysis.errors import InputError
from fazhi_analysis.ingest import REVIEW_BELOW
from fazhi_analysis.ingest.sheets import read_sheets
from fazhi_analysis.ingest.unpack import MAX_TEXT_BYTES, decode
from fazhi_analysis.table import catalog
from fazhi_analysis.table.findings import WARNING, as_findings
from fazhi_analysis.table.write import FORMULA_STARTS, atomic_path, defused
from fazhi_analysis.userfiles import Text, read_file, validate

__all__ = [
    "CATALOG_SHEET",
    "ID",
    "KEY",
    "RAW",
    "SHEET",
    "Override",
    "apply_by_sentence",
    "apply_overrides",
    "find_overrides",
    "findings",
    "read_overrides",
    "review_table",
    "write_review",
]


_NO_INDICATOR = ("-", "无", "—")  # what an analyst writes for "this figure has no indicator"
KEY, ID, RAW, _SENTENCE = "来源", "指标编号", "数字", "句子"
_REVIEW_COLUMNS = [KEY, "地区", "年度", "句子", RAW, "数值", "单位", "当前指标", "置信度", "理由", "候选指标", ID]
_FROM_FIGURES = {
    KEY: "source",
    "地区": "region",
    "年度": "year",
    _SENTENCE: "sentence",
    RAW: "raw",
    "数值": "value",
    "单位": "unit",
    "当前指标": "indicator",
    "置信度": "confidence",
    "理由": "reason",
}
_WIDTHS = {KEY: 26, "句子": 60, "理由": 24, "候选指标": 48, ID: 36, "当前指标": 30}
SHEET, CATALOG_SHEET = "复核", "指标目录"


def review_table(
    figures: pd.DataFrame,
    overrides: pd.DataFrame | None = None,
    below: float = REVIEW_BELOW,
    *,
    flagged: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The rows of the review sheet: figures without an id or less sure than ``below``, those in ``flagged`` (a
    conflict or an error finding, whatever their confidence) and those already overridden.

    Args:
        figures: figures of :func:`~fazhi_analysis.ingest.extract.extract_candidates` with ``source``,
            ``region`` and ``year`` columns.
        overrides: what :func:`read_overrides` read; its ids fill 指标编号 so that a review goes on
            where the last one stopped.
        below: the confidence under which a mapped figure is reviewed.
        flagged: sources of figures a check found in a conflict or an error.

    Returns:
        One row per figure, columns :data:`_REVIEW_COLUMNS`, in the order of ``figures``.
    """
    given = _given_ids(overrides)
    wanted = (
        figures["indicator"].isna()
        | (figures["confidence"].fillna(0) < below)
        | figures["source"].isin(given)
        | figures["source"].isin(flagged)
    )
    chosen = figures[wanted.astype(bool)]
    out = pd.DataFrame({column: chosen[name].to_numpy() for column, name in _FROM_FIGURES.items()})
    out["候选指标"] = [_candidates_text(c) for c in chosen["candidates"]]
    out[ID] = [given.get(source, "") for source in chosen["source"]]
    return out[_REVIEW_COLUMNS]


def _given_ids(overrides: pd.DataFrame | None) -> dict[str, str]:
    """Source → the id an override gives (``无`` for none: a ``-`` would be escaped as a formula)."""
    if overrides is None:
        return {}
    return {s: ("无" if pd.isna(i) else str(i)) for s, i in zip(overrides["source"], overrides["indicator"])}


def _candidates_text(candidates: list[tuple[str, float, str]]) -> str:
    """The candidates of a figure for people: ``id 名称 0.63 (alias+noun)``, one a line."""
    names = catalog.indicators()["name"]
    return "\n".join(
        f"{ind} {names.get(ind, '')} {strength:.2f} ({why})".replace("  ", " ") for ind, strength, why in candidates
    )


def write_review(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the review sheet to ``path`` (xlsx, atomically): cells defused, 指标编号 offering the catalog's ids.

    A second sheet, 指标目录, lists the ids with their names and units; the 指标编号 cells take one of
    them or ``无`` (anything else is allowed after a warning, so ``-`` may be typed as well).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _fill(sheet, defused(table.astype(object).where(table.notna(), None)))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = _WIDTHS.get(cell.value, 12)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    ids = catalog.indicators()
    listing = book.create_sheet(CATALOG_SHEET)
    _fill(
        listing,
        pd.DataFrame({ID: ["无", *ids.index], "名称": ["不对应任何指标", *ids["name"]], "单位": ["", *ids["unit"]]}),
    )
    check = DataValidation(
        type="list", formula1=f"'{CATALOG_SHEET}'!$A$2:$A${len(ids) + 2}", allow_blank=True, errorStyle="warning"
    )
    check.error = "不在指标目录中（可填 - 或 无 表示不对应指标）/ not a catalog id (- or 无: no indicator)"
    sheet.add_data_validation(check)
    column = _REVIEW_COLUMNS.index(ID) + 1
    letter = sheet.cell(row=1, column=column).column_letter
    check.add(f"{letter}2:{letter}{max(len(table), 1) + 1}")
    with atomic_path(path) as tmp:
        book.save(tmp)
    return Path(path)


def _fill(sheet: object, frame: pd.DataFrame) -> None:
    """Write a header row and the rows of ``frame`` (NA as empty cells) into an openpyxl sheet."""
    sheet.append(list(frame.columns))  # type: ignore[attr-defined]
    for row in frame.itertuples(index=False):
        sheet.append([None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in row])  # type: ignore[attr-defined]


def find_overrides(raw_dir: Path) -> Path | None:
    """The overrides file of ``raw_dir`` (``overrides.xlsx`` or ``overrides.csv``), None when there is none.

    Raises:
        InputError: both exist (which one holds the analyst's work cannot be told).
    """
    from fazhi_analysis.ingest.discover import OVERRIDE_NAMES

    found = [raw_dir / name for name in OVERRIDE_NAMES if (raw_dir / name).exists()]  # a FIFO is refused by name
    if len(found) > 1:
        raise InputError(
            f"{raw_dir}: 同时存在 {' 和 '.join(p.name for p in found)}，请只保留一个 / "
            f"both {' and '.join(p.name for p in found)} exist: keep one"
        )
    return found[0] if found else None


def read_overrides(path: str | Path) -> pd.DataFrame:
    """The filled rows of an overrides file (xlsx or csv with the columns of the review sheet).

    Rows whose 指标编号 is empty are not overrides and are left out.

    Returns:
        Columns ``row`` (the row number in the file, the header being row 1), ``source``, ``indicator``
        (NA for ``-``/``无``: no indicator), ``raw`` (the figure as written) and ``sentence`` (its sentence);
        the last two NA when not given.

    Raises:
        InputError: unreadable, too large, without 来源 or 指标编号, a filled row that breaks :class:`Override`
            (an id not in the catalog, no source), or one source given two different ids; one line naming the
            file, the row, the column and what it should hold.
    """
    path = Path(path)
    grid = _read_grid(path)
    header = [str(h).strip() if h is not None else "" for h in (grid[0] if grid else [])]
    missing = [c for c in (KEY, ID) if c not in header]
    if missing:
        raise InputError(f"{path}: 缺少列 {'、'.join(missing)} / missing columns {', '.join(missing)}")
    at = {name: header.index(name) for name in (KEY, ID, RAW, _SENTENCE) if name in header}
    rows: dict[str, dict] = {}
    for number, cells in enumerate(grid[1:], 2):
        filled = {name: text for name, i in at.items() if (text := _cell(cells, i)) is not None}
        if ID not in filled:
            continue
        row = validate(filled, Override, f"{path}: 第 {number} 行 / row {number}")
        earlier = rows.get(row.source)
        if earlier is not None and earlier["indicator"] != row.indicator:
            raise InputError(
                f"{path}: 第 {earlier['row']} 行与第 {number} 行给同一来源 {row.source} 填了不同的指标编号 / "
                f"rows {earlier['row']} and {number} give {row.source} different ids"
            )
        rows[row.source] = {"row": number, **row.model_dump()}
    frame = pd.DataFrame(list(rows.values()), columns=["row", "source", "indicator", "raw", "sentence"])
    return frame.astype({"row": "int64", "source": "string", "indicator": "string", "raw": "string",
                         "sentence": "string"})  # fmt: skip


def _indicator_id(text: str) -> str | None:
    """None for "no indicator" (``-``, ``无``), else ``text`` when it is an id of the catalog in use."""
    if text in _NO_INDICATOR:
        return None
    if text not in catalog.indicators().index:
        raise ValueError("不在指标目录中（fazhi catalog）/ not an indicator id of the catalog (fazhi catalog)")
    return text


class Override(pydantic.BaseModel):
    """The schema of a filled row of an overrides file: 来源 (the figure's source), 指标编号 (an id of the
    catalog, or ``-``/``无`` for none: None) and, optional, 数字 (the figure as written) and its sentence."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)

    source: Annotated[Text, pydantic.Field(alias=KEY)]
    indicator: Annotated[Text, pydantic.AfterValidator(_indicator_id), pydantic.Field(alias=ID)]
    raw: Annotated[str | None, pydantic.Field(alias=RAW)] = None
    sentence: Annotated[str | None, pydantic.Field(alias=_SENTENCE)] = None


def _cell(cells: list, i: int) -> str | None:
    """The text of cell ``i`` of a row, stripped, a defused ``'`` taken off; None when empty."""
    value = cells[i] if i < len(cells) else None
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text or None


def _read_grid(path: Path) -> list[list]:
    """The rows of the review sheet of an xlsx file (else its first sheet), or of a csv file, bounded like any input.

    Raises:
        InputError: missing, not a regular file, of another type, too large, or unreadable.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode(path, read_file(path, MAX_TEXT_BYTES), guess=True).lstrip("\ufeff")
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    if suffix != ".xlsx":
        raise InputError(f"{path}: 应为 .xlsx 或 .csv / expected .xlsx or .csv")
    sheets = read_sheets(path)
    sheet = next((s for s in sheets if s.name == SHEET), sheets[0])
    return sheet.values.tolist()


def apply_overrides(table: pd.DataFrame, overrides: pd.DataFrame, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with the overrides applied, and a warning finding for each override that no longer fits.

    An override applies to the row whose ``source`` is its key and, when the override gives the figure
    as written, whose ``raw`` is the same: its indicator is set (NA for no indicator), the section
    follows the indicator, ``confidence`` becomes 1 and ``reason`` ``override``.

    Args:
        table: a tidy table (not modified).
        overrides: from :func:`read_overrides`.
        file: how the findings name the overrides file.

    Returns:
        (table, findings): findings in the columns of :func:`fazhi_analysis.checks.check`, rule ``override``.

    Example:
        >>> apply_overrides(table, read_overrides("data/raw/overrides.xlsx"), "overrides.xlsx")  # doctest: +SKIP
    """
    out = table.copy()
    position = {source: i for i, source in enumerate(out["source"]) if isinstance(source, str)}
    stale = []
    for row in overrides.itertuples(index=False):
        i = position.get(row.source)
        if i is None or (isinstance(row.raw, str) and out["raw"].iat[i] != row.raw):
            stale.append(row)
            continue
        _override(out, i, row.indicator)
    return out, findings(stale, file)


def apply_by_sentence(figures: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """The figures of another text than the one reviewed (a draft, an edited copy) with the overrides applied.

    Line numbers move when a text is edited, so here an override applies to each figure written as its
    数字 in the sentence its 句子 gives (spaces aside), wherever that sentence now stands; an override that
    gives no 数字 or no 句子 applies to none.

    Args:
        figures: figures of :func:`~fazhi_analysis.ingest.extract.extract_text` (``raw``, ``sentence``,
            ``indicator``, ``section``, ``confidence``, ``reason``); not modified.
        overrides: from :func:`read_overrides`.

    Example:
        >>> figures = pd.DataFrame({"raw": ["3件"], "sentence": ["办结 3件。"], "indicator": [None],
        ...                         "section": [None], "confidence": [0.1], "reason": ["weak"]})
        >>> given = pd.DataFrame({"raw": ["3件"], "sentence": ["办结3件。"], "indicator": [pd.NA]})
        >>> apply_by_sentence(figures, given)["reason"].tolist()
        ['override']
    """
    out = figures.copy()
    given = {
        (raw, _unspaced(sentence)): indicator
        for raw, sentence, indicator in zip(overrides["raw"], overrides["sentence"], overrides["indicator"])
        if isinstance(raw, str) and isinstance(sentence, str)
    }
    for i, key in enumerate(zip(out["raw"], out["sentence"].map(_unspaced))):
        if key in given:
            _override(out, i, given[key])
    return out


def _unspaced(text: object) -> str:
    return "".join(str(text).split()) if isinstance(text, str) else ""


def _override(out: pd.DataFrame, i: int, indicator: object) -> None:
    """Row ``i`` of ``out`` given ``indicator`` (NA: none) by an analyst: its section follows, sure and said so."""
    out.iloc[i, out.columns.get_loc("indicator")] = indicator
    if isinstance(indicator, str):
        out.iloc[i, out.columns.get_loc("section")] = catalog.indicators()["section"][indicator]
    out.iloc[i, out.columns.get_loc("confidence")] = 1.0
    out.iloc[i, out.columns.get_loc("reason")] = "override"


def findings(rows: list, file: str) -> pd.DataFrame:
    """A warning for each override whose source no longer holds its figure (the text changed)."""
    findings = [
        {
            "level": WARNING,
            "region": None,
            "year": None,
            "indicator": None if pd.isna(row.indicator) else row.indicator,
            "source": row.source,
            "rule": "override",
            "message_zh": f"{file} 第 {row.row} 行的人工指定未应用：{row.source} 处已没有数字"
            + (f"“{row.raw}”" if isinstance(row.raw, str) else "")
            + "（报告文本可能已修改），请重新复核（fazhi review）",
            "message_en": f"{file} row {row.row}: override not applied, no figure"
            + (f" '{row.raw}'" if isinstance(row.raw, str) else "")
            + f" at {row.source} any more (the text changed?); review it again (fazhi review)",
        }
        for row in rows
    ]
    return as_findings(findings)
