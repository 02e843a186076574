"""Progress bars for long steps, on stderr, only when the CLI asks and stderr is a terminal."""

import sys

__all__ = ["enable", "progress"]

_ENABLED = False


def enable(on=True):
    """Turn progress bars on (the CLI does, unless --quiet); library use stays silent."""
    global _ENABLED
    _ENABLED = on


def progress(iterable, **kwargs):
    """Wrap ``iterable`` in a tqdm bar when enabled and stderr is a terminal."""
    if not (_ENABLED and sys.stderr.isatty()):
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, file=sys.stderr, leave=False, **kwargs)
