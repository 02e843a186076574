"""Shape checks of authoring records, the input of ``research corpus add``.

A record is ``{"id": str, "meta": {"region", "date", "style", ...}, "paragraphs": [[[sentence,
label], ...], ...]}``; :func:`read_records` refuses, with advice, any line that breaks that
shape before :func:`research.corpus.assemble_article` and the split cycle read it.
"""

import datetime
import json

from research.data import utf8_lines
from research.errors import DataError

__all__ = ["json_kind", "read_records", "record_problem"]

# meta keys every authoring record needs (the split cycle sorts by region and style; stats
# count decades from the date), with an example value for the error message.
_META_KEYS = {"region": "sahel", "date": "2020-01-01", "style": "wire"}
_FIELD_EXAMPLES = {
    "id": '"id": "<unique string>"',
    "meta": '"meta": {"region": ..., "date": ..., "style": ...}',
    "paragraphs": '"paragraphs": [[["<headline>", "<label>"]], ...]',
}
_PAIR = '["<sentence>", "<label>"]'


def json_kind(value):
    """Name the JSON type of ``value`` for an error message.

    Parameters
    ----------
    value : object
        A value parsed from JSON.

    Returns
    -------
    str
        E.g. ``"an object"``, ``"an empty list"``, ``"a number"``, ``"null"``.
    """
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}
    if value in ([], "", {}):
        return f"an empty {names[type(value)].split()[-1]}"
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def record_problem(record):
    """Say how an authoring ``record`` breaks the format, as advice.

    Checks the shape that assembly and the split cycle rely on; labels and offsets of the
    assembled article are left to :func:`research.corpus.validate_corpus`.

    Parameters
    ----------
    record : dict

    Returns
    -------
    str or None
        The first problem found, or None for a well-formed record.
    """
    for key, example in _FIELD_EXAMPLES.items():
        if key not in record:
            return f"missing field '{key}'; add {example}"
    if not isinstance(record["id"], str) or not record["id"].strip():
        return f"field 'id' is {json_kind(record['id'])}; it must be a non-empty unique string"
    return _meta_problem(record["meta"]) or _paragraphs_problem(record["paragraphs"])


def _meta_problem(meta):
    if not isinstance(meta, dict):
        return f"field 'meta' is {json_kind(meta)}; it must be an object {_FIELD_EXAMPLES['meta']}"
    for key, example in _META_KEYS.items():
        if key not in meta:
            return f'meta has no \'{key}\'; add it to meta, e.g. "{key}": "{example}"'
        if not isinstance(meta[key], str) or not meta[key].strip():
            return (
                f"meta.{key} is {json_kind(meta[key])} ({json.dumps(meta[key])[:40]}); "
                f'it must be a non-empty string, e.g. "{key}": "{example}"'
            )
    try:
        datetime.date.fromisoformat(meta["date"])
    except ValueError:
        return f'meta.date is "{meta["date"][:40]}"; write it as YYYY-MM-DD, e.g. "2020-01-01"'
    return None


def _paragraphs_problem(paragraphs):
    if not isinstance(paragraphs, list) or not paragraphs:
        return (
            f"field 'paragraphs' is {json_kind(paragraphs)}; "
            f"it must be a non-empty list of paragraphs, each a list of {_PAIR} pairs"
        )
    for p, paragraph in enumerate(paragraphs):
        if not isinstance(paragraph, list) or not paragraph:
            return (
                f"paragraph {p} is {json_kind(paragraph)}; "
                f"it must be a non-empty list of {_PAIR} pairs"
            )
        for s, pair in enumerate(paragraph):
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(x, str) and x.strip() for x in pair)
            ):
                return (
                    f"paragraph {p} sentence {s} is {json.dumps(pair)[:40]}; "
                    f"it must be a pair of non-empty strings {_PAIR}"
                )
    return None


def _line_problem(line, known):
    """(record, None) for a good line, else (None, what follows "line N" in the message)."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        return None, f" is not an authoring record ({exc!r}); expected {{id, meta, paragraphs}}"
    if not isinstance(record, dict):
        kind = json_kind(record)
        return None, f" is {kind}, not an authoring record; write one object per line"
    problem = record_problem(record)
    if problem is None and record["id"] in known:
        problem = f"id {record['id']!r} already exists"
    return (None, f": {problem}") if problem else (record, None)


def read_records(paths, known=frozenset()):
    """Read authoring records from JSONL files, all checked before any is used.

    Parameters
    ----------
    paths : sequence of path
    known : set of str
        Ids already taken (the corpus's); a record may not reuse one, nor repeat another's.

    Returns
    -------
    list of dict

    Raises
    ------
    DataError
        Naming the first bad line (file, line number, what to add) and how many more there are.
    """
    records, bad, taken = [], [], set(known)
    for path in paths:
        for lineno, line in utf8_lines(path):
            if not line.strip():
                continue
            record, problem = _line_problem(line, taken)
            if problem:
                bad.append(f"{path}: line {lineno}{problem}")
            else:
                taken.add(record["id"])
                records.append(record)
    if bad:
        more = len(bad) - 1
        more = f" (and {more} more bad line{'s' if more > 1 else ''})" if more else ""
        raise DataError(bad[0] + more)
    return records
