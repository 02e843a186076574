"""Splits that keep every article on one side: no sentence of a test article is trained on."""

import logging
from collections import defaultdict

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, StratifiedGroupKFold

from research.errors import DataError

__all__ = ["assign_splits", "check_grouped", "group_kfold"]

log = logging.getLogger(__name__)


def check_grouped(groups, splits):
    """Raise :class:`DataError` if any group has examples in more than one split."""
    seen = defaultdict(set)
    for group, split in zip(groups, splits, strict=True):
        seen[group].add(split)
    leaks = sorted(g for g, s in seen.items() if len(s) > 1)
    if leaks:
        raise DataError(
            f"{len(leaks)} articles have sentences in more than one split "
            f"(first: {leaks[0]!r}); give every sentence of an article the same split"
        )


def assign_splits(examples, test_size, seed):
    """Fill missing splits with a grouped random train/test split; check grouping.

    Data that carries its own split column keeps it (and is checked for leakage).
    """
    if all(examples.splits):
        check_grouped(examples.groups, examples.splits)
        return examples
    if any(examples.splits):
        raise DataError("some rows have a split and others do not; give every row a split or none")
    if len(set(examples.groups)) < 2:
        raise DataError("need at least 2 articles (groups) to split into train and test")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    _, test_idx = next(splitter.split(examples.texts, groups=examples.groups))
    splits = np.full(len(examples), "train", dtype=object)
    splits[test_idx] = "test"
    examples.splits = list(splits)
    for article in examples.articles.values():
        article["split"] = None
    log.info("no split column: grouped random split, %d test examples", len(test_idx))
    return examples


def group_kfold(labels, groups, folds, seed):
    """Yield (train_idx, test_idx) for stratified grouped k-fold cross-validation."""
    n_groups = len(set(groups))
    if n_groups < folds:
        raise DataError(f"{n_groups} articles cannot fill {folds} folds; lower eval.folds")
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    yield from splitter.split(np.zeros(len(labels)), labels, groups)
