"""Join the standoff labels of this folder with their real-news text: training rows.

READS ../shared (an experiment, not the default). ``labels_*.jsonl`` hold item ids,
character offsets and labels only; this script reads the text from ../shared/corpora,
checks every row (the item is one sample.py could draw: in the corpora, not held out, not
a marked duplicate; the offsets fall inside its text; the label is one of the five) and
writes experiments/cache/real_annotated.jsonl in the fields of real_dev: the rows that
experiments/real_annotated/real_context.toml adds to training, and the second real-news
set that ``score.py`` scores models on. It also prints the blind second readings'
agreement (``second_K.jsonl`` reads rows of batch K + 1).

    python experiments/real_annotated/build.py
"""

import json
import sys
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from research.labels import SENTENCE_LABELS
from research.weak import unlabelled_records

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared"
OUT = HERE.parent / "cache" / "real_annotated.jsonl"


def _read(pattern):
    rows = []
    for path in sorted(HERE.glob(pattern)):
        with open(path, encoding="utf-8") as handle:
            rows += [dict(json.loads(line), file=path.name) for line in handle if line.strip()]
    return rows


def _problem(row, texts):
    if row["label"] not in SENTENCE_LABELS:
        return f"label {row['label']!r}"
    text = texts.get(row["item"])
    if text is None:
        return "item held out, marked a duplicate, or not in the corpora"
    if not 0 <= row["start"] < row["end"] <= len(text):
        return "offsets outside the text"
    return None


def _agreement(first):
    by_sid = {row["sid"]: row["label"] for row in first}
    pairs = [(by_sid[r["sid"]], r["label"]) for r in _read("second_*.jsonl") if r["sid"] in by_sid]
    if not pairs:
        return "no second readings"
    agree = sum(x == y for x, y in pairs) / len(pairs)
    kappa = cohen_kappa_score([x for x, _ in pairs], [y for _, y in pairs])
    return f"{len(pairs)} rows read twice: agreement {agree:.3f}, Cohen's kappa {kappa:.3f}"


def main():
    # the records sample.py could draw: hold-out ids and marked duplicates left out
    paths = sorted((SHARED / "corpora").glob("*.jsonl"))
    holdout = SHARED / "eval" / "holdout_ids.txt"
    records = unlabelled_records(paths, exclude_ids=holdout)
    texts = {record["id"]: record["text"] for _, record in records}
    first = _read("labels_*.jsonl")
    problems = [(r["file"], r["sid"], p) for r in first if (p := _problem(r, texts))]
    if problems:
        for file, sid, problem in problems[:20]:
            print(f"{file}: {sid}: {problem}", file=sys.stderr)
        sys.exit(f"{len(problems)} bad rows; nothing written")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as handle:
        for row in first:
            # real_dev's fields: the file trains (sid and item are read as id and group)
            # and is scored by research evaluate --articles (kind, start, end)
            out = {key: row[key] for key in ("sid", "item", "source", "kind", "start", "end")}
            out["text"] = texts[row["item"]][row["start"] : row["end"]]
            handle.write(json.dumps(dict(out, label=row["label"]), ensure_ascii=False) + "\n")
    print(f"{len(first)} rows -> {OUT}")
    print("labels:", dict(Counter(row["label"] for row in first).most_common()))
    print(_agreement(first))


if __name__ == "__main__":
    main()
