"""Article context: a second stage that relabels each sentence from its neighbours.

A sentence alone often cannot show what it does in the story: an old bombing narrated in the
simple past reads like a fresh attack report; a three-word section heading reads like page
furniture. Within an article the evidence is there: the headline's label, the sentences
around it, its position, whether it starts a paragraph, and whether its years lie before the
article's latest year.

:class:`ArticleContextClassifier` stacks two scikit-learn estimators. The sentence model is
fitted on every training sentence; the context model is fitted on features built from the
sentence model's *out-of-fold* probabilities (articles kept whole in folds), so it learns
how much to trust them on text the sentence model has not seen. Single sentences (no
article) use the sentence model alone.
"""

import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_consistent_length

from research.features import all_caps

__all__ = [
    "ArticleContextClassifier",
    "check_sample_weight",
    "context_features",
    "paragraph_breaks",
]

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")
_TOKEN = re.compile(r"\w+")
_FINAL_STOP = (".", "!", "?", '"', "”", "'", "’", "…")
#: Neighbour offsets whose probabilities are features (0 is the sentence itself).
OFFSETS = (-2, -1, 1, 2)


def paragraph_breaks(text, spans):
    """For each span, whether a line break separates it from the span before (or text start)."""
    breaks, previous = [], 0
    for start, end in spans:
        breaks.append(previous == 0 or "\n" in text[previous:start])
        previous = end
    return breaks


def _sentence_columns(texts):
    """Columns of each sentence alone: token count, no final stop, upper case, and its
    earliest and latest year (NaN when it names none)."""
    rows, earliest, latest = [], [], []
    nan = float("nan")
    for text in texts:
        rows.append(
            (
                len(_TOKEN.findall(text)),
                not text.rstrip().endswith(_FINAL_STOP),
                text.isupper() and all_caps(text),
            )
        )  # isupper first: no letter scan
        years = [int(y) for y in _YEAR.findall(text)] if "1" in text or "2" in text else ()
        earliest.append(min(years) if years else nan)
        latest.append(max(years) if years else nan)
    columns = np.array(rows, dtype=float).reshape(len(rows), 3)
    return columns, np.array(earliest, dtype=float), np.array(latest, dtype=float)


def context_features(proba, sizes, texts, breaks):
    """Context features of the sentences of consecutive articles, one row per sentence.

    Columns: the sentence's probabilities; those of the sentences 2 and 1 before and 1 and
    2 after (zeros past the article's edges); the article's mean and maximum probabilities
    and its first sentence's; whether the sentence has a predecessor and a successor, its
    relative position, log article length, and the article's share of sentences whose years
    lie before its latest; then log(1 + tokens), no final stop, upper case, starts a line,
    the next sentence starts a line, names a year, its earliest year lies before the
    article's latest, and how far before (decades, capped at 3). Computed for all articles
    at once (per-article numpy calls cost more than the arithmetic).

    Parameters
    ----------
    proba : ndarray of shape (n_sentences, n_labels)
        Sentence-model probabilities, articles one after another.
    sizes : sequence of int
        Number of sentences of each article, in order (empty articles add no rows).
    texts : sequence of str
    breaks : sequence of bool
        Whether each sentence starts a line (see :func:`paragraph_breaks`).
    """
    proba = np.asarray(proba, dtype=float)
    sizes = np.asarray([s for s in sizes if s > 0], dtype=np.intp)
    total = len(proba)
    if total == 0:
        return np.zeros((0, 0))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    article = np.repeat(np.arange(len(sizes)), sizes)
    row = np.arange(total)
    position, length = row - starts[article], sizes[article]
    parts = [proba]
    for offset in OFFSETS:
        inside = (position + offset >= 0) & (position + offset < length)
        parts.append(np.where(inside[:, None], proba[np.clip(row + offset, 0, total - 1)], 0.0))
    columns, earliest, latest = _sentence_columns(texts)
    breaks = np.asarray(breaks, dtype=float)
    following = np.where(position < length - 1, breaks[np.clip(row + 1, 0, total - 1)], 1.0)
    with np.errstate(invalid="ignore"):  # articles without years: NaN stays NaN
        gap = np.fmax.reduceat(latest, starts)[article] - earliest
    named = ~np.isnan(earliest)
    before = named & (np.nan_to_num(gap) > 0)
    shape = np.column_stack(
        [
            np.log1p(columns[:, 0]),
            columns[:, 1],
            columns[:, 2],
            breaks,
            following,
            named,
            before,
            np.where(named, np.minimum(np.nan_to_num(gap) / 10, 3.0), 0.0),
        ]
    )
    parts += [
        (np.add.reduceat(proba, starts, axis=0) / sizes[:, None])[article],
        np.maximum.reduceat(proba, starts, axis=0)[article],
        proba[starts][article],
        np.column_stack(
            [
                position > 0,
                position < length - 1,
                position / np.maximum(length - 1, 1),
                np.log(length),
                (np.add.reduceat(before.astype(float), starts) / sizes)[article],
            ]
        ),
        shape,
    ]
    return np.hstack(parts)


def _sizes(groups):
    """Lengths of runs of equal consecutive group ids."""
    sizes, previous = [], object()
    for group in groups:
        if group != previous:
            sizes.append(0)
            previous = group
        sizes[-1] += 1
    return sizes


