"""Which rows a config trains and scores on: extra training files, the evaluated sets of
its strategy, and the checks that the loaded data can serve the config's splits."""

import numpy as np

from research.errors import ConfigError, DataError
from research.splits import group_kfold

__all__ = ["add_extra_train", "check_against_data", "eval_sets"]


def add_extra_train(examples, data_cfg):
    """Append sentence rows of ``data.extra_train`` files to the train split (in place).

    Returns their paths and SHA-256, for run.json.
    """
    from research.data import file_sha256, read_rows, to_examples

    recorded = []
    for path in data_cfg.extra_train:
        extra = to_examples(read_rows(path), data_cfg.columns, path)
        train = data_cfg.train_splits[0]
        for i in range(len(extra)):
            examples.ids.append(f"extra:{extra.ids[i]}")
            examples.texts.append(extra.texts[i])
            examples.labels.append(extra.labels[i])
            examples.groups.append(f"extra:{extra.groups[i]}")
            examples.splits.append(train)
        recorded.append({"path": path, "sha256": file_sha256(path), "n": len(extra)})
    return recorded


def eval_sets(cfg, examples, seed):
    """Yield (split name, train mask, eval mask) for the configured strategy."""
    splits = np.asarray(examples.splits, dtype=object)
    train = np.isin(splits, cfg.data.train_splits)
    if cfg.eval.strategy == "split":
        for name in cfg.eval.splits:
            yield name, train, splits == name
        return
    pool = train | np.isin(splits, cfg.eval.splits)
    index = np.flatnonzero(pool)
    labels = [examples.labels[i] for i in index]
    groups = [examples.groups[i] for i in index]
    for k, (tr, te) in enumerate(group_kfold(labels, groups, cfg.eval.folds, seed)):
        train_mask, test_mask = np.zeros(len(examples), bool), np.zeros(len(examples), bool)
        train_mask[index[tr]], test_mask[index[te]] = True, True
        yield f"cv{k}", train_mask, test_mask


def check_against_data(cfg, examples):
    """Raise DataError if no row is in a training split, ConfigError (naming the file and key)
    for an evaluated or decision split the loaded data lacks, or an article unit it cannot
    serve. Run before :func:`eval_sets`."""
    have = set(examples.splits)
    if not have & set(cfg.data.train_splits):
        raise DataError(
            f"no examples in the training splits {list(cfg.data.train_splits)}; "
            f"the data has {sorted(have)}"
        )
    wanted = [("eval.splits", s) for s in cfg.eval.splits]
    wanted = wanted if cfg.eval.strategy == "split" else []  # group_kfold pools what it finds
    if cfg.decision.tune or cfg.decision.temperature:
        wanted.append(("decision.split", cfg.decision.split))
    choices = ", ".join(sorted(have - set(cfg.data.train_splits))) or "none"
    for key, name in wanted:
        if name not in have:
            raise ConfigError(
                f"{cfg.source}: '{key}' names split '{name}', which the data does not have; "
                f"choose from its splits that are not trained on: {choices}"
            )
    # Article scoring segments each article's full text; sentence rows carry none, so
    # unit = "article" would score nothing and hide the article scores of the sentence rows.
    if cfg.data.unit == "article" and all(a["text"] is None for a in examples.articles.values()):
        raise ConfigError(
            f"{cfg.source}: 'data.unit' is \"article\", but {cfg.data.path or cfg.data.hub_id} "
            "has sentence rows, not articles with full text and a 'sentences' column; "
            'use unit = "sentence"'
        )
