"""Decisions chosen on a dev split: a temperature for the scores, per-label offsets for labels.

A model trained with one label mix predicts with its priors; on news with another mix a
rare label (``official_denial``) is over- or under-called. Adding a per-label offset to the
log-probabilities before the argmax is the multi-class form of a per-label threshold. The
offsets are chosen by coordinate ascent on macro-F1 over the corpus's own dev split (never on
an evaluation set), stored in the model's metadata, and applied by
:meth:`research.api.Model.decide`.

A model's probabilities are often too sharp or too flat. One temperature ``T``, fitted on the
same dev split by log-loss, rescales them (``softmax(log p / T)``; Guo et al., 2017): the
argmax is unchanged (so are the labels while no offsets are kept), but a score of 0.8 then
means about 80% correct. :meth:`research.api.Model.predict_proba` applies it when the
model's metadata has one; a model with an article-context stage has one per output.
"""

import logging
import math

import numpy as np
from scipy.optimize import minimize_scalar

__all__ = [
    "GRID",
    "OFFSETS",
    "TEMPERATURES",
    "choose_decision",
    "decision_problem",
    "fit_temperature",
    "tune_offsets",
    "with_temperature",
]

log = logging.getLogger(__name__)

#: Keys of a model's stored decision: one per output of a model with an article-context stage
#: (in articles, then sentences alone); models without one use the first.
TEMPERATURES = ("temperature", "sentence_temperature")
OFFSETS = ("log_offsets", "sentence_log_offsets")

#: Candidate offsets (natural-log units) tried for each label.
GRID = tuple(np.round(np.arange(-1.5, 1.51, 0.25), 2))


def _indices(y_true, labels):
    """Column index of each true label."""
    column = {label: j for j, label in enumerate(labels)}
    return np.array([column[y] for y in y_true], dtype=np.intp)


def _macro_f1(truth, scores, offsets):
    """Macro-F1 over all labels (0 for a label never true nor predicted), from indices.

    Counted with ``bincount``, not ``sklearn.metrics.f1_score``: the search calls this a
    few hundred times, and it is the same number (tested).
    """
    k = scores.shape[1]
    pred = (scores + offsets).argmax(axis=1)
    tp = np.bincount(truth[pred == truth], minlength=k)
    denominator = np.bincount(truth, minlength=k) + np.bincount(pred, minlength=k)
    f1 = np.divide(2 * tp, denominator, out=np.zeros(k), where=denominator > 0)
    return float(f1.mean())


def tune_offsets(y_true, proba, labels, *, grid=GRID, rounds=3, min_gain=0.005):
    """Choose per-label log-probability offsets that maximise macro-F1 on ``(y_true, proba)``.

    Parameters
    ----------
    y_true : sequence of str
    proba : ndarray of shape (n, len(labels))
    labels : sequence of str
        Column order of ``proba``.
    grid : sequence of float
    rounds : int
        Passes of coordinate ascent over the labels.
    min_gain : float
        Keep all offsets at zero unless macro-F1 rises by at least this much: a smaller gain
        on one dev split is noise, and offsets fitted to noise hurt other data.

    Returns
    -------
    dict
        ``log_offsets`` (label -> offset; the first label is fixed at 0, since only
        differences matter), ``macro_f1_before`` and ``macro_f1_after`` on the data given,
        and ``min_gain``.
    """
    labels = np.asarray(labels, dtype=object)
    truth = _indices(y_true, labels)
    scores = np.log(np.clip(np.asarray(proba, dtype=float), 1e-12, None))
    offsets = np.zeros(len(labels))
    before = best = _macro_f1(truth, scores, offsets)
    for _ in range(rounds):
        improved = False
        for j in range(1, len(labels)):
            for value in grid:
                trial = offsets.copy()
                trial[j] = value
                score = _macro_f1(truth, scores, trial)
                # Ties keep the offset nearer zero: move away from the model only for a gain.
                if score > best + 1e-9 or (
                    abs(score - best) <= 1e-9 and abs(value) < abs(offsets[j])
                ):
                    best, offsets, improved = score, trial, improved or score > best + 1e-9
        if not improved:
            break
    if best - before < min_gain:
        offsets, best = np.zeros(len(labels)), before
    return {
        "log_offsets": {str(k): float(v) for k, v in zip(labels, offsets, strict=True)},
        "macro_f1_before": round(float(before), 6),
        "macro_f1_after": round(float(best), 6),
        "min_gain": min_gain,
    }


