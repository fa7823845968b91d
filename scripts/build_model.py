"""Build the extractor's fitted mapping (``src/fazhi_analysis/ingest/extract/model.json``) from the corpus.

Usage::

    python scripts/build_model.py splits      # write data/corpus/splits.csv (deterministic, by document)
    python scripts/build_model.py build       # fit on train, calibrate on calibration → model.json
    python scripts/build_model.py check       # rebuild in memory, exit 1 if model.json differs

``make model`` runs ``splits`` and ``build``. The split is by document: each (writer prefix a–e, kind)
stratum, ordered by the SHA-256 of the document names, gives its first 60 % to train, the next 20 % to
calibration and the rest to test. Nothing here reads the test split.

The model: for every figure the extractor finds in a train document, each candidate id it proposes is one
example (features: ``_candidates``, ``_figure_features``), labelled 1 when it is the gold id. Gradient-boosted
trees (scikit-learn's ``HistGradientBoostingClassifier``, exported as flat arrays) give each candidate a
probability; a document is decoded as a whole (an id is one figure of a report: ``extract.choose``), and the
probability of the candidate each figure takes is calibrated on the calibration split by Platt scaling
(the event: that candidate is the gold id). The default threshold is the lowest calibrated
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
# The seed report (a real one, its figures checked by hand) is a train document too.
SEED = (
    ROOT / "data" / "raw" / "dabancheng_2024_report.txt",
    ROOT / "tests" / "fixtures" / "dabancheng_2024_report.mentions.json",
)
TARGET_PRECISION = 0.95
TREES, DEPTH = 200, 4  # boosting rounds and tree depth, fixed (logistic regression was weaker: README)


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
    if split == "train":
        text, mentions = (
            SEED[0].read_text(encoding="utf-8"),
            json.loads(SEED[1].read_text(encoding="utf-8"))["mentions"],
        )
        out.append((SEED[0].name, text, mentions))
    return out


def aligned(mentions: list[dict], start: int, end: int) -> dict | None:
    """The gold mention whose span overlaps ``start:end`` (the first), or None."""
    for m in mentions:
        lo = m["offset"]
        if lo < end and lo + len(m["raw"]) > start:
            return m
    return None


def examples(split: str, corpus: Path = CORPUS) -> list[dict]:
    """Every document of a split as the extractor reads it: its decidable figures and their gold ids."""
    from fazhi_analysis.ingest.extract import analyse

    out = []
    for name, text, mentions in documents(split, corpus):
        figures = [f for f in analyse(text) if f.decidable and f.candidates]
        golds = []
        for figure in figures:
            mention = aligned(mentions, figure.row["start"], figure.row["end"])
            golds.append(mention["indicator"] if mention else None)
        out.append({"document": name, "figures": figures, "gold": golds})
    return out


def _matrix(docs: list[dict], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature matrix, labels and document groups of every candidate of ``docs``."""
    index = {n: j for j, n in enumerate(names)}
    xs, ys, groups = [], [], []
    for doc in docs:
        for figure, gold_id in zip(doc["figures"], doc["gold"]):
            for cand in figure.candidates:
                x = np.zeros(len(names))
                for name, value in cand.features.items():
                    if name in index:
                        x[index[name]] = value
                xs.append(x)
                ys.append(int(cand.indicator.id == gold_id))
                groups.append(doc["document"])
    return np.array(xs), np.array(ys), np.array(groups)


def _best(docs: list[dict], model) -> list[tuple[float, bool]]:  # noqa: ANN001 (an extract._model.Model)
    """(raw probability, whether right) of the candidate each figure takes when its document is decoded."""
    from fazhi_analysis.ingest.extract import choose

    out = []
    for doc in docs:
        for figure, gold_id, (j, p) in zip(doc["figures"], doc["gold"], choose(doc["figures"], model)):
            if j is not None:
                out.append((p, figure.candidates[j].indicator.id == gold_id))
    return out


