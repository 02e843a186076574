"""Ctrl-C that is never lost.

Python's default SIGINT handler raises ``KeyboardInterrupt`` in whatever code runs at
that moment. When that code is a finaliser (a ``__del__`` or a weakref callback, which
numpy, joblib and the garbage collector run at arbitrary points), Python prints
"Exception ignored in ..." and carries on: the interrupt is lost and a run the user
asked to stop completes. :func:`recording` installs a handler that also records the
request, and :func:`raise_if_requested` re-raises it at checkpoints that matter, such as
the rename that makes a run directory complete.
"""

import contextlib
import signal
import sys
import threading

__all__ = ["raise_if_requested", "recording"]

_requested = threading.Event()


def _handler(signum, frame):
    _requested.set()
    raise KeyboardInterrupt


def _quiet_recorded_interrupts(previous):
    """An unraisable-exception hook that drops the Ctrl-C already recorded."""

    def hook(unraisable):
        # The user pressed Ctrl-C; its "Exception ignored" traceback would only alarm.
        if not (isinstance(unraisable.exc_value, KeyboardInterrupt) and _requested.is_set()):
            previous(unraisable)

    return hook


@contextlib.contextmanager
def recording():
    """Within the block, record every Ctrl-C as well as raising ``KeyboardInterrupt``.

    The "Exception ignored in ..." report of such a swallowed interrupt is dropped,
    since the interrupt is not lost. Only Python's default handler is replaced, and
    only from the main thread: a process that ignores SIGINT (started in the
    background by a shell) or that embeds the library with its own handler keeps it.
    """
    installed = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    _requested.clear()
    previous_hook = sys.unraisablehook
    if installed:
        signal.signal(signal.SIGINT, _handler)
        sys.unraisablehook = _quiet_recorded_interrupts(previous_hook)
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.unraisablehook = previous_hook
        _requested.clear()


def raise_if_requested():
    """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed inside :func:`recording`.

    This catches an interrupt that a finaliser swallowed; outside :func:`recording` it
    does nothing.
    """
    if _requested.is_set():
        raise KeyboardInterrupt
