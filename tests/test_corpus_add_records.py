"""`research corpus add` refuses malformed authoring records with one line, never a traceback."""

import copy
import json

import pytest

from research.cli import main
from research.corpus import read_corpus
from tests.conftest import TINY_CORPUS

GOOD = {
    "id": "n1",
    "meta": {"region": "sahel", "country": "", "date": "2020-01-01", "style": "wire"},
    "paragraphs": [
        [["Gunmen raid a village in central Mali", "attack_report"]],
        [["Gunmen on motorbikes killed four people on a quiet Sunday.", "attack_report"]],
    ],
}


def _without_meta(key):
    def edit(record):
        del record["meta"][key]

    return edit


def _set(*path, value):
    def edit(record):
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _drop(key):
    def edit(record):
        del record[key]

    return edit


CASES = [
    (_without_meta("region"), "line 2: meta has no 'region'; add it to meta, e.g. \"region\":"),
    (_without_meta("date"), "line 2: meta has no 'date'; add it to meta, e.g. \"date\":"),
    (_without_meta("style"), "line 2: meta has no 'style'; add it to meta, e.g. \"style\":"),
    (
        _set("meta", "region", value=5),
        "line 2: meta.region is a number (5); it must be a non-empty",
    ),
    (_set("meta", "region", value=["sahel"]), "line 2: meta.region is a list"),
    (_set("meta", "date", value="March 2020"), 'line 2: meta.date is "March 2020"; write it as'),
    (_set("meta", "style", value=""), "line 2: meta.style is an empty string"),
    (_set("meta", "date", value=None), "line 2: meta.date is null"),
    (_set("meta", value=["sahel"]), "line 2: field 'meta' is a list; it must be an object"),
    (_set("meta", value="sahel"), "line 2: field 'meta' is a string; it must be an object"),
    (_drop("meta"), "line 2: missing field 'meta'; add \"meta\":"),
    (_drop("id"), "line 2: missing field 'id'; add \"id\":"),
    (_set("id", value=7), "line 2: field 'id' is a number"),
    (_drop("paragraphs"), "line 2: missing field 'paragraphs'"),
    (_set("paragraphs", value=[]), "line 2: field 'paragraphs' is an empty list"),
    (_set("paragraphs", value="text"), "line 2: field 'paragraphs' is a string"),
    (_set("paragraphs", 1, value="text"), "line 2: paragraph 1 is a string"),
    (_set("paragraphs", 1, 0, value=["only a sentence"]), "line 2: paragraph 1 sentence 0 is"),
    (_set("paragraphs", 1, 0, value=["A sentence.", 3]), "line 2: paragraph 1 sentence 0 is"),
]


def _run(capsys, tmp_path, lines):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(TINY_CORPUS.read_bytes())
    records = tmp_path / "records.jsonl"
    records.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    code = main(["--quiet", "corpus", "add", str(corpus), "--records", str(records)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err, records


def _assert_refused(tmp_path, code, err, records, fragment):
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith(f"research: error: {records}: "), err
    assert fragment in lines[0], err
    assert (tmp_path / "corpus.jsonl").read_bytes() == TINY_CORPUS.read_bytes()
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize(("edit", "fragment"), CASES)
def test_bad_record_names_file_line_and_field(tmp_path, capsys, edit, fragment):
    good = dict(GOOD, id="n0")
    bad = copy.deepcopy(GOOD)
    edit(bad)
    code, _, err, records = _run(capsys, tmp_path, [json.dumps(good), json.dumps(bad)])
    _assert_refused(tmp_path, code, err, records, fragment)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("[1, 2]", "line 1 is a list, not an authoring record; write one object"),
        ('"a record"', "line 1 is a string, not an authoring record"),
        ("42", "line 1 is a number, not an authoring record"),
        ("null", "line 1 is null, not an authoring record"),
        ("{not json", "line 1 is not an authoring record"),
    ],
)
def test_line_that_is_not_an_object_is_refused(tmp_path, capsys, line, fragment):
    code, _, err, records = _run(capsys, tmp_path, [line])
    _assert_refused(tmp_path, code, err, records, fragment)


def test_first_bad_line_is_named_and_the_rest_counted(tmp_path, capsys):
    no_region = copy.deepcopy(GOOD)
    del no_region["meta"]["region"]
    lines = [json.dumps(no_region), "[]", json.dumps(dict(GOOD, id="t01"))]
    code, _, err, records = _run(capsys, tmp_path, lines)
    _assert_refused(tmp_path, code, err, records, "line 1: meta has no 'region'")
    assert err.strip().endswith("(and 2 more bad lines)")


def test_good_records_are_still_added(tmp_path, capsys):
    code, out, err, _ = _run(capsys, tmp_path, [json.dumps(GOOD)])
    assert code == 0, err
    assert "added 1 articles" in out
    added = [a for a in read_corpus(tmp_path / "corpus.jsonl") if a["id"] == "n1"]
    assert len(added) == 1 and added[0]["meta"]["region"] == "sahel"
