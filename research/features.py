"""Cue-lexicon features and the cue-rule baseline.

Word n-grams learn the cues the training corpus happens to use; grouping cues into
categories (deny, claim, blame, past time ...) lets a verb never seen in training
("repudiated") still fire the feature its category learned. Both classes here are
module-level and on the loader's allowlist (:data:`research.skops_files.TRUSTED_TYPES`).
"""

import re

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

__all__ = [
    "LEXICON",
    "TOKEN_PATTERN",
    "CueFeatures",
    "CueRuleClassifier",
    "NewsAnalyzer",
    "all_caps",
    "cue_tokens",
    "phrase_maps",
]

# Category -> words and phrases (lower case). Phrases match on whole tokens.
LEXICON = {
    "claim": """claim claimed claims claiming responsibility took_responsibility carried_out
        behind_the attacks_on_behalf our_fighters our_mujahideen martyrdom_operation communique
        statement_posted telegram""",
    "blame": """blame blamed blames blaming accuse accused accuses accusing attributed attributes
        attributing held_responsible responsible_for suspect suspects suspected arrested detained
        charged indicted convicted sentenced culprits perpetrators perpetrator orchestrated
        masterminded mastermind behind""",
    "unclaimed": """no_group no_one nobody no_side not_immediately_clear unclear_who not_clear_who
        has_not_claimed have_not_claimed yet_to_claim unclaimed""",
    "deny": """deny denied denies denying denial denials reject rejected rejects rejecting
        dismissed dismisses refuted refutes rebuffed repudiated disputed disputes baseless
        unfounded fabricated fabrication propaganda lies false untrue categorically nonsense
        disinformation fake misinformation""",
    "no_knowledge": """not_aware no_knowledge no_information no_reports no_record not_confirm
        cannot_confirm could_not_confirm unable_to_confirm declined_to_confirm refused_to_confirm
        would_not_confirm no_confirmation not_verify could_not_verify no_evidence not_received""",
    "confirm": "confirm confirmed confirms confirming verified acknowledged admitted",
    "speech": """said says say told stated statement announced spokesman spokeswoman spokesperson
        according reported added quoted insisted claimed_that noted declared briefing""",
    "negation": "not no never n't none neither nor without nothing",
    "attack": """attack attacked attacks attacking bomb bombed bombing bombings blast blasts
        explosion explosions exploded explosive drone drones rocket rockets missile missiles mortar
        mortars shelling shelled airstrike airstrikes air_strike strike strikes struck gunmen
        gunman ambush ambushed killed killing wounded injured dead casualties kidnapped abducted
        hijacked stormed raid raided intercepted shot_down detonated suicide ied grenade fired
        opened_fire militants insurgents rebels guerrillas""",
    "past": """ago previously earlier former formerly history historical decades decade years
        last_year last_month anniversary had_been at_the_time since until once past originally
        began founded""",
    "current": """today yesterday tonight overnight monday tuesday wednesday thursday friday
        saturday sunday this_morning this_afternoon this_evening early_hours hours_after""",
    "hedge": "reportedly allegedly believed apparently possibly likely purportedly thought",
    "threat": """threaten threatened threatens threat threats vowed vows warned warns retaliate
        retaliation revenge avenge will_respond""",
    "reaction": """condemned condemns condemnation denounced deplored mourned condolences
        solidarity urged called_for""",
    "boilerplate": """share comment comments reply subscribe follow click email copyright
        rights_reserved photo advertisement newsletter cookie cookies login sign_up read_more
        related editing reporting_by staff_reporter refresh updates""",
}
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|n't|\d+")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")


def _index(lexicon):
    """Map each first token to (phrase tokens, category) entries, longest phrase first."""
    index = {}
    for category, words in lexicon.items():
        for entry in words.split():
            tokens = tuple(entry.split("_"))
            index.setdefault(tokens[0], []).append((tokens, category))
    for entries in index.values():
        entries.sort(key=lambda item: -len(item[0]))
    return index


