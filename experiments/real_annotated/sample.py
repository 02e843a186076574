"""Draw real-news items for annotation by hand, in batches, from ../shared/corpora.

READS ../shared (an experiment, not the default). Items listed in the hold-out file and
records marked as duplicates are never drawn. The batches hold the text and go to
experiments/cache/annotate/ (ignored by git: the text is other people's); the labels the
annotators return hold only item ids, character offsets and labels (standoff), and are
committed in this folder. ``build.py`` joins them with the text again.

    python experiments/real_annotated/sample.py [--seed 5] [--batches 8]

The mix follows the kinds of real_dev (eval/README.md) without reading it: whole articles
(WikiEvents, MUC-4), headline-and-lead snippets (AG News, CASE 2021) and single sentences
with a claim, blame or denial cue from upper-case wire copy and snippets.
"""

import argparse
import json
import random
import re
from pathlib import Path

from research.segment import segment
from research.weak import unlabelled_records

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared"
OUT = HERE.parent / "cache" / "annotate"
CONFLICT = re.compile(
    r"attack|bomb|blast|kill|militant|rebel|insurgen|gunmen|troops|soldier|army|clash"
    r"|guerrilla|terror|explosi|shell|raid|ambush|massacre|hostage|kidnap",
    re.IGNORECASE,
)
CUE = re.compile(
    r"responsib|claim|blame|accus|suspect|denied|denies|deny|rejected|not aware|attribut",
    re.IGNORECASE,
)
# (source file, kind, how many items); sentence counts in the comment are approximate
PLAN = (
    ("wikievents", "article", 40),  # ~770 sentences
    ("muc4", "article", 25),  # ~260
    ("agnews_world", "snippet", 250),  # ~335: 3/5 with conflict vocabulary
    ("case2021_task2", "snippet", 160),  # ~245
    ("muc4", "ext_sentence", 150),  # upper-case cue sentences, one each
    ("agnews_world", "ext_sentence", 80),
)


def _records(name):
    path = SHARED / "corpora" / f"{name}.jsonl"
    holdout = SHARED / "eval" / "holdout_ids.txt"
    return [record for _, record in unlabelled_records([path], exclude_ids=holdout)]


def _spans(record):
    return [(a, b) for a, b in segment(record["text"]) if record["text"][a:b].strip()]


def _draw(name, kind, n, rng, taken):
    records = [r for r in _records(name) if r["id"] not in taken]
    rng.shuffle(records)
    items = []
    for record in records:
        spans = _spans(record)
        if kind == "article" and not 4 <= len(spans) <= 40:
            continue
        # the first three fifths of the AG News snippets need conflict vocabulary
        first = kind == "snippet" and name == "agnews_world" and len(items) < 0.6 * n
        if first and not CONFLICT.search(record["text"]):
            continue
        if kind == "ext_sentence":
            spans = [s for s in spans if CUE.search(record["text"][s[0] : s[1]])][:1]
            if not spans:
                continue
        items.append((name, kind, record, spans))
        taken.add(record["id"])
        if len(items) == n:
            break
    return items


def _rows(name, kind, record, spans):
    return [
        {
            "sid": f"{record['id']}#{k}",
            "item": record["id"],
            "source": name,
            "kind": kind,
            "start": a,
            "end": b,
            "title": record.get("title"),
            "text": record["text"][a:b],
        }
        for k, (a, b) in enumerate(spans)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--batches", type=int, default=8)
    args = parser.parse_args()
    rng, taken = random.Random(args.seed), set()
    items = [item for plan in PLAN for item in _draw(*plan, rng, taken)]
    rng.shuffle(items)
    # whole items per batch, longest first onto the lightest batch
    batches = [[] for _ in range(args.batches)]
    for item in sorted(items, key=lambda it: -len(it[3])):
        min(batches, key=lambda b: sum(len(it[3]) for it in b)).append(item)
    OUT.mkdir(parents=True, exist_ok=True)
    for k, batch in enumerate(batches):
        rows = [row for item in batch for row in _rows(*item)]
        with open(OUT / f"batch_{k}.jsonl", "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        # a blind second reading: the snippets and single sentences of the next batch
        # whose items sort first by id, about a seventh of its rows
        nxt = batches[(k + 1) % args.batches]
        small = sorted((it for it in nxt if it[1] != "article"), key=lambda it: it[2]["id"])
        rows2 = [row for item in small[: len(small) // 3] for row in _rows(*item)]
        with open(OUT / f"second_{k}.jsonl", "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows2)
        print(f"batch {k}: {len(batch)} items, {len(rows)} sentences; second: {len(rows2)}")


if __name__ == "__main__":
    main()
