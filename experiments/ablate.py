"""Regenerate the ablation table: every config in experiments/ablations/, one seed each.

    python experiments/ablate.py [--real-dev ../shared/eval/real_dev.jsonl] [--output FILE]

Each config is an ordinary run (experiments/runs/); its model is then scored on the real-news
dev file when that file is present (it is never trained on). Writes experiments/RESULTS.md.
"""

import argparse
import json
import sys
from pathlib import Path

from research.evaluate import evaluate_model
from research.experiment import run_config
from research.labels import SENTENCE_LABELS
from research.runs import write_json

HERE = Path(__file__).resolve().parent
SHORT = {
    "attack_report": "attack",
    "attribution": "attrib",
    "official_denial": "denial",
    "background_context": "backgr",
    "other": "other",
}


def _cell(scores):
    s = scores["sentence"]
    low, high = s["ci"]["macro_f1"]
    return f"{s['macro_f1']:.3f} [{low:.2f}, {high:.2f}]"


def _per_label(scores):
    per_label = scores["sentence"]["per_label"]
    return " / ".join(f"{per_label[lab]['f1']:.2f}" for lab in SENTENCE_LABELS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--real-dev", type=Path, default=HERE.parent.parent / "shared" / "eval" / "real_dev.jsonl"
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    rows, raw = [], {}
    for config in sorted((HERE / "ablations").glob("*.toml")):
        run_dir = run_config(config)[0]
        metrics = json.loads((run_dir / "metrics.json").read_text())["splits"]
        if args.real_dev.is_file():
            metrics.update(evaluate_model(run_dir / "model", args.real_dev)[0])
        raw[config.stem] = {"run": run_dir.name, "metrics": metrics}
        real = metrics.get(args.real_dev.stem)
        rows.append(
            f"| {config.stem} | {_cell(metrics['test'])} | {_cell(metrics['ood'])} | "
            + (f"{_cell(real)} | {_per_label(real)} |" if real else "- | - |")
        )
        print(rows[-1], file=sys.stderr)
    labels = " / ".join(SHORT[lab] for lab in SENTENCE_LABELS)
    lines = [
        "# Ablations: features x models",
        "",
        "Regenerate with `python experiments/ablate.py` (about 3 minutes on 2 cores). Every row",
        "is one config of `experiments/ablations/`, trained on the corpus train split (seed 13);",
        "macro-F1 with 95% cluster-bootstrap intervals (articles resampled). `real_dev` is",
        "`../shared/eval/real_dev.jsonl` (real news, never trained on); its per-label F1 is in",
        f"the order {labels}.",
        "",
        "| config | in-domain test | held-out regions (ood) | real_dev | real_dev per label |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    args.output.write_text("\n".join(lines), encoding="utf-8")
    write_json(args.output.with_suffix(".json"), raw)
    print(args.output)


if __name__ == "__main__":
    main()
