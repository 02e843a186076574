"""Write a run's outputs: configs, metrics (JSON and CSV), confusion matrices, predictions,
and the model card of a model directory."""

import csv
import json
from pathlib import Path

from research.decision import OFFSETS
from research.runs import write_json

__all__ = [
    "metrics_rows",
    "model_card",
    "write_confusion",
    "write_confusion_png",
    "write_metrics",
    "write_outputs",
    "write_predictions",
]

CSV_FIELDS = (
    "split",
    "level",
    "label",
    "precision",
    "recall",
    "f1",
    "ci_low",
    "ci_high",
    "support",
)


def metrics_rows(metrics):
    """Flatten ``metrics.json``'s splits into CSV rows (one per split, level and label)."""
    rows = []
    for split, levels in metrics.items():
        sentence = levels["sentence"]
        for label, r in sentence["per_label"].items():
            low, high = r["f1_ci"] or (None, None)
            rows.append(
                {
                    "split": split,
                    "level": "sentence",
                    "label": label,
                    "precision": r["precision"],
                    "recall": r["recall"],
                    "f1": r["f1"],
                    "ci_low": low,
                    "ci_high": high,
                    "support": r["support"],
                }
            )
        for name in ("macro_f1", "micro_f1", "accuracy"):
            low, high = sentence["ci"].get(name, (None, None))
            rows.append(
                {
                    "split": split,
                    "level": "sentence",
                    "label": name,
                    "f1": sentence[name],
                    "ci_low": low,
                    "ci_high": high,
                    "support": sentence["n"],
                }
            )
        article = levels.get("article")
        if article:
            for name in ("micro_f1", "macro_f1", "exact_match"):
                low, high = article["ci"].get(name, (None, None))
                rows.append(
                    {
                        "split": split,
                        "level": "article",
                        "label": name,
                        "f1": article[name],
                        "ci_low": low,
                        "ci_high": high,
                        "support": article["n_articles"],
                    }
                )
    return rows


def write_metrics(directory, metrics, headline):
    """Write ``metrics.json`` and ``metrics.csv`` (no timings: equal runs give equal bytes)."""
    directory = Path(directory)
    head = metrics[headline]["sentence"]
    write_json(
        directory / "metrics.json",
        {
            "headline": {
                "split": headline,
                "macro_f1": head["macro_f1"],
                "macro_f1_ci": head["ci"].get("macro_f1"),
            },
            "splits": metrics,
        },
    )
    with open(directory / "metrics.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(metrics_rows(metrics))


def write_confusion_png(path, confusion, title):
    """Draw a confusion matrix (rows gold, columns predicted) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, matrix = confusion["labels"], confusion["matrix"]
    fig, ax = plt.subplots(figsize=(6.4, 5.2), dpi=100)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=9)
    top = max((max(row) for row in matrix), default=0) or 1
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(
                j,
                i,
                str(value),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if value > top / 2 else "black",
            )
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def write_confusion(directory, metrics):
    for split, levels in metrics.items():
        confusion = levels["sentence"]["confusion"]
        with open(
            Path(directory) / f"confusion_{split}.csv", "w", newline="", encoding="utf-8"
        ) as handle:
            writer = csv.writer(handle)
            writer.writerow(["gold \\ predicted", *confusion["labels"]])
            for label, row in zip(confusion["labels"], confusion["matrix"], strict=True):
                writer.writerow([label, *row])
        write_confusion_png(
            Path(directory) / f"confusion_{split}.png", confusion, f"{split}: sentence labels"
        )


def write_predictions(path, predictions):
    with open(path, "w", encoding="utf-8") as handle:
        for row in predictions:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_outputs(directory, cfg, config_text, results):
    """Write every file of a run directory except ``run.json`` and the model."""
    directory = Path(directory)
    (directory / "config.toml").write_text(config_text, encoding="utf-8")
    write_json(directory / "config.resolved.json", cfg.to_dict())
    write_metrics(directory, results["metrics"], results["headline"])
    write_confusion(directory, results["metrics"])
    write_predictions(directory / "predictions.jsonl", results["predictions"])


def model_card(meta):
    """The README.md of a model directory, from its ``metadata.json`` contents."""
    metrics = meta.get("metrics") or {}
    lines = [
        f"# Model {meta['model']['name']} (run {meta['run_id'] or 'n/a'})",
        "",
        "Labels conflict-news sentences by discourse function; an article's labels are the set "
        "of its sentence labels other than `other`.",
        "",
        f"- labels: {', '.join(meta['labels'])}",
        f"- text unit: {meta['unit']}",
        f"- training data sha256: {meta['data_hash']}",
        f"- saved with scikit-learn {meta['versions']['scikit-learn']} ({meta['serializer']})",
    ]
    if "macro_f1" in metrics:
        lines.append(f"- test macro-F1: {metrics['macro_f1']:.3f} (n = {metrics.get('n')})")
    lines += _decision_lines(meta.get("decision") or {})
    lines += [
        "",
        "## Load",
        "",
        "```python",
        "from research import load_model",
        'model = load_model("path/to/this/folder")',
        'model.predict(["Gunmen attacked a checkpoint on Sunday."])',
        "```",
        "",
    ]
    return "\n".join(lines)


def _decision_lines(decision):
    """Model-card lines for what was chosen on the dev split (nothing when nothing was)."""
    lines = []
    if "temperature" in decision:
        alone = decision.get("sentence_temperature")
        lines.append(
            f"- scores: tempered by T = {decision['temperature']}"
            + (f" in articles, {alone} for sentences alone" if alone is not None else "")
            + f" (fitted on {decision.get('chosen_on')} by log-loss)"
        )
    for key, where in zip(OFFSETS, ("", ", sentences alone"), strict=True):
        offsets = {k: v for k, v in (decision.get(key) or {}).items() if v}
        if offsets:
            chosen_on = decision.get("chosen_on")
            lines.append(f"- decision offsets (log-probability{where}, on {chosen_on}): {offsets}")
    return lines
