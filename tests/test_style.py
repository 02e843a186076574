"""The code stays as ruff checks and formats it (the rules are in pyproject.toml)."""

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

FOLDERS = ("research", "tests", "experiments", "benchmarks")


def _ruff():
    found = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    if found is None:
        try:
            import ruff  # noqa: F401
        except ImportError:
            pytest.skip('ruff is not installed (pip install -e ".[test]")')
        return [sys.executable, "-m", "ruff"]
    return [found]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(command):
    result = subprocess.run(
        [*_ruff(), *command, *FOLDERS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
