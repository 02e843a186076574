"""Run one experiment: load data, split by article, fit, evaluate, write a run directory."""

import itertools
import logging
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from research.api import Model
from research.config import load_config
from research.config_checks import SEED_LIMIT, valid_seed
from research.data import load_examples
from research.decision import choose_decision
from research.encoder import encoder_versions
from research.errors import ConfigError
from research.labels import SENTENCE_LABELS
from research.modelio import package_versions, save_model
from research.models import NEEDS_ENCODER
from research.report import write_outputs
from research.runs import RunDir, git_state, new_run_id
from research.selection import add_extra_train, check_against_data, eval_sets
from research.splits import assign_splits
from research.training import article_layout, fit_model

__all__ = ["evaluate_predictions", "run_config", "run_experiment"]

log = logging.getLogger(__name__)


def _encoder_versions(cfg):
    """The encoder stack's versions, for models that need it (they shape the fitted model)."""
    return encoder_versions() if cfg.model.name in NEEDS_ENCODER else {}


def _counts(examples):
    """Examples per split and label, for run.json."""
    table = {}
    for split, label in zip(examples.splits, examples.labels, strict=True):
        table.setdefault(split, Counter())[label] += 1
    return {split: dict(sorted(c.items())) for split, c in sorted(table.items())}


def _predict(estimator, subset, decision=None):
    """Labels and probabilities of ``subset``; context models read sentences in articles."""
    model = Model(estimator, {"labels": list(estimator.classes_), "decision": decision})
    in_articles = hasattr(estimator, "predict_proba_articles") and len(subset) > 0
    if in_articles:
        layout = article_layout(subset, range(len(subset)))
        sizes = [sum(1 for _ in run) for _, run in itertools.groupby(layout["groups"])]
        proba = model.predict_proba_in_articles(subset.texts, sizes, layout["breaks"])
    else:
        proba = model.predict_proba(subset.texts)
    return model.decide(proba, in_articles) if len(subset) else [], proba


def _article_sets(subset, preds):
    """Gold and predicted label sets of the articles in ``subset`` (from sentence labels)."""
    by_group = {}
    for group, pred in zip(subset.groups, preds, strict=True):
        by_group.setdefault(group, set()).add(pred)
    groups = [g for g in by_group if g in subset.articles]
    return (
        [subset.articles[g]["labels"] for g in groups],
        [tuple(sorted(by_group[g] - {"other"})) for g in groups],
    )


def evaluate_predictions(
    subset, preds, *, n_bootstrap, confidence, seed, segmented=None, proba=None, classes=None
):
    """Sentence and article scores for one evaluated split (and ECE when ``proba`` is given)."""
    from research.metrics import article_scores, calibration_scores, sentence_scores

    scores = {
        "sentence": sentence_scores(
            subset.labels,
            preds,
            subset.groups,
            labels=SENTENCE_LABELS,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            seed=seed,
        )
    }
    if proba is not None:
        scores["sentence"].update(calibration_scores(subset.labels, proba, classes))
    if subset.articles:
        true_sets, pred_sets = _article_sets(subset, preds)
        if segmented is not None:  # article unit: label sets from segmenting the raw text
            true_sets, pred_sets = zip(*segmented, strict=False) if segmented else ((), ())
        scores["article"] = article_scores(
            true_sets, pred_sets, n_bootstrap=n_bootstrap, confidence=confidence, seed=seed
        )
    return scores


