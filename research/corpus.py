"""The project's annotated corpus: assembly and validation.

One article per JSON line: ``id``, ``title``, ``text``, ``meta`` (region, country, date,
style), ``sentences`` (``start``, ``end``, ``label``; offsets slice ``text``), ``labels``
(the article label set) and ``split`` (train, dev, test, or ood for held-out regions).
Statistics are in :mod:`research.corpus_report`.
"""

import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from research.authoring import read_records
from research.data import utf8_lines
from research.errors import DataError
from research.labels import SENTENCE_LABELS, article_label_set

__all__ = [
    "OOD_REGIONS",
    "add_articles",
    "article_problems",
    "assemble_article",
    "assign_corpus_splits",
    "eval_overlap",
    "read_corpus",
    "validate_corpus",
]

SPLITS = ("train", "dev", "test", "ood")
_WORD = re.compile(r"\w+")


def assemble_article(record):
    """Build a corpus article from an authoring record with ``paragraphs``.

    ``paragraphs`` is a list of paragraphs, each a list of ``[sentence, label]``; the first
    paragraph is the headline. Sentences join with a space, paragraphs with a blank line,
    so offsets are computed, never typed.
    """
    text, sentences = "", []
    for p, paragraph in enumerate(record["paragraphs"]):
        for s, (sentence, label) in enumerate(paragraph):
            text += "\n\n" if p and not s else " " if s else ""
            sentences.append({"start": len(text), "end": len(text) + len(sentence), "label": label})
            text += sentence
    title = record["paragraphs"][0][0][0]
    labels = article_label_set(s["label"] for s in sentences)
    return {
        "id": record["id"],
        "title": title,
        "text": text,
        "meta": record["meta"],
        "sentences": sentences,
        "labels": list(labels),
        "split": record.get("split", ""),
    }


def _bucket(article_id, salt="corpus-v1"):
    return hashlib.sha256(f"{salt}:{article_id}".encode()).hexdigest()


# Twenty slots: 14 train, 3 dev, 3 test, interleaved so every stretch of the cycle mixes them.
_CYCLE = tuple({"T": "train", "d": "dev", "t": "test"}[c] for c in "TtTdTTTtTdTTtTTdTTTT")


def assign_corpus_splits(articles, ood_regions):
    """Set each article's ``split``: ``ood`` for held-out regions, else train/dev/test.

    Articles are ordered by (region, style, hash of id) and dealt round a fixed 20-slot
    cycle (70/15/15), so every region and style is spread over the three splits.
    """
    inside = []
    for article in articles:
        if article["meta"]["region"] in ood_regions:
            article["split"] = "ood"
        else:
            inside.append(article)
    inside.sort(key=lambda a: (a["meta"]["region"], a["meta"]["style"], _bucket(a["id"])))
    for i, article in enumerate(inside):
        article["split"] = _CYCLE[i % len(_CYCLE)]
    return articles


#: Regions held out of train/dev/test: the ``ood`` split measures transfer to unseen conflicts.
OOD_REGIONS = ("caucasus", "colombia", "mozambique", "sri_lanka")


