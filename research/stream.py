"""Out-of-core training: ``partial_fit`` over batches, from memory or a ``datasets`` dataset.

Models trained this way have stateless features (hashing), so each batch is transformed on
its own and only the classifier carries state; memory is bounded by the batch size, not by
the corpus.
"""

import logging

import numpy as np

from research.progress import progress

__all__ = ["dataset_batches", "list_batches", "partial_fit_stream"]

log = logging.getLogger(__name__)


def list_batches(texts, labels, batch_size, seed):
    """Return ``batches(epoch)`` over in-memory lists, reshuffled each epoch."""

    def batches(epoch):
        order = np.random.default_rng([seed, epoch]).permutation(len(texts))
        for i in range(0, len(order), batch_size):
            chunk = order[i : i + batch_size]
            yield [texts[j] for j in chunk], [labels[j] for j in chunk]

    return batches


def dataset_batches(dataset, batch_size, seed, text_column="text", label_column="label"):
    """Return ``batches(epoch)`` over a (memory-mapped) ``datasets.Dataset``, reshuffled each
    epoch; only one batch of rows is materialised at a time."""

    def batches(epoch):
        shuffled = dataset.shuffle(seed=seed + epoch, keep_in_memory=True)
        for batch in shuffled.iter(batch_size=batch_size):
            yield batch[text_column], batch[label_column]

    return batches


def partial_fit_stream(pipeline, batches, classes, epochs):
    """Fit ``pipeline`` (stateless feature steps, then a ``partial_fit`` classifier).

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
    batches : callable
        ``batches(epoch)`` yields ``(texts, labels)``.
    classes : sequence of str
        Every label, known before the first batch.
    epochs : int
    """
    features, clf = pipeline[:-1], pipeline[-1]
    fitted = False
    for epoch in progress(range(epochs), desc="epochs", unit="epoch"):
        seen = 0
        for texts, labels in batches(epoch):
            if not fitted:
                features.fit(texts)
                fitted = True
            clf.partial_fit(features.transform(texts), labels, classes=list(classes))
            seen += len(texts)
        log.info("epoch %d: %d examples", epoch + 1, seen)
    return pipeline
