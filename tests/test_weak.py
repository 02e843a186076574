"""Weak supervision: LF weights from labelled data, excluded ids, output readable as data."""

import json

from research.cli import main
from research.data import read_rows, to_examples
from research.weak import lf_weights, weak_label
from tests.conftest import TINY_CORPUS


def test_weights_are_precisions_and_weak_lfs_drop_out():
    texts = ["Rebels claimed responsibility for the attack.", "They claimed responsibility."]
    weights = lf_weights(texts, ["attribution", "attribution"])
    assert weights["claimed_responsibility"] == 1.0
    weights = lf_weights(texts, ["other", "other"])
    assert weights["claimed_responsibility"] == 0.0


def test_vote_abstains_without_evidence():
    weights = {"claimed_responsibility": 0.95, "history": 0.7}
    assert weak_label("The group claimed responsibility for the blast.", weights)[0] == \
        "attribution"
    assert weak_label("Stocks rose on Monday.", weights) is None


def test_cli_excludes_ids_and_writes_sentence_rows(tmp_path, capsys):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        json.dumps({"id": "keep", "text": "No group claimed the bombing. Editing by Jane Roe"})
        + "\n" + json.dumps({"id": "held", "text": "Nobody claimed the attack."}) + "\n"
        + json.dumps({"id": "dup", "dup_of": "keep", "text": "No group claimed it."}) + "\n")
    (tmp_path / "holdout.txt").write_text("held\n")
    out = tmp_path / "weak.jsonl"
    assert main(["--quiet", "weak", "--corpus", str(corpus), "--exclude-ids",
                 str(tmp_path / "holdout.txt"), "--labelled", str(TINY_CORPUS), "--output",
                 str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["group"] for r in rows} == {"keep"}
    assert len(to_examples(read_rows(out))) == len(rows)
    assert '"excluded": 1' in capsys.readouterr().out
