"""The model registry: versioned names mapped to typed, keyword-only factories.

A factory returns an unfitted scikit-learn estimator that maps raw sentence strings to
labels. A factory whose behaviour changes is registered under a new version (``.v2``);
an old name keeps its meaning so old configs and runs stay reproducible. The factories
live in :mod:`research.linear_models` and :mod:`research.encoder_models`.
"""

import inspect
import typing

from research.encoder_models import (
    minilm_context_v1,
    minilm_finetune_context_v1,
    minilm_finetune_v1,
    minilm_logreg_v1,
    tfidf_vectors_context_v1,
)
from research.errors import ConfigError
from research.linear_models import (
    complement_nb_v1,
    cue_rules_v1,
    hashing_sgd_v1,
    linear_svm_v1,
    tfidf_context_v1,
    tfidf_logreg_v1,
    tfidf_logreg_v2,
    tfidf_logreg_v3,
)
from research.tomltypes import type_ok, wrong_type

__all__ = [
    "FINE_TUNED",
    "MODELS",
    "NEEDS_ENCODER",
    "STREAMING",
    "build_model",
    "check_model_config",
]


MODELS = {
    "tfidf_logreg.v1": tfidf_logreg_v1,
    "tfidf_logreg.v2": tfidf_logreg_v2,
    "tfidf_logreg.v3": tfidf_logreg_v3,
    "linear_svm.v1": linear_svm_v1,
    "complement_nb.v1": complement_nb_v1,
    "cue_rules.v1": cue_rules_v1,
    "hashing_sgd.v1": hashing_sgd_v1,
    "tfidf_context.v1": tfidf_context_v1,
    "minilm_logreg.v1": minilm_logreg_v1,
    "minilm_context.v1": minilm_context_v1,
    "minilm_finetune.v1": minilm_finetune_v1,
    "minilm_finetune_context.v1": minilm_finetune_context_v1,
    "tfidf_vectors_context.v1": tfidf_vectors_context_v1,
}
#: Models that need the ``encoder`` extra (``pip install -e ".[encoder]"``).
NEEDS_ENCODER = frozenset(
    {
        "minilm_logreg.v1",
        "minilm_context.v1",
        "minilm_finetune.v1",
        "minilm_finetune_context.v1",
        "tfidf_vectors_context.v1",
    }
)
#: Models that fine-tune a transformer: minutes per epoch on 2 cores, never in timed runs.
FINE_TUNED = frozenset({"minilm_finetune.v1", "minilm_finetune_context.v1"})
#: Models trained by ``partial_fit`` over batches (see :mod:`research.stream`).
STREAMING = frozenset({"hashing_sgd.v1"})


def _factory(name, where):
    try:
        return MODELS[name]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        raise ConfigError(
            f"{where}: unknown model 'model.name = {name}' (registered: {known})"
        ) from None


def check_model_config(model_cfg, where="config"):
    """Check that ``model_cfg`` names a registered factory and valid keyword arguments.

    Raises
    ------
    ConfigError
        Naming the file and the offending key.
    """
    factory = _factory(model_cfg.name, where)
    params = inspect.signature(factory).parameters
    hints = typing.get_type_hints(factory)
    for key, value in model_cfg.params.items():
        if key not in params or key == "random_state":
            allowed = ", ".join(p for p in params if p != "random_state")
            raise ConfigError(
                f"{where}: unknown key 'model.params.{key}' for {model_cfg.name} "
                f"(accepted: {allowed})"
            )
        if not type_ok(value, hints[key]):
            dotted, default = f"model.params.{key}", params[key].default
            raise ConfigError(wrong_type(where, dotted, hints[key], value, default))
    try:  # the factories check values (ranges, choices); building fits nothing
        build_model(model_cfg)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def build_model(model_cfg, random_state=None):
    """Build the unfitted estimator that ``model_cfg`` names.

    Parameters
    ----------
    model_cfg : ModelConfig
    random_state : int, optional
        Passed to factories that take one (the run's seed).
    """
    factory = _factory(model_cfg.name, "config")
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in model_cfg.params.items()}
    if "random_state" in inspect.signature(factory).parameters:
        params["random_state"] = random_state
    return factory(**params)
