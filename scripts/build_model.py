"""Build the extractor's fitted mapping (``src/fazhi_analysis/ingest/extract/model.json``) from the corpus.

Usage::

    python scripts/build_model.py splits      # write data/corpus/splits.csv (deterministic, by document)
    python scripts/build_model.py build       # fit on train, calibrate on calibration → model.json
    python scripts/build_model.py check       # rebuild in memory, exit 1 if model.json differs

``make model`` runs ``splits`` and ``build``. The split is by document: each (writer prefix a–e, kind)
stratum, ordered by the SHA-256 of the document names, gives its first 60 % to train, the next 20 % to
calibration and the rest to test. Nothing here reads the test split.

The model: for every figure the extractor finds in a train document, each candidate id it proposes is one
example (features: ``_candidates``, ``_figure_features``), labelled 1 when it is the gold id. A logistic
regression (scikit-learn, ``C`` chosen by cross-validation over train documents) gives each candidate a
probability; the best candidate's probability is calibrated on the calibration split by isotonic
regression (the event: the best candidate is the gold id). The default threshold is the lowest calibrated
confidence at which the calibration split's claims are right at least 95 % of the time. Figures that are
not a level (ranks, changes) or not a full-year figure of the body's own take no id whatever the model
says, and are left out of fitting.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
MODEL = ROOT / "src" / "fazhi_analysis" / "ingest" / "extract" / "model.json"
SPLITS = ("train", "calibration", "test")
TARGET_PRECISION = 0.95
C_GRID = (0.1, 0.3, 1.0, 3.0)


def splits(corpus: Path = CORPUS) -> dict[str, str]:
    """document → split, deterministic: by (writer prefix, kind) stratum and the SHA-256 of the name."""
    strata: dict[tuple[str, str], list[str]] = {}
    for doc in sorted((corpus / "docs").glob("*.txt")):
        writer, kind = doc.name[0], doc.stem.split("_", 1)[1]
        strata.setdefault((writer, kind), []).append(doc.name)
    out = {}
    for names in strata.values():
        names.sort(key=lambda n: hashlib.sha256(n.encode()).hexdigest())
        for k, name in enumerate(names):
            position = (k + 0.5) / len(names)
            out[name] = "train" if position < 0.6 else "calibration" if position < 0.8 else "test"
    return dict(sorted(out.items()))


def write_splits(corpus: Path = CORPUS) -> Path:
    """Write ``splits.csv`` (document, writer, kind, split)."""
    path = corpus / "splits.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["document", "writer", "kind", "split"])
        for name, split in splits(corpus).items():
            writer.writerow([name, name[0], name.split("_", 1)[1].removesuffix(".txt"), split])
    return path


def read_splits(corpus: Path = CORPUS) -> dict[str, str]:
    """document → split, as ``splits.csv`` records it."""
    with (corpus / "splits.csv").open(encoding="utf-8", newline="") as f:
        return {row["document"]: row["split"] for row in csv.DictReader(f)}


def gold(corpus: Path, document: str) -> list[dict] | None:
    """The settled mentions of a document (``gold/``), each with ``offset``; None when it has none yet."""
    path = corpus / "gold" / Path(document).with_suffix(".json").name
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["mentions"]


def documents(split: str, corpus: Path = CORPUS) -> list[tuple[str, str, list[dict]]]:
    """(name, text, gold mentions) of every document of a split that has gold."""
    out = []
    for name, where in read_splits(corpus).items():
        mentions = gold(corpus, name) if where == split else None
        if mentions is not None:
            out.append((name, (corpus / "docs" / name).read_text(encoding="utf-8"), mentions))
    return out


def aligned(mentions: list[dict], start: int, end: int) -> dict | None:
    """The gold mention whose span overlaps ``start:end`` (the first), or None."""
    for m in mentions:
        lo = m["offset"]
        if lo < end and lo + len(m["raw"]) > start:
            return m
    return None


def examples(split: str, corpus: Path = CORPUS) -> list[dict]:
    """Every decidable figure of a split: its candidates' features and ids, and the gold id."""
    from fazhi_analysis.ingest.extract import analyse

    out = []
    for name, text, mentions in documents(split, corpus):
        for figure in analyse(text):
            mention = aligned(mentions, figure.row["start"], figure.row["end"])
            if figure.not_a_level or figure.where.why or not figure.candidates:
                continue
            out.append(
                {
                    "document": name,
                    "gold": mention["indicator"] if mention else None,
                    "ids": [c.indicator.id for c in figure.candidates],
                    "features": [c.features for c in figure.candidates],
                }
            )
    return out


