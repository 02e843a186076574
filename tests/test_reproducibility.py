"""Reproducibility: every shipped config, run twice with one seed, gives identical outputs.

The runs are real ``research run`` processes on the project's corpus, two at a time (the
suite's budget is two cores), so the pair of runs of one config also overlap in time.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from research.config import load_config
from research.errors import ResearchError
from tests.conftest import ROOT

CONFIGS = sorted((ROOT / "configs").glob("*.toml"))
COMPARED = ("metrics.json", "metrics.csv", "predictions.jsonl")


def _run(config, seed, output_dir, env):
    return subprocess.run(
        [sys.executable, "-m", "research", "--quiet", "run", str(config), "--seed", str(seed),
         "--output-dir", str(output_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def twin_runs(tmp_path_factory):
    """``{config name: [two CompletedProcess] or a reason to skip}``."""
    base = tmp_path_factory.mktemp("reproducibility")
    env = dict(os.environ, RESEARCH_CACHE=str(tmp_path_factory.getbasetemp() / "hf-cache"))
    runs = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for config in CONFIGS:
            try:
                cfg = load_config(config)
            except ResearchError as exc:
                runs[config.name] = f"config does not load: {exc}"
                continue
            if cfg.data.path is None or not Path(cfg.data.path).is_file():
                runs[config.name] = "data not available offline (Hub or ../shared)"
                continue
            runs[config.name] = [
                pool.submit(_run, config, cfg.seeds[0], base / config.stem / f"run{k}", env)
                for k in (1, 2)
            ]
        return {
            name: [f.result() for f in value] if isinstance(value, list) else value
            for name, value in runs.items()
        }


@pytest.mark.slow
@pytest.mark.parametrize("config", CONFIGS, ids=[p.name for p in CONFIGS])
def test_one_seed_gives_identical_metrics_and_predictions(twin_runs, config):
    result = twin_runs[config.name]
    if isinstance(result, str):
        assert not result.startswith("config does not load"), result
        pytest.skip(result)
    run_dirs = []
    for proc in result:
        assert proc.returncode == 0, proc.stderr
        run_dirs.append(Path(proc.stdout.strip().splitlines()[-1]))
    first, second = run_dirs
    assert first != second
    for name in COMPARED:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs"
