"""Where the spaces go once spaced mojibake is decoded: the document's own words decide.

A tool that spaces mojibake's symbols (`РєР ° РЅР ° Р »РІ`) leaves two kinds of doubt once the
sequences are read back: a space after a spaced symbol may be the text's or the tool's
(`Р ° РЅ` is `ан` or `а н`), and a space the tool moved from after a quote-like symbol to before
it (`Р »РІ`) is missing where it was. The decoder marks each such place; this module chooses,
for each stretch of marked places, the spacing whose words the document makes most likely.

The model is the document's own text where no doubt is left, read two ways: how often each
word occurs, and, for the words it has not seen, how likely its characters are one after the
other (a character bigram model with word starts and ends), with the common words of the
document's language added to what it has seen. That is the evidence of "the same sequences
unspaced elsewhere" and of "a decode that turns a run into words of the language".
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Private-use characters of plane 16: where one is in the input, nothing is marked.
MARK_SPACE = "\U0010fffd"  # a space was there, a tool may have put it there
MARK_JOIN = "\U0010fffc"  # no space was there, a tool may have moved it away
MARKS = MARK_SPACE + MARK_JOIN
_MARK_RE = re.compile(f"[{MARKS}]")
# Words of the language count as seen this many times.
_COMMON_WEIGHT = 3
_SMOOTHING = 0.1
# A tool moves a space from after a quote-like symbol to before it: where that may have
# happened, the space comes back unless the words say clearly that there was none.
_UNMOVE_COST = 4.0
# The most pieces one word may be made of.
_MAX_PIECES = 12


@dataclass(frozen=True, slots=True)
class SpacingModel:
    words: Counter[str]
    total: int
    bigrams: Counter[tuple[str, str]]
    firsts: Counter[str]
    alphabet: int
    types: int

    def cost(self, word: str) -> float:
        """-log P(word): seen words by their frequency, the rest by their characters."""
        key = word.lower()
        chars = ["^", *key, "$"]
        log_p = 0.0
        for a, b in itertools.pairwise(chars):
            log_p += math.log(
                (self.bigrams[(a, b)] + _SMOOTHING) / (self.firsts[a] + _SMOOTHING * self.alphabet)
            )
        # Witten-Bell: unseen words are as likely as the document's rate of new words says.
        p = (self.words[key] + self.types * math.exp(log_p)) / (self.total + self.types)
        return -math.log(p)


def build_model(texts: Iterable[str], common_words: Iterable[str] = ()) -> SpacingModel:
    """The model of a document from its lines and the common words of its language. Marks
    show where doubt is left: a word touching one is not evidence, but the characters on
    either side of it are, except for the pair across it."""
    words: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    firsts: Counter[str] = Counter()
    alphabet: set[str] = {"$"}

    def count(chars: list[str], times: int) -> None:
        alphabet.update(chars)
        for a, b in itertools.pairwise(chars):
            bigrams[(a, b)] += times
            firsts[a] += times

    for text in texts:
        for token in text.lower().split():
            if not any(mark in token for mark in MARKS):
                words[token] += 1
                count(["^", *token, "$"], 1)
                continue
            pieces = _MARK_RE.split(token)
            for at, piece in enumerate(pieces):
                chars = list(piece)
                if at == 0:
                    chars.insert(0, "^")
                if at == len(pieces) - 1:
                    chars.append("$")
                count(chars, 1)
    for word in common_words:
        words[word.lower()] += _COMMON_WEIGHT
        count(["^", *word.lower(), "$"], _COMMON_WEIGHT)
    return SpacingModel(
        words, sum(words.values()), bigrams, firsts, len(alphabet), max(1, len(words))
    )


def resolve(line: str, model: SpacingModel) -> str:
    """The line with every mark made a space or nothing, stretch by stretch."""
    if not any(mark in line for mark in MARKS):
        return line
    return " ".join(_resolve_stretch(token, model) for token in line.split(" "))


def _resolve_stretch(stretch: str, model: SpacingModel) -> str:
    pieces: list[str] = []
    # joins[k]: the cost of joining pieces k and k + 1 beyond what their words cost.
    joins: list[float] = []
    current: list[str] = []
    for char in stretch:
        if char in MARKS:
            pieces.append("".join(current))
            joins.append(_UNMOVE_COST if char == MARK_JOIN else 0.0)
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    if len(pieces) == 1:
        return stretch
    # best[j]: the cheapest spacing of pieces[:j] with a word ending after piece j - 1.
    best: list[tuple[float, int]] = [(0.0, 0)]
    for j in range(1, len(pieces) + 1):
        options = []
        for i in range(max(0, j - _MAX_PIECES), j):
            word = "".join(pieces[i:j])
            cost = (model.cost(word) if word else 0.0) + sum(joins[i : j - 1])
            options.append((best[i][0] + cost, i))
        best.append(min(options))
    cuts = []
    j = len(pieces)
    while j > 0:
        i = best[j][1]
        cuts.append("".join(pieces[i:j]))
        j = i
    return " ".join(word for word in reversed(cuts) if word)
