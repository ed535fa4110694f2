"""Page chrome in plain text: a page dump loses its menus, teasers and footers; an extracted
article, its lists and tables included, is left alone."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from cleaners import clean
from cleaners.chrome import (
    Klass,
    _block,
    _link_shapes,
    _mark_link_runs,
    _may_be_page_dump,
    _nearest,
    classify,
    is_page_dump,
    stopwords,
    strip_page_chrome,
    strip_trailing_link_list,
    title_anchor,
)
from cleaners.document import Document, Removal

ARTICLE = [
    "The city council voted on Tuesday to close the old library on Main Street and to move "
    "its collection to the new civic centre, which opens in the spring.",
    "The mayor said the building was too expensive to heat and that the move would save the "
    "city about two million dollars over the next ten years.",
    "Residents who spoke at the meeting were divided: some said the library was part of the "
    "history of the town, others that the new centre would be easier to reach.",
    "The council will decide what to do with the old building at its next meeting in March.",
]
MENU = [
    *("Home", "News", "Local", "Sports", "Business", "Opinion", "Weather", "Obituaries"),
    *("Jobs", "Cars", "Real Estate", "Classifieds", "Entertainment", "Food", "Travel"),
]
FOOTER = [
    *("About Us", "Contact", "Privacy Policy", "Terms of Use", "Advertise", "Careers"),
    *("Newsletters", "Archives", "Site Map", "Help"),
]
TEASERS = [
    "Five things to know about the new stadium",
    "Why the river keeps flooding",
    "Local bakery wins state award",
    "Police look for witnesses to crash",
]


# What the rules took from a page dump before the chrome stage sees it: its footer's copyright.
FOOTER_EVIDENCE = (Removal("footer.copyright", "copyright", "© 2019 Town Herald"),)


def _page(*parts: list[str], evidence: bool = True) -> Document:
    return Document(
        text="\n\n".join(line for part in parts for line in part),
        language="en",
        removed=FOOTER_EVIDENCE if evidence else (),
    )


def test_page_dump_keeps_only_the_article() -> None:
    doc = _page(
        ["Council closes library - Town Herald"],
        MENU,
        ["Council closes library"],
        ARTICLE,
        ["Most read"],
        TEASERS,
        FOOTER,
    )
    cleaned = strip_page_chrome(doc)
    assert cleaned.text == "\n\n".join(ARTICLE)
    assert {r.rule for r in cleaned.removed[len(FOOTER_EVIDENCE) :]} == {"chrome.page"}
    assert "Privacy Policy" in {r.text for r in cleaned.removed}


def test_an_extraction_from_html_is_never_taken_for_a_page_dump() -> None:
    """The same lines, as trafilatura's output of a page: a list-heavy article (a round-up, a
    guide) has the line shapes of a dump, and the extractor has already chosen the article."""
    doc = replace(
        _page(
            ["Council closes library - Town Herald"],
            MENU,
            ["Council closes library"],
            ARTICLE,
            ["Most read"],
            TEASERS,
            FOOTER,
        ),
        format="html",
    )
    assert strip_page_chrome(replace(doc, format="text")).text != doc.text
    assert strip_page_chrome(doc) is doc


def test_a_page_dump_loses_its_chrome_through_the_whole_pipeline() -> None:
    page = [
        "Council closes library - Town Herald",
        *MENU,
        "Council closes library",
        *ARTICLE,
        "Most read",
        *TEASERS,
        *MENU,
        *FOOTER,
        "© 2019 Town Herald. All rights reserved.",
    ]
    assert clean("\n\n".join(page)).text == "\n\n".join(ARTICLE)


def test_a_table_article_without_page_chrome_is_left_alone() -> None:
    """A stats table is a run of short lines, like a menu; what tells it from a page dump is
    that nothing of a page (menu, footer, share buttons) came with it."""
    players = ["Larry Ogunjobi", "Myles Garrett", "Chad Thomas", "Sheldon Richardson"]
    players += ["Chris Smith", "Devaroe Lawrence", "Eli Ankou", "Sione Takitaki"]
    table = ["Pos", "Player", "Plays", "Stats"]
    for number, player in enumerate(players):
        table += ["DL", player, str(60 - number), f"{number} tackles, {number + 1} assists."]
    doc = _page(ARTICLE[:2], ["Defensive line"], table, ARTICLE[2:], evidence=False)
    assert strip_page_chrome(doc) is doc
    # The same lines with a page's footer taken by the rules read as a page dump.
    assert strip_page_chrome(_page(ARTICLE[:2], table, ARTICLE[2:])).text != doc.text


def test_lines_the_rules_took_still_count_as_the_pages_chrome() -> None:
    """A dump whose menus the rules mostly took looks like an article by what is left; what
    was taken is still part of its shape."""
    doc = _page(["Council closes library - Town Herald"], MENU[:8], ARTICLE, TEASERS)
    assert strip_page_chrome(doc) is doc
    taken = tuple(Removal("browser.navigation", "navigation", line) for line in FOOTER * 3)
    cleaned = strip_page_chrome(replace(doc, removed=taken))
    assert cleaned.text == "\n\n".join(ARTICLE)


def test_article_text_is_left_alone() -> None:
    doc = _page(["Council closes library"], ARTICLE)
    assert strip_page_chrome(doc) is doc


def test_a_list_article_is_not_a_page_dump() -> None:
    dates = [f"June {day} -- Riverside Amphitheatre, Springfield" for day in range(1, 30)]
    doc = _page(ARTICLE[:2], ["The band's tour dates:"], dates)
    assert strip_page_chrome(doc).text == doc.text


def test_the_article_is_found_under_its_headline_not_in_the_comments() -> None:
    comments = [
        "I have lived in this town for forty years and I think the council is making a big "
        "mistake, because the library is the only place where old people can meet in winter.",
        "The new centre is too far from the bus station and the parking is expensive, which "
        "the council seems to have forgotten when it made this decision without asking us.",
        "Why does nobody ask the people who actually use the library what they want? It was "
        "the same with the swimming pool and the park, and it will be the same again.",
        "My children learned to read in that library and I am sad that it will close, but I "
        "understand that the town has no money and that something had to be done about it.",
        "This is what happens when you elect people who never set foot in a public library "
        "and think that everything can be replaced by a building full of computers.",
    ]
    form = ["Share", "Tweet", "Email", "12 Comments", "Leave a Reply", "Name", "Email", "Website"]
    signed = [line for c in comments for line in ("Reader on March 3 at 9:15 am said:", c)]
    headline = ["Council closes library"]
    doc = _page(["Council closes library - Town Herald"], MENU, headline, ARTICLE, form, signed)
    cleaned = strip_page_chrome(doc)
    assert cleaned.text == "\n\n".join(ARTICLE)


def test_title_anchor_finds_the_headline() -> None:
    paragraphs = ["Council closes library | Town Herald", "Home", "Council closes library", "x"]
    assert title_anchor(paragraphs, None) == 2
    assert title_anchor(["Home", "News"], "Something else") is None


def test_a_trailing_list_of_headlines_is_a_related_box() -> None:
    related = [
        "- Why the river keeps flooding",
        "- Local bakery wins award",
        "- Police seek witnesses",
    ]
    doc = Document(text="\n\n".join([*ARTICLE, *related]), language="en")
    cleaned = strip_trailing_link_list(doc)
    assert cleaned.text == "\n\n".join(ARTICLE)
    assert {r.category for r in cleaned.removed} == {"related_links"}


def test_a_trailing_list_of_steps_or_facts_stays() -> None:
    steps = ["- Boil the water.", "- Add the pears and the honey.", "- Stir for ten minutes."]
    doc = Document(text="\n\n".join([*ARTICLE, *steps]), language="en")
    assert strip_trailing_link_list(doc) is doc


CLASSES: list[Klass] = ["good", "neargood", "short", "bad"]


def _nearest_one(classes: list[Klass], index: int, step: int, skip: frozenset[str]) -> Klass:
    index += step
    while 0 <= index < len(classes):
        if classes[index] not in skip:
            return classes[index]
        index += step
    return "bad"


@given(st.lists(st.sampled_from(CLASSES), max_size=40), st.sets(st.sampled_from(CLASSES)))
def test_nearest_is_the_nearest_class_not_skipped_on_each_side(
    classes: list[Klass], skip: set[str]
) -> None:
    before, after = _nearest(classes, frozenset(skip))
    assert before == [_nearest_one(classes, i, -1, frozenset(skip)) for i in range(len(classes))]
    assert after == [_nearest_one(classes, i, 1, frozenset(skip)) for i in range(len(classes))]


SHORT_LINES = [*MENU[:6], *TEASERS, "Scores: 3-1", "| a | b |", "2019", "Read more."]


# Prose and short lines in any proportion and order: texts on both sides of the short-line test.
@given(
    st.lists(st.sampled_from(ARTICLE), max_size=50),
    st.lists(st.sampled_from(SHORT_LINES), max_size=30),
    st.randoms(),
    st.integers(0, 12),
)
def test_a_text_with_too_few_short_lines_is_never_a_page_dump(
    prose: list[str], short: list[str], order: random.Random, taken: int
) -> None:
    paragraphs = prose + short
    order.shuffle(paragraphs)
    plain = [_block(p, stopwords("en")) for p in paragraphs]
    menu_like, _ = _link_shapes(plain)
    blocks = _mark_link_runs(plain, menu_like)
    if is_page_dump(blocks, classify(blocks), taken):
        assert _may_be_page_dump(paragraphs, taken)
