"""Weak supervision: LF weights from labelled data, excluded ids, output readable as data."""

import json

from research.cli import main
from research.data import read_rows, to_examples
from research.weak import lf_weights, weak_label
from tests.conftest import TINY_CORPUS

NEWS = [
    {"id": "keep", "text": "Gunmen attacked a bus on Monday. The army denied it."},
    {"id": "held", "text": "Rebels claimed the bombing."},
]


def test_weights_are_precisions_and_weak_lfs_drop_out():
    texts = ["Rebels claimed responsibility for the attack.", "They claimed responsibility."]
    weights = lf_weights(texts, ["attribution", "attribution"])
    assert weights["claimed_responsibility"] == 1.0
    weights = lf_weights(texts, ["other", "other"])
    assert weights["claimed_responsibility"] == 0.0


def test_vote_abstains_without_evidence():
    weights = {"claimed_responsibility": 0.95, "history": 0.7}
    assert (
        weak_label("The group claimed responsibility for the blast.", weights)[0] == "attribution"
    )
    assert weak_label("Stocks rose on Monday.", weights) is None


def test_cli_excludes_ids_and_writes_sentence_rows(tmp_path, capsys):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        json.dumps({"id": "keep", "text": "No group claimed the bombing. Editing by Jane Roe"})
        + "\n"
        + json.dumps({"id": "held", "text": "Nobody claimed the attack."})
        + "\n"
        + json.dumps({"id": "dup", "dup_of": "keep", "text": "No group claimed it."})
        + "\n"
    )
    (tmp_path / "holdout.txt").write_text("held\n")
    out = tmp_path / "weak.jsonl"
    holdout = tmp_path / "holdout.txt"
    assert _weak(corpus, "--exclude-ids", holdout, "--labelled", TINY_CORPUS, "--output", out) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["group"] for r in rows} == {"keep"}
    assert len(to_examples(read_rows(out))) == len(rows)
    assert '"excluded": 1' in capsys.readouterr().out


def _weak(corpus, *args):
    """Exit code of ``research --quiet weak --corpus CORPUS ARGS...``."""
    return main(["--quiet", "weak", "--corpus", str(corpus), *map(str, args)])


def _news(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in NEWS))
    (tmp_path / "holdout.txt").write_text("held\n")
    return corpus, tmp_path / "holdout.txt"


def test_a_model_labels_sentences_and_skips_held_out_ids(tiny_run, tmp_path):
    corpus, holdout = _news(tmp_path)
    out = tmp_path / "teacher.jsonl"
    model = tiny_run / "model"
    args = ("--exclude-ids", holdout, "--model", model, "--min-score", 0, "--output", out)
    assert _weak(corpus, *args) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["keep#0", "keep#1"]
    assert len(to_examples(read_rows(out))) == 2


def test_min_score_keeps_only_confident_sentences(tiny_run, tmp_path):
    from research import load_model
    from research.weak import model_label_corpora

    corpus, _ = _news(tmp_path)
    model = load_model(tiny_run / "model")
    every, _ = model_label_corpora([corpus], model, min_score=0.0)
    confident, _ = model_label_corpora([corpus], model, min_score=0.99)
    assert len(every) == 3 and len(confident) < 3
    assert all(r["score"] >= 0.99 for r in confident)


def test_min_score_outside_zero_one_is_refused(tiny_run, tmp_path, capsys):
    corpus, _ = _news(tmp_path)
    args = ("--model", tiny_run / "model", "--min-score", 1.5, "--output", tmp_path / "x.jsonl")
    assert _weak(corpus, *args) == 2
    assert "between 0 and 1" in capsys.readouterr().err
