"""Authors and dates read from the byline and dateline paragraphs the rules removed."""

from __future__ import annotations

from cleaners import clean
from cleaners.byline import date_in_stamp, names_in_byline

BODY = (
    "The city council approved the new budget on Tuesday after a long debate about taxes, "
    "teachers and the state of the roads.\nThe mayor said the plan would add two hundred "
    "teachers and repair three bridges before the winter."
)


def test_names_in_a_byline() -> None:
    assert names_in_byline("By Mike Wuerthele and Malcolm Owen") == (
        "Mike Wuerthele",
        "Malcolm Owen",
    )
    assert names_in_byline("By Justine Coleman - 11/18/19 11:04 PM EST") == ("Justine Coleman",)
    assert names_in_byline("By Reuters") == ()
    assert names_in_byline("By Tuesday, the storm had moved north.") == ()


def test_dates_in_stamps() -> None:
    assert date_in_stamp("Published 11:11 PM EST Nov 19, 2019") == "2019-11-19"
    assert date_in_stamp("Published November 20th, 2019 - 07:29 GMT") == "2019-11-20"
    assert date_in_stamp("Updated 5:31 PM") is None


def test_removed_byline_and_stamp_become_metadata() -> None:
    doc = clean(f"By Jane Doe and John Roe\nPublished Nov 19, 2019 10:15 AM\n{BODY}")
    assert doc.authors == ("Jane Doe", "John Roe")
    assert doc.published == "2019-11-19"
    assert "Jane Doe" not in doc.text


def test_metadata_given_with_the_input_wins() -> None:
    doc = clean(f"By Jane Doe\n{BODY}", published="2020-01-02")
    assert doc.published == "2020-01-02"
    assert doc.authors == ("Jane Doe",)