def _matrix(rows: list[dict], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrix, labels and document groups of the candidates of ``rows``."""
    index = {n: j for j, n in enumerate(names)}
    xs, ys, groups = [], [], []
    for row in rows:
        for ind, feats in zip(row["ids"], row["features"]):
            x = np.zeros(len(names))
            for name, value in feats.items():
                if name in index:
                    x[index[name]] = value
            xs.append(x)
            ys.append(int(ind == row["gold"]))
            groups.append(row["document"])
    return np.array(xs), np.array(ys), np.array(groups)


def _best(rows: list[dict], weights: np.ndarray, intercept: float, names: list[str]) -> list[tuple[float, bool]]:
    """(raw probability of the best candidate, whether it is the gold id) of each figure."""
    index = {n: j for j, n in enumerate(names)}
    out = []
    for row in rows:
        zs = [intercept + sum(weights[index[n]] * v for n, v in f.items() if n in index) for f in row["features"]]
        order = sorted(range(len(zs)), key=lambda j: (-zs[j], row["ids"][j]))
        best = order[0]
        out.append((1 / (1 + np.exp(-zs[best])), row["ids"][best] == row["gold"]))
    return out


def fit(train: list[dict]) -> tuple[list[str], np.ndarray, float, float]:
    """Feature names, weights, intercept and the C chosen, fitted on the train figures."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    names = sorted({name for row in train for feats in row["features"] for name in feats})
    x, y, groups = _matrix(train, names)

    def model(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, max_iter=5000, solver="lbfgs")

    losses = {}
    for c in C_GRID:
        loss = 0.0
        for fit_idx, held in GroupKFold(n_splits=5).split(x, y, groups):
            p = model(c).fit(x[fit_idx], y[fit_idx]).predict_proba(x[held])[:, 1].clip(1e-6, 1 - 1e-6)
            loss -= float(np.sum(y[held] * np.log(p) + (1 - y[held]) * np.log(1 - p)))
        losses[c] = loss
    best_c = min(C_GRID, key=lambda c: (losses[c], c))
    final = model(best_c).fit(x, y)
    return names, final.coef_[0], float(final.intercept_[0]), best_c


def calibrate(points: list[tuple[float, bool]]) -> tuple[list[float], list[float]]:
    """Breakpoints of the isotonic map from the best candidate's raw probability to how often it is right."""
    from sklearn.isotonic import IsotonicRegression

    p = np.array([pt[0] for pt in points])
    right = np.array([float(pt[1]) for pt in points])
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, right)
    return [float(v) for v in iso.X_thresholds_], [float(v) for v in iso.y_thresholds_]


def threshold(confidences: list[float], right: list[bool], target: float = TARGET_PRECISION) -> float:
    """The lowest confidence at or above which the claims are right at least ``target`` of the time."""
    pairs = sorted(zip(confidences, right), key=lambda cr: -cr[0])
    best, hits = 1.0, 0
    for k, (conf, ok) in enumerate(pairs, start=1):
        hits += ok
        if hits / k >= target and (k == len(pairs) or pairs[k][0] < conf):
            best = conf
    return best


def build(corpus: Path = CORPUS) -> dict:
    """The model's data: features, weights, intercept, calibration, threshold and what it was built from."""
    train, held = examples("train", corpus), examples("calibration", corpus)
    names, weights, intercept, c = fit(train)
    xs, ys = calibrate(_best(held, weights, intercept, names))
    conf = [float(np.interp(p, xs, ys)) for p, _ in _best(held, weights, intercept, names)]
    right = [ok for _, ok in _best(held, weights, intercept, names)]
    return {
        "about": "fitted mapping of fazhi_analysis.ingest.extract; rebuilt by `make model` (scripts/build_model.py)",
        "model": "logistic regression (scikit-learn lbfgs), isotonic calibration",
        "C": c,
        "train_figures": len(train),
        "calibration_figures": len(held),
        "target_precision": TARGET_PRECISION,
        "threshold": round(threshold([round(v, 3) for v in conf], right), 3),
        "intercept": round(intercept, 6),
        "features": names,
        "weights": [round(float(w), 6) for w in weights],
        "calibration": {"x": [round(v, 6) for v in xs], "y": [round(v, 6) for v in ys]},
        "inputs": inputs_digest(corpus),
    }


def inputs_digest(corpus: Path = CORPUS) -> str:
    """SHA-256 of the corpus the model is fitted on: documents, gold labels and splits."""
    digest = hashlib.sha256()
    for path in sorted([*(corpus / "docs").glob("*.txt"), *(corpus / "gold").glob("*.json"), corpus / "splits.csv"]):
        digest.update(path.relative_to(corpus).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def dumps(model: dict) -> str:
    """The model file's text (stable key order, one feature a line)."""
    return json.dumps(model, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run one command: splits, build or check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["splits", "build", "check"])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    if args.command == "splits":
        print(write_splits(args.corpus))
        return 0
    text = dumps(build(args.corpus))
    if args.command == "check":
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'current' if same else 'out of date: run make model'}")
        return 0 if same else 1
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    model = json.loads(text)
    print(f"{args.out}: {len(model['features'])} features, C={model['C']}, threshold {model['threshold']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
