"""A TF-IDF vectorizer whose fitted vocabulary saves as one string.

skops writes a Python dict as one node per entry (and one per key type), so a 30k-term
vocabulary takes seconds to load. :class:`CompactTfidfVectorizer` is scikit-learn's
``TfidfVectorizer`` unchanged, except that its saved state holds the vocabulary as a single
JSON list of terms in index order (rebuilt into the dict on load) and drops
``stop_words_``, which scikit-learn documents as safe to remove. Loading runs this module's
code, never code from the file: it is on the loader's allowlist.
"""

import json

from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["CompactTfidfVectorizer"]


class CompactTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` with a compact saved vocabulary (see the module docstring)."""

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("stop_words_", None)
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            terms = [None] * len(vocabulary)
            for term, index in vocabulary.items():
                terms[index] = term
            state["vocabulary_terms_"] = json.dumps(terms, ensure_ascii=False)
        return state

    def __setstate__(self, state):
        state = dict(state)
        terms = state.pop("vocabulary_terms_", None)
        if terms is not None:
            state["vocabulary_"] = {term: i for i, term in enumerate(json.loads(terms))}
        super().__setstate__(state)
