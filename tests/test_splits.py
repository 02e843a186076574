import numpy as np
import pytest

from research.data import Examples
from research.errors import DataError
from research.splits import assign_splits, check_grouped, group_kfold


def _examples(n_groups=10, per_group=4):
    ex = Examples()
    for g in range(n_groups):
        for k in range(per_group):
            ex.ids.append(f"{g}#{k}")
            ex.texts.append(f"text {g} {k}")
            ex.labels.append(["attack_report", "other"][k % 2])
            ex.groups.append(f"g{g}")
            ex.splits.append("")
    return ex


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_split_keeps_articles_whole(seed):
    ex = assign_splits(_examples(), test_size=0.3, seed=seed)
    check_grouped(ex.groups, ex.splits)
    assert set(ex.splits) == {"train", "test"}


def test_leaking_split_column_is_refused():
    with pytest.raises(DataError, match="more than one split"):
        check_grouped(["a", "a", "b"], ["train", "test", "train"])


@pytest.mark.parametrize("folds", [2, 5])
def test_group_kfold_has_no_leakage_and_covers_everything(folds):
    ex = _examples()
    seen = []
    for train, test in group_kfold(ex.labels, ex.groups, folds, seed=0):
        groups = np.asarray(ex.groups)
        assert not set(groups[train]) & set(groups[test])
        seen.extend(test)
    assert sorted(seen) == list(range(len(ex)))


def test_too_few_groups_for_folds():
    with pytest.raises(DataError, match="cannot fill"):
        list(group_kfold(["a"] * 4, ["g1", "g1", "g2", "g2"], 5, seed=0))
