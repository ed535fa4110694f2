"""Quality flags: raised where the seeds need them, and rare on real, normal articles."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners import FLAGS, clean
from cleaners.assess import is_spun, is_truncated
from tests.conftest import SEEDS

# Flags about the text itself; `encoding_repaired` and `boilerplate_heavy` describe cleaning.
CONTENT_FLAGS = ("machine_translated", "spun_text", "developing_story", "truncated", "not_article")


@pytest.fixture(scope="module")
def gold_flag_counts(gold_texts: dict[str, str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in gold_texts.values():
        counts.update(clean(text).flags)
    return counts


@pytest.mark.parametrize("flag", CONTENT_FLAGS)
def test_flag_is_rare_on_normal_articles(
    flag: str, gold_flag_counts: Counter[str], gold_texts: dict[str, str]
) -> None:
    assert gold_flag_counts[flag] <= 0.01 * len(gold_texts), gold_flag_counts


def test_flags_come_from_the_fixed_vocabulary(gold_flag_counts: Counter[str]) -> None:
    assert set(gold_flag_counts) <= set(FLAGS)


def test_spun_copy_is_flagged_and_its_source_wording_is_not() -> None:
    spun = (SEEDS / "003_811bd8f394299fdd.txt").read_text(encoding="utf-8")
    assert is_spun(spun)
    natural = (SEEDS / "001_d716f7244f1dd569.txt").read_text(encoding="utf-8")
    assert not is_spun(natural)


def test_truncation_is_where_no_writer_stops() -> None:
    body = "The council met on Monday. It voted to close the library on Sundays, and the mayor"
    assert is_truncated(body + " said that the")
    assert is_truncated(body + " promised a review of the decision next…")
    assert not is_truncated(body + " promised a review of the decision next year.")
    assert not is_truncated(body + "\n\nPhoto: Reuters")


def test_developing_story_marker_is_removed_and_flagged() -> None:
    text = (
        "The fire started at noon, officials said, and spread to two buildings.\n\nMore to follow…"
    )
    doc = clean(text)
    assert "developing_story" in doc.flags
    assert "More to follow" not in doc.text


# Phrase words, and what may stand between or inside tokens.
_PHRASE_WORDS = "cellphone name with out officers stated mentioned is just not got here the place"
_SPIN_PIECES = [
    *_PHRASE_WORDS.split(),
    *("he", "u.s.", "final", "month's", "yr", "in", "keeping"),
    *(" ", ", ", ".", "'", "’", "_", "é", "\u0301", "\n\n", "K"),
]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_SPIN_PIECES), max_size=40).map("".join))
def test_spun_shortcut_agrees_with_the_evidence(text: str) -> None:
    from cleaners.assess import _spin_phrases, spin_evidence

    assert is_spun(text) == (len(spin_evidence(text)) >= _spin_phrases()[1])
