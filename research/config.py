"""Experiment configs: TOML files read into frozen dataclasses.

Every default lives in the dataclass fields below. Unknown keys, wrong types and
impossible values raise :class:`~research.errors.ConfigError` naming the file and key.
Relative paths in a config are resolved against the config file's own folder, so a
config means the same thing from any working directory.
"""

import dataclasses
import difflib
import re
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from research.augment import AUGMENTERS
from research.errors import ConfigError
from research.tomltypes import toml_value, type_ok, wrong_type

__all__ = [
    "DataConfig",
    "DecisionConfig",
    "EvalConfig",
    "ExperimentConfig",
    "ModelConfig",
    "TrainConfig",
    "load_config",
]

UNITS = ("sentence", "article")
STRATEGIES = ("split", "group_kfold")


@dataclass(frozen=True)
class DataConfig:
    """Where examples come from and how they are split."""

    path: str | None = None  # local JSONL/JSON/CSV/Parquet file
    hub_id: str | None = None  # Hugging Face Hub dataset id (needs a pinned revision)
    revision: str | None = None
    hub_split: str = "train"
    columns: dict = field(
        default_factory=dict
    )  # our name -> column name: text, label, id, group, split
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
        """Return the resolved config as plain TOML-compatible data."""
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


def _fits_decision(cfg):
    """Whether the run fits anything on ``decision.split``."""
    return cfg.decision.tune or cfg.decision.temperature


def _check_values(cfg, where):
    """Reject values of the right type that still cannot work."""
    checks = [
        (cfg.name.strip() != "", "name", "must not be empty"),
        (
            not re.search(r"[/\\\x00-\x1f]", cfg.name) and not cfg.name.startswith("."),
            "name",
            "names run directories: no '/', '\\', control characters or leading '.'",
        ),
        (len(cfg.seeds) > 0, "seeds", "needs at least one seed"),
        (all(0 <= s < 2**32 for s in cfg.seeds), "seeds", f"must be between 0 and {2**32 - 1}"),
        (cfg.data.unit in UNITS, "data.unit", f"must be one of {toml_value(list(UNITS))}"),
        (
            cfg.data.hub_id is None or cfg.data.revision,
            "data.revision",
            "a Hub dataset needs a pinned revision (commit hash or tag)",
        ),
        (0 < cfg.data.test_size < 1, "data.test_size", "must be between 0 and 1"),
        (
            cfg.eval.strategy in STRATEGIES,
            "eval.strategy",
            f"must be one of {toml_value(list(STRATEGIES))}",
        ),
        (cfg.eval.folds >= 2, "eval.folds", "must be at least 2"),
        (cfg.train.batch_size >= 1, "train.batch_size", "must be at least 1"),
        (cfg.train.epochs >= 1, "train.epochs", "must be at least 1"),
        (cfg.eval.bootstrap >= 0, "eval.bootstrap", "must be 0 (off) or more"),
        (0 < cfg.eval.confidence < 1, "eval.confidence", "must be between 0 and 1"),
        (
            len(cfg.eval.splits) > 0 or cfg.eval.strategy != "split",
            "eval.splits",
            "needs at least one split",
        ),
        (
            set(cfg.data.columns) <= {"text", "label", "id", "group", "split", "sentences"},
            "data.columns",
            "keys must be among text, label, id, group, split, sentences",
        ),
        (
            cfg.eval.strategy != "split" or not set(cfg.eval.splits) & set(cfg.data.train_splits),
            "eval.splits",
            "must not name a training split (data.train_splits): scores on the rows a model "
            "was fitted on say nothing about new text",
        ),
        (
            not _fits_decision(cfg) or cfg.decision.split not in cfg.data.train_splits,
            "decision.split",
            "must not be a training split (a model is overconfident on its own training rows)",
        ),
        (
            not _fits_decision(cfg) or cfg.decision.split not in cfg.eval.splits,
            "decision.split",
            "must not be an evaluated split (offsets or a temperature chosen on test data "
            "inflate its scores)",
        ),
        (0 <= cfg.decision.min_gain < 1, "decision.min_gain", "must be between 0 and 1"),
        (
            all(isinstance(v, list) and v for v in cfg.sweep.values()),
            "sweep",
            "every grid entry must be a non-empty list of values",
        ),
    ]
    _check_source(cfg.data, where)
    for ok, key, message in checks:
        if not ok:
            raise ConfigError(f"{where}: '{key}' {message}")
    _check_augment(cfg.data.augment, where)


def _check_source(data, where):
    """Exactly one data source: a local file or a Hub dataset."""
    if data.path is None and data.hub_id is None:
        raise ConfigError(
            f"{where}: [data] needs exactly one of data.path (a local file) "
            "and data.hub_id (a Hub dataset)"
        )
    if data.path is not None and data.hub_id is not None:
        raise ConfigError(
            f"{where}: [data] sets both data.path and data.hub_id; give exactly one of them"
        )


def _check_set_keys(table, cfg, where):
    """Checks on keys the file itself sets (a default value is never an error)."""
    if cfg.eval.strategy == "group_kfold" and "splits" in table.get("eval", {}):
        raise ConfigError(
            f"{where}: 'eval.splits' only applies to strategy = \"split\"; remove it "
            '(group_kfold pools data.train_splits and the "test" split into its folds)'
        )


def _check_augment(rates, where):
    for name, rate in rates.items():
        if name not in AUGMENTERS:
            raise ConfigError(
                f"{where}: unknown key 'data.augment.{name}' "
                f"(augmenters: {', '.join(sorted(AUGMENTERS))})"
            )
        if not type_ok(rate, float) or not 0 < rate <= 1:
            raise ConfigError(
                f"{where}: 'data.augment.{name}' must be a share of training "
                f"rows between 0 (excluded) and 1, e.g. {name} = 0.2; got {toml_value(rate)}"
            )


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
    _check_values(cfg, where)
    _check_set_keys(table, cfg, where)
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
        an impossible value, or names an unregistered model or model parameter.
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
