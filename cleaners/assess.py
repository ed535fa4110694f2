"""Quality flags and language. Flags describe a document; they never delete text.

The vocabulary is fixed (`FLAGS`, also the schema's enum) so that consumers can filter on it:

- `machine_translated`: the publisher says the text was machine translated (raised by the
  rule that removes that notice);
- `developing_story`: the story says it will be updated (raised by the marker's rule);
- `spun_text`: several phrases that only synonym spinners write ("cellphone name");
- `truncated`: the text stops mid-sentence or points to the rest elsewhere;
- `not_article`: too little running prose to be an article (a list, a table, a stub);
- `encoding_repaired`: mojibake was repaired somewhere in the text;
- `boilerplate_heavy`: more was removed as boilerplate than kept as text.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import replace
from importlib import resources

import regex

from cleaners.document import Document
from cleaners.language import detect_language
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

# An article has at least this many words of running prose.
MIN_ARTICLE_WORDS = 50
# The last paragraph must be this long before a missing full stop means a cut, not a caption.
MIN_CUT_PARAGRAPH_WORDS = 12
_WORD_THEN_ELLIPSIS = regex.compile(r"\p{Ll}(?:\.{3,}|…|\s*\[…\]|\s*\[\.\.\.\])$")
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
_SENTENCE = regex.compile(r"[^.!?。！？]{20,}[.!?。！？]")


@functools.cache
def _spin_phrases() -> tuple[regex.Pattern[str], int]:
    data = tomllib.loads(
        (resources.files("cleaners") / "data" / "spin.toml").read_text(encoding="utf-8")
    )["spun_text"]
    alternation = "|".join(regex.escape(p) for p in sorted(data["phrases"], key=len, reverse=True))
    return regex.compile(rf"\b(?:{alternation})\b", regex.IGNORECASE), int(data["min_distinct"])


def spin_evidence(text: str) -> set[str]:
    """The distinct spinner phrases found in `text`."""
    pattern, _ = _spin_phrases()
    return {m.group(0).lower() for m in pattern.finditer(text)}


def is_spun(text: str) -> bool:
    return len(spin_evidence(text)) >= _spin_phrases()[1]


def is_truncated(text: str) -> bool:
    """The text stops where no writer stops: on an article, a preposition or a comma, or on an
    ellipsis right after a word. A final paragraph without a full stop is not enough: lists,
    captions and datelines end that way in complete articles."""
    last = text.rsplit("\n\n", 1)[-1].strip()
    if word_count(last) < MIN_CUT_PARAGRAPH_WORDS or not _SENTENCE.search(last):
        return False
    if _WORD_THEN_ELLIPSIS.search(last):
        return True
    if last[-1] in ",;-–":
        return True
    final_word = last.rsplit(None, 1)[-1].lower()
    return final_word in _CANNOT_END_SENTENCE


def is_not_article(text: str) -> bool:
    """Too little prose: few words, or almost none of them in sentences."""
    words = word_count(text)
    if words < MIN_ARTICLE_WORDS:
        return True
    prose = sum(word_count(s.group(0)) for s in _SENTENCE.finditer(text))
    return prose < words * 0.3


def assess(doc: Document, removed_chars: int | None = None) -> Document:
    flags: list[str] = []
    text = doc.text
    if text:
        if is_spun(text):
            flags.append("spun_text")
        if is_truncated(text):
            flags.append("truncated")
        if is_not_article(text):
            flags.append("not_article")
    if any(r.kind.startswith("mojibake") for r in doc.repairs):
        flags.append("encoding_repaired")
    if removed_chars is None:
        removed_chars = sum(len(r.text) for r in doc.removed if r.category != "metadata")
    if removed_chars > len(text):
        flags.append("boilerplate_heavy")
    language = doc.language or detect_language(text)
    return replace(doc.flagged(*flags), language=language)