def add_articles(corpus_path, authoring_paths):
    """Assemble authoring records (see :func:`assemble_article`) and append them to a corpus.

    Every record is checked first (fields ``id``, ``meta`` with ``region``, ``date`` and
    ``style``, and ``paragraphs``): a bad one raises DataError naming its file and line.
    Existing articles keep their splits; only the new ones are dealt round the split cycle
    (held-out regions go to ``ood``), so earlier runs stay comparable. The corpus file is
    rewritten atomically, and only if the result validates.

    Returns
    -------
    list of dict
        The new articles, with their splits.
    """
    articles = read_corpus(corpus_path)
    known = {a.get("id") for a in articles if isinstance(a, dict)}
    new = [assemble_article(record) for record in read_records(authoring_paths, known)]
    assign_corpus_splits(new, OOD_REGIONS)
    corpus_path = Path(corpus_path)
    partial = corpus_path.with_name(corpus_path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        for article in articles + new:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    problems = validate_corpus(partial)
    if problems:
        partial.unlink()
        raise DataError(
            f"the corpus with the new articles is not valid ({len(problems)} "
            f"problems), first: {problems[0]}"
        )
    partial.replace(corpus_path)
    return new


def eval_overlap(corpus_path, eval_path, *, threshold=0.5, min_words=4):
    """Corpus sentences that nearly copy sentences of an evaluation file.

    Word 1-2 gram TF-IDF cosine between every evaluation sentence (``text`` rows of a JSONL
    file) and every corpus sentence; a corpus built by hand must not echo the text it is
    measured on. Returns ``(score, eval id, article id, sentence index)`` pairs at or above
    ``threshold``, best first (each evaluation sentence's closest corpus sentence only).
    Evaluation sentences under ``min_words`` words (page furniture such as "Share this
    video", the same on every page of an outlet) are not checked.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = [
        (a["id"], k, a["text"][s["start"] : s["end"]])
        for a in read_corpus(corpus_path)
        for k, s in enumerate(a["sentences"])
    ]
    rows = [json.loads(line) for _, line in utf8_lines(eval_path) if line.strip()]
    rows = [r for r in rows if len(_WORD.findall(r.get("text") or "")) >= min_words]
    if not corpus or not rows:
        return []
    texts = [r.get("text") or "" for r in rows]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    vectorizer.fit([c[2] for c in corpus] + texts)
    scores = vectorizer.transform(texts) @ vectorizer.transform([c[2] for c in corpus]).T
    scores = scores.tocsr()
    found = []
    for i, row in enumerate(rows):
        line = scores.getrow(i)
        if line.nnz and line.data.max() >= threshold:
            j = line.indices[line.data.argmax()]
            found.append(
                (
                    round(float(line.data.max()), 3),
                    str(row.get("sid", row.get("id", i))),
                    corpus[j][0],
                    corpus[j][1],
                )
            )
    return sorted(found, reverse=True)


def read_corpus(path):
    """Read corpus articles from a JSONL file (raises DataError naming the bad line)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a directory; give a corpus .jsonl file")
    if not path.is_file():
        raise DataError(f"{path}: corpus file not found")
    articles = []
    for lineno, line in utf8_lines(path):
        if line.strip():
            try:
                articles.append(json.loads(line))
            except ValueError as exc:
                raise DataError(f"{path}: line {lineno} is not JSON ({exc})") from None
    return articles


def _norm(text):
    return " ".join(_WORD.findall(text.lower()))


# Field -> (type, name of that type) every corpus article must have.
_FIELDS = {
    "id": (str, "a string"),
    "title": (str, "a string"),
    "text": (str, "a string"),
    "meta": (dict, "an object"),
    "sentences": (list, "a list"),
    "split": (str, "a string"),
}


def _is_offset(value):
    return isinstance(value, int) and not isinstance(value, bool)


def article_problems(article):
    """Problems of one corpus article (fields, offsets, labels, title); empty when valid."""
    if not isinstance(article, dict):
        return [f"{article!r:.60}: not a JSON object (an article is {{id, title, text, ...}})"]
    aid, text = article.get("id"), article.get("text", "")
    problems, previous_end = [], 0
    for key, (kind, kind_name) in _FIELDS.items():
        if key not in article:
            problems.append(f"{aid}: missing field '{key}'")
        elif not isinstance(article[key], kind):
            problems.append(f"{aid}: field '{key}' must be {kind_name}")
    if "labels" in article and not isinstance(article["labels"], list):
        problems.append(f"{aid}: field 'labels' must be a list")
    if problems:
        return problems
    if article["split"] not in SPLITS:
        problems.append(f"{aid}: split {article['split']!r} not in {SPLITS}")
    for key in ("region", "date", "style"):
        if not article["meta"].get(key):
            problems.append(f"{aid}: meta.{key} missing")
    for k, s in enumerate(article["sentences"]):
        if not isinstance(s, dict):
            problems.append(f"{aid}: sentence {k} is not an object {{start, end, label}}")
            continue
        start, end, label = s.get("start"), s.get("end"), s.get("label")
        if not (_is_offset(start) and _is_offset(end) and previous_end <= start < end <= len(text)):
            problems.append(
                f"{aid}: sentence {k} offsets {start}:{end} out of order or outside the text"
            )
            continue
        if text[start:end] != text[start:end].strip():
            problems.append(f"{aid}: sentence {k} has whitespace at its edges")
        if text[previous_end:start].strip():
            problems.append(f"{aid}: text before sentence {k} is in no sentence")
        if label not in SENTENCE_LABELS:
            problems.append(f"{aid}: sentence {k} label {label!r} is not a label")
        previous_end = end
    if text[previous_end:].strip():
        problems.append(f"{aid}: text after the last sentence is in no sentence")
    derived = list(
        article_label_set(
            s["label"]
            for s in article["sentences"]
            if isinstance(s, dict) and s.get("label") in SENTENCE_LABELS
        )
    )
    if "labels" in article and list(article["labels"]) != derived:
        problems.append(
            f"{aid}: article labels {article['labels']} differ from its sentences {derived}"
        )
    if not text.startswith(article["title"]):
        problems.append(f"{aid}: text does not start with the title")
    return problems


def _near_duplicates(items, threshold=0.8, n=4):
    """Pairs of (article, sentence) items from different splits sharing >= threshold shingles."""
    shingles, index, problems = [], defaultdict(set), []
    for i, (_, _, sentence) in enumerate(items):
        words = _norm(sentence).split()
        grams = {" ".join(words[j : j + n]) for j in range(len(words) - n + 1)} or {" ".join(words)}
        shingles.append(grams)
        for gram in grams:
            index[gram].add(i)
    for i, grams in enumerate(shingles):
        candidates = Counter(j for gram in grams for j in index[gram] if j > i)
        for j, shared in candidates.items():
            if items[i][1] == items[j][1]:
                continue
            if shared / len(grams | shingles[j]) >= threshold:
                problems.append(
                    f"{items[i][0]} ({items[i][1]}) and {items[j][0]} ({items[j][1]}) "
                    f"share a near-duplicate sentence: {items[i][2][:60]!r}"
                )
    return problems


def validate_corpus(path):
    """Check a corpus file; return a list of problems (empty when valid)."""
    articles = read_corpus(path)
    ids = Counter(a["id"] for a in articles if isinstance(a, dict) and isinstance(a.get("id"), str))
    problems, items = [], []
    problems += [f"{aid}: id used {n} times" for aid, n in ids.items() if n > 1]
    for article in articles:
        found = article_problems(article)
        problems += found
        if not found:
            items += [
                (article["id"], article["split"], article["text"][s["start"] : s["end"]])
                for s in article["sentences"]
                if len(_norm(article["text"][s["start"] : s["end"]])) > 30
            ]
    return problems + _near_duplicates(items)
