"""Experiment configs: TOML files read into frozen dataclasses.

Every default lives in the dataclass fields below. Unknown keys, wrong types and
impossible values raise :class:`~research.errors.ConfigError` naming the file and key.
Relative paths in a config are resolved against the config file's own folder, so a
config means the same thing from any working directory.
"""

import dataclasses
import difflib
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from research.config_checks import check_set_keys, check_values
from research.errors import ConfigError
from research.tomltypes import type_ok, wrong_type

__all__ = [
    "DataConfig",
    "DecisionConfig",
    "EvalConfig",
    "ExperimentConfig",
    "ModelConfig",
    "TrainConfig",
    "load_config",
]


@dataclass(frozen=True)
class DataConfig:
    """Where examples come from and how they are split."""

    path: str | None = None  # local JSONL/JSON/CSV/Parquet file
    hub_id: str | None = None  # Hugging Face Hub dataset id (needs a pinned revision)
    revision: str | None = None
    hub_split: str = "train"
    columns: dict = field(
        default_factory=dict
    )  # our name -> column name: text, label, id, group, split, sentences, kind
    unit: str = "sentence"
    train_splits: tuple[str, ...] = ("train",)
    test_size: float = 0.2  # grouped random split, when the data has no split column
    shared: bool = False  # True marks configs that read ../shared (never the default)
    extra_train: tuple[str, ...] = ()  # sentence-row files added to training (weak labels)
    augment: dict = field(default_factory=dict)  # augmenter -> share of training rows copied


@dataclass(frozen=True)
class ModelConfig:
    """A registered model factory name and its keyword arguments."""

    name: str = "tfidf_logreg.v1"
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EvalConfig:
    """How the model is scored."""

    strategy: str = "split"
    splits: tuple[str, ...] = ("test",)  # evaluated splits; the first is the headline
    folds: int = 5
    bootstrap: int = 1000
    confidence: float = 0.95
    articles: bool = True  # also score article label sets where articles exist


@dataclass(frozen=True)
class TrainConfig:
    """How streaming models (``partial_fit``) are trained; other models ignore it."""

    batch_size: int = 10_000
    epochs: int = 5


@dataclass(frozen=True)
class DecisionConfig:
    """Per-label decision offsets (thresholds) and a score temperature, chosen on a dev split;
    see research.decision."""

    tune: bool = False
    temperature: bool = False  # fit one temperature by log-loss: calibrated scores, same argmax
    split: str = "dev"  # never an evaluated split: offsets must not see the test data
    min_gain: float = 0.005  # offsets stay zero unless dev macro-F1 rises at least this much


@dataclass(frozen=True)
class ExperimentConfig:
    """One experiment: data, model, evaluation and seeds."""

    name: str
    description: str = ""
    seeds: tuple[int, ...] = (13,)
    output_dir: str = "../experiments/runs"
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    decision: DecisionConfig = field(default_factory=DecisionConfig)
    sweep: dict = field(default_factory=dict)  # dotted key -> list of values
    source: str = ""  # the config file, filled in by load_config

    def to_dict(self):
        """Return the resolved config as plain JSON-ready data (a dict; unset optional
        fields are None, which TOML cannot hold)."""
        return dataclasses.asdict(self)


_SECTIONS = {
    "data": DataConfig,
    "model": ModelConfig,
    "eval": EvalConfig,
    "train": TrainConfig,
    "decision": DecisionConfig,
}


def _type_error(where, dotted, hint, value, spec):
    """A wrong-type ConfigError; the field's default (``spec``) is the example."""
    has_factory = spec.default_factory is not dataclasses.MISSING
    default = spec.default_factory() if has_factory else spec.default
    return ConfigError(wrong_type(where, dotted, hint, value, default))


def _build(cls, table, where, prefix):
    """Build dataclass ``cls`` from a TOML table, checking keys and types."""
    hints = typing.get_type_hints(cls)
    known = [f.name for f in dataclasses.fields(cls) if f.name != "source"]
    kwargs = {}
    for key, value in table.items():
        dotted = prefix + key
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean '{prefix}{close[0]}'?" if close else ""
            raise ConfigError(f"{where}: unknown key '{dotted}'{hint}")
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{dotted}' must be a table ([{dotted}])")
            value = _build(_SECTIONS[key], value, where, dotted + ".")
        elif not type_ok(value, hints[key]):
            spec = next(f for f in dataclasses.fields(cls) if f.name == key)
            raise _type_error(where, dotted, hints[key], value, spec)
        elif typing.get_origin(hints[key]) is tuple:
            value = tuple(value)
        kwargs[key] = value
    required = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [key for key in required if key not in kwargs]
    if missing:
        raise ConfigError(f"{where}: missing required key '{prefix}{missing[0]}'")
    return cls(**kwargs)


def _resolve(cfg, base):
    """Make relative paths absolute against the config file's folder."""
    data = cfg.data
    if data.path is not None:
        data = dataclasses.replace(data, path=str((base / data.path).resolve()))
    extra = tuple(str((base / p).resolve()) for p in data.extra_train)
    data = dataclasses.replace(data, extra_train=extra)
    return dataclasses.replace(cfg, data=data, output_dir=str((base / cfg.output_dir).resolve()))


def parse_config(text, where, base=Path(".")):
    """Parse config ``text`` (named ``where`` in errors); see :func:`load_config`."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    cfg = _build(ExperimentConfig, table, where, "")
    check_values(cfg, where)
    check_set_keys(table, cfg, where)
    cfg = dataclasses.replace(_resolve(cfg, base), source=str(where))
    from research.models import check_model_config  # late import: models import config users

    check_model_config(cfg.model, where)
    return cfg


def load_config(path):
    """Read and check an experiment config.

    Parameters
    ----------
    path : str or Path
        A TOML file.

    Returns
    -------
    ExperimentConfig

    Raises
    ------
    ConfigError
        If the file is missing or unreadable, is not TOML, has an unknown key, a wrong type,
        an impossible value, or names an unregistered model or model parameter. The
        values of model parameters are scikit-learn's to check: a bad one is a
        ConfigError when the model is fitted, and the run leaves no directory.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, expected a TOML config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from None
    return parse_config(text, str(path), path.parent.resolve())
