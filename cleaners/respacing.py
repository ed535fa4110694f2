"""Where the spaces go once spaced mojibake is decoded: the document's words and its language
decide.

A tool that spaces mojibake's symbols (`РєР ° РЅР ° Р »РІ`) leaves doubt once the sequences
are read back. A space inside one character's bytes was certainly put there, and the decoder
reads through it; a space after a sequence that ends in a spaced symbol may be the text's or
the tool's (`Р ° РЅ` is `ан` or `а н`), and a tool that glues a symbol to what follows may have
taken a space away (`Р »РІ` for `Р» РІ`). The decoder marks each such place with what it saw
around the symbol; this module chooses, for each stretch of marked places, the spacing that is
most likely given two things:

- how the tool spaced (the channel): the share of symbols it spaced, measured on the
  document's own sequences, where a space inside a character's bytes is certainly the tool's.
  The tool's four ways (both sides, before, after, before with the space after taken away) are
  taken as equally likely;
- what the text says (the words): a word's probability is its count in the document where no
  doubt is left, its frequency in the document's language (a word list: wordfreq's), and for a
  word neither knows, its characters one after the other (a character bigram model with word
  starts and ends, from the document). A word with a capital after a small letter inside it
  (`ΒόρειαΜακεδονία`) is two words unless the document wrote it so.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Private-use characters of plane 16: where one is in the input, nothing is marked.
MARK_SPACE = "\U0010fffd"  # a space after a symbol the tool spaced before: its or the text's
MARK_LONE = "\U0010fffb"  # a space after a symbol with none before it: its or the text's
MARK_JOIN = "\U0010fffc"  # no space after a symbol the tool spaced before: it may have moved it
MARKS = MARK_SPACE + MARK_LONE + MARK_JOIN
_MARK_RE = re.compile(f"[{MARKS}]")
# The most weight the document's own word counts get against the language's word list.
_DOC_WEIGHT = 0.5
# -log of how much less likely a small letter followed by a capital is inside a word.
_CASE_COST = 6.0
# Interpolation of the character model's trigrams, bigrams and single characters.
_BACKOFF = 60.0
# The longest word a stretch is cut into, in pieces and in characters.
_MAX_PIECES = 40
_MAX_CHARS = 48
# The language's words that train its character model: not the commonest, which the list
# knows, but the rarer ones, which look like the words it does not know (long, and names).
_CHAR_WORDS = (2000, 24000)
# What one more word costs beyond its probability: a unigram model of words splits unknown
# words into known pieces too readily.
_WORD_COST = 0.0
# The prior of punctuation around a word: before it, after it, more than one mark, a word of
# punctuation alone; and how many words of the document it weighs as.
_BEFORE = 0.1
_AFTER = 0.15
_ALONE = 0.01
_AFFIX_PRIOR = 5.0
# How likely each kind of punctuation (Unicode category) is before a word, after it, alone
# and between two words without a space: opening quotes and brackets go before, closing ones
# and most punctuation after, dashes alone or between, apostrophes between.
_PLACES = {
    "Ps": (0.5, 0.02, 0.05, 0.002),
    "Pi": (0.5, 0.05, 0.05, 0.002),
    "Pe": (0.02, 0.5, 0.05, 0.002),
    "Pf": (0.05, 0.5, 0.05, 0.02),
    "Po": (0.05, 0.5, 0.1, 0.005),
    "Pd": (0.02, 0.05, 0.5, 0.02),
    "Sc": (0.3, 0.1, 0.3, 0.002),
    "So": (0.01, 0.2, 0.3, 0.002),
    "Sm": (0.05, 0.05, 0.3, 0.05),
    "No": (0.02, 0.3, 0.2, 0.02),
}
_OTHER_PLACES = (0.05, 0.1, 0.3, 0.002)
_APOSTROPHES = "'’ʼ"
# Punctuation (category Po) that stands between words more than it ends one: bullets, marks of
# reference, the ellipsis.
_STANDING = "•·‣◦§¶†‡※*#&@/\\|…"
_INNER = re.compile(r"(\W+)")
_AFFIX = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


def channel_costs(rate: float) -> dict[str, tuple[float, float]]:
    """For each mark, -log P(what was seen | a space was there) and (| none was), when the
    tool spaces a symbol at `rate` in one of four equally likely ways."""
    rate = min(1.0, max(0.02, rate))
    way = rate / 4
    return {
        # Space before the symbol and after it: both sides (space or not), or before it with
        # the text's space after it.
        MARK_SPACE: (-math.log(2 * way), -math.log(way)),
        # No space before it, one after: the text's (not spaced, or spaced after only), or
        # the tool's (spaced after).
        MARK_LONE: (-math.log(1 - 3 * way), -math.log(way)),
        # Space before it, none after: the text's space taken away, or spaced before it.
        MARK_JOIN: (-math.log(way), -math.log(2 * way)),
    }


@dataclass(slots=True)
class CharModel:
    """Character trigrams of words, word starts and ends included: the probability of a word
    nothing else knows."""

    trigrams: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)
    singles: Counter[str] = field(default_factory=Counter)
    unigrams: Counter[str] = field(default_factory=Counter)

    def add(self, chars: list[str], times: int = 1) -> None:
        """Count a word's characters, `chars` starting with "^", "^" and ending with "$" where
        the word starts and ends there."""
        for a, b, c in zip(chars, chars[1:], chars[2:], strict=False):
            self.trigrams[(a, b, c)] += times
            self.pairs[(a, b)] += times
            self.bigrams[(b, c)] += times
            self.singles[b] += times
            self.unigrams[c] += times


class _Chars:
    """Two character models (the language's and the document's) read as one."""

    def __init__(self, models: tuple[CharModel, ...]) -> None:
        self.models = models
        self.total = sum(m.unigrams.total() for m in models)
        self.alphabet = len(set().union(*(m.unigrams.keys() for m in models))) + 1
        self._steps: dict[tuple[str, str, str], float] = {}

    def step(self, a: str, b: str, c: str) -> float:
        """-log P(c | a, b)."""
        key = (a, b, c)
        known = self._steps.get(key)
        if known is not None:
            return known
        ms = self.models
        p = (sum(m.unigrams[c] for m in ms) + 0.5) / (self.total + 0.5 * self.alphabet)
        p = (sum(m.bigrams[(b, c)] for m in ms) + _BACKOFF * p) / (
            sum(m.singles[b] for m in ms) + _BACKOFF
        )
        p = (sum(m.trigrams[key] for m in ms) + _BACKOFF * p) / (
            sum(m.pairs[(a, b)] for m in ms) + _BACKOFF
        )
        cost = -math.log(p)
        self._steps[key] = cost
        return cost


@dataclass(slots=True)
class _Reading:
    """A word read piece by piece: the punctuation before it, the character model's cost of
    its core so far and the last two characters of it, and the punctuation after it so far."""

    prefix: str = ""
    core: str = ""
    pending: str = ""
    a: str = "^"
    b: str = "^"
    cost: float = 0.0


@dataclass(slots=True)
class SpacingModel:
    """What a word costs (-log P) in a document, and what the tool's marks cost."""

    words: Counter[str]
    total: int
    chars: _Chars
    # The share of the document's words that neither the document nor the list knows.
    unknown: float
    doc_weight: float
    lexicon: Mapping[str, float] = field(default_factory=dict)
    affixes: Counter[tuple[str, str]] = field(default_factory=Counter)
    channel: dict[str, tuple[float, float]] = field(default_factory=lambda: channel_costs(1.0))
    # How the document's words are written: small letters, a capital first, capitals...
    shapes: Counter[str] = field(default_factory=Counter)
    # The punctuation the document writes between two words without a space.
    joiners: Counter[str] = field(default_factory=Counter)
    # What follows an apostrophe inside a word, and how often.
    clitics: Mapping[str, float] = field(default_factory=dict)
    _cores: dict[str, float] = field(default_factory=dict)

    def cost(self, word: str) -> float:
        """-log P(word)."""
        reading = _Reading()
        self.read(reading, word)
        return self.word_cost(reading)

    def read(self, reading: _Reading, piece: str) -> None:
        """Extend the word by `piece`."""
        for char in piece:
            if not char.isalnum():
                if reading.core:
                    reading.pending += char
                else:
                    reading.prefix += char
                continue
            for key in (reading.pending + char).casefold():
                reading.cost += self.chars.step(reading.a, reading.b, key)
                reading.a, reading.b = reading.b, key
            reading.core += reading.pending + char
            reading.pending = ""

    def word_cost(self, reading: _Reading) -> float:
        prefix, suffix = reading.prefix, reading.pending
        # How often the document puts this punctuation around a word (or writes it alone),
        # with a prior for what it has not shown: most words have none.
        if not reading.core:
            # Punctuation alone: one mark is a word (`—`, `|`), the same one repeated may be
            # (`★★★`), two different ones glued are rarer (`★|`).
            prior = _ALONE * _places(prefix, 2)
            for a, b in itertools.pairwise(prefix):
                prior *= 0.3 if a == b else 0.1
        else:
            prior = (_BEFORE * _places(prefix, 0) if prefix else 1 - _BEFORE) * (
                _AFTER * _places(suffix, 1) if suffix else 1 - _AFTER
            )
        affix = (self.affixes[(prefix, suffix)] + _AFFIX_PRIOR * prior) / (
            self.affixes.total() + _AFFIX_PRIOR
        )
        cost = _WORD_COST - math.log(affix)
        if not reading.core:
            return cost
        shape = _shape(reading.core)
        cost -= math.log(
            (self.shapes[shape] + _SHAPE_PRIOR * _SHAPES[shape])
            / (self.shapes.total() + _SHAPE_PRIOR)
        )
        return cost + self._read_core_cost(reading)

    def _read_core_cost(self, reading: _Reading) -> float:
        core_cost = self._cores.get(reading.core)
        if core_cost is None:
            core_cost = self._core_cost(
                reading.core, reading.cost + self.chars.step(reading.a, reading.b, "$")
            )
            self._cores[reading.core] = core_cost
        return core_cost

    def _part_cost(self, part: str) -> float:
        """A word inside a word: its letters only (the whole pays for shape and punctuation)."""
        reading = _Reading()
        self.read(reading, part)
        return self._read_core_cost(reading) if reading.core else 0.0

    def _core_cost(self, core: str, char_cost: float) -> float:
        key = core.casefold().replace("’", "'")
        seen = self.words[key]
        known = 0.0
        if seen:
            known += self.doc_weight * seen / max(1, self.total)
        if self.lexicon:
            known += (1 - self.doc_weight) * self.lexicon.get(key, 0.0)
        # A word the document or the list knows is not one of the unknown words.
        p = (1 - self.unknown) * known if known else self.unknown * math.exp(-char_cost)
        if not known and _INNER.search(core):
            # Words joined by punctuation (`Буркіна-Фасо`, `loss—the`): each word, and how
            # often the document joins words with that punctuation.
            parts = _INNER.split(core)
            joined = 0.0
            for at, part in enumerate(parts):
                if at % 2:
                    joined -= math.log(
                        (self.joiners[part] + _AFFIX_PRIOR * _places(part, 3))
                        / (self.total + _AFFIX_PRIOR)
                    )
                elif at and all(c in _APOSTROPHES for c in parts[at - 1]):
                    # After an apostrophe: what the language writes there (`’s`, `’re`).
                    tail = part.casefold()
                    joined -= math.log(
                        0.7 * self.clitics.get(tail, 0.0) + 0.3 * math.exp(-self._part_cost(part))
                    )
                else:
                    joined += self._part_cost(part)
            p += math.exp(-joined)
        cost = -math.log(p) if p > 0 else 1e9
        if not seen:
            cost += _CASE_COST * sum(
                1 for x, y in itertools.pairwise(core) if x.islower() and y.isupper()
            )
        return cost


