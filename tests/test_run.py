"""End to end on tiny data: run directories, determinism, CLI errors, compare, evaluate."""

import json
from pathlib import Path

import pytest

from research.cli import main
from research.compare import _natural_key, compare_runs
from research.errors import ConfigError, DataError
from research.evaluate import evaluate_model
from research.experiment import run_config
from research.summary import headline_lines
from tests.conftest import TINY_CORPUS, TINY_SENTENCES, write_config

RUN_FILES = [
    "config.toml",
    "config.resolved.json",
    "run.json",
    "metrics.json",
    "metrics.csv",
    "confusion_test.csv",
    "confusion_test.png",
    "confusion_ood.csv",
    "confusion_ood.png",
    "predictions.jsonl",
    "model/model.skops",
    "model/metadata.json",
    "model/README.md",
]


@pytest.mark.parametrize("name", RUN_FILES)
def test_run_directory_has_every_file(tiny_run, name):
    assert (tiny_run / name).is_file()


def test_run_json_records_provenance(tiny_run):
    info = json.loads((tiny_run / "run.json").read_text())
    assert info["status"] == "complete" and info["seed"] == 3
    for key in ("command", "git", "versions", "data", "timings", "started", "finished"):
        assert key in info
    assert len(info["data"]["sha256"]) == 64
    assert info["data"]["counts"]["train"]["attack_report"] == 10


def test_metrics_have_cis_and_article_scores(tiny_run):
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    test = metrics["splits"]["test"]
    assert len(test["sentence"]["ci"]["macro_f1"]) == 2
    assert set(test["sentence"]["per_label"]) == {
        "attack_report",
        "attribution",
        "official_denial",
        "background_context",
        "other",
    }
    assert test["article"]["n_articles"] == 2


def test_same_seed_gives_identical_metrics_and_predictions(tmp_path, tiny_run):
    again = run_config(write_config(tmp_path))[0]
    assert again != tiny_run
    for name in ("metrics.json", "metrics.csv", "predictions.jsonl"):
        assert (again / name).read_bytes() == (tiny_run / name).read_bytes()


@pytest.mark.parametrize("seed", [-1, 2**32, True, "3", 1.5])
def test_run_config_refuses_a_seed_numpy_cannot_take(tmp_path, seed):
    with pytest.raises(ConfigError, match="seed must be an integer between 0 and"):
        run_config(write_config(tmp_path), seed=seed)
    assert not (tmp_path / "runs").exists()


def test_group_kfold_strategy(tmp_path):
    path = write_config(tmp_path, evals='strategy = "group_kfold"\nfolds = 3\nbootstrap = 20')
    run_dir = run_config(path)[0]
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert list(metrics["splits"]) == ["cv"]


def test_cli_run_prints_the_run_directory_last(tmp_path, capsys):
    assert main(["--quiet", "run", str(write_config(tmp_path))]) == 0
    last = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert last.is_dir() and last.parent == (tmp_path / "runs").resolve()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": "nme = 'x'"}, "unknown key 'nme'"),
        ({"data": "missing.jsonl"}, "data file not found"),
        ({"model": "unknown.v9", "params": ""}, "unknown model"),
        ({"evals": 'splits = ["nosuch"]'}, "names split 'nosuch', which the data does not have"),
        ({"params": "min_df = 0"}, "cannot be fitted"),
    ],
)
def test_cli_errors_are_one_line_exit_2_and_leave_no_run(tmp_path, capsys, kwargs, message):
    code = main(["--quiet", "run", str(write_config(tmp_path, **kwargs))])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_compare_table_and_baseline(tmp_path, tiny_run):
    other = run_config(write_config(tmp_path, name="nb", model="complement_nb.v1", params=""))[0]
    table = compare_runs([tiny_run, other], baseline=tiny_run)
    lines = table.splitlines()
    assert len(lines) == 4 and "vs_baseline" in lines[0] and "baseline" in lines[2]
    assert "p=" in lines[3]
    csv_table = compare_runs([tiny_run.parent], fmt="csv")
    assert csv_table.splitlines()[0].startswith("run,config,seed,data")


def test_compare_baseline_by_name_and_split_choice(tiny_run):
    by_path = compare_runs([tiny_run.parent], baseline=tiny_run)
    assert compare_runs([tiny_run.parent], baseline=tiny_run.name) == by_path
    assert "| ood |" in compare_runs([tiny_run.parent], split="ood")
    with pytest.raises(DataError, match="no run evaluated split 'dev'; they have: ood, test"):
        compare_runs([tiny_run.parent], split="dev")
    with pytest.raises(DataError, match="neither a complete run directory nor the name"):
        compare_runs([tiny_run.parent], baseline="no-such-run")


def test_compare_baseline_name_of_two_runs_asks_for_a_path(tmp_path, tiny_run):
    import shutil

    copy = tmp_path / "elsewhere" / tiny_run.name
    shutil.copytree(tiny_run, copy)
    with pytest.raises(DataError, match="names 2 compared runs .*; give its path"):
        compare_runs([tiny_run.parent, copy.parent], baseline=tiny_run.name)


def test_runs_in_a_folder_sort_numbers_as_numbers(tmp_path):
    names = ["g_C=16.0-s13", "g_C=4.0-s13", "g_C=4.0-s2", "g_C=8.0", "g_C=8"]
    assert sorted(map(Path, names), key=_natural_key) == [
        Path("g_C=4.0-s2"),
        Path("g_C=4.0-s13"),
        Path("g_C=8"),
        Path("g_C=8.0"),
        Path("g_C=16.0-s13"),
    ]


def test_headline_lists_splits_in_config_order(tiny_run):
    table = headline_lines(tiny_run)[1].splitlines()
    assert [line.split("|")[1].strip() for line in table[2:]] == ["test", "ood"]


def test_compare_flags_other_data(tmp_path, tiny_run):
    other_data = tmp_path / "copy.jsonl"
    other_data.write_text(TINY_CORPUS.read_text() + "\n")
    other = run_config(write_config(tmp_path, data=other_data))[0]
    table = compare_runs([tiny_run, other], baseline=tiny_run)
    assert "data differs" in table


def test_evaluate_warns_when_scoring_the_training_file(tiny_run, caplog):
    evaluate_model(tiny_run / "model", TINY_CORPUS, n_bootstrap=0)
    assert "is the file this model was trained from" in caplog.text
    caplog.clear()
    evaluate_model(tiny_run / "model", TINY_SENTENCES, n_bootstrap=0)
    assert "trained from" not in caplog.text


def test_evaluate_on_sentence_file(tmp_path, tiny_run):
    metrics, out = evaluate_model(tiny_run / "model", TINY_SENTENCES, output=tmp_path / "ev")
    scores = metrics["tiny_sentences"]
    assert scores["sentence"]["n"] == 8
    assert scores["article"]["n_articles"] == 1  # only the item of kind "article"
    assert (out / "metrics.json").is_file() and (out / "predictions.jsonl").is_file()
