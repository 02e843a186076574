"""Counts over the annotated corpus, for ``research corpus stats``."""

import statistics
from collections import Counter

from research.corpus import article_problems, read_corpus
from research.errors import DataError

__all__ = ["corpus_stats", "format_stats"]


def corpus_stats(path):
    """Counts by label, region, style, split and era, and sentence lengths."""
    articles = read_corpus(path)
    for article in articles:
        found = article_problems(article)
        if found:
            raise DataError(f"{path}: {found[0]}; run `research corpus validate` for every problem")
    stats = {
        "articles": len(articles),
        "sentences": 0,
        "labels": Counter(),
        "article_labels": Counter(),
        "regions": Counter(),
        "styles": Counter(),
        "splits": Counter(),
        "split_sentences": Counter(),
        "decades": Counter(),
    }
    lengths, sizes = [], []
    for a in articles:
        stats["regions"][a["meta"]["region"]] += 1
        stats["styles"][a["meta"]["style"]] += 1
        stats["splits"][a["split"]] += 1
        stats["decades"][str(a["meta"]["date"])[:3] + "0s"] += 1
        stats["article_labels"].update(a.get("labels", []))
        sizes.append(len(a["sentences"]))
        for s in a["sentences"]:
            stats["labels"][s["label"]] += 1
            stats["split_sentences"][a["split"]] += 1
            lengths.append(len(a["text"][s["start"] : s["end"]].split()))
    stats["sentences"] = len(lengths)
    if lengths:
        stats["sentence_words"] = {
            "min": min(lengths),
            "median": statistics.median(lengths),
            "mean": round(statistics.mean(lengths), 1),
            "max": max(lengths),
        }
        stats["article_sentences"] = {
            "min": min(sizes),
            "median": statistics.median(sizes),
            "max": max(sizes),
        }
    return stats


def format_stats(stats):
    """Render :func:`corpus_stats` as readable text."""
    lines = [f"articles: {stats['articles']}   sentences: {stats['sentences']}"]
    for key in (
        "labels",
        "article_labels",
        "splits",
        "split_sentences",
        "regions",
        "styles",
        "decades",
    ):
        counts = ", ".join(f"{k} {v}" for k, v in stats[key].most_common())
        lines.append(f"{key}: {counts}")
    for key in ("sentence_words", "article_sentences"):
        if key in stats:
            lines.append(f"{key}: " + ", ".join(f"{k} {v}" for k, v in stats[key].items()))
    return "\n".join(lines)