# The prior of a word's shape, and how many words of the document it weighs as.
_SHAPES = {"lower": 0.6, "title": 0.3, "upper": 0.04, "mixed": 0.02, "other": 0.04}
_SHAPE_PRIOR = 2.0


def _places(punctuation: str, place: int) -> float:
    p = 1.0
    for char in punctuation:
        if char in _APOSTROPHES:
            p *= (0.05, 0.3, 0.01, 0.3)[place]
        elif char in _STANDING:
            p *= (0.01, 0.2, 0.5, 0.01)[place]
        else:
            p *= _PLACES.get(unicodedata.category(char), _OTHER_PLACES)[place]
    return p


def _shape(core: str) -> str:
    """How a word is written; words joined by punctuation by their first (`Буркіна-Фасо` is
    capitalised), unless one is written otherwise (`iPhone-Nutzer`)."""
    parts = [part for part in _INNER.split(core)[::2] if any(c.isalpha() for c in part)]
    if len(parts) > 1:
        shapes = [_shape(part) for part in parts]
        return "mixed" if "mixed" in shapes else shapes[0]
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return "other"
    if all(c.islower() for c in letters):
        return "lower"
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return "title"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "title"
    return "mixed"


def _split(token: str) -> tuple[str, str, str]:
    """Punctuation before, the core (from the first letter or digit to the last), after."""
    match = _AFFIX.match(token)
    assert match is not None
    prefix, core, suffix = match.groups()
    return prefix, core, suffix


