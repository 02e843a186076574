import pytest

from research.metrics import (
    article_scores,
    calibration_scores,
    paired_bootstrap,
    sentence_scores,
)

LABELS = ("a", "b", "c")


def test_sentence_scores_match_hand_computed_values():
    result = sentence_scores(
        ["a", "a", "b", "b"],
        ["a", "b", "b", "b"],
        ["g1", "g1", "g2", "g3"],
        labels=("a", "b"),
        n_bootstrap=0,
    )
    assert result["accuracy"] == 0.75
    assert result["per_label"]["a"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3, abs=1e-6),
        "support": 2,
        "f1_ci": None,
    }
    assert result["per_label"]["b"]["precision"] == pytest.approx(2 / 3, abs=1e-6)
    assert result["per_label"]["b"]["f1"] == 0.8
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2, abs=1e-6)
    assert result["confusion"]["matrix"] == [[1, 1], [0, 2]]


def test_bootstrap_interval_contains_the_estimate_and_is_deterministic():
    y = ["a", "b", "c"] * 20
    p = ["a", "b", "b"] * 20
    groups = [str(i // 3) for i in range(60)]
    one = sentence_scores(y, p, groups, labels=LABELS, n_bootstrap=200, seed=1)
    two = sentence_scores(y, p, groups, labels=LABELS, n_bootstrap=200, seed=1)
    assert one == two
    low, high = one["ci"]["macro_f1"]
    assert low <= one["macro_f1"] <= high


def test_label_without_gold_examples_warns_and_reports_zero_support():
    with pytest.warns(UserWarning, match="no gold examples for c"):
        result = sentence_scores(["a", "b"], ["a", "b"], ["1", "2"], labels=LABELS, n_bootstrap=10)
    assert result["per_label"]["c"]["support"] == 0
    assert result["macro_f1"] == 1.0


def test_article_scores_by_hand():
    true = [("attack_report", "attribution"), ("background_context",)]
    pred = [("attack_report",), ("background_context", "official_denial")]
    result = article_scores(true, pred, n_bootstrap=0)
    # pairs: tp 2, fp 1, fn 1 -> micro F1 = 4 / 6
    assert result["micro_f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert result["exact_match"] == 0.0
    assert result["per_label_f1"]["attack_report"] == 1.0


def test_paired_bootstrap_prefers_the_better_system():
    y = ["a", "b", "c"] * 30
    good, bad = list(y), ["a"] * 90
    groups = [str(i) for i in range(90)]
    result = paired_bootstrap(y, good, bad, groups, labels=LABELS, n_bootstrap=300)
    assert result["delta"] > 0.5 and result["p_value"] < 0.01
    same = paired_bootstrap(y, good, good, groups, labels=LABELS, n_bootstrap=100)
    assert same["delta"] == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reliability_table_is_the_ece_broken_down(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    classes = ["a", "b", "c"]
    proba = rng.dirichlet([0.5, 0.5, 0.5], size=400)
    y = rng.choice(classes, size=400)
    scores = calibration_scores(y, proba, classes)
    table = scores["reliability"]
    assert sum(row["n"] for row in table) == 400
    assert [row["low"] for row in table] == sorted(row["low"] for row in table)
    assert all(row["low"] <= row["confidence"] <= row["high"] for row in table)
    gaps = sum(row["n"] * abs(row["accuracy"] - row["confidence"]) for row in table) / 400
    assert scores["ece"] == pytest.approx(gaps, abs=1e-3)
