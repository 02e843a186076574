"""Model directories: save a fitted pipeline safely, load it with checks.

A model directory holds ``model.skops`` (or ``model.joblib``), ``metadata.json`` and a
model card ``README.md``. Loading never executes code from the file: skops rebuilds only
types that skops trusts or that :data:`TRUSTED_TYPES` (kept in
:mod:`research.skops_files`, in code) names.
"""

import json
import logging
import platform
import warnings
from pathlib import Path

import numpy as np

from research import skops_files
from research.data import file_sha256
from research.decision import TEMPERATURES, decision_problem
from research.errors import (
    LabelMismatchError,
    ModelFileError,
    ModelFormatError,
    ModelIntegrityError,
    ModelVersionError,
)
from research.report import model_card
from research.skops_files import TRUSTED_TYPES

__all__ = [
    "FORMAT_VERSION",
    "TRUSTED_TYPES",
    "load_estimator",
    "package_versions",
    "read_metadata",
    "save_model",
]

log = logging.getLogger(__name__)

#: Newest model directory format. 2: ``metadata["decision"]`` holds temperatures that
#: :meth:`research.api.Model.predict_proba` applies. A model is written with the lowest
#: format that describes it: one without temperatures stays format 1, readable by older
#: research, which refuses format 2 rather than give untempered scores. A context model's
#: sentences-alone output reads ``sentence_temperature`` (absent: no temperature there).
FORMAT_VERSION = 2
METADATA = "metadata.json"
MODEL_FILES = {"skops": "model.skops", "joblib": "model.joblib"}


def package_versions():
    """Versions of the packages a saved model depends on."""
    import joblib
    import scipy
    import sklearn
    import skops

    from research import __version__

    return {
        "python": platform.python_version(),
        "research": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "skops": skops.__version__,
        "joblib": joblib.__version__,
    }


def save_model(
    estimator,
    model_dir,
    *,
    unit="sentence",
    model_name="",
    model_params=None,
    run_id="",
    data_hash="",
    metrics=None,
    fmt="skops",
    extra=None,
):
    """Write ``estimator`` and its metadata into ``model_dir`` (created, must not exist).

    Parameters
    ----------
    estimator : fitted scikit-learn estimator with ``classes_``
    model_dir : str or Path
    fmt : {"skops", "joblib"}
        skops is safe to load from anyone; joblib only between trusted parties.

    Returns
    -------
    Path
        The model directory.
    """
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=False)
    model_file = model_dir / MODEL_FILES[fmt]
    if fmt == "skops":
        skops_files.dump(estimator, model_file)
    else:
        import joblib

        joblib.dump(estimator, model_file, compress=3)
    decision = (extra or {}).get("decision") or {}
    metadata = {
        "format_version": 2 if any(k in decision for k in TEMPERATURES) else 1,
        "serializer": fmt,
        "model_file": model_file.name,
        "sha256": file_sha256(model_file),
        "labels": [str(c) for c in estimator.classes_],
        "unit": unit,
        "model": {"name": model_name, "params": model_params or {}},
        "run_id": run_id,
        "data_hash": data_hash,
        "versions": package_versions(),
        "metrics": metrics or {},
        **(extra or {}),
    }
    (model_dir / METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    (model_dir / "README.md").write_text(model_card(metadata), encoding="utf-8")
    return model_dir


def _missing_metadata(model_dir):
    """Message for a folder without metadata: a run folder, a folder of runs or a damaged one."""
    if (model_dir / "model" / METADATA).is_file():
        return f"{model_dir}: a run directory; pass its model folder, {model_dir / 'model'}"
    if any(model_dir.glob(f"*/model/{METADATA}")):
        return f"{model_dir}: a folder of runs; pass one run's model folder (RUN/model)"
    return f"{model_dir}: {METADATA} is missing; re-export the model with `research export`"


def read_metadata(model_dir):
    """Read and check ``metadata.json`` of a model directory (format checks 1 and 2)."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ModelFileError(
            f"{model_dir}: not a model directory (expected a folder with "
            f"{METADATA} and a model file)"
        )
    try:
        meta = json.loads((model_dir / METADATA).read_text(encoding="utf-8"))
        version = meta["format_version"]
        for key in ("serializer", "model_file", "sha256", "labels", "versions"):
            meta[key]  # noqa: B018 (presence check)
    except FileNotFoundError:
        raise ModelFormatError(_missing_metadata(model_dir)) from None
    except OSError as exc:  # a folder in its place, no permission, ...
        raise ModelFormatError(
            f"{model_dir / METADATA}: cannot read ({exc.strerror or exc}); re-export the model"
        ) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ModelFormatError(
            f"{model_dir / METADATA}: malformed metadata ({exc!r}); re-export the model"
        ) from None
    if not (
        isinstance(meta["versions"], dict)
        and isinstance(meta["labels"], list)
        and isinstance(meta["sha256"], str)
    ):
        raise ModelFormatError(
            f"{model_dir / METADATA}: malformed metadata (labels, versions or sha256 "
            "of the wrong type); re-export the model"
        )
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFormatError(
            f"{model_dir}: model format version {version} is newer than this "
            f"research ({FORMAT_VERSION}); upgrade research to load it"
        )
    if (
        meta["serializer"] not in MODEL_FILES
        or meta["model_file"] != MODEL_FILES[meta["serializer"]]
    ):
        raise ModelFormatError(f"{model_dir}: unknown serializer or model file name in metadata")
    problem = decision_problem(meta.get("decision"))
    if problem:
        raise ModelFormatError(
            f"{model_dir / METADATA}: {problem}; restore the model's metadata.json or train it "
            "again with `research run`"
        )
    return meta


def load_estimator(model_dir, *, allow_version_mismatch=False):
    """Load the fitted estimator of ``model_dir`` after every check; return (estimator, meta)."""
    import sklearn

    model_dir = Path(model_dir)
    meta = read_metadata(model_dir)
    model_file = model_dir / meta["model_file"]
    if not model_file.is_file():
        raise ModelFileError(f"{model_dir}: model file {meta['model_file']} is missing")
    if file_sha256(model_file) != meta["sha256"]:
        raise ModelIntegrityError(
            f"{model_file}: SHA-256 does not match metadata: the file was "
            "changed or truncated; get an intact copy of the model"
        )
    saved = meta["versions"].get("scikit-learn")
    if saved != sklearn.__version__:
        message = f"{model_dir}: saved with scikit-learn {saved}, this is {sklearn.__version__}"
        if not allow_version_mismatch:
            raise ModelVersionError(
                f"{message}; install scikit-learn=={saved} or pass "
                "allow_version_mismatch=True (predictions may differ)"
            )
        warnings.warn(message + "; predictions may differ", stacklevel=3)
    estimator = _deserialize(model_file, meta["serializer"])
    classes = [str(c) for c in getattr(estimator, "classes_", [])]
    if classes != list(meta["labels"]):
        raise LabelMismatchError(
            f"{model_dir}: the model's classes {classes} differ from the "
            f"metadata labels {meta['labels']}; re-export the model"
        )
    return estimator, meta


def _deserialize(model_file, serializer):
    if serializer == "joblib":  # only reached after the SHA-256 check above
        import joblib

        return joblib.load(model_file)
    return skops_files.load(model_file)
