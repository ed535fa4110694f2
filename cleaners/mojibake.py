"""Mojibake repair: ftfy underneath, a cheap gate in front, and the damage ftfy cannot see.

ftfy is the reference for undoing UTF-8 that was decoded with the wrong single-byte codec.
We keep it from touching typography (curly quotes, dashes, ligatures and full-width forms stay
as they are: that is the author's text, not damage), and we put two things around it:

- a gate: mojibake needs a "lead" character (what a UTF-8 lead byte becomes in a single-byte
  codec) followed by a "continuation" character. Text with no such pair cannot be mojibake and
  never reaches ftfy, which makes clean text nearly free;
- re-spacing: scrapers and translation tools treat mojibake characters such as `°` and `»` as
  punctuation and move spaces around them (`РєР ° РЅР ° Р »РІ` for `РєР°РЅР°Р» РІ`, which is
  `канал в`). Inside a run that is mostly mojibake we undo that spacing before decoding.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import ftfy
import regex

from cleaners.document import Repair

# The single-byte codecs whose misreading of UTF-8 we recognise. Each contributes the
# characters its lead bytes (0xC2-0xF4) and continuation bytes (0x80-0xBF) decode to.
_CODECS = ("cp1252", "latin-1", "cp1251", "cp1250", "iso-8859-2", "mac_roman", "cp437")

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _decoded_bytes(codec: str, first: int, last: int) -> set[str]:
    chars = set()
    for byte in range(first, last + 1):
        try:
            chars.add(bytes([byte]).decode(codec))
        except UnicodeDecodeError:
            continue
    return chars


def _char_class(chars: Iterable[str]) -> str:
    return "".join(regex.escape(c) for c in sorted(chars))


@functools.cache
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    ascii_chars = set(map(chr, range(128)))
    pairs = []
    for codec in _CODECS:
        leads = _decoded_bytes(codec, 0xC2, 0xF4) - ascii_chars
        continuations = _decoded_bytes(codec, 0x80, 0xBF) - ascii_chars
        if codec == "cp1251":
            # cp1251's leads and continuations are both full of Cyrillic letters, so a plain
            # pair test would fire on every Ukrainian word. Cyrillic in UTF-8 starts with
            # 0xD0/0xD1 ("Р", "С"); other leads count only before a non-letter.
            symbols = {c for c in continuations if not c.isalpha()}
            pairs.append(f"[РС][{_char_class(continuations)}]")
            pairs.append(f"[{_char_class(leads)}][{_char_class(symbols)}]")
        else:
            pairs.append(f"[{_char_class(leads)}][{_char_class(continuations)}]")
    cyr_cont = _char_class(_decoded_bytes("cp1251", 0x80, 0xBF))
    # `Ã ` and `Â `: a UTF-8 sequence whose 0xA0 byte became a plain space on the way;
    # `Р °`: cp1251 mojibake with a space inserted inside a character.
    extra = [f"[РС] [{cyr_cont}]", "[ÃÂ] ", "[\\x80-\\x9f]"]
    gate = regex.compile("|".join(pairs + extra))
    # cp1251-read UTF-8 is the case where inserted spaces occur in the wild: Cyrillic
    # letters are 0xD0/0xD1 lead bytes, which cp1251 reads as "Р" and "С".
    spaced_run = regex.compile(f"[РС] ?[{cyr_cont}](?: ?[РС] ?[{cyr_cont}]){{2,}}")
    # A space between a lead and its continuation is never part of the text: it was inserted.
    # Tools that tokenise punctuation put spaces on both sides of `°`-like symbols, and those
    # that normalise quote spacing glue `»` and `«` to the next word, moving a real space.
    respace = regex.compile(f"(?<=[РС]) ([{cyr_cont}])( (?=[РС]))?")
    return gate, spaced_run, respace


def may_be_mojibake(text: str) -> bool:
    """A cheap test that is True for every text ftfy could change as mojibake."""
    if text.isascii():
        return False
    return _patterns()[0].search(text) is not None


def _respace_match(match: regex.Match[str]) -> str:
    symbol = match.group(1)
    glued_to_next_letter = (
        match.group(2) is None
        and match.end() < len(match.string)
        and match.string[match.end()] in "РС"
    )
    if symbol in "»«" and glued_to_next_letter:
        return symbol + " "
    return symbol


def _unspace_cyrillic_mojibake(text: str) -> str:
    _, spaced_run, respace = _patterns()

    def fix_run(run: regex.Match[str]) -> str:
        segment = run.group(0)
        if " " not in segment:
            return segment
        candidate = respace.sub(_respace_match, segment)
        try:
            candidate.encode("cp1251").decode("utf-8")
        except UnicodeError:
            return segment
        return candidate

    return spaced_run.sub(fix_run, text)


def repair_mojibake(text: str) -> tuple[str, tuple[Repair, ...]]:
    """The text with mojibake undone, and what was repaired."""
    if not may_be_mojibake(text):
        return text, ()
    repairs: list[Repair] = []
    unspaced = _unspace_cyrillic_mojibake(text)
    fixed = ftfy.fix_text(unspaced, config=_FTFY_CONFIG)
    if fixed != text:
        if unspaced != text:
            repairs.append(Repair("mojibake_spacing", _changed_chars(text, unspaced)))
        if fixed == unspaced:
            # Re-spacing alone helps nothing unless decoding followed: keep the original.
            return text, ()
        repairs.append(Repair("mojibake", _changed_chars(unspaced, fixed), _example(fixed, text)))
        return fixed, tuple(repairs)
    return text, ()


def fix_encoding(text: str) -> str:
    """Undo mojibake in `text`; clean text comes back unchanged (the same object)."""
    return repair_mojibake(text)[0]


def _changed_chars(before: str, after: str) -> int:
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]
    ):
        suffix += 1
    return max(len(before), len(after)) - prefix - suffix


def _example(fixed: str, original: str) -> str:
    """A short window of the repaired text around its first change, for the record."""
    limit = min(len(fixed), len(original))
    start = 0
    while start < limit and fixed[start] == original[start]:
        start += 1
    return fixed[max(0, start - 20) : start + 40]
