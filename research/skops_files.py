"""skops files: the loader's allowlist, and writing and reading a model with skops.

Loading never executes code from the file: skops rebuilds only types that skops trusts or
that :data:`TRUSTED_TYPES` (kept here, in code) names. :mod:`research.modelio` wraps these
with the model directory's metadata and checks.
"""

import sys
import types
import zipfile

from research.errors import ModelFileError, UntrustedTypeError

__all__ = ["TRUSTED_TYPES", "dump", "load"]

# Types beyond skops' own defaults that our registered models need. Never read from a file.
TRUSTED_TYPES = (
    "research.features.CueFeatures",
    "research.features.CueRuleClassifier",
    "research.features.NewsAnalyzer",
    "research.context.ArticleContextClassifier",
    "research.lexicon.CueAnalyzer",
    "research.vectorize.CompactTfidfVectorizer",
    "research.encoder.SentenceEmbedder",
    "research.finetune.FineTunedEncoder",
    "research.word_vectors.WordVectorSmoothedClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "builtins.slice",
    "collections.defaultdict",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "numpy.dtypes.Float32DType",
    "numpy.dtypes.Float64DType",
    "numpy.dtypes.Int64DType",
    "numpy.dtypes.ObjectDType",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)


#: scikit-learn's adapters for other array libraries. Importing skops.io walks every
#: scikit-learn package (``all_estimators``), and walking these imports the library behind
#: them: with torch installed (the encoder extra), that costs every fresh load_model about
#: 1.7 s and 185 MB although no model here uses torch arrays.
_ARRAY_ADAPTERS = tuple(
    f"sklearn.externals.array_api_compat.{name}" for name in ("torch", "cupy", "dask")
)


def _skops_io():
    """``skops.io``, imported without importing torch, cupy or dask on the way."""
    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    # Placeholders without __path__ stop the package walk there; they are removed after
    # the import, so real array-API use later imports the real adapters.
    placed = [name for name in _ARRAY_ADAPTERS if name not in sys.modules]
    for name in placed:
        sys.modules[name] = types.ModuleType(name)
    try:
        import skops.io
    finally:
        for name in placed:
            sys.modules.pop(name, None)
    return skops.io


def dump(estimator, model_file):
    """Write ``estimator`` to ``model_file`` with skops, compressed, vocabularies as plain ints."""
    _plain_vocabularies(estimator)
    _skops_io().dump(estimator, model_file, compression=zipfile.ZIP_DEFLATED, compresslevel=6)


def load(model_file):
    """Read ``model_file`` with skops, refusing any type outside :data:`TRUSTED_TYPES`."""
    sio = _skops_io()
    from skops.io.exceptions import UntrustedTypesFoundException

    # One pass: skops refuses any type outside the allowlist while it reads the file.
    try:
        return sio.load(model_file, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        raise UntrustedTypeError(
            f"{model_file}: holds types outside the allowlist ({exc}); do not load this "
            "file unless you trust its author"
        ) from None
    except Exception as exc:  # a corrupt zip or schema: not loadable either way
        raise ModelFileError(f"{model_file}: not a readable skops file ({exc})") from None


def _estimators(obj, seen=None):
    """Every estimator inside ``obj``: pipeline steps, union parts and fitted sub-models."""
    from sklearn.base import BaseEstimator

    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, BaseEstimator):
        yield obj
        children = list(vars(obj).values())
    elif isinstance(obj, list | tuple):
        children = list(obj)
    else:
        return
    for child in children:
        yield from _estimators(child, seen)


def _plain_vocabularies(estimator):
    """Store vectorizer vocabularies with plain ``int`` indices and drop ``stop_words_``.

    scikit-learn keeps vocabularies as numpy integers, which skops writes as one array file
    per term (10k terms: 0.5 s to load); plain ints are one JSON object and mean the same.
    ``stop_words_`` only records the terms ``min_df`` cut, for introspection; scikit-learn
    documents it as safe to remove, and it is most of a saved vectorizer.
    """
    for step in _estimators(estimator):
        vocabulary = getattr(step, "vocabulary_", None)
        if isinstance(vocabulary, dict):
            step.vocabulary_ = {term: int(index) for term, index in vocabulary.items()}
        if getattr(step, "stop_words_", None) is not None:
            del step.stop_words_