def build_model(
    texts: Iterable[str],
    common_words: Iterable[str] = (),
    lexicon: Mapping[str, float] | None = None,
    rate: float = 1.0,
) -> SpacingModel:
    """The model of a document from its lines, the common words of its language (counted as
    seen a few times where there is no word list), the language's word frequencies and the
    rate at which the tool spaced symbols. Marks show where doubt is left: a word touching one
    is not evidence, but the characters on either side of it are, except for those across it."""
    lexicon = lexicon or {}
    words: Counter[str] = Counter()
    affixes: Counter[tuple[str, str]] = Counter()
    own = CharModel()
    shapes: Counter[str] = Counter()
    joiners: Counter[str] = Counter()
    for text in texts:
        for written in text.split():
            token = written.casefold()
            if not any(mark in token for mark in MARKS):
                prefix, core, suffix = _split(token)
                if core:
                    shapes[_shape(_split(written)[1])] += 1
                    joiners.update(_INNER.findall(core))
                affixes[(prefix, suffix)] += 1
                if core:
                    words[core.replace("’", "'")] += 1
                    own.add(["^", "^", *core, "$"], 5)
                continue
            pieces = _MARK_RE.split(token)
            # A token's start is a word's start: how the document begins its words.
            first = _split(_MARK_RE.split(written)[0])[1]
            if first:
                shapes[_shape(first)] += 1
            for at, piece in enumerate(pieces):
                seen = [c for c in piece if c.isalnum()]
                if at == 0:
                    seen[:0] = ["^", "^"]
                if at == len(pieces) - 1:
                    seen.append("$")
                own.add(seen, 5)
    if not lexicon:
        for word in common_words:
            words[word.casefold()] += 3
            own.add(["^", "^", *word.casefold(), "$"], 15)
    total = sum(words.values())
    if lexicon:
        known = [word in lexicon for word in words.elements() if not word.isdigit()]
        unknown = (known.count(False) + 1) / (len(known) + 2)
        unknown = min(0.9, max(0.05, unknown))
        doc_weight = _DOC_WEIGHT * total / (total + 20)
        chars = _Chars((own, _language_chars(lexicon)))
    else:
        unknown = len(words) / (total + len(words)) if words else 1.0
        doc_weight = 1.0
        chars = _Chars((own,))
    return SpacingModel(
        words,
        total,
        chars,
        unknown,
        doc_weight,
        lexicon,
        affixes,
        channel_costs(rate),
        shapes,
        joiners,
        _clitics(lexicon, words),
    )


