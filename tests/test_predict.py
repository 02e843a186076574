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


def test_jobs_flag_reaches_the_model(tiny_run, tmp_path, monkeypatch):
    import research.predict

    seen = {}
    load = research.predict.load_model

    def spy(model_dir, **kwargs):
        seen.update(kwargs)
        return load(model_dir, **kwargs)

    monkeypatch.setattr(research.predict, "load_model", spy)
    batches = []
    make_batches = research.predict._batches

    def batches_spy(rows, size):
        batches.append(size)
        return make_batches(rows, size)

    monkeypatch.setattr(research.predict, "_batches", batches_spy)
    source = tmp_path / "in.txt"
    source.write_text("Gunmen attacked a post.\n")
    args = ["--quiet", "predict", "--model", str(tiny_run / "model"), "--jobs", "2"]
    assert main([*args, "--input", str(source), "--output", str(tmp_path / "out.jsonl")]) == 0
    assert seen["n_jobs"] == 2
    assert batches == [research.predict.PARALLEL_BATCH_SIZE]  # large enough to be split


def test_output_to_a_pipe_is_written_in_place(tiny_run, tmp_path, monkeypatch):
    """An existing FIFO keeps its type: no temporary file is renamed onto it (the same path
    writes devices such as /dev/null in place; a test cannot risk replacing the real one)."""
    import io
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Gunmen attacked a post.\n")))
    model = str(tiny_run / "model")
    assert main(["--quiet", "predict", "--model", model, "--output", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and json.loads(received[0])["label"]
