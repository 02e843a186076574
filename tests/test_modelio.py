"""Saved models: identical reload, and every refusal with its own error."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from research import (
    LabelMismatchError,
    ModelFileError,
    ModelFormatError,
    ModelIntegrityError,
    ModelVersionError,
    UntrustedTypeError,
    load_model,
)
from research.evaluate import export_model
from research.modelio import save_model
from tests.conftest import ROOT, edit_metadata

TEXTS = [
    "Gunmen attacked a checkpoint.",
    "The army denied the report.",
    "No group claimed the attack.",
    "Share this article",
]


class Shout(TransformerMixin, BaseEstimator):
    """A custom step that is not on the allowlist."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [t.upper() for t in X]


@pytest.fixture
def model_dir(tiny_run, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(tiny_run / "model", target)
    return target


def test_train_save_reload_gives_identical_probabilities(tiny_run, tmp_path):
    from research.modelio import load_estimator

    estimator, _ = load_estimator(tiny_run / "model")
    exported = export_model(tiny_run, tmp_path / "exported")
    reloaded = load_model(exported)
    np.testing.assert_array_equal(estimator.predict_proba(TEXTS), reloaded.predict_proba(TEXTS))
    assert reloaded.predict(TEXTS) == list(estimator.predict(TEXTS))
    assert reloaded.labels == tuple(estimator.classes_)


def test_joblib_export_round_trips(tiny_run, tmp_path):
    model = load_model(export_model(tiny_run, tmp_path / "jl", fmt="joblib"))
    assert model.metadata["serializer"] == "joblib"
    np.testing.assert_array_equal(
        model.predict_proba(TEXTS), load_model(tiny_run / "model").predict_proba(TEXTS)
    )


def test_loads_in_a_fresh_process_and_labels_the_seed_article(tiny_run):
    code = (
        "import sys; from research import load_model; m = load_model(sys.argv[1]);"
        "t = open(sys.argv[2], encoding='utf-8').read(); d = m.label_article(t);"
        "assert all(t[s.start:s.end] == s.text for s in d.sentences); print(len(d.sentences))"
    )
    seed = ROOT / "seeds" / "000_4029b564ad4463c3.txt"
    out = subprocess.run(
        [sys.executable, "-c", code, str(tiny_run / "model"), str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "17"


def test_tampered_model_file(model_dir):
    with open(model_dir / "model.skops", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        load_model(model_dir)


def test_truncated_model_file(model_dir):
    data = (model_dir / "model.skops").read_bytes()
    (model_dir / "model.skops").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelIntegrityError):
        load_model(model_dir)


def test_malformed_metadata(model_dir):
    (model_dir / "metadata.json").write_text("{not json")
    with pytest.raises(ModelFormatError, match="malformed metadata"):
        load_model(model_dir)


def test_unreadable_metadata(model_dir):
    (model_dir / "metadata.json").unlink()
    (model_dir / "metadata.json").mkdir()
    with pytest.raises(ModelFormatError, match="metadata.json: cannot read"):
        load_model(model_dir)


def test_repr_and_batch_labelling_of_a_loaded_model(model_dir):
    model = load_model(model_dir)
    assert repr(model).startswith("Model('")
    model.metadata.pop("model")  # older or hand-made metadata may lack it
    assert repr(model).startswith("Model(None")
    texts = ["Gunmen attacked a checkpoint. The army denied it.", "Share this article"]
    from_list = model.label_articles(texts)
    assert model.label_articles(text for text in texts) == from_list  # a generator too


def test_newer_format_version(model_dir):
    edit_metadata(model_dir, format_version=99)
    with pytest.raises(ModelFormatError, match="upgrade research"):
        load_model(model_dir)


def test_other_sklearn_version_refused_unless_allowed(model_dir):
    edit_metadata(model_dir, sklearn="0.0.1")
    with pytest.raises(ModelVersionError, match="allow_version_mismatch"):
        load_model(model_dir)
    with pytest.warns(UserWarning, match="scikit-learn 0.0.1"):
        assert load_model(model_dir, allow_version_mismatch=True).labels


def test_edited_labels_in_metadata(model_dir):
    meta = json.loads((model_dir / "metadata.json").read_text())
    edit_metadata(model_dir, labels=list(reversed(meta["labels"])))
    with pytest.raises(LabelMismatchError):
        load_model(model_dir)


@pytest.mark.parametrize("missing", ["metadata.json", "model.skops"])
def test_missing_file(model_dir, missing):
    (model_dir / missing).unlink()
    with pytest.raises(ModelFileError, match="missing"):
        load_model(model_dir)


def test_not_a_directory(tmp_path):
    with pytest.raises(ModelFileError, match="not a model directory"):
        load_model(tmp_path / "nothing")


def test_unknown_type_in_file_is_refused(tmp_path):
    pipe = Pipeline(
        [("shout", Shout()), ("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())]
    ).fit(TEXTS, ["a", "b", "a", "b"])
    save_model(pipe, tmp_path / "evil")
    with pytest.raises(UntrustedTypeError, match="Shout"):
        load_model(tmp_path / "evil")


def test_loading_a_model_does_not_import_torch(tiny_run):
    """skops.io's import walks scikit-learn's packages; ours must not pull in torch."""
    import subprocess
    import sys
    from importlib.util import find_spec

    if find_spec("torch") is None:
        pytest.skip("torch is not installed: nothing could import it")
    code = (
        "import sys; from research import load_model; "
        f"m = load_model({str(tiny_run / 'model')!r}); m.predict(['Gunmen attacked.']); "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
