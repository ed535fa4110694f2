"""Language identification for articles: script first, then function words.

A news article is long enough that its most frequent short words name its language, and a
script of its own (Hangul, Kana, Arabic, Greek, ...) names it outright. This costs a few
microseconds and no model load; it answers None rather than guess on text that is too short
or too mixed to tell.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from importlib import resources

import regex

# Scripts that belong to one language (or one that dominates news written in it).
_SCRIPT_LANGUAGE = (
    ("ko", regex.compile(r"\p{Hangul}")),
    ("ja", regex.compile(r"[\p{Hiragana}\p{Katakana}]")),
    ("zh", regex.compile(r"\p{Han}")),
    ("ar", regex.compile(r"\p{Arabic}")),
    ("he", regex.compile(r"\p{Hebrew}")),
    ("el", regex.compile(r"\p{Greek}")),
    ("th", regex.compile(r"\p{Thai}")),
    ("hi", regex.compile(r"\p{Devanagari}")),
    ("ka", regex.compile(r"\p{Georgian}")),
    ("hy", regex.compile(r"\p{Armenian}")),
)
# Every character of those scripts, for a sample that holds none (most do not).
_ANY_SCRIPT = regex.compile(
    r"[\p{Hangul}\p{Hiragana}\p{Katakana}\p{Han}\p{Arabic}\p{Hebrew}\p{Greek}\p{Thai}"
    r"\p{Devanagari}\p{Georgian}\p{Armenian}]"
)
# Characters outside the blocks where none of those scripts has a letter (Latin, combining
# marks, Cyrillic, general punctuation, currency): `re` scans for them in C, far faster than
# `regex` tests script properties, and curly quotes and dashes do not count.
_OUTSIDE_COMMON_BLOCKS = re.compile(r"[^\x00-\u036f\u0400-\u052f\u2000-\u206f\u20a0-\u20cf]")
# Letters are \w without digits and the underscore; the standard library's engine scans for
# them faster than `regex` does. Scripts need `regex`, and only non-ASCII text asks. Words
# are runs of letters: their lengths add up to the letters.
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_WORD = re.compile(r"[^\W\d_]+")
# Letters only Ukrainian uses among the Cyrillic languages we tell apart.
_UKRAINIAN_LETTERS = regex.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_LETTERS = regex.compile(r"[ыэъЫЭЪ]")
SAMPLE_CHARS = 2000
MIN_HITS = 4


@functools.cache
def _language_table() -> dict[str, dict[str, str]]:
    """languages.toml as written: for each script, each language's function words."""
    return tomllib.loads(
        (resources.files("cleaners") / "data" / "languages.toml").read_text(encoding="utf-8")
    )


@functools.cache
def _function_words() -> dict[str, dict[str, tuple[str, ...]]]:
    """For each script, every function word and the languages it belongs to: one dictionary
    probe per word of the sample scores all the languages at once."""
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for script, table in _language_table().items():
        languages_of: dict[str, list[str]] = {}
        for language, words in table.items():
            for word in words.split():
                languages_of.setdefault(word, []).append(language)
        tables[script] = {word: tuple(langs) for word, langs in languages_of.items()}
    return tables


def function_words(language: str) -> tuple[str, ...]:
    """The function words of a language (none for a language the table does not know)."""
    return _words_of().get(language, ())


def function_words_of_script(text: str) -> tuple[str, ...]:
    """The function words of every language of the text's script (Latin or Cyrillic), for
    text too short to tell its language."""
    cyrillic = len(_CYRILLIC.findall(text)) > len(_WORD.findall(text))
    return tuple(_function_words()["cyrillic" if cyrillic else "latin"])


@functools.cache
def _words_of() -> dict[str, tuple[str, ...]]:
    return {
        language: tuple(words.split())
        for table in _language_table().values()
        for language, words in table.items()
    }


@functools.cache
def _languages(cyrillic: bool) -> tuple[str, ...]:
    table = _function_words()["cyrillic" if cyrillic else "latin"]
    return tuple(sorted({lang for langs in table.values() for lang in langs}))


def _sample(text: str) -> str:
    """Up to SAMPLE_CHARS of the text's longest paragraphs: the prose, not the menus that a
    page dump starts with."""
    if len(text) <= SAMPLE_CHARS:
        return text
    paragraphs = sorted(text.split("\n"), key=len, reverse=True)
    sample: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if size >= SAMPLE_CHARS:
            break
        sample.append(paragraph[: SAMPLE_CHARS - size])
        size += len(sample[-1])
    return "\n".join(sample)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told."""
    sample = _sample(text)
    words: list[str] | None = None
    if sample.isascii():
        # Lowering ASCII changes no letter into a non-letter: the words of the lowered sample
        # hold all its letters, and one scan gives both.
        words = _WORD.findall(sample.lower())
        letters = sum(map(len, words))
    else:
        letters = sum(map(len, _WORD.findall(sample)))
    if letters < 20:
        return None
    cyrillic = False
    if not sample.isascii():
        # Japanese mixes Kana with Han; check it before Chinese. Most samples hold no letter
        # of any of these scripts, which one search tells.
        if _OUTSIDE_COMMON_BLOCKS.search(sample) and _ANY_SCRIPT.search(sample):
            for language, script in _SCRIPT_LANGUAGE:
                if len(script.findall(sample)) > letters * 0.3:
                    return language
        cyrillic = _CYRILLIC.search(sample) is not None and (
            len(_CYRILLIC.findall(sample)) > letters * 0.5
        )
    table = _function_words()["cyrillic" if cyrillic else "latin"]
    if words is None:
        words = _WORD.findall(sample.lower())
    scores: Counter[str] = Counter({lang: 0 for lang in _languages(cyrillic)})
    for word in words:
        for language in table.get(word, ()):
            scores[language] += 1
    if cyrillic:
        if _UKRAINIAN_LETTERS.search(sample) and not _RUSSIAN_LETTERS.search(sample):
            scores["uk"] = scores.get("uk", 0) * 2 + 1
        elif _RUSSIAN_LETTERS.search(sample) and not _UKRAINIAN_LETTERS.search(sample):
            scores["ru"] = scores.get("ru", 0) * 2 + 1
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    total = len(words)
    # Function words make up a third or more of running text; a score far below that means
    # a list, a table or a language we do not know.
    if ranked[0] < max(MIN_HITS, total * 0.08) or (len(ranked) > 1 and ranked[0] < ranked[1] * 1.2):
        return None
    return best
