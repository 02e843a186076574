import pytest

from research.config import load_config
from research.errors import ConfigError
from research.models import build_model
from tests.conftest import ROOT, write_config

CONFIGS = sorted((ROOT / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_every_shipped_config_loads_and_builds(path):
    cfg = load_config(path)
    assert build_model(cfg.model, random_state=0) is not None


def test_default_config_exists_and_reads_only_project_data():
    cfg = load_config(ROOT / "configs" / "default.toml")
    assert not cfg.data.shared
    assert "shared" not in cfg.data.path


@pytest.mark.parametrize(
    ("body", "params", "message"),
    [
        ("colour = 1", "", "unknown key 'colour'"),
        ("seed = [1]", "", "did you mean 'seeds'"),
        ("seeds = 3", "", "'seeds' must be"),
        ("seeds = []", "", "'seeds' needs at least one seed"),
        ("name = [", "", "not valid TOML"),
        ("", 'C = "big"', "'model.params.C' must be float"),
        ("", "colour = 2", "unknown key 'model.params.colour'"),
        ("", "random_state = 2", "unknown key 'model.params.random_state'"),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path, body, params, message):
    path = write_config(tmp_path, body, params=params)
    with pytest.raises(ConfigError, match=message) as err:
        load_config(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("evals", "message"),
    [
        ('strategy = "magic"', "eval.strategy"),
        ("folds = 0", "eval.folds"),
        ("bootstrap = -1", "eval.bootstrap"),
        ("confidence = 1.5", "eval.confidence"),
        ("splits = []", "eval.splits"),
        ("foldz = 3", "did you mean 'eval.folds'"),
    ],
)
def test_impossible_eval_values(tmp_path, evals, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, evals=evals))


def test_unknown_model_name(tmp_path):
    with pytest.raises(ConfigError, match="unknown model 'model.name = nope.v1'"):
        load_config(write_config(tmp_path, model="nope.v1", params=""))


def test_missing_and_directory_config(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    cfg = load_config(write_config(tmp_path, data="data.jsonl"))
    assert cfg.data.path == str((tmp_path / "data.jsonl").resolve())
    assert cfg.output_dir == str((tmp_path / "runs").resolve())


def test_config_is_frozen(tiny_config):
    cfg = load_config(tiny_config)
    with pytest.raises(AttributeError):
        cfg.name = "other"


def test_every_column_the_data_reader_maps_is_a_config_key(tmp_path):
    from research.data import COLUMN_KEYS

    mapping = ", ".join(f'{key} = "{key}_col"' for key in COLUMN_KEYS)
    path = tmp_path / "columns.toml"
    path.write_text(f'name = "columns"\n[data]\npath = "x.jsonl"\ncolumns = {{ {mapping} }}\n')
    assert set(load_config(path).data.columns) == {*COLUMN_KEYS} >= {"kind", "sentences"}
