"""Decisions chosen on dev only (per-label offsets, a score temperature), stored with the
model and applied by decide and predict_proba."""

import dataclasses
import json

import numpy as np
import pytest

from research.api import Model, load_model
from research.config import load_config
from research.decision import (
    choose_decision,
    decision_problem,
    fit_temperature,
    tune_offsets,
    with_temperature,
)
from research.errors import ConfigError
from research.experiment import run_config
from tests.conftest import write_config

LABELS = ["a", "b", "c"]


def _skewed(n=300, seed=0):
    """Probabilities that under-call label c: its true rows give c only a modest score."""
    rng = np.random.default_rng(seed)
    y = rng.choice(LABELS, size=n, p=[0.45, 0.45, 0.10])
    proba = np.full((n, 3), 0.1)
    for i, label in enumerate(y):
        j = LABELS.index(label)
        proba[i, j] = 0.8 if label != "c" else 0.35
        if label == "c":
            proba[i, rng.integers(0, 2)] = 0.55
    return y, proba / proba.sum(axis=1, keepdims=True)


def test_offsets_raise_macro_f1_on_the_data_they_are_chosen_on():
    y, proba = _skewed()
    chosen = tune_offsets(y, proba, LABELS)
    assert chosen["macro_f1_after"] > chosen["macro_f1_before"]
    assert chosen["log_offsets"]["a"] == 0.0 and chosen["log_offsets"]["c"] > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_macro_f1_equals_scikit_learn(seed):
    from sklearn.metrics import f1_score

    from research.decision import _macro_f1

    y, proba = _skewed(seed=seed)
    offsets = np.random.default_rng(seed).normal(size=3)
    truth = np.array([LABELS.index(v) for v in y])
    scores = np.log(proba)
    pred = np.array(LABELS)[(scores + offsets).argmax(axis=1)]
    expected = f1_score(y, pred, labels=LABELS, average="macro", zero_division=0)
    assert _macro_f1(truth, scores, offsets) == pytest.approx(expected)


def test_small_gains_leave_the_offsets_at_zero():
    y, proba = _skewed()
    gain = tune_offsets(y, proba, LABELS, min_gain=0.0)
    kept = tune_offsets(y, proba, LABELS, min_gain=1.0)
    assert gain["macro_f1_after"] > gain["macro_f1_before"]
    assert set(kept["log_offsets"].values()) == {0.0}
    assert kept["macro_f1_after"] == kept["macro_f1_before"]


def test_offsets_stay_zero_when_argmax_is_already_best():
    y = np.array(LABELS * 20)
    proba = np.eye(3)[[LABELS.index(v) for v in y]] * 0.7 + 0.1
    assert set(tune_offsets(y, proba, LABELS)["log_offsets"].values()) == {0.0}


def test_model_decide_applies_offsets():
    proba = np.array([[0.5, 0.4, 0.1]])
    plain = Model(None, {"labels": LABELS})
    shifted = Model(None, {"labels": LABELS, "decision": {"log_offsets": {"c": 2.0}}})
    assert plain.decide(proba) == ["a"] and shifted.decide(proba) == ["c"]


@pytest.mark.parametrize("fitted", ["tune", "temperature"])
def test_decision_split_cannot_be_an_evaluated_split(tmp_path, fitted):
    path = write_config(tmp_path, evals='splits = ["test"]\nbootstrap = 20')
    text = path.read_text() + f'\n[decision]\n{fitted} = true\nsplit = "test"\n'
    path.write_text(text)
    with pytest.raises(ConfigError, match="decision.split"):
        load_config(path)


def _decision_run(tmp_path, key):
    """A tiny run with ``[decision] key = true`` chosen on ood; (run_dir, model metadata)."""
    path = write_config(tmp_path, evals='splits = ["test"]\nbootstrap = 20')
    decision = f'[decision]\n{key} = true\nsplit = "ood"\n\n[data]'
    path.write_text(path.read_text().replace("[data]", decision))
    run_dir = run_config(path)[0]
    return run_dir, json.loads((run_dir / "model" / "metadata.json").read_text())


