"""The decision: which candidate each figure of a document takes, how sure, and why.

The model (``_model``) rates every candidate; :func:`choose` decodes the document as a whole (an indicator is
one figure of a report) and :func:`decide` turns each figure's pick into its row: the id when the figure is a
full-year figure of the body's own and the calibrated confidence reaches the threshold, else no id and the
reason.
"""

from __future__ import annotations

import itertools

from fazhi_analysis.ingest.extract import _model
from fazhi_analysis.ingest.extract._analysis import Figure

__all__ = ["choose", "decide"]


def choose(figures: list[Figure], model: _model.Model) -> list[tuple[int | None, float]]:
    """The candidate each figure takes and its raw probability: the document decoded as a whole.

    An indicator is one figure of a report (the tidy table holds one value a region, year and indicator), so
    pairs of figure and candidate are taken best first, each figure and each id at most once; a figure whose
    candidates all went to figures rated higher keeps its best (and will be below the threshold or a conflict).
    """
    decided = [f.candidates if f.decidable else [] for f in figures]
    flat = model.raw([c.features for cands in decided for c in cands])  # one matrix for the document
    cuts = list(itertools.accumulate(len(cands) for cands in decided))
    raws = [flat[end - len(cands) : end] for cands, end in zip(decided, cuts)]
    pairs = sorted(
        ((p, i, j) for i, ps in enumerate(raws) for j, p in enumerate(ps)),
        key=lambda t: (-t[0], t[1], figures[t[1]].candidates[t[2]].indicator.id),
    )
    chosen: list[tuple[int | None, float]] = [(None, 0.0)] * len(figures)
    taken: set[str] = set()
    for p, i, j in pairs:
        ind = figures[i].candidates[j].indicator.id
        if chosen[i][0] is None and ind not in taken:
            chosen[i] = (j, float(p))
            taken.add(ind)
    return chosen


def decide(
    figure: Figure,
    pick: tuple[int | None, float],
    parts: list[tuple[str, float]] | None = None,
    min_confidence: float | None = None,
    top: int = 0,
) -> dict:
    """The row of a figure with its id, confidence and reason: its chosen candidate, when sure enough.

    ``parts`` are the chosen candidate's contributions (``Model.contributions``), which the reason names. With
    ``top`` > 0 the row also holds ``candidates``, the best ids the model weighed.
    """
    model = _model.load()
    threshold = model.threshold if min_confidence is None else min_confidence
    row = {**figure.row, "period": figure.where.period, "scope": figure.where.scope, "candidates": []}
    if figure.not_a_level:
        return {**row, "indicator": None, "confidence": 0.0, "reason": f"abstain:{figure.not_a_level}"}
    if top and figure.candidates:
        row["candidates"] = _top(figure, model, top)
    if figure.where.why:  # not a full-year figure of the body's own: no id, whatever the text says
        key, words = figure.where.why
        return {**row, "indicator": None, "confidence": 0.0, "reason": f"abstain:{key}({_short(words)})"}
    if not figure.candidates:
        return {**row, "indicator": None, "confidence": 0.0, "reason": "abstain:no_alias"}
    j, p = pick
    if j is None:  # its candidates went to figures the model rates higher: say what speaks against the best
        first = figure.candidates[0]
        reason = _model.reason_for(model.contributions([first.features])[0], first.words, False)
        reason = f"abstain:taken({first.indicator.id})" if reason == "abstain:weak" else reason
        return {**row, "indicator": None, "confidence": 0.0, "reason": reason}
    best = figure.candidates[j]
    parts = model.contributions([best.features])[0] if parts is None else parts
    confidence = round(model.calibrated(p), 3)
    if confidence < threshold:
        reason = _model.reason_for(parts, best.words, False)
        if reason == "abstain:weak":
            reason = f"abstain:low({_model.reason_for(parts, {}, True)})"
        return {**row, "indicator": None, "confidence": confidence, "reason": reason}
    reason = _model.reason_for(parts, best.words, True)
    return {
        **row,
        "indicator": best.indicator.id,
        "section": best.indicator.section,
        "confidence": confidence,
        "reason": reason,
    }


def _top(figure: Figure, model: _model.Model, top: int) -> list[tuple[str, float, str]]:
    """The ``top`` candidates of a figure by the model, best first: (id, confidence, reason)."""
    raw = model.raw([c.features for c in figure.candidates])
    order = sorted(range(len(raw)), key=lambda j: (-raw[j], figure.candidates[j].indicator.id))[:top]
    parts = model.contributions([figure.candidates[j].features for j in order])
    return [
        (
            figure.candidates[j].indicator.id,
            round(model.calibrated(raw[j]), 3),
            _model.reason_for(part, figure.candidates[j].words, True),
        )
        for j, part in zip(order, parts)
    ]


def _short(words: str) -> str:
    return words if len(words) <= 8 else "…" + words[-7:]