def run_experiment(cfg, seed, *, command=(), config_text="", output_dir=None, extra=None):
    """Run ``cfg`` with ``seed`` and return the completed run directory.

    Raises
    ------
    ConfigError, DataError
        Before anything is written, for problems with the config or the data.
    """
    timings, started = {}, time.perf_counter()
    examples, data_hash = load_examples(cfg.data)
    examples = assign_splits(examples, cfg.data.test_size, seed)
    extra_files = add_extra_train(examples, cfg.data)
    timings["load"] = time.perf_counter() - started
    check_against_data(cfg, examples)
    folds = list(eval_sets(cfg, examples, seed))
    info = {
        "command": list(command),
        "config_file": cfg.source,
        "config_name": cfg.name,
        "seed": seed,
        "git": git_state(Path(cfg.source).resolve().parent),
        "versions": {**package_versions(), **_encoder_versions(cfg)},
        "data": {
            "path": cfg.data.path,
            "hub_id": cfg.data.hub_id,
            "revision": cfg.data.revision,
            "sha256": data_hash,
            "counts": _counts(examples),
            "extra_train": extra_files,
        },
        **(extra or {}),
    }
    root = Path(output_dir or cfg.output_dir)
    with (
        RunDir(root, new_run_id(cfg.name, seed), info) as run,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        results, estimator = _train_and_score(cfg, seed, examples, folds, timings)
        augmented = results.pop("augmented")
        if augmented:  # copies per augmenter, in the final model's training rows
            run.info["data"]["augmented"] = augmented
        t = time.perf_counter()
        write_outputs(run.path, cfg, config_text, results)
        model_dir = run.path / "model"
        save_model(
            estimator,
            model_dir,
            unit=cfg.data.unit,
            model_name=cfg.model.name,
            model_params=cfg.model.params,
            run_id=run.run_id,
            data_hash=data_hash,
            metrics=results["metrics"][results["headline"]]["sentence"],
            extra={"decision": results["decision"]} if results["decision"] else None,
        )
        timings["save"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - started
        messages = sorted({str(w.message) for w in caught})
        return run.complete(timings={k: round(v, 3) for k, v in timings.items()}, warnings=messages)


def _train_and_score(cfg, seed, examples, folds, timings):
    """Fit per fold (or once per split strategy) and score every evaluated split."""
    metrics, predictions, cv_preds = {}, [], {}
    timings["fit"] = timings["predict"] = 0.0
    estimator, augmented = None, {}
    for name, train, mask in folds:
        if estimator is None or cfg.eval.strategy == "group_kfold":
            t = time.perf_counter()
            log.info("training %s on %d examples", cfg.model.name, int(train.sum()))
            estimator = fit_model(cfg, seed, examples, np.flatnonzero(train), augmented)
            decision = _tune(cfg, estimator, examples)
            timings["fit"] += time.perf_counter() - t
        t = time.perf_counter()
        subset = examples.subset(mask)
        preds, proba = _predict(estimator, subset, decision)
        timings["predict"] += time.perf_counter() - t
        labels = [str(c) for c in estimator.classes_]
        for i in range(len(subset)):
            predictions.append(
                {
                    "split": name if cfg.eval.strategy == "split" else "cv",
                    "id": subset.ids[i],
                    "group": subset.groups[i],
                    "text": subset.texts[i],
                    "label": subset.labels[i],
                    "pred": preds[i],
                    "scores": dict(zip(labels, np.round(proba[i], 6).tolist(), strict=True)),
                }
            )
        if cfg.eval.strategy == "split":
            metrics[name] = _score_split(cfg, seed, estimator, subset, preds, proba, decision)
        else:
            for i, j in enumerate(np.flatnonzero(mask)):
                cv_preds[j] = preds[i]
    if cfg.eval.strategy == "group_kfold":
        index = sorted(cv_preds)
        pooled = examples.subset(np.isin(np.arange(len(examples)), index))
        metrics["cv"] = _score_split(cfg, seed, None, pooled, [cv_preds[j] for j in index])
        t = time.perf_counter()
        pool = np.isin(np.arange(len(examples)), index)
        estimator = fit_model(cfg, seed, examples, np.flatnonzero(pool), augmented)
        decision = _tune(cfg, estimator, examples)
        timings["fit"] += time.perf_counter() - t
    headline = next(iter(metrics))
    results = {
        "metrics": metrics,
        "predictions": predictions,
        "headline": headline,
        "decision": decision,
        "augmented": augmented,
    }
    return results, estimator


def _tune(cfg, estimator, examples):
    """Temperature and per-label offsets chosen on the decision split (None if neither)."""
    if not (cfg.decision.tune or cfg.decision.temperature):
        return None
    mask = np.asarray(examples.splits, dtype=object) == cfg.decision.split
    subset = examples.subset(mask)
    _, proba = _predict(estimator, subset)
    alone = None
    if hasattr(estimator, "predict_proba_articles"):
        alone = estimator.predict_proba(subset.texts)  # the context model's other output
    chosen = choose_decision(
        subset.labels,
        proba,
        [str(c) for c in estimator.classes_],
        temperature=cfg.decision.temperature,
        offsets=cfg.decision.tune,
        min_gain=cfg.decision.min_gain,
        sentence_proba=alone,
    )
    log.info("decision chosen on %s: %s", cfg.decision.split, chosen)
    return {"chosen_on": cfg.decision.split, **chosen}


def _score_split(cfg, seed, estimator, subset, preds, proba=None, decision=None):
    segmented = None
    if cfg.data.unit == "article" and estimator is not None and cfg.eval.articles:
        model = Model(estimator, {"labels": list(estimator.classes_), "decision": decision})
        arts = [(g, a) for g, a in subset.articles.items() if a["text"]]
        labelled = model.label_articles([a["text"] for _, a in arts])
        segmented = [(a["labels"], r.labels) for (_, a), r in zip(arts, labelled, strict=True)]
    return evaluate_predictions(
        subset,
        preds,
        n_bootstrap=cfg.eval.bootstrap,
        confidence=cfg.eval.confidence,
        seed=seed,
        segmented=segmented,
        proba=proba,
        classes=None if estimator is None else [str(c) for c in estimator.classes_],
    )


def run_config(path, *, seed=None, output_dir=None):
    """Load the config at ``path`` and run it for each of its seeds (or ``seed``).

    Returns
    -------
    list of Path
        The run directories, in seed order.
    """
    if seed is not None and not valid_seed(seed):
        raise ConfigError(f"seed must be an integer between 0 and {SEED_LIMIT - 1}, got {seed!r}")
    cfg = load_config(path)
    text = Path(path).read_text(encoding="utf-8")
    seeds = [seed] if seed is not None else list(cfg.seeds)
    return [
        run_experiment(cfg, s, command=sys.argv, config_text=text, output_dir=output_dir)
        for s in seeds
    ]