def test_tuned_run_stores_offsets_in_the_model(tmp_path):
    run_dir, meta = _decision_run(tmp_path, "tune")
    assert meta["decision"]["chosen_on"] == "ood"
    assert set(meta["decision"]["log_offsets"]) == set(meta["labels"])
    model = load_model(run_dir / "model")
    proba = model.predict_proba(["Gunmen attacked a market."])
    assert model.predict(["Gunmen attacked a market."]) == model.decide(proba)


def _tempered(temperature, n=2000, seed=0):
    """Labels drawn from calibrated probabilities, reported sharpened by ``1 / temperature``."""
    rng = np.random.default_rng(seed)
    calibrated = rng.dirichlet([0.6, 0.6, 0.6], size=n)
    y = np.array([rng.choice(LABELS, p=p) for p in calibrated])
    return y, with_temperature(calibrated, 1 / temperature)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_fit_temperature_recovers_the_sharpening(temperature):
    y, reported = _tempered(temperature)
    fitted = fit_temperature(y, reported, LABELS)
    assert fitted["temperature"] == pytest.approx(temperature, rel=0.15)
    assert fitted["log_loss_after"] <= fitted["log_loss_before"]


@pytest.mark.parametrize("temperature", [0.3, 1.0, 3.0])
def test_temperature_keeps_rows_summing_to_one_and_the_argmax(temperature):
    proba = np.random.default_rng(1).dirichlet([1, 1, 1], size=50)
    scaled = with_temperature(proba, temperature)
    np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
    np.testing.assert_array_equal(scaled.argmax(axis=1), proba.argmax(axis=1))


def test_offsets_are_chosen_after_the_temperature():
    y, proba = _skewed()
    both = choose_decision(y, proba, LABELS, temperature=True, offsets=True)
    alone = tune_offsets(y, with_temperature(proba, both["temperature"]), LABELS)
    assert both["log_offsets"] == alone["log_offsets"]
    assert choose_decision(y, proba, LABELS, temperature=False, offsets=False) == {}


def test_model_predict_proba_applies_the_temperature():
    class Fixed:
        def predict_proba(self, texts):
            return np.array([[0.7, 0.2, 0.1]] * len(texts))

    plain = Model(Fixed(), {"labels": LABELS})
    softer = Model(Fixed(), {"labels": LABELS, "decision": {"temperature": 2.0}})
    np.testing.assert_allclose(plain.predict_proba(["x"]), [[0.7, 0.2, 0.1]])
    np.testing.assert_allclose(softer.predict_proba(["x"]), with_temperature([[0.7, 0.2, 0.1]], 2))
    assert softer.predict_proba(["x"])[0, 0] < 0.7 and softer.predict(["x"]) == ["a"]


def test_temperature_run_stores_it_and_reloads_identical_scores(tmp_path):
    run_dir, meta = _decision_run(tmp_path, "temperature")
    assert meta["decision"]["temperature"] > 0 and "log_offsets" not in meta["decision"]
    texts = ["Gunmen attacked a market.", "The ministry denied the report."]
    model = load_model(run_dir / "model")
    raw = model.estimator.predict_proba(texts)
    expected = with_temperature(raw, meta["decision"]["temperature"])
    np.testing.assert_allclose(model.predict_proba(texts), expected)


class _TwoStage:
    """A stub with an article-context stage: different scores alone and in articles."""

    classes_ = np.array(LABELS)

    def predict_proba(self, texts):
        return np.array([[0.7, 0.2, 0.1]] * len(texts))

    def predict_proba_articles(self, texts, sizes, breaks=None):
        return np.array([[0.6, 0.3, 0.1]] * len(texts))


def test_each_output_of_a_context_model_gets_its_own_temperature():
    decision = {"temperature": 2.0, "sentence_temperature": 0.5}
    model = Model(_TwoStage(), {"labels": LABELS, "decision": decision})
    alone = model.predict_proba(["x"])
    inside = model.predict_proba_in_articles(["x"], [1])
    np.testing.assert_allclose(alone, with_temperature([[0.7, 0.2, 0.1]], 0.5))
    np.testing.assert_allclose(inside, with_temperature([[0.6, 0.3, 0.1]], 2.0))