_INDEX = _index(LEXICON)
_SHAPE = ("quote", "year", "digits", "upper_case", "no_final_stop", "tokens_le_3", "tokens_le_8")
FEATURE_NAMES = tuple(f"cue={c}" for c in LEXICON) + tuple(f"shape={s}" for s in _SHAPE)


def all_caps(text):
    """More than 3 letters, all upper case (the cheap ``isupper`` test rules out most text)."""
    if not text.isupper():
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


def cue_vector(text):
    """Return the cue counts of one text as a list of floats in :data:`FEATURE_NAMES` order."""
    lowered = text.lower()
    tokens = _TOKEN.findall(lowered)
    counts = dict.fromkeys(LEXICON, 0)
    for i, token in enumerate(tokens):
        entries = _INDEX.get(token)
        if entries is None:
            continue
        for phrase, category in entries:
            if len(phrase) == 1 or tuple(tokens[i : i + len(phrase)]) == phrase:
                counts[category] += 1
                break
    stripped = text.rstrip()
    shape = (
        any(q in text for q in '"“”«»') or " '" in text,
        bool(_YEAR.search(lowered)),
        any(map(str.isdigit, text)),
        all_caps(text),
        not stripped.endswith((".", "!", "?", '"', "”", "'", "’")),
        len(tokens) <= 3,
        len(tokens) <= 8,
    )
    return [min(v, 3) / 3 for v in counts.values()] + [float(s) for s in shape]


TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_CUE_TOKENS = {category: f"__cue_{category}" for category in LEXICON}


def phrase_maps(lexicon):
    """Single words and two-word phrases -> cue token; first words of longer phrases."""
    single, double, longer = {}, {}, {}
    for category, words in lexicon.items():
        for entry in words.split():
            tokens = entry.split("_")
            target = {1: single, 2: double}.get(len(tokens), longer)
            target.setdefault(" ".join(tokens), f"__cue_{category}")
    return single, double, longer


_SINGLE, _DOUBLE, _LONGER = phrase_maps(LEXICON)
_SINGLE_KEYS, _DOUBLE_KEYS = frozenset(_SINGLE), frozenset(_DOUBLE)
_LONGER_HEADS = frozenset(" ".join(phrase.split()[:2]) for phrase in _LONGER)
_YEARS = frozenset(f"{y}{s}" for y in range(1800, 2100) for s in ("", "s"))
_QUOTES = ('"', "“", "”", "«", "»", " '")
_FINAL_STOP = (".", "!", "?", '"', "”", "'", "’")


class NewsAnalyzer:
    """Analyzer for ``TfidfVectorizer``: word n-grams plus cue tokens from one tokenization.

    Cue categories and shape cues become pseudo-words (``__cue_deny``, ``__shape_year``), so
    they are weighted like any term and cost a set lookup per token instead of a second pass
    over the text (:class:`CueFeatures`). Every lexicon entry that occurs fires (a word and a
    phrase starting with it both count).

    Parameters
    ----------
    ngram_range : tuple of (int, int)
    cues : bool
    """

    def __init__(self, ngram_range=(1, 2), cues=True):
        self.ngram_range = ngram_range
        self.cues = cues

    def __call__(self, text):
        lowered = text.lower()
        tokens = TOKEN_PATTERN.findall(lowered)
        low, high = self.ngram_range
        grams = list(tokens) if low == 1 else []
        bigrams = list(map(" ".join, zip(tokens, tokens[1:], strict=False)))
        if low <= 2 <= high:
            grams += bigrams
        for n in range(max(low, 3), high + 1):
            grams += map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False))
        if self.cues:
            grams += cue_tokens(text, lowered, tokens, bigrams)
        return grams


_MAPS_V1 = (_SINGLE, _SINGLE_KEYS, _DOUBLE, _DOUBLE_KEYS, _LONGER, _LONGER_HEADS)


