"""Mojibake repair: ftfy underneath, a cheap gate in front, and the damage ftfy cannot see.

Mojibake is UTF-8 read with a single-byte codec: every character of the text became a "lead"
character (what a UTF-8 lead byte is in that codec) followed by one to three "continuation"
characters. ftfy is the reference for undoing it; we keep it from touching typography (curly
quotes, dashes, ligatures and full-width forms stay: that is the author's text, not damage) and
put around it:

- a gate: text with no lead followed by a continuation cannot be mojibake and never reaches the
  slow path, which makes clean text nearly free;
- a decoder of our own for what ftfy leaves. It reads the text as runs of UTF-8 sequences in each
  codec and decodes a run when the run itself is convincing (ftfy's own badness test, three
  sequences or more, or a symbol or a foreign letter inside a word that decodes to a letter of
  the word's own script), or, for a run that would be ambiguous on its own, when the same
  document already showed convincing mojibake in the same codec. That covers mojibake whose
  0xA0 bytes became plain spaces (`attention Г bien`), mojibake inside a line that is otherwise
  clean, and layers of it;
- re-spacing: scrapers and translation tools treat mojibake characters such as `°` and `»` as
  punctuation and move spaces around them (`РєР ° РЅР ° Р »РІ` for `РєР°РЅР°Р» РІ`, which is
  `канал в`). A space between a lead and its continuation is never text, so the decoder reads
  through it;
- the single-byte mix-up ftfy cannot choose: C1 controls are cp1252 to ftfy, but text written in
  MacRoman and read as latin-1 has them too. The document's words decide.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ftfy
import ftfy.bad_codecs
from ftfy.badness import BADNESS_RE

from cleaners.alignment import unchanged_spans
from cleaners.document import Repair
from cleaners.language import detect_language, function_words, function_words_of_script
from cleaners.respacing import (
    MARK_JOIN,
    MARK_LONE,
    MARK_SPACE,
    MARKS,
    build_model,
    choose_languages,
    lexicon,
    resolve_with_cost,
)

# The codecs whose misreading of UTF-8 we undo, in the order ftfy tries them. latin-1 comes
# first because its C1 controls are the continuation bytes that cp1252 leaves undefined.
_CODECS = (
    "latin-1",
    "sloppy-windows-1252",
    "sloppy-windows-1251",
    "sloppy-windows-1250",
    "sloppy-windows-1253",
    "sloppy-windows-1254",
    "sloppy-windows-1257",
    "iso-8859-2",
    "macroman",
    "cp437",
)

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

# Ukrainian and Belarusian letters that follow В, Г, Р and С in clean text (`Він`, `Рік`,
# `Січ`); as cp1251 mojibake these pairs are never the only evidence in a document.
_CYRILLIC_CLEAN_AFTER_LEAD = "іїІЇ"
# cp1251 continuations that follow a Cyrillic letter in clean text: letters of the alphabets
# that use cp1251 and everyday punctuation. The others after any letter mean mojibake.
_CYRILLIC_PLAIN_CONTINUATIONS = "іїєґёўІЇЄЁЎ«»–—…’‘“”„№·\xa0\xad"
# Characters that never sit inside a word of running text: where one does, and decoding turns
# the word into letters of one script, the word was mojibake.
_FOREIGN_SYMBOLS = "¦¤¨¬¯¸ƒˆˇ˘˛˜†‡‰⌐◊\ufffdªº√∂∆∏∑∫≈≠≤≥∞±µπΩ÷"
# C0 controls other than tab, line breaks and escape (the terminal-escape remover in
# normalization needs to see escape); lossy decoders write \x1a (SUBSTITUTE) for what they lost.
_C0_CONTROLS = "\x00-\x08\x0e-\x1a\x1c-\x1f\x7f"
_C0_CONTROL_RE = re.compile(f"[{_C0_CONTROLS}]")
_ENTITY = r"&(?:[A-Za-z][A-Za-z0-9]{1,30}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
_QUOTES_GLUED_TO_WORDS = "«»"
# Symbols a tool may treat as quotes and glue to the next word, moving the space after them.
_QUOTE_LIKE = "«»‹›“”„‘’‚"
_MARK_SPACE_BYTES = MARK_SPACE.encode()
_MARK_JOIN_BYTES = MARK_JOIN.encode()
_MARK_LONE_BYTES = MARK_LONE.encode()
_MARK_SPLIT = re.compile(f"([{MARKS}])")
_MARK_RE_ANY = re.compile(f"[{MARKS}]")
_WORD_RE = re.compile(r"[^\W\d_]+")
# What may stand right before a word: a continuation character there is no sign of a garble.
_OPENING_PUNCTUATION = "«“‘„‚¡¿—–\xa0"
# In-word apostrophes and dashes: what a C1 control read as cp1252 plausibly is between letters.
_CP1252_IN_WORD = "’‘–—"
_MAX_LAYERS = 3
# Lead bytes after which ftfy looks for a 0xA0 that became a space (chardata.ALTERED_UTF8_RE).
_NBSP_LEADS_2 = frozenset(b"\xc2\xc3\xc5\xce\xd0\xd9")
_NBSP_LEADS_3 = frozenset(b"\xe0\xe1\xe2\xe3")


@dataclass(frozen=True, slots=True)
class _Codec:
    name: str
    byte_of: dict[str, int]
    # How many continuation bytes each lead character needs.
    needs: dict[str, int]
    continuations: frozenset[str]
    # Byte 0xA0 is a no-break space in this codec, which scrapers turn into a plain space.
    nbsp_lost: bool
    candidates: re.Pattern[str]
    # A lead and a continuation next to each other or one space apart: without one, this
    # codec has nothing to read in a line.
    pair: re.Pattern[str]
    spaced_pair: re.Pattern[str]


@dataclass(slots=True)
class _Run:
    """Consecutive UTF-8 sequences as one codec's characters, and what they were read as."""

    start: int
    end: int
    data: bytearray = field(default_factory=bytearray)
    # The run's characters with inserted spaces taken out and lost 0xA0 bytes put back.
    compact: list[str] = field(default_factory=list)
    sequences: int = 0
    respaced: bool = False
    nbsp_restored: bool = False
    ends_with_restored_nbsp: bool = False
    # The last sequence ends in a symbol the tool spaced before (`Ñ …`): a space inside it.
    last_spaced_before: bool = False
    # A space inside one of its sequences, which no text has.
    spaced_inside: bool = False