def test_a_context_run_fits_both_temperatures(tmp_path):
    from research.experiment import run_experiment
    from research.models import build_model

    path = write_config(tmp_path, evals='splits = ["test"]\nbootstrap = 20')
    text = path.read_text().replace(
        "[data]", '[decision]\ntemperature = true\nsplit = "ood"\n\n[data]'
    )
    path.write_text(text)
    cfg = load_config(path)
    cfg = dataclasses.replace(
        cfg, model=dataclasses.replace(cfg.model, name="tfidf_context.v1", params={"n_folds": 2})
    )
    assert hasattr(build_model(cfg.model), "predict_proba_articles")
    run_dir = run_experiment(cfg, 13, output_dir=tmp_path / "runs")
    decision = json.loads((run_dir / "model" / "metadata.json").read_text())["decision"]
    assert decision["temperature"] > 0 and decision["sentence_temperature"] > 0


@pytest.mark.parametrize(
    ("decision", "problem"),
    [
        ({"temperature": 0}, "from 0.01 to 100"),
        ({"temperature": 5e-324}, "from 0.01 to 100"),
        ({"temperature": 10**400}, "from 0.01 to 100"),
        ({"temperature": float("nan")}, "from 0.01 to 100"),
        ({"sentence_temperature": True}, "from 0.01 to 100"),
        ({"temperature": "1.2"}, "from 0.01 to 100"),
        ({"log_offsets": {"a": None}}, "map labels to numbers"),
        ({"sentence_log_offsets": {"a": "x"}}, "map labels to numbers"),
        ([], "must be an object"),
    ],
)
def test_stored_decisions_that_cannot_be_applied_are_named(decision, problem):
    assert problem in decision_problem(decision)


def test_stored_decisions_that_can_be_applied_pass():
    assert decision_problem({"temperature": 1.2, "log_offsets": {"a": 0.0, "b": -0.5}}) is None
    assert decision_problem(None) is None


def test_a_perfect_decision_split_warns_of_an_extreme_temperature(caplog):
    y = np.array(LABELS * 10)
    proba = np.eye(3)[[LABELS.index(v) for v in y]] * 0.9 + 0.1 / 3
    with caplog.at_level("WARNING", logger="research.decision"):
        fitted = fit_temperature(y, proba, LABELS)
    assert fitted["temperature"] < 0.1 and "extreme" in caplog.text


@pytest.mark.parametrize(
    ("decision", "version"),
    [(None, 1), ({"log_offsets": {"a": 0.5}}, 1), ({"temperature": 1.2}, 2)],
)
def test_a_model_is_written_with_the_lowest_format_that_describes_it(tmp_path, decision, version):
    from sklearn.dummy import DummyClassifier

    from research.modelio import save_model

    estimator = DummyClassifier().fit([[0]] * 3, LABELS)
    extra = None if decision is None else {"decision": decision}
    model_dir = save_model(estimator, tmp_path / "m", model_name="x", extra=extra, fmt="joblib")
    assert json.loads((model_dir / "metadata.json").read_text())["format_version"] == version


def test_each_output_of_a_context_model_gets_its_own_offsets():
    decision = {"log_offsets": {"c": 2.0}, "sentence_log_offsets": {"b": 2.0}}
    model = Model(_TwoStage(), {"labels": LABELS, "decision": decision})
    proba = np.array([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])
    assert model.decide(proba) == ["b", "b"]
    assert model.decide(proba, in_articles=True) == ["c", "c"]
    assert model.decide(proba, in_articles=np.array([True, False])) == ["c", "b"]
    plain = Model(None, {"labels": LABELS, "decision": {"log_offsets": {"c": 2.0}}})
    assert plain.decide(proba) == plain.decide(proba, in_articles=True) == ["c", "c"]


def test_choose_decision_tunes_offsets_for_the_sentence_output_too():
    y, proba = _skewed()
    chosen = choose_decision(y, proba, LABELS, temperature=True, offsets=True, sentence_proba=proba)
    assert set(chosen["sentence_log_offsets"]) == set(LABELS)
    assert chosen["sentence_log_offsets"]["c"] > 0
