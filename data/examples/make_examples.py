"""Write the fictitious example reports under ``data/examples/raw/`` (生成的示例数据，非真实地区).

Five invented regions, 2021–2024, sparse on purpose: a region with four years, one with a single
year, one with a gap, a year with one region. Figures follow a trend drawn from a fixed seed, so the
outputs are byte-identical on every run.

Example:
    $ .venv/bin/python data/examples/make_examples.py            # → data/examples/raw/
    $ .venv/bin/python data/examples/make_examples.py --out /tmp/x
"""

from __future__ import annotations

import argparse
import io
import random
import re
import zipfile
from pathlib import Path

SEED = 2024
HERE = Path(__file__).resolve().parent
# region → (file stem, years held). 2021 only 示例区甲; 2024 all five; 示例区丁 skips 2023.
PLAN: dict[str, tuple[str, tuple[int, ...]]] = {
    "示例区甲": ("jia", (2021, 2022, 2023, 2024)),
    "示例区乙": ("yi", (2023, 2024)),
    "示例区丙": ("bing", (2024,)),
    "示例区丁": ("ding", (2022, 2024)),
    "示例区戊": ("wu", (2023, 2024)),
}
SHEET_REGION_YEAR = ("示例区乙", 2024)  # the one department spreadsheet

# 2024 level of each figure before a region's scale; growth is the yearly factor (rising > 1 > falling).
BASE: dict[str, tuple[float, float]] = {
    "law_lectures": (14, 1.05),
    "executive_meeting_study": (7, 1.0),
    "central_group_study": (5, 1.0),
    "legality_review_opinions": (110, 1.08),
    "government_contracts_reviewed": (46, 1.1),
    "legal_opinion_letters": (150, 1.06),
    "certified_officers": (560, 1.03),
    "inspections": (980, 1.07),
    "penalty_cases": (240, 0.9),
    "penalty_amount": (260, 0.88),  # 万元
    "officer_training_sessions": (6, 1.05),
    "officers_trained": (430, 1.06),
    "reconsideration_applications": (36, 1.18),
    "litigation_cases": (18, 0.86),
    "dispute_screenings": (620, 1.04),
    "disputes_mediated": (480, 1.05),
    "legal_aid_cases": (150, 1.02),
    "grassroots_events": (85, 1.06),
    "grassroots_audience": (2.2, 1.08),  # 万人次
    "materials_distributed": (3600, 0.93),
    "legal_literates": (180, 1.1),
    "model_households": (55, 1.07),
    "proactive_disclosures": (1400, 1.05),
    "npc_suggestions_handled": (30, 1.0),
    "cppcc_proposals_handled": (26, 1.0),
}
SCALE = {"示例区甲": 1.0, "示例区乙": 0.7, "示例区丙": 1.35, "示例区丁": 0.55, "示例区戊": 0.85}
# Figures a region leaves out in a year: reported one year, gone the next.
LEFT_OUT = {
    ("示例区甲", 2024): {"penalty_amount"},
    ("示例区乙", 2024): {"legal_aid_cases", "cppcc_proposals_handled"},
    ("示例区丁", 2022): {"model_households"},
    ("示例区戊", 2024): {"materials_distributed"},
    ("示例区丙", 2024): {"central_group_study"},
}