def _decoded_bytes(codec: str, first: int, last: int) -> dict[str, int]:
    chars = {}
    for byte in range(first, last + 1):
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            continue
        if not char.isascii():
            chars[char] = byte
    return chars


def _char_class(chars: Iterable[str]) -> str:
    return "".join(re.escape(c) for c in sorted(set(chars)))


@functools.cache
def _codecs() -> tuple[_Codec, ...]:
    codecs = []
    for name in _CODECS:
        byte_of = _decoded_bytes(name, 0x80, 0xFF)
        needs = {c: 1 for c, b in byte_of.items() if 0xC2 <= b <= 0xDF}
        needs |= {c: 2 for c, b in byte_of.items() if 0xE0 <= b <= 0xEF}
        needs |= {c: 3 for c, b in byte_of.items() if 0xF0 <= b <= 0xF4}
        continuations = frozenset(c for c, b in byte_of.items() if 0x80 <= b <= 0xBF)
        nbsp_lost = byte_of.get("\xa0") == 0xA0
        leads = _char_class(needs)
        body = _char_class(set(needs) | continuations) + (" " if nbsp_lost else "")
        # A space may also be inserted before a continuation: allowed in every codec.
        candidates = re.compile(f"[{leads}](?:[{body}]| (?=[{body}]))*")
        conts = _char_class(continuations)
        pair = re.compile(f"[{leads}] ?[{conts}]|[{leads}] ")
        spaced_pair = re.compile(f"[{leads}][{conts}]{{0,2}} [{conts}]")
        codecs.append(
            _Codec(name, byte_of, needs, continuations, nbsp_lost, candidates, pair, spaced_pair)
        )
    return tuple(codecs)


@dataclass(frozen=True, slots=True)
class _Gate:
    """The shapes a UTF-8 sequence takes in any codec: a lead and its continuations, with a
    space inserted before a continuation or standing for a lost 0xA0 byte. `coarse` is every
    codec's leads before every codec's continuations in one pattern, which `re` runs through
    clean text fast; where it matches, `rest` tells what must follow that lead in its codecs."""

    coarse: re.Pattern[str]
    rest: dict[str, re.Pattern[str] | None]

    def search(self, text: str) -> bool:
        at = 0
        while match := self.coarse.search(text, at):
            at = match.start()
            follows = self.rest[text[at]]
            if follows is None or follows.match(text, at + 1):
                return True
            at += 1
        return False


