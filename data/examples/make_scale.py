"""Write a synthetic input at the scale of every county-level government (合成数据，地区与数字均为虚构).

About 2,800 county-level regions under 31 provinces and their cities, 5 years, 50 indicators: 700,000
figures (``--counties 4000``: 1,000,000). Written in the form ``fazhi build`` reads: ``regions.csv`` (地区, 层级,
上级, 常住人口（万人）) and departments' CSV tables (地区, 指标名称, 单位, 数值), one a province and year with its
year in a sidecar, or with ``--layout single`` one CSV with a 年度 column; or, with ``--tidy``, the tidy table
that build would make of them, with its regions table and manifest, for the overview and batch benchmarks.

The figures keep the catalog's relations (结案 ≤ 收到 …) and the rates agree with their counts, except for a
fixed share of defects that the checks should find: a year-over-year jump in 1 % of the series (warnings) and
行政复议结案 above 收到 in 0.05 % of the region-years (errors). Fixed seed: the same arguments, the same bytes.

Example:
    $ .venv/bin/python data/examples/make_scale.py /tmp/scale/raw                      # 700,000 figures
    $ .venv/bin/python data/examples/make_scale.py /tmp/scale1m/raw --counties 4000 --layout single
    $ .venv/bin/python data/examples/make_scale.py /tmp/scale/processed --tidy         # the table itself
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 22
LAST_YEAR = 2024
# Characters of the invented names (two a name, then 省, 市 or a county's 区/县/旗/市).
SYLLABLES = (
    "安宁平和泰兴隆昌盛福康永定清河源山川江湖海东西南北中阳林桥石岭峰溪泉城丰华庆新远长宝金玉云松柏桃柳"
    "梅兰竹春秋晨星明德仁义信礼文武嘉瑞祥乐达通广鸣凤龙鹤鹿鹏飞翔"
)
COUNTY_SUFFIXES = {"区": 0.35, "县": 0.5, "旗": 0.05, "市": 0.1}  # a county-level 市 is 县级市 in regions.csv
CITY_SIZE = 9  # counties a city, on average

# The 50 indicators: catalog id → (value for a county of 40万 people in LAST_YEAR, yearly growth).
# Rates are drawn or computed below; their level here is unused.
INDICATORS: dict[str, tuple[float, float]] = {
    "study.law_lectures": (12, 1.03),
    "study.executive_meeting_study": (6, 1.0),
    "study.central_group_study": (5, 1.0),
    "study.rule_of_law_deliberations": (4, 1.02),
    "functions.service_items_published": (900, 1.05),
    "functions.power_list_items": (3000, 1.01),
    "functions.online_service_rate": (0, 1.0),
    "administration.major_decisions": (8, 1.02),
    "administration.legality_review_opinions": (120, 1.06),
    "administration.legal_opinion_letters": (160, 1.05),
    "administration.normative_documents_filed": (15, 1.0),
    "administration.legal_counsel_services": (300, 1.04),
    "administration.legal_counsel_coverage_rate": (0, 1.0),
    "administration.government_contracts_reviewed": (50, 1.08),
    "enforcement.officer_training_sessions": (6, 1.04),
    "enforcement.officers_trained": (450, 1.05),
    "enforcement.case_file_review_units": (20, 1.02),
    "enforcement.case_files_reviewed": (0, 1.0),
    "enforcement.inspections": (1000, 1.06),
    "enforcement.penalty_cases": (260, 0.93),
    "enforcement.penalty_amount": (2_800_000, 0.9),  # 元, written in 万元
    "enforcement.administrative_licenses": (9000, 1.04),
    "enforcement.coercive_measures": (40, 0.95),
    "enforcement.certified_officers": (600, 1.02),
    "enforcement.random_inspections": (350, 1.05),
    "disputes.reconsideration_applications": (40, 1.12),
    "disputes.reconsideration_accepted": (0, 1.0),
    "disputes.reconsideration_rejected": (0, 1.0),
    "disputes.reconsideration_withdrawn": (0, 1.0),
    "disputes.reconsideration_closed": (0, 1.0),
    "disputes.reconsideration_corrected": (0, 1.0),
    "disputes.reconsideration_maintained": (0, 1.0),
    "disputes.reconsideration_dismissed": (0, 1.0),
    "disputes.reconsideration_correction_rate": (0, 1.0),
    "disputes.litigation_cases": (20, 0.95),
    "disputes.litigation_lost": (0, 1.0),
    "disputes.litigation_loss_rate": (0, 1.0),
    "disputes.head_appearances": (0, 1.0),
    "disputes.head_appearance_rate": (0, 1.0),
    "disputes.dispute_screenings": (650, 1.03),
    "disputes.disputes_mediated": (500, 1.04),
    "disputes.disputes_prevented": (120, 1.02),
    "disputes.mediation_amount": (15_000_000, 1.05),  # 元, written in 万元
    "disputes.mediation_success_rate": (0, 1.0),
    "disputes.legal_aid_cases": (160, 1.02),
    "legal_education.grassroots_events": (90, 1.05),
    "legal_education.grassroots_audience": (25000, 1.07),
    "legal_education.legal_literates": (200, 1.1),
    "legal_education.materials_distributed": (40000, 0.94),
    "oversight.proactive_disclosures": (1500, 1.05),
}
# Counts drawn as a share of another count (the catalog's relations hold): id → (of, low, high).
SHARES: dict[str, tuple[str, float, float]] = {
    "disputes.reconsideration_accepted": ("disputes.reconsideration_applications", 0.7, 0.95),
    "disputes.reconsideration_rejected": ("disputes.reconsideration_applications", 0.0, 0.1),
    "disputes.reconsideration_withdrawn": ("disputes.reconsideration_applications", 0.0, 0.08),
    "disputes.reconsideration_closed": ("disputes.reconsideration_applications", 0.8, 1.0),
    "disputes.reconsideration_corrected": ("disputes.reconsideration_closed", 0.05, 0.2),
    "disputes.reconsideration_maintained": ("disputes.reconsideration_closed", 0.4, 0.6),
    "disputes.reconsideration_dismissed": ("disputes.reconsideration_closed", 0.05, 0.2),
    "disputes.litigation_lost": ("disputes.litigation_cases", 0.0, 0.15),
    "disputes.head_appearances": ("disputes.litigation_cases", 0.6, 1.0),
}
# Rates of two counts (as the catalog's ``derived`` computes them), and rates drawn: id → (low, high).
RATIOS = {
    "disputes.reconsideration_correction_rate": (
        "disputes.reconsideration_corrected",
        "disputes.reconsideration_closed",
    ),
    "disputes.litigation_loss_rate": ("disputes.litigation_lost", "disputes.litigation_cases"),
    "disputes.head_appearance_rate": ("disputes.head_appearances", "disputes.litigation_cases"),
}
DRAWN_RATES = {
    "functions.online_service_rate": (85.0, 100.0),
    "administration.legal_counsel_coverage_rate": (90.0, 100.0),
    "disputes.mediation_success_rate": (90.0, 99.9),
}
JUMP_SHARE = 0.01  # series with a year-over-year jump (×3): outlier warnings
BROKEN_SHARE = 0.0005  # region-years whose 结案 exceeds 收到: relation errors
SINGLE_NAME = "all_counties.csv"


def names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct two-character stems drawn from :data:`SYLLABLES`."""
    pool = np.array([a + b for a in SYLLABLES for b in SYLLABLES if a != b])
    if count > len(pool):
        raise ValueError(f"at most {len(pool)} names")
    return pool[rng.choice(len(pool), size=count, replace=False)].tolist()


