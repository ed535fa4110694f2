"""Learned site boilerplate: the pure part (what a line is, what may go)."""

from __future__ import annotations

from cleaners.document import Document
from cleaners.site_lines import is_site_line, line_key, line_keys, strip_site_lines

PROSE = (
    "The harbour authority said on Monday that the new container terminal would open in May, "
    "two years later than planned, because of supply problems and a strike."
)


def test_digits_case_and_spacing_fold_into_one_line() -> None:
    assert line_key("Updated 5:31 PM") == line_key("updated  9:02 pm")
    assert line_key("Updated 5:31 PM") != line_key("Published 5:31 PM")


def test_prose_is_never_a_site_line() -> None:
    doc = Document(text="\n\n".join(["Sign up for The Daily Harbour", PROSE]))
    keys = line_keys(doc)
    assert line_key("Sign up for The Daily Harbour") in keys
    assert line_key(PROSE) not in keys
    cleaned = strip_site_lines(
        doc, frozenset({line_key(PROSE), line_key("Sign up for The Daily Harbour")})
    )
    assert cleaned.text == PROSE
    assert [r.rule for r in cleaned.removed] == ["site.learned"]


def test_a_line_is_the_sites_when_enough_of_its_documents_share_it() -> None:
    assert not is_site_line(2, 10)
    assert is_site_line(3, 10)
    assert not is_site_line(3, 1000)
    assert is_site_line(50, 1000)


def test_nothing_learned_changes_nothing() -> None:
    doc = Document(text=PROSE)
    assert strip_site_lines(doc, frozenset()) is doc
