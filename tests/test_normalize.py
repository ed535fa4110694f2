"""Normalization: NFC, invisible characters out, one kind of space, one blank line between
paragraphs; what the text says and its typography never change."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.normalize import (
    _BREAKS,
    _LINE_BREAK,
    _SPACES,
    _has_work,
    normalize,
    normalize_text,
)


def test_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "café déjà")
    text, repairs = normalize(decomposed)
    assert text == "café déjà"
    assert [r.kind for r in repairs] == ["unicode_nfc"]


def test_controls_zero_width_and_soft_hyphens_go() -> None:
    text, repairs = normalize("in\u00adter\u200bna\ufefftio\x07nal\u2060ly")
    assert text == "internationally"
    assert ("invisible_characters", 5) in [(r.kind, r.count) for r in repairs]


def test_joiners_that_spell_words_stay() -> None:
    persian = "می\u200cخواهم"
    family = "👨\u200d👩\u200d👧"
    assert normalize_text(f"{persian} {family}") == f"{persian} {family}"


def test_every_odd_space_becomes_one_plain_space() -> None:
    assert normalize_text("a\u00a0b\u2009c\u202fd\u3000e\tf   g") == "a b c d e f g"


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    raw = "  First line.  \r\nSecond line.\n\n\n\nThird\u2029Fourth\n \n"
    assert normalize_text(raw) == "First line.\n\nSecond line.\n\nThird\n\nFourth"


def test_terminal_escapes_go_whole() -> None:
    assert normalize_text("\x1b[31mRed\x1b[0m alert") == "Red alert"


def test_typography_stays() -> None:
    text = "“Quoted” — dashes – and an ellipsis… ‘single’ «guillemets»"
    assert normalize(text) == (text, ())


def test_clean_text_needs_no_work() -> None:
    text = "One paragraph.\n\nAnother paragraph."
    assert normalize(text) == (text, ())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normalized_text_is_stable_and_has_no_invisibles(raw: str) -> None:
    text = normalize_text(raw)
    assert normalize_text(text) == text
    assert "\n\n\n" not in text and "  " not in text
    assert text == text.strip()
    assert not any(c in text for c in "\u00ad\u200b\ufeff\u00a0\t\r")
    assert unicodedata.is_normalized("NFC", text)


# What the fast paths stand for: the alternation the work test was, and the one-pass spacing.
_WORK_AS_REGEX = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200b\u2028\u2029\u202f"
    r"\u205f\u2060\u3000\ufeff]| {2,}|\n{3,}|^\s|\s$|[ ]\n|\n[ ]|[^\n]\n[^\n]"
)
_SPACING_AS_REGEX = re.compile(r" *\n[ \n]*| {2,}")
_LINE_BREAK_AS_REGEX = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_PIECES = ["a", "b", " ", "  ", "\n", "\n\n", "\n\n\n", "\t", "\u00a0", "\r", "\u2028", "\x85"]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_PIECES), max_size=10).map("".join))
def test_work_test_and_spacing_agree_with_their_regexes(text: str) -> None:
    assert _has_work(text) == bool(_WORK_AS_REGEX.search(text))
    one_pass = _SPACING_AS_REGEX.sub(lambda m: "\n\n" if "\n" in m.group(0) else " ", text)
    assert _SPACES.sub(" ", _BREAKS.sub("\n\n", text)) == one_pass
    assert _LINE_BREAK.sub("\n", text) == _LINE_BREAK_AS_REGEX.sub("\n", text)


def test_long_runs_of_spaces_become_one_space_or_a_paragraph_break() -> None:
    # (Runs of spaces go first, so that finding breaks does not look along each run again.)
    assert normalize_text("a" + " " * 50_000 + "b") == "a b"
    assert normalize_text("a" + " " * 50_000 + "\n" + " " * 50_000 + "b") == "a\n\nb"
    assert normalize_text(" " * 50_000) == ""
