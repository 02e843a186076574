"""Scoring article items by segmenting their full text (the real-news protocol)."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from research.api import SentenceLabel
from research.articles import overlap_labels, read_article_texts
from research.cli import main
from research.evaluate import evaluate_model
from tests.conftest import TINY_CORPUS

ARTICLES = [json.loads(line) for line in TINY_CORPUS.open()]


def _spans(cuts):
    """Ordered, non-overlapping spans from sorted cut points (pairs of them)."""
    points = sorted(set(cuts))
    return [(a, b) for a, b in zip(points[::2], points[1::2], strict=False) if a < b]


@settings(deadline=None)  # a loaded machine may be slow on one example
@given(
    st.lists(st.integers(0, 200), min_size=2, max_size=30),
    st.lists(st.integers(0, 200), min_size=2, max_size=30),
)
def test_each_gold_span_takes_its_largest_overlap(gold_cuts, pred_cuts):
    gold, pred = _spans(gold_cuts), _spans(pred_cuts)
    if not gold or not pred:
        return
    predicted = [SentenceLabel(a, b, "", str(k)) for k, (a, b) in enumerate(pred)]
    chosen = overlap_labels(gold, predicted)
    assert len(chosen) == len(gold)
    for (a, b), sentence in zip(gold, chosen, strict=True):
        overlaps = [min(b, p.end) - max(a, p.start) for p in predicted]
        if max(overlaps) > 0:
            assert min(b, sentence.end) - max(a, sentence.start) == max(overlaps)


def _eval_files(tmp_path):
    """A labelled file with article rows (offsets into full texts) and snippet rows."""
    rows, texts = [], []
    for article in ARTICLES[:3]:
        texts.append({"id": article["id"], "text": article["text"], "source": "tiny"})
        for k, s in enumerate(article["sentences"]):
            rows.append(
                {
                    "sid": f"{article['id']}#{k}",
                    "item": article["id"],
                    "kind": "article",
                    "start": s["start"],
                    "end": s["end"],
                    "text": article["text"][s["start"] : s["end"]],
                    "label": s["label"],
                }
            )
    rows.append(
        {
            "sid": "x#0",
            "item": "x",
            "kind": "snippet",
            "start": 0,
            "end": 20,
            "text": "Rebels shelled a town.",
            "label": "attack_report",
        }
    )
    data, corpus = tmp_path / "eval.jsonl", tmp_path / "texts.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    corpus.write_text("not json\n" + "".join(json.dumps(t) + "\n" for t in texts))
    return data, corpus


def test_read_article_texts_keeps_only_wanted_ids(tmp_path):
    _, corpus = _eval_files(tmp_path)
    found = read_article_texts([corpus], {ARTICLES[0]["id"], "missing"})
    assert list(found) == [ARTICLES[0]["id"]]


def test_segmented_evaluation_scores_articles_and_snippets(tiny_run, tmp_path):
    data, corpus = _eval_files(tmp_path)
    plain, _ = evaluate_model(tiny_run / "model", data)
    segmented, out = evaluate_model(
        tiny_run / "model", data, articles=[corpus], output=tmp_path / "out"
    )
    assert plain["eval"]["sentence"]["n"] == segmented["eval"]["sentence"]["n"]
    assert segmented["eval"]["article"]["n_articles"] == 3
    assert (out / "predictions.jsonl").is_file()
    slices = segmented["eval"]["slices"]
    n_article = sum(len(a["sentences"]) for a in ARTICLES[:3])
    assert (slices["kind=article"]["n"], slices["kind=snippet"]["n"]) == (n_article, 1)


def _evaluate(run_dir, data, articles):
    argv = ["evaluate", "--model", run_dir / "model", "--data", data, "--articles", articles]
    return main(["--quiet", *map(str, argv)])


def test_cli_evaluate_takes_article_files(tiny_run, tmp_path, capsys):
    data, corpus = _eval_files(tmp_path)
    code = _evaluate(tiny_run, data, corpus)
    assert code == 0 and "| eval |" in capsys.readouterr().out


def test_missing_article_file_is_a_data_error(tiny_run, tmp_path, capsys):
    data, _ = _eval_files(tmp_path)
    code = _evaluate(tiny_run, data, tmp_path / "nope.jsonl")
    assert code == 2 and "article file not found" in capsys.readouterr().err


def test_context_models_read_article_rows_in_their_articles(tmp_path):
    from research.experiment import run_config
    from tests.conftest import write_config

    run_dir = run_config(
        write_config(tmp_path, model="tfidf_context.v1", params="min_df = 1\nn_folds = 3")
    )[0]
    data, _ = _eval_files(tmp_path)
    rows = [json.loads(line) for line in data.open()]
    as_snippets = tmp_path / "snippets.jsonl"
    as_snippets.write_text("".join(json.dumps(dict(r, kind="snippet")) + "\n" for r in rows))
    in_context, _ = evaluate_model(run_dir / "model", data, output=tmp_path / "a")
    one_by_one, _ = evaluate_model(run_dir / "model", as_snippets, output=tmp_path / "b")
    scores = [
        [json.loads(line)["scores"] for line in (tmp_path / d / "predictions.jsonl").open()]
        for d in ("a", "b")
    ]
    assert scores[0][-1] == scores[1][-1]  # the snippet row: same either way
    assert scores[0][:-1] != scores[1][:-1]  # article rows: read with their neighbours
