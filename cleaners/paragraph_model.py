"""A learned second opinion on the paragraphs of plain text: boilerplate no rule names yet.

The rules name boilerplate with certainty, one shape at a time; pages nobody wrote a rule for
carry shapes no rule has (a reporter's e-mail line, an agency sign-off, a related headline with
no heading above it, a "To read more, visit www..." line). What such paragraphs share is their
shape, the way jusText tells boilerplate from content: short or long, sentence or label,
function words or names and figures, an address or a handle in it, where they stand in the
document and what stands around them. This module scores each paragraph on such shallow
features with a small logistic model, and takes out the paragraphs it is sure of.

The model is data (`cleaners/data/paragraph_model.json`), made by a deterministic script
(benchmarks/train_paragraph_model.py) from public gold: the AEB residue texts and plain texts
made from WCXB dev's tuning half, aligned to their gold text. Each removal is recorded as
`model.paragraph` with its score, so that what the model took can always be read back.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from cleaners.chrome import PAGE_CATEGORIES, stopwords
from cleaners.document import Document, Removal
from cleaners.language import detect_language
from cleaners.rules import RuleSet, default_rules
from cleaners.text_shape import WORD, ends_like_sentence, ends_with_full_stop, table_rows

MODEL_RULE = "model.paragraph"
MODEL_CATEGORY = "model"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_ADDRESS = re.compile(r"https?://|www\.|\.(?:com|org|net|co\.uk|de|fr)\b", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.])@\w{2,}|twitter\.com/|x\.com/|instagram\.com/", re.IGNORECASE)
_MARKER = re.compile(r"^\s*(?:[-–—•·*▪►>]|\d{1,2}[.)])\s")
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)]*\s+(?=[\"'“‘«(]?\w)")
_LABEL = re.compile(r"^[^.!?:]{1,30}:\s")
_SYMBOL = re.compile(r"[^\w\s]")
_DIGITS = re.compile(r"\d")
_UPPER = re.compile(r"[^\W\d_]")

# The shape of one paragraph, on its own.
SHAPE = (
    "log_words",
    "log_chars",
    "word_length",
    "ends_sentence",
    "ends_full_stop",
    "stop_density",
    "capitalised",
    "digits",
    "upper_case",
    "sentences",
    "email",
    "address",
    "handle",
    "list_marker",
    "pipes",
    "rule_keyword",
    "copyright",
    "label",
    "repeated",
    "symbols",
)
# Where it stands, and what stands around it.
CONTEXT = (
    "position",
    "first",
    "last",
    "log_before",
    "log_after",
    "relative_length",
    "inside_prose",
    "log_prose_distance",
    "window_prose",
    "window_words",
    "log_run",
    "log_run_words",
)
_NEIGHBOURS = (-2, -1, 1, 2)
_NEIGHBOUR_SHAPE = ("log_words", "ends_sentence", "stop_density")
NEIGHBOUR = tuple(
    f"{name}@{offset:+d}" for offset in _NEIGHBOURS for name in (*_NEIGHBOUR_SHAPE, "present")
)
# The whole document.
DOCUMENT = ("doc_prose_share", "doc_stop_density", "has_stoplist")
FEATURES = (*SHAPE, *CONTEXT, *NEIGHBOUR, *DOCUMENT)

# A paragraph is prose when it is a sentence of some length: the anchor the context
# features measure from.
PROSE_MIN_WORDS = 12
WINDOW = 3
# In a page dump the model may take at most this share of the prose at the dump's lower bar
# (benchmarks/results/paragraph-model-guard.txt: one WCXB tuning page kept 1 word of 178).
MIN_PROSE_KEPT = 0.3
# A page dump is the page's chrome around its article: lines before the article block, or
# chrome the rules already took. An extractor's output starts with its article, and the
# short lines inside it (commands, code, addresses) are the article's own; without this
# evidence the dump's lower bar took most of four WCXB dev tech and service pages given as
# recall text (benchmarks/results/paragraph-model-guard.txt).
MIN_DUMP_EVIDENCE = 1
# Languages written without spaces between words: the features count words by spaces, so a
# whole Japanese sentence is one "word" and every line looks like a label. The model judges
# none of their text (on an AEB Japanese page it took all but one line of the article;
# benchmarks/results/paragraph-model-guard.txt); the rules still apply.
UNSPACED_LANGUAGES = frozenset({"ja", "zh", "th"})


@dataclass(frozen=True, slots=True)
class Trees:
    """Boosted decision trees of one depth, stored level by level: `feature[t, i]` and
    `cut[t, i]` for the internal node `i` of tree `t` (a row goes right when its feature is
    above the cut), `leaf[t, j]` for its leaves. The sum of the leaves a row reaches, plus
    `bias`, is the log-odds that the row's paragraph is boilerplate."""

    feature: npt.NDArray[np.int64]
    cut: npt.NDArray[np.float64]
    leaf: npt.NDArray[np.float64]
    bias: float

    def probabilities(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        rows = np.arange(matrix.shape[0])
        total = np.full(matrix.shape[0], self.bias)
        leaves = self.leaf.shape[1]
        depth = leaves.bit_length() - 1
        for tree in range(self.leaf.shape[0]):
            node = np.zeros(matrix.shape[0], dtype=np.int64)
            for _ in range(depth):
                above = matrix[rows, self.feature[tree, node]] > self.cut[tree, node]
                node = 2 * node + 1 + above
            total += self.leaf[tree, node - (leaves - 1)]
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(total, -30, 30))), dtype=np.float64)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trees:
        return cls(
            feature=np.asarray(data["feature"], dtype=np.int64),
            cut=np.asarray(data["cut"], dtype=np.float64),
            leaf=np.asarray(data["leaf"], dtype=np.float64),
            bias=float(data["bias"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "bias": round(self.bias, 6),
            "feature": self.feature.tolist(),
            "cut": self.cut.tolist(),
            "leaf": [[round(float(v), 6) for v in row] for row in self.leaf],
        }


@dataclass(frozen=True, slots=True)
class ParagraphModel:
    """Two stages of trees. The first judges each paragraph by its own shape and its
    neighbours' (`FEATURES`); the second sees, besides, what the first said of the paragraphs
    around it and whether the paragraph lies in the document's article block (`STACKED`),
    which is how a page dump's menus are told from an article's short lines. Paragraphs the
    second stage scores at or above `threshold` (a probability) are removed; in a page dump,
    a document whose paragraphs the first stage judges boilerplate on average above
    `dump_share`, the bar is `dump_threshold`: there the article is a small part of the
    text, and what is not surely article is more likely chrome."""

    first: Trees
    second: Trees
    threshold: float
    dump_share: float = 1.0
    dump_threshold: float = 1.0

    def scores(
        self,
        matrix: npt.NDArray[np.float64],
        counted: npt.NDArray[np.bool_] | None = None,
        taken: int = 0,
    ) -> tuple[npt.NDArray[np.float64], float]:
        """The second stage's probability for each paragraph, and the bar they must reach:
        the lower one when the `counted` paragraphs (all by default) look like a page dump
        and something of the page stands around its article (`MIN_DUMP_EVIDENCE`): lines
        before the article block, or the `taken` lines of chrome already removed."""
        if not matrix.shape[0]:
            return np.zeros(0), self.threshold
        first = self.first.probabilities(matrix)
        second = self.second.probabilities(np.hstack([matrix, stacked_features(first, matrix)]))
        judged = first if counted is None else first[counted]
        dump = bool(judged.size) and float(judged.mean()) > self.dump_share
        if dump and taken + _article_start(first, matrix) < MIN_DUMP_EVIDENCE:
            dump = False
        return second, self.dump_threshold if dump else self.threshold

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParagraphModel:
        if tuple(data["features"]) != FEATURES + STACKED:
            raise ValueError("paragraph model: its features are not this module's")
        return cls(
            Trees.from_json(data["first"]),
            Trees.from_json(data["second"]),
            float(data["threshold"]),
            float(data["dump_share"]),
            float(data["dump_threshold"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES + STACKED),
            "threshold": self.threshold,
            "dump_share": self.dump_share,
            "dump_threshold": self.dump_threshold,
            "first": self.first.to_json(),
            "second": self.second.to_json(),
        }


def _article_start(first: npt.NDArray[np.float64], matrix: npt.NDArray[np.float64]) -> int:
    """How many lines with words stand before the article block (see `stacked_features`).
    A line without words (a lone symbol) is no page chrome: counting it would make a record
    cleaned again a page dump where its first cleaning was not."""
    words = np.expm1(matrix[:, FEATURES.index("log_words")])
    start = _best_run(words * (0.5 - first))[0]
    return int(np.count_nonzero(words[:start] >= 0.5))


def stacked_features(
    first: npt.NDArray[np.float64], matrix: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """What the first stage said around each paragraph (`STACKED`). The article block is the
    run of paragraphs with the most words the first stage believes in: the stretch that
    maximises the sum, over its paragraphs, of their words times (1/2 - score)."""
    n = len(first)
    words = np.expm1(matrix[:, FEATURES.index("log_words")])
    before = np.concatenate([[0.5], first[:-1]])
    after = np.concatenate([first[1:], [0.5]])
    gain = words * (0.5 - first)
    start, end = _best_run(gain)
    index = np.arange(n)
    inside = (index >= start) & (index < end)
    distance = np.where(inside, 0, np.minimum(np.abs(index - start), np.abs(index - end + 1)))
    return np.column_stack(
        [
            before,
            after,
            _window_mean(first, 2),
            _window_mean(first, 6),
            np.full(n, float(first.mean())),
            inside,
            np.log1p(distance),
            np.full(n, float(words[inside].sum() / max(words.sum(), 1.0))),
        ]
    ).astype(np.float64)


STACKED = (
    "first_before",
    "first_after",
    "first_window2",
    "first_window6",
    "first_document",
    "in_block",
    "log_block_distance",
    "block_share",
)


def _best_run(gain: npt.NDArray[np.float64]) -> tuple[int, int]:
    """The stretch [start, end) of the largest sum (Kadane); the best single item when every
    sum is negative."""
    best, best_start, best_end = -np.inf, 0, 1
    total, start = 0.0, 0
    for i, value in enumerate(gain.tolist()):
        if total <= 0:
            total, start = value, i
        else:
            total += value
        if total > best:
            best, best_start, best_end = total, start, i + 1
    return best_start, best_end


@functools.cache
def shipped_model() -> ParagraphModel | None:
    """The model shipped with the package; None where there is none."""
    source = resources.files("cleaners") / "data" / "paragraph_model.json"
    if not source.is_file():
        return None
    return ParagraphModel.from_json(json.loads(source.read_text(encoding="utf-8")))


@functools.cache
def _keyword_gate() -> re.Pattern[str] | None:
    # The rules' own keywords: a paragraph holding one is a near miss of some rule (too long
    # for it, or outside its zone), which is worth knowing even when no rule took it.
    return _rule_keywords(default_rules())


def _rule_keywords(rules: RuleSet) -> re.Pattern[str] | None:
    words = sorted({k for rule in rules.rules for k in rule.keywords if len(k) >= 4})
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words))


def _shape(paragraph: str, stops: frozenset[str], counts: Counter[str]) -> list[float]:
    words = WORD.findall(paragraph)
    n = len(words)
    lowered = [w.lower() for w in words]
    chars = len(paragraph)
    letters = _UPPER.findall(paragraph)
    gate = _keyword_gate()
    return [
        math.log1p(n),
        math.log1p(chars),
        min(sum(map(len, words)) / n, 15.0) / 10 if n else 0.0,
        float(ends_like_sentence(paragraph)),
        float(ends_with_full_stop(paragraph)),
        sum(map(stops.__contains__, lowered)) / n if n and stops else 0.0,
        sum(1 for w in words if w[:1].isupper()) / n if n else 0.0,
        len(_DIGITS.findall(paragraph)) / chars if chars else 0.0,
        sum(1 for c in letters if c.isupper()) / len(letters) if letters else 0.0,
        math.log1p(len(_SENTENCE_BREAK.findall(paragraph))),
        float(bool(_EMAIL.search(paragraph))),
        float(bool(_ADDRESS.search(paragraph))),
        float(bool(_HANDLE.search(paragraph))),
        float(bool(_MARKER.match(paragraph))),
        float("|" in paragraph),
        float(bool(gate and gate.search(paragraph.lower()))),
        float("©" in paragraph or "copyright" in paragraph.lower()),
        float(bool(_LABEL.match(paragraph))),
        float(counts[paragraph] > 1),
        len(_SYMBOL.findall(paragraph)) / chars if chars else 0.0,
    ]


def feature_matrix(paragraphs: list[str], language: str | None) -> npt.NDArray[np.float64]:
    """One row of `FEATURES` per paragraph."""
    n = len(paragraphs)
    if not n:
        return np.zeros((0, len(FEATURES)))
    stops = stopwords(language) if language else frozenset()
    counts = Counter(paragraphs)
    shape = np.array([_shape(p, stops, counts) for p in paragraphs], dtype=np.float64)
    log_words = shape[:, SHAPE.index("log_words")]
    ends = shape[:, SHAPE.index("ends_sentence")]
    density = shape[:, SHAPE.index("stop_density")]
    words = np.expm1(log_words)
    prose = (ends > 0) & (words >= PROSE_MIN_WORDS)
    index = np.arange(n, dtype=np.float64)
    prose_at = np.flatnonzero(prose)
    if prose_at.size:
        inside = (index >= prose_at[0]) & (index <= prose_at[-1])
        nearest = np.abs(index[:, None] - prose_at[None, :]).min(axis=1)
    else:
        inside = np.zeros(n, dtype=bool)
        nearest = np.full(n, float(n))
    run_length, run_words = _runs(~prose, words)
    window_prose = _window_mean(prose.astype(np.float64), WINDOW)
    window_words = _window_mean(log_words, WINDOW)
    context = np.column_stack(
        [
            index / max(n - 1, 1),
            index == 0,
            index == n - 1,
            np.log1p(index),
            np.log1p(n - 1 - index),
            words / max(float(words.max()), 1.0),
            inside,
            np.log1p(nearest),
            window_prose,
            window_words,
            np.log1p(run_length),
            np.log1p(run_words),
        ]
    ).astype(np.float64)
    neighbour_columns = []
    for offset in _NEIGHBOURS:
        source = index.astype(int) + offset
        present = (source >= 0) & (source < n)
        clipped = np.clip(source, 0, n - 1)
        for column in (log_words, ends, density):
            neighbour_columns.append(np.where(present, column[clipped], 0.0))
        neighbour_columns.append(present.astype(np.float64))
    neighbours = np.column_stack(neighbour_columns)
    document = np.tile(
        [
            float(prose.mean()),
            float(density.mean()),
            float(bool(stops)),
        ],
        (n, 1),
    )
    return np.hstack([shape, context, neighbours, document])


def _runs(
    member: npt.NDArray[np.bool_], words: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """For each paragraph in a run of `member` paragraphs, the run's length and words (zero
    outside runs). A menu is a long run of short lines; a subheading is a run of one between
    two stretches of prose."""
    n = len(member)
    length, total = np.zeros(n), np.zeros(n)
    start = 0
    while start < n:
        if not member[start]:
            start += 1
            continue
        end = start
        while end < n and member[end]:
            end += 1
        length[start:end] = end - start
        total[start:end] = words[start:end].sum()
        start = end
    return length, total


def _window_mean(values: npt.NDArray[np.float64], radius: int) -> npt.NDArray[np.float64]:
    """For each position, the mean of the values within `radius` of it, itself left out."""
    n = len(values)
    sums = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(n)
    low, high = np.maximum(index - radius, 0), np.minimum(index + radius + 1, n)
    around = sums[high] - sums[low] - values
    return np.asarray(around / np.maximum(high - low - 1, 1), dtype=np.float64)


def _takes_prose(matrix: npt.NDArray[np.float64], removed: npt.NDArray[np.bool_]) -> bool:
    """Whether `removed` leaves less than `MIN_PROSE_KEPT` of the words in paragraphs that
    are prose."""
    words = np.expm1(matrix[:, FEATURES.index("log_words")])
    prose = (matrix[:, FEATURES.index("ends_sentence")] > 0) & (words >= PROSE_MIN_WORDS)
    total = float(words[prose].sum())
    return bool(total) and float(words[prose & ~removed].sum()) < MIN_PROSE_KEPT * total


def strip_model_paragraphs(doc: Document, model: ParagraphModel | None = None) -> Document:
    """The document less the paragraphs the model is sure are boilerplate (plain text only:
    the model learned from plain text, and trafilatura already judged an HTML page's blocks).

    The model is asked again until it takes nothing more: what stands around a paragraph is
    part of its features, so a paragraph judged beside the chrome is judged anew once the
    chrome is gone, and cleaning the output again finds nothing to take."""
    model = model or shipped_model()
    if model is None or doc.format != "text":
        return doc
    language = doc.language or detect_language(doc.text)
    if language in UNSPACED_LANGUAGES:
        return doc
    paragraphs = doc.paragraphs
    removals: list[Removal] = []
    # The page's chrome the rules took, and what the model took as a dump's chrome in
    # earlier rounds (not what it took at the ordinary bar: that is no sign of a page).
    taken = sum(1 for removal in doc.removed if removal.category in PAGE_CATEGORIES)
    while len(paragraphs) >= 2:
        # A table's rows are short lines of figures, as a footer's are, but they are what a
        # list article or a results story says: the model neither takes them nor counts them
        # as evidence of a page dump.
        rows = table_rows(paragraphs)
        ordinary = np.array([i not in rows for i in range(len(paragraphs))])
        matrix = feature_matrix(paragraphs, language)
        scores, threshold = model.scores(matrix, ordinary, taken)
        removed = (scores >= threshold) & ordinary
        # The lower bar of a page dump is for its chrome: where it would take the bulk of
        # the prose as well, or every line, the dump's article was misjudged, and the
        # ordinary bar holds (as it does when the record is cleaned again, with no chrome
        # left to show it was a page).
        dump = threshold < model.threshold
        if dump and (removed.all() or _takes_prose(matrix, removed)):
            removed, dump = (scores >= model.threshold) & ordinary, False
        if not removed.any() or removed.all():
            break
        if dump:
            taken += int(removed.sum())
        removals += [
            Removal(MODEL_RULE, MODEL_CATEGORY, p, score=round(float(s), 3))
            for p, s, gone in zip(paragraphs, scores, removed, strict=True)
            if gone
        ]
        paragraphs = [p for p, gone in zip(paragraphs, removed, strict=True) if not gone]
    if not removals:
        return doc
    return doc.removing(removals, "\n\n".join(paragraphs))