class ArticleContextClassifier(ClassifierMixin, BaseEstimator):
    """A sentence classifier plus a context stage for sentences inside articles.

    Parameters
    ----------
    sentence_model : estimator
        Maps raw sentence strings to labels, with ``predict_proba``.
    context_model : estimator
        Fitted on :func:`context_features` of out-of-fold sentence probabilities.
    n_folds : int
        Folds (whole articles) for the out-of-fold probabilities.
    """

    def __init__(self, sentence_model, context_model, n_folds=5):
        self.sentence_model = sentence_model
        self.context_model = context_model
        self.n_folds = n_folds

    def fit(self, X, y, groups=None, breaks=None, sample_weight=None):
        """Fit both stages.

        Parameters
        ----------
        X : sequence of str
            Sentences, each article's sentences consecutive and in order.
        y : sequence of str
        groups : sequence, optional
            Article id of each sentence; without it every sentence is its own article.
        breaks : sequence of bool, optional
            Whether each sentence starts a line; without it only article starts do.
        sample_weight : array-like of shape (n_sentences,), optional
            Weight of each sentence in both stages' classifiers, whose ``fit`` must take
            ``sample_weight`` (the feature steps are unsupervised and see every sentence
            once); without it every weight is 1. A pipeline's last step gets it by name, so
            scikit-learn's metadata routing must be off (its default).
        """
        X, y = list(X), np.asarray(y, dtype=object)
        weights = check_sample_weight(sample_weight, X, y)
        groups = list(range(len(X))) if groups is None else list(groups)
        sizes = _sizes(groups)
        breaks = _default_breaks(sizes) if breaks is None else list(breaks)
        head, final_for, join = self._split_model()
        # Unsupervised feature steps (vocabulary, idf) are fitted once on all sentences; only
        # the classifier is refitted per fold. No label crosses folds, and it is 3x faster.
        rows = head.fit_transform(X) if head is not None else X
        final = final_for(head)
        folds = list(GroupKFold(n_splits=self.n_folds).split(X, y, groups))
        fitted = [
            _fit_final(final, rows, y, train, weights)
            for train in [np.arange(len(X)), *(train for train, _ in folds)]
        ]
        self.sentence_model_ = join(head, fitted[0])
        self.classes_ = self.sentence_model_.classes_
        oof = np.zeros((len(X), len(self.classes_)))
        for fold, (_, test) in zip(fitted[1:], folds, strict=True):
            columns = np.searchsorted(self.classes_, fold.classes_)
            oof[np.ix_(test, columns)] = fold.predict_proba(_take(rows, test))
        features = context_features(oof, sizes, X, breaks)
        weighted = _weight_params(self.context_model, weights)
        self.context_model_ = clone(self.context_model).fit(features, y, **weighted)
        return self

    def _split_model(self):
        """(unfitted feature steps or None, function giving the classifier to refit per fold
        from the fitted steps, function joining fitted steps and classifier into one model).

        A sentence model may say how it splits through a ``split_stages()`` method returning
        those three (:class:`research.word_vectors.WordVectorSmoothedClassifier` does).
        """
        model = self.sentence_model
        if hasattr(model, "split_stages"):
            return model.split_stages()
        if isinstance(model, Pipeline) and len(model.steps) > 1:
            name, last = model.steps[-1]
            return (
                clone(Pipeline(model.steps[:-1])),
                lambda head: last,
                lambda head, clf: Pipeline([*head.steps, (name, clf)]),
            )
        return None, lambda head: model, lambda head, clf: clf

    def predict_proba(self, X):
        """Probabilities of sentences taken one by one (the sentence model)."""
        return self.sentence_model_.predict_proba(list(X))

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def predict_proba_articles(self, X, sizes, breaks=None):
        """Probabilities of sentences read in their articles.

        Parameters
        ----------
        X : sequence of str
            Sentences of consecutive articles.
        sizes : sequence of int
            Sentences per article.
        breaks : sequence of bool, optional
        """
        X = list(X)
        breaks = _default_breaks(sizes) if breaks is None else list(breaks)
        proba = self.sentence_model_.predict_proba(X)
        features = context_features(proba, sizes, X, breaks)
        return self.context_model_.predict_proba(features)


def check_sample_weight(sample_weight, X, y):
    """``sample_weight`` as a float array of one weight per sentence, or None."""
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=float)
    if weights.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D, got shape {weights.shape}")
    check_consistent_length(X, y, weights)
    return weights


def _fit_final(model, rows, y, index, weights=None):
    weighted = _weight_params(model, None if weights is None else weights[index])
    return clone(model).fit(_take(rows, index), y[index], **weighted)


def _weight_params(model, weights):
    """Fit keyword arguments passing ``weights`` to ``model``'s classifier (a pipeline's last
    step takes them by its step name); none without weights."""
    if weights is None:
        return {}
    if isinstance(model, Pipeline):
        return {f"{model.steps[-1][0]}__sample_weight": weights}
    return {"sample_weight": weights}


def _take(rows, index):
    return [rows[i] for i in index] if isinstance(rows, list) else rows[index]


def _default_breaks(sizes):
    return [i == 0 for size in sizes for i in range(size)]
