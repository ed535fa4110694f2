"""Which parts of a line a repair left as they were: the same answer as a character-level
alignment, in bounded pieces on long lines."""

from __future__ import annotations

import difflib
import random

import pytest

import cleaners.alignment as alignment
from cleaners.alignment import CHARACTER_ALIGNMENT_LIMIT, unchanged_spans
from cleaners.mojibake import repair_mojibake


def _difflib_spans(before: str, after: str) -> list[tuple[int, int]]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(j1, j2) for tag, _, _, j1, j2 in matcher.get_opcodes() if tag == "equal"]


def _one_line_with_cp1252_quotes(gold_texts: dict[str, str], minimum: int) -> tuple[str, str]:
    """An article extracted as a single paragraph, its apostrophes and quotes as the C1
    controls of cp1252 read as latin-1 (what ftfy repairs), and the line repaired."""
    words = " ".join(" ".join(gold_texts.values()).split())
    line = words[: minimum + words[minimum:].find(" ")]
    damaged = line.replace("’", "\x92").replace("“", "\x93").replace("”", "\x94")
    damaged += " It\x92s the \x93same\x94 line."
    return damaged, damaged.replace("\x92", "’").replace("\x93", "“").replace("\x94", "”")


@pytest.mark.parametrize("length", [500, 2 * CHARACTER_ALIGNMENT_LIMIT, 20_000])
def test_spans_are_those_of_a_character_alignment(gold_texts: dict[str, str], length: int) -> None:
    before, after = _one_line_with_cp1252_quotes(gold_texts, length)
    assert unchanged_spans(before, after) == _difflib_spans(before, after)


def test_a_long_line_is_aligned_in_short_pieces(
    gold_texts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No character alignment beyond the limit, whatever the line's length: the cost stays
    linear in the line (a 60,000-character line took minutes character by character)."""
    sizes: list[int] = []
    real = difflib.SequenceMatcher

    def recording(junk: object, a: str, b: str, autojunk: bool = True) -> object:
        sizes.append(max(len(a), len(b)))
        return real(None, a, b, autojunk=autojunk)

    monkeypatch.setattr(alignment.difflib, "SequenceMatcher", recording)
    before, after = _one_line_with_cp1252_quotes(gold_texts, 60_000)
    spans = unchanged_spans(before, after)
    assert sizes and max(sizes) <= CHARACTER_ALIGNMENT_LIMIT
    # Everything but the repaired quotes is found unchanged.
    assert sum(end - start for start, end in spans) == len(after) - after.count("’") - after.count(
        "“"
    ) - after.count("”")


def test_repeated_text_without_anchors_keeps_its_common_ends() -> None:
    before = "ab " * 5000 + "\x92" + " cd" * 5000
    after = before.replace("\x92", "’")
    spans = unchanged_spans(before, after)
    assert spans == [(0, 15000), (15001, len(after))]


def test_spans_hold_only_unchanged_text() -> None:
    rng = random.Random(5)
    alphabet = "abcdefgh ijkl\x92\x93"
    for _ in range(50):
        before = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 6000)))
        after = before.replace("\x92", "’").replace("\x93", "")
        spans = unchanged_spans(before, after)
        # In order, not overlapping, each text found in `before` in the same order.
        position = 0
        for (start, end), following in zip(spans, [*spans[1:], None], strict=True):
            assert start < end and (following is None or end <= following[0])
            found = before.find(after[start:end], position)
            assert found >= 0
            position = found + end - start


def test_a_whole_article_on_one_line_is_repaired(gold_texts: dict[str, str]) -> None:
    before, after = _one_line_with_cp1252_quotes(gold_texts, 12_000)
    repaired, _ = repair_mojibake(before)
    assert repaired == after