def fit(train: list[dict]) -> dict:
    """The trees fitted on the train figures, as the model file holds them (flat arrays, see extract._model)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    names = sorted({n for doc in train for f in doc["figures"] for c in f.candidates for n in c.features})
    x, y, _ = _matrix(train, names)
    clf = HistGradientBoostingClassifier(
        max_iter=TREES, learning_rate=0.1, max_depth=DEPTH, early_stopping=False, random_state=0
    ).fit(x, y)
    roots, feature, split, left, right, value = [], [], [], [], [], []
    for (predictor,) in clf._predictors:  # scikit-learn's fitted trees: one node array each
        nodes, offset = predictor.nodes, len(feature)
        roots.append(offset)
        for node in nodes:
            leaf = bool(node["is_leaf"])
            feature.append(-1 if leaf else int(node["feature_idx"]))
            split.append(0.0 if leaf else round(float(node["num_threshold"]), 9))
            left.append(offset if leaf else offset + int(node["left"]))
            right.append(offset if leaf else offset + int(node["right"]))
            value.append(round(float(node["value"]), 9))
    return {
        "features": names,
        "baseline": round(float(clf._baseline_prediction.ravel()[0]), 9),
        "trees": {
            "roots": roots,
            "depth": DEPTH,
            "feature": feature,
            "split": split,
            "left": left,
            "right": right,
            "value": value,
        },
    }


def calibrate(points: list[tuple[float, bool]], method: str = "platt") -> tuple[list[float], list[float]]:
    """Breakpoints of the map from the chosen candidate's raw probability to how often it is right.

    ``platt``: a logistic fit on the raw probability's log-odds (smooth, two parameters), tabulated on 201
    points; ``isotonic``: the steps of an isotonic regression.
    """
    p = np.array([pt[0] for pt in points]).clip(1e-6, 1 - 1e-6)
    right = np.array([float(pt[1]) for pt in points])
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, right)
        return [float(v) for v in iso.X_thresholds_], [float(v) for v in iso.y_thresholds_]
    from sklearn.linear_model import LogisticRegression

    logit = np.log(p / (1 - p)).reshape(-1, 1)
    platt = LogisticRegression(C=1e6, max_iter=5000).fit(logit, right)
    grid = np.linspace(0, 1, 201).clip(1e-6, 1 - 1e-6)
    ys = platt.predict_proba(np.log(grid / (1 - grid)).reshape(-1, 1))[:, 1]
    return [float(v) for v in np.linspace(0, 1, 201)], [float(v) for v in ys]


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
    """The model's data: features, trees, calibration, threshold and what it was built from."""
    from fazhi_analysis.ingest.extract import _model

    train, held = examples("train", corpus), examples("calibration", corpus)
    fitted = fit(train)
    identity = {"calibration": {"x": [0.0, 1.0], "y": [0.0, 1.0]}, "threshold": 0.0, "inputs": ""}
    points = _best(held, _model.from_data({**fitted, **identity}))
    xs, ys = calibrate(points)
    conf = [round(float(np.interp(p, xs, ys)), 3) for p, _ in points]
    return {
        "about": "fitted mapping of fazhi_analysis.ingest.extract; rebuilt by `make model` (scripts/build_model.py)",
        "model": f"gradient-boosted trees (scikit-learn HistGradientBoostingClassifier, {TREES} trees of depth "
        f"<= {DEPTH}), Platt calibration",
        "train_figures": sum(len(doc["figures"]) for doc in train),
        "calibration_claims": len(points),
        "target_precision": TARGET_PRECISION,
        "threshold": round(threshold(conf, [ok for _, ok in points]), 3),
        "calibration": {"x": [round(v, 6) for v in xs], "y": [round(v, 6) for v in ys]},
        "inputs": inputs_digest(corpus),
        "scikit_learn": sklearn_version(),
        **fitted,
    }


def inputs_digest(corpus: Path = CORPUS) -> str:
    """SHA-256 of everything the model is built from: the corpus (documents, gold labels, splits, the seed),
    the catalog and extraction rules the features read, the extractor's code and this script."""
    digest = hashlib.sha256()
    package = ROOT / "src" / "fazhi_analysis"
    paths = [*(corpus / "docs").glob("*.txt"), *(corpus / "gold").glob("*.json"), corpus / "splits.csv", *SEED]
    paths += [package / "table" / "catalog.yaml", package / "ingest" / "extract_rules.yaml", Path(__file__)]
    paths += (package / "ingest" / "extract").glob("*.py")
    for path in sorted(paths, key=lambda p: p.relative_to(ROOT).as_posix()):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def sklearn_version() -> str:
    """The scikit-learn the trees are fitted with: another release may fit them otherwise, bit for bit."""
    from sklearn import __version__

    return __version__


def dumps(model: dict) -> str:
    """The model file's text (stable key order; each array of the trees on one line)."""
    trees = model.get("trees", {})
    head = {k: v for k, v in model.items() if k != "trees"}
    text = json.dumps({**head, "trees": {k: f"@{k}@" for k in trees}}, ensure_ascii=False, indent=1)
    for key, values in trees.items():
        text = text.replace(f'"@{key}@"', json.dumps(values))
    return text + "\n"


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
    print(f"{args.out}: {len(model['features'])} features, threshold {model['threshold']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
