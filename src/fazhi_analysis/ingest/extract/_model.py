"""The fitted mapping: gradient-boosted trees over a candidate's features, calibrated, applied with numpy.

``model.json`` beside this module is written by ``make model`` (``scripts/build_model.py``) from the
labelled corpus (``data/corpus/``): the feature names and the trees of a gradient-boosting classifier
(scikit-learn's ``HistGradientBoostingClassifier``) fitted on the train split, as flat arrays (each node's
feature, threshold, children and value), a Platt calibration fitted on the calibration split (tabulated),
and the default threshold: the lowest confidence at which the calibration split's claims are right 95 % of
the time. scikit-learn fits it; nothing here imports it.

A candidate's score is the sum of its leaves' values; what each feature contributed is read off its path
(the change of value at each split the feature decides), so that a reason names the features that decided.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["MODEL_FILE", "Model", "from_data", "load", "reason_for"]


MODEL_FILE = Path(__file__).with_name("model.json")

# How a feature is said in a reason (``abstain:subset(其中)``, ``alias+noun+section``).
_SAID = {
    "alias_in_clause": "alias",
    "alias_weight": "alias",
    "alias_adjacent": "alias",
    "alias_len": "alias",
    "rule_score": "alias",
    "noun_agree": "noun",
    "noun_other": "noun",
    "section_match": "section",
    "section_other": "section",
    "best_rule": "best",
    "rule_margin": "margin",
    "context_missing": "context",
}


@dataclass(frozen=True)
class Model:
    """Fitted trees (flat arrays), their calibration and the default threshold."""

    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray  # the root node of each tree
    feature: np.ndarray  # per node: the feature it splits on (-1 for a leaf)
    split: np.ndarray  # per node: go left when the feature's value is <= this
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # per node: the tree's value there (a leaf's is what it adds)
    depth: int
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    threshold: float
    inputs: str  # digest of what it was built from (scripts/build_model.py)

    def matrix(self, features: list[dict[str, float]]) -> np.ndarray:
        """The feature dicts as a matrix (columns in ``self.features`` order; unknown names ignored)."""
        index = self._index
        x = np.zeros((len(features), len(self.features)))
        for i, row in enumerate(features):
            for name, value in row.items():
                j = index.get(name)
                if j is not None:
                    x[i, j] = value
        return x

    def _walk(self, x: np.ndarray, contrib: np.ndarray | None = None) -> np.ndarray:
        """The leaf each row reaches in each tree (rows × trees); adds each split's change of value to ``contrib``."""
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            feat = self.feature[node]
            inner = feat >= 0
            if not inner.any():
                break
            go_left = x[rows, np.where(inner, feat, 0)] <= self.split[node]
            child = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
            if contrib is not None:
                change = np.where(inner, self.value[child] - self.value[node], 0.0)
                np.add.at(contrib, (np.broadcast_to(rows, node.shape)[inner], feat[inner]), change[inner])
            node = child
        return node

    def raw(self, features: list[dict[str, float]]) -> np.ndarray:
        """The model's uncalibrated probability for each feature dict."""
        if not features:
            return np.zeros(0)
        leaves = self._walk(self.matrix(features))
        z = self.baseline + self.value[leaves].sum(axis=1)
        return 1 / (1 + np.exp(-z))

    def calibrated(self, p: float) -> float:
        """A raw probability as a calibrated confidence (the Platt map of the calibration split, tabulated)."""
        return float(np.interp(p, self.calibration_x, self.calibration_y))

    def contributions(self, rows: list[dict[str, float]]) -> list[list[tuple[str, float]]]:
        """What each feature added to each row's score along its paths, largest in size first (one walk for all)."""
        if not rows:
            return []
        contrib = np.zeros((len(rows), len(self.features)))
        self._walk(self.matrix(rows), contrib)
        out = []
        for k in range(len(rows)):
            parts = [(self.features[j], float(contrib[k, j])) for j in np.flatnonzero(contrib[k])]
            out.append(sorted(parts, key=lambda nv: -abs(nv[1])))
        return out

    @property
    def _index(self) -> dict[str, int]:
        return _feature_index(self.features)


@cache
def _feature_index(names: tuple[str, ...]) -> dict[str, int]:
    return {name: j for j, name in enumerate(names)}


@cache
def load(path: Path = MODEL_FILE) -> Model:
    """The model of ``path`` (the bundled ``model.json``), read once."""
    return from_data(json.loads(path.read_text(encoding="utf-8")))


def from_data(data: dict) -> Model:
    """A model from the data of a model file (see scripts/build_model.py)."""
    trees = data["trees"]
    return Model(
        tuple(data["features"]),
        float(data["baseline"]),
        np.asarray(trees["roots"], dtype=np.int64),
        np.asarray(trees["feature"], dtype=np.int64),
        np.asarray(trees["split"], dtype=float),
        np.asarray(trees["left"], dtype=np.int64),
        np.asarray(trees["right"], dtype=np.int64),
        np.asarray(trees["value"], dtype=float),
        int(trees["depth"]),
        np.asarray(data["calibration"]["x"], dtype=float),
        np.asarray(data["calibration"]["y"], dtype=float),
        float(data["threshold"]),
        str(data["inputs"]),
    )


def _said(feature: str) -> str:
    """How a feature is named in a reason: ``ruled_subset`` → ``subset``, ``noun_agree`` → ``noun``."""
    if feature.startswith(("ruled_", "has_")):
        return feature.split("_", 1)[1]
    return _SAID.get(feature, feature)


def reason_for(parts: list[tuple[str, float]], words: dict[str, str], taken: bool) -> str:
    """Why a candidate was taken (its three strongest terms for it) or not (the strongest term against it).

    ``parts`` are the candidate's :meth:`Model.contributions`. Example: ``alias+section+noun``;
    ``abstain:subset(其中)``; ``abstain:weak`` when nothing spoke against it.
    """
    if taken:
        names = list(dict.fromkeys(_said(n) for n, v in parts if v > 0))[:3]
        return "+".join(names) or "alias"
    against = next(((n, v) for n, v in parts if v < -0.2 and _explains(n)), None)
    if against is None:
        return "abstain:weak"
    name, _ = against
    text = words.get(name) or words.get(name.replace("has_", "ruled_"), "")
    text = text if len(text) <= 8 else "…" + text[-7:]
    return f"abstain:{_said(name)}({text})" if text else f"abstain:{_said(name)}"


_EXPLAINING = (
    "not_noun",
    "exclude",
    "context_missing",
    "noun_other",
    "section_other",
    "no_alias",
    "pre_threshold",
    "after_de",
    "alias_shadowed",
)


def _explains(feature: str) -> bool:
    """Whether a feature says something a reader can check in the text (其中, a noun), not a weight of the alias."""
    return feature.startswith(("ruled_", "has_", "part_", "whole_", "id_")) or feature in _EXPLAINING


def _sigmoid(z: float) -> float:
    """The logistic function."""
    return 1 / (1 + math.exp(-z))