@functools.cache
def _gate() -> _Gate:
    controls = {chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0))}
    controls |= {chr(c) for c in range(0xD800, 0xE000)}
    controls.discard("\x1b")
    rests: dict[str, set[str]] = {char: {""} for char in controls}
    for codec in _codecs():
        for chars, rest in _codec_gate(codec):
            for char in chars:
                rests.setdefault(char, set()).add(rest)
    compiled: dict[frozenset[str], re.Pattern[str] | None] = {}
    rest_of: dict[str, re.Pattern[str] | None] = {}
    for char, options in rests.items():
        key = frozenset(options)
        if key not in compiled:
            compiled[key] = None if "" in key else re.compile("|".join(sorted(key)))
        rest_of[char] = compiled[key]
    leads_of: set[str] = set().union(*(codec.needs for codec in _codecs()))
    leads = _char_class(leads_of)
    continuations = _char_class(
        set().union(*(codec.continuations for codec in _codecs())) | {"\ufffd"}
    )
    nbsp_leads_of = {c for codec in _codecs() if codec.nbsp_lost for c in _nbsp_leads(codec)}
    nbsp_leads = _char_class(nbsp_leads_of)
    # One character class first, then what must follow it looked up behind: a pattern that
    # starts with a class is scanned for in C, where an alternation of three is tried at every
    # position. It matches where `[controls]|[leads](?: ?[continuations]|&)|[nbsp_leads] `
    # does.
    firsts = _char_class(controls | set(leads_of) | set(nbsp_leads_of))
    coarse = re.compile(
        f"[{firsts}](?:(?<=[{_char_class(controls)}])|(?<=[{leads}])(?: ?[{continuations}]|&)"
        f"|(?<=[{nbsp_leads}]) )"
    )
    return _Gate(coarse, rest_of)


def _nbsp_leads(codec: _Codec) -> set[str]:
    leads = _NBSP_LEADS_2 | _NBSP_LEADS_3
    return {c for c, b in codec.byte_of.items() if b in leads}


def _codec_gate(codec: _Codec) -> list[tuple[set[str], str]]:
    """(characters a shape starts with, what follows them) for each shape in this codec."""
    if codec.name == "sloppy-windows-1251":
        usual = _char_class(codec.continuations - set(_CYRILLIC_CLEAN_AFTER_LEAD))
        unusual = _char_class(codec.continuations - set(_CYRILLIC_PLAIN_CONTINUATIONS))
        # Cyrillic, Latin-1 and punctuation in UTF-8 start with 0xD0/0xD1, 0xC2/0xC3 and
        # 0xE2: "Р", "С", "В", "Г" and "в" in cp1251. Other leads are Cyrillic letters too, so
        # they count only before a continuation that never follows a letter.
        return [
            ({"Р", "С"}, f" ?[{usual}]"),
            (set("ВГв"), f"[{usual}]"),
            (set(codec.needs), f"[{unusual}]"),
        ]
    by_need: list[set[str]] = [set(), set(), set()]
    for char, need in codec.needs.items():
        by_need[need - 1].add(char)
    lead2, lead3, lead4 = by_need
    k = _char_class(codec.continuations | {"\ufffd"})
    # MacRoman reads quotes and dashes as leads: before a letter they are typography (`l’été`).
    typography = {c for c in lead2 if unicodedata.category(c)[0] in "PZ"}
    symbols = _char_class(c for c in codec.continuations if not c.isalpha())
    shapes = [
        (lead2 - typography, f" ?[{k}]"),
        (lead3, f" ?[{k}] ?[{k}]"),
        (lead4, f" ?[{k}] ?[{k}] ?[{k}]"),
        (lead2 | lead3 | lead4, _ENTITY),
    ]
    if typography:
        shapes.append((typography, f" ?[{symbols}]"))
    if codec.nbsp_lost:
        # A lost 0xA0 after the leads where ftfy looks for one (`Ã le`, `â € `).
        nbsp2 = {c for c, b in codec.byte_of.items() if b in _NBSP_LEADS_2}
        nbsp3 = {c for c, b in codec.byte_of.items() if b in _NBSP_LEADS_3}
        shapes += [(nbsp2, " "), (nbsp3, f"(?: [{k}]|[{k}] )")]
    return [(chars, rest) for chars, rest in shapes if chars]


def may_be_mojibake(text: str) -> bool:
    """A cheap test that is True for every text the repair could change: no lead character of a
    codec followed by one of its continuation characters means there is nothing to decode."""
    if text.isascii():
        return _C0_CONTROL_RE.search(text) is not None
    return _gate().search(text)


# --- reading runs of UTF-8 sequences ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sequence:
    data: bytes
    compact: str
    end: int
    respaced: bool
    nbsp: bool


def _runs(text: str, codec: _Codec, mark: bool = False) -> list[_Run]:
    """The runs of the text in this codec; with `mark`, the places where a tool's spacing
    leaves a doubt are marked in the runs' data (see cleaners/respacing.py)."""
    runs: list[_Run] = []
    for candidate in codec.candidates.finditer(text):
        runs.extend(_parse_runs(text, candidate.start(), candidate.end(), codec, mark))
    return runs


