"""The stable face for other tools: :func:`load_model` and what it returns."""

from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from research.context import paragraph_breaks
from research.decision import with_temperature
from research.labels import article_label_set
from research.modelio import load_estimator
from research.segment import segment

__all__ = ["PARALLEL_MIN_TEXTS", "ArticleLabels", "Model", "SentenceLabel", "load_model"]

#: Below this many texts a single process is faster than shipping the model to workers.
PARALLEL_MIN_TEXTS = 20_000


@dataclass(frozen=True)
class SentenceLabel:
    """One sentence of an article: offsets into the article text, label and scores."""

    start: int
    end: int
    text: str
    label: str
    scores: dict = field(default_factory=dict)

    def to_dict(self):
        """The sentence as a JSON-ready dict (keys start, end, text, label, scores)."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "scores": self.scores,
        }


@dataclass(frozen=True)
class ArticleLabels:
    """An article's sentences and its label set (sentence labels other than ``other``)."""

    text: str
    sentences: tuple
    labels: tuple


class Model:
    """A loaded, checked model. Create it with :func:`load_model`.

    Attributes
    ----------
    labels : tuple of str
        Label names, in the column order of :meth:`predict_proba`.
    metadata : dict
        The model directory's ``metadata.json``.
    """

    def __init__(self, estimator, metadata, *, n_jobs=1):
        self.estimator = estimator
        self.metadata = metadata
        self.labels = tuple(metadata["labels"])
        self.n_jobs = n_jobs

    def __repr__(self):
        name = (self.metadata.get("model") or {}).get("name")
        return f"Model({name!r}, labels={self.labels})"

    def predict_proba(self, texts):
        """Return label probabilities, shape ``(len(texts), len(labels))``.

        Calibrated by the temperature fitted on the training corpus's dev split when the
        model has one (``metadata["decision"]``: ``sentence_temperature`` for models with an
        article-context stage, whose in-article scores have ``temperature``).

        Parameters
        ----------
        texts : sequence of str
            Batches of at least 20,000 texts (``research.api.PARALLEL_MIN_TEXTS``) are split
            over ``n_jobs`` processes; smaller ones would spend more on starting them.

        Returns
        -------
        ndarray of shape (len(texts), len(labels))
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.labels)))
        jobs = effective_n_jobs(self.n_jobs)
        if jobs == 1 or len(texts) < PARALLEL_MIN_TEXTS:
            return self._calibrated(self.estimator.predict_proba(texts), in_articles=False)
        # Feature extraction is pure Python and holds the GIL: use processes, one chunk each.
        size = -(-len(texts) // jobs)
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        parts = Parallel(n_jobs=jobs)(delayed(self.estimator.predict_proba)(c) for c in chunks)
        return self._calibrated(np.vstack(parts), in_articles=False)

    def _stored(self, key, in_articles):
        """The dev-chosen ``key`` of ``metadata["decision"]`` for one output, or None.

        A model with an article-context stage has two outputs, sentences one by one and
        sentences in articles; the first reads ``sentence_<key>``. Older models have no
        ``sentence_log_offsets`` and apply their ``log_offsets`` to both outputs.
        """
        decision = self.metadata.get("decision") or {}
        if in_articles or not hasattr(self.estimator, "predict_proba_articles"):
            return decision.get(key)
        fallback = decision.get(key) if key == "log_offsets" else None
        return decision.get(f"sentence_{key}", fallback)

    def _calibrated(self, proba, in_articles):
        """``proba`` with the dev-fitted temperature of its output applied (as is without)."""
        temperature = self._stored("temperature", in_articles)
        return proba if temperature is None else with_temperature(proba, float(temperature))

    def predict_proba_in_articles(self, texts, sizes, breaks=None):
        """Probabilities of sentences read inside their articles.

        Models with an article-context stage (:mod:`research.context`) use the neighbours,
        position and layout of each sentence; other models score sentences one by one.

        Parameters
        ----------
        texts : sequence of str
            The sentences of consecutive articles, in order.
        sizes : sequence of int
            How many sentences each article has.
        breaks : sequence of bool, optional
            Whether each sentence starts a line; without it, only each article's first
            sentence does.

        Returns
        -------
        ndarray of shape (len(texts), len(labels))
            Always computed in one process, whatever ``n_jobs``.
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.labels)))
        if hasattr(self.estimator, "predict_proba_articles"):
            proba = self.estimator.predict_proba_articles(texts, list(sizes), breaks)
            return self._calibrated(proba, in_articles=True)
        return self.predict_proba(texts)

    def predict(self, texts):
        """Label each text, scored one by one (see :meth:`decide`).

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        list of str
        """
        return self.decide(self.predict_proba(texts))

    def decide(self, proba, in_articles=False):
        """Turn rows of probabilities into labels.

        The most probable label, after adding the per-label log-probability offsets that
        were chosen on the training corpus's dev split (``metadata["decision"]``, if the
        model has them); without offsets this is the plain argmax.

        Parameters
        ----------
        proba : array of shape (n, len(labels))
        in_articles : bool or array of bool, default False
            Whether the rows come from :meth:`predict_proba_in_articles` (per row, or for
            all). A model with an article-context stage has offsets for each output.

        Returns
        -------
        list of str
        """
        proba = np.asarray(proba, dtype=float)
        if proba.size == 0:
            return []
        rows = np.broadcast_to(np.asarray(in_articles, dtype=bool), (len(proba),))
        offsets = np.where(rows[:, None], self._offsets(True), self._offsets(False))
        # Zero offsets leave the plain argmax: the logarithm keeps the order.
        scores = np.log(np.clip(proba, 1e-12, None)) + offsets
        return [self.labels[j] for j in scores.argmax(axis=1)]

    def _offsets(self, in_articles):
        """The log-probability offsets of one output, zeros when it has none."""
        table = self._stored("log_offsets", in_articles) or {}
        return np.array([float(table.get(label, 0.0)) for label in self.labels])

    def label_article(self, text):
        """Segment an article into sentences and label each.

        Parameters
        ----------
        text : str

        Returns
        -------
        ArticleLabels
            ``sentences`` carry offsets that slice ``text`` exactly; ``labels`` is the
            article's label set.
        """
        return self.label_articles([text])[0]

    def label_articles(self, texts):
        """Label many articles with one batched prediction (see :meth:`label_article`).

        Parameters
        ----------
        texts : iterable of str

        Returns
        -------
        list of ArticleLabels
            One per text, in order.
        """
        texts = list(texts)  # read three times below: a generator would run dry
        spans = [segment(text) for text in texts]
        flat = [text[a:b] for text, pieces in zip(texts, spans, strict=True) for a, b in pieces]
        proba = self.predict_proba_in_articles(
            flat,
            [len(pieces) for pieces in spans],
            [
                b
                for text, pieces in zip(texts, spans, strict=True)
                for b in paragraph_breaks(text, pieces)
            ],
        )
        decided = self.decide(proba, in_articles=True)
        results, k = [], 0
        for text, pieces in zip(texts, spans, strict=True):
            sentences = []
            for a, b in pieces:
                row = proba[k]
                k += 1
                scores = {
                    label: round(float(p), 6) for label, p in zip(self.labels, row, strict=True)
                }
                sentences.append(SentenceLabel(a, b, text[a:b], decided[k - 1], scores))
            labels = article_label_set(s.label for s in sentences)
            results.append(ArticleLabels(text, tuple(sentences), labels))
        return results


def load_model(model_dir, *, allow_version_mismatch=False, n_jobs=1):
    """Load a model directory written by ``research run`` or ``research export``.

    Checks, in order: the metadata parses; its format version is known; the model file's
    SHA-256 matches; the scikit-learn version is the one it was saved with; the file holds
    no type outside the code allowlist; the fitted classes equal the metadata labels.

    Parameters
    ----------
    model_dir : str or Path
    allow_version_mismatch : bool, default False
        Load a model saved with another scikit-learn version, with a warning.
    n_jobs : int, default 1
        Processes for :meth:`Model.predict_proba` and :meth:`Model.predict` on large
        batches (-1: all cores); predictions are identical. Sentences read in their
        articles are scored in one process.

    Returns
    -------
    Model

    Raises
    ------
    ModelFileError
        Or one of its subclasses, naming the failed check and what to do.
    """
    estimator, metadata = load_estimator(model_dir, allow_version_mismatch=allow_version_mismatch)
    return Model(estimator, metadata, n_jobs=n_jobs)
