"""Cheap domain-adaptation checks of the default on real news (none is kept in the default).

    python experiments/transfer_checks.py [--config configs/default.toml] [--seed 13]

1. ``vocabulary``: keep only the sentence model's n-grams that also occur (in >= 2 texts) in
   the unlabelled real news of ../shared/corpora (hold-out ids and duplicates excluded), so
   the weights go to words real copy uses. Reads ../shared: an experiment, not a default.
2. ``article_threshold``: an article takes a label only if one of its sentences has it with
   probability >= t; the gain of the best t on the corpus dev split's articles is printed
   (never chosen on real_dev). Not kept even where the gain passes the 0.005 floor: the
   label contract defines an article's labels as the set of its sentence labels, and a
   threshold would give articles that hold an attribution sentence without the label.
3. ``em_priors``: estimate the label priors of the unlabelled real news by EM on the
   model's posteriors (Saerens et al., 2002) and shift the decision by their log ratio to
   the training prior (uniform under class balancing).
4. ``importance_whole``: the covariate-shift weights of ``importance`` (check 6) at alpha
   0.5 in the whole default (augmentation, context stage and temperature as configured),
   computed for each of its training rows (augmented copies included) and passed to both
   stages as ``sample_weight``.

5-10 act on the sentence stage alone: ``experiments/stage_checks.py`` (masked names,
covariate-shift weights, a hidden layer, a no-assigning-cue pseudo-word, the decision order
as a cascade, distilled word vectors), scored on real_dev and, when
experiments/real_annotated/build.py has made it, ``real_annotated``, the 1,859 real-news
sentences labelled here.

Checks 1-4 print real_dev figures next to the unchanged default's (``importance_whole`` also
its corpus splits and real_annotated); checks 5-10 print theirs next to the sentence stage's
own baseline. Runs go to a temporary folder. About two minutes on 2 cores.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path
from unittest.mock import patch

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from stage_checks import real_news_odds, run_stage_checks, shift_weights

import research.evaluate as evaluate
import research.linear_models as linear_models
import research.training as training
from research import load_model, segment
from research.config import load_config
from research.corpus import read_corpus
from research.decision import OFFSETS
from research.experiment import run_experiment
from research.lexicon import CueAnalyzer
from research.metrics import article_scores
from research.weak import unlabelled_records

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CORPORA = sorted((SHARED / "corpora").glob("*.jsonl"))
REAL_DEV = SHARED / "eval" / "real_dev.jsonl"
# the real news labelled here (experiments/real_annotated/build.py makes it); optional
REAL_ANNOTATED = HERE / "cache" / "real_annotated.jsonl"


def real_news_texts():
    """Unlabelled real-news texts, hold-out items and marked duplicates left out."""
    held = SHARED / "eval" / "holdout_ids.txt"
    return [record["text"] for _, record in unlabelled_records(CORPORA, held)]


def real_dev(run_dir, offsets=None):
    """real_dev scores of the run's model, with optional log-probability offsets (applied to
    both outputs of a context model: sentences in articles and sentences alone)."""
    load = evaluate.load_model

    def with_offsets(model_dir, **kwargs):
        model = load(model_dir, **kwargs)
        if offsets is not None:
            decision = {**(model.metadata.get("decision") or {}), **dict.fromkeys(OFFSETS, offsets)}
            model.metadata = {**model.metadata, "decision": decision}
        return model

    with patch.object(evaluate, "load_model", with_offsets):
        scores = evaluate.evaluate_model(run_dir / "model", REAL_DEV, articles=CORPORA)[0]
    return scores[REAL_DEV.stem]


def show(name, scores):
    sentence = scores["sentence"]
    per_label = " / ".join(f"{v['f1']:.2f}" for v in sentence["per_label"].values())
    print(
        f"{name:<22} real_dev macro-F1 {sentence['macro_f1']:.3f} ({per_label}); "
        f"article micro-F1 {scores['article']['micro_f1']:.3f}"
    )


def vocabulary_run(cfg, seed, folder, texts):
    """Train ``cfg`` with the n-grams restricted to those of real news; return the run dir."""
    target = set(CountVectorizer(analyzer=CueAnalyzer((1, 2)), min_df=2).fit(texts).vocabulary_)
    build = linear_models.cue_vectorizer

    def restricted(word_ngrams, min_df, max_features):
        vectorizer = build(word_ngrams, min_df, max_features)
        train = [t for a in read_corpus(cfg.data.path) if a["split"] == "train" for t in _sents(a)]
        known = CountVectorizer(analyzer=CueAnalyzer(tuple(word_ngrams)), min_df=min_df)
        keep = sorted(t for t in known.fit(train).vocabulary_ if t.startswith("__") or t in target)
        return vectorizer.set_params(vocabulary=keep)

    with patch.object(linear_models, "cue_vectorizer", restricted):
        return run_experiment(cfg, seed, output_dir=folder)


def _sents(article):
    return [article["text"][s["start"] : s["end"]] for s in article["sentences"]]


def _labels_at(pairs, t):
    """An article's label set from (sentence label, its probability) pairs, needing >= t."""
    return {label for label, score in pairs if label != "other" and score >= t}


def _micro_f1(true_sets, pred_sets):
    return article_scores(true_sets, pred_sets, n_bootstrap=0)["micro_f1"]


