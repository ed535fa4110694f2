"""Headline, authors and dates reconciled from a page's sources (cleaners/metadata.py)."""

from __future__ import annotations

import pytest

from cleaners.html import Extracted, extract_html, load_tree
from cleaners.metadata import (
    byline_in_markup,
    choose_authors,
    choose_modified,
    choose_published,
    choose_title,
    dateline_date,
    datelines_near_headline,
    is_person,
    numeric_date,
    page_candidates,
    person_names,
    strip_site,
    url_date,
)

BODY = "<p>" + "The council met on Tuesday to weigh the plan for the river. " * 8 + "</p>"


def page(head: str, body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}<article>{BODY}</article></body></html>"


def river_page(json_ld_fields: str, body: str) -> Extracted:
    """A page under the headline "Council backs river plan" whose JSON-LD has these fields,
    extracted."""
    html = page(
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        f"{json_ld_fields}}}</script>",
        f"<h1>Council backs river plan</h1>{body}",
    )
    return extract_html(html, "https://gazette.example.com/a")


def candidates(html: str):  # type: ignore[no-untyped-def]
    tree, _ = load_tree(html)
    return page_candidates(tree)


def test_h1_confirmed_by_title_with_site_name_wins_over_seo_og_title() -> None:
    html = page(
        "<title>Council backs river plan | Gazette</title>"
        '<meta property="og:title" content="River plan: what you need to know">',
        "<h1>Council backs river plan</h1>",
    )
    chosen = choose_title(candidates(html), "https://gazette.example.com/a")
    assert (chosen.value, chosen.source) == ("Council backs river plan", "h1")


def test_site_name_suffix_and_prefix_are_stripped_only_when_they_name_the_site() -> None:
    sites = ("The Gazette",)
    assert strip_site("Council backs plan – The Gazette", sites, None) == "Council backs plan"
    assert strip_site("Gazette | Council backs plan", (), "gazette") == "Council backs plan"
    # "Fix It Friday" is no site: the colon stays.
    assert strip_site("Fix It Friday: a sofa", sites, "gazette") == "Fix It Friday: a sofa"


def test_title_without_h1_is_the_metadata_title_less_the_site_name() -> None:
    html = page(
        '<meta property="og:site_name" content="Left Brain Buddha">'
        "<title>How to Start Meditating - Left Brain Buddha</title>"
    )
    chosen = choose_title(candidates(html), "https://leftbrainbuddha.com/x")
    assert chosen.value == "How to Start Meditating"
    assert chosen.source == "title less site name"


def test_logo_h1_is_not_the_headline() -> None:
    html = page(
        '<meta property="og:site_name" content="Ambuja Yoga">'
        "<title>Best Retreat Insurance | Ambuja Yoga</title>",
        "<h1>Ambuja Yoga</h1><h1>Menu</h1>",
    )
    assert choose_title(candidates(html), "https://ambujayoga.com/x").value == (
        "Best Retreat Insurance"
    )


def test_no_candidate_no_title() -> None:
    assert choose_title(candidates(page("")), None).value is None


def test_h1_words_apart_at_block_boundaries() -> None:
    html = page("", "<h1>Top Programs of 2025<br>Your Guide</h1>")
    assert candidates(html).h1 == ("Top Programs of 2025 Your Guide",)


def test_json_ld_authors_nested_and_listed_organisation_left_out() -> None:
    html = page(
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "H", "author": [{"@type": "Person", "name": '
        '"Jane Doe"}, {"@type": "Person", "name": {"name": "John Roe"}}, {"@type": '
        '"Organization", "name": "Gazette"}, {"@type": "Person", "name": "Jane Doe"}]}]}</script>'
    )
    chosen = choose_authors(candidates(html), "https://gazette.example.com/a")
    assert chosen.value == ("Jane Doe", "John Roe")
    assert chosen.source == "json-ld"


def test_broken_json_ld_is_skipped_and_meta_author_used() -> None:
    html = page(
        '<script type="application/ld+json">{"@type": "Article", "author": </script>'
        '<meta name="author" content="By Jane Doe and John Roe">'
    )
    assert choose_authors(candidates(html), None).value == ("Jane Doe", "John Roe")


@pytest.mark.parametrize("value", ["Staff", "Reuters", "admin", "Updated January"])
def test_not_people(value: str) -> None:
    assert not is_person(value)


def test_word_list_examples() -> None:
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).parent.parent / "cleaners/data/metadata.toml").read_text())
    for value in data["not_person"]["examples_not_person"]:
        assert not is_person(value), value
    for value in data["not_person"]["examples_person"]:
        assert is_person(value), value


