"""research: classifiers for the discourse function of conflict-news sentences and articles.

The stable API is what ``__all__`` lists; everything else may change between versions.
"""

__version__ = "0.1.0"

from research.api import ArticleLabels, Model, SentenceLabel, load_model  # noqa: E402
from research.config import ExperimentConfig, load_config  # noqa: E402
from research.errors import (  # noqa: E402
    ConfigError,
    DataError,
    LabelMismatchError,
    ModelFileError,
    ModelFormatError,
    ModelIntegrityError,
    ModelVersionError,
    ResearchError,
    UntrustedTypeError,
)
from research.labels import ARTICLE_LABELS, SENTENCE_LABELS  # noqa: E402
from research.segment import segment  # noqa: E402

__all__ = [
    "ARTICLE_LABELS",
    "SENTENCE_LABELS",
    "ArticleLabels",
    "ConfigError",
    "DataError",
    "ExperimentConfig",
    "LabelMismatchError",
    "Model",
    "ModelFileError",
    "ModelFormatError",
    "ModelIntegrityError",
    "ModelVersionError",
    "ResearchError",
    "SentenceLabel",
    "UntrustedTypeError",
    "__version__",
    "load_config",
    "load_model",
    "run_config",
    "segment",
]


def run_config(path, *, seed=None, output_dir=None):
    """Train and evaluate the experiment config at ``path``, once per seed.

    Parameters
    ----------
    path : str or Path
        A TOML experiment config (``configs/default.toml`` is the main job).
    seed : int, optional
        Run only this seed instead of the config's ``seeds``.
    output_dir : str or Path, optional
        Where run directories go instead of the config's ``output_dir``.

    Returns
    -------
    list of Path
        The completed run directories, in seed order; each holds metrics, predictions,
        the resolved config and ``model/`` (load it with :func:`load_model`).

    Raises
    ------
    ConfigError, DataError
        For a config or data file that cannot be used. The failing seed leaves no run
        directory; runs of earlier seeds are complete and stay.
    """
    from research.experiment import run_config as _run

    return _run(path, seed=seed, output_dir=output_dir)
