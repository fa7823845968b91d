"""The fitted mapping: a logistic model over a candidate's features, calibrated, applied with numpy.

``model.json`` beside this module is written by ``make model`` (``scripts/build_model.py``) from the
labelled corpus (``data/corpus/``): the feature names, their weights and the intercept of a logistic
regression fitted on the train split, the breakpoints of an isotonic calibration fitted on the calibration
split, and the default threshold: the lowest confidence at which the calibration split's claims are right
95 % of the time. scikit-learn fits it; nothing here imports it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

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
    """A fitted logistic model, its calibration and its default threshold."""

    features: tuple[str, ...]
    weights: np.ndarray
    intercept: float
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    threshold: float
    inputs: str  # digest of what it was built from (scripts/build_model.py)

    def raw(self, features: list[dict[str, float]]) -> np.ndarray:
        """The model's uncalibrated probability for each feature dict."""
        if not features:
            return np.zeros(0)
        index = self._index
        x = np.zeros((len(features), len(self.features)))
        for i, row in enumerate(features):
            for name, value in row.items():
                j = index.get(name)
                if j is not None:
                    x[i, j] = value
        z = x @ self.weights + self.intercept
        return 1 / (1 + np.exp(-z))

    def calibrated(self, p: float) -> float:
        """A raw probability as a calibrated confidence (the isotonic map of the calibration split)."""
        return float(np.interp(p, self.calibration_x, self.calibration_y))

    def contributions(self, row: dict[str, float]) -> list[tuple[str, float]]:
        """Each feature's share of the score (weight × value), largest in size first."""
        index = self._index
        parts = [(name, float(self.weights[index[name]] * v)) for name, v in row.items() if name in index and v]
        return sorted(parts, key=lambda nv: -abs(nv[1]))

    @property
    def _index(self) -> dict[str, int]:
        return _feature_index(self.features)


@cache
def _feature_index(names: tuple[str, ...]) -> dict[str, int]:
    return {name: j for j, name in enumerate(names)}


@cache
def load(path: Path = MODEL_FILE) -> Model:
    """The model of ``path`` (the bundled ``model.json``), read once."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        tuple(data["features"]),
        np.asarray(data["weights"], dtype=float),
        float(data["intercept"]),
        np.asarray(data["calibration"]["x"], dtype=float),
        np.asarray(data["calibration"]["y"], dtype=float),
        float(data["threshold"]),
        str(data["inputs"]),
    )


def said(feature: str) -> str:
    """How a feature is named in a reason: ``ruled_subset`` → ``subset``, ``noun_agree`` → ``noun``."""
    if feature.startswith(("ruled_", "has_")):
        return feature.split("_", 1)[1]
    return _SAID.get(feature, feature)


def reason_for(model: Model, row: dict[str, float], words: dict[str, str], taken: bool) -> str:
    """Why a candidate was taken (its three strongest terms for it) or not (the strongest term against it).

    Example: ``alias+section+noun``; ``abstain:subset(其中)``; ``abstain:weak`` when nothing spoke against it.
    """
    parts = model.contributions(row)
    if taken:
        names = list(dict.fromkeys(said(n) for n, v in parts if v > 0))[:3]
        return "+".join(names) or "alias"
    against = next(((n, v) for n, v in parts if v < -0.3 and _explains(n)), None)
    if against is None:
        return "abstain:weak"
    name, _ = against
    text = words.get(name) or words.get(name.replace("has_", "ruled_"), "")
    text = text if len(text) <= 8 else "…" + text[-7:]
    return f"abstain:{said(name)}({text})" if text else f"abstain:{said(name)}"


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


def sigmoid(z: float) -> float:
    """The logistic function."""
    return 1 / (1 + math.exp(-z))