def _split(rng: np.random.Generator, total: int, parts: int) -> np.ndarray:
    """``total`` split into ``parts`` sizes of 1 or more, each within about ±40 % of the mean (largest remainder)."""
    weights = rng.uniform(0.6, 1.4, parts)
    exact = weights / weights.sum() * (total - parts)
    sizes = np.floor(exact).astype(int)
    sizes[np.argsort(exact - sizes)[::-1][: total - parts - sizes.sum()]] += 1
    return sizes + 1


def hierarchy(counties: int = 2800, provinces: int = 31, seed: int = SEED) -> pd.DataFrame:
    """The regions table: provinces, their cities, their counties (columns as ``regions.csv`` names them).

    Example:
        >>> table = hierarchy(20, provinces=2)
        >>> len(table), int(table["层级"].isin(["省", "市"]).sum())
        (24, 4)
    """
    rng = np.random.default_rng(seed)
    per_province = _split(rng, counties, provinces)
    per_city = [_split(rng, n, max(1, round(n / CITY_SIZE))) for n in per_province]
    stems = iter(names(rng, provinces + sum(len(c) for c in per_city) + counties))
    suffixes = rng.choice(list(COUNTY_SUFFIXES), size=counties, p=list(COUNTY_SUFFIXES.values()))
    rows, county_rows = [], []
    k = 0
    for cities in per_city:
        province = next(stems) + "省"
        rows.append((province, "省", "", np.nan))
        for size in cities:
            city = next(stems) + "市"
            rows.append((city, "市", province, np.nan))
            for _ in range(size):
                level = "县级市" if suffixes[k] == "市" else str(suffixes[k])
                county_rows.append(len(rows))
                rows.append((next(stems) + str(suffixes[k]), level, city, np.nan))
                k += 1
    table = pd.DataFrame(rows, columns=["地区", "层级", "上级", "常住人口（万人）"])
    population = np.round(np.clip(rng.lognormal(np.log(35), 0.6, counties), 3, 300), 1)
    table.loc[county_rows, "常住人口（万人）"] = population
    return _with_totals(table)