def _clitics(lexicon: Mapping[str, float], words: Counter[str]) -> dict[str, float]:
    """The share of each ending after an apostrophe, in the language's words and the
    document's."""
    tails: Counter[str] = Counter()
    for word, n in words.items():
        if "'" in word:
            tails[word.rsplit("'", 1)[1]] += n
    shares = {tail: n / tails.total() for tail, n in tails.items()}
    for tail, share in _language_clitics(lexicon).items():
        shares[tail] = (shares.get(tail, 0.0) + share) / (2 if tails else 1)
    return shares


class Lexicon(dict[str, float]):
    """A language's word frequencies, commonest first, with what is built from them once."""

    chars: CharModel | None = None
    clitics: dict[str, float] | None = None


def _language_clitics(lexicon: Mapping[str, float]) -> dict[str, float]:
    shares = lexicon.clitics if isinstance(lexicon, Lexicon) else None
    if shares is None:
        tails: Counter[str] = Counter()
        for word, frequency in lexicon.items():
            if "'" in word[1:]:
                tails[word.rsplit("'", 1)[1]] += frequency  # type: ignore[assignment]
        total = sum(tails.values()) or 1.0
        shares = {tail: n / total for tail, n in tails.items()}
        if isinstance(lexicon, Lexicon):
            lexicon.clitics = shares
    return shares


