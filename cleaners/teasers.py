"""Teaser grids: the boxes of other stories that follow an article, each a kicker in capitals,
a headline and often a line of teaser prose.

    'A NATIONAL TRAGEDY'
    Watching This Koala Get Rescued From A Bushfire Is Heart-Wrenching
    Dozens of bushfires are spreading across Australia, burning across more than ...
    FAR OUT, MAN
    The Most Remote Places In The World, Visualized
    ...

No rule can take these one line at a time: the headline has the shape of a subheading and the
teaser that of prose. What gives them away is the repetition of the kicker-headline pair at the
end of the text. An article's own subheadings are not preceded by a shouted kicker, and a
single capitalised line before a heading is a section label, not a grid: it takes a run of
groups that reaches the end of the text.
"""

from __future__ import annotations

import re

import regex

from cleaners.document import Document, Removal
from cleaners.text_shape import is_headline_shaped, word_count

# Fewer groups than this at the end of a text are left alone: two kicker-headline pairs can be
# an article's own labelled sections.
MIN_GROUPS = 3
# A kicker is a label, not a sentence shouted in capitals.
MAX_KICKER_WORDS = 12
# The teaser under a headline is a sentence or two.
MAX_TEASER_WORDS = 80
RULE_ID = "teasers.kicker-grid"
GLUED_RULE_ID = "teasers.glued-strip"
CATEGORY = "related_links"
# A strip of teasers that lost its line breaks: kicker, headline, kicker, headline... in one
# paragraph. A kicker here is two or more words in capitals followed by a capitalised word.
MIN_GLUED_KICKERS = 3
# At most this many words per kicker on average: a teaser is a headline, not a story.
MAX_WORDS_PER_GLUED_KICKER = 30
# The words after the first are bounded by the kicker's length: unbounded, on a long run of
# words in capitals (a notice shouted whole) each start took the rest of the run and gave it
# back word by word, in time the square of the run (94 s for 32,000 characters).
_GLUED_KICKER = regex.compile(
    r"(?<![\p{L}\p{N}])\p{Lu}[\p{Lu}'’-]+"
    rf"(?:\s+\p{{Lu}}[\p{{Lu}}'’-]+){{1,{MAX_KICKER_WORDS - 1}}}"
    r"[’'\"]?\s+(?=\p{Lu}\p{Ll})"
)
# The cheap test before the one above: two words in capitals in a row, which most paragraphs
# do not hold.
_TWO_CAPITAL_WORDS = re.compile(r"[A-Z]{2,}[\s'’-]+[A-Z]{2,}")


def is_kicker(paragraph: str) -> bool:
    """A short label in capitals: 'FAR OUT, MAN', 'DIGG PICKS | AFFILIATE'."""
    # isupper: every cased character upper case and at least one of them, tested in C.
    return paragraph.isupper() and paragraph.count(" ") < MAX_KICKER_WORDS


def _is_headline(paragraph: str) -> bool:
    # A headline is mixed case: a second kicker in a row is not a headline.
    return is_headline_shaped(paragraph) and not is_kicker(paragraph)


def _group_end(paragraphs: list[str], start: int) -> int | None:
    """Where the kicker-headline(-teaser) group starting at `start` ends (exclusive), if one
    does start there."""
    if start + 1 >= len(paragraphs) or not is_kicker(paragraphs[start]):
        return None
    if not _is_headline(paragraphs[start + 1]):
        return None
    end = start + 2
    if (
        end < len(paragraphs)
        and not is_kicker(paragraphs[end])
        and word_count(paragraphs[end]) <= MAX_TEASER_WORDS
    ):
        end += 1
    return end


def teaser_grid_start(paragraphs: list[str]) -> int | None:
    """The earliest index where a grid of at least MIN_GROUPS groups begins that runs to the
    last paragraph; None when the text does not end in one. The article keeps at least its
    first paragraph."""
    # groups[i]: how many groups a grid starting at i holds when it reaches the end, worked
    # out from the end so that each paragraph is looked at once.
    count = len(paragraphs)
    groups: list[int | None] = [None] * count + [0]
    for start in range(count - 1, 0, -1):
        end = _group_end(paragraphs, start)
        after = groups[end] if end is not None else None
        groups[start] = None if after is None else after + 1
    return next((i for i in range(1, count) if (groups[i] or 0) >= MIN_GROUPS), None)


def is_glued_teaser_strip(paragraph: str) -> bool:
    """'RANDY ANDY Andrew parties in unearthed pics ... TIME TRAVELLER Conspiracy theorists
    say ... ‘NAÏVE AND TRUSTING’ Grace Millane ...': teasers whose line breaks were lost."""
    # Cheap tests first: three kickers need three pairs of words in capitals, and words.
    if paragraph.count(" ") < 3 * MIN_GLUED_KICKERS:
        return False
    if len(_TWO_CAPITAL_WORDS.findall(paragraph)) < MIN_GLUED_KICKERS:
        return False
    kickers = sum(1 for _ in _GLUED_KICKER.finditer(paragraph))
    return (
        kickers >= MIN_GLUED_KICKERS
        and word_count(paragraph) <= kickers * MAX_WORDS_PER_GLUED_KICKER
    )


def strip_teaser_grid(doc: Document) -> Document:
    paragraphs = doc.text.split("\n\n") if doc.text else []
    removals = [Removal(GLUED_RULE_ID, CATEGORY, p) for p in paragraphs if is_glued_teaser_strip(p)]
    if removals and len(removals) < len(paragraphs):
        strips = {r.text for r in removals}
        paragraphs = [p for p in paragraphs if p not in strips]
    else:
        removals = []
    start = None
    if sum(1 for p in paragraphs if is_kicker(p)) >= MIN_GROUPS:
        # (the cheap test first: most texts hold no capitalised label at all)
        start = teaser_grid_start(paragraphs)
    if start is not None:
        removals += [Removal(RULE_ID, CATEGORY, p) for p in paragraphs[start:]]
        paragraphs = paragraphs[:start]
    if not removals:
        return doc
    return doc.removing(removals, "\n\n".join(paragraphs))
