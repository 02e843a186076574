"""Load labelled examples through Hugging Face ``datasets`` and split them by article.

Two row layouts are understood:

* corpus rows (the project's format): ``id``, ``text``, ``sentences`` (``start``, ``end``,
  ``label``), ``split``; each sentence becomes an example grouped under its article;
* sentence rows: ``text``, ``label`` and optionally ``id``, ``group`` (the article or item the
  sentence comes from), ``split``.

Column names can be mapped in the config (``[data] columns = {text = "sentence"}``).
"""

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from research.errors import DataError
from research.labels import SENTENCE_LABELS, article_label_set

__all__ = [
    "COLUMN_KEYS",
    "Examples",
    "file_sha256",
    "load_examples",
    "read_rows",
    "to_examples",
    "utf8_lines",
]

log = logging.getLogger(__name__)

_FORMATS = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
_TEXT_FORMATS = ("json", "csv")  # read as UTF-8 text, so checked line by line first
# Fallback column names, tried in order when the config maps none.
_DEFAULT_COLUMNS = {
    "text": ("text",),
    "label": ("label",),
    "id": ("id", "sid"),
    "group": ("group", "item", "article_id", "doc_id"),
    "split": ("split",),
    "sentences": ("sentences",),
    "kind": ("kind",),
}
#: The names ``data.columns`` may map (our name -> the data's column name).
COLUMN_KEYS = tuple(_DEFAULT_COLUMNS)


@dataclass
class Examples:
    """Sentence examples in parallel lists, plus the articles they come from (if any)."""

    ids: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    splits: list = field(default_factory=list)
    articles: dict = field(default_factory=dict)  # group -> {"text", "spans", "labels", "split"}

    def __len__(self):
        return len(self.texts)

    def subset(self, mask):
        """Return the examples where boolean ``mask`` is true (articles kept if referenced)."""
        keep = np.flatnonzero(mask)
        out = Examples(
            *(
                [getattr(self, name)[i] for i in keep]
                for name in ("ids", "texts", "labels", "groups", "splits")
            )
        )
        kept = set(out.groups)
        out.articles = {g: a for g, a in self.articles.items() if g in kept}
        return out


def file_sha256(path, chunk=1 << 20):
    """Return the SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _cache_dir():
    # Kept out of ~/.cache and the network: a temp folder unless the user sets one.
    return os.environ.get("RESEARCH_CACHE", str(Path(tempfile.gettempdir()) / "research-datasets"))


def utf8_lines(path):
    """Yield ``(line number, line)`` of a text file, raising DataError at the first line that
    is not UTF-8."""
    with open(path, "rb") as handle:
        for lineno, raw in enumerate(handle, 1):
            try:
                yield lineno, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"{path}: line {lineno} is not UTF-8 ({exc.reason} at byte {exc.start}); "
                    "save the file as UTF-8"
                ) from None


def _check_text_file(path):
    """Raise DataError naming the first line that is not UTF-8, or if every line is blank."""
    blank = True
    for _, line in utf8_lines(path):
        blank = blank and not line.strip()
    if blank:
        raise DataError(f"{path}: data file is empty (only blank lines)")


def _reason(exc):
    """The first line of the innermost cause: datasets wraps the parser's own message."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_rows(path=None, hub_id=None, revision=None, hub_split="train"):
    """Read a local file or a pinned Hub dataset into a ``datasets.Dataset``.

    Raises
    ------
    DataError
        If the file is missing, of an unknown format, or cannot be parsed.
    """
    import datasets

    datasets.disable_progress_bars()
    # Not even errors: read failures are raised as one DataError carrying the parser's reason.
    datasets.logging.set_verbosity(datasets.logging.CRITICAL)
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise DataError(f"{path}: data file not found")
        if not path.is_file():
            raise DataError(f"{path}: is not a file (give a .jsonl, .csv or .parquet file)")
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise DataError(
                f"{path}: unknown data format '{path.suffix}' (use .jsonl, .json, .csv or .parquet)"
            )
        if path.stat().st_size == 0:
            raise DataError(f"{path}: data file is empty")
        if fmt in _TEXT_FORMATS:
            _check_text_file(path)
        source, kwargs = fmt, {"data_files": str(path), "split": "train"}
    else:
        source, kwargs = hub_id, {"revision": revision, "split": hub_split}
    try:
        return datasets.load_dataset(source, cache_dir=_cache_dir(), **kwargs)
    except Exception as exc:  # datasets raises many types; all mean "cannot read this"
        raise DataError(f"{path or hub_id}: cannot read data ({_reason(exc)})") from None


def _column(columns, present, name):
    if name in columns:
        if columns[name] not in present:
            raise DataError(
                f"column '{columns[name]}' (mapped to {name}) not in the data; "
                f"columns are {sorted(present)}"
            )
        return columns[name]
    return next((c for c in _DEFAULT_COLUMNS[name] if c in present), None)


