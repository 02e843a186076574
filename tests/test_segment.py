import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.segment import segment, split_sentences
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "BAGHDAD (Reuters) - Two drones hit the U.S. base. Gen. Ali said it.",
            ["BAGHDAD (Reuters) -", "Two drones hit the U.S. base.", "Gen. Ali said it."],
        ),
        (
            "SAN SALVADOR, 3 JAN 90 -- [REPORT] [TEXT] THE ARMY DENIED IT. REBELS CLAIMED IT.",
            [
                "SAN SALVADOR, 3 JAN 90 -- [REPORT] [TEXT]",
                "THE ARMY DENIED IT.",
                "REBELS CLAIMED IT.",
            ],
        ),
        (
            'He said: "We will respond." Then he left.',
            ['He said: "We will respond."', "Then he left."],
        ),
        (
            "“We saw nothing”. The army spoke on Jan. 5 at 3 p.m. Monday.",
            ["“We saw nothing”.", "The army spoke on Jan. 5 at 3 p.m. Monday."],
        ),
        (
            "Headline without a stop\n\nBody one. Body two.",
            ["Headline without a stop", "Body one.", "Body two."],
        ),
        (
            "John F. Kennedy visited. The U.N. Security Council met.",
            ["John F. Kennedy visited.", "The U.N. Security Council met."],
        ),
        (
            "a hard-wrapped line of wire copy that goes\non and on. Next one.",
            ["a hard-wrapped line of wire copy that goes\non and on.", "Next one."],
        ),
        ("Video size\nwidth\nx\nheight", ["Video size", "width", "x", "height"]),
        (
            '"I phoned them. I told them," he said. Police declined to comment.',
            ['"I phoned them. I told them," he said.', "Police declined to comment."],
        ),
        (
            "“We saw it. We ran.” The army denied it.",
            ["“We saw it. We ran.”", "The army denied it."],
        ),
        (
            '"An unclosed quote. It runs on. Another sentence.',
            ['"An unclosed quote.', "It runs on.", "Another sentence."],
        ),
        (
            "FILE - A police officer stands outside a mosque in Manchester, May 24, 2017.",
            ["FILE - A police officer stands outside a mosque in Manchester, May 24, 2017."],
        ),
        ("KYIV, March 3 — Russian drones struck.", ["KYIV, March 3 —", "Russian drones struck."]),
        ("", []),
        ("   \n\n ", []),
    ],
)
def test_news_cases(text, expected):
    assert split_sentences(text) == expected


def test_seed_article_spans_slice_text():
    text = (ROOT / "seeds" / "000_4029b564ad4463c3.txt").read_text(encoding="utf-8")
    spans = segment(text)
    assert len(spans) == 17
    assert (
        text[spans[4][0] : spans[4][1]]
        == "The Pentagon reported that it wasn’t aware of any such attack."
    )


def check_spans(text, spans):
    previous = 0
    covered = [False] * len(text)
    for start, end in spans:
        assert previous <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        covered[start:end] = [True] * (end - start)
        previous = end
    assert all(c or text[i].isspace() for i, c in enumerate(covered))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_spans_are_ordered_inside_and_cover_every_non_space_character(text):
    check_spans(text, segment(text))


NEWSY = st.lists(
    st.sampled_from(
        [
            "U.S.",
            "Gen.",
            "Jan.",
            "BAGHDAD (Reuters) -",
            "--",
            "\n",
            "\n\n",
            " ",
            ".",
            "!",
            "?",
            "”",
            '"',
            "'",
            "word",
            "Word",
            "[TEXT]",
            "3.5",
            "…",
            "\u200b",
            "\u202e",
            "😀",
            "\t",
        ]
    )
)


@settings(max_examples=300, deadline=None)
@given(NEWSY)
def test_news_like_token_soup(tokens):
    text = "".join(tokens)
    check_spans(text, segment(text))