def with_temperature(proba, temperature):
    """``softmax(log(proba) / temperature)``: scores made softer (T > 1) or sharper (T < 1)."""
    logits = np.log(np.clip(np.asarray(proba, dtype=float), 1e-12, None)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


def _log_loss(truth, proba, temperature):
    scaled = with_temperature(proba, temperature)
    return float(-np.log(np.clip(scaled[np.arange(len(truth)), truth], 1e-12, None)).mean())


def fit_temperature(y_true, proba, labels, *, bounds=(0.05, 20.0)):
    """The temperature that minimises the log-loss of ``proba`` on ``y_true``.

    Parameters
    ----------
    y_true : sequence of str
    proba : ndarray of shape (n, len(labels))
    labels : sequence of str
        Column order of ``proba``.
    bounds : tuple of (float, float)
        Search interval; searched on the log scale, where the loss is smooth.

    Returns
    -------
    dict
        ``temperature`` and the log-loss ``log_loss_before`` (T = 1) and ``log_loss_after``
        on the data given.
    """
    truth = _indices(y_true, labels)
    low, high = np.log(bounds)
    found = minimize_scalar(
        lambda log_t: _log_loss(truth, proba, np.exp(log_t)),
        bounds=(low, high),
        method="bounded",
        options={"xatol": 1e-4},
    )
    temperature = round(float(np.exp(found.x)), 4)
    if not 0.1 <= temperature <= 10:
        # A tiny dev split, or one predicted perfectly, drives T towards a search bound.
        log.warning(
            "temperature %.4g is extreme (outside 0.1-10): the decision split may be too "
            "small or too easy to calibrate on",
            temperature,
        )
    return {
        "temperature": temperature,
        "log_loss_before": round(_log_loss(truth, proba, 1.0), 6),
        "log_loss_after": round(_log_loss(truth, proba, temperature), 6),
    }


def choose_decision(
    y_true, proba, labels, *, temperature, offsets, min_gain=0.005, sentence_proba=None
):
    """A temperature (if ``temperature``), then offsets (if ``offsets``) on the scaled scores.

    Parameters
    ----------
    y_true, proba, labels
        As for :func:`tune_offsets`: the dev rows and the scores the model gives them.
    sentence_proba : ndarray, optional
        For a model with an article-context stage, its scores of the same rows taken one by
        one: that output gets its own temperature (``sentence_temperature``) and offsets
        (``sentence_log_offsets``), since the two stages are not equally sharp (the
        default: 1.16 in articles, 0.93 alone).

    Returns
    -------
    dict
        The keys of :func:`fit_temperature` and of :func:`tune_offsets` that were asked for;
        the model's metadata keeps it under ``decision``.
    """
    chosen = {}
    if temperature:
        chosen.update(fit_temperature(y_true, proba, labels))
        proba = with_temperature(proba, chosen["temperature"])
        if sentence_proba is not None:
            alone = fit_temperature(y_true, sentence_proba, labels)["temperature"]
            chosen["sentence_temperature"] = alone
            sentence_proba = with_temperature(sentence_proba, alone)
    if offsets:
        # Chosen on the scores the model will give, the temperature applied.
        chosen.update(tune_offsets(y_true, proba, labels, min_gain=min_gain))
        if sentence_proba is not None:  # the other output gets offsets of its own
            alone = tune_offsets(y_true, sentence_proba, labels, min_gain=min_gain)
            chosen["sentence_log_offsets"] = alone["log_offsets"]
    return chosen


def _finite(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def decision_problem(decision):
    """What is wrong with a model's stored ``decision`` (None when it can be applied).

    Metadata is not covered by the model file's checksum: a hand-edited temperature of 0 or
    -1 would give NaN scores or invert every label, so it is refused on load.
    """
    if decision is None:
        return None
    if not isinstance(decision, dict):
        return "'decision' must be an object"
    for key in TEMPERATURES:
        # The fit searches 0.05-20; far outside, scores underflow to NaN.
        if key in decision and not (_finite(decision[key]) and 0.01 <= decision[key] <= 100):
            return f"decision.{key} must be a number from 0.01 to 100, got {decision[key]!r:.40}"
    for key in OFFSETS:
        offsets = decision.get(key, {})
        if not (isinstance(offsets, dict) and all(_finite(v) for v in offsets.values())):
            return f"decision.{key} must map labels to numbers"
    return None
