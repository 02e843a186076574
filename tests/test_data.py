"""Data loading through `datasets`: local formats, column mapping, the Hub code path."""

import json
import time

import pytest

from research.data import read_rows, to_examples
from research.errors import DataError

ROWS = [
    {"sentence": "Gunmen attacked a bus.", "gold": "attack_report", "doc": "d1"},
    {"sentence": "The army denied it.", "gold": "official_denial", "doc": "d1"},
    {"sentence": "Stocks rose.", "gold": "other", "doc": "d2"},
]
MAPPING = {"text": "sentence", "label": "gold", "group": "doc"}


def _write(path, fmt):
    import pandas as pd  # comes with datasets

    frame = pd.DataFrame(ROWS)
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    elif fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_local_formats_with_column_mapping(tmp_path, fmt):
    dataset = read_rows(_write(tmp_path / f"rows.{fmt}", fmt))
    examples = to_examples(dataset, MAPPING)
    assert examples.texts == [r["sentence"] for r in ROWS]
    assert examples.groups == ["d1", "d1", "d2"]


def test_hub_code_path_with_a_local_dataset_folder(tmp_path):
    # load_dataset(<id>, revision=...) is the Hub call; a local folder takes the same path.
    _write(tmp_path / "train.jsonl", "jsonl")
    dataset = read_rows(hub_id=str(tmp_path), revision="main", hub_split="train")
    assert len(to_examples(dataset, MAPPING)) == 3


def test_hub_name_offline_fails_fast_with_a_data_error(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    with pytest.raises(DataError, match="cannot read data"):
        read_rows(hub_id="no-such-org/no-such-dataset", revision="0" * 40)
    assert time.perf_counter() - started < 20


def test_mapping_to_a_missing_column(tmp_path):
    dataset = read_rows(_write(tmp_path / "rows.jsonl", "jsonl"))
    with pytest.raises(DataError, match="column 'nope'"):
        to_examples(dataset, {"text": "nope"})
