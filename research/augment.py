"""Label-preserving training-data augmentation from the project's own sentences.

Real news arrives with page furniture glued to its sentences ("... on Sunday. Photo: AFP",
"(AFP) Gunmen stormed ..."), cut short by feeds ("... the army said ...") and in upper-case
wire copy. Training sentences rarely look like that, and a linear model then lets a credit
line outvote the sentence it is attached to: on the corpus dev split, appending a credit
costs the default model 0.07 macro-F1 (experiments/RESULTS.md, robustness table).

Each augmenter makes a new training sentence from an old one and keeps its label, following
the label contract: furniture attached to substantive content does not make it ``other``.
The copies are drawn with ``random.Random(seed)`` from the fold's training rows only (never an
evaluated row), so runs stay reproducible and no evaluated text leaks into training.
"""

import random

__all__ = ["AUGMENTERS", "augment_rows"]

FURNITURE_PREFIXES = (
    "Photo: ",
    "VIDEO: ",
    "Watch: ",
    "UPDATE: ",
    "Read more: ",
    "(AFP) ",
    "AP - ",
    "Reuters - ",
)
FURNITURE_SUFFIXES = (
    " Photo: AFP",
    " (AFP)",
    " (Reuters)",
    " Read more",
    " Share this article",
    " - AP",
    " | Reuters",
    " Full story",
    " (Photo: Reuters)",
)
#: Fewest words a sentence needs before it is cut short (shorter ones lose their meaning).
TRUNCATE_MIN_WORDS = 8


def _furniture(text, rng):
    if rng.random() < 0.5:
        return rng.choice(FURNITURE_PREFIXES) + text
    return text + rng.choice(FURNITURE_SUFFIXES)


def _upper(text, rng):
    return text.upper()


def _truncate(text, rng):
    words = text.split()
    if len(words) < TRUNCATE_MIN_WORDS:
        return None
    return " ".join(words[: rng.randint(max(4, len(words) // 2), len(words) - 2)]) + " ..."


#: Name -> (function of (text, rng) returning the new text or None, labels it never touches).
#: Furniture on ``other`` text would teach nothing: page furniture is ``other`` already.
AUGMENTERS = {
    "furniture": (_furniture, frozenset({"other"})),
    "truncate": (_truncate, frozenset()),
    "upper": (_upper, frozenset()),
}


def augment_rows(texts, labels, rates, seed):
    """New ``(text, label)`` training rows made from ``texts``.

    Parameters
    ----------
    texts, labels : sequence of str
        Training sentences and their labels.
    rates : mapping of str to float
        Augmenter name (a key of :data:`AUGMENTERS`) -> share of sentences it copies.
    seed : int
        The same seed, rows and rates give the same copies.

    Returns
    -------
    rows : list of (str, str)
    counts : dict
        Copies made per augmenter.
    """
    rng = random.Random(seed)
    kinds = sorted(rates)
    rows, counts = [], dict.fromkeys(kinds, 0)
    for text, label in zip(texts, labels, strict=True):
        for kind in kinds:
            function, skipped = AUGMENTERS[kind]
            if rng.random() >= rates[kind] or label in skipped:
                continue
            new = function(text, rng)
            if new is not None and new != text:
                rows.append((new, label))
                counts[kind] += 1
    return rows, counts
