"""Score whole articles as a reader meets them: segment the full text, label it, map spans.

Real-news evaluation files (``eval/README.md`` in the shared data) give each sentence of an
article item its character offsets in that item's full text, which lives in a separate
corpus file. Scoring such items sentence by sentence would hand the model the gold
segmentation and hide its context. Here the model labels the full text with
:meth:`research.api.Model.label_articles` (its own segmenter, and its article context when
it has one), and each gold sentence takes the label of the predicted span that overlaps it
most.
"""

import json
import logging
from pathlib import Path

from research.data import utf8_lines
from research.errors import DataError

__all__ = ["overlap_labels", "read_article_texts", "segmented_predictions"]

log = logging.getLogger(__name__)


def read_article_texts(paths, ids):
    """Return ``{id: text}`` for the wanted ``ids`` found in JSONL files of ``{id, text}``.

    Lines that are not JSON objects with a string ``text`` are skipped: corpus files may hold
    other records; only the wanted ids matter.
    """
    wanted, found = set(ids), {}
    for path in paths:
        if not Path(path).is_file():
            raise DataError(f"{path}: article file not found (give JSONL files of {{id, text}})")
        for _, line in utf8_lines(path):
            if not wanted.difference(found):
                return found
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if (
                isinstance(record, dict)
                and record.get("id") in wanted
                and isinstance(record.get("text"), str)
            ):
                found[record["id"]] = record["text"]
    return found


def overlap_labels(gold_spans, predicted):
    """For each gold ``(start, end)``, the predicted sentence that overlaps it most.

    Parameters
    ----------
    gold_spans : sequence of (int, int)
    predicted : sequence of SentenceLabel
        Ordered, non-overlapping spans (as :func:`research.segment.segment` gives).

    Returns
    -------
    list of SentenceLabel
        One per gold span; a gold span that overlaps nothing takes the nearest span before it
        (or the first span).
    """
    out, j = [], 0
    for start, end in gold_spans:
        while j < len(predicted) and predicted[j].end <= start:
            j += 1
        best, best_len, k = None, 0, j
        while k < len(predicted) and predicted[k].start < end:
            length = min(end, predicted[k].end) - max(start, predicted[k].start)
            if length > best_len:
                best, best_len = predicted[k], length
            k += 1
        if best is None:
            best = predicted[max(j - 1, 0)]
        out.append(best)
    return out


def segmented_predictions(model, rows, texts):
    """Labels of gold sentences of article items, read off their segmented full text.

    Parameters
    ----------
    model : research.api.Model
    rows : list of dict
        ``index`` (position in the evaluated examples), ``item``, ``start``, ``end``.
    texts : dict
        Item id -> full text.

    Returns
    -------
    by_index : dict
        Example index -> SentenceLabel of the span that labels it.
    article_sets : dict
        Item id -> the article label set that :meth:`label_articles` gave.
    """
    items = {}
    for row in rows:
        if row["item"] in texts:
            items.setdefault(row["item"], []).append(row)
    order = sorted(items)
    labelled = model.label_articles([texts[item] for item in order])
    by_index, article_sets = {}, {}
    for item, result in zip(order, labelled, strict=True):
        if not result.sentences:
            continue
        group = sorted(items[item], key=lambda r: r["start"])
        spans = [(r["start"], r["end"]) for r in group]
        for row, sentence in zip(group, overlap_labels(spans, result.sentences), strict=True):
            by_index[row["index"]] = sentence
        article_sets[item] = result.labels
    missing = len({r["item"] for r in rows} - set(items))
    if missing:
        log.warning(
            "%d article items have no full text in the article files; "
            "their sentences are scored one by one",
            missing,
        )
    return by_index, article_sets
