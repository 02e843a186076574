"""Checks of a parsed experiment config that its types cannot express: values that cannot
work, and keys that only make sense together. :mod:`research.config` runs them; each raises
:class:`~research.errors.ConfigError` naming the file and key."""

import re

from research.augment import AUGMENTERS
from research.data import COLUMN_KEYS
from research.errors import ConfigError
from research.tomltypes import toml_value, type_ok

__all__ = ["SEED_LIMIT", "STRATEGIES", "UNITS", "check_set_keys", "check_values", "valid_seed"]

UNITS = ("sentence", "article")
STRATEGIES = ("split", "group_kfold")
#: Seeds are numpy's: 0 <= seed < SEED_LIMIT.
SEED_LIMIT = 2**32


def valid_seed(seed):
    """Whether ``seed`` is an integer numpy takes as a seed (the config, ``--seed`` and
    :func:`research.run_config` all ask this)."""
    return isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < SEED_LIMIT


def _fits_decision(cfg):
    """Whether the run fits anything on ``decision.split``."""
    return cfg.decision.tune or cfg.decision.temperature


def check_values(cfg, where):
    """Reject values of the right type that still cannot work (``where`` names the file)."""
    checks = [
        (cfg.name.strip() != "", "name", "must not be empty"),
        (
            not re.search(r"[/\\\x00-\x1f]", cfg.name) and not cfg.name.startswith("."),
            "name",
            "names run directories: no '/', '\\', control characters or leading '.'",
        ),
        (len(cfg.seeds) > 0, "seeds", "needs at least one seed"),
        (
            all(valid_seed(s) for s in cfg.seeds),
            "seeds",
            f"must be between 0 and {SEED_LIMIT - 1}",
        ),
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
            set(cfg.data.columns) <= set(COLUMN_KEYS),
            "data.columns",
            f"keys must be among {', '.join(COLUMN_KEYS)}",
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


def check_set_keys(table, cfg, where):
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
