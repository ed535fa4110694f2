"""Plain-text headers: title, site name, date and URL lines become metadata; nothing invented."""

from __future__ import annotations

from cleaners import clean
from cleaners.header import parse_date_line

BODY = "\n".join(
    [
        "The city council approved the new budget on Tuesday after a long debate.",
        "The mayor said the plan would add 200 teachers and repair three bridges.",
        "Opponents said the tax increase would hurt small businesses in the centre.",
    ]
)


def test_title_date_and_url_lines_become_metadata() -> None:
    doc = clean(f"Council passes budget\n2021-11-30\nhttps://example.com/news/budget\n{BODY}")
    assert doc.title == "Council passes budget"
    assert doc.published == "2021-11-30"
    assert doc.url == "https://example.com/news/budget"
    assert doc.text.startswith("The city council approved")


def test_repeated_title_with_site_suffix_gives_the_site_name() -> None:
    doc = clean(f"Council passes budget - City Herald\nCouncil passes budget\n{BODY}")
    assert doc.title == "Council passes budget"
    assert doc.site_name == "City Herald"
    assert "City Herald" not in doc.text


def test_a_sentence_is_never_a_title() -> None:
    doc = clean(BODY)
    assert doc.title is None
    assert doc.text.startswith("The city council approved")


def test_a_one_line_document_is_body_text() -> None:
    line = "Council passes budget after long debate on taxes and teachers in the city"
    doc = clean(line)
    assert doc.title is None and doc.text == line


def test_title_given_by_the_input_wins() -> None:
    doc = clean(BODY, title="From the feed")
    assert doc.title == "From the feed"


def test_date_lines() -> None:
    assert parse_date_line("20211130") == "2021-11-30"
    assert parse_date_line("November 30, 2021") == "2021-11-30"
    assert parse_date_line("30 Nov 2021") == "2021-11-30"
    assert parse_date_line("2021-11-30T10:15:00Z") == "2021-11-30T10:15:00+00:00"
    assert parse_date_line("20211331") is None
    assert parse_date_line("The 2021 budget") is None