def test_outlet_name_is_no_author_but_a_personal_site_owner_is() -> None:
    assert person_names("Budlong", ("Budlong",), "budlong") == []
    assert person_names("Hardtail Team", ("Hardtail Team",), "hardtail") == []
    assert person_names("Kristian Larsen", (), "kristianlarsen") == ["Kristian Larsen"]
    assert person_names("Jane Doe, Reuters") == ["Jane Doe"]
    assert person_names("Doe, Jane") == ["Jane Doe"]


def test_byline_in_markup_label_then_name() -> None:
    tree, _ = load_tree(
        page("", '<div class="meta"><small>Written by</small><p><a>Cassidy Horton</a></p></div>')
    )
    assert byline_in_markup(tree) == ("Cassidy Horton",)
    tree, _ = load_tree(page("", "<p>By Amy Wilhelm</p>"))
    assert byline_in_markup(tree) == ("Amy Wilhelm",)
    # Prose that says "by" is no byline; nor is a label before a lower-case phrase.
    tree, _ = load_tree(page("", "<p>By continuing you agree to our terms</p>"))
    assert byline_in_markup(tree) == ()


def test_published_prefers_json_ld_and_never_takes_the_modified_date() -> None:
    html = page(
        '<meta property="article:modified_time" content="2025-02-22T22:13:14+00:00">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
        '"Article", "datePublished": "2021-08-12T19:35:44+00:00", "dateModified": '
        '"2025-02-22T22:13:14+00:00"}</script>'
    )
    found = candidates(html)
    published = choose_published(found)
    assert (published.value, published.source) == ("2021-08-12T19:35:44+00:00", "json-ld")
    assert choose_modified(found, published.value).value == "2025-02-22T22:13:14+00:00"


def test_modified_before_published_is_dropped() -> None:
    html = page(
        '<meta property="article:published_time" content="2024-05-02">'
        '<meta property="article:modified_time" content="2024-05-01">'
    )
    found = candidates(html)
    assert choose_modified(found, choose_published(found).value).value is None


def test_url_date() -> None:
    assert url_date("https://example.com/2024/03/05/story") == "2024-03-05"
    assert url_date("https://example.com/news/20240305/story") == "2024-03-05"
    assert url_date("https://example.com/2024/13/05/story") is None


def test_extract_html_records_where_each_value_came_from() -> None:
    html = page(
        "<title>Council backs river plan | Gazette</title>"
        '<meta name="author" content="Jane Doe">'
        '<meta property="article:published_time" content="2024-05-02T08:00:00+02:00">',
        "<h1>Council backs river plan</h1>",
    )
    extracted = extract_html(html, "https://gazette.example.com/a")
    assert extracted.title == "Council backs river plan"
    assert extracted.authors == ("Jane Doe",)
    assert extracted.published == "2024-05-02T08:00:00+02:00"
    assert dict(extracted.metadata_source) == {
        "title": "h1",
        "authors": "meta",
        "published": "meta",
    }


def test_dateline_forms() -> None:
    assert dateline_date("Published: January 3, 2024") == "2024-01-03"
    assert dateline_date("Dec 12, 2025 · 5 min read") == "2025-12-12"
    assert numeric_date("17.05.2021") == "2021-05-17"
    assert numeric_date("2/24/2026") == "2026-02-24"
    assert numeric_date("24/2/2026") == "2026-02-24"
    # Either day or month: no date rather than a guess.
    assert numeric_date("3/4/2025") is None
    assert numeric_date("v1.2.2025") is None
    # A sentence that holds a date is prose, not a dateline.
    assert (
        dateline_date("In a speech on March 5, 2024 the minister said the river plan would") is None
    )