def article_threshold(run_dir, corpus_path):
    """Article micro-F1 on the corpus dev split for each threshold t."""
    model = load_model(run_dir / "model")
    articles = [a for a in read_corpus(corpus_path) if a["split"] == "dev"]
    sizes = [len(a["sentences"]) for a in articles]
    proba = model.predict_proba_in_articles([t for a in articles for t in _sents(a)], sizes)
    preds = model.decide(proba, in_articles=True)
    pairs = [(label, proba[i, model.labels.index(label)]) for i, label in enumerate(preds)]
    ends = np.cumsum(sizes)
    per_article = [pairs[end - size : end] for end, size in zip(ends, sizes, strict=True)]
    gold = [a["labels"] for a in articles]
    return {
        t: _micro_f1(gold, [_labels_at(p, t) for p in per_article])
        for t in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    }


def real_article_f1(run_dir, t):
    """real_dev article label-set micro-F1 when labels need a sentence with probability >= t."""
    from research.articles import read_article_texts

    model = load_model(run_dir / "model")
    gold = {}
    for line in REAL_DEV.open(encoding="utf-8"):
        row = json.loads(line)
        if row["kind"] == "article":
            gold.setdefault(row["item"], set()).add(row["label"])
    texts = read_article_texts(CORPORA, set(gold))
    items = sorted(gold)
    results = model.label_articles([texts[i] for i in items])
    predicted = [
        _labels_at(((s.label, s.scores[s.label]) for s in r.sentences), t) for r in results
    ]
    return _micro_f1([gold[i] - {"other"} for i in items], predicted)


def em_offsets(run_dir, texts, iterations=100):
    """Log ratio of EM-estimated real-news priors to the uniform training prior."""
    model = load_model(run_dir / "model")
    sentences = [text[a:b] for text in texts for a, b in segment(text)]
    proba = model.predict_proba(sentences)
    uniform = np.full(proba.shape[1], 1 / proba.shape[1])
    prior = proba.mean(axis=0)
    for _ in range(iterations):
        adjusted = proba * (prior / uniform)
        prior = (adjusted / adjusted.sum(axis=1, keepdims=True)).mean(axis=0)
    print("EM priors:", {k: round(float(v), 3) for k, v in zip(model.labels, prior, strict=True)})
    ratio = np.log(np.clip(prior, 1e-12, None) / uniform)
    return {k: float(v) for k, v in zip(model.labels, ratio, strict=True)}


def importance_run(cfg, seed, folder, texts, alpha=0.5):
    """Train ``cfg`` with covariate-shift weights on every training row; return the run dir."""
    rows = training.training_rows

    def weighted(cfg, seed, examples, index, context):
        train_texts, labels, params, counts = rows(cfg, seed, examples, index, context)
        weights, ess = shift_weights(real_news_odds(cfg, seed, train_texts, texts), alpha)
        print(f"importance_whole a={alpha}: ESS {ess:,.0f} of {len(weights):,} rows")
        return train_texts, labels, {**params, "sample_weight": weights}, counts

    with patch.object(training, "training_rows", weighted):
        return run_experiment(cfg, seed, output_dir=folder)


def annotated_f1(run_dir):
    """Sentence macro-F1 of the run's model on the real news labelled here (real_dev's way)."""
    scores = evaluate.evaluate_model(run_dir / "model", REAL_ANNOTATED, articles=CORPORA)[0]
    return scores[REAL_ANNOTATED.stem]["sentence"]["macro_f1"]


def corpus_scores(run_dir):
    """Macro-F1 of each split the run evaluated, from its metrics.json."""
    splits = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))["splits"]
    return ", ".join(f"{k} {v['sentence']['macro_f1']:.3f}" for k, v in splits.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=HERE.parent / "configs" / "default.toml")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if not REAL_DEV.is_file():
        sys.exit(f"{REAL_DEV} not found: these checks need ../shared")
    cfg, texts = load_config(args.config), real_news_texts()
    with tempfile.TemporaryDirectory() as tmp:
        base = run_experiment(cfg, args.seed, output_dir=Path(tmp))
        show("default", real_dev(base))
        show("vocabulary", real_dev(vocabulary_run(cfg, args.seed, Path(tmp), texts)))
        scores = article_threshold(base, cfg.data.path)
        t = max(scores, key=scores.get)
        print(
            f"article_threshold: corpus dev article micro-F1 {scores[0.0]:.3f} at t = 0, "
            f"{scores[t]:.3f} at the best t = {t} (gain {scores[t] - scores[0.0]:+.3f}; "
            f"the floor for dev-tuned decisions is +{cfg.decision.min_gain})"
        )
        print(
            f"article_threshold: real_dev article micro-F1 {real_article_f1(base, 0.0):.3f} "
            f"at t = 0, {real_article_f1(base, t):.3f} at t = {t}"
        )
        show("em_priors", real_dev(base, em_offsets(base, texts)))
        weighted = importance_run(cfg, args.seed, Path(tmp), texts)
        print(f"corpus splits: default {corpus_scores(base)}; weighted {corpus_scores(weighted)}")
        show("importance_whole", real_dev(weighted))
        if REAL_ANNOTATED.is_file():
            print(
                f"real_annotated macro-F1: default {annotated_f1(base):.3f}, "
                f"importance_whole {annotated_f1(weighted):.3f}"
            )
    real_sets = {"real_dev": REAL_DEV, "real_annotated": REAL_ANNOTATED}
    run_stage_checks(cfg, args.seed, texts, real_sets)


if __name__ == "__main__":
    main()
