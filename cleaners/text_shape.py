"""What a paragraph looks like: the small measures several stages reason with."""

from __future__ import annotations

import re
from collections.abc import Sequence

# The standard library's engine counts words about twice as fast as `regex` does.
WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# How a paragraph ends: punctuation, then any closing quotes or brackets. Tested on the last
# characters only (a search for `[.!?…]["'”’»)\]]*$` would try every position of the
# paragraph); `$` also stands before a final line break, which the tests repeat without it.
_SENTENCE_ENDS = frozenset(".!?。！？…")
_FULL_STOPS = frozenset(".;,:")
_CLOSERS = "\"'”’»)]"


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def _ends_with(paragraph: str, marks: frozenset[str]) -> bool:
    if paragraph.rstrip(_CLOSERS)[-1:] in marks:
        return True
    return paragraph.endswith("\n") and paragraph[:-1].rstrip(_CLOSERS)[-1:] in marks


def ends_like_sentence(paragraph: str) -> bool:
    """Ends with sentence punctuation, possibly followed by closing quotes or brackets."""
    return _ends_with(paragraph, _SENTENCE_ENDS)


def ends_with_full_stop(paragraph: str) -> bool:
    """Ends as running text does (full stop, comma, colon), which a headline never does."""
    return _ends_with(paragraph, _FULL_STOPS)


def is_headline_shaped(paragraph: str, max_words: int = 25) -> bool:
    """Short and not ended like running text: the shape of a title or of a link's text."""
    words = word_count(paragraph)
    return 0 < words <= max_words and not ends_with_full_stop(paragraph)


# A table rendered as text: cells split by a pipe or a tab, the same number of cells a row.
_CELL_SEPARATORS = ("|", "\t")
# Fewer rows than this are as often a "Home | News | Sport" menu twice as a table.
MIN_TABLE_ROWS = 3


def table_rows(paragraphs: Sequence[str]) -> frozenset[int]:
    """The positions of paragraphs that are rows of a table: runs of at least MIN_TABLE_ROWS
    consecutive paragraphs with the same (non-zero) count of one cell separator."""
    rows: set[int] = set()
    for separator in _CELL_SEPARATORS:
        counts = [p.count(separator) if "\n" not in p else 0 for p in paragraphs]
        start = 0
        for index in range(1, len(counts) + 1):
            if index < len(counts) and counts[index] == counts[start]:
                continue
            if counts[start] and index - start >= MIN_TABLE_ROWS:
                rows.update(range(start, index))
            start = index
    return frozenset(rows)
