import json

import pytest

from research.corpus import validate_corpus
from research.corpus_report import corpus_stats
from research.data import read_rows
from tests.conftest import ROOT, TINY_CORPUS

CORPUS = ROOT / "seeds" / "corpus.jsonl"


def test_shipped_corpus_is_valid():
    assert validate_corpus(CORPUS) == []


def test_shipped_corpus_meets_its_counts():
    stats = corpus_stats(CORPUS)
    assert stats["articles"] >= 240 and stats["sentences"] >= 3000
    assert min(stats["labels"].values()) >= 350
    assert len([r for r in stats["regions"] if r != "none"]) >= 15
    assert set(stats["splits"]) == {"train", "dev", "test", "ood"}


def test_corpus_loads_with_datasets():
    dataset = read_rows(CORPUS)
    assert {"id", "text", "sentences", "split", "meta"} <= set(dataset.column_names)


def test_seed_article_is_annotated_with_all_four_labels():
    seed = next(json.loads(line) for line in CORPUS.open() if line.startswith('{"id": "seed-'))
    assert seed["labels"] == [
        "attack_report",
        "attribution",
        "official_denial",
        "background_context",
    ]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda a: a["sentences"][0].update(end=10_000), "outside the text"),
        (lambda a: a["sentences"][1].update(label="rumour"), "is not a label"),
        (lambda a: a.update(labels=["other"]), "article labels"),
        (lambda a: a.update(split="holdout"), "split"),
        (lambda a: a["sentences"][1].update(start=a["sentences"][0]["start"]), "out of order"),
    ],
)
def test_validator_catches_broken_articles(tmp_path, edit, message):
    articles = [json.loads(line) for line in TINY_CORPUS.open()]
    edit(articles[0])
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in articles))
    assert any(message in p for p in validate_corpus(path))


def test_validator_catches_duplicate_ids_and_cross_split_duplicates(tmp_path):
    articles = [json.loads(line) for line in TINY_CORPUS.open()]
    twin = dict(articles[0], split="test")
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in [*articles, twin]))
    problems = validate_corpus(path)
    assert any("id used 2 times" in p for p in problems)
    assert any("near-duplicate" in p for p in problems)


def _record(rid, region="sahel"):
    return {
        "id": rid,
        "meta": {"region": region, "country": "", "date": "2020-01-01", "style": "wire"},
        "paragraphs": [
            [[f"Headline of {rid} about a raid", "attack_report"]],
            [
                [f"Gunmen in {rid} killed four people on a quiet Sunday.", "attack_report"],
                ["Share this", "other"],
            ],
        ],
    }


def test_corpus_add_appends_and_keeps_existing_splits(tmp_path):
    from research.corpus import add_articles, read_corpus

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(TINY_CORPUS.read_bytes())
    records = tmp_path / "new.jsonl"
    records.write_text(
        "".join(
            json.dumps(_record(f"n{k}", region)) + "\n"
            for k, region in enumerate(["sahel", "colombia", "sahel"])
        )
    )
    before = {a["id"]: a["split"] for a in read_corpus(corpus)}
    new = add_articles(corpus, [records])
    after = {a["id"]: a["split"] for a in read_corpus(corpus)}
    assert {k: after[k] for k in before} == before
    assert [a["id"] for a in new] == ["n0", "n1", "n2"] and after["n1"] == "ood"
    assert validate_corpus(corpus) == []


def test_corpus_add_refuses_known_ids_and_leaves_the_file(tmp_path):
    from research.corpus import add_articles
    from research.errors import DataError

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(TINY_CORPUS.read_bytes())
    records = tmp_path / "new.jsonl"
    records.write_text(json.dumps(_record("t01")) + "\n")
    with pytest.raises(DataError, match="already exists"):
        add_articles(corpus, [records])
    assert corpus.read_bytes() == TINY_CORPUS.read_bytes()


def test_eval_overlap_finds_near_copies_only(tmp_path):
    from research.corpus import eval_overlap

    article = json.loads(TINY_CORPUS.open().readline())
    first = article["text"][article["sentences"][2]["start"] : article["sentences"][2]["end"]]
    evals = tmp_path / "eval.jsonl"
    evals.write_text(
        json.dumps({"sid": "e1", "text": first})
        + "\n"
        + json.dumps({"sid": "e2", "text": "Parliament passed the budget bill."})
        + "\n"
        + json.dumps({"sid": "e3", "text": "Share this"})
        + "\n"
    )
    pairs = eval_overlap(TINY_CORPUS, evals, threshold=0.9)
    assert [(p[1], p[2], p[3]) for p in pairs] == [("e1", article["id"], 2)]
