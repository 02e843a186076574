"""Compare runs in one table, optionally testing each against a baseline run."""

import csv
import io
import json
import re
from pathlib import Path

from research.errors import DataError
from research.labels import SENTENCE_LABELS
from research.metrics import paired_bootstrap
from research.runs import TMP_PREFIX, is_complete_run

__all__ = ["compare_runs", "find_runs"]


def find_runs(paths):
    """Expand run directories and folders of run directories into a sorted list of runs."""
    runs = []
    for path in map(Path, paths):
        if is_complete_run(path):
            runs.append(path)
        elif path.is_dir():
            found = (p for p in path.iterdir() if not p.name.startswith(TMP_PREFIX))
            runs.extend(sorted(filter(is_complete_run, found), key=_natural_key))
        else:
            raise DataError(f"{path}: not a run directory or a folder of runs")
    if not runs:
        raise DataError(f"no complete runs under {', '.join(map(str, paths))}")
    return runs


def _natural_key(path):
    """Sort key reading numbers in a run name as numbers: C=4.0 before C=16.0."""
    parts = re.split(r"(\d+(?:\.\d+)?)", path.name)
    key = [(1, float(part), "") if i % 2 else (0, 0.0, part) for i, part in enumerate(parts)]
    return [*key, (2, 0.0, path.name)]  # C=8 and C=8.0 tie as numbers: the name decides


def _read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _load(run_dir):
    info, metrics = _read(run_dir / "run.json"), _read(run_dir / "metrics.json")
    meta_path = run_dir / "model" / "metadata.json"
    labels = _read(meta_path)["labels"] if meta_path.exists() else []
    return {"dir": run_dir, "info": info, "metrics": metrics, "labels": sorted(labels)}


def _predictions(run_dir, split):
    rows = {}
    with open(run_dir / "predictions.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["split"] == split:
                rows[row["id"]] = row
    return rows


def _versus(run, base, split):
    """Paired bootstrap of ``run`` against ``base`` on ``split``, or why it cannot be done."""
    if run["dir"] == base["dir"]:
        return "baseline"
    mine, theirs = _predictions(run["dir"], split), _predictions(base["dir"], split)
    if (
        not mine
        or set(mine) != set(theirs)
        or any(mine[k]["label"] != theirs[k]["label"] for k in mine)
    ):
        return "not comparable: evaluated on different examples"
    ids = sorted(mine)
    result = paired_bootstrap(
        [mine[k]["label"] for k in ids],
        [mine[k]["pred"] for k in ids],
        [theirs[k]["pred"] for k in ids],
        [mine[k]["group"] for k in ids],
        labels=SENTENCE_LABELS,
        seed=0,
    )
    return (
        f"{result['delta']:+.3f} [{result['ci'][0]:+.3f}, {result['ci'][1]:+.3f}] "
        f"p={result['p_value']:.3f}"
    )


def _baseline(baseline, runs):
    """The baseline run: a run directory, or the name of one of the compared runs."""
    if is_complete_run(baseline):
        return _load(Path(baseline))
    named = [run for run in runs if str(baseline) in (run["dir"].name, run["info"]["run_id"])]
    if len(named) > 1:
        paths = ", ".join(str(run["dir"]) for run in named)
        raise DataError(f"{baseline}: names {len(named)} compared runs ({paths}); give its path")
    if not named:
        raise DataError(
            f"{baseline}: baseline is neither a complete run directory nor the name of one "
            "of the compared runs"
        )
    return named[0]


def _row(run, split, reference):
    info, metrics = run["info"], run["metrics"]
    split = split or metrics["headline"]["split"]
    levels = metrics["splits"].get(split)
    flags = []
    if info["data"]["sha256"] != reference["info"]["data"]["sha256"]:
        flags.append("data differs")
    if run["labels"] != reference["labels"]:
        flags.append("labels differ")
    row = {
        "run": info["run_id"],
        "config": info["config_name"],
        "seed": info["seed"],
        "data": str(info["data"]["sha256"])[:12],
        "split": split,
    }
    if levels is None:
        flags.append(f"no split {split}")
        return row | {"macro_f1": "", "ci": "", "flags": "; ".join(flags)}
    s = levels["sentence"]
    ci = s["ci"].get("macro_f1")
    row |= {"macro_f1": f"{s['macro_f1']:.3f}", "ci": f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""}
    row |= {lab: f"{s['per_label'][lab]['f1']:.3f}" for lab in SENTENCE_LABELS}
    article = levels.get("article")
    row["article_micro_f1"] = f"{article['micro_f1']:.3f}" if article else ""
    row["flags"] = "; ".join(flags)
    return row


def compare_runs(paths, *, fmt="md", baseline=None, split=None):
    """Return a table (Markdown or CSV) with a row per run.

    Parameters
    ----------
    paths : list of path
        Run directories or folders holding them.
    fmt : {"md", "csv"}
    baseline : path or str, optional
        A run directory, or a compared run's name; each row then gets a paired bootstrap
        test of macro-F1 against it, or a note that the two were evaluated on different
        examples.
    split : str, optional
        The evaluated split to compare; default each run's headline split.
    """
    runs = [_load(p) for p in find_runs(paths)]
    base = None if baseline is None else _baseline(baseline, runs)
    if split is not None and not any(split in run["metrics"]["splits"] for run in runs):
        found = sorted({name for run in runs for name in run["metrics"]["splits"]})
        raise DataError(f"no run evaluated split {split!r}; they have: {', '.join(found)}")
    reference = base or runs[0]
    rows = []
    for run in runs:
        row = _row(run, split, reference)
        if base is not None:
            row["vs_baseline"] = _versus(run, base, row["split"])
        rows.append(row)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines)
