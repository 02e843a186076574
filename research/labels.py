"""The label contract (see ``seeds/GUIDE.md``): sentence labels and article labels."""

#: The sentence labels in the contract's order. A model's ``predict_proba`` columns follow
#: its own ``Model.labels`` (alphabetical, as scikit-learn sorts classes): index columns by
#: ``model.labels.index(label)``, never by position in this tuple.
SENTENCE_LABELS = (
    "attack_report",
    "attribution",
    "official_denial",
    "background_context",
    "other",
)
#: The label that article label sets leave out.
NO_FUNCTION = "other"
#: The labels an article label set may hold, in contract order (``other`` left out).
ARTICLE_LABELS = tuple(label for label in SENTENCE_LABELS if label != NO_FUNCTION)


def article_label_set(sentence_labels):
    """Return the article's labels: the sentence labels it contains, ``other`` excluded.

    Parameters
    ----------
    sentence_labels : iterable of str

    Returns
    -------
    tuple of str
        In the order of :data:`ARTICLE_LABELS`.
    """
    present = set(sentence_labels)
    return tuple(label for label in ARTICLE_LABELS if label in present)