def _cell(row, column):
    """The row's value in ``column`` as a string; None if there is no such column or value."""
    value = row[column] if column else None
    return None if value is None else str(value)


def _check_label(label, where):
    if label not in SENTENCE_LABELS:
        raise DataError(f"{where}: label {label!r} is not one of {', '.join(SENTENCE_LABELS)}")
    return label


def _offsets(sentence):
    """``(start, end)`` of a sentence record, or None unless both are integers."""
    if not isinstance(sentence, dict):
        return None
    start, end = sentence.get("start"), sentence.get("end")
    if any(not isinstance(v, int) or isinstance(v, bool) for v in (start, end)):
        return None
    return start, end


def _add_article(out, row, cols, n, where):
    text, group = row[cols["text"]], _cell(row, cols["id"]) or f"row{n}"
    if not isinstance(text, str):
        raise DataError(f"{where}: article {group!r} (row {n + 1}) has no text")
    if group in out.articles:
        raise DataError(f"{where}: duplicate id {group!r}")
    split = _cell(row, cols["split"]) or ""
    sentences = row[cols["sentences"]] or []
    if not isinstance(sentences, list):
        raise DataError(
            f"{where}: article {group!r} sentences must be a list of {{start, end, label}} records"
        )
    spans, labels = [], []
    for k, sentence in enumerate(sentences):
        offsets = _offsets(sentence)
        if offsets is None:
            raise DataError(
                f"{where}: article {group!r} sentence {k} needs integer 'start' and 'end' offsets"
            )
        start, end = offsets
        if not (0 <= start < end <= len(text)):
            raise DataError(
                f"{where}: article {group!r} sentence {k} offsets {start}:{end} "
                f"fall outside its text (length {len(text)})"
            )
        if spans and start < spans[-1][1]:
            raise DataError(f"{where}: article {group!r} sentence {k} overlaps the one before")
        labels.append(_check_label(sentence.get("label"), f"{where}: article {group!r}"))
        spans.append((start, end))
        out.ids.append(f"{group}#{k}")
        out.texts.append(text[start:end])
        out.labels.append(labels[-1])
        out.groups.append(group)
        out.splits.append(split)
    out.articles[group] = {
        "text": text,
        "spans": spans,
        "labels": article_label_set(labels),
        "split": split,
    }


def to_examples(dataset, columns=None, where="data"):
    """Turn dataset rows into :class:`Examples` (see the module docstring for layouts)."""
    columns = dict(columns or {})
    present = set(dataset.column_names)
    cols = {name: _column(columns, present, name) for name in _DEFAULT_COLUMNS}
    if cols["text"] is None:
        raise DataError(
            f"{where}: no text column (columns are {sorted(present)}); map one with "
            '[data] columns = {{text = "..."}}'
        )
    if cols["label"] is None and cols["sentences"] is None:
        raise DataError(f"{where}: no label column and no sentences column: nothing to learn from")
    out, seen, article_groups = Examples(), set(), {}
    for n, row in enumerate(dataset):
        if cols["sentences"] is not None:
            _add_article(out, row, cols, n, where)
            continue
        text, label = row[cols["text"]], row[cols["label"]]
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{where}: row {n + 1} has no text")
        example_id = _cell(row, cols["id"]) or str(n)
        if example_id in seen:
            raise DataError(f"{where}: duplicate id {example_id!r} (row {n + 1})")
        seen.add(example_id)
        out.ids.append(example_id)
        out.texts.append(text)
        out.labels.append(_check_label(label, f"{where}: row {n + 1}"))
        out.groups.append(_cell(row, cols["group"]) or example_id)
        out.splits.append(_cell(row, cols["split"]) or "")
        if cols["kind"] and row[cols["kind"]] == "article":
            article_groups.setdefault(out.groups[-1], []).append(label)
    for group, labels in article_groups.items():  # sentence rows of whole articles
        out.articles[group] = {
            "text": None,
            "spans": None,
            "labels": article_label_set(labels),
            "split": "",
        }
    if not out.texts:
        raise DataError(f"{where}: no labelled examples")
    return out


def load_examples(data_cfg):
    """Load the examples a :class:`~research.config.DataConfig` describes.

    Returns
    -------
    examples : Examples
    data_hash : str
        SHA-256 of the local file, or ``hub:<id>@<revision>`` for a Hub dataset.
    """
    dataset = read_rows(data_cfg.path, data_cfg.hub_id, data_cfg.revision, data_cfg.hub_split)
    where = data_cfg.path or data_cfg.hub_id
    examples = to_examples(dataset, data_cfg.columns, where)
    data_hash = (
        file_sha256(data_cfg.path)
        if data_cfg.path
        else f"hub:{data_cfg.hub_id}@{data_cfg.revision}"
    )
    log.info("loaded %d examples from %s", len(examples), where)
    return examples, data_hash
