"""The hardening catalogue: malformed inputs, each with one clear, tested outcome.

Every case is a row of docs/HARDENING.md (``test_docs_list_every_case`` keeps the two in
step). Outcomes through the CLI: exit 2 and one line on stderr starting ``research: error:``
for usage, config, data and model-file errors; exit 1 and line-numbered reports for partly
bad input to ``research predict`` or ``research corpus validate``; never a traceback; no run
directory (not even a ``.tmp-`` one) and no output file left behind by a failure.
"""

import copy
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.cli import main
from tests.conftest import ROOT, TINY_CORPUS, TINY_SENTENCES, config_text, edit_metadata

ARTICLES = [json.loads(line) for line in TINY_CORPUS.open(encoding="utf-8")]
SENTENCE_ROWS = [json.loads(line) for line in TINY_SENTENCES.open(encoding="utf-8")]
SEED_TEXT = (ROOT / "seeds" / "000_4029b564ad4463c3.txt").read_text(encoding="utf-8")
LABELS = {"attack_report", "attribution", "official_denial", "background_context", "other"}

#: (test id, input, expected outcome): the rows of docs/HARDENING.md.
CATALOGUE = []


def case(test, case_id, what, outcome, *values):
    """Register a catalogue row for ``test`` and return its pytest parameter set."""
    CATALOGUE.append((f"{test}[{case_id}]", what, outcome))
    return pytest.param(*values, id=case_id)


def row(test, what, outcome):
    """Register a catalogue row for a test that is not parametrized."""
    CATALOGUE.append((test, what, outcome))


def cli(capsys, *argv):
    """Run the CLI in-process; return (exit code, stdout, stderr). Never a traceback."""
    try:
        code = main(["--quiet", *map(str, argv)])
    except SystemExit as exc:  # argparse exits for usage errors
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def assert_error(code, err, fragment):
    """Exit 2 and exactly one stderr line: ``research: error: ...`` containing ``fragment``."""
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("research: error:"), err
    assert fragment in lines[0], err


