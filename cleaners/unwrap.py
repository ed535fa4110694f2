"""Hard-wrapped text: paragraphs that a text renderer (html2text, lynx, a mail client) cut into
lines of a fixed width, put back together.

    WeWork is reportedly being investigated by the New York State Attorney
    General. According to Reuters, the NYAG's questions include if WeWork
    founder and former CEO Adam Neumann engaged in self-dealing.

Every line of the input is a paragraph to the later stages, so a wrapped paragraph would reach
the rules and the page-chrome classifier as fragments of sentences. A line break is a wrap when
the next line's first word would not have fitted on the line: the renderer only breaks a line
that is full. Lines that end short (a heading, a list item, a paragraph's last line) keep their
break. Only a text whose lines show a fixed width is unwrapped.
"""

from __future__ import annotations

import itertools
import re

import regex

from cleaners.document import Repair

# Widths renderers wrap at (72 for mail, 76-80 for terminals and html2text, up to 100).
MIN_WIDTH = 60
MAX_WIDTH = 100
# A wrapped text fills its lines to within a few columns of the width: at least this many
# lines, and this share of the lines of MIN_WIDTH columns or more, are that full.
MIN_FULL_LINES = 5
MIN_FULL_SHARE = 0.5
# How far short of the width a full line ends, at most, in most lines.
FULL_SLACK = 10
# Lines longer than the width that a renderer would have wrapped: more than this share of the
# full lines, and the text was not wrapped at all (its paragraphs are long lines).
MAX_OVERLONG_SHARE = 0.25
# Lines a renderer leaves as they are: list items, table rows and headings (html2text does not
# wrap them), and a word too long to break (an address).
_UNWRAPPED = re.compile(r"[ ]*(?:[*+\-•]|\d+[.)]|\||#)[ ]|[ ]*\|")


def _left_as_is(line: str) -> bool:
    # (A line of Chinese or Japanese has no space either, and is wrapped.)
    return bool(_UNWRAPPED.match(line)) or (" " not in line.strip() and line.isascii())


_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}ー。、]"
)
# Characters two columns wide (East Asian Wide and Fullwidth, the common blocks): a plain
# character class, which the standard library's engine scans in C.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def _columns(line: str) -> int:
    """The width of a line on a terminal, which is what a renderer fills: Chinese, Japanese
    and Korean characters take two columns."""
    if line.isascii():
        return len(line)
    return len(line) + len(_WIDE.findall(line))


def wrap_width(text: str) -> int | None:
    """The width the text's lines were wrapped at, if they were: the width that the most
    lines fill to within FULL_SLACK columns."""
    return _width(text.split("\n"))


def _width(lines: list[str]) -> int | None:
    # Only the lines a renderer wraps tell its width, and only lines that may be full or long:
    # a line of fewer characters than this is neither, even in a script two columns wide.
    shortest = (MIN_WIDTH - FULL_SLACK) // 2
    lengths = [_columns(line) for line in lines if len(line) >= shortest and not _left_as_is(line)]
    counts = [0] * (MAX_WIDTH + 1)
    for n in lengths:
        if n <= MAX_WIDTH:
            counts[n] += 1
    # The lines within FULL_SLACK columns of each candidate width, as a sliding window.
    window = sum(counts[MIN_WIDTH - FULL_SLACK + 1 : MIN_WIDTH + 1])
    best, width = 0, 0
    for candidate in range(MIN_WIDTH, MAX_WIDTH + 1):
        if candidate > MIN_WIDTH:
            window += counts[candidate] - counts[candidate - FULL_SLACK]
        if window >= best and counts[candidate]:
            best, width = window, candidate
    if best < MIN_FULL_LINES:
        return None
    long_lines = sum(1 for n in lengths if n >= MIN_WIDTH)
    overlong = sum(1 for n in lengths if n > width)
    if best < MIN_FULL_SHARE * long_lines or overlong > MAX_OVERLONG_SHARE * best:
        return None
    return width


def _glue(before: str, after: str) -> str:
    """What goes between a wrapped line and the next: a space, except after a word broken at
    its hyphen ("self-" / "dealing") and between characters of a script written without
    spaces (Chinese, Japanese, Thai), where the renderer cut inside a word."""
    if before.endswith("-") and before[-2:-1].isalpha():
        return ""
    if _UNSPACED.match(before[-1:]) and _UNSPACED.match(after[:1]):
        return ""
    return " "


def unwrap(text: str) -> tuple[str, tuple[Repair, ...]]:
    """The text with its wrapped lines joined; a repair says how many breaks went."""
    # Wrapped lines are separated by a lone line break: a text whose breaks all come in pairs
    # (one blank line between paragraphs, as extractors write) has none.
    if text.count("\n") == 2 * text.count("\n\n"):
        return text, ()
    # Lines longer than any width in numbers: the usual case, one paragraph a line.
    lines = text.split("\n")
    long_paragraphs = sum(1 for line in lines if len(line) > MAX_WIDTH and not _left_as_is(line))
    if long_paragraphs > MAX_OVERLONG_SHARE * len(lines):
        return text, ()
    width = _width(lines)
    if width is None:
        return text, ()
    out = [lines[0]]
    joined = 0
    for previous, line in itertools.pairwise(lines):
        first_word = line.lstrip().split(" ", 1)[0]
        # (A list item, a table row or a heading starts a line of its own.)
        if (
            previous.strip()
            and first_word
            and _columns(previous) <= width < _columns(previous) + 1 + _columns(first_word)
            and not _UNWRAPPED.match(line)
        ):
            glue = _glue(previous.rstrip(), line.lstrip())
            out[-1] = f"{out[-1].rstrip()}{glue}{line.lstrip()}"
            joined += 1
        else:
            out.append(line)
    if not joined:
        return text, ()
    return "\n".join(out), (Repair("hard_wraps", joined),)
