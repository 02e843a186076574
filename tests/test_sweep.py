"""Sweeps: a grid x seeds becomes ordinary runs, locally and on a dask LocalCluster."""

import json

import pytest

from research.compare import compare_runs
from research.config import load_config
from research.errors import ConfigError
from research.sweep import expand_sweep, run_sweep
from tests.conftest import write_config

GRID = '[sweep]\n"model.params.alpha" = [0.1, 0.3, 1.0]\n'


def sweep_config(tmp_path):
    path = write_config(
        tmp_path,
        name="sw",
        model="complement_nb.v1",
        params="",
        evals='splits = ["test"]\nbootstrap = 20',
    )
    path.write_text(path.read_text().replace("seeds = [3]", "seeds = [3, 4]") + GRID)
    return path


def test_expand_names_each_point(tmp_path):
    points = expand_sweep(load_config(sweep_config(tmp_path)))
    assert [p for _, p in points] == [{"model.params.alpha": a} for a in (0.1, 0.3, 1.0)]
    assert points[0][0].name == "sw_alpha=0.1" and points[0][0].model.params == {"alpha": 0.1}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ('"model.params.nope"', "unknown key"),
        ('"eval.nope"', "not a config key"),
        ('"nope"', "must look like"),
    ],
)
def test_bad_sweep_keys(tmp_path, key, message):
    path = write_config(tmp_path)
    path.write_text(path.read_text() + f"[sweep]\n{key} = [1]\n")
    with pytest.raises(ConfigError, match=message):
        expand_sweep(load_config(path))


def test_local_sweep_gives_six_comparable_runs(tmp_path):
    run_dirs = run_sweep(sweep_config(tmp_path), n_jobs=2, output_dir=tmp_path / "local")
    assert len(run_dirs) == 6
    info = json.loads((run_dirs[0] / "run.json").read_text())
    assert info["sweep_point"] == {"model.params.alpha": 0.1}
    assert len(compare_runs([tmp_path / "local"]).splitlines()) == 8


def test_sweep_on_a_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed", reason="needs the dask extra")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        run_dirs = run_sweep(
            sweep_config(tmp_path),
            n_jobs=2,
            scheduler=cluster.scheduler_address,
            output_dir=tmp_path / "dask",
        )
    assert len(run_dirs) == 6
    local = run_sweep(sweep_config(tmp_path), n_jobs=2, output_dir=tmp_path / "local")
    table = compare_runs([tmp_path / "dask", tmp_path / "local"])
    assert len(table.splitlines()) == 14
    by_name = {}
    for run_dir in [*run_dirs, *local]:
        by_name.setdefault(
            run_dir.name.split("-s")[0]
            + str(json.loads((run_dir / "run.json").read_text())["seed"]),
            set(),
        ).add((run_dir / "metrics.json").read_text())
    assert all(len(m) == 1 for m in by_name.values())  # same numbers on both engines