def _with_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Cities' and provinces' populations as the sums of their counties'."""
    population = table.set_index("地区")["常住人口（万人）"].copy()
    for level in ("市", "省"):
        members = table[table["上级"].map(table.set_index("地区")["层级"]).eq(level)]
        sums = members.groupby("上级")["地区"].agg(lambda names: population[names].sum())
        population[sums.index] = sums
    return table.assign(**{"常住人口（万人）": table["地区"].map(population).round(1).to_numpy()})


def figures(regions: pd.DataFrame, years: list[int], seed: int = SEED) -> pd.DataFrame:
    """Every county's 50 figures of each year, as a department writes them: 地区, 年度, 指标, 单位, 数值 (text).

    Rows by year, then region (the regions table's order), then indicator (:data:`INDICATORS`' order).
    """
    from fazhi_analysis.table import catalog

    rng = np.random.default_rng(seed + 1)
    counties = regions[~regions["层级"].isin(["省", "市"])]
    ids = list(INDICATORS)
    n_regions, n_years, n_ids = len(counties), len(years), len(ids)
    size = (counties["常住人口（万人）"].to_numpy(float) / 40) ** 0.8
    region_effect = rng.lognormal(0, 0.3, (n_regions, 1, n_ids))
    yearly = rng.lognormal(0, 0.08, (n_regions, n_years, n_ids))
    level = np.array([INDICATORS[i][0] for i in ids])
    growth = np.array([INDICATORS[i][1] for i in ids]) ** (np.array(years)[:, None] - LAST_YEAR)
    raw = size[:, None, None] * region_effect * yearly * level * growth
    jumps = rng.random(raw.shape) < JUMP_SHARE
    raw = np.where(jumps, raw * 3, raw)
    values = _consistent(rng, raw, ids)
    info = catalog.indicators()
    units = np.array(["万元" if info.at[i, "kind"] == "amount" else info.at[i, "unit"] for i in ids])
    kinds = info.loc[ids, "kind"].to_numpy()
    written = np.where(kinds == "amount", values / 1e4, values)
    text = np.where(
        kinds == "count",
        np.char.mod("%d", np.rint(written).astype(np.int64)),
        np.char.mod("%.1f", written),
    )
    text = np.where(kinds == "amount", np.char.mod("%.2f", written), text)
    order = np.transpose(np.indices((n_regions, n_years, n_ids)), (0, 2, 1, 3))  # year-major
    r, y, k = (axis.reshape(-1) for axis in order)
    return pd.DataFrame(
        {
            "地区": counties["地区"].to_numpy()[r],
            "年度": np.array(years)[y],
            "指标名称": info.loc[ids, "name"].to_numpy()[k],
            "单位": units[k],
            "数值": np.transpose(text, (1, 0, 2)).reshape(-1),
        }
    )


