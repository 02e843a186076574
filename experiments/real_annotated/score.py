"""Score the ablation table's models on the real news labelled here (a second real-news set).

READS ../shared (the text of the labelled items). Takes each row's seed-13 run from
experiments/RESULTS.json (the runs stay in experiments/runs/, ignored by git), scores its
model on experiments/cache/real_annotated.jsonl (make it with ``build.py``) by real_dev's
protocol (snippets and single sentences one by one, article items segmented and labelled
from their full text) and writes SCORES.md in this folder. Rows whose run is missing, or
whose model needs the encoder extra when it is absent, are listed as skipped.

    python experiments/ablate.py            # the runs (once)
    python experiments/real_annotated/build.py
    python experiments/real_annotated/score.py
"""

import json
import sys
from pathlib import Path

from research.errors import ResearchError
from research.evaluate import evaluate_model
from research.labels import SENTENCE_LABELS

HERE = Path(__file__).resolve().parent
EXPERIMENTS = HERE.parent
SHARED = EXPERIMENTS.parents[1] / "shared"
DATA = EXPERIMENTS / "cache" / "real_annotated.jsonl"


def _line(name, scores, real_dev):
    s = scores["sentence"]
    low, high = s["ci"]["macro_f1"]
    labels = " / ".join(f"{s['per_label'][lab]['f1']:.2f}" for lab in SENTENCE_LABELS)
    article = scores.get("article", {}).get("micro_f1")
    article = "-" if article is None else f"{article:.3f}"
    dev = "-" if real_dev is None else f"{real_dev['sentence']['macro_f1']:.3f}"
    return (
        f"| {name} | {s['macro_f1']:.3f} [{low:.2f}, {high:.2f}] | {labels} | {article} | {dev} |"
    )


def _trained_on_it(run_dir):
    """Whether the run's own record lists these rows among its extra training files."""
    info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    return any(Path(e["path"]).name == DATA.name for e in info["data"].get("extra_train", []))


def _score(name, entry, articles):
    run_dir = EXPERIMENTS / "runs" / entry["run"]
    model = run_dir / "model"
    if not model.is_dir():
        return None, f"run {entry['run']} not in experiments/runs (run ablate.py)"
    if _trained_on_it(run_dir):
        return None, "trained on these rows"
    try:
        return evaluate_model(model, DATA, articles=articles)[0][DATA.stem], None
    except (ResearchError, ImportError) as exc:
        return None, str(exc).splitlines()[0]


def main():
    if not DATA.is_file():
        sys.exit(f"{DATA} not found: run experiments/real_annotated/build.py first")
    raw = json.loads((EXPERIMENTS / "RESULTS.json").read_text(encoding="utf-8"))
    raw.pop("_skipped", None)
    articles = sorted((SHARED / "corpora").glob("*.jsonl"))
    lines, skipped = [], []
    for name, entry in raw.items():
        scores, why = _score(name, entry, articles)
        if scores is None:
            skipped.append(f"- `{name}`: {why}.")
            continue
        lines.append(_line(name, scores, entry["metrics"].get("real_dev")))
        print(lines[-1], flush=True)
    head = " / ".join(SENTENCE_LABELS)
    page = [
        "# The ablation models on real news labelled here",
        "",
        "Regenerate with `python experiments/real_annotated/score.py` (after `ablate.py` and",
        "`build.py`). Each row is the seed-13 model of `experiments/RESULTS.md`, scored on the",
        "1,859 real-news sentences of this folder (never trained on: the models trained on",
        "them are listed below as skipped) by real_dev's protocol; macro-F1 with 95%",
        "cluster-bootstrap intervals (items resampled); per-label F1; the article label-set",
        "micro-F1 of the 65 article items;",
        "real_dev macro-F1 beside it for comparison.",
        "",
        f"| config | macro-F1 | {head} | article | real_dev |",
        "|---|---|---|---|---|",
        *lines,
        "",
        *skipped,
        "",
    ]
    (HERE / "SCORES.md").write_text("\n".join(page), encoding="utf-8")
    print(HERE / "SCORES.md")


if __name__ == "__main__":
    main()
