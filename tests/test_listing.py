"""Post listings: the same share row three times with posts between; the first post is the
article and stays, the later posts go, whatever the layout."""

from __future__ import annotations

from cleaners.document import Document
from cleaners.listing import ROW_RULE_ID, RULE_ID, listing_cut, strip_post_listing
from cleaners.pipeline import clean

ROW = "Whatsapp Facebook Pint Baixar"
ARTICLE = (
    "Living a true love story is one of the greatest pleasures of life. To like is to feel "
    "with the soul, but expressing feelings depends on the ideas of each one of us. Only "
    "those who love themselves can find a true love in their life."
)
POSTS = [
    "Life asks us for optimism and courage to expect the best and to make the best happen. "
    "Pessimism only stiffens the smile and locks the joints, it lets nobody move on from …",
    "What unites a family is love, care and wanting the best for each other. A united family "
    "is strength, the certainty of support, understanding and hands held out. Lívia Calado",
    "Gratitude for life is in the details: the smile on waking up, the prayer of thanks for "
    "being given one more day, the happiness that comes from within and that money …",
]


def test_posts_glued_after_the_article_go_with_their_rows() -> None:
    text = f"Messages » Self-esteem » Only who loves… {ROW} {ARTICLE} " + " ".join(
        f"{ROW} {post}" for post in POSTS
    )
    cleaned = strip_post_listing(Document(text=text))
    assert cleaned.text == f"Messages » Self-esteem » Only who loves…\n\n{ARTICLE}"
    assert [r.rule for r in cleaned.removed] == [ROW_RULE_ID, RULE_ID]
    assert cleaned.removed[0].text == ROW
    assert all(post in cleaned.removed[1].text for post in POSTS)


def test_rows_that_close_their_posts_keep_the_article() -> None:
    paragraphs = [ARTICLE, "Share Tweet Email", *[f"{p}\n\nShare Tweet Email" for p in POSTS]]
    cleaned = strip_post_listing(Document(text="\n\n".join(paragraphs)))
    assert ARTICLE in cleaned.text
    assert not any(post in cleaned.text for post in POSTS[1:])


def test_top_and_bottom_share_bars_are_not_a_listing() -> None:
    text = f"{ROW}\n\n{ARTICLE}\n\n{POSTS[0]}\n\n{ROW}\n\nMore from the author"
    assert listing_cut(text) is None


def test_rows_with_little_between_them_are_not_a_listing() -> None:
    # Whole-page text repeats the row for the desktop and the mobile page.
    row = "Facebook\n\nTwitter\n\nFlipboard\n\nWhatsApp\n\nEmail"
    text = f"{row}\n\nMenu\n\n{row}\n\n{ARTICLE}\n\n{POSTS[0]}\n\n{row}\n\nSections\n\n{row}"
    assert listing_cut(text) is None


def test_a_row_named_in_prose_is_not_a_row() -> None:
    text = " ".join(
        f"Posts on Facebook, Twitter, WhatsApp spread the rumour within hours. {p}" for p in POSTS
    )
    assert listing_cut(text) is None


def test_clean_keeps_the_article_of_a_listing() -> None:
    text = f"{ROW} {ARTICLE} " + " ".join(f"{ROW} {post}" for post in POSTS)
    cleaned = clean(text)
    assert cleaned.text == ARTICLE
    assert RULE_ID in {r.rule for r in cleaned.removed}


def test_a_text_whose_lowering_changes_its_length_is_cut_at_the_same_places() -> None:
    # "İ" lowers to two characters: offsets found in the lowered text would be off by one.
    article = f"İstanbul: {ARTICLE}"
    text = f"{ROW} {article} " + " ".join(f"{ROW} {post}" for post in POSTS)
    assert len(text.lower()) != len(text)
    assert strip_post_listing(Document(text=text)).text == article