def _language_chars(lexicon: Mapping[str, float]) -> CharModel:
    """The character model of a word list's rarer words."""
    model = lexicon.chars if isinstance(lexicon, Lexicon) else None
    if model is None:
        model = CharModel()
        for word in itertools.islice(lexicon, *_CHAR_WORDS):
            model.add(["^", "^", *word, "$"])
        if isinstance(lexicon, Lexicon):
            lexicon.chars = model
    return model


def resolve(line: str, model: SpacingModel) -> str:
    """The line with every mark made a space or nothing, stretch by stretch."""
    return resolve_with_cost(line, model)[0]


def resolve_with_cost(line: str, model: SpacingModel) -> tuple[str, float]:
    """The resolved line, and what its stretches in doubt cost (-log P) under the model."""
    if not any(mark in line for mark in MARKS):
        return line, 0.0
    words = []
    total = 0.0
    for token in line.split(" "):
        word, cost = _resolve_stretch(token, model)
        words.append(word)
        total += cost
    return " ".join(words), total


def _resolve_stretch(stretch: str, model: SpacingModel) -> tuple[str, float]:
    pieces: list[str] = []
    # For each mark between pieces k and k + 1: the channel's cost of a space and of none.
    marks: list[tuple[float, float]] = []
    current: list[str] = []
    for char in stretch:
        if char in MARKS:
            pieces.append("".join(current))
            marks.append(model.channel[char])
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    if len(pieces) == 1:
        return stretch, 0.0
    n = len(pieces)
    # best[j]: the cheapest spacing of pieces[:j] with a word ending after piece j - 1, and
    # where that word starts.
    best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * n
    for i in range(n):
        start = best[i][0] + (marks[i - 1][0] if i > 0 else 0.0)
        reading = _Reading()
        length = 0
        joined = 0.0
        for j in range(i + 1, min(n, i + _MAX_PIECES) + 1):
            if j > i + 1:
                joined += marks[j - 2][1]
            piece = pieces[j - 1]
            length += len(piece)
            if length > _MAX_CHARS and j > i + 1:
                break
            model.read(reading, piece)
            cost = model.word_cost(reading) if length else 0.0
            total = start + joined + cost
            if total < best[j][0]:
                best[j] = (total, i)
    cuts = []
    j = n
    while j > 0:
        i = best[j][1]
        cuts.append("".join(pieces[i:j]))
        j = i
    return " ".join(word for word in reversed(cuts) if word), best[n][0]


