"""Link markup from an HTML-to-text renderer: a link keeps its words, loses its brackets and
address; reference definitions go; a footnote marker that nothing defines stays."""

from __future__ import annotations

from cleaners.links import RULE_ID, strip_link_markup
from cleaners.pipeline import clean

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


def test_reference_links_keep_their_words_and_the_definitions_go() -> None:
    text, removals, repairs = strip_link_markup(f"{BODY}\n\n{DEFINITIONS}\n")
    assert text.strip() == WORDS
    assert [r.rule for r in removals] == [RULE_ID]
    assert "clusive-new-york" in removals[0].text
    assert removals[0].text.endswith("1J")
    assert repairs[0].kind == "link_markup"
    assert repairs[0].count == 3


def test_a_word_after_the_definitions_is_not_part_of_an_address() -> None:
    text = strip_link_markup(f"{BODY}\n\n{DEFINITIONS}\nAdvertisement")[0]
    assert text.rstrip().endswith("\nAdvertisement")


def test_a_label_nothing_defines_is_not_a_link() -> None:
    text = (
        "Alarm fatigue is a known hazard [1] and [see note][2] the studies agree.\n\n"
        "[1] Alarm fatigue: impacts on patient safety, Ruskin KJ. 2015; 28: 685-690."
    )
    assert strip_link_markup(text) == (text, (), ())


def test_inline_links_keep_their_words_and_images_go() -> None:
    text = (
        "![](https://example.com/photo.jpg) The council published "
        '[the full report](https://example.com/report.pdf "Report") on Monday.'
    )
    reduced, removals, repairs = strip_link_markup(text)
    assert reduced.strip() == "The council published the full report on Monday."
    assert removals == ()
    assert repairs[0].count == 2


def test_clean_records_what_it_took() -> None:
    cleaned = clean(f"{BODY}\n\n{DEFINITIONS}")
    assert cleaned.text == WORDS
    assert "https" not in cleaned.text
    assert RULE_ID in {r.rule for r in cleaned.removed}
    assert "link_markup" in {r.kind for r in cleaned.repairs}
