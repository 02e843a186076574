"""Shape checks of authoring records, the input of ``research corpus add``.

A record is ``{"id": str, "meta": {"region", "date", "style", ...}, "paragraphs": [[[sentence,
label], ...], ...]}``; :func:`record_problem` says, as advice, how one breaks that shape before
:func:`research.corpus.assemble_article` and the split cycle read it.
"""

import json

__all__ = ["json_kind", "record_problem"]

# meta keys every authoring record needs (the split cycle sorts by region and style; stats
# count decades from the date), with an example value for the error message.
_META_KEYS = {"region": "sahel", "date": "2020-01-01", "style": "wire"}


def json_kind(value):
    """The JSON name of ``value``'s type, for error messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value in ([], "", {}):
        return f"an empty {names[type(value)].split()[-1]}"
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def record_problem(record):
    """The first way a ``record`` object breaks the authoring format, as advice; else None.

    Checks the shape :func:`assemble_article` and :func:`assign_corpus_splits` rely on;
    labels and offsets of the assembled article are left to :func:`validate_corpus`.
    """
    for key in ("id", "meta", "paragraphs"):
        if key not in record:
            example = {
                "id": '"id": "<unique string>"',
                "meta": '"meta": {"region": ..., "date": ..., "style": ...}',
                "paragraphs": '"paragraphs": [[["<headline>", "<label>"]], ...]',
            }[key]
            return f"missing field '{key}'; add {example}"
    if not isinstance(record["id"], str) or not record["id"].strip():
        return f"field 'id' is {json_kind(record['id'])}; it must be a non-empty unique string"
    meta = record["meta"]
    if not isinstance(meta, dict):
        return (
            f"field 'meta' is {json_kind(meta)}; it must be an object "
            '{"region": ..., "date": ..., "style": ...}'
        )
    for key, example in _META_KEYS.items():
        if key not in meta:
            return f'meta has no \'{key}\'; add it to meta, e.g. "{key}": "{example}"'
        if not isinstance(meta[key], str) or not meta[key].strip():
            return (
                f"meta.{key} is {json_kind(meta[key])} ({json.dumps(meta[key])[:40]}); "
                f'it must be a non-empty string, e.g. "{key}": "{example}"'
            )
    paragraphs = record["paragraphs"]
    if not isinstance(paragraphs, list) or not paragraphs:
        return (
            f"field 'paragraphs' is {json_kind(paragraphs)}; "
            'it must be a non-empty list of paragraphs, each a list of ["<sentence>", "<label>"]'
        )
    for p, paragraph in enumerate(paragraphs):
        if not isinstance(paragraph, list) or not paragraph:
            return (
                f"paragraph {p} is {json_kind(paragraph)}; "
                'it must be a non-empty list of ["<sentence>", "<label>"] pairs'
            )
        for s, pair in enumerate(paragraph):
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(x, str) and x.strip() for x in pair)
            ):
                return (
                    f"paragraph {p} sentence {s} is {json.dumps(pair)[:40]}; "
                    'it must be a pair of non-empty strings ["<sentence>", "<label>"]'
                )
    return None
