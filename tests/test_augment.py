"""Training-data augmentation: seeded, label-preserving, never on evaluated rows."""

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.augment import AUGMENTERS, augment_rows
from research.config import load_config
from research.errors import ConfigError
from research.experiment import run_config
from tests.conftest import write_config

TEXTS = [
    "Gunmen attacked a bus in the north of the country on Monday morning.",
    "The army denied that any soldier had fired on the crowd that day.",
    "Share this",
    "Rebels claimed the bombing of the pipeline near the border town.",
] * 25
LABELS = ["attack_report", "official_denial", "other", "attribution"] * 25


def test_same_seed_same_copies_and_labels_kept():
    rows, counts = augment_rows(TEXTS, LABELS, {"furniture": 0.5, "upper": 0.2}, seed=3)
    assert (rows, counts) == augment_rows(TEXTS, LABELS, {"furniture": 0.5, "upper": 0.2}, 3)
    assert rows != augment_rows(TEXTS, LABELS, {"furniture": 0.5, "upper": 0.2}, 4)[0]
    originals = dict(zip(TEXTS, LABELS, strict=True))
    for text, label in rows:
        source = [t for t in originals if t in text or t.upper() == text]
        assert source and originals[max(source, key=len)] == label  # "Share this" in a suffix
    assert sum(counts.values()) == len(rows)


def test_furniture_is_never_added_to_other():
    rows, _ = augment_rows(TEXTS, LABELS, {"furniture": 1.0}, seed=0)
    assert len(rows) == 75 and "other" not in {label for _, label in rows}


def test_short_sentences_are_not_truncated():
    rows, counts = augment_rows(
        ["Share this", "Gunmen fired."], ["other", "attack_report"], {"truncate": 1.0}, seed=0
    )
    assert rows == [] and counts == {"truncate": 0}


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(sorted(AUGMENTERS)), st.integers(0, 2**32 - 1))
def test_augmenters_keep_the_text_they_change(text, name, seed):
    function, _ = AUGMENTERS[name]
    new = function(text, random.Random(seed))
    if name == "furniture":
        assert text in new
    elif name == "upper":
        assert new == text.upper()
    elif new is not None:
        assert new.endswith(" ...") and text.split()[: len(new.split()) - 1] == new.split()[:-1]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("augment = { shuffle = 0.1 }", "unknown key 'data.augment.shuffle'"),
        ("augment = { furniture = 0 }", "'data.augment.furniture' must be a share"),
        ("augment = { upper = 1.5 }", "'data.augment.upper' must be a share"),
        ('augment = { upper = "a lot" }', "'data.augment.upper' must be a share"),
    ],
)
def test_bad_augment_tables_name_the_key(tmp_path, table, message):
    path = write_config(tmp_path)
    path.write_text(path.read_text().replace("[data]\n", f"[data]\n{table}\n"))
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "evals",
    [
        'splits = ["test", "ood"]\nbootstrap = 0',
        'strategy = "group_kfold"\nfolds = 3\nbootstrap = 0',
    ],
)
def test_runs_record_copies_and_never_evaluate_them(tmp_path, evals):
    path = write_config(
        tmp_path, model="tfidf_context.v1", params="min_df = 1\nn_folds = 2", evals=evals
    )
    path.write_text(path.read_text().replace("[data]\n", "[data]\naugment = { furniture = 0.5 }\n"))
    plain = write_config(
        tmp_path,
        name="plain",
        model="tfidf_context.v1",
        params="min_df = 1\nn_folds = 2",
        evals=evals,
    )
    run, base = run_config(path)[0], run_config(plain)[0]
    counts = json.loads((run / "run.json").read_text())["data"]["augmented"]
    assert counts["furniture"] > 0
    assert "augmented" not in json.loads((base / "run.json").read_text())["data"]
    ids = [json.loads(line)["id"] for line in (run / "predictions.jsonl").open()]
    assert ids == [json.loads(line)["id"] for line in (base / "predictions.jsonl").open()]
