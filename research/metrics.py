"""Scores with confidence intervals.

Sentences of one article are not independent, so confidence intervals come from a
cluster bootstrap: whole articles (groups) are resampled, not single sentences. Per-group
counts of true positives, false positives and false negatives are summed under bootstrap
weights, which makes 1,000 resamples cost milliseconds.
"""

import logging
import warnings

import numpy as np

from research.labels import ARTICLE_LABELS

__all__ = [
    "article_scores",
    "calibration_scores",
    "expected_calibration_error",
    "paired_bootstrap",
    "reliability_table",
    "sentence_scores",
]

log = logging.getLogger(__name__)


def _f1(tp, fp, fn):
    denom = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), 0.0)


def _ratio(num, denom):
    return np.where(denom > 0, num / np.where(denom > 0, denom, 1), 0.0)


def _group_counts(y_true, y_pred, groups, labels):
    """Per-group (G x L) true positive, false positive and false negative counts."""
    group_ids, g = np.unique(np.asarray(groups, dtype=object), return_inverse=True)
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    counts = np.zeros((3, len(group_ids), len(labels)))
    for j, label in enumerate(labels):
        t, p = y_true == label, y_pred == label
        np.add.at(counts[0, :, j], g, t & p)
        np.add.at(counts[1, :, j], g, ~t & p)
        np.add.at(counts[2, :, j], g, t & ~p)
    return counts


