"""Training one model of a run: the rows it sees (with ``data.augment`` copies and, for
article-context models, each sentence's article and line start) and the fit itself.

:func:`research.experiment.run_experiment` calls :func:`fit_model` for every fold it trains.
"""

import logging
import warnings

from research.augment import augment_rows
from research.context import paragraph_breaks
from research.errors import ConfigError
from research.models import STREAMING, build_model
from research.stream import list_batches, partial_fit_stream

__all__ = ["article_layout", "fit_model", "training_rows"]

log = logging.getLogger(__name__)


def article_layout(examples, index):
    """Article ids and line-start flags of the examples at ``index`` (context models)."""
    groups = [examples.groups[i] for i in index]
    starts = {}
    for group, article in examples.articles.items():
        if article.get("spans"):
            starts[group] = paragraph_breaks(article["text"], article["spans"])
    position, breaks = {}, []
    for group in groups:
        k = position.get(group, 0)
        position[group] = k + 1
        flags = starts.get(group)
        breaks.append(flags[k] if flags is not None and k < len(flags) else k == 0)
    return {"groups": groups, "breaks": breaks}


def training_rows(cfg, seed, examples, index, context):
    """Texts, labels and (context models) article layout of the rows at ``index``, plus the
    ``data.augment`` copies of them, each copy an article of its own; and the copy counts."""
    texts = [examples.texts[i] for i in index]
    labels = [examples.labels[i] for i in index]
    params = article_layout(examples, index) if context else {}
    if not cfg.data.augment:
        return texts, labels, params, {}
    rows, counts = augment_rows(texts, labels, cfg.data.augment, seed)
    log.info("augmented training rows: %s", counts)
    texts += [text for text, _ in rows]
    labels += [label for _, label in rows]
    if context:
        params["groups"] += [f"augment:{k}" for k in range(len(rows))]
        params["breaks"] += [True] * len(rows)
    return texts, labels, params, counts


def fit_model(cfg, seed, examples, index, augmented=None):
    """Fit a new model on the rows at ``index``; copy counts go into ``augmented``."""
    estimator = build_model(cfg.model, random_state=seed)
    context = hasattr(estimator, "predict_proba_articles")
    texts, labels, params, counts = training_rows(cfg, seed, examples, index, context)
    if augmented is not None:
        augmented.update(counts)
    try:
        if cfg.model.name in STREAMING:
            batches = list_batches(texts, labels, cfg.train.batch_size, seed)
            return partial_fit_stream(estimator, batches, sorted(set(labels)), cfg.train.epochs)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*max_iter.*")  # reported via n_iter_
            return estimator.fit(texts, labels, **params)
    except ValueError as exc:  # scikit-learn's parameter and data validation
        raise ConfigError(
            f"{cfg.source}: model {cfg.model.name} cannot be fitted: {str(exc).splitlines()[0]}"
        ) from None