def leftovers(root):
    """Whatever a run left under ``root`` (``.tmp-`` folders included)."""
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def write_lines(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def edited(edit):
    """A deep copy of the tiny corpus with ``edit`` applied to its list of articles."""
    articles = copy.deepcopy(ARTICLES)
    edit(articles)
    return articles


# --------------------------------------------------------------------------- configs

T = "test_bad_config_is_one_line_exit_2_and_leaves_no_run"
CONFIG_CASES = [
    case(
        T,
        "toml_syntax",
        "TOML syntax error (unclosed list)",
        "exit 2: not valid TOML",
        'name = "x"\nseeds = [3\n',
        "not valid TOML",
    ),
    case(
        T,
        "unknown_key",
        "unknown top-level key `colour`",
        "exit 2: unknown key 'colour'",
        {"top": 'colour = "red"'},
        "unknown key 'colour'",
    ),
    case(
        T,
        "misspelt_key",
        "misspelt key `[eval] bootstap`",
        "exit 2: unknown key, did you mean 'eval.bootstrap'",
        {"evals": 'splits = ["test"]\nbootstap = 20'},
        "did you mean 'eval.bootstrap'",
    ),
    case(
        T,
        "misspelt_section",
        "misspelt section `[modle]`",
        "exit 2: unknown key, did you mean 'model'",
        {"top": '[modle]\nname = "x"'},
        "did you mean 'model'",
    ),
    case(
        T,
        "unknown_model_param",
        "model parameter the factory does not take",
        "exit 2: unknown key 'model.params.learning_rate'",
        {"params": "learning_rate = 0.1"},
        "unknown key 'model.params.learning_rate'",
    ),
    case(
        T,
        "missing_name",
        "config without the required `name`",
        "exit 2: missing required key 'name'",
        'seeds = [3]\n[data]\npath = "x.jsonl"\n',
        "missing required key 'name'",
    ),
    case(
        T,
        "section_not_table",
        '`data = "file"` instead of a `[data]` table',
        "exit 2: 'data' must be a table",
        'name = "x"\ndata = "c.jsonl"\n',
        "'data' must be a table",
    ),
    case(
        T,
        "seeds_string",
        'wrong type: `seeds = "13"`',
        "exit 2: 'seeds' must be ...",
        {"seeds": '"13"'},
        "'seeds' must be",
    ),
    case(
        T,
        "bootstrap_string",
        'wrong type: `bootstrap = "many"`',
        "exit 2: 'eval.bootstrap' must be integer, e.g. bootstrap = 1000",
        {"evals": 'splits = ["test"]\nbootstrap = "many"'},
        "'eval.bootstrap' must be integer, e.g. bootstrap = 1000",
    ),
    case(
        T,
        "test_size_string",
        'wrong type: `test_size = "0.2"`',
        "exit 2: 'data.test_size' must be float or integer",
        {"data_keys": 'test_size = "0.2"'},
        "'data.test_size' must be float or integer",
    ),
    case(
        T,
        "param_string",
        'wrong type: `C = "high"`',
        "exit 2: 'model.params.C' must be float or integer, e.g. C = 4.0",
        {"params": 'C = "high"'},
        "'model.params.C' must be float or integer, e.g. C = 4.0",
    ),
    case(
        T,
        "empty_name",
        '`name = ""`',
        "exit 2: 'name' must not be empty",
        {"name": '""'},
        "'name' must not be empty",
    ),
    case(
        T,
        "name_with_slash",
        '`name = "../escape"` (would leave the output folder)',
        "exit 2: 'name' names run directories: no '/' ...",
        {"name": '"../escape"'},
        "'name' names run directories",
    ),
    case(
        T,
        "no_seeds",
        "`seeds = []`",
        "exit 2: 'seeds' needs at least one seed",
        {"seeds": "[]"},
        "'seeds' needs at least one seed",
    ),
    case(
        T,
        "negative_seed",
        "`seeds = [-1]`",
        "exit 2: 'seeds' must be between 0 and 2^32-1",
        {"seeds": "[-1]"},
        "'seeds' must be between 0 and",
    ),
    case(
        T,
        "folds_zero",
        "`folds = 0`",
        "exit 2: 'eval.folds' must be at least 2",
        {"evals": 'strategy = "group_kfold"\nfolds = 0'},
        "'eval.folds' must be at least 2",
    ),
    case(
        T,
        "folds_negative",
        "`folds = -3`",
        "exit 2: 'eval.folds' must be at least 2",
        {"evals": 'strategy = "group_kfold"\nfolds = -3'},
        "'eval.folds' must be at least 2",
    ),
    case(
        T,
        "folds_over_articles",
        "`folds = 50` with 12 articles",
        "exit 2: 12 articles cannot fill 50 folds",
        {"evals": 'strategy = "group_kfold"\nfolds = 50'},
        "cannot fill 50 folds",
    ),
    case(
        T,
        "bootstrap_negative",
        "`bootstrap = -1`",
        "exit 2: 'eval.bootstrap' must be 0 or more",
        {"evals": 'splits = ["test"]\nbootstrap = -1'},
        "'eval.bootstrap' must be 0 (off)",
    ),
    case(
        T,
        "test_size_zero",
        "`test_size = 0`",
        "exit 2: 'data.test_size' must be in (0, 1)",
        {"data_keys": "test_size = 0"},
        "'data.test_size' must be between 0 and 1",
    ),
    case(
        T,
        "test_size_negative",
        "`test_size = -0.2`",
        "exit 2: 'data.test_size' must be in (0, 1)",
        {"data_keys": "test_size = -0.2"},
        "'data.test_size' must be between 0 and 1",
    ),
    case(
        T,
        "test_size_above_one",
        "`test_size = 1.5`",
        "exit 2: 'data.test_size' must be in (0, 1)",
        {"data_keys": "test_size = 1.5"},
        "'data.test_size' must be between 0 and 1",
    ),
    case(
        T,
        "confidence_one",
        "`confidence = 1.0`",
        "exit 2: 'eval.confidence' must be in (0, 1)",
        {"evals": 'splits = ["test"]\nconfidence = 1.0'},
        "'eval.confidence' must be between",
    ),
    case(
        T,
        "min_df_zero",
        "`min_df = 0`",
        "exit 2: model cannot be fitted: min_df ...",
        {"params": "min_df = 0"},
        "cannot be fitted: The 'min_df' parameter",
    ),
    case(
        T,
        "min_df_negative",
        "`min_df = -2`",
        "exit 2: model cannot be fitted: min_df ...",
        {"params": "min_df = -2"},
        "cannot be fitted: The 'min_df' parameter",
    ),
    case(
        T,
        "train_batch_size_zero",
        "`[train] batch_size = 0`",
        "exit 2: 'train.batch_size' must be at least 1",
        {"top": "[train]\nbatch_size = 0"},
        "'train.batch_size' must be at least 1",
    ),
    case(
        T,
        "ngram_range_reversed",
        "`word_ngrams = [2, 1]`",
        "exit 2: model cannot be fitted",
        {"params": "word_ngrams = [2, 1]"},
        "cannot be fitted",
    ),
    case(
        T,
        "C_negative",
        "`C = -1.0`",
        "exit 2: model cannot be fitted: C ...",
        {"params": "C = -1.0"},
        "cannot be fitted: The 'C' parameter",
    ),
    case(
        T,
        "unregistered_model",
        '`model.name = "tfidf_logreg.v9"` (not registered)',
        "exit 2: unknown model ... (registered: ...)",
        {"model": "tfidf_logreg.v9", "params": ""},
        "unknown model 'model.name = tfidf_logreg.v9'",
    ),
    case(
        T,
        "unknown_strategy",
        '`strategy = "kfold"`',
        "exit 2: 'eval.strategy' must be one of",
        {"evals": 'strategy = "kfold"'},
        "'eval.strategy' must be one of",
    ),
    case(
        T,
        "unknown_unit",
        '`unit = "paragraph"`',
        "exit 2: 'data.unit' must be one of",
        {"data_keys": 'unit = "paragraph"'},
        "'data.unit' must be one of",
    ),
    case(
        T,
        "path_and_hub_id",
        "both `data.path` and `data.hub_id`",
        "exit 2: [data] sets both data.path and data.hub_id; give exactly one",
        {"data_keys": 'hub_id = "org/x"\nrevision = "abc"'},
        "sets both data.path and data.hub_id",
    ),
    case(
        T,
        "unknown_column_key",
        '`columns = {txt = "sentence"}`',
        "exit 2: 'data.columns' keys must be among ...",
        {"data_keys": 'columns = { txt = "sentence" }'},
        "'data.columns' keys must be among",
    ),
    case(
        T,
        "eval_split_absent",
        '`splits = ["nosuch"]`, a split the data lacks',
        "exit 2: 'eval.splits' names split 'nosuch', which the data does not have",
        {"evals": 'splits = ["nosuch"]'},
        "'eval.splits' names split 'nosuch'",
    ),
    case(
        T,
        "non_utf8_config",
        "config file with non-UTF-8 bytes",
        "exit 2: cannot read config",
        b'name = "caf\xe9"\n',
        "cannot read config",
    ),
    case(
        T,
        "decision_on_test",
        '`[decision] split = "test"`, an evaluated split',
        "exit 2: 'decision.split' must not be an evaluated split",
        {"top": '[decision]\ntune = true\nsplit = "test"'},
        "'decision.split' must not be",
    ),
    case(
        T,
        "decision_min_gain",
        "`[decision] min_gain = 2`",
        "exit 2: 'decision.min_gain' must be between 0 and 1",
        {
            "top": '[decision]\ntune = true\nsplit = "dev"\nmin_gain = 2.0',
            "evals": 'splits = ["test"]\nbootstrap = 20',
        },
        "'decision.min_gain' must be",
    ),
    case(
        T,
        "decision_split_absent",
        '`[decision] split = "nosuch"`, a split the data lacks',
        "exit 2: 'decision.split' names split 'nosuch', which the data does not have",
        {"top": '[decision]\ntune = true\nsplit = "nosuch"'},
        "'decision.split' names split 'nosuch'",
    ),
    case(
        T,
        "train_on_eval_split",
        '`train_splits = ["train", "test"]` with `test` evaluated',
        "exit 2: 'eval.splits' must not name a training split",
        {"data_keys": 'train_splits = ["train", "test"]'},
        "'eval.splits' must not name a training split",
    ),
    case(
        T,
        "decision_on_train",
        '`[decision] split = "train"`, a training split',
        "exit 2: 'decision.split' must not be a training split",
        {"top": '[decision]\ntune = true\nsplit = "train"'},
        "'decision.split' must not be a training split",
    ),
    case(
        T,
        "temperature_on_test",
        '`[decision] temperature = true` with `split = "test"`, an evaluated split',
        "exit 2: 'decision.split' must not be an evaluated split (offsets or a temperature ...)",
        {"top": '[decision]\ntemperature = true\nsplit = "test"'},
        "'decision.split' must not be an evaluated split",
    ),
    case(
        T,
        "word_vector_dims_zero",
        "`tfidf_vectors_context.v1` with `dims = 0`",
        "exit 2: model.params.dims must be an integer in 1-1024, got 0",
        {"model": "tfidf_vectors_context.v1", "params": "dims = 0"},
        "model.params.dims must be an integer in 1-1024",
    ),
    case(
        T,
        "word_vector_scale_negative",
        "`tfidf_vectors_context.v1` with `scale = -1.0`",
        "exit 2: model.params.scale must be a number >= 0, got -1.0",
        {"model": "tfidf_vectors_context.v1", "params": "scale = -1.0"},
        "model.params.scale must be a number >= 0",
    ),
]


@pytest.mark.parametrize(("config", "fragment"), CONFIG_CASES)
def test_bad_config_is_one_line_exit_2_and_leaves_no_run(tmp_path, capsys, config, fragment):
    path = tmp_path / "c.toml"
    if isinstance(config, bytes):
        path.write_bytes(config)
    elif isinstance(config, str):
        path.write_text(config, encoding="utf-8")
    else:
        path.write_text(config_text(**config), encoding="utf-8")
    code, out, err = cli(capsys, "run", path)
    assert_error(code, err, fragment)
    assert str(path) in err or "cannot fill" in err or "split '" in err
    assert out == "" and leftovers(tmp_path / "runs") == []


T = "test_config_path_problems"
PATH_CASES = [
    case(
        T,
        "config_missing",
        "config path that does not exist",
        "exit 2: config file not found",
        "missing.toml",
        "config file not found",
    ),
    case(
        T,
        "config_is_directory",
        "a directory where the config file is expected",
        "exit 2: is a directory, expected a TOML config file",
        ".",
        "is a directory",
    ),
]


@pytest.mark.parametrize(("name", "fragment"), PATH_CASES)
def test_config_path_problems(tmp_path, capsys, name, fragment):
    code, _, err = cli(capsys, "run", tmp_path / name)
    assert_error(code, err, fragment)
    assert leftovers(tmp_path / "runs") == []


# ------------------------------------------------------------------------------ data


def _no_label_rows():
    return [{"id": f"s{i}", "text": f"Gunmen attacked post {i}."} for i in range(6)]


def _sentence_rows(**changes):
    rows = [
        {
            "id": f"s{i}",
            "group": f"g{i // 2}",
            "text": f"Sentence number {i} here.",
            "label": sorted(LABELS)[i % 5],
            "split": "train",
        }
        for i in range(10)
    ]
    for index, update in changes.items():
        rows[int(index[1:])].update(update)
    return rows


T = "test_bad_data_is_one_line_exit_2_and_leaves_no_run"
DATA_CASES = [
    case(
        T,
        "empty_file",
        "empty data file (0 bytes)",
        "exit 2: data file is empty",
        b"",
        "data file is empty",
    ),
    case(
        T,
        "blank_lines",
        "data file of blank lines only",
        "exit 2: data file is empty (only blank lines)",
        b"\n  \n\t\n",
        "only blank lines",
    ),
    case(
        T,
        "no_label_column",
        "rows with text but no label (and no sentences) column",
        "exit 2: no label column and no sentences column",
        _no_label_rows(),
        "no label column and no sentences column",
    ),
    case(
        T,
        "no_text_column",
        "rows with `sentence` instead of `text` (unmapped)",
        "exit 2: no text column (columns are ...); map one",
        [{"sentence": "x", "label": "other"}],
        "no text column",
    ),
    case(
        T,
        "unknown_label_rows",
        "sentence row labelled `rumour`",
        "exit 2: row 4: label 'rumour' is not one of ...",
        _sentence_rows(r3={"label": "rumour"}),
        "row 4: label 'rumour' is not one of",
    ),
    case(
        T,
        "unknown_label_article",
        "corpus sentence labelled `rumour`",
        "exit 2: article 't01': label 'rumour' is not one of ...",
        edited(lambda a: a[0]["sentences"][1].update(label="rumour")),
        "article 't01': label 'rumour'",
    ),
    case(
        T,
        "duplicate_article_ids",
        "two articles with id `t01`",
        "exit 2: duplicate id 't01'",
        edited(lambda a: a[1].update(id="t01")),
        "duplicate id 't01'",
    ),
    case(
        T,
        "duplicate_row_ids",
        "two sentence rows with id `s1`",
        "exit 2: duplicate id 's1' (row 3)",
        _sentence_rows(r2={"id": "s1"}),
        "duplicate id 's1' (row 3)",
    ),
    case(
        T,
        "offsets_past_end",
        "sentence offsets past the end of the text",
        "exit 2: offsets 0:10000 fall outside its text",
        edited(lambda a: a[0]["sentences"][0].update(end=10_000)),
        "offsets 0:10000 fall outside its text",
    ),
    case(
        T,
        "offsets_negative",
        "negative sentence offset",
        "exit 2: offsets -3:42 fall outside its text",
        edited(lambda a: a[0]["sentences"][0].update(start=-3)),
        "offsets -3:42 fall outside",
    ),
    case(
        T,
        "overlapping_spans",
        "a sentence that starts inside the one before",
        "exit 2: sentence 2 overlaps the one before",
        edited(lambda a: a[0]["sentences"][2].update(start=50)),
        "sentence 2 overlaps the one before",
    ),
    case(
        T,
        "offsets_missing",
        "a sentence without `start`",
        "exit 2: sentence 1 needs integer 'start' and 'end' offsets",
        edited(lambda a: a[0]["sentences"][1].pop("start")),
        "needs integer 'start' and 'end'",
    ),
    case(
        T,
        "article_text_null",
        "an article whose text is null",
        "exit 2: article 't01' (row 1) has no text",
        edited(lambda a: a[0].update(text=None)),
        "article 't01' (row 1) has no text",
    ),
    case(
        T,
        "sentences_not_list",
        "`sentences` a string instead of a list",
        "exit 2: sentences must be a list of {start, end, label} records",
        edited(lambda a: [x.update(sentences="s") for x in a]),
        "sentences must be a list",
    ),
    case(
        T,
        "non_utf8_data",
        "Latin-1 bytes in a JSONL data file",
        "exit 2: line 1 is not UTF-8 (... at byte 31); save the file as UTF-8",
        TINY_CORPUS.read_bytes().replace(b"Gunmen kill", b"Gunmen \xe9kill", 1),
        "line 1 is not UTF-8",
    ),
    case(
        T,
        "invalid_json",
        "a line that is not JSON",
        "exit 2: cannot read data (JSON parse error: ... in row 12)",
        TINY_CORPUS.read_bytes() + b"{nope\n",
        "cannot read data (JSON parse error",
    ),
    case(
        T,
        "raw_nul_in_json",
        "raw NUL and control bytes inside a JSON string (invalid JSON)",
        "exit 2: cannot read data (JSON parse error ...)",
        TINY_CORPUS.read_bytes().replace(b"Gunmen kill", b"Gunmen \x00\x01kill", 1),
        "cannot read data (JSON parse error",
    ),
    case(
        T,
        "row_without_text",
        "sentence row whose text is empty",
        "exit 2: row 2 has no text",
        _sentence_rows(r1={"text": "  "}),
        "row 2 has no text",
    ),
    case(
        T,
        "some_rows_without_split",
        "one article with no split, the others with one",
        "exit 2: some rows have a split and others do not",
        edited(lambda a: a[3].pop("split")),
        "some rows have a split and others do not",
    ),
    case(
        T,
        "article_in_two_splits",
        "sentences of one article in train and test",
        "exit 2: 1 articles have sentences in more than one split",
        _sentence_rows(r1={"split": "test"}),
        "have sentences in more than one split",
    ),
    case(
        T,
        "no_training_rows",
        "no row in the training split",
        "exit 2: no examples in the training splits ['train']",
        edited(lambda a: [x.update(split="test") for x in a]),
        "no examples in the training splits",
    ),
    case(
        T,
        "one_label_only",
        "every training sentence has the same label",
        "exit 2: model cannot be fitted (needs 2 classes)",
        edited(lambda a: [s.update(label="other") for x in a for s in x["sentences"]]),
        "cannot be fitted",
    ),
]


@pytest.mark.parametrize(("content", "fragment"), DATA_CASES)
def test_bad_data_is_one_line_exit_2_and_leaves_no_run(tmp_path, capsys, content, fragment):
    data = tmp_path / "data.jsonl"
    if isinstance(content, bytes):
        data.write_bytes(content)
    else:
        write_lines(data, content)
    config = tmp_path / "c.toml"
    config.write_text(config_text(data=data), encoding="utf-8")
    code, out, err = cli(capsys, "run", config)
    assert_error(code, err, fragment)
    assert out == "" and leftovers(tmp_path / "runs") == []


T = "test_bad_data_path"
DATA_PATH_CASES = [
    case(
        T,
        "data_missing",
        "data path that does not exist",
        "exit 2: data file not found",
        "missing.jsonl",
        "",
        "data file not found",
    ),
    case(
        T,
        "data_is_directory",
        "a directory where the data file is expected",
        "exit 2: is not a file",
        "folder.jsonl",
        "",
        "is not a file",
    ),
    case(
        T,
        "unknown_format",
        "data file with a `.txt` suffix",
        "exit 2: unknown data format '.txt'",
        "data.txt",
        "",
        "unknown data format '.txt'",
    ),
    case(
        T,
        "mapped_column_missing",
        '`columns = {text = "sentence"}` on data without it',
        "exit 2: column 'sentence' (mapped to text) not in the data",
        "corpus.jsonl",
        'columns = { text = "sentence" }',
        "column 'sentence' (mapped to text) not in the data",
    ),
    case(
        T,
        "csv_without_label",
        "CSV file with a text column only",
        "exit 2: no label column and no sentences column",
        "rows.csv",
        "",
        "no label column",
    ),
]


@pytest.mark.parametrize(("name", "data_keys", "fragment"), DATA_PATH_CASES)
def test_bad_data_path(tmp_path, capsys, name, data_keys, fragment):
    (tmp_path / "folder.jsonl").mkdir()
    (tmp_path / "data.txt").write_text("Gunmen attacked.\n")
    shutil.copy(TINY_CORPUS, tmp_path / "corpus.jsonl")
    (tmp_path / "rows.csv").write_text("text\nGunmen attacked.\nNobody claimed it.\n")
    config = tmp_path / "c.toml"
    config.write_text(config_text(data=tmp_path / name, data_keys=data_keys), encoding="utf-8")
    code, _, err = cli(capsys, "run", config)
    assert_error(code, err, fragment)
    assert leftovers(tmp_path / "runs") == []


T = "test_odd_but_valid_text_trains"
ODD_TEXT_CASES = [
    case(
        T,
        "nul_and_control_chars",
        "escaped NUL, BEL and ESC characters in the training text",
        "exit 0: run completes",
        "\x00\x07\x1b",
    ),
    case(
        T,
        "rtl_and_zero_width",
        "right-to-left Arabic with RLM and zero-width spaces",
        "exit 0: run completes",
        "\u200fهجوم\u200b مسلح\u200d",
    ),
    case(T, "emoji", "emoji (astral plane, ZWJ sequences)", "exit 0: run completes", "💣🔥 👩‍👩‍👧"),
]


@pytest.mark.parametrize("insert", ODD_TEXT_CASES)
def test_odd_but_valid_text_trains(tmp_path, capsys, insert):
    def add(articles):  # insert at the end of the last sentence of every article: offsets hold
        for article in articles:
            last = article["sentences"][-1]
            text = article["text"]
            article["text"] = text[: last["end"]] + insert + text[last["end"] :]
            last["end"] += len(insert)

    data = write_lines(tmp_path / "data.jsonl", edited(add))
    config = tmp_path / "c.toml"
    config.write_text(config_text(data=data, evals='splits = ["test"]\nbootstrap = 0'))
    code, out, err = cli(capsys, "run", config)
    assert code == 0, err
    (predictions,) = (tmp_path / "runs").glob("*/predictions.jsonl")
    rows = [json.loads(line) for line in predictions.read_text("utf-8").split("\n") if line]
    assert rows and all(r["pred"] in LABELS for r in rows)
    assert any(insert in r["text"] for r in rows)


row(
    "test_label_without_test_examples_warns_and_reports",
    "split that leaves `official_denial` with no test examples",
    "exit 0: run completes; stderr and run.json `warnings` name the label; support 0",
)


def test_label_without_test_examples_warns_and_reports(tmp_path, capsys):
    def relabel(articles):
        for article in articles:
            if article["split"] == "test":
                for s in article["sentences"]:
                    if s["label"] == "official_denial":
                        s["label"] = "background_context"

    data = write_lines(tmp_path / "data.jsonl", edited(relabel))
    config = tmp_path / "c.toml"
    config.write_text(config_text(data=data, evals='splits = ["test"]\nbootstrap = 20'))
    code, out, err = cli(capsys, "run", config)
    assert code == 0, err
    assert "research: warning: no gold examples for official_denial" in err
    run_dir = Path(out.strip().splitlines()[-1])
    info = json.loads((run_dir / "run.json").read_text())
    assert info["status"] == "complete"
    assert any("official_denial" in w for w in info["warnings"])
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["splits"]["test"]["sentence"]["per_label"]["official_denial"]["support"] == 0


# ------------------------------------------------------------------- output locations

row(
    "test_output_dir_under_a_regular_file",
    "`research run --output-dir` whose parent is a regular file",
    "exit 2: cannot create a run directory here (Not a directory)",
)


def test_output_dir_under_a_regular_file(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = cli(capsys, "run", _write(tmp_path), "--output-dir", blocker / "runs")
    assert_error(code, err, "cannot create a run directory here")
    assert blocker.read_text() == "not a folder"


def _write(tmp_path, **kwargs):
    path = tmp_path / "c.toml"
    path.write_text(config_text(**kwargs), encoding="utf-8")
    return path


row(
    "test_unwritable_output_dir",
    "`research run` into a read-only folder (chmod 500; skipped as root)",
    "exit 2: cannot create a run directory here (Permission denied)",
)


def test_unwritable_output_dir(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes (see the regular-file test)")
        code, _, err = cli(capsys, "run", _write(tmp_path), "--output-dir", locked / "runs")
        assert_error(code, err, "cannot create a run directory here")
        assert leftovers(locked) == []
    finally:
        locked.chmod(0o700)


T = "test_other_outputs_under_a_regular_file"
OUTPUT_CASES = [
    case(
        T,
        "evaluate_output",
        "`research evaluate --output` under a regular file",
        "exit 2: cannot create the output folder",
        "evaluate",
        "cannot create the output folder",
    ),
    case(
        T,
        "export_output",
        "`research export` to a path under a regular file",
        "exit 2: cannot write the model",
        "export",
        "cannot write the model",
    ),
    case(
        T,
        "predict_output",
        "`research predict --output` under a regular file",
        "exit 2: cannot write (Not a directory)",
        "predict",
        "cannot write",
    ),
    case(
        T,
        "predict_output_is_dir",
        "`research predict --output` naming a directory",
        "exit 2: is a directory; give an output file",
        "predict-dir",
        "is a directory",
    ),
    case(
        T,
        "predict_output_exists",
        "`research predict --output` naming an existing file",
        "exit 2: already exists; predictions are never written over a file",
        "predict-exists",
        "already exists",
    ),
    case(
        T,
        "predict_input_is_output",
        "`research predict --input X --output X`",
        "exit 2: already exists (the input is left as it was)",
        "predict-same",
        "already exists",
    ),
    case(
        T,
        "weak_output_exists",
        "`research weak --output` naming an existing file",
        "exit 2: already exists; weak labels are never written over a file",
        "weak-exists",
        "already exists",
    ),
    case(
        T,
        "evaluate_output_exists",
        "`research evaluate --output` that already exists",
        "exit 2: already exists; evaluation results are never overwritten",
        "evaluate-exists",
        "already exists",
    ),
]


@pytest.mark.parametrize(("command", "fragment"), OUTPUT_CASES)
def test_other_outputs_under_a_regular_file(tiny_run, tmp_path, capsys, command, fragment):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "out"
    model = tiny_run / "model"
    source = tmp_path / "in.txt"
    source.write_text("Gunmen attacked a post.\n")
    argv = {
        "evaluate": ["evaluate", "--model", model, "--data", TINY_SENTENCES, "--output", target],
        "evaluate-exists": [
            "evaluate",
            "--model",
            model,
            "--data",
            TINY_SENTENCES,
            "--output",
            tmp_path,
        ],
        "export": ["export", tiny_run, target],
        "predict": ["predict", "--model", model, "--input", source, "--output", target],
        "predict-dir": ["predict", "--model", model, "--input", source, "--output", tmp_path],
        "predict-exists": ["predict", "--model", model, "--input", source, "--output", blocker],
        "predict-same": ["predict", "--model", model, "--input", blocker, "--output", blocker],
        "weak-exists": ["weak", "--corpus", source, "--exclude-ids", source, "--output", blocker],
    }[command]
    code, _, err = cli(capsys, *argv)
    assert_error(code, err, fragment)
    assert blocker.read_text() == "x"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


# ------------------------------------------------------------------------ model files


def _truncate(model_dir, rehash=False):
    from research.data import file_sha256

    path = model_dir / "model.skops"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    if rehash:
        edit_metadata(model_dir, sha256=file_sha256(path))


T = "test_broken_model_dir"
MODEL_CASES = [
    case(
        T,
        "missing_model_file",
        "model directory without model.skops",
        "exit 2: model file model.skops is missing",
        lambda d: (d / "model.skops").unlink(),
        "model file model.skops is missing",
    ),
    case(
        T,
        "missing_metadata",
        "model directory without metadata.json",
        "exit 2: metadata.json is missing; re-export the model",
        lambda d: (d / "metadata.json").unlink(),
        "metadata.json is missing",
    ),
    case(
        T,
        "truncated_model",
        "model.skops cut to half its size",
        "exit 2: SHA-256 does not match metadata: changed or truncated",
        _truncate,
        "SHA-256 does not match metadata",
    ),
    case(
        T,
        "truncated_rehashed",
        "truncated model.skops whose metadata hash was updated to match",
        "exit 2: not a readable skops file",
        lambda d: _truncate(d, rehash=True),
        "not a readable skops file",
    ),
    case(
        T,
        "negative_temperature",
        "metadata `decision.temperature = -1` (would invert every label)",
        "exit 2: decision.temperature must be a number from 0.01 to 100, got -1; restore ...",
        lambda d: edit_metadata(d, decision={"temperature": -1}),
        "decision.temperature must be a number from 0.01 to 100",
    ),
    case(
        T,
        "text_offsets",
        'metadata `decision.log_offsets = {"other": "x"}`',
        "exit 2: decision.log_offsets must map labels to numbers; restore metadata.json ...",
        lambda d: edit_metadata(d, decision={"log_offsets": {"other": "x"}}),
        "decision.log_offsets must map labels to numbers",
    ),
    case(
        T,
        "newer_format",
        "metadata `format_version = 99`",
        "exit 2: model format version 99 is newer ...; upgrade research",
        lambda d: edit_metadata(d, format_version=99),
        "upgrade research",
    ),
    case(
        T,
        "other_sklearn",
        "model saved with scikit-learn 0.0.1",
        "exit 2: saved with scikit-learn 0.0.1 ...; install scikit-learn==0.0.1 or allow",
        lambda d: edit_metadata(d, sklearn="0.0.1"),
        "install scikit-learn==0.0.1",
    ),
    case(
        T,
        "metadata_not_json",
        "metadata.json that is not JSON",
        "exit 2: malformed metadata; re-export the model",
        lambda d: (d / "metadata.json").write_text("{not json"),
        "malformed metadata",
    ),
    case(
        T,
        "metadata_wrong_types",
        "metadata whose `versions` is a string",
        "exit 2: malformed metadata (... of the wrong type)",
        lambda d: edit_metadata(d, versions="1.0"),
        "malformed metadata",
    ),
    case(
        T,
        "edited_labels",
        "metadata labels reordered by hand",
        "exit 2: the model's classes ... differ from the metadata labels",
        lambda d: edit_metadata(d, labels=sorted(LABELS, reverse=True)),
        "differ from the metadata labels",
    ),
    case(
        T,
        "model_is_file",
        "a file where the model directory is expected",
        "exit 2: not a model directory",
        lambda d: (shutil.rmtree(d), d.write_text("x")),
        "not a model directory",
    ),
]


@pytest.mark.parametrize(("damage", "fragment"), MODEL_CASES)
def test_broken_model_dir(tiny_run, tmp_path, capsys, damage, fragment):
    model = tmp_path / "model"
    shutil.copytree(tiny_run / "model", model)
    damage(model)
    source, target = tmp_path / "in.txt", tmp_path / "out.jsonl"
    source.write_text("Gunmen attacked a post.\n")
    code, out, err = cli(capsys, "predict", "--model", model, "--input", source, "--output", target)
    assert_error(code, err, fragment)
    assert out == "" and not target.exists()


row(
    "test_other_sklearn_allowed_with_flag",
    "model from another scikit-learn version with `--allow-version-mismatch`",
    "exit 0: labelled, with a warning",
)


def test_other_sklearn_allowed_with_flag(tiny_run, tmp_path, capsys):
    model = tmp_path / "model"
    shutil.copytree(tiny_run / "model", model)
    edit_metadata(model, sklearn="0.0.1")
    source = tmp_path / "in.txt"
    source.write_text("Gunmen attacked a post.\n")
    with pytest.warns(UserWarning, match="scikit-learn 0.0.1"):
        code, out, _ = cli(
            capsys, "predict", "--model", model, "--input", source, "--allow-version-mismatch"
        )
    assert code == 0 and json.loads(out)["label"] in LABELS


# ------------------------------------------------------------------- predict input


def predict(capsys, tiny_run, tmp_path, data, *extra):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(data)
    code, out, err = cli(
        capsys,
        "predict",
        "--model",
        tiny_run / "model",
        "--input",
        source,
        "--output",
        target,
        *extra,
    )
    rows = (
        [json.loads(line) for line in target.read_text("utf-8").splitlines()]
        if target.exists()
        else None
    )
    return code, rows, err


GOOD = b'{"id": "a", "text": "Gunmen attacked a police post on Sunday."}\n'
LAST = b'{"id": "z", "text": "The ministry denied the report."}\n'

T = "test_partly_bad_predict_input_exits_1_with_line_numbers"
PREDICT_BAD_LINES = [
    case(
        T,
        "non_utf8_line",
        "a Latin-1 line among UTF-8 JSONL lines",
        "exit 1: `line 2: not UTF-8 (...); skipped`; other lines labelled",
        b"caf\xe9 bomb\n",
        [],
        "line 2: not UTF-8",
    ),
    case(
        T,
        "not_json",
        "a line starting with `{` that is not JSON",
        "exit 1: `line 2: not JSON (...); skipped`",
        b"{oops\n",
        [],
        "line 2: not JSON",
    ),
    case(
        T,
        "no_text",
        "a JSON record without `text`",
        "exit 1: `line 2: no text; skipped`",
        b'{"id": "b"}\n',
        [],
        "line 2: no text",
    ),
    case(
        T,
        "text_not_string",
        "a JSON record whose text is a number",
        "exit 1: `line 2: no text; skipped`",
        b'{"id": "b", "text": 42}\n',
        [],
        "line 2: no text",
    ),
    case(
        T,
        "lone_surrogate",
        "a JSON text holding a lone surrogate escape `\\ud800`",
        "exit 1: `line 2: text or id holds a lone surrogate ...; skipped`",
        b'{"id": "b", "text": "bomb \\ud800 blast"}\n',
        [],
        "line 2: text or id holds a lone",
    ),
    case(
        T,
        "empty_article",
        "an empty article with `--unit article`",
        "exit 1: `line 2: no text; skipped`",
        b'{"id": "b", "text": ""}\n',
        ["--unit", "article"],
        "line 2: no text",
    ),
    case(
        T,
        "blank_article",
        "a whitespace-only article with `--unit article`",
        "exit 1: `line 2: no text; skipped`",
        b'{"id": "b", "text": " \\n\\t "}\n',
        ["--unit", "article"],
        "line 2: no text",
    ),
]


@pytest.mark.parametrize(("bad", "extra", "report"), PREDICT_BAD_LINES)
def test_partly_bad_predict_input_exits_1_with_line_numbers(
    tiny_run, tmp_path, capsys, bad, extra, report
):
    code, rows, err = predict(capsys, tiny_run, tmp_path, GOOD + bad + LAST, *extra)
    assert code == 1
    assert err.strip().splitlines() == [err.strip()] and err.startswith(report)
    assert err.strip().endswith("; skipped")
    assert [r["id"] for r in rows] == ["a", "z"]


row(
    "test_all_predict_lines_bad",
    "predict input in which every line is bad",
    "exit 1: one report per line; empty output file",
)


def test_all_predict_lines_bad(tiny_run, tmp_path, capsys):
    code, rows, err = predict(capsys, tiny_run, tmp_path, b'{x\n\xff\n{"id": 1}\n')
    assert code == 1 and rows == []
    assert [line.split(":")[0] for line in err.strip().splitlines()] == [
        "line 1",
        "line 2",
        "line 3",
    ]


T = "test_predict_input_path_problems"
PREDICT_PATH_CASES = [
    case(
        T,
        "input_missing",
        "`--input` that does not exist",
        "exit 2: cannot open",
        "missing.jsonl",
        "cannot open (No such file or directory)",
    ),
    case(
        T,
        "input_is_directory",
        "`--input` naming a directory",
        "exit 2: cannot open (Is a directory)",
        ".",
        "cannot open (Is a directory)",
    ),
]


@pytest.mark.parametrize(("name", "fragment"), PREDICT_PATH_CASES)
def test_predict_input_path_problems(tiny_run, tmp_path, capsys, name, fragment):
    target = tmp_path / "out.jsonl"
    code, _, err = cli(
        capsys,
        "predict",
        "--model",
        tiny_run / "model",
        "--input",
        tmp_path / name,
        "--output",
        target,
    )
    assert_error(code, err, fragment)
    assert not target.exists()


T = "test_usage_errors_are_one_line"
USAGE_CASES = [
    case(
        T,
        "batch_size_zero",
        "`predict --batch-size 0`",
        "exit 2: --batch-size must be at least 1",
        ["--batch-size", "0"],
        "--batch-size must be at least 1",
    ),
    case(
        T,
        "batch_size_negative",
        "`predict --batch-size -5`",
        "exit 2: --batch-size must be at least 1",
        ["--batch-size", "-5"],
        "--batch-size must be at least 1",
    ),
    case(
        T,
        "batch_size_not_int",
        "`predict --batch-size many`",
        "exit 2: argument --batch-size: invalid int value",
        ["--batch-size", "many"],
        "invalid int value: 'many'",
    ),
    case(
        T,
        "jobs_small_batch",
        "`predict --jobs 2 --batch-size 100` (too small to split over processes)",
        "exit 2: --jobs 2 needs --batch-size of at least 20000",
        ["--jobs", "2", "--batch-size", "100"],
        "needs --batch-size of at least 20000",
    ),
    case(
        T,
        "jobs_articles",
        "`predict --unit article --jobs 2`",
        "exit 2: --jobs applies to --unit sentence",
        ["--unit", "article", "--jobs", "2"],
        "--jobs applies to --unit sentence",
    ),
    case(
        T,
        "unknown_unit_flag",
        "`predict --unit paragraph`",
        "exit 2: argument --unit: invalid choice",
        ["--unit", "paragraph"],
        "invalid choice",
    ),
]


row(
    "test_run_dir_given_for_model_names_its_model_folder",
    "`--model RUN` (a run directory) or a folder of runs instead of RUN/model",
    "exit 2: pass its model folder, RUN/model",
)


@pytest.mark.parametrize("level", ["run", "runs"])
def test_run_dir_given_for_model_names_its_model_folder(tiny_run, capsys, level):
    model = tiny_run if level == "run" else tiny_run.parent
    code, _, err = cli(capsys, "predict", "--model", model, "--input", TINY_SENTENCES)
    assert_error(code, err, "model folder")


row(
    "test_weak_min_score_needs_model",
    "`research weak --min-score 0.5` without `--model`",
    "exit 2: --min-score applies only with --model",
)


def test_weak_min_score_needs_model(tmp_path, capsys):
    out = tmp_path / "weak.jsonl"
    argv = ["weak", "--corpus", TINY_SENTENCES, "--min-score", "0.5", "--output", out]
    code, _, err = cli(capsys, *argv)
    assert_error(code, err, "--min-score applies only with --model")
    assert not out.exists()


@pytest.mark.parametrize(("flags", "fragment"), USAGE_CASES)
def test_usage_errors_are_one_line(tiny_run, tmp_path, capsys, flags, fragment):
    code, _, err = cli(
        capsys, "predict", "--model", tiny_run / "model", "--input", TINY_SENTENCES, *flags
    )
    assert_error(code, err, fragment)


row(
    "test_seed_out_of_range",
    "`research run --seed -1`",
    "exit 2: --seed must be between 0 and 4294967295",
)


def test_seed_out_of_range(tmp_path, capsys):
    code, _, err = cli(capsys, "run", _write(tmp_path), "--seed", "-1")
    assert_error(code, err, "--seed must be between 0 and 4294967295")
    assert leftovers(tmp_path / "runs") == []


def check_article_rows(rows, texts):
    for output, text in zip(rows, texts, strict=True):
        assert output["sentences"], text[:40]
        previous = 0
        for s in output["sentences"]:
            assert previous <= s["start"] < s["end"] <= len(text)
            assert text[s["start"] : s["end"]] == s["text"]
            assert s["label"] in LABELS
            previous = s["end"]
        assert set(output["labels"]) <= LABELS - {"other"}


T = "test_odd_but_valid_predict_input"
ODD_PREDICT_CASES = [
    case(
        T,
        "nul_and_control",
        "plain-text line with NUL, BEL, ESC and form feed",
        "exit 0: labelled; spans slice the text",
        "Gunmen\x00 attacked\x07 a post.\x1b\x0c Ok.",
    ),
    case(
        T,
        "rtl_zero_width",
        "Arabic with RLM/LRM marks, zero-width space and joiner",
        "exit 0: labelled; spans slice the text",
        "\u200fهاجم مسلحون\u200b نقطة تفتيش.\u200e قال الجيش\u200d إنه نفى ذلك.",
    ),
    case(
        T,
        "emoji",
        "emoji, flags and ZWJ sequences",
        "exit 0: labelled; spans slice the text",
        "💣 Gunmen attacked 🇲🇱 a post. 👩‍👩‍👧 Nobody claimed it 🔥.",
    ),
    case(T, "one_word", "a one-word sentence", "exit 0: labelled as one sentence", "Boom"),
    case(
        T,
        "combining_marks",
        "combining marks and a dotted capital I (changes length on lower)",
        "exit 0: labelled; spans slice the text",
        "İSTANBUL — Bombası patladı. e\u0301e\u0301.",
    ),
]


@pytest.mark.parametrize("text", ODD_PREDICT_CASES)
@pytest.mark.parametrize("unit", ["sentence", "article"])
def test_odd_but_valid_predict_input(tiny_run, tmp_path, capsys, text, unit):
    data = (json.dumps({"id": 1, "text": text}) + "\n").encode()
    if "\n" not in text:  # also as a plain text line
        data += text.encode("utf-8") + b"\n"
    code, rows, err = predict(capsys, tiny_run, tmp_path, data, "--unit", unit)
    assert code == 0, err
    assert [r["id"] for r in rows] == [1, 2]
    if unit == "article":
        check_article_rows(rows, [text] * len(rows))
        if text == "Boom":
            assert [s["text"] for s in rows[0]["sentences"]] == ["Boom"]
    else:
        assert all(r["label"] in LABELS for r in rows)


row(
    "test_bom_and_crlf_predict_input",
    "predict input with a UTF-8 BOM and CRLF line ends",
    "exit 0: first record read as JSON (its id kept), no `\\r` in texts",
)


def test_bom_and_crlf_predict_input(tiny_run, tmp_path, capsys):
    data = b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n") + b"A plain line.\r\n"
    code, rows, err = predict(capsys, tiny_run, tmp_path, data, "--unit", "article")
    assert code == 0, err
    assert [r["id"] for r in rows] == ["a", 2]
    assert rows[1]["sentences"][0]["text"] == "A plain line."


def big_article(size, *, one_line=False):
    unit = SEED_TEXT.replace("\n", " ") + " " if one_line else SEED_TEXT + "\n\n"
    return (unit * (size // len(unit.encode()) + 1)).strip()


T = "test_five_megabyte_article"
BIG_CASES = [
    case(
        T,
        "paragraphs",
        "a 5 MB article in paragraphs (`predict --unit article`)",
        "exit 0 in seconds; every span slices the text",
        False,
    ),
    case(
        T,
        "one_line",
        "a 5 MB article on a single line (segmenter worst case)",
        "exit 0 in seconds (segmenter is linear); every span slices the text",
        True,
    ),
]


@pytest.mark.parametrize("one_line", BIG_CASES)
def test_five_megabyte_article(tiny_run, tmp_path, capsys, one_line):
    text = big_article(5 * 2**20, one_line=one_line)
    assert len(text.encode()) >= 5 * 2**20
    started = time.perf_counter()
    code, rows, err = predict(
        capsys,
        tiny_run,
        tmp_path,
        (json.dumps({"id": "big", "text": text}) + "\n").encode(),
        "--unit",
        "article",
    )
    assert code == 0, err
    assert time.perf_counter() - started < 120
    check_article_rows(rows, [text])
    assert len(rows[0]["sentences"]) > 10_000


row(
    "test_segmenter_is_linear_on_one_long_line",
    "segmenter on 1 MB and 4 MB single-line texts",
    "4x the text takes well under 16x the time (no quadratic slicing)",
)


def test_segmenter_is_linear_on_one_long_line():
    from research.segment import segment

    def cpu_seconds(text):
        # This process's CPU time, best of three: another job on the machine (CI shares
        # its two cores) stretches wall-clock time, not this.
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            spans = segment(text)
            best = min(best, time.process_time() - started)
        assert spans and all(text[a:b].strip() == text[a:b] for a, b in spans[:100])
        return best

    small, large = (cpu_seconds(big_article(size, one_line=True)) for size in (2**20, 4 * 2**20))
    assert large < 10 * max(small, 0.05)


row(
    "test_empty_article_api",
    '`Model.label_article("")` and a one-word article',
    "no sentences and no labels; one sentence",
)


def test_empty_article_api(tiny_run):
    from research import load_model

    model = load_model(tiny_run / "model")
    empty = model.label_article("")
    assert empty.sentences == () and empty.labels == ()
    assert model.label_article("   \n\n ").sentences == ()
    (only,) = model.label_article("Boom").sentences
    assert (only.start, only.end, only.text) == (0, 4, "Boom")


# --------------------------------------------------------------------------- corpus


T = "test_corpus_command_on_bad_files"
CORPUS_CASES = [
    case(
        T,
        "non_utf8",
        "`corpus validate` on a file with Latin-1 bytes",
        "exit 2: line 1 is not UTF-8",
        "validate",
        b'{"id": "caf\xe9"}\n',
        2,
        "line 1 is not UTF-8",
    ),
    case(
        T,
        "not_json",
        "`corpus validate` on a line that is not JSON",
        "exit 2: line 2 is not JSON",
        "validate",
        b'{"id": "a"}\n{oops\n',
        2,
        "line 2 is not JSON",
    ),
    case(
        T,
        "not_objects",
        "`corpus validate` on JSON lines that are not objects",
        "exit 1: one problem per record on stderr, `N problems`",
        "validate",
        b'[1, 2]\n"text"\nnull\n',
        1,
        "not a JSON object",
    ),
    case(
        T,
        "wrong_field_types",
        "`corpus validate` on an article with mistyped fields",
        "exit 1: field 'meta' must be an object, ...",
        "validate",
        b'{"id": "a", "title": 1, "text": "x", "meta": [], "sentences": {}, "split": "train"}\n',
        1,
        "field 'meta' must be an object",
    ),
    case(
        T,
        "stats_on_broken",
        "`corpus stats` on an article with a missing field",
        "exit 2: first problem; run `research corpus validate`",
        "stats",
        b'{"id": "a", "text": "x"}\n',
        2,
        "run `research corpus validate`",
    ),
    case(
        T,
        "directory",
        "`corpus validate` on a directory",
        "exit 2: is a directory",
        "validate",
        None,
        2,
        "is a directory",
    ),
]


@pytest.mark.parametrize(("action", "content", "expected", "fragment"), CORPUS_CASES)
def test_corpus_command_on_bad_files(tmp_path, capsys, action, content, expected, fragment):
    path = tmp_path / "corpus.jsonl"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    code, out, err = cli(capsys, "corpus", action, path)
    if expected == 2:
        assert_error(code, err, fragment)
    else:
        assert code == 1 and fragment in err
        assert out.strip().endswith("problems")


# ------------------------------------------------------------------- property tests

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-10, 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
LABEL_ISH = st.sampled_from(sorted(LABELS)) | JSON
SENTENCE = st.fixed_dictionaries(
    {},
    optional={
        "start": st.integers(-3, 40) | JSON,
        "end": st.integers(-3, 40) | JSON,
        "label": LABEL_ISH,
    },
)
META = st.fixed_dictionaries(
    {}, optional={k: st.text(max_size=4) | JSON for k in ("region", "date", "style")}
)
ARTICLE = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["a", "b"]) | JSON,
        "title": st.sampled_from(["", "Gunmen"]) | JSON,
        "text": st.sampled_from(["Gunmen attacked. Nobody claimed it.", ""])
        | st.text(max_size=40)
        | JSON,
        "meta": META | JSON,
        "sentences": st.lists(SENTENCE | JSON, max_size=4) | JSON,
        "labels": st.lists(LABEL_ISH, max_size=3) | JSON,
        "split": st.sampled_from(["train", "dev", "test", "ood"]) | JSON,
    },
)

row(
    "test_validator_never_raises_on_json_records",
    "property: any JSON values and article-shaped records (every field any type)",
    "`validate_corpus` returns a list of strings, never raises",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ARTICLE | JSON, max_size=5))
def test_validator_never_raises_on_json_records(records):
    from research.corpus import validate_corpus

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        problems = validate_corpus(path)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    if any(not isinstance(r, dict) for r in records):
        assert problems


@pytest.fixture(scope="module")
def tiny_model(tiny_run):
    from research import load_model

    return load_model(tiny_run / "model")


def run_predict_internals(model, lines, unit):
    """What ``research predict`` does with byte lines, minus the files: (rows, bad lines)."""
    from research.predict import _article_rows, _sentence_rows, iter_records

    bad = []
    records = list(iter_records(lines, lambda lineno, reason: bad.append(lineno)))
    rows_of = _article_rows if unit == "article" else _sentence_rows
    rows = list(rows_of(model, records)) if records else []
    for output in rows:  # what the output file receives must encode
        json.dumps(output, ensure_ascii=False).encode("utf-8")
    return records, rows, bad


# st.text() never draws lone surrogates; JSON escapes (\\ud800) can carry them, so draw them too.
ANY_TEXT = st.lists(
    st.integers(0xD800, 0xDFFF).map(chr)
    | st.characters()
    | st.sampled_from([" ", "\n", ".", "U.S.", "\u200b", "\u2028"]),
    max_size=80,
).map("".join)

row(
    "test_predict_never_raises_on_any_unicode",
    "property: arbitrary Unicode texts (surrogate escapes included) as JSONL, both units",
    "never raises; blank or invalid texts reported by line; every span slices its text",
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(ANY_TEXT | st.text(max_size=300), min_size=1, max_size=6),
    unit=st.sampled_from(["sentence", "article"]),
)
def test_predict_never_raises_on_any_unicode(tiny_model, texts, unit):
    lines = [(json.dumps({"id": i, "text": t}) + "\n").encode() for i, t in enumerate(texts)]
    records, rows, bad = run_predict_internals(tiny_model, lines, unit)
    assert len(records) + len(bad) == len(texts) == len(lines)
    assert [r["id"] for r in rows] == [i for i, _ in records]
    for (_, text), output in zip(records, rows, strict=True):
        if unit == "article":
            check_article_rows([output], [text])
        else:
            assert output["label"] in LABELS


row(
    "test_predict_reader_never_raises_on_any_bytes",
    "property: arbitrary byte lines (invalid UTF-8, NUL, lone `{`)",
    "every line is either a record with str text or a numbered report",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"") + b"\n"), max_size=8))
