"""Short human-readable views of metrics, for the CLI."""

import json
from pathlib import Path

from research.labels import SENTENCE_LABELS

__all__ = ["headline_lines", "metrics_table", "slices_table"]


def _ci(ci):
    return f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""


def metrics_table(metrics):
    """Return a Markdown table of the splits in ``metrics`` (the ``splits`` of metrics.json)."""
    head = [
        "split",
        "n",
        "macro-F1 (95% CI)",
        "accuracy",
        *SENTENCE_LABELS,
        "article micro-F1",
        "ECE",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for split, levels in metrics.items():
        s = levels["sentence"]
        article = levels.get("article")
        cells = [
            split,
            str(s["n"]),
            f"{s['macro_f1']:.3f}{_ci(s['ci'].get('macro_f1'))}",
            f"{s['accuracy']:.3f}",
            *(f"{s['per_label'][lab]['f1']:.3f}" for lab in SENTENCE_LABELS),
            f"{article['micro_f1']:.3f}" if article else "-",
            f"{s['ece']:.3f}" if "ece" in s else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def slices_table(metrics):
    """Markdown table of the ``slices`` that evaluated files carry (empty if none)."""
    lines = []
    for split, levels in metrics.items():
        for name, r in levels.get("slices", {}).items():
            lines.append(
                f"| {split} | {name} | {r['n']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} |"
            )
    if not lines:
        return ""
    return "\n".join(
        ["| split | slice | n | accuracy | macro-F1 |", "|---|---|---|---|---|", *lines]
    )


def headline_lines(run_dir):
    """Lines that say where a run went and its headline metrics."""
    run_dir = Path(run_dir)
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    info = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    config = json.loads((run_dir / "config.resolved.json").read_text(encoding="utf-8"))
    # metrics.json keeps its keys sorted; show the splits in the config's order (test first)
    order = {split: i for i, split in enumerate(config["eval"]["splits"])}
    splits = dict(sorted(metrics["splits"].items(), key=lambda kv: order.get(kv[0], len(order))))
    return [
        f"run {info['run_id']} (seed {info['seed']}, {info['timings']['total']:.1f} s)",
        metrics_table(splits),
    ]