def test_datelines_are_read_beside_the_headline_only() -> None:
    body = (
        "<p>Last updated:</p><p>Dec 12, 2025</p><h1>Council backs river plan</h1>"
        "<p>October 3, 2024</p>" + "<p>Share</p>" * 12 + "<p>March 1, 2020</p>"
    )
    tree, _ = load_tree(page("", body))
    lines = datelines_near_headline(tree, "Council backs river plan")
    assert [(line.date, line.updated) for line in lines] == [
        ("2024-10-03", False),
        ("2025-12-12", True),
    ]
    assert datelines_near_headline(tree, None)[0].date == "2024-10-03"
    # No headline on the page: no dateline.
    tree, _ = load_tree(page("", "<p>October 3, 2024</p>"))
    assert datelines_near_headline(tree, "Council backs river plan") == []


def test_no_markup_date_the_dateline_beside_the_headline_is_the_publication() -> None:
    html = page(
        "<title>Council backs river plan</title>",
        "<h1>Council backs river plan</h1><p>October 3, 2024</p>",
    )
    extracted = extract_html(html + "<footer>© 2023 Gazette</footer>", "https://g.example.com/a")
    assert extracted.published == "2024-10-03"
    assert dict(extracted.metadata_source)["published"] == "dateline"


def test_a_copyright_year_is_no_publication_date() -> None:
    html = page("<title>Council backs river plan</title>", "<h1>Council backs river plan</h1>")
    html = html.replace(
        "</body>", "<footer>Copyright © 2023 Gazette. All rights reserved.</footer></body>"
    )
    assert extract_html(html, "https://gazette.example.com/a").published is None


def test_a_modified_meta_tag_alone_is_no_publication_date() -> None:
    html = page(
        '<title>Council backs river plan</title><meta property="article:modified_time" '
        'content="2025-03-10T21:07:49+00:00">',
        "<h1>Council backs river plan</h1>",
    )
    extracted = extract_html(html, "https://gazette.example.com/a")
    assert extracted.published is None
    assert extracted.modified == "2025-03-10T21:07:49+00:00"


def test_an_update_stamp_is_the_date_of_last_resort() -> None:
    html = page(
        "<title>Council backs river plan</title>",
        "<h1>Council backs river plan</h1><p>Updated October 23, 2025</p>",
    )
    extracted = extract_html(html, "https://gazette.example.com/a")
    assert extracted.published == "2025-10-23"
    assert dict(extracted.metadata_source)["published"] == "dateline (updated)"
    # The URL's date is the publication; the stamp is not.
    assert extract_html(html, "https://gazette.example.com/2024/05/02/a").published == "2024-05-02"


def test_a_republication_stamp_gives_way_to_the_earlier_dateline() -> None:
    def published(json_dates: str, dateline: str) -> tuple[str | None, str | None]:
        extracted = river_page(f'"@type": "BlogPosting", {json_dates}', f"<p>{dateline}</p>")
        return extracted.published, dict(extracted.metadata_source)["published"]

    stamp = '"datePublished": "Jun 24, 2025", "dateModified": "Jun 24, 2025"'
    assert published(stamp, "August 25, 2024") == ("2024-08-25", "dateline")
    # A day apart is a time zone's difference, not a republication.
    assert published(stamp, "June 23, 2025") == ("2025-06-24", "json-ld")
    # A page modified after it was published states its first publication: it stands.
    dates = '"datePublished": "2024-02-01", "dateModified": "2025-04-19"'
    assert published(dates, "August 25, 2023") == ("2024-02-01", "json-ld")


def test_byline_examples() -> None:
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).parent.parent / "cleaners/data/metadata.toml").read_text())
    for pieces, expected in data["not_person"]["examples_byline"]:
        body = "<h1>Council backs river plan</h1>" + "".join(
            f"<span>{piece.strip()}</span>" for piece in pieces.split("|")
        )
        tree, _ = load_tree(page("", body))
        found = byline_in_markup(tree, headline="Council backs river plan")
        assert found == tuple(expected.split("; ")), pieces


