"""Reader comments after an article: bylines with "says:"/"said:" and a date mark the thread,
which goes from its heading to the end; an article's own quotes stay."""

from __future__ import annotations

from cleaners.comments import RULE_ID, strip_comment_thread, thread_start
from cleaners.document import Document
from cleaners.pipeline import clean

ARTICLE = [
    "The Chargers needed to win that game, and for most of the afternoon it looked as if they "
    "would not. Their quarterback threw two interceptions in the first half, the defense gave "
    "up a long touchdown drive, and the crowd in Mexico City was openly cheering for the other "
    "side by the third quarter.",
    "Coach Anthony Lynn said afterwards that the team had talked all week about finishing "
    'games. "We needed to win this game," he said. "We did what we had to do, and we will '
    'take it, but we know we have to clean a lot of things up before next week."',
    "The win keeps the Chargers two games behind in the division with six games left to play, "
    "and the schedule ahead of them includes three road games against teams that have already "
    "beaten them once this season, which leaves them very little room for another mistake.",
]
WORDPRESS_THREAD = [
    "34 responses to “Anthony Lynn: ‘We needed to win this game’”",
    "thelastchargersfan says:",
    "November 19, 2019 at 6:34 am",
    "It’s a good thing we have no fans left because this is a dumpster fire.",
    "joetoronto says:",
    "November 19, 2019 at 6:44 am",
    "It’s time for both Chargers fans to come to grips with reality.",
]
DATED_BYLINES = [
    "Comments",
    "Milan Griffes on September 12, 2018 at 4:47 pm said:",
    "Any update on how the follow-up paper will affect the recommendation?",
    "Catherine (GiveWell) on September 13, 2018 at 5:23 pm said:",
    "We haven’t yet reviewed it, but plan to consider it as part of our year-end review.",
]


def _doc(paragraphs: list[str]) -> Document:
    return Document(text="\n\n".join(paragraphs))


def test_a_thread_after_the_article_goes_from_its_heading() -> None:
    for thread in (WORDPRESS_THREAD, DATED_BYLINES):
        cleaned = strip_comment_thread(_doc(ARTICLE + thread))
        assert cleaned.text == "\n\n".join(ARTICLE)
        assert [r.text for r in cleaned.removed] == ["\n\n".join(thread)]
        assert {r.rule for r in cleaned.removed} == {RULE_ID}


def test_what_follows_the_thread_goes_with_it() -> None:
    footer = ["Leave a Reply", "Save my name, email, and website in this browser."]
    cleaned = strip_comment_thread(_doc(ARTICLE + WORDPRESS_THREAD + footer))
    assert cleaned.text == "\n\n".join(ARTICLE)


def test_quotes_in_an_article_are_no_thread() -> None:
    quotes = [
        "The senator said:",
        "“We will not vote for this bill as it stands.”",
        "Her opponent wrote:",
        "“The bill is the best chance we have had in a decade.”",
    ]
    assert thread_start(ARTICLE + quotes + ARTICLE) is None


def test_one_comment_or_a_thread_without_an_article_is_left_alone() -> None:
    assert thread_start(ARTICLE + WORDPRESS_THREAD[:4]) is None
    assert thread_start(WORDPRESS_THREAD) is None


def test_clean_removes_the_thread() -> None:
    cleaned = clean("\n\n".join(ARTICLE + WORDPRESS_THREAD))
    assert cleaned.paragraphs == ARTICLE
    assert RULE_ID in {r.rule for r in cleaned.removed}
