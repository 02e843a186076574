"""Weak supervision: labelling functions over unlabelled news become training labels.

The labelling functions of :mod:`research.labelling_functions`, weighted by their
precision on the project's labelled corpus (train split), label the sentences of unlabelled
news; no real-news label tunes anything.

A trained model can label instead (:func:`model_label_corpora`): a slow, stronger teacher
such as the fine-tuned encoder labels real news for a fast student, keeping only confident
sentences. Users bring their own unlabelled JSONL (``id``, ``text``); ids listed in an
exclusion file (held-out evaluation items) are never read into training data.
"""

import json
import logging
from collections import Counter
from pathlib import Path

from research.errors import DataError
from research.labelling_functions import LABELLING_FUNCTIONS, lf_weights, weak_label
from research.segment import segment

__all__ = [
    "LABELLING_FUNCTIONS",
    "label_corpora",
    "lf_weights",
    "model_label_corpora",
    "unlabelled_records",
    "weak_dataset",
    "weak_label",
]

log = logging.getLogger(__name__)


def _read_ids(path):
    return {line.strip() for line in Path(path).read_text().splitlines() if line.strip()}


def unlabelled_records(paths, exclude_ids=None, skipped=None):
    """Yield ``(file name, record)`` for the ``{id, text}`` records of unlabelled JSONL files.

    Parameters
    ----------
    paths : sequence of path
    exclude_ids : path, optional
        A file of ids never to yield (held-out evaluation items), one per line.
    skipped : collections.Counter, optional
        Counts the records left out, as ``excluded`` or marked ``duplicate`` (``dup_of``).
    """
    skipped = Counter() if skipped is None else skipped
    excluded = _read_ids(exclude_ids) if exclude_ids else set()
    for path in map(Path, paths):
        if not path.is_file():
            raise DataError(f"{path}: corpus file not found")
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record["id"] in excluded or record.get("dup_of"):
                    skipped["excluded" if record["id"] in excluded else "duplicate"] += 1
                    continue
                yield path.name, record


def _row(source, record, k, text, label, score):
    """A weak-label sentence row: the ``k``-th sentence of ``record``."""
    return {
        "id": f"{record['id']}#{k}",
        "group": record["id"],
        "text": text,
        "label": label,
        "score": score,
        "source": source,
    }


def label_corpora(paths, weights, *, exclude_ids=None, max_per_label=3000):
    """Weakly label the sentences of unlabelled JSONL corpora.

    Returns
    -------
    rows : list of dict
        ``id``, ``group``, ``text``, ``label``, ``score``, ``source``: sentence rows that
        :func:`research.data.to_examples` reads.
    skipped : dict
        Counts of records skipped as excluded ids or marked duplicates.
    """
    rows, per_label, skipped = [], Counter(), Counter()
    for source, record in unlabelled_records(paths, exclude_ids, skipped):
        text = record.get("text") or ""
        for k, (start, end) in enumerate(segment(text)):
            voted = weak_label(text[start:end], weights)
            if voted is None or per_label[voted[0]] >= max_per_label:
                continue
            per_label[voted[0]] += 1
            rows.append(_row(source, record, k, text[start:end], *voted))
    log.info("weak labels: %s; skipped %s", dict(per_label), dict(skipped))
    return rows, dict(skipped)


def model_label_corpora(paths, model, *, exclude_ids=None, min_score=0.9, batch=200):
    """Label the sentences of unlabelled JSONL corpora with a trained model (a teacher).

    Each record is segmented and labelled as an article (a model with a context stage reads
    every sentence among its neighbours); a sentence is kept when its top probability is at
    least ``min_score``. Returns ``(rows, skipped)`` as :func:`label_corpora` does.
    """
    rows, skipped, pending = [], Counter(), []

    def flush():
        texts = [record.get("text") or "" for _, record in pending]
        for (source, record), doc in zip(pending, model.label_articles(texts), strict=True):
            for k, sentence in enumerate(doc.sentences):
                score = sentence.scores[sentence.label]
                if score >= min_score:
                    row = _row(source, record, k, sentence.text, sentence.label, round(score, 4))
                    rows.append(row)
        pending.clear()

    for item in unlabelled_records(paths, exclude_ids, skipped):
        pending.append(item)
        if len(pending) >= batch:
            flush()
    flush()
    log.info("model labels: %s; skipped %s", dict(Counter(r["label"] for r in rows)), dict(skipped))
    return rows, dict(skipped)


def weak_dataset(
    corpora,
    labelled,
    output,
    *,
    exclude_ids=None,
    max_per_label=3000,
    model_dir=None,
    min_score=0.9,
):
    """Label ``corpora`` and write the sentence rows as JSONL.

    By default the labelling functions vote, weighed on the labelled corpus's train split;
    with ``model_dir`` a trained model labels instead (:func:`model_label_corpora`).

    Returns
    -------
    dict
        LF weights (or the model), label counts and skipped records (also written next to
        ``output``).
    """
    if not 0.0 <= min_score <= 1.0:
        raise DataError(f"min_score must lie between 0 and 1, got {min_score}")
    output = Path(output)
    for path in (output, output.with_suffix(".summary.json")):
        if path.exists():  # checked before the labelling: it may take minutes
            raise DataError(f"{path}: already exists; weak labels are never written over a file")
    if exclude_ids is None:
        log.warning(
            "no exclude_ids: held-out evaluation items in the corpora may be labelled "
            "(and then trained on); pass the hold-out id list"
        )
    if model_dir is not None:
        weights, (rows, skipped) = _model_rows(corpora, model_dir, exclude_ids, min_score)
    else:
        weights, (rows, skipped) = _lf_rows(corpora, labelled, exclude_ids, max_per_label)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "x", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    summary = {
        "weights": weights,
        "labels": dict(Counter(r["label"] for r in rows)),
        "skipped": skipped,
        "corpora": [str(p) for p in corpora],
    }
    with open(output.with_suffix(".summary.json"), "x", encoding="utf-8") as handle:
        handle.write(json.dumps(summary, indent=2) + "\n")
    return summary


def _model_rows(corpora, model_dir, exclude_ids, min_score):
    """(what labelled, (rows, skipped)) for labels from a trained model."""
    from research.api import load_model

    model = load_model(model_dir)
    source = {"model": str(model_dir), "run_id": model.metadata.get("run_id")}
    source["min_score"] = min_score
    return source, model_label_corpora(corpora, model, exclude_ids=exclude_ids, min_score=min_score)


def _lf_rows(corpora, labelled, exclude_ids, max_per_label):
    """(LF weights, (rows, skipped)) for labels voted by the labelling functions."""
    from research.corpus import read_corpus

    articles = [a for a in read_corpus(labelled) if a["split"] == "train"]
    texts = [a["text"][s["start"] : s["end"]] for a in articles for s in a["sentences"]]
    labels = [s["label"] for a in articles for s in a["sentences"]]
    weights = lf_weights(texts, labels)
    return weights, label_corpora(
        corpora, weights, exclude_ids=exclude_ids, max_per_label=max_per_label
    )
