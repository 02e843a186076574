"""Config mistakes are one-line ConfigErrors in TOML terms that name the file and the key."""

import dataclasses
import re

import pytest

from research.config import _SECTIONS, ExperimentConfig, load_config
from research.errors import ConfigError
from research.experiment import run_config
from tests.conftest import TINY_CORPUS, TINY_SENTENCES, config_text

QUICK = 'splits = ["test"]\nbootstrap = 5'
# Python spellings that must not reach a user; "float" is a TOML type name too.
PYTHON_TYPES = re.compile(r"\b(tuple|str|int|bool|dict|list\[|NoneType|typing|datetime)\b")


def write(directory, config):
    """Write ``config`` (raw TOML text, or :func:`config_text` keywords) as c.toml."""
    path = directory / "c.toml"
    text = config if isinstance(config, str) else config_text(**config)
    path.write_text(text, encoding="utf-8")
    return path


def check_message(err, path, key, fragment):
    message = str(err.value)
    assert message.startswith(f"{path}: ") and len(message.splitlines()) == 1
    assert key in message and fragment in message
    assert not PYTHON_TYPES.search(message.removeprefix(f"{path}: "))


@pytest.mark.parametrize(
    ("config", "key", "fragment"),
    [
        pytest.param(
            {"seeds": "13"},
            "'seeds'",
            "must be a list of integers, e.g. seeds = [13]; got 13",
            id="seeds_not_list",
        ),
        pytest.param(
            {"evals": 'splits = "test"'},
            "'eval.splits'",
            'must be a list of strings, e.g. splits = ["test"]; got "test"',
            id="splits_not_list",
        ),
        pytest.param(
            {"evals": 'bootstrap = "many"'},
            "'eval.bootstrap'",
            'must be integer, e.g. bootstrap = 1000; got "many"',
            id="bootstrap_string",
        ),
        pytest.param(
            {"data_keys": "shared = 1"},
            "'data.shared'",
            "must be true or false, e.g. shared = false; got 1",
            id="shared_not_boolean",
        ),
        pytest.param(
            {"params": "word_ngrams = [1, 2, 3]"},
            "'model.params.word_ngrams'",
            "must be a list of 2 integers, e.g. word_ngrams = [1, 2]; got [1, 2, 3]",
            id="ngrams_wrong_length",
        ),
        pytest.param(
            'name = "x"\n',
            "data.path",
            "[data] needs exactly one of data.path (a local file) and data.hub_id",
            id="no_data_table",
        ),
        pytest.param(
            {"evals": 'strategy = "group_kfold"\nsplits = ["test", "ood"]'},
            "'eval.splits'",
            'only applies to strategy = "split"; remove it',
            id="kfold_with_splits",
        ),
    ],
)
def test_load_time_messages(tmp_path, config, key, fragment):
    path = write(tmp_path, config)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    check_message(err, path, key, fragment)


def _wrong_type_cases():
    """Every config key (sections included) set to a TOML date, which no key accepts."""
    tables = {"": ExperimentConfig, **_SECTIONS}
    return [
        pytest.param(table, f.name, id=f"{table}.{f.name}".strip("."))
        for table, cls in tables.items()
        for f in dataclasses.fields(cls)
        if f.name not in {"source", *_SECTIONS}
    ]


@pytest.mark.parametrize(("table", "key"), _wrong_type_cases())
def test_every_wrong_type_speaks_toml(tmp_path, table, key):
    lines = {"": {"name": '"x"'}, "data": {"path": '"d.jsonl"'}}
    lines.setdefault(table, {})[key] = "2020-01-01"
    text = "\n".join(
        (f"[{name}]\n" if name else "") + "".join(f"{k} = {v}\n" for k, v in keys.items())
        for name, keys in lines.items()
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    dotted = f"{table}.{key}".strip(".")
    check_message(err, path, f"'{dotted}' must be", "got 2020-01-01")


@pytest.mark.parametrize(
    ("config", "key", "fragment"),
    [
        pytest.param(
            {"evals": 'splits = ["test", "od"]\nbootstrap = 5'},
            "'eval.splits'",
            "names split 'od', which the data does not have; choose from its splits that are "
            "not trained on: dev, ood, test",
            id="eval_split_absent",
        ),
        pytest.param(
            {"top": '[decision]\ntune = true\nsplit = "nosuch"', "evals": QUICK},
            "'decision.split'",
            "names split 'nosuch', which the data does not have; choose from",
            id="decision_split_absent",
        ),
        pytest.param(
            {"top": '[decision]\ntemperature = true\nsplit = "nosuch"', "evals": QUICK},
            "'decision.split'",
            "names split 'nosuch', which the data does not have; choose from",
            id="temperature_split_absent",
        ),
        pytest.param(
            {"data": TINY_SENTENCES, "data_keys": 'unit = "article"', "evals": QUICK},
            "'data.unit'",
            "has sentence rows, not articles with full text and a 'sentences' column",
            id="article_unit_on_sentence_rows",
        ),
    ],
)
def test_messages_once_the_data_is_read(tmp_path, config, key, fragment):
    path = write(tmp_path, config)
    with pytest.raises(ConfigError) as err:
        run_config(path)
    check_message(err, path, key, fragment)
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(
            {"evals": 'strategy = "group_kfold"\nfolds = 2\nbootstrap = 5'},
            id="kfold_default_splits",
        ),
        pytest.param(
            {"data": TINY_CORPUS, "data_keys": 'unit = "article"', "evals": QUICK},
            id="article_unit_on_corpus_rows",
        ),
    ],
)
def test_what_still_runs(tmp_path, config):
    assert run_config(write(tmp_path, {"params": "min_df = 1", **config}))[0].is_dir()
