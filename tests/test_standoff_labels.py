"""The real-news labels in experiments/real_annotated/ stay standoff: ids, offsets and labels
of other people's text, never the text itself (it must not be copied into the project)."""

import json

import pytest

from research.labels import SENTENCE_LABELS
from tests.conftest import ROOT

FILES = sorted((ROOT / "experiments" / "real_annotated").glob("*.jsonl"))
KEYS = {"sid", "item", "source", "kind", "start", "end", "label"}
HOLDOUT = ROOT.parent / "shared" / "eval" / "holdout_ids.txt"


def _rows(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_label_files_exist():
    assert len(FILES) >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rows_hold_no_text(path):
    for row in _rows(path):
        assert set(row) == KEYS, row.get("sid")
        assert row["label"] in SENTENCE_LABELS
        assert 0 <= row["start"] < row["end"]
        assert row["sid"].rpartition("#")[0] == row["item"]


@pytest.mark.skipif(not HOLDOUT.is_file(), reason="../shared is not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_held_out_item(path):
    held_out = set(HOLDOUT.read_text(encoding="utf-8").split())
    assert not {row["item"] for row in _rows(path)} & held_out
