"""Text from an HTML-to-text renderer (Markdown, a text browser's dump): a link keeps its
words and loses its brackets and address; reference definitions and lists go; heading and
emphasis marks go where the text is Markdown; a footnote marker that nothing defines, and
asterisks in plain text, stay."""

from __future__ import annotations

import textwrap

from cleaners.pipeline import clean
from cleaners.rendered import RULE_ID, References, sole_headline, strip_markdown, take_references

BODY = (
    "[WeWork][1] is reportedly being investigated by the attorney general. According to "
    "[Reuters][2], the questions include self-dealing. This comes after [Bloomberg reported "
    "][3]WeWork is the subject of an inquiry."
)
DEFINITIONS = (
    "[1]: https://www.wework.com/\n"
    "[2]: https://www.reuters.com/article/us-wework-newyork-investigation-exclusiv/ex\n"
    "clusive-new-york-state-attorney-general-investigating-wework-sources\n"
    "[3]: https://www.reuters.com/article/us-wework-sec/wework-faces-us-sec-inquiry-o\n"
    "1J"
)
WORDS = (
    "WeWork is reportedly being investigated by the attorney general. According to "
    "Reuters, the questions include self-dealing. This comes after Bloomberg reported "
    "WeWork is the subject of an inquiry."
)


def _markdown(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Text, removal rules and repair kinds, as the pipeline's rendering stage runs them."""
    text, removals, references = take_references(text)
    text, repairs = strip_markdown(text, references)
    return text, tuple(r.rule for r in removals), tuple(r.kind for r in repairs)


def test_reference_links_keep_their_words_and_the_definitions_go() -> None:
    text, removals, references = take_references(f"{BODY}\n\n{DEFINITIONS}\n")
    assert references == References(markdown=frozenset({"1", "2", "3"}))
    assert [r.rule for r in removals] == [RULE_ID]
    assert "clusive-new-york" in removals[0].text
    assert removals[0].text.endswith("1J")
    words, repairs = strip_markdown(text, references)
    assert words.strip() == WORDS
    assert repairs[0].kind == "link_markup"
    assert repairs[0].count == 3


def test_a_word_after_the_definitions_is_not_part_of_an_address() -> None:
    text = take_references(f"{BODY}\n\n{DEFINITIONS}\nAdvertisement")[0]
    assert text.rstrip().endswith("\nAdvertisement")


def test_a_label_nothing_defines_is_not_a_link() -> None:
    text = (
        "Alarm fatigue is a known hazard [1] and [see note][2] the studies agree.\n\n"
        "[1] Alarm fatigue: impacts on patient safety, Ruskin KJ. 2015; 28: 685-690."
    )
    assert _markdown(text) == (text, (), ())


def test_inline_links_of_any_scheme_keep_their_words_and_images_go() -> None:
    text = (
        "![](https://example.com/photo.jpg) The council published "
        '[the full report](https://example.com/report.pdf "Report") on Monday. '
        "[Email](mailto:?subject=Council) [![logo](https://example.com/l.png)](https://x.com/)"
    )
    reduced, removals, repairs = _markdown(text)
    assert reduced.strip() == "The council published the full report on Monday. Email"
    assert removals == ()
    assert "link_markup" in repairs


def test_marks_go_from_markdown_and_stay_in_plain_text() -> None:
    markdown = (
        "## Andrei Rudkov\n\n**Account:** [@darkzip](https://instagram.com/darkzip)\n\n"
        "_Getty Images_ \\- 2019, a *fine* day\n\n* * *\n\nsnake_case_name stays, 2*3*4 too"
    )
    assert _markdown(markdown)[0] == (
        "Andrei Rudkov\n\nAccount: @darkzip\n\nGetty Images - 2019, a fine day\n\n\n"
        "snake_case_name stays, 2*3*4 too"
    )
    plain = "# 1 seed\n\nThe *real* story, said the #MeToo activist, is in the **footnotes**."
    assert _markdown(plain) == (plain, (), ())


def test_clean_records_what_it_took() -> None:
    cleaned = clean(f"{BODY}\n\n{DEFINITIONS}")
    assert cleaned.text == WORDS
    assert "https" not in cleaned.text
    assert RULE_ID in {r.rule for r in cleaned.removed}
    assert "link_markup" in {r.kind for r in cleaned.repairs}


def test_wrapped_markdown_is_joined_before_its_links_go() -> None:
    # The renderer wrapped the lines with the addresses in them: the lines are joined where
    # the renderer broke them, and an address cut at a hyphen is whole again before it goes.
    paragraph = (
        "WeWork is reportedly being investigated by the New York State Attorney General. "
        "According to [Reuters](https://www.reuters.com/article/us-wework-newyork-"
        "investigation-exclusiv/exclusive-new-york-state-attorney-general-investigating), "
        "the questions include whether its founder engaged in self-dealing before the "
        "offering was withdrawn, two people familiar with the matter said on Monday."
    )
    wrapped = "\n\n".join([textwrap.fill(paragraph, 78)] * 3)
    cleaned = clean(wrapped)
    assert (
        cleaned.paragraphs
        == [
            paragraph.replace(
                "[Reuters](https://www.reuters.com/article/us-wework-newyork-investigation-exclusiv/"
                "exclusive-new-york-state-attorney-general-investigating)",
                "Reuters",
            )
        ]
        * 3
    )


def test_the_one_top_level_heading_of_markdown_is_the_title() -> None:
    page = (
        "* [Home](https://example.com/)\n* [World](https://example.com/world)\n\n"
        "# Council passes the budget\n\n"
        "The council approved the budget on Tuesday after a long debate in the chamber.\n\n"
        "## More from World\n\n[Other story](https://example.com/other)"
    )
    assert sole_headline(page) == "Council passes the budget"
    assert clean(page).title == "Council passes the budget"
    assert sole_headline("# Logo\n\n# Headline") is None
    # A title given from outside wins; plain text with a hash sign has none.
    assert clean(page, title="Given").title == "Given"
    assert clean("# 1 seed of the tournament\n\nThe team won again on Sunday.").title is None


def test_a_text_browsers_markers_and_references_go() -> None:
    dump = (
        "   #[10]TechCrunch Feed\n\n"
        "   [8]WeWork is reportedly being investigated. According to [9]Reuters, the\n"
        "   questions include self-dealing [12] (a footnote nothing lists stays).\n\n"
        "References\n\n   Visible links:\n   8. https://www.wework.com/\n"
        "   9. https://www.reuters.com/article/x\n\n   Hidden links:\n  10. file://localhost/x\n"
    )
    text, removals, repairs = _markdown(dump)
    assert " ".join(text.split()) == (
        "TechCrunch Feed WeWork is reportedly being investigated. According to Reuters, the "
        "questions include self-dealing [12] (a footnote nothing lists stays)."
    )
    assert removals == (RULE_ID,)
    assert "link_markers" in repairs
    assert "markdown_marks" not in repairs


def test_an_articles_own_numbered_references_stay() -> None:
    article = (
        "Alarm fatigue is a known hazard [1] in intensive care.\n\n"
        "References\n\n1. Ruskin KJ. Alarm fatigue: impacts on patient safety. 2015.\n"
        "2. Joint Commission. National Patient Safety Goal: Alarm Management."
    )
    assert _markdown(article) == (article, (), ())