def cue_tokens(text, lowered, tokens, bigrams, maps=_MAPS_V1):
    """Cue-category and shape pseudo-words of one sentence (``lowered`` is unused, kept for
    callers). Runs once per sentence at prediction time, so every step is a C-level call."""
    # Set intersections run in C; a cue counts once per sentence (presence, not count).
    single, single_keys, double, double_keys, longer, longer_heads = maps
    found = [single[t] for t in single_keys.intersection(tokens)]
    if bigrams:
        found += [double[b] for b in double_keys.intersection(bigrams)]
        if not longer_heads.isdisjoint(bigrams):
            padded = f" {' '.join(tokens)} "
            found += [cue for phrase, cue in longer.items() if f" {phrase} " in padded]
    if (
        '"' in text or "“" in text or "”" in text or "«" in text or "»" in text or " '" in text
    ):  # the _QUOTES, spelled out: faster than any() over them
        found.append("__shape_quote")
    if not _YEARS.isdisjoint(tokens):
        found.append("__shape_year")
    if text.isupper() and all_caps(text):
        found.append("__shape_upper_case")
    if not text.rstrip().endswith(_FINAL_STOP):
        found.append("__shape_no_final_stop")
    n = len(tokens)
    if n <= 3:
        found.append("__shape_tokens_le_3")
    elif n <= 8:
        found.append("__shape_tokens_le_8")
    found.sort()  # set order varies between processes; keep the output reproducible
    return found


class CueFeatures(TransformerMixin, BaseEstimator):
    """Count cue-lexicon categories and shape cues in each text.

    Stateless: ``fit`` only records the feature names. Values are counts capped at 3 and
    scaled to [0, 1], so they sit on the scale of TF-IDF features.
    """

    def fit(self, X, y=None):
        self.feature_names_ = np.array(FEATURE_NAMES, dtype=object)
        return self

    def transform(self, X):
        rows = [cue_vector(text) for text in X]
        return sp.csr_matrix(
            np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
        )

    def get_feature_names_out(self, input_features=None):
        return np.array(FEATURE_NAMES, dtype=object)


def _rule(cues):
    """Apply the contract's decision order to one cue vector (dict category -> value)."""
    if cues["boilerplate"] or (cues["tokens_le_3"] and not cues["attack"]):
        return "other"
    if (cues["deny"] or cues["no_knowledge"]) and (cues["attack"] or cues["speech"]):
        return "official_denial"
    if cues["claim"] or cues["unclaimed"] or (cues["blame"] and cues["attack"]):
        return "attribution"
    if cues["attack"] and not (cues["past"] or cues["year"]):
        return "attack_report"
    if cues["attack"] or cues["threat"] or cues["reaction"] or cues["past"]:
        return "background_context"
    return "other"


class CueRuleClassifier(ClassifierMixin, BaseEstimator):
    """A floor for every results table: the decision order applied to cue-lexicon hits.

    Parameters
    ----------
    confidence : float
        Probability given to the rule's label; the rest is spread over the other labels.
    """

    def __init__(self, confidence=0.8):
        self.confidence = confidence

    def fit(self, X, y):
        from research.labels import SENTENCE_LABELS

        self.classes_ = np.array(sorted(set(SENTENCE_LABELS) | set(y)), dtype=object)
        return self

    def predict(self, X):
        names = [n.split("=", 1)[1] for n in FEATURE_NAMES]
        return np.array(
            [_rule(dict(zip(names, cue_vector(t), strict=True))) for t in X], dtype=object
        )

    def predict_proba(self, X):
        labels = self.predict(X)
        k = len(self.classes_)
        proba = np.full((len(labels), k), (1 - self.confidence) / (k - 1))
        columns = {label: j for j, label in enumerate(self.classes_)}
        proba[np.arange(len(labels)), [columns[label] for label in labels]] = self.confidence
        return proba
