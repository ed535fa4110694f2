"""What a paragraph looks like: the small measures several stages reason with."""

from __future__ import annotations

import re

import regex

# The standard library's engine counts words about twice as fast as `regex` does.
WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = regex.compile(r"""[.!?。！？…](?:["'”’»)\]]*)$""")
_FULL_STOP_END = regex.compile(r"""[.;,:](?:["'”’»)\]]*)$""")


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def ends_like_sentence(paragraph: str) -> bool:
    """Ends with sentence punctuation, possibly followed by closing quotes or brackets."""
    return _SENTENCE_END.search(paragraph) is not None


def ends_with_full_stop(paragraph: str) -> bool:
    """Ends as running text does (full stop, comma, colon), which a headline never does."""
    return _FULL_STOP_END.search(paragraph) is not None


def is_headline_shaped(paragraph: str, max_words: int = 25) -> bool:
    """Short and not ended like running text: the shape of a title or of a link's text."""
    words = word_count(paragraph)
    return 0 < words <= max_words and not ends_with_full_stop(paragraph)
