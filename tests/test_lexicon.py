"""The v2 cue lexicon: conjunction pseudo-words, and v1 left exactly as it was."""

import pytest

from research.features import NewsAnalyzer
from research.lexicon import CueAnalyzer


def _cues(analyzer, text):
    return [g for g in analyzer(text) if g.startswith("__")]


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("The army denied its planes bombed the hospital.", "__x_deny_attack", "__x_deny_only"),
        ("The minister denied his party organised the rallies.", "__x_deny_only",
         "__x_deny_attack"),
        ("Police blamed the rebels for the ambush.", "__x_blame_attack", "__x_no_conflict"),
        ("Argentina beat the United States in the Olympic semi-final.", "__x_no_conflict",
         "__cue_conflict"),
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
