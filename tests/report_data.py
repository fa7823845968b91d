"""Tidy tables for the report tests, built from the hand-checked figures of the seed report.

The gold mentions (tests/fixtures/dabancheng_2024_report.mentions.json) give value, unit, approx,
raw and indicator of all 71 figures of 达坂城区 2024; a made-up 2023 gives year-over-year cases.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd

from fazhi_analysis.report import facts
from fazhi_analysis.table import catalog, tidy

FIXTURES = Path(__file__).parent / "fixtures"
MENTIONS = FIXTURES / "dabancheng_2024_report.mentions.json"
REGION, YEAR = "达坂城区", 2024


def mentions() -> list[dict]:
    """The 71 checked figures of the seed report."""
    return json.loads(MENTIONS.read_text(encoding="utf-8"))["mentions"]


def figure_text(mention: dict) -> str:
    """The figure's own text, derived from a gold mention whose raw may be wider.

    Number, 万/亿 and 余/多 as they stand in raw, then the gold unit (spelt 场(次) where raw does):
    '结案率 98%' → '98%', '2.8万余人次' → '2.8万余人次', '972场(次)' → '972场(次)'; '五类' stays '五类'.
    """
    raw, unit = mention["raw"], mention["unit"]
    found = re.search(r"\d[\d.]*(万|亿)?(余|多)?", raw)
    if not found:
        return raw
    spelt = f"{unit[0]}({unit[1]})" if len(unit) == 2 and f"{unit[0]}({unit[1]})" in raw else unit
    return found.group(0) + spelt


def gold_table() -> pd.DataFrame:
    """The seed's figures as a tidy table of 达坂城区 2024 (the unmapped '五类' under administration)."""
    sections = catalog.indicators()["section"]
    rows = []
    for m in mentions():
        indicator = m["indicator"]
        rows.append(
            {
                "region": REGION,
                "year": YEAR,
                "indicator": indicator,
                "value": float(m["value"]),
                "unit": m["unit"],
                "approx": m["approx"],
                "source": f"dabancheng_2024_report.txt:{m['offset']}",
                "raw": m["raw"],
                "label": m["label"],
                "section": sections.get(indicator, "administration") if indicator else "administration",
            }
        )
    return tidy.conform(pd.DataFrame(rows))


def with_prior_year() -> pd.DataFrame:
    """The gold table plus a 2023 with some indicators, to exercise the year-over-year comparison."""
    current = gold_table()
    prior = current[
        current["indicator"].isin(
            [
                "disputes.reconsideration_applications",
                "disputes.reconsideration_closed",
                "disputes.head_appearance_rate",
                "study.wage_arrears_recovered",
                "legal_education.flag_lecture_audience",
            ]
        )
    ].copy()
    prior["year"] = 2023
    prior["value"] = prior["indicator"].map(
        {
            "disputes.reconsideration_applications": 8.0,
            "disputes.reconsideration_closed": 5.0,
            "disputes.head_appearance_rate": 95.0,
            "study.wage_arrears_recovered": 12000000.0,
            "legal_education.flag_lecture_audience": 30000.0,
        }
    )
    prior["raw"] = pd.NA
    prior["source"] = "made_up_2023.txt"
    return tidy.conform(pd.concat([current, prior], ignore_index=True))


PEERS = {"白杨区": 20.0, "红山区": 5.0, "青松区": 9.0}  # 收到行政复议申请 of three made-up districts, 2024


def tidy_rows(rows: list[tuple]) -> pd.DataFrame:
    """A tidy table of (region, year, indicator, value, unit) rows, exact, from one spreadsheet cell."""
    frame = pd.DataFrame(rows, columns=["region", "year", "indicator", "value", "unit"])
    frame["approx"], frame["source"] = False, "示例.xlsx#表1!A1"
    return tidy.conform(frame)


def _rows(region: str, year: int, figures: dict[str, tuple[float, str]], source: str) -> pd.DataFrame:
    sections = catalog.indicators()["section"]
    return pd.DataFrame(
        [
            {"region": region, "year": year, "indicator": i, "value": v, "unit": u, "approx": False,
             "source": source, "raw": pd.NA, "label": pd.NA, "section": sections[i]}
            for i, (v, u) in figures.items()
        ]
    )  # fmt: skip


def with_years_and_peers() -> pd.DataFrame:
    """The gold table with made-up 2022 and 2023 of 达坂城区 and three made-up peers in 2024 (…区: county level
    by their names, as 达坂城区).

    收到行政复议申请 rises 6 → 8 → 11 (连续增长); 行政复议结案 3 → 4 → 5; 行政复议纠错 1 in 2024, so the
    纠错率 is computed as 1 ÷ 5 = 20%; among the four regions of 2024, 达坂城区's 11 applications rank 2nd
    (20, 11, 9, 5; median 10).
    """
    apps, closed = "disputes.reconsideration_applications", "disputes.reconsideration_closed"
    corrected = "disputes.reconsideration_corrected"
    frames = [gold_table(), _rows(REGION, YEAR, {corrected: (1.0, "件")}, "made_up_2024.xlsx#表1!B3")]
    for year, (a, c) in {2022: (6.0, 3.0), 2023: (8.0, 4.0)}.items():
        frames.append(_rows(REGION, year, {apps: (a, "件"), closed: (c, "件")}, f"made_up_{year}.txt:1:1"))
    for region, a in PEERS.items():
        frames.append(_rows(region, YEAR, {apps: (a, "件"), closed: (a - 2, "件")}, f"{region}.txt:1:1"))
    return tidy.conform(pd.concat(frames, ignore_index=True))


@cache
def _gathered(table: Callable[[], pd.DataFrame], where: tuple[str, str | None]) -> facts.Facts:
    return facts.gather(table(), REGION, YEAR)


def gathered(table: Callable[[], pd.DataFrame]) -> facts.Facts:
    """``facts.gather(table(), REGION, YEAR)`` of a table of this module, gathered once a process and project (the
    working folder and ``$FAZHI_ROOT``, which give the catalog and targets): each caller gets its own copy."""
    return copy.deepcopy(_gathered(table, (os.getcwd(), os.environ.get("FAZHI_ROOT"))))


def report_cli(
    tmp_path: Path,
    table: pd.DataFrame | None = None,
    *,
    region: str = REGION,
    formats: str = "html",
    out: Path | None = None,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run ``fazhi report`` on ``table`` (default: :func:`with_prior_year`) saved in ``tmp_path``.

    Returns the finished command and the folder the report goes to (``out/<region>/<year>``, ``out``
    defaulting to ``tmp_path/out``).
    """
    from conftest import run_fazhi

    data = tmp_path / "table.parquet"
    (with_prior_year() if table is None else table).to_parquet(data)
    out = out or tmp_path / "out"
    args = ("report", "--region", region, "--year", str(YEAR), "--data", str(data), "--formats", formats)
    return run_fazhi(*args, "--output-dir", str(out), cwd=tmp_path, env=env), out / region / str(YEAR)


def row_labels(ax) -> dict[str, float]:
    """The row labels of a dot or box chart (:func:`fazhi_analysis.report.plotting.row_guides`) and their rows."""
    return {t.get_text(): t.get_position()[1] for t in ax.texts if t.get_horizontalalignment() == "right"}