def test_predict_reader_never_raises_on_any_bytes(lines):
    from research.predict import iter_records

    bad = []
    records = list(iter_records(lines, lambda lineno, reason: bad.append((lineno, reason))))
    assert all(isinstance(text, str) and text.strip() for _, text in records)
    assert all(isinstance(reason, str) for _, reason in bad)
    assert len(records) + len(bad) <= len(lines)


# ----------------------------------------------------------------------------- docs


def test_catalogue_has_at_least_32_rows():
    assert len(CATALOGUE) >= 32
    assert len({test for test, _, _ in CATALOGUE}) == len(CATALOGUE)


# ------------------------------------------------- real-news evaluation and corpus tools

T = "test_evaluate_and_corpus_tools_refuse_bad_input"
TOOL_CASES = [
    case(
        T,
        "articles_missing",
        "`research evaluate --articles` with a file that does not exist",
        "exit 2: article file not found",
        "evaluate_missing",
        "article file not found",
    ),
    case(
        T,
        "articles_no_offsets",
        "`--articles` for data without start/end/kind columns",
        "exit 2: --articles needs 'start', 'end' and 'kind' columns",
        "evaluate_no_offsets",
        "needs 'start', 'end' and 'kind'",
    ),
    case(
        T,
        "add_without_records",
        "`research corpus add` without `--records`",
        "exit 2: corpus add needs --records",
        "add_none",
        "needs --records",
    ),
    case(
        T,
        "add_not_json",
        "`corpus add` record line that is not JSON",
        "exit 2: line 1 is not an authoring record",
        "add_not_json",
        "is not an authoring record",
    ),
    case(
        T,
        "add_known_id",
        "`corpus add` record whose id the corpus has",
        "exit 2: id 't01' already exists",
        "add_known",
        "already exists",
    ),
    case(
        T,
        "add_invalid",
        "`corpus add` record whose labels are not labels",
        "exit 2: the corpus with the new articles is not valid",
        "add_invalid",
        "is not valid",
    ),
    case(
        T,
        "overlap_without_against",
        "`research corpus overlap` without `--against`",
        "exit 2: corpus overlap needs --against",
        "overlap_none",
        "needs --against",
    ),
]


