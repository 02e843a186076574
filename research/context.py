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

from research.features import _all_caps

__all__ = ["ArticleContextClassifier", "context_features", "paragraph_breaks"]

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


def _years(text):
    return [int(m.group(1)) for m in _YEAR.finditer(text)]


def _shape(texts, breaks):
    """Per-sentence shape columns: log tokens, no final stop, upper case, starts a line,
    next starts a line, has a year, its earliest year lies before the article's latest,
    and how far before (decades, capped at 3)."""
    n = len(texts)
    years = [_years(t) for t in texts]
    latest = max((y for ys in years for y in ys), default=None)
    rows = np.zeros((n, 8))
    for i, text in enumerate(texts):
        rows[i, 0] = np.log1p(len(_TOKEN.findall(text)))
        rows[i, 1] = not text.rstrip().endswith(_FINAL_STOP)
        rows[i, 2] = text.isupper() and _all_caps(text)  # isupper: no letter scan for most
        rows[i, 3] = breaks[i]
        rows[i, 4] = breaks[i + 1] if i + 1 < n else 1.0
        if years[i]:
            gap = latest - min(years[i])
            rows[i, 5] = 1.0
            rows[i, 6] = gap > 0
            rows[i, 7] = min(gap / 10, 3.0)
    return rows


def _article_block(proba, texts, breaks):
    """Context features of one article's sentences (rows) from their probabilities."""
    n, k = proba.shape
    padded = np.vstack([np.zeros((2, k)), proba, np.zeros((2, k))])
    parts = [proba]
    for offset in OFFSETS:
        parts.append(padded[2 + offset : 2 + offset + n])
    position = np.arange(n)
    shape = _shape(texts, breaks)
    parts += [
        np.broadcast_to(proba.mean(axis=0), (n, k)),
        np.broadcast_to(proba.max(axis=0), (n, k)),
        np.broadcast_to(proba[0], (n, k)),
        np.column_stack(
            [
                position > 0,
                position < n - 1,
                position / max(n - 1, 1),
                np.full(n, np.log(n)),
                np.broadcast_to(shape[:, 6].mean(), n),
            ]
        ),
        shape,
    ]
    return np.hstack(parts)


def context_features(proba, sizes, texts, breaks):
    """Stack the context features of consecutive articles.

    Parameters
    ----------
    proba : ndarray of shape (n_sentences, n_labels)
        Sentence-model probabilities, articles one after another.
    sizes : sequence of int
        Number of sentences of each article, in order.
    texts : sequence of str
    breaks : sequence of bool
        Whether each sentence starts a line (see :func:`paragraph_breaks`).
    """
    blocks, start = [], 0
    for size in sizes:
        stop = start + size
        blocks.append(_article_block(proba[start:stop], texts[start:stop], breaks[start:stop]))
        start = stop
    return np.vstack(blocks) if blocks else np.zeros((0, 0))


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

    def fit(self, X, y, groups=None, breaks=None):
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
        """
        X, y = list(X), np.asarray(y, dtype=object)
        groups = list(range(len(X))) if groups is None else list(groups)
        sizes = _sizes(groups)
        breaks = _default_breaks(sizes) if breaks is None else list(breaks)
        head, make_final = self._split_model()
        # Unsupervised feature steps (vocabulary, idf) are fitted once on all sentences; only
        # the classifier is refitted per fold. No label crosses folds, and it is 3x faster.
        rows = head.fit_transform(X) if head is not None else X
        self.sentence_model_ = make_final(head, clone(self._final()).fit(rows, y))
        self.classes_ = self.sentence_model_.classes_
        oof = np.zeros((len(X), len(self.classes_)))
        for train, test in GroupKFold(n_splits=self.n_folds).split(X, y, groups):
            fold = clone(self._final()).fit(_take(rows, train), y[train])
            columns = np.searchsorted(self.classes_, fold.classes_)
            oof[np.ix_(test, columns)] = fold.predict_proba(_take(rows, test))
        features = context_features(oof, sizes, X, breaks)
        self.context_model_ = clone(self.context_model).fit(features, y)
        return self

    def _split_model(self):
        """(unfitted feature steps or None, function joining fitted parts into one model)."""
        model = self.sentence_model
        if isinstance(model, Pipeline) and len(model.steps) > 1:
            head = clone(Pipeline(model.steps[:-1]))
            name = model.steps[-1][0]
            return head, lambda h, clf: Pipeline([*h.steps, (name, clf)])
        return None, lambda h, clf: clf

    def _final(self):
        model = self.sentence_model
        if isinstance(model, Pipeline) and len(model.steps) > 1:
            return model.steps[-1][1]
        return model

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


def _take(rows, index):
    return [rows[i] for i in index] if isinstance(rows, list) else rows[index]


def _default_breaks(sizes):
    return [i == 0 for size in sizes for i in range(size)]