def _spaceable(char: str) -> bool:
    """What a tool spaces as punctuation: symbols, punctuation and figures such as `¼`."""
    return char != "\xa0" and unicodedata.category(char)[0] in "PSN"


def _read_sequence(text: str, at: int, stop: int, codec: _Codec) -> _Sequence | None:
    """The UTF-8 sequence whose lead is at `at`. A space in a continuation's place is either a
    lost 0xA0 byte or a space inserted before the continuation; the first reading that leaves
    no stray continuation behind wins."""
    need = codec.needs[text[at]]
    conts = codec.continuations
    found: list[_Sequence] = []

    def extend(j: int, data: bytes, compact: str, respaced: bool, nbsp: bool) -> None:
        if len(compact) == need + 1:
            if _is_utf8(data):
                found.append(_Sequence(data, compact, j, respaced, nbsp))
            return
        if j < stop and text[j] in conts:
            extend(j + 1, data + bytes([codec.byte_of[text[j]]]), compact + text[j], respaced, nbsp)
        if j < stop and text[j] == " ":
            if codec.nbsp_lost:
                extend(j + 1, data + b"\xa0", compact + "\xa0", respaced, True)
            if j + 1 < stop and text[j + 1] in conts:
                byte = bytes([codec.byte_of[text[j + 1]]])
                extend(j + 2, data + byte, compact + text[j + 1], True, nbsp)

    extend(at + 1, bytes([codec.byte_of[text[at]]]), text[at], False, False)
    # `Ñ ‡`: a space before a symbol this codec does not have was put there, not an 0xA0.
    found = [
        s for s in found if not (s.nbsp and s.end < len(text) and _foreign_symbol(text[s.end]))
    ]

    def stray_after(end: int) -> bool:
        # A continuation cannot start anything: right after the sequence, or after a space
        # (`â € ™`: the space before `™` was inserted, it is not the 0xA0 of `â\xa0€`).
        if end >= stop:
            return False
        return text[end] in conts or (
            text[end] == " " and end + 1 < stop and text[end + 1] in conts
        )

    for sequence in found:
        if not stray_after(sequence.end):
            return sequence
    for sequence in found:
        if sequence.end >= stop or text[sequence.end] not in conts:
            return sequence
    return found[0] if found else None


def _parse_runs(text: str, start: int, stop: int, codec: _Codec, mark: bool) -> list[_Run]:
    runs: list[_Run] = []
    run: _Run | None = None
    i = start
    while i < stop:
        sequence = _read_sequence(text, i, stop, codec) if text[i] in codec.needs else None
        if sequence is None:
            i += 1
            continue
        if run is not None and not _joins(text, run.end, i):
            runs.append(_end_run(text, run, codec, mark))
            run = None
        if run is None:
            run = _Run(i, i)
        elif run.end != i:
            if mark and _spaceable(run.compact[-1]):
                run.data.extend(_MARK_SPACE_BYTES if run.last_spaced_before else _MARK_LONE_BYTES)
                run.respaced = True
            else:
                run.data.append(0x20)
            run.compact.append(" ")
        run.data.extend(sequence.data)
        run.compact.extend(sequence.compact)
        run.sequences += 1
        run.respaced |= sequence.respaced
        run.spaced_inside |= sequence.respaced
        run.nbsp_restored |= sequence.nbsp
        run.ends_with_restored_nbsp = sequence.compact[-1] == "\xa0"
        run.last_spaced_before = text[sequence.end - 2] == " " and sequence.compact[-2] != "\xa0"
        run.end = i = sequence.end
        if sequence.respaced and not sequence.compact[-1].isalpha():
            i = _after_spaced_symbol(text, i, stop, run, codec, mark)
    if run is not None:
        runs.append(_end_run(text, run, codec, mark))
    return runs


def _after_spaced_symbol(text: str, j: int, stop: int, run: _Run, codec: _Codec, mark: bool) -> int:
    """Tools that space punctuation put a space on both sides of a symbol such as `°`; those
    that attach quotes to words move the real space from after `»` to before it. Marking,
    both are doubts for the document's words to settle."""
    symbol = run.compact[-1]
    if j + 1 < stop and text[j] == " " and text[j + 1] in codec.needs:
        if mark:
            run.data.extend(_MARK_SPACE_BYTES if run.last_spaced_before else _MARK_LONE_BYTES)
        run.end = j + 1
        return j + 1
    if j < stop and text[j] in codec.needs:
        if mark and run.last_spaced_before and _spaceable(symbol):
            run.data.extend(_MARK_JOIN_BYTES)
        elif symbol in _QUOTES_GLUED_TO_WORDS:
            run.data.append(0x20)
            run.compact.append(" ")
    return j


