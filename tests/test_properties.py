"""Properties of the cleaners over generated input (hypothesis): they never raise, cleaning clean
output changes nothing, and no text appears that the input did not hold, but for recorded
repairs. The 10,000-input fuzz run is benchmarks/fuzz.py; these keep to a CI budget."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners import clean
from cleaners.assess import assess
from cleaners.decode import decode
from cleaners.document import Document
from cleaners.fingerprint import fingerprint
from cleaners.header import iso_published, parse_date_line, read_header
from cleaners.html import extract_html, flatten_nesting
from cleaners.mojibake import repair_mojibake
from cleaners.normalize import normalize
from cleaners.rules import default_rules
from cleaners.strip import strip_boilerplate
from cleaners.text_shape import ends_like_sentence, is_headline_shaped, word_count

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Repairs that only take characters out; any other repair may put characters in.
DELETING_REPAIRS = frozenset({"invisible_characters", "terminal_escapes", "control_characters"})

_SENTENCES = (
    "The council approved the budget on Tuesday after a long debate in the chamber.",
    "Officials said the new terminal would open in May, two years later than planned.",
    "Уряд ухвалив нове рішення щодо бюджету на наступний рік.",
    "Die Regierung hat am Montag neue Maßnahmen angekündigt.",
)
_HEADER_LINES = (
    "Council passes budget",
    "Council passes budget - City Herald",
    "Biden tells Putin US and allies will respond",
    "20211130",
    "2021-11-30",
    "November 30, 2021",
    "https://example.com/news/budget",
)
_DAMAGE = (
    "Ã©tÃ© Ã  Paris",
    "РєР ° РЅР ° Р »РІ",
    "\x1b[31mred\x1b[0m",
    "a\x00b\x07c",
    "e\u00ad\u0301",
    "\ufeff\u200b",
    "\ud800",
    "…",
    "<p>",
    "</div>",
)
_SEPARATORS = ("\n", "\n\n", "\r\n", " \n ", "\u2028", " ", "\n\n\n", "\t")

# Any code point, lone surrogates and controls included.
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=300)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Text shaped like scraped articles: headers, boilerplate (every rule's own examples),
    sentences, damage and markup, with any kind of line break between them."""
    rules = default_rules()
    examples = [e for rule in rules.rules for e in (*rule.must_match, *rule.must_keep)]
    piece = st.one_of(
        st.sampled_from(examples),
        st.sampled_from(_SENTENCES),
        st.sampled_from(_HEADER_LINES),
        st.sampled_from(_DAMAGE),
        st.text(alphabet=st.characters(exclude_categories=()), max_size=30),
    )
    parts = draw(st.lists(st.tuples(piece, st.sampled_from(_SEPARATORS)), max_size=30))
    return "".join(text + separator for text, separator in parts)


texts = st.one_of(documents(), any_text)


def _writable(doc: Document) -> None:
    """What a record holds must encode as UTF-8, or the run fails writing it."""
    for value in (doc.text, doc.title, doc.url, doc.published, doc.site_name, doc.description):
        if value is not None:
            value.encode("utf-8")
    for author in doc.authors:
        author.encode("utf-8")


@PROPERTY
@given(texts)
def test_clean_never_raises_on_text(text: str) -> None:
    doc = clean(text)
    _writable(doc)
    fingerprint(doc.text, doc.url)


@PROPERTY
@given(texts, st.sampled_from([None, "", "x", "https://e.com/a", "\ud800"]))
def test_clean_never_raises_on_html(text: str, url: str | None) -> None:
    for page in (text, f"<html><body><article><p>{text}</p></article></body></html>"):
        doc = clean(page, format="html", url=url, title=text[:20], published=text[:12])
        _writable(doc)
        fingerprint(doc.text, doc.url)


@PROPERTY
@given(
    st.binary(max_size=600),
    st.sampled_from(["text", "html"]),
    st.sampled_from([None, "utf-8", "latin-1", "utf-16", "x-bogus", "", "cp1251"]),
)
def test_clean_never_raises_on_bytes(data: bytes, fmt: str, charset: str | None) -> None:
    decode(data, charset, markup=fmt == "html")
    _writable(clean(data, format=fmt, charset=charset))  # type: ignore[arg-type]


@PROPERTY
@given(texts)
def test_no_stage_raises(text: str) -> None:
    doc = Document(text=text)
    normalize(text)
    repair_mojibake(text)
    strip_boilerplate(doc)
    read_header(doc)
    assess(doc)
    extract_html(text)
    flatten_nesting(text, 3)
    parse_date_line(text)
    iso_published(text)
    word_count(text)
    ends_like_sentence(text)
    is_headline_shaped(text)
    fingerprint(text, None)


@PROPERTY
@given(texts)
@example("e\u00ad\u0301\n")  # NFC can only compose once the soft hyphen is gone
@example("Latest World News\n" + "IE 11 is not supported. For an optimal experience visit.\n" * 8)
@example("Headline one\nHeadline two\n" + "The council approved the budget on Tuesday. " * 5)
def test_cleaning_clean_text_changes_nothing(text: str) -> None:
    first = clean(text)
    assert clean(first.text).text == first.text


@PROPERTY
@given(texts)
def test_cleaning_a_record_again_changes_nothing(text: str) -> None:
    """The record's text, with the metadata the first cleaning found, comes out the same."""
    first = clean(text)
    again = clean(first.text, title=first.title, url=first.url, published=first.published)
    assert again.text == first.text
    assert again.title == first.title


@PROPERTY
@given(texts)
def test_header_reading_is_idempotent(text: str) -> None:
    doc = read_header(Document(text=clean(text).text))
    assert read_header(doc).text == doc.text


def _subsequence(part: str, whole: str) -> bool:
    rest = iter(whole)
    return all(char in rest for char in part)


@PROPERTY
@given(texts)
def test_no_text_added_but_recorded_repairs(text: str) -> None:
    doc = clean(text)
    if any(repair.kind not in DELETING_REPAIRS for repair in doc.repairs):
        return
    assert _subsequence("".join(doc.text.split()), "".join(text.split()))


@PROPERTY
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=400))
def test_ascii_text_only_loses_characters(text: str) -> None:
    """ASCII cannot be mojibake or denormalized: nothing may be added, whatever is recorded."""
    doc = clean(text)
    assert _subsequence("".join(doc.text.split()), "".join(text.split()))


@PROPERTY
@given(st.text(alphabet=st.sampled_from("<>/pdiv xab!-"), max_size=200))
def test_flattening_shallow_markup_changes_nothing(html: str) -> None:
    flat, dropped = flatten_nesting(html, html.count("<") + 1)
    assert (flat, dropped) == (html, 0)
