"""Hard-wrapped text: lines cut at a fixed width are joined back into their paragraphs; lines
that end short keep their break; text without a fixed width is left as it is."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from cleaners.pipeline import clean
from cleaners.unwrap import unwrap, wrap_width

PARAGRAPHS = [
    "WeWork is reportedly being investigated by the New York State Attorney General. According "
    "to Reuters, the questions include whether its founder and former chief executive engaged "
    "in self-dealing before the company's planned public offering was withdrawn in September.",
    "This comes less than a week after Bloomberg reported that WeWork is the subject of a "
    "Securities and Exchange Commission inquiry into potential rule violations related to its "
    "cancelled IPO, which the company has not commented on.",
    "A company spokesperson said in an email that it had received an inquiry from the office "
    "of the attorney general and was cooperating in the matter.",
]


def _wrapped(paragraphs: list[str], width: int = 80) -> str:
    return "\n\n".join(textwrap.fill(p, width) for p in paragraphs)


def test_wrapped_paragraphs_are_joined_back() -> None:
    text = _wrapped(PARAGRAPHS)
    assert wrap_width(text) is not None
    unwrapped, repairs = unwrap(text)
    assert unwrapped == "\n\n".join(PARAGRAPHS)
    assert repairs[0].kind == "hard_wraps"
    assert repairs[0].count == text.count("\n") - 2 * (len(PARAGRAPHS) - 1)


def test_a_word_broken_at_its_hyphen_is_joined_without_a_space() -> None:
    first = "Prosecutors asked whether the founder and the former chief executive did self-"
    broken = f"{first}\ndealing before the offering was withdrawn."
    assert len(first) <= 80  # "dealing" would not have fitted
    unwrapped = unwrap(f"{_wrapped(PARAGRAPHS)}\n\n{broken}")[0]
    assert unwrapped.endswith("executive did self-dealing before the offering was withdrawn.")


def test_short_lines_keep_their_breaks() -> None:
    heading_and_list = "## Andrei Rudkov\n\n- one item\n- another item\n\nPhoto: personal archive"
    text = f"{_wrapped(PARAGRAPHS)}\n\n{heading_and_list}\n\n{_wrapped(PARAGRAPHS)}"
    assert heading_and_list in unwrap(text)[0]


def test_text_without_a_fixed_width_is_left_alone() -> None:
    lines = "\n".join(PARAGRAPHS)  # one paragraph per line, no width
    assert unwrap(lines) == (lines, ())
    poem = "\n".join(["The rain in Spain", "falls mainly", "on the plain"] * 5)
    assert unwrap(poem) == (poem, ())


@given(st.integers(min_value=60, max_value=100))
def test_unwrapping_is_idempotent(width: int) -> None:
    once = unwrap(_wrapped(PARAGRAPHS, width))[0]
    assert unwrap(once)[0] == once


def test_clean_sees_whole_paragraphs() -> None:
    cleaned = clean(_wrapped(PARAGRAPHS))
    assert cleaned.paragraphs == PARAGRAPHS
    assert "hard_wraps" in {r.kind for r in cleaned.repairs}


def test_lines_of_a_script_without_spaces_are_joined_without_one() -> None:
    # Wrapped at 80 columns: 40 characters two columns wide each.
    line = "先日、不正に改造したを販売したとして、商標法違反の疑いで二十代の男性が逮捕されたと"
    lines = [line[:39] + "さ" for _ in range(6)]
    text = "\n".join([*lines, "れたというニュースを耳にしました。"])
    assert wrap_width(text) == 80
    unwrapped = unwrap(text)[0]
    assert "\n" not in unwrapped
    assert " " not in unwrapped
    assert unwrapped == "".join(lines) + "れたというニュースを耳にしました。"


def test_a_list_item_after_a_full_line_starts_its_own_line() -> None:
    full = "The menu below was rendered as a list, each item on a line of its own, as ever."
    assert len(full) == 79  # "* Home" would not have fitted after it at 80 columns
    text = f"{_wrapped(PARAGRAPHS)}\n\n{full}\n* Home\n* World news and the rest of the menu"
    assert wrap_width(text) == 80
    unwrapped = unwrap(text)[0]
    assert unwrapped.endswith(f"{full}\n* Home\n* World news and the rest of the menu")
