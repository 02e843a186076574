"""The article-context stage: features, fitting, and labelling articles in context."""

import json

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline

from research.api import Model, load_model
from research.context import ArticleContextClassifier, context_features, paragraph_breaks
from research.experiment import run_config
from research.linear_models import tfidf_context_v1, tfidf_logreg_v3
from tests.conftest import TINY_CORPUS, write_config

ARTICLES = [json.loads(line) for line in TINY_CORPUS.open()]


def _flat(articles):
    texts, labels, groups, breaks = [], [], [], []
    for a in articles:
        spans = [(s["start"], s["end"]) for s in a["sentences"]]
        texts += [a["text"][i:j] for i, j in spans]
        labels += [s["label"] for s in a["sentences"]]
        groups += [a["id"]] * len(spans)
        breaks += paragraph_breaks(a["text"], spans)
    return texts, labels, groups, breaks


def test_paragraph_breaks_mark_line_starts():
    text = "Headline\n\nFirst one. Second one.\nThird."
    spans = [(0, 8), (10, 20), (21, 32), (33, 39)]
    assert paragraph_breaks(text, spans) == [True, True, False, True]


def test_context_features_have_one_row_per_sentence_and_fixed_width():
    proba = np.full((5, 5), 0.2)
    texts = ["In 1972 a bomb went off.", "Car bombs", "It killed nine in 2022.", "x", "y"]
    features = context_features(proba, [3, 2], texts, [True, True, False, True, False])
    assert features.shape[0] == 5
    again = context_features(proba[:3], [3], texts[:3], [True, True, False])
    np.testing.assert_array_equal(features[:3], again)


@pytest.fixture(scope="module")
def fitted():
    texts, labels, groups, breaks = _flat(ARTICLES)
    model = tfidf_context_v1(min_df=1, n_folds=3, random_state=0)
    return model.fit(texts, labels, groups=groups, breaks=breaks), texts, groups


def test_fit_keeps_the_sklearn_contract(fitted):
    model, _, _ = fitted
    assert model.n_folds == 3 and not hasattr(ArticleContextClassifier(None, None), "classes_")
    assert list(model.classes_) == sorted(set(model.classes_))
    assert hasattr(model, "sentence_model_") and hasattr(model, "context_model_")


def test_single_sentences_use_the_sentence_model(fitted):
    model, texts, _ = fitted
    np.testing.assert_array_equal(
        model.predict_proba(texts), model.sentence_model_.predict_proba(texts)
    )


def test_articles_get_context_probabilities(fitted):
    model, texts, groups = fitted
    sizes = [groups.count(g) for g in dict.fromkeys(groups)]
    proba = model.predict_proba_articles(texts, sizes)
    assert proba.shape == (len(texts), len(model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_label_article_reads_sentences_in_context(fitted):
    model, _, _ = fitted
    wrapped = Model(model, {"labels": list(model.classes_)})
    result = wrapped.label_article(ARTICLES[0]["text"])
    assert all(ARTICLES[0]["text"][s.start : s.end] == s.text for s in result.sentences)
    flat = [s.text for s in result.sentences]
    breaks = paragraph_breaks(ARTICLES[0]["text"], [(s.start, s.end) for s in result.sentences])
    in_context = model.predict_proba_articles(flat, [len(flat)], breaks)
    scores = np.array([[s.scores[c] for c in model.classes_] for s in result.sentences])
    np.testing.assert_allclose(scores, in_context, atol=1e-6)


def test_plain_estimators_fit_without_a_pipeline():
    texts, labels, groups, _ = _flat(ARTICLES)
    sentence = tfidf_logreg_v3(min_df=1)
    model = ArticleContextClassifier(sentence, LogisticRegression(max_iter=500), n_folds=2)
    assert model.fit(texts, labels).predict(texts[:2]).shape == (2,)


class _SpyLR(ClassifierMixin, BaseEstimator):
    """Logistic regression that records the weights of every fit (a test double)."""

    seen = []  # shared on purpose: the fold fits are clones, discarded after use

    def fit(self, X, y, sample_weight=None):
        _SpyLR.seen.append(None if sample_weight is None else np.asarray(sample_weight))
        self.clf_ = LogisticRegression(max_iter=500).fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.clf_.classes_
        return self

    def predict_proba(self, X):
        return self.clf_.predict_proba(X)


def _spied_context():
    sentence = Pipeline([("features", TfidfVectorizer()), ("clf", _SpyLR())])
    return ArticleContextClassifier(sentence, _SpyLR(), n_folds=3)


def test_sample_weight_reaches_every_fit_row_by_row():
    texts, labels, groups, breaks = _flat(ARTICLES)
    weights = np.arange(1.0, len(texts) + 1)
    _SpyLR.seen.clear()
    _spied_context().fit(texts, labels, groups=groups, breaks=breaks, sample_weight=weights)
    folds = GroupKFold(n_splits=3).split(texts, labels, groups)
    expected = [weights, *(weights[train] for train, _ in folds), weights]
    assert len(_SpyLR.seen) == len(expected)  # full sentence fit, 3 folds, context stage
    for seen, want in zip(_SpyLR.seen, expected, strict=True):
        np.testing.assert_array_equal(seen, want)


def test_unit_weights_change_nothing():
    texts, labels, groups, breaks = _flat(ARTICLES)
    sizes = [groups.count(g) for g in dict.fromkeys(groups)]
    layout = {"groups": groups, "breaks": breaks}
    model = tfidf_context_v1(min_df=1, n_folds=3, random_state=0)
    unweighted = clone(model).fit(texts, labels, **layout)
    ones = clone(model).fit(texts, labels, **layout, sample_weight=np.ones(len(texts)))
    np.testing.assert_allclose(
        ones.predict_proba_articles(texts, sizes), unweighted.predict_proba_articles(texts, sizes)
    )


@pytest.mark.parametrize("weights", [np.ones(3), np.ones((2, 2))], ids=["length", "shape"])
def test_sample_weight_of_the_wrong_size_is_refused(weights):
    texts, labels, _, _ = _flat(ARTICLES)
    with pytest.raises(ValueError, match="sample"):
        _spied_context().fit(texts, labels, sample_weight=weights)


def test_context_run_saves_reloads_and_predicts_identically(tmp_path):
    run_dir = run_config(
        write_config(tmp_path, model="tfidf_context.v1", params="min_df = 1\nn_folds = 3")
    )[0]
    model = load_model(run_dir / "model")
    text = ARTICLES[1]["text"]
    first = model.label_article(text)
    again = load_model(run_dir / "model").label_article(text)
    assert [s.scores for s in first.sentences] == [s.scores for s in again.sentences]
    predictions = [json.loads(line) for line in (run_dir / "predictions.jsonl").open()]
    assert {p["split"] for p in predictions} == {"test", "ood"}


def test_context_features_skip_empty_articles_and_mark_old_years():
    proba = np.full((4, 5), 0.2)
    texts = ["Bombers struck in 1972.", "Car bombs", "A new attack in 2022.", "Share this"]
    with_empty = context_features(proba, [3, 0, 1], texts, [True, True, False, True])
    without = context_features(proba, [3, 1], texts, [True, True, False, True])
    np.testing.assert_array_equal(with_empty, without)
    before = with_empty[:, -2]  # "its earliest year lies before the article's latest"
    assert before.tolist() == [1.0, 0.0, 0.0, 0.0]