def _end_run(text: str, run: _Run, codec: _Codec, mark: bool) -> _Run:
    """A run that ends in a symbol the tool may have spaced, before a word that is not
    mojibake (`Hawleyâ€™ s`), takes the doubtful space (or the missing one) with it."""
    if not mark or not _spaceable(run.compact[-1]):
        return run
    end = run.end
    if end + 1 < len(text) and text[end] == " " and _plain_start(text[end + 1], codec):
        run.data.extend(_MARK_SPACE_BYTES if run.last_spaced_before else _MARK_LONE_BYTES)
        run.end = end + 1
        run.respaced = True
    elif run.last_spaced_before and end < len(text) and _plain_start(text[end], codec):
        run.data.extend(_MARK_JOIN_BYTES)
    return run


def _foreign_symbol(char: str) -> bool:
    return not char.isascii() and _spaceable(char)


def _plain_start(char: str, codec: _Codec) -> bool:
    return not char.isspace() and char not in codec.needs and char not in codec.continuations


def _joins(text: str, end: int, start: int) -> bool:
    return start == end or (start == end + 1 and text[end] == " ")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- judging a run ---------------------------------------------------------------------------


def _script(char: str) -> str:
    """The first word of the character's name: LATIN, CYRILLIC, ARABIC-INDIC, COMBINING..."""
    if char.isascii():
        return "LATIN"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def _has_script(char: str) -> bool:
    """Letters, marks and digits belong to a script; generic combining marks go with any."""
    if char.isascii():
        return char.isalpha()
    if not (char.isalnum() or unicodedata.category(char).startswith("M")):
        return False
    # Modifier letters (`ʼ`, `ˈ`) and figures such as `²` go with any script, as generic
    # combining marks do.
    if unicodedata.category(char) == "No":
        return False
    return _script(char) not in ("COMBINING", "MODIFIER")


def _word_letters(text: str, start: int, end: int) -> tuple[str, str]:
    before = text[start - 1] if start > 0 and text[start - 1].isalpha() else ""
    after = text[end] if end < len(text) and text[end].isalpha() else ""
    return before, after


def _plausible(decoded: str, text: str, start: int, end: int) -> bool:
    """The decoded characters are text, and they fit the letters they stand between."""
    for char in decoded:
        if unicodedata.category(char) in {"Cc", "Cn", "Co", "Cs"} and char not in "\t\n":
            return False
    scripted = [c for c in decoded if _has_script(c)]
    if not scripted:
        return True
    before, after = _word_letters(text, start, end)
    first, last = scripted[0], scripted[-1]
    if before:
        if _script(before) != _script(first):
            return False
        if first.islower() and before.isupper():
            # Title case is fine (`Hôtel`); a lower-case letter inside a capitalised word is not.
            earlier = text[start - 2] if start > 1 else ""
            if earlier.isupper():
                return False
        if first.isupper() and before.islower():
            return False
    if after:
        if _script(after) != _script(last):
            return False
        if last.islower() and after.isupper():
            return False
    return True


def _badness(text: str) -> int:
    return len(BADNESS_RE.findall(text))


def _convincing(run: _Run, decoded: str, text: str) -> bool:
    """A run that is mojibake on its own, without help from the rest of the document."""
    compact = "".join(run.compact)
    if _badness(compact) > _badness(decoded):
        return True
    if run.sequences >= 3 and all(c.isalpha() or c.isspace() for c in decoded):
        return True
    return _foreign_in_word(compact, decoded, text, run.start, run.end)


def _foreign_in_word(compact: str, decoded: str, text: str, start: int, end: int) -> bool:
    """A symbol or a letter of another script inside a word, where decoding leaves only letters
    of the word's own script (`pi√π`, `mГ©dicament`), or box drawing glued to a word."""
    before, after = _word_letters(text, start, end)
    neighbour = before or after
    if not neighbour or " " in compact or "\xa0" in compact:
        return False
    script = _script(neighbour)
    foreign = any(
        c in _FOREIGN_SYMBOLS
        or unicodedata.category(c) == "Sm"
        or _is_box(c)
        or (c.isalpha() and _script(c) != script)
        for c in compact
    )
    if not foreign:
        return False
    if all(_is_box(c) for c in compact):
        # Line art is box drawing next to letters too: believe only one group in a word.
        word_start = text.rfind(" ", 0, start) + 1
        word_end = text.find(" ", end)
        word = text[word_start : word_end if word_end >= 0 else len(text)]
        if sum(1 for c in word if _is_box(c)) > len(compact):
            return False
        # `┬┐que`: the punctuation that opens the word.
        if len(decoded) == 1 and not before and unicodedata.category(decoded)[0] == "P":
            return True
    if all(c.isalpha() or unicodedata.category(c).startswith("M") for c in decoded):
        return all(_script(c) == script for c in decoded if c.isalpha())
    return False


