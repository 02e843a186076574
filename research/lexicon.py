"""The second cue lexicon: conflict and topic categories, and cue conjunctions.

Real news is full of cue verbs without their object: a minister *denies* a party organised
rallies, a government *blames* rebels for stalled talks, a state *denies* a nuclear
programme. A linear model over words cannot tell "denied + attack" from "denied + talks";
:class:`CueAnalyzer` adds pseudo-words for such conjunctions (``__x_deny_attack``,
``__x_deny_only``), one for sentences with no conflict vocabulary at all
(``__x_no_conflict``, the mark of non-conflict news), and coarse topic categories (sport,
economy, science, disasters, politics) so that a word the corpus never used ("basketball")
still votes like its category. :data:`research.features.LEXICON` is left as it was, so
``tfidf_logreg.v2`` keeps its meaning.
"""

from research.features import LEXICON, TOKEN_PATTERN, cue_tokens, phrase_maps

__all__ = ["LEXICON_V2", "CueAnalyzer"]

LEXICON_V2 = {
    **LEXICON,
    "conflict": """war wars wartime conflict armed military army armies troops soldier soldiers
        forces militia militias militiamen militant militants insurgency insurgent insurgents
        rebel rebels rebellion guerrilla guerrillas terror terrorism terrorist terrorists
        jihadist jihadists extremist extremists islamist islamists separatist separatists
        ceasefire truce offensive fighting fighters fighter clashes clashed violence violent
        weapons arms occupation occupied displaced refugees humanitarian coup junta massacre
        massacres genocide atrocities war_crimes hostage hostages kidnapping kidnappers
        paramilitary paramilitaries commander commanders battalion brigade regiment
        security_forces checkpoint checkpoints curfew siege frontline front_line uprising
        intifada mujahideen taliban qaeda shabab boko_haram hezbollah hamas isis isil farc
        eln fmln pkk ltte ira eta houthi houthis junta peacekeepers peacekeeping""",
    "responsibility": """responsibility responsible involvement involved role behind
        carried_out culpability complicity complicit""",
    "topic_sport": """football soccer cricket tennis basketball rugby golf olympic olympics
        championship championships league cup tournament match matches goal goals coach
        striker midfielder season athlete athletes medal medals marathon stadium""",
    "topic_economy": """stocks shares market markets investors economy economic inflation prices
        price profit profits company companies firm bank banks trade exports imports tariffs
        budget tax taxes currency dollar euro growth gdp earnings merger takeover billion
        industry consumers""",
    "topic_science": """scientists study research researchers space nasa satellite telescope
        planet climate virus vaccine vaccines disease patients doctors health cancer species
        astronauts orbit""",
    "topic_disaster": """flood floods flooding earthquake quake storm hurricane typhoon cyclone
        landslide drought wildfire tsunami crash accident derailed heatwave""",
    "topic_politics": """election elections vote votes voters poll polls ballot campaign
        candidate parliament opposition referendum lawmakers legislature""",
}

_SINGLE, _DOUBLE, _LONGER = phrase_maps(LEXICON_V2)
_SINGLE_KEYS, _DOUBLE_KEYS = frozenset(_SINGLE), frozenset(_DOUBLE)
_LONGER_HEADS = frozenset(" ".join(p.split()[:2]) for p in _LONGER)
_MAPS = (_SINGLE, _SINGLE_KEYS, _DOUBLE, _DOUBLE_KEYS, _LONGER, _LONGER_HEADS)
_CONFLICT_CUES = frozenset(f"__cue_{c}" for c in ("conflict", "attack", "claim", "unclaimed"))
_OBJECT_CUES = frozenset(("__cue_attack", "__cue_responsibility"))
#: Cue -> (its conjunction without, with an attack or responsibility in the sentence).
_PAIRS = {
    cue: (f"__x_{name}_only", f"__x_{name}_attack")
    for cue, name in (
        ("__cue_deny", "deny"),
        ("__cue_no_knowledge", "deny"),
        ("__cue_blame", "blame"),
        ("__cue_claim", "claim"),
    )
}
_PAIR_CUES = frozenset(_PAIRS)


def _conjunctions(found):
    """Pseudo-words for cue pairs in one sentence (sorted, each at most once)."""
    present = set(found)
    has_object = int(not _OBJECT_CUES.isdisjoint(present))
    extra = {_PAIRS[cue][has_object] for cue in _PAIR_CUES.intersection(present)}
    if _CONFLICT_CUES.isdisjoint(present):
        extra.add("__x_no_conflict")
    return sorted(extra)


class CueAnalyzer:
    """Analyzer for ``TfidfVectorizer``: word n-grams, v2 cue categories and conjunctions.

    Parameters
    ----------
    ngram_range : tuple of (int, int)
    """

    def __init__(self, ngram_range=(1, 2)):
        self.ngram_range = ngram_range

    def __call__(self, text):
        tokens = TOKEN_PATTERN.findall(text.lower())
        low, high = self.ngram_range
        bigrams = list(map(" ".join, zip(tokens, tokens[1:], strict=False)))
        found = cue_tokens(text, None, tokens, bigrams, maps=_MAPS)
        grams = tokens if low == 1 else []
        if low <= 2 <= high:
            grams = grams + bigrams
        for n in range(max(low, 3), high + 1):
            grams = grams + list(map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False)))
        return grams + found + _conjunctions(found)
