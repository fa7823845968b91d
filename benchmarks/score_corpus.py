"""Score the text extractor on a split of the labelled corpus (data/corpus/): figures, ids, confidence.

Usage::

    python benchmarks/score_corpus.py --split test                       # the extractor of this checkout
    python benchmarks/score_corpus.py --split test --rev 9d786c5         # the extractor of a past commit
    python benchmarks/score_corpus.py --split test --plot docs/reliability_test.png

A figure is found when an extracted figure overlaps the gold span with the same value and unit (figure
precision, recall, F1; units compared in simplified characters, 個 = 个). Ids are scored at the extractor's
default threshold: id precision = right ids / ids given, id accuracy = right ids / gold ids. The
confidence is scored on every id the extractor would give at threshold 0 (a claim): AUC (a right claim
outranks a wrong one), precision of the claims at confidence ≥ 0.8, expected calibration error (ten equal
bins) and a reliability plot. Period and scope accuracy are over the found figures (an extractor without
them scores none).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_model import CORPUS, SEED, aligned, documents  # noqa: E402

# Run in a subprocess against another commit's package: every figure at threshold 0, and its default.
_EXTRACT = """
import json, sys
from fazhi_analysis.ingest import extract
out = {}
default = getattr(extract, "DEFAULT_MIN_CONFIDENCE", None)
if default is None:
    default = extract.default_min_confidence()
for name, path in json.loads(sys.stdin.read()).items():
    text = open(path, encoding="utf-8").read()
    frame = extract.extract_text(text, min_confidence=0).astype(object)
    out[name] = frame.where(frame.notna(), None).to_dict("records")
