"""Ctrl-C swallowed by a finaliser still stops the run (research.interrupt).

A SIGINT that lands in a ``__del__`` or weakref callback becomes "Exception ignored"
and is lost under Python's default handler; CI once saw a run complete that way.
"""

import os
import signal

import pytest

from research import cli, interrupt
from research.predict import _atomic_output
from research.runs import RunDir


class SwallowsCtrlC:
    """Deleted at once; Ctrl-C arrives while its finaliser runs, as it did in CI."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10_000):  # the handler runs here, inside the finaliser
            pass


def swallow_an_interrupt():
    SwallowsCtrlC()


@pytest.fixture(autouse=True)
def _default_sigint():
    """Python's own SIGINT handler, which recording() replaces; a shell that started the
    tests in the background leaves SIGINT ignored instead."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_a_swallowed_interrupt_is_raised_at_the_checkpoint(capsys):
    with interrupt.recording():
        swallow_an_interrupt()  # returns normally: the KeyboardInterrupt was ignored
        with pytest.raises(KeyboardInterrupt):
            interrupt.raise_if_requested()
    assert "Exception ignored" not in capsys.readouterr().err  # recorded, so not reported


def test_recording_restores_the_handler_and_forgets_the_request():
    with interrupt.recording():
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        swallow_an_interrupt()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    interrupt.raise_if_requested()  # outside recording(): nothing to raise


def test_an_ignored_sigint_stays_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupt.recording():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_run_dir_does_not_complete_after_a_swallowed_interrupt(tmp_path):
    with (
        interrupt.recording(),
        pytest.raises(KeyboardInterrupt),
        RunDir(tmp_path, "run-1", {}) as run,
    ):
        swallow_an_interrupt()
        run.complete()
    assert list(tmp_path.iterdir()) == []


def test_predict_output_does_not_appear_after_a_swallowed_interrupt(tmp_path):
    target = tmp_path / "labels.jsonl"
    with (
        interrupt.recording(),
        pytest.raises(KeyboardInterrupt),
        _atomic_output(target) as handle,
    ):
        handle.write("{}\n")
        swallow_an_interrupt()
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary


def test_cli_exits_130_after_a_swallowed_interrupt(monkeypatch, tmp_path, capsys):
    def command(args):
        swallow_an_interrupt()
        return 0

    monkeypatch.setitem(cli.COMMANDS, "compare", command)
    assert cli.main(["--quiet", "compare", str(tmp_path)]) == 130
    assert capsys.readouterr().err.strip() == "research: interrupted"
