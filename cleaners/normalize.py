"""Unicode and whitespace normalization that never changes what the text says.

NFC, invisible and control characters out, every kind of space to a plain space, one space
between words, one paragraph per line of the input and paragraphs separated by one blank line.
Typography (curly quotes, dashes, ellipses) is the author's and stays.
"""

from __future__ import annotations

import re
import unicodedata

from cleaners.document import Repair

# Terminal escape sequences (colour codes pasted from a console) and C0/C1 controls other than
# tab and newline. ZWJ and ZWNJ are not in the list: they are spelling in Persian, Indic
# scripts and emoji sequences.
# The standard library's engine: these are plain character classes, which it scans faster.
_TERMINAL_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff\u180e\u00ad]")
_ODD_SPACE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Patterns here start with a character class where they can: `re` then scans for their first
# character in C instead of trying the whole pattern at every position. This one is
# `\r\n|[\r\u2028\u2029\x0b\x0c\x85]` (the "\n" is taken only after "\r").
_LINE_BREAK = re.compile(r"[\r\u2028\u2029\x0b\x0c\x85](?:(?<=\r)\n)?")
# Runs of spaces, then spaces around line breaks with the runs of line breaks (to one blank
# line): a constant replacement each, which `re` makes without calling back into Python.
# `_BREAKS` is ` *\n[ \n]*`: a line break, or spaces that a line break follows.
_BREAKS = re.compile(r"[ \n](?:(?<=\n)| *\n)[ \n]*")
_SPACES = re.compile(r" {2,}")
# Characters that always mean work. A plain character class: `re` scans for it in C.
_NEEDS_WORK = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200b\u2028\u2029\u202f"
    r"\u205f\u2060\u3000\ufeff]"
)


def _has_work(text: str) -> bool:
    """Whether `normalize` could change the text: one of the characters it replaces, a run of
    spaces, a space beside a line break, whitespace at either end, or line breaks other than
    paragraphs' pairs. Substring tests and counts, each a C loop: on normalized text (every
    round after the first) a regex alternation tried at every position costs far more."""
    if (
        _NEEDS_WORK.search(text)
        or "  " in text
        or "\n\n\n" in text
        or " \n" in text
        or "\n " in text
        or text[:1].isspace()
        or text[-1:].isspace()
    ):
        return True
    # Runs of line breaks are then inside the text and of one or two; "\n\n" counts each run
    # of two once, so the counts differ exactly when there is a lone line break.
    return text.count("\n") != 2 * text.count("\n\n")


def normalize(text: str) -> tuple[str, tuple[Repair, ...]]:
    """Normalized text and the repairs worth reporting (controls and invisibles removed)."""
    repairs: list[Repair] = []
    if _has_work(text):
        text = _LINE_BREAK.sub("\n", text)
        if "\x1b" in text:
            text, escapes = _TERMINAL_ESCAPE.subn("", text)
            if escapes:
                repairs.append(Repair("terminal_escapes", escapes))
        text, invisible = _INVISIBLE.subn("", text)
        if invisible:
            repairs.append(Repair("invisible_characters", invisible))
        text = _ODD_SPACE.sub(" ", text)
        # Runs of spaces to one first: `_BREAKS` then looks past one space at most from each
        # position, where on a long run of spaces it would try ` *\n` at each of them (time
        # in the square of the run: 0.4 s for 46,000 spaces).
        if "  " in text:
            text = _SPACES.sub(" ", text)
        text = _BREAKS.sub("\n\n", text)
        text = text.strip()
    # Composition comes last: an invisible character (a soft hyphen) between a letter and its
    # combining accent keeps them apart until it is gone.
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        repairs.append(Repair("unicode_nfc", 1))
    return text, tuple(repairs)


def normalize_text(text: str) -> str:
    return normalize(text)[0]
