"""Robustness to real-news text: score a model on perturbed copies of a corpus split.

    python experiments/robustness.py RUN_OR_MODEL_DIR... [--split test]

Each perturbation rewrites every sentence of the split the way real copy arrives (upper-case
wire copy, headline case, no final stop, cut short by a feed, page furniture glued on, two
sentences run together) and keeps its gold label, as the label contract does. Sentences are
scored one by one (a context model's sentence stage). The furniture strings here are
disjoint from the training augmentation's (research/augment.py), so a model cannot pass by
having seen them. experiments/ablate.py adds this table for every ablation row.
"""

import argparse
import re
import sys
from pathlib import Path

from sklearn.metrics import f1_score

from research.corpus import read_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "seeds" / "corpus.jsonl"
# Never in research.augment's lists: held out from training augmentation.
PREFIXES = ("Pictured: ", "BREAKING: ", "Listen: ", "(DPA) ")
SUFFIXES = (" Image: Getty Images", " (EPA)", " Click here to subscribe", " Copyright 2024")


def _headline(text):
    return re.sub(r"[.!?]+$", "", " ".join(w[:1].upper() + w[1:] for w in text.split()))


def _truncated(text):
    words = text.split()
    return " ".join(words[: max(3, int(len(words) * 0.6))]) + " ..."


#: Name -> function of (sentence, next sentence of the same label or None) -> text or None.
PERTURBATIONS = {
    "clean": lambda text, following: text,
    "upper": lambda text, following: text.upper(),
    "headline": lambda text, following: _headline(text),
    "no_stop": lambda text, following: re.sub(r"[.!?\"'”’]+$", "", text),
    "truncated": lambda text, following: _truncated(text),
    "furniture_prefix": lambda text, following: PREFIXES[len(text) % len(PREFIXES)] + text,
    "furniture_suffix": lambda text, following: text + SUFFIXES[len(text) % len(SUFFIXES)],
    "joined": lambda text, following: f"{text} {following}" if following else None,
}


def split_sentences(split, corpus=CORPUS):
    """(sentence, label, next sentence if it has the same label) of a corpus split."""
    rows = []
    articles = read_corpus(corpus)
    for article in articles:
        if article["split"] != split:
            continue
        spans = [(article["text"][s["start"] : s["end"]], s["label"]) for s in article["sentences"]]
        for k, (text, label) in enumerate(spans):
            following = spans[k + 1][0] if k + 1 < len(spans) and spans[k + 1][1] == label else None
            rows.append((text, label, following))
    return rows


def robustness(model, rows):
    """Macro-F1 of ``model`` (a research.Model) under each perturbation: ``{name: (f1, n)}``."""
    scores = {}
    for name, perturb in PERTURBATIONS.items():
        pairs = [(perturb(text, following), label) for text, label, following in rows]
        pairs = [(text, label) for text, label in pairs if text is not None]
        preds = model.predict([text for text, _ in pairs])
        gold = [label for _, label in pairs]
        scores[name] = (round(float(f1_score(gold, preds, average="macro")), 4), len(pairs))
    return scores


def table(results):
    """Markdown lines: a header and one row per entry of ``results`` (name -> scores of
    :func:`robustness`, or None: a row of dashes); clean macro-F1, then each change."""
    names = list(PERTURBATIONS)
    lines = ["| config | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for name, scores in results.items():
        if not scores:
            lines.append(f"| {name} | " + " | ".join("-" for _ in names) + " |")
            continue
        clean = scores["clean"][0]
        cells = [f"{clean:.3f}"] + [f"{scores[n][0] - clean:+.3f}" for n in names[1:]]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def main():
    from research import load_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path, help="run or model directories")
    parser.add_argument("--split", default="test")
    args = parser.parse_args()
    rows = split_sentences(args.split)
    results = {}
    for path in args.models:
        model_dir = path / "model" if (path / "model").is_dir() else path
        results[path.name] = robustness(load_model(model_dir), rows)
    print("\n".join(table(results)))


if __name__ == "__main__":
    sys.exit(main())
