import json

import pytest

from research.cli import main


@pytest.fixture
def input_file(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "Gunmen attacked a police post on Sunday."}\n'
        b"{not json\n"
        b'{"id": "b"}\n'
        b"\xff\xfe bad bytes\n"
        b"A plain text line about a car bomb.\n"
        b'{"id": "c", "text": "The ministry denied the report."}\n'
    )
    return path


def test_sentence_predictions_skip_bad_lines_with_line_numbers(
    tiny_run, input_file, tmp_path, capsys
):
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "--quiet",
            "predict",
            "--model",
            str(tiny_run / "model"),
            "--input",
            str(input_file),
            "--output",
            str(out),
            "--batch-size",
            "2",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    for lineno in ("line 2: not JSON", "line 3: no text", "line 4: not UTF-8"):
        assert lineno in err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", 5, "c"]
    assert abs(sum(rows[0]["scores"].values()) - 1) < 1e-4


def test_article_predictions_slice_text(tiny_run, tmp_path, capsys):
    text = "KABUL (Test) — Gunmen attacked a post.\n\nThe Taliban denied it. Share this"
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": 1, "text": text}) + "\n")
    assert (
        main(
            [
                "--quiet",
                "predict",
                "--model",
                str(tiny_run / "model"),
                "--unit",
                "article",
                "--input",
                str(src),
            ]
        )
        == 0
    )
    row = json.loads(capsys.readouterr().out)
    assert [s["text"] for s in row["sentences"]] == [
        text[s["start"] : s["end"]] for s in row["sentences"]
    ]
    assert set(row["labels"]) <= {
        "attack_report",
        "attribution",
        "official_denial",
        "background_context",
    }