def test_byline_nearest_the_headline_and_none_from_a_menu_above_it() -> None:
    menu = "<ul><li>Browse</li><li>By Modality</li></ul>" + "<p>Menu</p>" * 25
    body = menu + "<h1>Council backs river plan</h1><p>Share</p><p>By: Paul Fenaroli</p>"
    tree, _ = load_tree(page("", body))
    assert byline_in_markup(tree, headline="Council backs river plan") == ("Paul Fenaroli",)
    tree, _ = load_tree(page("", menu + "<h1>Council backs river plan</h1>"))
    assert byline_in_markup(tree, headline="Council backs river plan") == ()


def test_a_month_is_a_given_name_only_in_first_place() -> None:
    assert is_person("April Fulton")
    assert not is_person("Personal finance July")
    assert not is_person("August")  # alone, a month


def test_a_headline_that_starts_or_ends_with_words_of_the_site_name_keeps_them() -> None:
    title = "Docker Hardened Images: Security Independently Validated by SRLabs"
    assert strip_site(title, ("Docker",), "docker") == title
    assert strip_site(f"{title} | Docker", ("Docker",), "docker") == title
    title = "Small Business Guide: Cyber Security"
    sites = ("National Cyber Security Centre - NCSC.GOV.UK",)
    assert strip_site(title, sites, "ncsc") == title
    # The site's name with a word or two is still the site's name.
    assert strip_site("Gym Workouts | Gold's Gym Blog", ("Gold's Gym",), None) == "Gym Workouts"
    # A whole title taken for the site's name names no site.
    title = "15 Language Learning Apps Compared - Personally Tested"
    assert strip_site(title, (title,), "krioda") == title


def test_a_byline_runs_on_only_through_elements_like_its_names() -> None:
    head = "<h1>Council backs river plan</h1>"
    body = (
        head + '<p>Author:</p><a class="name">Melanie Hanson</a>'
        '<span class="label">Fact Checked</span><a class="name">Report Highlights</a>'
    )
    tree, _ = load_tree(page("", body))
    assert byline_in_markup(tree, headline="Council backs river plan") == ("Melanie Hanson",)
    body = (
        head + '<p>Written By</p><span class="date">Feb 11, 2019</span><a>Previous</a><a>Next</a>'
    )
    tree, _ = load_tree(page("", body))
    assert byline_in_markup(tree, headline="Council backs river plan") == ()
    body = head + "<h4>Contributors</h4><ul><li>Rob Mardisalu (Founder)</li></ul>"
    tree, _ = load_tree(page("", body))
    assert byline_in_markup(tree, headline="Council backs river plan") == ("Rob Mardisalu",)


def test_the_byline_under_the_headline_beats_the_account_that_posted_the_page() -> None:
    def authors(json_author: str, body: str) -> tuple[tuple[str, ...], str]:
        person = f'{{"@type": "Person", "name": "{json_author}"}}'
        extracted = river_page(f'"@type": "Article", "author": {person}', body)
        return extracted.authors, dict(extracted.metadata_source)["authors"]

    assert authors("KatieS", "<p>By: Aoife O'Riordan</p>") == (("Aoife O'Riordan",), "byline")
    # The same person, written another way: the markup's value stands.
    assert authors("Jean-Luc Aufranc (CNXSoft)", "<p>By Jean-Luc Aufranc</p>") == (
        ("Jean-Luc Aufranc (CNXSoft)",),
        "json-ld",
    )
    # A byline far down the page (a related story's) is no credit for this one.
    far = "<p>Share</p>" * 12 + "<p>By John Roe</p>"
    assert authors("Jane Doe", far) == (("Jane Doe",), "json-ld")


def test_a_site_name_in_brackets_at_the_end_goes() -> None:
    title = "The Fold-and-Cut Problem (Erik Demaine)"
    assert strip_site(title, (), "erikdemaine") == "The Fold-and-Cut Problem"
    # Brackets that are the headline's own stay.
    title = "Best Audiobook Subscriptions in 2025 [Tried 11 Services]"
    assert strip_site(title, ("Kristian Larsen",), "kristianlarsen") == title
