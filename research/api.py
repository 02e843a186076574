"""The stable face for other tools: :func:`load_model` and what it returns."""

from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from research.context import paragraph_breaks
from research.decision import with_temperature
from research.labels import article_label_set
from research.modelio import load_estimator
from research.segment import segment

__all__ = ["ArticleLabels", "Model", "SentenceLabel", "load_model"]

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
        return f"Model({self.metadata['model'].get('name')!r}, labels={self.labels})"

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

    def _calibrated(self, proba, in_articles):
        """``proba`` with the dev-fitted temperature of its path applied (as is without one).

        A model with an article-context stage has two outputs, sentences one by one and
        sentences in articles, each with its own temperature fitted on its own dev scores.
        """
        decision = self.metadata.get("decision") or {}
        key = "temperature"
        if not in_articles and hasattr(self.estimator, "predict_proba_articles"):
            key = "sentence_temperature"
        temperature = decision.get(key)
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
            Whether each sentence starts a line.
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.labels)))
        if hasattr(self.estimator, "predict_proba_articles"):
            proba = self.estimator.predict_proba_articles(texts, list(sizes), breaks)
            return self._calibrated(proba, in_articles=True)
        return self.predict_proba(texts)

    def predict(self, texts):
        """Return the label of each text, as a list of str (see :meth:`decide`)."""
        return self.decide(self.predict_proba(texts))

    def decide(self, proba, in_articles=False):
        """Turn rows of probabilities into labels.

        The most probable label, after adding the per-label log-probability offsets that
        were chosen on the training corpus's dev split (``metadata["decision"]``, if the
        model has them); without offsets this is the plain argmax.

        Parameters
        ----------
        proba : array of shape (n, len(labels))
        in_articles : bool or array of bool
            Whether the rows come from :meth:`predict_proba_in_articles` (per row, or for
            all). A model with an article-context stage has offsets for each output.
        """
        proba = np.asarray(proba, dtype=float)
        if proba.size == 0:
            return []
        alone, inside = self._offsets(False), self._offsets(True)
        if alone is not None or inside is not None:
            rows = np.broadcast_to(np.asarray(in_articles, dtype=bool), (len(proba),))
            zero = np.zeros(len(self.labels))
            table = np.where(rows[:, None], zero if inside is None else inside, zero)
            if alone is not None:
                table = np.where(rows[:, None], table, alone)
            proba = np.log(np.clip(proba, 1e-12, None)) + table
        return [self.labels[j] for j in proba.argmax(axis=1)]

    def _offsets(self, in_articles):
        """The offsets of one output; a context model's sentences alone may have their own."""
        decision = self.metadata.get("decision") or {}
        table = decision.get("log_offsets")
        if not in_articles and hasattr(self.estimator, "predict_proba_articles"):
            table = decision.get("sentence_log_offsets", table)
        if not table:
            return None
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
        """Label many articles with one batched prediction (see :meth:`label_article`)."""
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
    allow_version_mismatch : bool
        Load a model saved with another scikit-learn version, with a warning.
    n_jobs : int
        Processes for predicting large batches (-1: all cores); predictions are identical.

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