def _is_box(char: str) -> bool:
    return "\u2500" <= char <= "\u259f"


def _inside_garble(run: _Run, decoded: str, text: str, codec: _Codec) -> bool:
    """A run glued to more mojibake characters that do not decode is a piece of a garble:
    decoding it alone makes the garble worse, not better."""
    if run.start == 0:
        return False
    before = text[run.start - 1]
    if before in codec.continuations and before not in _OPENING_PUNCTUATION:
        return True
    # Decoded, the run must leave its neighbours looking like text.
    after = text[run.end] if run.end < len(text) else " "
    return _badness(before + decoded + after) > 0


def _before_word(text: str, run: _Run) -> bool:
    return run.end < len(text) and text[run.end] != " "


def _believable_given_evidence(
    run: _Run, decoded: str, text: str, spaced_inside: bool = False
) -> bool:
    """An ambiguous run, in a document that has shown the same codec's mojibake convincingly:
    decoded where it turns into letters or digits, except for an accented capital followed by
    trailing punctuation (`VOCÊ…`, `NICIODATĂ™`), which is how clean text looks too."""
    if not all(c.isalnum() or unicodedata.category(c).startswith("M") for c in decoded):
        return False
    data = bytes(run.data)
    for at in range(1, len(data)):
        # Only after these leads is an 0xA0 common (NBSP, à, Š, Π, Р, ٠): `SELKÄ EDELLÄ` is
        # Finnish, not two Ġ.
        lead = data[at - 1]
        if data[at] == 0xA0 and 0xC2 <= lead <= 0xDF and lead not in _NBSP_LEADS_2:
            return False
    last = run.compact[-1]
    trailing = unicodedata.category(last)[0] in "PS"
    # A space inside the sequence (`С ‡.`) is a tool's: no capital with punctuation is spaced so.
    return spaced_inside or not (
        run.sequences == 1 and trailing and not _word_letters(text, run.start, run.end)[1]
    )


# --- the passes ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Account:
    """What the passes changed, and which codecs the document has shown convincing mojibake
    in."""

    evidence: set[str] = field(default_factory=set)
    # Codecs whose convincing mojibake the document shows with a tool's spaces inside.
    spaced: set[str] = field(default_factory=set)
    decoded: int = 0
    respaced: int = 0


def _decode_pass(
    text: str,
    account: _Account,
    mode: str,
    untouched: list[tuple[int, int]] | None = None,
    mark: bool = False,
) -> str:
    """One reading of a line in every codec. `mode` is "survey" (only gather evidence),
    "respaced" (convincing runs that had spaces inserted), "convincing", or "ambiguous" (runs
    that are not convincing, in codecs the document has shown evidence for, inside the
    `untouched` spans: never on what a repair produced)."""
    codecs = _codecs()
    if mark:
        # The codecs the document shows spaced mojibake in, the one that reads more of the
        # line first: latin-1 reads cp1252's mojibake up to its first `Œ` or `€`, and cp1252
        # latin-1's up to its first C1 control.
        def coverage(codec: _Codec) -> int:
            if codec.name not in account.spaced:
                return -1
            return sum(run.end - run.start for run in _runs(text, codec))

        codecs = tuple(sorted(codecs, key=coverage, reverse=True))
    for codec in codecs:
        if (
            mode == "survey"
            and codec.name in account.evidence
            and (codec.name in account.spaced or not codec.spaced_pair.search(text))
        ):
            continue
        marking = mark and codec.name in account.spaced
        # Marking, a run is in doubt wherever a space follows a symbol, inside it or not.
        spaced = mode == "respaced" and not marking
        if not (codec.spaced_pair if spaced else codec.pair).search(text):
            continue
        pieces: list[str] = []
        last = 0
        for run in _runs(text, codec, marking):
            if mode == "respaced" and not run.respaced:
                continue
            if untouched is not None and not any(
                a <= run.start and run.end <= b for a, b in untouched
            ):
                continue
            marked = bytes(run.data).decode("utf-8")
            decoded = (
                marked.replace(MARK_SPACE, " ").replace(MARK_LONE, " ").replace(MARK_JOIN, "")
                if marking
                else marked
            )
            if _inside_garble(run, decoded, text, codec):
                continue
            if not _plausible(decoded, text, run.start, run.end):
                continue
            convincing = _convincing(run, decoded, text)
            if mode == "respaced" and marking and run.respaced and not convincing:
                # The document shows this codec's mojibake spaced: a spaced run that decodes
                # to letters fitting the word is more of it.
                convincing = _believable_given_evidence(
                    run, decoded.replace(" ", ""), text, run.spaced_inside
                )
            if convincing:
                account.evidence.add(codec.name)
                if run.respaced:
                    account.spaced.add(codec.name)
            if mode == "survey" or (mode == "ambiguous") == convincing:
                continue
            if mode == "ambiguous" and (
                codec.name not in account.evidence
                or not _believable_given_evidence(run, decoded, text)
            ):
                continue
            if decoded.endswith("à") and run.ends_with_restored_nbsp and _before_word(text, run):
                # `Ã le`: "à" is the one letter that is a word on its own (French, Portuguese),
                # and its 0xA0 and the space after it became one space: keep a space.
                decoded += " "
                marked += " "
            pieces.append(text[last : run.start])
            pieces.append(marked if marking else decoded)
            last = run.end
            account.decoded += 1
            account.respaced += run.respaced
        if pieces:
            pieces.append(text[last:])
            text = "".join(pieces)
            if untouched is not None:
                # Offsets moved: the caller finds the untouched spans again for the next codec.
                return text
    return text


