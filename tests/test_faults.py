"""Faults: a run killed mid-way, Ctrl-C, two runs of one config at once.

Each drives ``python -m research run`` in a real subprocess, as a user would.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from research.cli import main
from research.runs import TMP_PREFIX, is_complete_run
from tests.conftest import ROOT, write_config

# Tiny data, but a bootstrap that keeps the run inside its .tmp- directory for seconds.
SLOW_EVAL = 'splits = ["test", "ood"]\nbootstrap = 1000000'


# ``python -m research`` with Python's own SIGINT handler: a shell that started the tests in
# the background leaves SIGINT ignored, and children inherit that. Set in the child itself,
# not by preexec_fn, which is unsafe in a process with threads (BLAS pools, test readers).
START = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'research'; runpy.run_module('research', run_name='__main__')"
)


def start_run(config, **kwargs):
    """Start ``research run CONFIG`` in a child process that Ctrl-C can interrupt."""
    return subprocess.Popen(
        [sys.executable, "-c", START, "--quiet", "run", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def wait_for_running_tmp(root, proc, timeout=120):
    """Wait until a ``.tmp-`` run directory with a readable run.json exists; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in root.glob(f"{TMP_PREFIX}*"):
            try:
                if json.loads((path / "run.json").read_text())["status"] == "running":
                    return path
            except (OSError, ValueError):
                pass
        assert proc.poll() is None, f"run ended before it could be stopped: {proc.stderr.read()}"
        time.sleep(0.01)
    raise AssertionError("no .tmp- run directory appeared")


def test_sigkill_leaves_only_an_unfinished_tmp_dir_and_a_rerun_succeeds(tmp_path, capsys):
    config = write_config(tmp_path, evals=SLOW_EVAL)
    root = tmp_path / "runs"
    proc = start_run(config)
    tmp = wait_for_running_tmp(root, proc)
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert [p.name for p in root.iterdir()] == [tmp.name]  # nothing that looks complete
    assert json.loads((tmp / "run.json").read_text())["status"] == "running"
    assert not is_complete_run(tmp)
    assert main(["--quiet", "compare", str(root)]) == 2  # compare ignores the .tmp- dir
    assert "no complete runs" in capsys.readouterr().err

    assert main(["--quiet", "run", str(config)]) == 0
    run_dir = capsys.readouterr().out.strip().splitlines()[-1]
    assert is_complete_run(run_dir)
    assert main(["--quiet", "compare", str(root)]) == 0
    table = capsys.readouterr().out.strip().splitlines()
    assert len(table) == 3 and os.path.basename(run_dir) in table[2]


def test_sigint_stops_cleanly_with_exit_130(tmp_path):
    config = write_config(tmp_path, evals=SLOW_EVAL)
    root = tmp_path / "runs"
    proc = start_run(config)
    wait_for_running_tmp(root, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "research: interrupted"
    assert "Traceback" not in out + err
    assert list(root.iterdir()) == []  # no .tmp- directory, no run


def test_two_runs_of_one_config_at_once_both_complete(tmp_path):
    config = write_config(tmp_path)
    env = dict(os.environ, RESEARCH_CACHE=str(tmp_path / "fresh-cache"))  # both build it
    procs = [start_run(config, env=env) for _ in range(2)]
    results = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    run_dirs = [out.strip().splitlines()[-1] for out, _ in results]
    assert len(set(run_dirs)) == 2
    assert all(is_complete_run(d) for d in run_dirs)
    root = tmp_path / "runs"
    assert sorted(p.name for p in root.iterdir()) == sorted(os.path.basename(d) for d in run_dirs)
    first, second = (Path(d, "metrics.json").read_bytes() for d in run_dirs)
    assert first == second
