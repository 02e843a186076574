"""Score a saved model on any labelled file; export a run's model to a new folder."""

import logging
import shutil
from pathlib import Path

import numpy as np

from research.api import load_model
from research.data import file_sha256, read_rows, to_examples
from research.errors import DataError
from research.modelio import load_estimator, save_model

__all__ = ["SLICE_COLUMNS", "evaluate_model", "export_model", "slice_scores"]

log = logging.getLogger(__name__)


def evaluate_model(
    model_dir,
    data_path,
    *,
    output=None,
    articles=(),
    allow_version_mismatch=False,
    n_bootstrap=1000,
    confidence=0.95,
    seed=0,
):
    """Score the model in ``model_dir`` on the labelled file ``data_path``.

    Sentence rows grouped by article (``group`` or ``item``) also get article label-set
    scores for the groups marked ``kind = "article"``; a model with an article-context stage
    reads those rows in their articles (consecutive rows of one item). With ``articles``
    (JSONL files of ``{id, text}`` holding those items' full text) and ``start``/``end``
    offsets on the rows, article items are scored as a reader meets them: the model segments
    and labels the full text, and each gold sentence takes the label of the span overlapping
    it most (:mod:`research.articles`). Other rows are scored one by one.

    Returns
    -------
    metrics : dict
        ``{<file stem>: {"sentence": ..., "article": ...}}``, as in a run's metrics.json.
    out_dir : Path or None
        The folder written when ``output`` is given (it must not exist yet).
    """
    from research.experiment import evaluate_predictions
    from research.report import write_confusion, write_metrics, write_predictions
    from research.runs import write_json

    output = Path(output) if output else None
    if output is not None and output.exists():
        raise DataError(f"{output}: already exists; evaluation results are never overwritten")
    model = load_model(model_dir, allow_version_mismatch=allow_version_mismatch)
    dataset = read_rows(data_path)
    if model.metadata.get("data_hash") == file_sha256(data_path):
        log.warning(
            "%s is the file this model was trained from: its training rows are scored too, "
            "so these figures flatter the model (a run's metrics.json scores held-out splits)",
            data_path,
        )
    examples = to_examples(dataset, where=str(data_path))
    proba = model.predict_proba(examples.texts)
    in_articles = np.zeros(len(examples), dtype=bool)
    in_articles[_in_article_rows(model, dataset, examples, proba)] = True
    preds = model.decide(proba, in_articles)
    segmented = None
    if articles:
        segmented = _score_segmented(model, dataset, examples, articles, preds, proba)
    name = Path(data_path).stem
    metrics = {
        name: evaluate_predictions(
            examples,
            preds,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            seed=seed,
            proba=proba,
            classes=model.labels,
            segmented=segmented,
        )
    }
    slices = slice_scores(dataset, examples.labels, preds)
    if slices:
        metrics[name]["slices"] = slices
    if output is None:
        return metrics, None
    try:
        output.mkdir(parents=True)
    except OSError as exc:
        raise DataError(
            f"{output}: cannot create the output folder ({exc.strerror or exc}); "
            "choose a writable path"
        ) from None
    write_metrics(output, metrics, name)
    write_confusion(output, metrics)
    write_predictions(
        output / "predictions.jsonl",
        [
            {
                "split": name,
                "id": i,
                "group": g,
                "text": t,
                "label": y,
                "pred": p,
                "scores": dict(zip(model.labels, map(float, row), strict=True)),
            }
            for i, g, t, y, p, row in zip(
                examples.ids,
                examples.groups,
                examples.texts,
                examples.labels,
                preds,
                proba.round(6),
                strict=True,
            )
        ],
    )
    write_json(
        output / "eval.json",
        {
            "model": str(Path(model_dir).resolve()),
            "model_run_id": model.metadata.get("run_id"),
            "data": str(Path(data_path).resolve()),
            "data_sha256": file_sha256(data_path),
        },
    )
    return metrics, output


