"""Shared fixtures. Nothing here reaches the network: Hub access is switched off."""

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
TINY_CORPUS = DATA / "tiny_corpus.jsonl"
TINY_SENTENCES = DATA / "tiny_sentences.jsonl"


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("RESEARCH_CACHE", str(tmp_path_factory.getbasetemp() / "hf-cache"))


def write_config(
    directory,
    body="",
    *,
    name="tiny",
    data=TINY_CORPUS,
    model="tfidf_logreg.v1",
    params="min_df = 1",
    evals='splits = ["test", "ood"]\nbootstrap = 50',
):
    """Write a small config into ``directory`` and return its path."""
    path = Path(directory) / f"{name}.toml"
    seeds = "" if body.startswith("seeds") else "seeds = [3]\n"
    path.write_text(
        f'name = "{name}"\n{seeds}output_dir = "runs"\n{body}\n'
        f'[data]\npath = "{data}"\n\n[model]\nname = "{model}"\n\n[model.params]\n{params}\n\n'
        f"[eval]\n{evals}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def tiny_config(tmp_path):
    return write_config(tmp_path)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One completed run on the tiny corpus, shared by read-only tests."""
    from research.experiment import run_config

    directory = tmp_path_factory.mktemp("tiny-run")
    return run_config(write_config(directory))[0]


def edit_metadata(model_dir, **changes):
    """Rewrite a model's metadata.json with ``changes`` (``sklearn=`` sets its version)."""
    path = Path(model_dir) / "metadata.json"
    meta = json.loads(path.read_text())
    for key, value in changes.items():
        if key == "sklearn":
            meta["versions"]["scikit-learn"] = value
        else:
            meta[key] = value
    path.write_text(json.dumps(meta))