def _consistent(rng: np.random.Generator, raw: np.ndarray, ids: list[str]) -> np.ndarray:
    """Whole counts (shares of their totals where the catalog relates them), rates of them, drawn rates."""
    at = {i: k for k, i in enumerate(ids)}
    values = np.maximum(np.rint(raw), 0)
    for name, (of, low, high) in SHARES.items():  # in dependency order: closed before its parts
        values[..., at[name]] = np.floor(values[..., at[of]] * rng.uniform(low, high, raw.shape[:2]))
    reviewed = values[..., at["enforcement.case_file_review_units"]] * rng.integers(3, 15, raw.shape[:2])
    values[..., at["enforcement.case_files_reviewed"]] = reviewed
    broken = rng.random(raw.shape[:2]) < BROKEN_SHARE
    applications = values[..., at["disputes.reconsideration_applications"]]
    values[..., at["disputes.reconsideration_closed"]] += np.where(broken, applications + 1, 0)
    for name, (numerator, denominator) in RATIOS.items():
        top, bottom = values[..., at[numerator]], values[..., at[denominator]]
        values[..., at[name]] = np.round(np.divide(top * 100, bottom, out=np.zeros_like(top), where=bottom > 0), 1)
    for name, (low, high) in DRAWN_RATES.items():
        values[..., at[name]] = np.round(rng.uniform(low, high, raw.shape[:2]), 1)
    money = [at["enforcement.penalty_amount"], at["disputes.mediation_amount"]]
    values[..., money] = np.round(raw[..., money], -2)  # to the hundred 元: two decimals of 万元
    return values


def write_raw(out: Path, regions: pd.DataFrame, rows: pd.DataFrame, layout: str = "province") -> list[Path]:
    """``regions.csv`` and the departments' CSV tables under ``out``; returns the files written.

    ``province``: one table a province and year (``p01_2024.csv``, counties in rows, its year in a sidecar
    ``p01_2024.csv.meta.yaml``); ``single``: one table of every row with a 年度 column (:data:`SINGLE_NAME`).
    """
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "regions.csv"]
    regions.to_csv(written[0], index=False, encoding="utf-8")
    if layout == "single":
        written.append(out / SINGLE_NAME)
        rows.to_csv(written[-1], index=False, encoding="utf-8")
        return written
    province_of = _province_of(regions)
    for (number, year), part in rows.groupby([rows["地区"].map(province_of), "年度"], sort=True):
        path = out / f"p{number:02d}_{year}.csv"
        part.drop(columns="年度").to_csv(path, index=False, encoding="utf-8")
        path.with_name(path.name + ".meta.yaml").write_text(f"year: {year}\n", encoding="utf-8")
        written += [path, path.with_name(path.name + ".meta.yaml")]
    return written


def _province_of(regions: pd.DataFrame) -> pd.Series:
    """Each county's province, numbered from 1 in the table's order."""
    parent = regions.set_index("地区")["上级"]
    numbers = {name: n for n, name in enumerate(regions.loc[regions["层级"] == "省", "地区"], 1)}
    counties = regions.loc[~regions["层级"].isin(["省", "市"]), "地区"]
    return pd.Series([numbers[parent[parent[c]]] for c in counties], index=counties.to_numpy())