def _in_article_rows(model, dataset, examples, proba):
    """Re-score rows of ``kind = "article"`` items in their articles (``proba`` in place);
    return their row numbers.

    Consecutive rows of one item are one article, in file order; a gap of two or more
    characters between their ``start``/``end`` offsets (a blank line) marks a new paragraph.
    Models without a context stage give the same probabilities either way.
    """
    columns = set(dataset.column_names)
    if "kind" not in columns or not hasattr(model.estimator, "predict_proba_articles"):
        return []
    kinds = dataset["kind"]
    starts = dataset["start"] if "start" in columns else [None] * len(kinds)
    ends = dataset["end"] if "end" in columns else [None] * len(kinds)
    index, sizes, breaks = [], [], []
    previous_group, previous_end = None, None
    for i, kind in enumerate(kinds):
        if kind != "article":
            previous_group = None
            continue
        group = examples.groups[i]
        new_article = group != previous_group
        if new_article:
            sizes.append(0)
        gap = (
            starts[i] - previous_end
            if isinstance(starts[i], int) and isinstance(previous_end, int)
            else 1
        )
        breaks.append(new_article or gap >= 2)
        sizes[-1] += 1
        index.append(i)
        previous_group, previous_end = group, ends[i]
    if index:
        proba[index] = model.predict_proba_in_articles(
            [examples.texts[i] for i in index], sizes, breaks
        )
    return index


#: Columns whose values split an evaluation file into reported slices.
SLICE_COLUMNS = ("kind", "source")


def slice_scores(dataset, labels, preds):
    """Accuracy and macro-F1 of each value of the :data:`SLICE_COLUMNS` the data has.

    Macro-F1 averages over the labels present in the slice's gold labels; no intervals
    (slices are small). Returns ``{"kind=snippet": {"n", "accuracy", "macro_f1"}, ...}``.
    """
    from sklearn.metrics import f1_score

    out = {}
    for column in SLICE_COLUMNS:
        if column not in dataset.column_names:
            continue
        values = [str(v) for v in dataset[column]]
        for value in sorted(set(values)):
            index = [i for i, v in enumerate(values) if v == value]
            gold = [labels[i] for i in index]
            pred = [preds[i] for i in index]
            out[f"{column}={value}"] = {
                "n": len(index),
                "accuracy": round(
                    sum(g == p for g, p in zip(gold, pred, strict=True)) / len(index), 6
                ),
                "macro_f1": round(
                    float(
                        f1_score(
                            gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0
                        )
                    ),
                    6,
                ),
            }
    return out


def _score_segmented(model, dataset, examples, articles, preds, proba):
    """Overwrite ``preds``/``proba`` rows of article items with their segmented labels.

    Returns the (gold, predicted) article label sets of the items scored that way.
    """
    from research.articles import read_article_texts, segmented_predictions

    columns = set(dataset.column_names)
    if not {"start", "end", "kind"} <= columns:
        raise DataError("--articles needs 'start', 'end' and 'kind' columns in the data")
    rows = [
        {"index": i, "item": examples.groups[i], "start": a, "end": b}
        for i, (kind, a, b) in enumerate(
            zip(dataset["kind"], dataset["start"], dataset["end"], strict=True)
        )
        if kind == "article" and isinstance(a, int) and isinstance(b, int)
    ]
    texts = read_article_texts(articles, {r["item"] for r in rows})
    by_index, article_sets = segmented_predictions(model, rows, texts)
    for i, sentence in by_index.items():
        preds[i] = sentence.label
        proba[i] = [sentence.scores[label] for label in model.labels]
    return [
        (examples.articles[g]["labels"], article_sets[g])
        for g in sorted(article_sets)
        if g in examples.articles
    ]


def export_model(run_or_model_dir, output, *, fmt="skops"):
    """Check and re-save a run's model (or a model directory) into the new folder ``output``."""
    source = Path(run_or_model_dir)
    if (source / "model").is_dir():
        source = source / "model"
    if Path(output).exists():
        raise DataError(f"{output}: already exists; choose a new folder")
    estimator, meta = load_estimator(source)
    try:
        return _save_export(estimator, meta, output, fmt)
    except OSError as exc:
        if Path(output).exists():  # it did not exist before: remove the partial copy
            shutil.rmtree(output, ignore_errors=True)
        raise DataError(
            f"{output}: cannot write the model ({exc.strerror or exc}); choose a writable path"
        ) from None


def _save_export(estimator, meta, output, fmt):
    known = {
        "format_version",
        "serializer",
        "model_file",
        "sha256",
        "labels",
        "unit",
        "model",
        "run_id",
        "data_hash",
        "versions",
        "metrics",
    }
    return save_model(
        estimator,
        output,
        unit=meta.get("unit", "sentence"),
        model_name=meta["model"]["name"],
        model_params=meta["model"]["params"],
        run_id=meta.get("run_id", ""),
        data_hash=meta.get("data_hash", ""),
        metrics=meta.get("metrics"),
        fmt=fmt,
        extra={k: v for k, v in meta.items() if k not in known},
    )