print(json.dumps({"default": default, "records": out}, ensure_ascii=False, default=float))
"""


def extracted(names: dict[str, Path], rev: str | None) -> tuple[float, dict[str, list[dict]]]:
    """Default threshold and records (threshold 0) of each document, by this checkout or by commit ``rev``."""
    with tempfile.TemporaryDirectory() as tmp:
        env_path = str(ROOT / "src")
        if rev:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            env_path = str(Path(tmp) / "src")
        result = subprocess.run(
            [sys.executable, "-c", _EXTRACT],
            input=json.dumps({k: str(v) for k, v in names.items()}),
            capture_output=True,
            text=True,
            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin", "HOME": tmp},
            check=False,
        )
        if result.returncode:
            raise SystemExit(result.stderr)
        data = json.loads(result.stdout)
    return float(data["default"]), data["records"]


import opencc  # noqa: E402

_T2S = opencc.OpenCC("t2s")


def _simple(unit: str | None) -> str | None:
    """A unit in simplified characters (個 → 个): the extractor reports the unit it matched, the gold as written."""
    if not unit:
        return unit
    return _T2S.convert(unit)


def auc(scores: list[float], right: list[bool]) -> float:
    """Probability that a right claim's score exceeds a wrong one's (ties count half)."""
    pos = [s for s, r in zip(scores, right) if r]
    neg = [s for s, r in zip(scores, right) if not r]
    if not pos or not neg:
        return float("nan")
    import numpy as np

    neg_sorted = np.sort(neg)
    below = np.searchsorted(neg_sorted, pos, side="left")
    equal = np.searchsorted(neg_sorted, pos, side="right") - below
    return float((below.sum() + 0.5 * equal.sum()) / (len(pos) * len(neg)))


def bins(scores: list[float], right: list[bool], n: int = 10) -> list[tuple[float, float, int]]:
    """(mean confidence, share right, count) of each non-empty tenth of [0, 1]."""
    out = []
    for k in range(n):
        lo, hi = k / n, (k + 1) / n
        inside = [(s, r) for s, r in zip(scores, right) if lo <= s < hi or (k == n - 1 and s == 1.0)]
        if inside:
            out.append((sum(s for s, _ in inside) / len(inside), sum(r for _, r in inside) / len(inside), len(inside)))
    return out


def score(split: str, corpus: Path, rev: str | None) -> tuple[dict, list[float], list[bool]]:
    """The scores of one split, and the claims' confidences and rightness (for the plot)."""
    docs = documents(split, corpus)
    paths = {name: SEED[0] if name == SEED[0].name else corpus / "docs" / name for name, _, _ in docs}
    default, records = extracted(paths, rev)
    c = {k: 0 for k in ("gold", "found", "matched", "gold_ids", "given", "right", "period", "scope", "scoped")}
    scores, right = [], []
    for name, _, mentions in docs:
        recs = records[name]
        c["gold"] += len(mentions)
        c["found"] += len(recs)
        c["gold_ids"] += sum(m["indicator"] is not None for m in mentions)
        for rec in recs:
            m = aligned(mentions, rec["start"], rec["end"])
            same = m is not None and m["value"] == rec["value"] and _simple(m["unit"]) == _simple(rec["unit"])
            c["matched"] += same
            gold_id = m["indicator"] if same else None
            if same and rec.get("period") is not None and "period" in m:
                c["scoped"] += 1
                c["period"] += rec["period"] == m["period"]
                c["scope"] += rec["scope"] == m["scope"]
            if rec["indicator"] is not None:
                scores.append(float(rec["confidence"]))
                right.append(rec["indicator"] == gold_id)
                if rec["confidence"] >= default:
                    c["given"] += 1
                    c["right"] += rec["indicator"] == gold_id
    precision, recall = c["matched"] / max(c["found"], 1), c["matched"] / max(c["gold"], 1)
    high = [r for s, r in zip(scores, right) if s >= 0.8]
    ece = sum(n * abs(conf - acc) for conf, acc, n in bins(scores, right)) / max(len(scores), 1)
    out = {
        "split": split,
        "extractor": rev or "this checkout",
        "documents": len(docs),
        "gold figures": c["gold"],
        "figure F1": 2 * precision * recall / max(precision + recall, 1e-9),
        "default threshold": default,
        "ids given": c["given"],
        "id precision": c["right"] / max(c["given"], 1),
        "id accuracy": c["right"] / max(c["gold_ids"], 1),
        "claims": len(scores),
        "AUC": auc(scores, right),
        "precision at >=0.8": sum(high) / len(high) if high else float("nan"),
        "claims at >=0.8": len(high),
        "ECE": ece,
        "period accuracy": c["period"] / c["scoped"] if c["scoped"] else float("nan"),
        "scope accuracy": c["scope"] / c["scoped"] if c["scoped"] else float("nan"),
    }
    return out, scores, right


def plot(path: Path, curves: dict[str, tuple[list[float], list[bool]]]) -> None:
    """A reliability plot: the share of right claims against their confidence, per tenth, for each extractor."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=120)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfectly calibrated")
    for label, (scores, right) in curves.items():
        pts = bins(scores, right)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
        for conf, acc, n in pts:
            ax.annotate(str(n), (conf, acc), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence of the claim")
    ax.set_ylabel("share of claims that are right")
    ax.set_title("Reliability of the id confidence (test split)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def main(argv: list[str] | None = None) -> int:
    """Print the scores of the split (and a before/after table with --compare)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["train", "calibration", "test"])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rev", help="score the extractor of this commit instead of the checkout's")
    parser.add_argument("--compare", help="also score this commit's extractor and print both side by side")
    parser.add_argument("--plot", type=Path, help="write a reliability plot (PNG)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    result, scores, right = score(args.split, args.corpus, args.rev)
    results, curves = [result], {result["extractor"]: (scores, right)}
    if args.compare:
        before, b_scores, b_right = score(args.split, args.corpus, args.compare)
        results.insert(0, before)
        curves = {f"rules ({args.compare})": (b_scores, b_right), "fitted model": (scores, right)}
    if args.plot:
        plot(args.plot, curves)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    keys = [k for k in result if k not in ("split",)]
    width = max(len(k) for k in keys)
    for key in keys:
        cells = [r[key] for r in results]
        text = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in cells]
        print(f"{key:<{width}}  " + "  ".join(f"{t:>14}" for t in text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
