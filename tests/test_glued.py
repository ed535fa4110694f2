"""Boilerplate glued into a long paragraph: cut at the seams, the pieces a rule takes go, the
rest is joined back unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaners.document import Document
from cleaners.glued import pieces, strip_glued_boilerplate
from cleaners.pipeline import clean

STORY = (
    "Dow component Home Depot reported third-quarter earnings that topped estimates as revenue "
    "fell short, sending shares lower ahead of the opening bell. Rival Lowe's was also lower "
    "following the results, and analysts said the retailer's guidance for the holiday quarter "
    "was more cautious than the market had expected after a strong summer of sales."
)
CLOSING = "Home Depot shares are up 39 percent year-to-date while the S&P 500 is up 24.5 percent."


def test_seams() -> None:
    assert pieces("in the Fan Vote.You may also like...Who will") == [
        "in the Fan Vote.",
        "You may also like...",
        "Who will",
    ]
    assert pieces("BY CLICKING HEREHome Depot") == ["BY CLICKING HERE", "Home Depot"]
    assert pieces("November 19, 2019Updated at 1:23 p.m.") == [
        "November 19, 2019",
        "Updated at 1:23 p.m.",
    ]
    assert pieces("he said.”The next") == ["he said.”", "The next"]
    # A word in capitals is a button's label after a full stop too.
    assert pieces("weekday mornings.SUBSCRIBENov. 20, 2019") == [
        "weekday mornings.",
        "SUBSCRIBE",
        "Nov. 20, 2019",
    ]


def test_no_seam_inside_names_initials_or_opening_quotes() -> None:
    for text in (
        "New York, U.S., November 18, 2019",
        "Ronald McDonald met LeBron James and J.R.R. Tolkien",
        'his book, "Out There" (Grand Central)',
        "ZDNet may earn a commission",
        "This slideshow requires JavaScript, and the YouTube player a WordPress plugin.",
    ):
        assert pieces(text) == [text]


@given(st.text(alphabet="aZ.”\"' 9É", max_size=40))
def test_pieces_join_back_to_the_paragraph(text: str) -> None:
    assert "".join(pieces(text)) == text


def test_glued_widgets_go_and_the_story_stays_as_it_was() -> None:
    glued = (
        f"{STORY}Continue Reading BelowGET FOX BUSINESS ON THE GO BY CLICKING HERE{CLOSING}"
        "READ MORE ON FOX BUSINESS BY CLICKING HERE"
    )
    cleaned = strip_glued_boilerplate(Document(text=glued))
    assert cleaned.text == STORY + CLOSING
    assert [r.text for r in cleaned.removed] == [
        "Continue Reading Below",
        "GET FOX BUSINESS ON THE GO BY CLICKING HERE",
        "READ MORE ON FOX BUSINESS BY CLICKING HERE",
    ]


def test_short_paragraphs_and_long_pieces_are_left_whole() -> None:
    short = "Updated at 1:23 p.m.Continue Reading Below"
    assert strip_glued_boilerplate(Document(text=short)).text == short
    # No seam between the story and the caption credit at its end: the piece is the whole
    # story, far longer than a widget, and a caption rule must not take it.
    long_piece = STORY + " A trader works on the floor. REUTERS/Brendan McDermid"
    assert strip_glued_boilerplate(Document(text=long_piece)).text == long_piece


def test_a_glued_list_heading_takes_the_headlines_after_it() -> None:
    glued = (
        f"{STORY}You may also like...Who will make the Rock Hall in 2020?"
        "Dave Matthews Band takes over Rock Hall Fan Vote"
    )
    cleaned = strip_glued_boilerplate(Document(text=glued))
    assert cleaned.text == STORY
    assert {r.rule for r in cleaned.removed} == {"related.heading"}
    assert len(cleaned.removed) == 3


def test_a_glued_caption_goes_before_a_span_rule_takes_its_credit() -> None:
    # The credit is what shows the caption for one: the pieces are tried before the rules
    # that take a credit out of running text on its own.
    caption = "The violent birth of a galaxy cluster, with gas shown in red (Image credit: TNG)"
    text = f"{STORY}{caption}{CLOSING} {STORY}"
    cleaned = clean(text)
    assert caption not in cleaned.text
    assert "galaxy" not in cleaned.text
    assert cleaned.text.count(STORY) == 2
    assert CLOSING in cleaned.text
