"""Shared fixtures. Nothing here reaches the network: Hub access is switched off."""

import json
import os
from pathlib import Path

import pytest

# Assigned, not defaulted: huggingface_hub reads these once, when it is first imported,
# and a caller's HF_HUB_OFFLINE=0 must not let a test reach the network.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
TINY_CORPUS = DATA / "tiny_corpus.jsonl"
TINY_SENTENCES = DATA / "tiny_sentences.jsonl"


@pytest.fixture(scope="session", autouse=True)
def _cache(tmp_path_factory):
    """A data cache of the test session's own, set before any session fixture (tiny_run)
    runs, so no test reads or writes the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESEARCH_CACHE", str(tmp_path_factory.getbasetemp() / "hf-cache"))
        yield


def config_text(
    *,
    name='"tiny"',
    seeds="[3]",
    top="",
    data=TINY_CORPUS,
    data_keys="",
    model="tfidf_logreg.v1",
    params="min_df = 1",
    evals='splits = ["test", "ood"]\nbootstrap = 20',
):
    """The text of a small config; values go in as TOML source (``seeds=None``: no line)."""
    seeds_line = "" if seeds is None else f"seeds = {seeds}\n"
    return (
        f'name = {name}\n{seeds_line}output_dir = "runs"\n{top}\n\n'
        f'[data]\npath = "{data}"\n{data_keys}\n\n[model]\nname = "{model}"\n\n'
        f"[model.params]\n{params}\n\n[eval]\n{evals}\n"
    )


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
    """Write a small config (``body``: top-level TOML lines) into ``directory``; its path."""
    path = Path(directory) / f"{name}.toml"
    text = config_text(
        name=f'"{name}"',
        seeds=None if body.startswith("seeds") else "[3]",
        top=body,
        data=data,
        model=model,
        params=params,
        evals=evals,
    )
    path.write_text(text, encoding="utf-8")
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