def tidy_table(regions: pd.DataFrame, rows: pd.DataFrame, layout: str = "province") -> pd.DataFrame:
    """The tidy table ``fazhi build`` makes of :func:`write_raw`'s tables (sources and all), without reading them."""
    from fazhi_analysis.table import catalog, tidy

    info = catalog.indicators()
    by_name = pd.Series(info.index, index=info["name"])
    value = rows["数值"].astype(float).to_numpy()
    wan = rows["单位"].eq("万元").to_numpy()
    if layout == "single":
        files = pd.Series(SINGLE_NAME, index=rows.index)
        line = np.arange(len(rows)) + 2
    else:
        numbers = rows["地区"].map(_province_of(regions))
        files = "p" + numbers.map("{:02d}".format) + "_" + rows["年度"].astype(str) + ".csv"
        line = rows.groupby([numbers, rows["年度"]]).cumcount().to_numpy() + 2
    column = "E" if layout == "single" else "D"
    indicator = rows["指标名称"].map(by_name)
    table = pd.DataFrame(
        {
            "region": rows["地区"],
            "year": rows["年度"],
            "indicator": indicator,
            "value": np.where(wan, np.round(value * 1e4, 8), value),
            "unit": np.where(wan, "元", rows["单位"]),
            "approx": False,
            "source": files + f"#{column}" + pd.Series(line, index=rows.index).astype(str),
            "raw": rows["数值"],
            "label": rows["指标名称"],
            "section": indicator.map(info["section"]),
        }
    )
    return tidy.sort(tidy.conform(table))


def write_tidy(out: Path, regions: pd.DataFrame, rows: pd.DataFrame, layout: str = "province") -> list[Path]:
    """The processed folder a build of these tables (``layout`` as :func:`write_raw`) would leave: the tidy table
    (parquet), the regions table (parquet and csv) and the manifest naming them; returns the files written."""
    from fazhi_analysis.table import manifest
    from fazhi_analysis.table import regions as region_table
    from fazhi_analysis.table.write import atomic_path, write_table

    out.mkdir(parents=True, exist_ok=True)
    grid = np.vstack([regions.columns.to_numpy(object), regions.to_numpy(object)])
    listed, _ = region_table.from_grid(grid, "regions.csv")
    table = out / "indicators.parquet"
    with atomic_path(table) as tmp:
        tidy_table(regions, rows, layout).to_parquet(tmp, index=False)
    written = [table, *write_table(listed, out / region_table.STEM)]
    return [*written, manifest.write(out, written)]


def make(
    out: Path,
    *,
    counties: int = 2800,
    provinces: int = 31,
    years: int = 5,
    layout: str = "province",
    tidy: bool = False,
) -> list[Path]:
    """Write the raw tables (or, with ``tidy``, the processed folder) of a synthetic country under ``out``."""
    regions = hierarchy(counties, provinces)
    rows = figures(regions, list(range(LAST_YEAR - years + 1, LAST_YEAR + 1)))
    return write_tidy(out, regions, rows, layout) if tidy else write_raw(out, regions, rows, layout)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``make_scale.py OUT [--counties N] [--provinces N] [--years N] [--layout …] [--tidy]``."""
    parser = argparse.ArgumentParser(description="生成合成的大规模数据 / write a synthetic country-sized input")
    parser.add_argument("out", type=Path, help="output folder (not data/raw: these figures are invented)")
    parser.add_argument("--counties", type=int, default=2800, help="county-level regions (default 2800)")
    parser.add_argument("--provinces", type=int, default=31, help="provinces (default 31)")
    parser.add_argument("--years", type=int, default=5, help=f"years up to {LAST_YEAR} (default 5)")
    parser.add_argument(
        "--layout", choices=["province", "single"], default="province", help="a CSV a province and year, or one CSV"
    )
    parser.add_argument("--tidy", action="store_true", help="write the tidy table and regions table instead")
    args = parser.parse_args(argv)
    written = make(args.out, counties=args.counties, provinces=args.provinces, years=args.years, layout=args.layout,
                   tidy=args.tidy)  # fmt: skip
    print(f"{len(written)} files → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
