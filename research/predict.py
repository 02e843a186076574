"""Streaming prediction for other tools: JSONL or text lines in, JSONL out, constant memory.

Input lines are JSON objects with ``text`` (and optionally ``id``) or plain text lines
(their id is then the line number). A line that starts with ``{`` but is not JSON, has no
text, or is not UTF-8 is reported on stderr with its line number and skipped. An output
file is written under a temporary name and renamed when complete.
"""

import json
import logging
import os
import secrets
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

from research.api import load_model
from research.interrupt import raise_if_requested
from research.progress import progress

__all__ = ["PARALLEL_BATCH_SIZE", "iter_records", "predict_stream"]

log = logging.getLogger(__name__)


def iter_records(lines, report):
    """Yield ``(id, text)`` from byte lines; call ``report(lineno, reason)`` for bad lines."""
    for lineno, raw in enumerate(lines, 1):
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            report(lineno, f"not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                record = json.loads(line)
            except ValueError as exc:
                report(lineno, f"not JSON ({exc})")
                continue
            text = record.get("text") if isinstance(record, dict) else None
            if not isinstance(text, str) or not text.strip():
                report(lineno, "no text")
                continue
            record_id = record.get("id", lineno)
            if not _encodable(text) or not _encodable(record_id):
                report(lineno, "text or id holds a lone surrogate escape (not valid Unicode)")
                continue
            yield record_id, text
        else:
            yield lineno, line


def _encodable(value):
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError):
        return False
    return True


#: Records held in memory at once by default, on one process and on several.
BATCH_SIZE, PARALLEL_BATCH_SIZE = 2048, 50_000


def _batches(records, size):
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _sentence_rows(model, batch):
    proba = model.predict_proba([text for _, text in batch])
    labels = model.decide(proba)
    for (record_id, _), label, row in zip(batch, labels, proba, strict=True):
        scores = {name: round(float(p), 6) for name, p in zip(model.labels, row, strict=True)}
        yield {"id": record_id, "label": label, "scores": scores}


def _article_rows(model, batch):
    results = model.label_articles([text for _, text in batch])
    for (record_id, _), result in zip(batch, results, strict=True):
        yield {
            "id": record_id,
            "labels": list(result.labels),
            "sentences": [s.to_dict() for s in result.sentences],
        }


def predict_stream(
    model_dir,
    *,
    unit="sentence",
    source="-",
    target="-",
    batch_size=None,
    quiet=False,
    allow_version_mismatch=False,
    n_jobs=1,
):
    """Label every record of ``source`` and write JSONL to ``target``.

    ``batch_size`` records are held at once: :data:`BATCH_SIZE` by default, or
    :data:`PARALLEL_BATCH_SIZE` when ``n_jobs`` is not 1, since the model splits only batches
    of at least ``research.api.PARALLEL_MIN_TEXTS`` texts over processes.

    Returns
    -------
    int
        The number of bad lines (reported on stderr and skipped).
    """
    model = load_model(model_dir, allow_version_mismatch=allow_version_mismatch, n_jobs=n_jobs)
    if batch_size is None:
        batch_size = BATCH_SIZE if n_jobs == 1 else PARALLEL_BATCH_SIZE
    bad = 0

    def report(lineno, reason):
        nonlocal bad
        bad += 1
        print(f"line {lineno}: {reason}; skipped", file=sys.stderr)

    rows_of = _article_rows if unit == "article" else _sentence_rows
    with ExitStack() as stack:
        src = sys.stdin.buffer if source == "-" else stack.enter_context(_open(source, "rb"))
        dst = sys.stdout if target == "-" else stack.enter_context(_atomic_output(target))
        done = 0
        batches = _batches(iter_records(src, report), batch_size)
        for batch in progress(batches, desc="batches", unit="batch"):
            dst.write(
                "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows_of(model, batch))
            )
            done += len(batch)
            if not quiet:
                log.debug("labelled %d records", done)
        log.info("labelled %d records, %d bad lines skipped", done, bad)
    return bad


@contextmanager
def _atomic_output(path):
    """A new text file that appears at ``path`` only when the body completes.

    An existing device or pipe (``/dev/null``, a FIFO) is written in place: renaming the
    temporary file onto it would replace the device itself, which root may do.
    """
    from research.errors import DataError

    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a directory; give an output file")
    if path.is_file():  # also guards --input X --output X
        raise DataError(
            f"{path}: already exists; predictions are never written over a file "
            "(choose a new path, or --output - for standard output)"
        )
    if path.exists():
        with _open(path, "w") as handle:
            yield handle
        return
    tmp = path.with_name(f".tmp-{path.name}.{secrets.token_hex(4)}")
    try:
        handle = open(tmp, "x", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise DataError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with handle:
            yield handle
        raise_if_requested()  # a Ctrl-C a finaliser swallowed: no complete-looking file
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _open(path, mode):
    from research.errors import DataError

    try:
        return open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"}))
    except OSError as exc:
        raise DataError(f"{path}: cannot open ({exc.strerror})") from None
