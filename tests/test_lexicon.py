"""The v2 cue lexicon: conjunction pseudo-words, and v1 left exactly as it was."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.features import NewsAnalyzer
from research.lexicon import CueAnalyzer
from tests.conftest import TINY_CORPUS


def _cues(analyzer, text):
    return [g for g in analyzer(text) if g.startswith("__")]


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("The army denied its planes bombed the hospital.", "__x_deny_attack", "__x_deny_only"),
        (
            "The minister denied his party organised the rallies.",
            "__x_deny_only",
            "__x_deny_attack",
        ),
        ("Police blamed the rebels for the ambush.", "__x_blame_attack", "__x_no_conflict"),
        (
            "Argentina beat the United States in the Olympic semi-final.",
            "__x_no_conflict",
            "__cue_conflict",
        ),
        ("The group denied any involvement.", "__x_deny_attack", "__x_deny_only"),
    ],
)
def test_conjunctions(text, present, absent):
    cues = _cues(CueAnalyzer(), text)
    assert present in cues and absent not in cues


def test_v1_analyzer_is_unchanged():
    # tfidf_logreg.v2 models must keep their meaning: the v1 lexicon adds none of the v2 cues.
    cues = _cues(NewsAnalyzer(), "The army denied its planes bombed the hospital.")
    assert cues == ["__cue_attack", "__cue_deny", "__shape_tokens_le_8"]


def test_word_ngrams_come_first_and_are_the_same_as_v1():
    text = "Gunmen stormed a checkpoint on Sunday."
    words = [g for g in CueAnalyzer()(text) if not g.startswith("__")]
    assert words == [g for g in NewsAnalyzer()(text) if not g.startswith("__")]


def _reference_cues(text, tokens, bigrams, maps=None):
    """The cue and shape pseudo-words as first written, step by step (v2 maps by default)."""
    from research.features import _FINAL_STOP, _QUOTES, _YEARS, all_caps
    from research.lexicon import _MAPS

    single, single_keys, double, double_keys, longer, longer_heads = maps or _MAPS
    found = [single[t] for t in single_keys.intersection(tokens)]
    found += [double[b] for b in double_keys.intersection(bigrams)]
    if not longer_heads.isdisjoint(bigrams):
        padded = f" {' '.join(tokens)} "
        found += [cue for phrase, cue in longer.items() if f" {phrase} " in padded]
    shapes = [
        ("__shape_quote", any(q in text for q in _QUOTES)),
        ("__shape_year", not _YEARS.isdisjoint(tokens)),
        ("__shape_upper_case", text.isupper() and all_caps(text)),
        ("__shape_no_final_stop", not text.rstrip().endswith(_FINAL_STOP)),
        ("__shape_tokens_le_3", len(tokens) <= 3),
        ("__shape_tokens_le_8", 3 < len(tokens) <= 8),
    ]
    return sorted(found + [name for name, on in shapes if on])


def _reference(text, ngram_range):
    """CueAnalyzer as first written (word n-grams, v2 cues, the original conjunction
    rules): the fast path must give exactly this."""
    from research.features import TOKEN_PATTERN

    lowered = text.lower()
    tokens = TOKEN_PATTERN.findall(lowered)
    low, high = ngram_range
    grams = list(tokens) if low == 1 else []
    bigrams = list(map(" ".join, zip(tokens, tokens[1:], strict=False)))
    if low <= 2 <= high:
        grams += bigrams
    for n in range(max(low, 3), high + 1):
        grams += map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False))
    found = _reference_cues(text, tokens, bigrams)
    present = set(found)
    has_object = bool({"__cue_attack", "__cue_responsibility"} & present)
    extra = [
        f"__x_{name}_{'attack' if has_object else 'only'}"
        for cue, name in (
            ("__cue_deny", "deny"),
            ("__cue_no_knowledge", "deny"),
            ("__cue_blame", "blame"),
            ("__cue_claim", "claim"),
        )
        if cue in present
    ]
    if not {f"__cue_{c}" for c in ("conflict", "attack", "claim", "unclaimed")} & present:
        extra.append("__x_no_conflict")
    return grams + found + sorted(set(extra))


SAMPLES = [json.loads(line) for line in TINY_CORPUS.open()]
TEXTS = [a["text"][s["start"] : s["end"]] for a in SAMPLES for s in a["sentences"]]


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)])
def test_fast_analyzer_matches_the_reference_on_corpus_sentences(ngram_range):
    analyzer = CueAnalyzer(ngram_range)
    assert [analyzer(t) for t in TEXTS] == [_reference(t, ngram_range) for t in TEXTS]


PIECES = [
    *"abc XYZ.'\"“»19024-\n",
    " denied ",
    " attack ",
    " army ",
    " claimed ",
    " no group ",
    " could not confirm ",
    " shot down ",
    " 1972 ",
    " blamed ",
    " football ",
]


@settings(deadline=None)  # a loaded machine may be slow on one example
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_fast_analyzer_matches_the_reference_on_any_text(text):
    assert CueAnalyzer((1, 2))(text) == _reference(text, (1, 2))


@settings(deadline=None)  # a loaded machine may be slow on one example
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_v1_cue_tokens_match_the_reference_on_any_text(text):
    from research.features import _MAPS_V1, TOKEN_PATTERN

    tokens = TOKEN_PATTERN.findall(text.lower())
    bigrams = list(map(" ".join, zip(tokens, tokens[1:], strict=False)))
    expected = tokens + bigrams + _reference_cues(text, tokens, bigrams, _MAPS_V1)
    assert NewsAnalyzer()(text) == expected