def figures(rng: random.Random, region: str, year: int) -> dict[str, float | int | str]:
    """The figures of one region-year: trend from 2024 back, a small jitter, counts kept consistent."""
    out: dict[str, float | int | str] = {}
    for key, (level, growth) in BASE.items():
        value = level * SCALE[region] * growth ** (year - 2024) * (1 + rng.uniform(-0.04, 0.04))
        out[key] = round(value, 1) if key in ("penalty_amount", "grassroots_audience") else max(1, round(value))
    applications = int(out["reconsideration_applications"])
    rejected = rng.randint(0, max(1, applications // 8))
    out["reconsideration_rejected"] = rejected
    out["reconsideration_closed"] = applications - rejected - rng.randint(0, 2)
    out["reconsideration_corrected"] = max(1, round(int(out["reconsideration_closed"]) * rng.uniform(0.06, 0.16)))
    out["litigation_lost"] = rng.randint(0, max(1, int(out["litigation_cases"]) // 6))
    out["mediation_success_rate"] = f"{rng.uniform(96.0, 99.5):.1f}"
    out["officers_trained"] = int(out["officers_trained"]) // 10 * 10  # 余: a round lower bound
    out["materials_distributed"] = int(out["materials_distributed"]) // 100 * 100
    out["legal_opinion_letters"] = int(out["legal_opinion_letters"]) // 10 * 10
    return out


def wording() -> dict:
    """The sentences and headings of ``wording.yaml`` beside this script."""
    import yaml

    return yaml.safe_load((HERE / "wording.yaml").read_text(encoding="utf-8"))


def _sentence(clauses: list[str], values: dict, left_out: set[str]) -> str | None:
    """Clauses joined into one sentence, dropping those naming a figure left out; None when none is left."""
    kept = [c for c in clauses if not set(re.findall(r"\{(\w+)\}", c)) & left_out]
    return "，".join(kept).format(**values) + "。" if kept else None


def achievements(words: dict, style: dict, values: dict, left_out: set[str]) -> list[str]:
    """The numbered sections of 主要举措和成效, one paragraph each, under a sub-heading."""
    lines = []
    for n, section in enumerate(words["sections"]):
        sentences = [_sentence(s, values, left_out) for s in section["sentences"]]
        lines.append(style["sub"].format(n=words["ordinals"][n]) + section["title"])
        lines.append("".join(s for s in sentences if s))
    return lines


def _pick(rng: random.Random, pool: list[str], k: int) -> list[str]:
    """``k`` items of ``pool`` drawn at random, kept in the pool's order."""
    chosen = set(rng.sample(pool, k))
    return [item for item in pool if item in chosen]


def listed(items: list[str], ordinals: list[str]) -> list[str]:
    """``一是…`` lines."""
    return [f"{ordinals[n]}是{item}" for n, item in enumerate(items)]


def report_text(rng: random.Random, words: dict, region: str, year: int) -> tuple[str, dict]:
    """One report's text and its figures."""
    values = figures(rng, region, year)
    left_out = LEFT_OUT.get((region, year), set())
    style, fill = words["styles"][region], {"region": region, "year": year, "next": year + 1}
    body = {
        "achievements": achievements(words, style, values, left_out),
        "shortcomings": [words["lead_in"]["shortcomings"]]
        + listed(_pick(rng, words["shortcomings"][region], 3), words["ordinals"]),
        "leadership": ["".join(words["leadership"].split())],
        "plans": [words["lead_in"]["plans"].format(**fill)] + listed(_pick(rng, words["plans"], 4), words["ordinals"]),
        "other": [words["other"]],
    }
    lines = [words["title"].format(**fill), "".join(words["intro"].split()).format(**fill)]
    for part, heading in style["parts"].items():
        lines += [heading.format(**fill), *body[part]]
    return "\n".join(lines) + "\n", values


# The department's sheet: (row label, figure, unit, note); the figures agree with the report text.
SHEET_ROWS = (
    ("收到行政复议申请", "reconsideration_applications", "件", ""),
    ("行政复议结案", "reconsideration_closed", "件", "含上年结转"),
    ("行政复议纠错", "reconsideration_corrected", "件", "撤销、变更、确认违法"),
    ("行政应诉案件", "litigation_cases", "件", ""),
    ("行政诉讼败诉案件", "litigation_lost", "件", ""),
    ("法律援助案件", "legal_aid_cases", "件", "报告正文未列"),
    ("培养“法律明白人”", "legal_literates", "人", ""),
)
_FIXED_TIME = (2025, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def department_sheet(region: str, year: int, values: dict, sheet_extra: dict) -> bytes:
    """A 司法局 spreadsheet (title row, 指标/数值/单位/备注, a note row) as xlsx bytes with fixed timestamps."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "法治政府建设指标"
    sheet.append([f"{region}司法局{year}年法治政府建设统计表"])
    sheet.append(["指标", "数值", "单位", "备注"])
    for label, key, unit, note in SHEET_ROWS:
        sheet.append([label, int({**values, **sheet_extra}[key]), unit, note or None])
    sheet.append([f"注：数据截至{year}年12月31日，由{region}司法局汇总。"])
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every member dated :data:`_FIXED_TIME` and fixed document times (reproducible)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = _CORE_TIME.sub(rb"\g<1>2025-01-01T00:00:00Z\g<2>", member)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME), member, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def meta(region: str, year: int) -> str:
    """The sidecar naming region and year (示例区… does not end in 区, so the title alone cannot tell the region)."""
    return f"region: {region}\nyear: {year}\n"


def make(out: Path) -> list[Path]:
    """Write every example file under ``out`` (created); returns the files written, sorted."""
    rng, words = random.Random(SEED), wording()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for region, (stem, years) in PLAN.items():
        for year in years:
            text, values = report_text(rng, words, region, year)
            path = out / f"example_{stem}_{year}_report.txt"
            path.write_text(text, encoding="utf-8")
            (out / f"{path.name}.meta.yaml").write_text(meta(region, year), encoding="utf-8")
            written += [path, out / f"{path.name}.meta.yaml"]
            if (region, year) == SHEET_REGION_YEAR:
                extra = {"legal_aid_cases": round(BASE["legal_aid_cases"][0] * SCALE[region])}
                sheet = out / f"example_{stem}_{year}_department.xlsx"
                sheet.write_bytes(department_sheet(region, year, values, extra))
                (out / f"{sheet.name}.meta.yaml").write_text(meta(region, year), encoding="utf-8")
                written += [sheet, out / f"{sheet.name}.meta.yaml"]
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``make_examples.py [--out DIR]``."""
    parser = argparse.ArgumentParser(description="生成示例数据 / write the fictitious example reports")
    parser.add_argument("--out", type=Path, default=HERE / "raw", help="output folder (default: data/examples/raw)")
    args = parser.parse_args(argv)
    for path in make(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
