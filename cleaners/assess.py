"""Quality flags and language. Flags describe a document; they never delete text.

The vocabulary is fixed (`FLAGS`, also the schema's enum) so that consumers can filter on it:

- `machine_translated`: the publisher says the text was machine translated (raised by the
  rule that removes that notice);
- `developing_story`: the story says it will be updated (raised by the marker's rule);
- `spun_text`: several phrases that only synonym spinners write ("cellphone name");
- `truncated`: the text stops mid-sentence or points to the rest elsewhere;
- `not_article`: the page is of another type than an article (`page_type`: a listing, a
  product, a forum thread, ...; cleaners.page_type). Length alone never makes it: a short
  post is an article;
- `encoding_repaired`: mojibake was repaired somewhere in the text;
- `boilerplate_heavy`: more was removed as boilerplate than kept as text.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import replace
from importlib import resources

import regex

from cleaners.document import Document
from cleaners.language import detect_language
from cleaners.page_type import page_type
from cleaners.text_shape import word_count

FLAGS = (
    "boilerplate_heavy",
    "developing_story",
    "encoding_repaired",
    "machine_translated",
    "not_article",
    "spun_text",
    "truncated",
)

# The last paragraph must be this long before a missing full stop means a cut, not a caption.
MIN_CUT_PARAGRAPH_WORDS = 12
_WORD_THEN_ELLIPSIS = regex.compile(r"\p{Ll}(?:\.{3,}|…|\s*\[…\]|\s*\[\.\.\.\])$")
# How a text that `_WORD_THEN_ELLIPSIS` matches ends (it is searched in stripped text only).
_ELLIPSIS_ENDS = ("...", "…", "]")
# Words that cannot end a sentence in the languages we clean most: a text ending on one
# was cut.
_CANNOT_END_SENTENCE = frozenset(
    (  # noqa: SIM905 (a word list per language reads better as text)
        "the a an of to and or for with in on at by from that as but "  # English
        "der die das und oder mit von zu "  # German
        "le la les de des et ou avec pour "  # French
        "el los las y o con para "  # Spanish
        "и в на с по к для что і з та до"  # Russian, Ukrainian
    ).split()
)
_SENTENCE_END_INSIDE = regex.compile(r"\w[.!?][\"'”’)]*(?:\s|$)|[。！？]")
# What every sentence end holds; a character class `re` scans for in C, before the search.
_may_end_sentence = re.compile(r"[.!?。！？]").search


_TOKEN = regex.compile(r"\w+(?:['.]\w+)*")
_ASCII_RUN = re.compile(r"[a-z0-9]+")


@functools.cache
def _spin_phrases() -> tuple[dict[str, list[tuple[str, ...]]], int]:
    """The spinner phrases as word tuples, indexed by their first word: looking them up word by
    word costs one dictionary probe per word of the text, where a regex alternation of them all
    would try every phrase at every position."""
    data = tomllib.loads(
        (resources.files("cleaners") / "data" / "spin.toml").read_text(encoding="utf-8")
    )["spun_text"]
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in data["phrases"]:
        words = tuple(_tokens(phrase))
        by_first.setdefault(words[0], []).append(words)
    return by_first, int(data["min_distinct"])


def _tokens(text: str) -> list[str]:
    tokens: list[str] = _TOKEN.findall(text.lower().replace("’", "'"))
    return tokens


def spin_evidence(text: str) -> set[str]:
    """The distinct spinner phrases found in `text`."""
    by_first, _ = _spin_phrases()
    tokens = _tokens(text)
    if by_first.keys().isdisjoint(tokens):
        return set()  # not one phrase's opening word: nothing to look up
    found: set[str] = set()
    for index, token in enumerate(tokens):
        for phrase in by_first.get(token, ()):
            if tuple(tokens[index : index + len(phrase)]) == phrase:
                found.add(" ".join(phrase))
    return found


@functools.cache
def _phrase_words() -> tuple[frozenset[str], ...]:
    """For each phrase, its words made of ASCII letters and digits only."""
    by_first, _ = _spin_phrases()
    return tuple(
        frozenset(w for w in phrase if _ASCII_RUN.fullmatch(w))
        for phrases in by_first.values()
        for phrase in phrases
    )


def is_spun(text: str) -> bool:
    _, needed = _spin_phrases()
    # Most texts do not hold the words of enough phrases to be spun, which the runs of ASCII
    # letters and digits tell several times faster than tokenizing: a token made of those
    # characters only is such a run (what borders a token is no word character).
    runs = set(_ASCII_RUN.findall(text.lower()))
    if sum(1 for words in _phrase_words() if words <= runs) < needed:
        return False
    return len(spin_evidence(text)) >= needed


def is_truncated(text: str) -> bool:
    """The text stops where no writer stops: on an article, a preposition or a comma, or on an
    ellipsis right after a word. A final paragraph without a full stop is not enough: lists,
    captions and datelines end that way in complete articles."""
    last = text.rsplit("\n\n", 1)[-1].strip()
    if word_count(last) < MIN_CUT_PARAGRAPH_WORDS or not has_sentence(last):
        return False
    # The ellipsis must end the paragraph: test the end before searching all of it.
    if last.endswith(_ELLIPSIS_ENDS) and _WORD_THEN_ELLIPSIS.search(last):
        return True
    if last[-1] in ",;-–":
        return True
    final_word = last.rsplit(None, 1)[-1].lower()
    return final_word in _CANNOT_END_SENTENCE


def has_sentence(text: str) -> bool:
    return bool(_may_end_sentence(text)) and _SENTENCE_END_INSIDE.search(text) is not None


def assess(doc: Document, removed_chars: int | None = None) -> Document:
    flags: list[str] = []
    text = doc.text
    if text:
        if is_spun(text):
            flags.append("spun_text")
        if is_truncated(text):
            flags.append("truncated")
    found = page_type(doc.url, doc.page_signals, text, doc.title, doc.authors, doc.published)
    if found.type != "article":
        flags.append("not_article")
    if any(r.kind.startswith("mojibake") for r in doc.repairs):
        flags.append("encoding_repaired")
    if removed_chars is None:
        removed_chars = sum(len(r.text) for r in doc.removed if r.category != "metadata")
    if removed_chars > len(text):
        flags.append("boilerplate_heavy")
    language = doc.language or detect_language(text)
    return replace(
        doc.flagged(*flags),
        language=language,
        page_type=found.type,
        page_type_confidence=found.confidence,
    )