def _tool_argv(kind, tmp_path, tiny_run):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(TINY_CORPUS.read_bytes())
    record = {
        "id": "n1",
        "meta": {"region": "sahel", "country": "", "date": "2020-01-01", "style": "wire"},
        "paragraphs": [[["Gunmen raided a village on Sunday night.", "attack_report"]]],
    }
    records = tmp_path / "records.jsonl"
    if kind == "add_not_json":
        records.write_text("{not json\n", encoding="utf-8")
    elif kind == "add_known":
        write_lines(records, [dict(record, id="t01")])
    elif kind == "add_invalid":
        record["paragraphs"][0][0][1] = "rumour"
        write_lines(records, [record])
    model, data = tiny_run / "model", TINY_SENTENCES
    with_offsets = write_lines(
        tmp_path / "offsets.jsonl",
        [
            {
                "sid": "t01#0",
                "item": "t01",
                "kind": "article",
                "start": 0,
                "end": 42,
                "text": ARTICLES[0]["title"],
                "label": "attack_report",
            }
        ],
    )
    return {
        "evaluate_missing": [
            "evaluate",
            "--model",
            model,
            "--data",
            with_offsets,
            "--articles",
            tmp_path / "nope.jsonl",
        ],
        "evaluate_no_offsets": ["evaluate", "--model", model, "--data", data, "--articles", corpus],
        "add_none": ["corpus", "add", corpus],
        "add_not_json": ["corpus", "add", corpus, "--records", records],
        "add_known": ["corpus", "add", corpus, "--records", records],
        "add_invalid": ["corpus", "add", corpus, "--records", records],
        "overlap_none": ["corpus", "overlap", corpus],
    }[kind]


@pytest.mark.parametrize(("kind", "fragment"), TOOL_CASES)
def test_evaluate_and_corpus_tools_refuse_bad_input(tmp_path, capsys, tiny_run, kind, fragment):
    argv = _tool_argv(kind, tmp_path, tiny_run)
    code, out, err = cli(capsys, *argv)
    assert_error(code, err, fragment)
    assert (tmp_path / "corpus.jsonl").read_bytes() == TINY_CORPUS.read_bytes()
    assert not list(tmp_path.glob("*.partial"))


def test_docs_list_every_case():
    doc = (ROOT / "docs" / "HARDENING.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(test_\w+(?:\[[\w-]+\])?)`", doc))
    missing = [test for test, _, _ in CATALOGUE if test not in listed]
    assert not missing, f"add these rows to docs/HARDENING.md: {missing}"
    count = re.search(r"(\d+) catalogued inputs", doc)
    assert count and int(count.group(1)) == len(CATALOGUE)
