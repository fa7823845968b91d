"""Benchmark the number parser and the text extractor (run on demand: ``make bench``).

Parses 1,000,000 messy value strings with :func:`fazhi_analysis.table.numbers.parse_values` and,
on the same strings, the obvious alternative: a per-string parse with ``cn2an`` (the
well-known Chinese-numeral converter) after a regex split of number and unit. Prints
strings/s for both and the ratio; then times the extraction of the seed report.

Goals: ≥ 1,000,000 strings/s, ≥ 10× the cn2an baseline, seed extraction ≤ 20 ms.
"""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from fazhi_analysis.ingest.extract import extract_text
from fazhi_analysis.table.numbers import parse_values

N = 1_000_000
BASELINE_N = 50_000  # the per-string baseline is linear: time a slice and report its rate
SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "dabancheng_2024_report.txt"


def messy_strings(n: int, seed: int = 7) -> pd.Series:
    """Realistic cell and figure strings: 万/亿, 余/多, %, full-width digits, separators, Chinese numerals, blanks."""
    rng = np.random.default_rng(seed)
    ints = rng.integers(0, 100_000, n).astype(str)
    decimals = np.char.add(np.char.add(rng.integers(0, 5000, n).astype(str), "."), rng.integers(0, 100, n).astype(str))
    units = np.array(
        ["件", "次", "人次", "万元", "元", "份", "场次", "场(次)", "个", "万人次", "余份", "多人次", "亿元", "%"]
    )
    pick = rng.integers(0, 10, n)
    unit = units[rng.integers(0, len(units), n)]
    out = np.where(pick < 4, np.char.add(ints, unit), np.char.add(decimals, unit)).astype(object)
    fullwidth = str.maketrans("0123456789.", "０１２３４５６７８９．")
    cn = ["十七次", "一千四百二十一件", "两批次", "百分之九十八", "三百余人", "五类", "八十余场次", "两万余人次"]
    with_commas = [f"{v:,}万元" for v in rng.integers(1000, 10_000_000, 1000)]
    for i in np.flatnonzero(pick == 8):
        out[i] = out[i].translate(fullwidth)
    for i in np.flatnonzero(pick == 9):
        r = i % 4
        out[i] = ("—", "", "无", "/")[r] if r < 2 else cn[i % len(cn)] if r == 2 else with_commas[i % len(with_commas)]
    return pd.Series(out, dtype="string")


_SPLIT = re.compile(r"^(约|近|超|逾|不少于)?(百分之)?([0-9０-９.,，一二两三四五六七八九十百千万亿零〇]+)(余|多)?(.*)$")


def baseline_parse(text: str) -> tuple[float | None, str, bool]:
    """What one would write by hand: NFKC, a regex split, then cn2an on the number part."""
    import cn2an

    text = unicodedata.normalize("NFKC", text or "").strip()
    match = _SPLIT.match(text)
    if not match:
        return None, "", False
    number, unit = match.group(3).replace(",", ""), match.group(5)
    try:
        value = float(cn2an.cn2an(number, "smart"))
    except (ValueError, KeyError):
        return None, "", False
    for prefix, factor in (("万", 1e4), ("亿", 1e8)):
        if unit.startswith(prefix):
            value, unit = value * factor, unit[1:]
    return value, unit, bool(match.group(1) or match.group(4))


def timed(func, *args, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    strings = messy_strings(N)
    print(f"strings: {N:,} ({strings.nunique():,} distinct)")
    ours = timed(parse_values, strings)
    parsed = parse_values(strings)
    print(
        f"parse_values          : {ours:7.3f} s  {N / ours:12,.0f} strings/s  "
        f"({parsed['value'].notna().mean():.1%} parsed)"
    )
    sample = strings.iloc[:BASELINE_N].tolist()
    base = timed(lambda: [baseline_parse(s) for s in sample], repeat=1)
    base_rate = BASELINE_N / base
    print(
        f"cn2an per string      : {base:7.3f} s  {base_rate:12,.0f} strings/s  (on {BASELINE_N:,} of the same strings)"
    )
    print(f"ratio                 : {N / ours / base_rate:7.1f}x faster")

    text = SEED.read_text(encoding="utf-8")
    extract_text(text)
    runs = []
    for _ in range(50):
        start = time.perf_counter()
        figures = extract_text(text)
        runs.append(time.perf_counter() - start)
    print(
        f"extract seed report   : median {statistics.median(runs) * 1000:.1f} ms, min {min(runs) * 1000:.1f} ms "
        f"({len(figures)} figures, {len(text):,} characters)"
    )


if __name__ == "__main__":
    main()