def _bootstrap_weights(n_groups, n_samples, seed):
    """(B x G) counts of how often each group is drawn in each resample."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_groups, size=(n_samples, n_groups))
    weights = np.zeros((n_samples, n_groups))
    np.add.at(weights, (np.arange(n_samples)[:, None], draws), 1)
    return weights


def _summaries(counts, weights):
    """Per-label F1, macro F1 and micro F1 for each weighting (row of ``weights``)."""
    tp, fp, fn = (weights @ counts[k] for k in range(3))
    f1 = _f1(tp, fp, fn)
    micro = _f1(tp.sum(-1), fp.sum(-1), fn.sum(-1))
    return f1, f1.mean(-1), micro


def _interval(samples, confidence):
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail], axis=0)
    return low, high


def _round(x):
    return float(round(float(x), 6))


def sentence_scores(y_true, y_pred, groups, *, labels, n_bootstrap=1000, confidence=0.95, seed=0):
    """Score single-label predictions.

    Parameters
    ----------
    y_true, y_pred : sequence of str
    groups : sequence of str
        The article of each example; the bootstrap resamples whole groups.
    labels : sequence of str
        The label set of the task. Macro-F1 averages over those present in ``y_true`` or
        ``y_pred`` (as scikit-learn does); a label without gold examples is reported with
        support 0 and a warning.

    Returns
    -------
    dict
        ``accuracy``, ``macro_f1``, ``micro_f1``, ``per_label`` (precision, recall, f1,
        support, f1 interval), ``confusion`` and ``ci`` (bootstrap intervals).
    """
    present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
    missing = [lab for lab in labels if lab not in set(y_true)]
    if missing:
        warnings.warn(
            f"no gold examples for {', '.join(missing)}: their F1 is reported as 0 with support 0",
            stacklevel=2,
        )
    counts = _group_counts(y_true, y_pred, groups, present)
    f1, macro, micro = _summaries(counts, np.ones((1, counts.shape[1])))
    tp, fp, fn = counts.sum(axis=1)
    result = {
        "n": len(y_true),
        "n_groups": int(counts.shape[1]),
        "accuracy": _round(micro[0]),
        "macro_f1": _round(macro[0]),
        "micro_f1": _round(micro[0]),
        "per_label": {},
        "confusion": _confusion(y_true, y_pred, labels),
        "ci": {},
    }
    f1_low = f1_high = np.full(len(present), np.nan)
    if n_bootstrap:
        bf1, bmacro, bmicro = _summaries(
            counts, _bootstrap_weights(counts.shape[1], n_bootstrap, seed)
        )
        f1_low, f1_high = _interval(bf1, confidence)
        for name, samples in (("macro_f1", bmacro), ("micro_f1", bmicro), ("accuracy", bmicro)):
            low, high = _interval(samples, confidence)
            result["ci"][name] = [_round(low), _round(high)]
        result["ci"]["confidence"] = confidence
        result["ci"]["n_bootstrap"] = n_bootstrap
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    for label in labels:
        j = present.index(label) if label in present else None
        row = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0, "f1_ci": None}
        if j is not None:
            row = {
                "precision": _round(precision[j]),
                "recall": _round(recall[j]),
                "f1": _round(f1[0, j]),
                "support": int(tp[j] + fn[j]),
                "f1_ci": None,
            }
            if n_bootstrap:
                row["f1_ci"] = [_round(f1_low[j]), _round(f1_high[j])]
        result["per_label"][label] = row
    return result


def _confusion(y_true, y_pred, labels):
    index = {lab: i for i, lab in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        if t in index and p in index:
            matrix[index[t], index[p]] += 1
    return {"labels": list(labels), "matrix": matrix.tolist()}


def article_scores(
    true_sets, pred_sets, *, labels=ARTICLE_LABELS, n_bootstrap=1000, confidence=0.95, seed=0
):
    """Score article label sets (multi-label): micro/macro F1 over labels and exact match."""
    labels = list(labels)
    truth = np.array([[lab in s for lab in labels] for s in true_sets], dtype=float)
    pred = np.array([[lab in s for lab in labels] for s in pred_sets], dtype=float)
    truth, pred = truth.reshape(-1, len(labels)), pred.reshape(-1, len(labels))
    counts = np.stack([truth * pred, (1 - truth) * pred, truth * (1 - pred)])  # 3 x A x L
    exact = (truth == pred).all(axis=1).astype(float)
    f1, macro, micro = _summaries(counts, np.ones((1, len(truth))))
    result = {
        "n_articles": len(truth),
        "micro_f1": _round(micro[0]),
        "macro_f1": _round(macro[0]),
        "exact_match": _round(exact.mean() if len(exact) else 0.0),
        "per_label_f1": {lab: _round(f1[0, j]) for j, lab in enumerate(labels)},
        "ci": {},
    }
    if n_bootstrap and len(truth):
        weights = _bootstrap_weights(len(truth), n_bootstrap, seed)
        _, bmacro, bmicro = _summaries(counts, weights)
        bexact = weights @ exact / len(truth)
        for name, samples in (("micro_f1", bmicro), ("macro_f1", bmacro), ("exact_match", bexact)):
            low, high = _interval(samples, confidence)
            result["ci"][name] = [_round(low), _round(high)]
    return result


def paired_bootstrap(y_true, pred_a, pred_b, groups, *, labels, n_bootstrap=1000, seed=0):
    """Compare two systems on the same examples by a paired cluster bootstrap of macro-F1.

    Returns
    -------
    dict
        ``delta`` (macro-F1 of ``a`` minus ``b``), its 95% interval, and a two-sided
        ``p_value``: how often the resampled difference falls on the other side of zero.
    """
    present = [lab for lab in labels if lab in set(y_true) | set(pred_a) | set(pred_b)]
    count_a = _group_counts(y_true, pred_a, groups, present)
    count_b = _group_counts(y_true, pred_b, groups, present)
    weights = _bootstrap_weights(count_a.shape[1], n_bootstrap, seed)
    delta = _summaries(count_a, weights)[1] - _summaries(count_b, weights)[1]
    observed = (
        _summaries(count_a, np.ones((1, count_a.shape[1])))[1]
        - _summaries(count_b, np.ones((1, count_b.shape[1])))[1]
    )[0]
    low, high = _interval(delta, 0.95)
    p_value = min(1.0, 2 * min((delta <= 0).mean(), (delta >= 0).mean()))
    return {
        "delta": _round(observed),
        "ci": [_round(low), _round(high)],
        "p_value": _round(p_value),
        "n_bootstrap": n_bootstrap,
    }


def _top_label_bins(y_true, proba, classes, n_bins):
    """Per non-empty bin of top probability: (bin index, count, mean confidence, accuracy)."""
    proba = np.asarray(proba, dtype=float)
    confidence = proba.max(axis=1)
    correct = np.asarray(classes, dtype=object)[proba.argmax(axis=1)] == np.asarray(
        y_true, dtype=object
    )
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    return [
        (int(b), int((bins == b).sum()), confidence[bins == b].mean(), correct[bins == b].mean())
        for b in np.unique(bins)
    ]


def expected_calibration_error(y_true, proba, classes, n_bins=15):
    """Top-label expected calibration error: how far confidence is from accuracy.

    Predictions are binned by their top probability into ``n_bins`` equal-width bins; ECE is
    the example-weighted mean of ``|accuracy - mean confidence|`` over the bins (0 is
    perfectly calibrated).
    """
    if len(proba) == 0:
        return 0.0
    bins = _top_label_bins(y_true, proba, classes, n_bins)
    return _round(sum(n * abs(acc - conf) for _, n, conf, acc in bins) / len(proba))


def reliability_table(y_true, proba, classes, n_bins=15):
    """The bins behind :func:`expected_calibration_error`, for a reliability diagram.

    Returns
    -------
    list of dict
        One per non-empty bin: ``low`` and ``high`` (its top-probability range), ``n``,
        ``confidence`` (mean top probability) and ``accuracy``.
    """
    if len(proba) == 0:
        return []
    return [
        {
            "low": round(b / n_bins, 4),
            "high": round((b + 1) / n_bins, 4),
            "n": n,
            "confidence": _round(conf),
            "accuracy": _round(acc),
        }
        for b, n, conf, acc in _top_label_bins(y_true, proba, classes, n_bins)
    ]


def calibration_scores(y_true, proba, classes):
    """``ece`` and its ``reliability`` table (:func:`reliability_table`) for one split."""
    return {
        "ece": expected_calibration_error(y_true, proba, classes),
        "reliability": reliability_table(y_true, proba, classes),
    }