def _ftfy(line: str) -> str:
    fixed: str = ftfy.fix_text(line, config=_FTFY_CONFIG)
    return fixed


def _repair_line(line: str, account: _Account, original: str | None = None) -> str:
    """`original` is the line before spaced mojibake was taken out of it, if it was."""
    original = line if original is None else original
    line = _decode_pass(line, account, "respaced")
    for _ in range(_MAX_LAYERS):
        layer_start = line
        line = _ftfy(line)
        line = _decode_pass(line, account, "convincing")
        if line == layer_start or not may_be_mojibake(line):
            break
    if account.evidence:
        for _ in range(_MAX_LAYERS):
            probe = _Account(set(account.evidence))
            if _decode_pass(line, probe, "ambiguous") == line:
                break  # nothing ambiguous anywhere: no need to find what is untouched
            spans = [(0, len(line))] if line == original else unchanged_spans(original, line)
            repaired = _decode_pass(line, account, "ambiguous", spans)
            if repaired == line:
                break
            line = repaired
    return line


@functools.cache
def _entity_pattern() -> re.Pattern[str]:
    leads = set().union(*(codec.needs for codec in _codecs())) - {"\xa0"}
    return re.compile(f"(?<=[{_char_class(leads)}])(?:{_ENTITY})+")


def _unescape_entities_in_mojibake(text: str) -> str:
    """`Î&frac14;`: a scraper escaped the continuation of a UTF-8 sequence as an entity."""
    if "&" not in text:
        return text

    def unescape(match: re.Match[str]) -> str:
        chars = html.unescape(match.group(0))
        if len(chars) * 3 > len(match.group(0)) or any(c.isascii() for c in chars):
            return match.group(0)
        candidate = text[match.start() - 1] + chars
        probe = _Account()
        _decode_pass(candidate, probe, "survey")
        return chars if probe.evidence else match.group(0)

    return _entity_pattern().sub(unescape, text)


def _c1_as_macroman(text: str) -> str:
    """C1 controls between letters are cp1252 to ftfy. Text written in MacRoman and read as
    latin-1 has them too; where the document's words read better in MacRoman, use that."""
    candidates = []
    for match in re.finditer("[\x80-\x9f]", text):
        at = match.start()
        before = text[at - 1] if at > 0 else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        # Next to latin-1 letters and symbols, a C1 control belongs to UTF-8 mojibake.
        if not ("\x80" <= before <= "\xff" or "\x80" <= after <= "\xff"):
            candidates.append((at, before, after))
    if not candidates:
        return text
    in_sequences = {
        at for codec in _codecs() for run in _runs(text, codec) for at in range(run.start, run.end)
    }
    votes = 0
    spots = []
    for at, before, after in candidates:
        neighbour = before if before.isalpha() else after
        if at in in_sequences or not neighbour.isalpha():
            continue
        mac = bytes([ord(text[at])]).decode("mac_roman")
        windows = bytes([ord(text[at])]).decode("sloppy-windows-1252")
        mac_fits = mac.isalpha() and _script(mac) == _script(neighbour)
        if before.isalpha() and after.isalpha():
            windows_fits = windows.isalpha() or windows in _CP1252_IN_WORD
        else:
            windows_fits = windows.isalpha() or unicodedata.category(windows).startswith("P")
        votes += int(mac_fits and not windows_fits) - int(windows_fits and not mac_fits)
        if mac_fits:
            spots.append(at)
    if votes <= 0:
        return text
    chars = list(text)
    for at in spots:
        chars[at] = bytes([ord(chars[at])]).decode("mac_roman")
    return "".join(chars)


