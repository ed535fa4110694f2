"""Paragraph shapes: how a paragraph ends, tested on its last characters, agrees with the
regular expressions that say it."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.text_shape import ends_like_sentence, ends_with_full_stop, table_rows

_SENTENCE_END = regex.compile(r"""[.!?。！？…](?:["'”’»)\]]*)$""")
_FULL_STOP_END = regex.compile(r"""[.;,:](?:["'”’»)\]]*)$""")
_PIECES = [*".!?。！？…;,:\"'”’»)]", "\n", "\r", "\u2028", "\x85", "a", " ", "\n\n"]


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
def test_endings_agree_with_their_patterns(text: str) -> None:
    assert ends_like_sentence(text) == (_SENTENCE_END.search(text) is not None)
    assert ends_with_full_stop(text) == (_FULL_STOP_END.search(text) is not None)


def test_endings() -> None:
    assert ends_like_sentence("He left.”") and ends_like_sentence("Really?!")
    assert not ends_like_sentence("Latest news") and not ends_like_sentence("")
    assert ends_with_full_stop("one, two,") and not ends_with_full_stop("A headline")


def test_table_rows_are_runs_with_one_cell_count() -> None:
    rows = [f"Row {n} | {n * 7} points" for n in range(3)]
    assert table_rows(["Intro.", *rows, "Outro."]) == {1, 2, 3}
    assert table_rows(["a\tb\tc", "d\te\tf", "g\th\ti", "j\tk"]) == {0, 1, 2}
    # Two rows, or rows whose cell counts differ, are not a table.
    assert table_rows(rows[:2]) == set()
    assert table_rows(["a | b", "a | b | c", "a | b", "a | b | c"]) == set()
    assert table_rows(["plain", "lines", "here"]) == set()
    assert table_rows([]) == set()
