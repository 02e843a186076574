"""Learning curve: does more corpus of the kind the project ships still help on real news?

    python experiments/learning_curve.py [--config configs/default.toml] [--seeds 13 1]
                                         [--fractions 0.125 0.25 0.5 0.75 1]
                                         [--real-dev ../shared/eval/real_dev.jsonl]
                                         [--articles ../shared/corpora/*.jsonl]
                                         [--output experiments/LEARNING_CURVE.md]

Trains the config on a seeded sample of whole training articles (each fraction, each seed),
then once more on train + dev + ood (the test split stays held out; decision offsets are
off, since their dev split is then trained on), and scores every model on the corpus test
split and, when the file is present, on real_dev (never trained on). Runs go to a temporary
folder; only the table is written. With the default config this takes about 3 minutes.
"""

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from research.config import load_config
from research.corpus import read_corpus
from research.evaluate import evaluate_model
from research.experiment import run_experiment
from research.labels import SENTENCE_LABELS

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
WIDER = ("dev", "ood")  # splits folded into training for the last row


def _subset(records, fraction, seed, wider=False):
    """Records with a seeded ``fraction`` of the train articles (or the wider training set)."""
    train = [r for r in records if r["split"] == "train"]
    rng = np.random.default_rng(seed)
    keep = {train[i]["id"] for i in rng.permutation(len(train))[: round(fraction * len(train))]}
    chosen = []
    for record in records:
        if record["split"] == "train" and record["id"] not in keep:
            continue
        if wider and record["split"] in WIDER:
            record = {**record, "split": "train"}
        chosen.append(record)
    return chosen, sum(len(r["sentences"]) for r in chosen if r["split"] == "train")


def _run(cfg, records, seed, folder, wider):
    """Train on ``records``; return the run's test and real-dev sentence metrics."""
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    data = dataclasses.replace(cfg.data, path=str(path))
    decision = dataclasses.replace(cfg.decision, tune=cfg.decision.tune and not wider)
    evals = dataclasses.replace(cfg.eval, splits=("test",))
    run_cfg = dataclasses.replace(cfg, data=data, decision=decision, eval=evals)
    run_dir = run_experiment(run_cfg, seed, output_dir=folder / "runs")
    test = json.loads((run_dir / "metrics.json").read_text())["splits"]["test"]["sentence"]
    return test, run_dir


def _real(run_dir, real_dev, articles):
    if not real_dev.is_file():
        return None
    return evaluate_model(run_dir / "model", real_dev, articles=articles)[0][real_dev.stem]


def _row(name, n, results):
    """One table row: mean (and each seed's) figures over ``results`` [(test, real), ...]."""
    test = [t["macro_f1"] for t, _ in results]
    cells = [name, f"{n:,}", _spread(test)]
    reals = [r for _, r in results if r]
    if reals:
        cells.append(_spread([r["sentence"]["macro_f1"] for r in reals]))
        per_label = [
            np.mean([r["sentence"]["per_label"][lab]["f1"] for r in reals])
            for lab in SENTENCE_LABELS
        ]
        cells.append(" / ".join(f"{v:.2f}" for v in per_label))
        cells.append(_spread([r["article"]["micro_f1"] for r in reals]))
    return "| " + " | ".join(cells) + " |"


def _spread(values):
    return f"{np.mean(values):.3f} ({', '.join(f'{v:.3f}' for v in values)})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=HERE.parent / "configs" / "default.toml")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 1])
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.125, 0.25, 0.5, 0.75, 1.0])
    parser.add_argument("--real-dev", type=Path, default=SHARED / "eval" / "real_dev.jsonl")
    parser.add_argument(
        "--articles", type=Path, nargs="*", default=sorted((SHARED / "corpora").glob("*.jsonl"))
    )
    parser.add_argument("--output", type=Path, default=HERE / "LEARNING_CURVE.md")
    args = parser.parse_args()
    cfg = load_config(args.config)
    records = read_corpus(cfg.data.path)
    points = [(f"{f:.1%} of train", f, False) for f in args.fractions]
    points.append(("train + " + " + ".join(WIDER), 1.0, True))
    rows = []
    for name, fraction, wider in points:
        results, n = [], 0
        for seed in args.seeds:
            subset, n = _subset(records, fraction, seed, wider)
            with tempfile.TemporaryDirectory() as tmp:
                test, run_dir = _run(cfg, subset, seed, Path(tmp), wider)
                results.append((test, _real(run_dir, args.real_dev, args.articles)))
        rows.append(_row(name, n, results))
        print(rows[-1], file=sys.stderr)
    args.output.write_text(_render(cfg, args, rows), encoding="utf-8")
    print(args.output)


def _render(cfg, args, rows):
    header = "| training data | sentences | corpus test macro-F1 | real_dev macro-F1 |"
    header += " real_dev per label (attack / attrib / denial / backgr / other) |"
    header += " real_dev article micro-F1 |"
    return "\n".join(
        [
            "# Learning curve",
            "",
            f"Config `{args.config.name}` (`{cfg.model.name}`), seeds {args.seeds}; each cell is",
            "the mean over seeds (each seed's figure in brackets). The sample is of whole",
            "training articles. The last row also trains on the dev and ood splits (decision",
            "offsets off); the corpus test split is never trained on, nor is real_dev.",
            "Regenerate: `python experiments/learning_curve.py`.",
            "",
            header,
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    main()