# --- the language's words ------------------------------------------------------------------


# Serbian in Cyrillic letters, which wordfreq keeps in Latin ones (its "sh" list): the two
# alphabets map one to one.
_SERBIAN_LATIN = {
    "lj": "љ", "nj": "њ", "dž": "џ", "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д",
    "đ": "ђ", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к", "l": "л",
    "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у",
    "v": "в", "z": "з", "ž": "ж",
}  # fmt: skip
_SERBIAN_LETTER = re.compile("lj|nj|dž|[abcčćdđefghijklmnoprsštuvzž]")


def _serbian_cyrillic(word: str) -> str | None:
    letters = _SERBIAN_LETTER.findall(word)
    if "".join(letters) != word:
        return None
    return "".join(_SERBIAN_LATIN[letter] for letter in letters)


def _word_list(language: str, limit: int = 200_000) -> list[tuple[str, float]]:
    """wordfreq's list of the language, commonest first: its "large" list where it has one
    (the inflected forms of Russian or Ukrainian need it), else its "small" one (words seen at
    least once in a million), the `limit` commonest; none for a language it lacks."""
    import wordfreq

    source = "sh" if language == "sr" else language
    path = None if limit <= 10_000 else wordfreq.available_languages("large").get(source)
    path = path or wordfreq.available_languages("small").get(source)
    if path is None:
        return []
    words = []
    for centibels, bucket in enumerate(wordfreq.read_cBpack(path)):
        frequency = 10 ** (-centibels / 100)
        for word in bucket:
            word = unicodedata.normalize("NFC", word)
            if language == "sr":
                cyrillic = _serbian_cyrillic(word)
                if cyrillic is None:
                    continue
                word = cyrillic
            words.append((word, frequency))
            if len(words) >= limit:
                return words
    return words


@functools.lru_cache(maxsize=3)
def lexicon(language: str) -> Lexicon:
    """The frequencies of the language's words, commonest first (see _word_list)."""
    frequencies = Lexicon()
    for word, frequency in _word_list(language):
        frequencies.setdefault(word, frequency)
    return frequencies


@functools.cache
def _top_words(language: str) -> frozenset[str]:
    return frozenset(word for word, _ in _word_list(language, 3000))


# Languages of wordfreq's small lists by script, to choose from when the text does not say.
_LATIN_LANGUAGES = "en de fr es it pt nl pl cs sk sl ro hu tr sv da nb fi id ms ca lt lv vi fil is"
_LANGUAGES_OF_SCRIPT: dict[str, list[str]] = {
    "LATIN": _LATIN_LANGUAGES.split(),
    "CYRILLIC": ["ru", "uk", "bg", "mk", "sr"],
    "GREEK": ["el"],
    "HEBREW": ["he"],
    "ARABIC": ["ar", "fa", "ur"],
}


def choose_languages(words: Iterable[str], script: str, most: int = 3) -> list[str]:
    """The languages of the script whose alphabet has all the letters of the document's words
    (or most of them), those whose commonest words the document's words are most often
    first."""
    candidates = _LANGUAGES_OF_SCRIPT.get(script, [])
    counted = Counter(w.casefold() for w in words)
    letters = Counter(c for w, n in counted.items() for c in w * n if c.isalpha())
    scored = []
    for language in candidates:
        alphabet = _alphabet(language)
        if not alphabet:
            continue
        foreign = sum(n for c, n in letters.items() if c not in alphabet)
        top = _top_words(language)
        hits = sum(n for w, n in counted.items() if w in top)
        scored.append((foreign, -hits, language))
    scored.sort()
    if not scored:
        return []
    fewest = scored[0][0]
    return [language for foreign, _, language in scored if foreign == fewest][:most]


@functools.cache
def _alphabet(language: str) -> frozenset[str]:
    """The letters of the language's commonest words."""
    counts = Counter(c for word in _top_words(language) for c in word if c.isalpha())
    return frozenset(c for c, n in counts.items() if n >= 3)
