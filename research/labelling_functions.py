"""Labelling functions: regular expressions that vote for one label or abstain.

An LF's vote weighs its precision measured on labelled text (:func:`lf_weights`, the
project's corpus train split in :mod:`research.weak`), so no real-news label tunes
anything; LFs below 0.5 precision are dropped. A sentence gets the label with the largest
summed weight when that sum and its margin over the runner-up are large enough
(:func:`weak_label`).
"""

import re
from collections import Counter

__all__ = ["LABELLING_FUNCTIONS", "lf_weights", "weak_label"]

_ATTACK_WORDS = (
    r"attack|bomb|blast|explosion|ambush|shelling|air ?strike|strike|massacre|killing|raid"
)
_ATTACK = f"(?:{_ATTACK_WORDS})"
_I = re.IGNORECASE
LABELLING_FUNCTIONS = {
    "claimed_responsibility": (
        "attribution",
        re.compile(
            r"claim(?:ed|s|ing)? (?:of )?responsibility|responsibility for the " + _ATTACK, _I
        ),
    ),
    "unclaimed": (
        "attribution",
        re.compile(
            r"\bno (?:group|one|organi[sz]ation|side)\b.{0,40}\bclaim"
            r"|not (?:immediately )?clear who|\bunclaimed\b",
            _I,
        ),
    ),
    "blamed_for_attack": (
        "attribution",
        re.compile(r"\b(?:blamed|blames|accused|accuses|attributed)\b.{0,80}\b" + _ATTACK, _I),
    ),
    "suspects_for_attack": (
        "attribution",
        re.compile(r"\b(?:arrested|charged|indicted|convicted|detained)\b.{0,80}\b" + _ATTACK, _I),
    ),
    "denied_attack": (
        "official_denial",
        re.compile(
            r"\b(?:denied|denies|deny|rejected|dismissed)\b.{0,80}\b(?:"
            + _ATTACK_WORDS
            + r"|involvement|responsib|casualt|killed|carried out|role)",
            _I,
        ),
    ),
    "no_knowledge": (
        "official_denial",
        re.compile(
            r"\bnot aware of\b|\b(?:could|can)(?:not|n't| not) confirm\b|\bno (?:information|"
            r"knowledge) (?:about|of)\b|\b(?:refused|declined) to confirm\b",
            _I,
        ),
    ),
    "casualties_now": (
        "attack_report",
        re.compile(
            r"\b(?:killed|wounded|injured)\b.{0,50}\b(?:on|late|early) (?:monday|tuesday|wednesday"
            r"|thursday|friday|saturday|sunday)|\b(?:today|yesterday|overnight)\b.{0,60}\b"
            r"(?:killed|wounded|exploded|attacked)",
            _I,
        ),
    ),
    "attack_verbs": (
        "attack_report",
        re.compile(
            r"\b(?:exploded|detonated|opened fire|stormed|ambushed|shelled|were killed|was killed"
            r"|were wounded)\b",
            _I,
        ),
    ),
    "history": (
        "background_context",
        re.compile(
            r"\b(?:in|since|until) (?:19|20)\d\d\b|\byears? ago\b|\bdecades?\b|\blast year\b|"
            r"\banniversary\b|\bhistory\b",
            _I,
        ),
    ),
    "reaction_threat": (
        "background_context",
        re.compile(r"\b(?:condemned|vowed|threatened|warned|urged|peace talks|ceasefire)\b", _I),
    ),
    "furniture": (
        "other",
        re.compile(
            r"^(?:reporting by|editing by|writing by|additional reporting|file photo|photo:|click|"
            r"share this|follow us|copyright|all rights reserved|advertisement|related:)",
            _I,
        ),
    ),
}


def _votes(text):
    return [
        (name, label)
        for name, (label, pattern) in LABELLING_FUNCTIONS.items()
        if pattern.search(text)
    ]


def lf_weights(texts, labels, min_precision=0.5):
    """Precision of each LF on labelled ``texts``; LFs under ``min_precision`` get 0."""
    fired, right = Counter(), Counter()
    for text, gold in zip(texts, labels, strict=True):
        for name, label in _votes(text):
            fired[name] += 1
            right[name] += label == gold
    weights = {}
    for name in LABELLING_FUNCTIONS:
        precision = right[name] / fired[name] if fired[name] else 0.0
        weights[name] = round(precision, 4) if precision >= min_precision else 0.0
    return weights


def weak_label(text, weights, min_score=0.6, min_margin=0.2):
    """Return ``(label, score)`` from the weighted vote, or None to abstain."""
    scores = Counter()
    for name, label in _votes(text):
        scores[label] += weights.get(name, 0.0)
    ranked = scores.most_common(2) + [(None, 0.0), (None, 0.0)]
    (label, best), (_, second) = ranked[0], ranked[1]
    if label is None or best < min_score or best - second < min_margin:
        return None
    return label, round(best, 4)