def repair_mojibake(text: str) -> tuple[str, tuple[Repair, ...]]:
    """The text with mojibake undone, and what was repaired."""
    if not may_be_mojibake(text):
        return text, ()
    repairs: list[Repair] = []
    controls = _C0_CONTROL_RE.findall(text)
    current = _C0_CONTROL_RE.sub("", text) if controls else text
    if controls:
        repairs.append(Repair("control_characters", len(controls)))
    before_decoding = current
    current = _c1_as_macroman(current)
    current = _unescape_entities_in_mojibake(current)
    lines = current.split("\n")
    damaged = [i for i, line in enumerate(lines) if may_be_mojibake(line)]
    account = _Account()
    # The whole document is the evidence for what is ambiguous in one line of it.
    for index in damaged:
        _decode_pass(lines[index], account, "survey")
    originals = dict.fromkeys(damaged, None) | _respace(lines, damaged, account)
    for index in damaged:
        lines[index] = _repair_line(lines[index], account, originals[index])
    current = "\n".join(lines)
    if current != before_decoding:
        if account.respaced:
            repairs.append(Repair("mojibake_spacing", account.respaced))
        repairs.append(
            Repair(
                "mojibake",
                _changed_chars(before_decoding, current),
                _example(current, before_decoding),
            )
        )
    return current, tuple(repairs)


def _respace(lines: list[str], damaged: list[int], account: _Account) -> dict[int, str | None]:
    """Spaced mojibake, in the codecs where the document shows it convincingly: decoded with
    the doubtful spaces marked, then the marks settled by the document's own words. Changes
    `lines` in place; returns the lines it changed as they were."""
    if not account.spaced or any(mark in line for line in lines for mark in MARKS):
        return {}
    changed: dict[int, str | None] = {}
    for index in damaged:
        marked = _decode_pass(lines[index], account, "respaced", mark=True)
        if marked != lines[index]:
            changed[index] = lines[index]
            lines[index] = marked
    if not changed:
        return {}
    # The evidence: every line, with the mojibake no tool spaced read back as ftfy reads it.
    damaged_lines = set(damaged)
    evidence = [
        "".join(_ftfy(piece) for piece in _MARK_SPLIT.split(line)) if i in damaged_lines else line
        for i, line in enumerate(lines)
    ]
    # The language of the words in doubt, which in a page of another language is their own;
    # where the words in doubt are too few or a list of names, the languages of the script
    # whose alphabet fits, and of those the one whose words read the line best.
    doubtful = [
        token for i in changed for token in evidence[i].split() if _MARK_RE_ANY.search(token)
    ]
    language = detect_language(" ".join(_MARK_RE_ANY.sub("", token) for token in doubtful))
    if language and lexicon(language):
        languages: list[str | None] = [language]
    else:
        pieces = [piece for token in doubtful for piece in _MARK_RE_ANY.split(token)]
        certain = [t for line in evidence for t in line.split() if not _MARK_RE_ANY.search(t)]
        script = _main_script("".join(pieces))
        languages = [*choose_languages(_WORD_RE.findall(" ".join(pieces + certain)), script)]
        languages = languages or [language]
    rate = _spacing_rate([original for original in changed.values() if original], account)
    best: tuple[float, dict[int, str]] | None = None
    for candidate in languages:
        words: Mapping[str, float] = lexicon(candidate) if candidate else {}
        common = function_words(candidate) if candidate else ()
        if not common:
            common = function_words_of_script(" ".join(doubtful))
        model = build_model(evidence, common, words, rate)
        resolved = {index: resolve_with_cost(lines[index], model) for index in changed}
        cost = sum(c for _, c in resolved.values())
        if best is None or cost < best[0]:
            best = (cost, {index: line for index, (line, _) in resolved.items()})
    assert best is not None
    for index, line in best[1].items():
        lines[index] = line
    return changed


def _main_script(text: str) -> str:
    scripts = Counter(_script(c) for c in text if c.isalpha())
    return scripts.most_common(1)[0][0] if scripts else "LATIN"


@functools.cache
def _symbol_after_lead(name: str) -> re.Pattern[str]:
    codec = next(codec for codec in _codecs() if codec.name == name)
    symbols = _char_class(c for c in codec.continuations if _spaceable(c))
    return re.compile(f"[{_char_class(codec.needs)}]( ?)[{symbols}]")


def _spacing_rate(lines: list[str], account: _Account) -> float:
    """The share of mojibake symbols the tool spaced: a symbol right after a lead was spaced
    before it where a space stands between them, which the tool does in three ways of four."""
    spaced = total = 0
    for codec in _codecs():
        if codec.name not in account.spaced:
            continue
        pattern = _symbol_after_lead(codec.name)
        for line in lines:
            for match in pattern.finditer(line):
                total += 1
                spaced += bool(match.group(1))
    return min(1.0, (spaced + 0.5) / (total + 1) * 4 / 3)


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
