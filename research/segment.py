"""News-aware sentence segmentation with exact character offsets.

Every span slices the original text: ``text[start:end]`` is the sentence, spans are ordered,
do not overlap, carry no edge whitespace, and together cover every non-space character.
The rules are the ones news copy needs: headlines and paragraphs on their own lines,
datelines ("BAGHDAD (Reuters) -", "SAN SALVADOR, 3 JAN 90 -- [TEXT]") split off as their
own span, abbreviations (U.S., Gen., Jan.) and initials that do not end a sentence, and
closing quotes or brackets that stay with the sentence they end.
"""

import re

__all__ = ["segment", "split_sentences"]

# Words that end with a period without ending the sentence. Lower case, no final period.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cpl",
        "pvt",
        "adm",
        "cmdr",
        "brig",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "pres",
        "amb",
        "supt",
        "insp",
        "det",
        "st",
        "mt",
        "ft",
        "no",
        "nos",
        "vol",
        "fig",
        "approx",
        "est",
        "dept",
        "univ",
        "assn",
        "inc",
        "corp",
        "co",
        "ltd",
        "jr",
        "sr",
        "vs",
        "etc",
        "al",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.n",
        "u.k",
        "u.s.a",
        "e.u",
        "a.u",
    ]
)
# After a dotted acronym (U.S.), only these words start a new sentence.
_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "in",
        "on",
        "at",
        "but",
        "and",
        "yet",
        "so",
        "this",
        "that",
        "these",
        "those",
        "there",
        "his",
        "her",
        "their",
        "its",
        "our",
        "after",
        "before",
        "when",
        "while",
        "since",
        "however",
        "meanwhile",
        "earlier",
        "later",
    ]
)
_LINE = re.compile(r"[^\n]+")
_NON_SPACE = re.compile(r"\S")
_NEXT_WORD = re.compile(r"[\w']+")
_END = re.compile(r"[\"'”’)\]]*(?:[.!?…]+|\.\.\.)[\"'”’)\]]*(?=\s)")
_DATELINE = re.compile(
    r"""(?!FILE\b|PHOTO\b)                              # AP captions: "FILE - A man ..."
        [A-Z][A-Z.'\-]+(?:\ [A-Z][A-Z.'\-]+){0,3}     # CITY, in capitals
        (?:,\ [A-Za-z0-9][A-Za-z0-9 .]{0,24}?)?       # , March 3 | , 3 JAN 90
        (?:\ ?\([^()\n]{1,40}\))?                      # (Outlet)
        \ ?(?:--|—|–|-)(?=\s|$)                        # the dash
        (?:\ *\[[^\[\]\n]{1,80}\])*                    # FBIS notes: [REPORT] [TEXT]
    """,
    re.VERBOSE,
)
_QUOTE = re.compile('[“”"]')
#: A quotation longer than this is not kept in one span (an unclosed quote, most likely).
QUOTE_MAX = 500
#: A line shorter than this is never a hard-wrapped part of a longer sentence.
WRAP_MIN = 30


def _blocks(text):
    """Yield (start, end) of lines, joining hard-wrapped lines that continue a sentence."""
    start = end = line_start = None
    last = ""  # the block's last non-space character (kept, not re-read: linear time)
    for match in _LINE.finditer(text):
        line = match.group()
        if start is not None:
            gap = text[end : match.start()]
            head = line.lstrip()
            wrapped = (
                gap == "\n"
                and last.islower()
                and head[:1].islower()
                and end - line_start >= WRAP_MIN
            )
            if not wrapped:
                yield start, end
                start, last = None, ""
        if start is None:
            start = match.start()
        line_start, end = match.start(), match.end()
        last = line.rstrip()[-1:] or last
    if start is not None:
        yield start, end


def _word_before(block, pos):
    """The run of non-space characters ending at ``pos`` (scans back only over that word)."""
    start = pos
    while start > 0 and not block[start - 1].isspace():
        start -= 1
    return block[start:pos]


def _is_boundary(block, match):
    """Decide whether the punctuation ``match`` inside ``block`` ends a sentence."""
    # Positions, not slices of the rest of the block: one long line must stay linear time.
    nxt = _NON_SPACE.search(block, match.end())
    if nxt is None:
        return True
    if nxt.group().islower():
        return False
    word = _word_before(block, match.start()).lstrip("\"'“‘([").lower()
    if match.group().strip("\"'”’)]") != ".":
        return True
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "John F. Kennedy"
    if word in _ABBREVIATIONS:
        if "." in word:  # dotted acronym: ends a sentence only before a typical opener
            next_word = _NEXT_WORD.match(block, nxt.start())
            return bool(next_word) and next_word.group().lower() in _STARTERS
        return False
    return True


def _quotations(block):
    """(open, close) offsets of the quotations that close within :data:`QUOTE_MAX`
    characters, in order; one pass over the quote marks (linear time)."""
    spans, opened = [], None
    for match in _QUOTE.finditer(block):
        mark, pos = match.group(), match.start()
        if opened is None:
            if mark != "”":
                opened = (pos, "”" if mark == "“" else '"')
        elif mark == opened[1]:
            if pos - opened[0] <= QUOTE_MAX:
                spans.append((opened[0], pos))
            opened = None
        elif mark == "“":  # the earlier quote never closed: start again here
            opened = (pos, "”")
    return spans


def _split_block(text, start, end):
    block = text[start:end]
    cuts = [0]
    dateline = _DATELINE.match(block)
    if dateline:
        cuts.append(dateline.end())
    # A stop inside a quotation that closes later in the line does not end the sentence:
    # '"I phoned them. I told them," he said.' is one sentence, as news segmenters keep it.
    quotes, q = _quotations(block), 0
    for match in _END.finditer(block, cuts[-1]):
        while q < len(quotes) and quotes[q][1] < match.end():
            q += 1
        if q < len(quotes) and quotes[q][0] < match.start():
            continue
        if _is_boundary(block, match):
            cuts.append(match.end())
    cuts.append(len(block))
    for a, b in zip(cuts, cuts[1:], strict=False):
        a, b = start + a, start + b
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            yield a, b


def segment(text):
    """Split news text into sentence spans.

    Parameters
    ----------
    text : str
        Any text; offsets refer to this exact string.

    Returns
    -------
    list of tuple of (int, int)
        ``(start, end)`` character offsets, ordered and non-overlapping.
    """
    spans = []
    for start, end in _blocks(text):
        spans.extend(_split_block(text, start, end))
    return spans


def split_sentences(text):
    """Return the sentence strings of ``text`` (see :func:`segment`)."""
    return [text[a:b] for a, b in segment(text)]
