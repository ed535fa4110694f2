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
CATEGORY = "related_links"


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


def strip_teaser_grid(doc: Document) -> Document:
    paragraphs = doc.text.split("\n\n") if doc.text else []
    if sum(1 for p in paragraphs if is_kicker(p)) < MIN_GROUPS:
        return doc  # the cheap test: most texts hold no capitalised label at all
    start = teaser_grid_start(paragraphs)
    if start is None:
        return doc
    removals = [Removal(RULE_ID, CATEGORY, p) for p in paragraphs[start:]]
    return doc.removing(removals, "\n\n".join(paragraphs[:start]))
