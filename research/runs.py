"""Run directories: built under a temporary name, renamed when complete, never overwritten.

A directory named ``.tmp-<run id>`` is unfinished (running, failed or killed); only a
directory without that prefix and with ``"status": "complete"`` in ``run.json`` is a run.
"""

import datetime as dt
import json
import os
import platform
import secrets
import shutil
import subprocess
from pathlib import Path

from research.errors import ConfigError
from research.interrupt import raise_if_requested

__all__ = ["TMP_PREFIX", "RunDir", "git_state", "is_complete_run", "new_run_id", "write_json"]

TMP_PREFIX = ".tmp-"


def new_run_id(name, seed):
    """A unique, sortable run id: ``<name>-s<seed>-<UTC time>-<random>``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{name}-s{seed}-{stamp}-{secrets.token_hex(3)}"


def git_state(path):
    """Return ``{"commit", "dirty"}`` for the git work tree holding ``path`` (None if none)."""

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=path, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def write_json(path, data):
    """Write JSON with sorted keys and a final newline (stable bytes for equal data)."""
    Path(path).write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def is_complete_run(path):
    """True if ``path`` is a finished run directory."""
    path = Path(path)
    if path.name.startswith(TMP_PREFIX) or not (path / "run.json").is_file():
        return False
    try:
        return json.loads((path / "run.json").read_text(encoding="utf-8"))["status"] == "complete"
    except (ValueError, KeyError):
        return False


class RunDir:
    """Context manager for one run directory.

    On entry the temporary folder exists with ``run.json`` saying ``"running"``; call
    :meth:`complete` at the end to mark it complete and rename it into place. If the body
    raises, the temporary folder is removed, so a failed run leaves nothing that looks
    like a result.
    """

    def __init__(self, root, run_id, info):
        self.root = Path(root)
        self.run_id = run_id
        self.tmp = self.root / f"{TMP_PREFIX}{run_id}"
        self.final = self.root / run_id
        self.info = dict(
            info,
            run_id=run_id,
            status="running",
            started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            host={"platform": platform.platform(), "cpus": os.cpu_count()},
        )

    @property
    def path(self):
        return self.tmp

    def __enter__(self):
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.tmp.mkdir()
        except OSError as exc:
            raise ConfigError(
                f"{self.root}: cannot create a run directory here ({exc.strerror or exc}); "
                "set output_dir or --output-dir to a writable folder"
            ) from None
        try:
            write_json(self.tmp / "run.json", self.info)
        except BaseException:  # __exit__ is not called when __enter__ raises
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        return self

    def complete(self, **fields):
        """Record ``fields`` in run.json, mark it complete and rename into place."""
        self.info.update(
            fields,
            status="complete",
            finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        # A Ctrl-C swallowed by a finaliser must not let the run become complete.
        raise_if_requested()
        write_json(self.tmp / "run.json", self.info)
        if self.final.exists():  # never overwrite; ids are random, so this is a real clash
            raise FileExistsError(f"run directory {self.final} already exists")
        os.rename(self.tmp, self.final)
        return self.final

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
        return False
