"""Teaser grids at the end of a text: kicker, headline, teaser, repeated, go; an article's own
labelled sections stay."""

from __future__ import annotations

from cleaners.document import Document
from cleaners.pipeline import clean
from cleaners.teasers import RULE_ID, is_glued_teaser_strip, is_kicker, strip_teaser_grid

ARTICLE = [
    "Stadia, Google's streaming gaming platform, launches today with a handful of games.",
    "What Does Stadia Offer?",
    "Stadia is Google's attempt to make cloud gaming happen, and the company has promised a lot.",
]
GRID = [
    "'A NATIONAL TRAGEDY'",
    "Watching This Koala Get Rescued From A Bushfire Is Heart-Wrenching",
    "Dozens of bushfires are spreading across Australia, burning more than two million acres.",
    "FAR OUT, MAN",
    "The Most Remote Places In The World, Visualized",
    "'YOU EITHER GET USED TO IT OR YOU DON'T",
    "Death By Train",
    "Almost half of America's engineers have operated a train that killed someone.",
    "LIFE AFTER FEDERER",
    "The Future Of Men's Tennis Is Finally, Hopefully, Probably Here",
]


def _doc(paragraphs: list[str]) -> Document:
    return Document(text="\n\n".join(paragraphs))


def test_grid_at_the_end_is_removed_and_recorded() -> None:
    cleaned = strip_teaser_grid(_doc(ARTICLE + GRID))
    assert cleaned.text == "\n\n".join(ARTICLE)
    assert [r.text for r in cleaned.removed] == GRID
    assert {r.rule for r in cleaned.removed} == {RULE_ID}
    assert {r.category for r in cleaned.removed} == {"related_links"}


def test_two_labelled_sections_are_the_article_own() -> None:
    labelled = ARTICLE + GRID[:5]  # two kicker-headline groups: below the minimum
    assert strip_teaser_grid(_doc(labelled)).text == "\n\n".join(labelled)


def test_grid_that_does_not_reach_the_end_stays() -> None:
    closing = "The service costs $129, and the company says more games will follow next year."
    text = ARTICLE + GRID + [closing, "Google said the price would not change."]
    assert strip_teaser_grid(_doc(text)).text == "\n\n".join(text)


def test_text_that_is_only_a_grid_keeps_its_first_paragraph() -> None:
    cleaned = strip_teaser_grid(_doc(GRID))
    assert cleaned.text.split("\n\n")[0] == GRID[0]


def test_kickers() -> None:
    assert is_kicker("FAR OUT, MAN") and is_kicker("DIGG PICKS | AFFILIATE")
    assert not is_kicker("Death By Train") and not is_kicker("2019")
    assert not is_kicker("THIS IS A SENTENCE SHOUTED IN CAPITALS FROM THE FIRST WORD TO THE LAST")


def test_the_pipeline_takes_the_pitch_above_a_grid_in_the_next_round() -> None:
    pitch = ["Want more stories like this?", "Every day we send an email with the top stories."]
    cleaned = clean("\n\n".join(ARTICLE * 3 + pitch + GRID))
    assert "FAR OUT, MAN" not in cleaned.text and "Want more stories" not in cleaned.text
    assert cleaned.text.endswith(ARTICLE[-1])


GLUED = (
    "RANDY ANDY Andrew parties in unearthed pics despite claiming he avoids PDAs TIME TRAVELLER "
    "Conspiracy theorists say they've spotted Greta Thunberg in 120-year-old pic ‘NAÏVE AND "
    "TRUSTING’ Grace Millane gave man on site a list EYE POPPING Russian Popeye has tricep removed"
)


def test_a_teaser_strip_without_line_breaks_goes_wherever_it_is() -> None:
    text = [ARTICLE[0], GLUED, ARTICLE[2]]
    cleaned = strip_teaser_grid(_doc(text))
    assert cleaned.text == "\n\n".join([ARTICLE[0], ARTICLE[2]])
    assert [(r.rule, r.text) for r in cleaned.removed] == [("teasers.glued-strip", GLUED)]


def test_acronyms_and_one_shouted_phrase_are_prose() -> None:
    for paragraph in (
        "The US EPA Administrator said NASA and ESA would work with the UK MOD on a plan.",
        "The sign read GET OUT NOW The crowd ignored it, and the POLICE CHIEF Said nothing.",
        GLUED.lower(),
    ):
        assert not is_glued_teaser_strip(paragraph)


def test_a_notice_shouted_whole_is_prose_and_kickers_keep_their_length() -> None:
    """Words in capitals run on for a whole notice: not teasers (and read in linear time,
    the kicker pattern being bounded). A kicker of MAX_KICKER_WORDS words still counts."""
    from cleaners.teasers import MAX_KICKER_WORDS

    shouted = "TERMS AND CONDITIONS APPLY TO ALL ORDERS " * 400
    assert not is_glued_teaser_strip(shouted)
    long_kicker = " ".join(["WORD"] * MAX_KICKER_WORDS)
    strip = " ".join(f"{long_kicker} Headline number {n} here" for n in range(3))
    assert is_glued_teaser_strip(strip)
