"""The cleaning stages composed: raw input in, a clean `Document` out.

    decode -> extract -> rendering -> repair -> normalize
      -> rounds until stable (listing, comments, glued, strip, teasers, header)
      -> page stage: paragraph model on text (then the header once more) -> assess

(rendering: the Markdown and hard wraps an HTML-to-text renderer left.)

Each stage is a pure function of a `Document`; this module only orders them. It can be used
without Prefect and without any of `flows/`: ``from cleaners import clean``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import regex

from cleaners.assess import assess
from cleaners.byline import metadata_from_bylines
from cleaners.chrome import strip_page_chrome, strip_trailing_link_list
from cleaners.comments import strip_comment_thread
from cleaners.decode import decode
from cleaners.document import Document, Format, Repair
from cleaners.echoes import drop_metadata_echoes
from cleaners.glued import Whole, strip_glued_boilerplate
from cleaners.header import iso_published, read_header
from cleaners.html import html_document
from cleaners.listing import strip_post_listing
from cleaners.mojibake import repair_mojibake
from cleaners.normalize import normalize, normalize_text
from cleaners.paragraph_model import shipped_model, strip_model_paragraphs
from cleaners.rendered import sole_headline, strip_markdown, take_references
from cleaners.rules import RuleSet
from cleaners.strip import Candidates, strip_boilerplate
from cleaners.teasers import strip_teaser_grid
from cleaners.unwrap import unwrap

PIPELINE_VERSION = "1"

# Stages that feed each other run again until the text is stable, so that cleaning clean
# output changes nothing: a removed invisible character can complete a mojibake sequence, and
# taking boilerplate or a header out moves other paragraphs into the head or tail zones. Each
# round that changes anything removes or repairs something, and the cap bounds the cost on
# input built to defeat it.
MAX_ROUNDS = 4

# A lone surrogate (from a JSON escape such as "\\ud800") is not a character: no encoder can
# write it, and it would fail the run at the output.
_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def clean(
    content: str | bytes,
    *,
    format: Format = "text",
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    charset: str | None = None,
    rules: RuleSet | None = None,
) -> Document:
    """Clean one document. `content` is text or bytes (decoded here, `charset` being a
    declaration from outside such as an HTTP header); `format` says whether it is HTML or
    text already extracted. Metadata given by the caller wins over what the document says."""
    scrubbed: tuple[Repair, ...] = ()
    if isinstance(content, bytes):
        decoded = decode(content, charset, markup=format == "html")
        text = decoded.text
    else:
        text, scrubbed = scrub_surrogates(content)
    if format == "html":
        doc = html_document(text, url)
    else:
        doc = Document(text=text, format="text", url=url)
    doc = replace(
        doc,
        url=_metadata(url) or doc.url,
        title=_metadata(title) or doc.title,
        published=iso_published(_metadata(published)) or iso_published(doc.published),
        repairs=scrubbed + doc.repairs,
    )
    return clean_document(doc, rules)


def scrub_surrogates(text: str) -> tuple[str, tuple[Repair, ...]]:
    """Lone surrogates replaced with U+FFFD, as a decoder does with bytes it cannot read."""
    if text.isascii():
        return text, ()
    scrubbed, count = _SURROGATE.subn("\ufffd", text)
    return scrubbed, (Repair("lone_surrogates", count),) if count else ()


def clean_document(doc: Document, rules: RuleSet | None = None) -> Document:
    """Every stage after extraction, on a document that already holds text."""
    doc = rendering_stage(doc)
    doc = _until_stable(doc, lambda d: normalize_stage(repair_stage(d)))
    seen: Candidates = {}
    whole: Whole = set()
    # Each round, before the rules: the later posts of a listing may hold lines a rule would
    # take one by one, and the article's own share row stood between two blocks the rules
    # should see apart; a comment thread's heading ("Comments") is a line a rule takes, and
    # with it where the thread starts; glued pieces go before the rules that take a span out
    # of running text, which would take the evidence (a caption's credit, a button's label)
    # and the seam with it. The teaser grid goes in the same rounds: once it is gone, the
    # lines above it (a newsletter pitch, a related-stories heading) are in the tail zone of
    # the rules. Rounds run until nothing changes, so that cleaning the output again changes
    # nothing either: what the rules take can complete a listing or a thread.

    def one_round(d: Document) -> Document:
        d = strip_glued_boilerplate(strip_comment_thread(strip_post_listing(d)), rules, whole)
        return take_header(strip_teaser_grid(strip_boilerplate(d, rules, seen)))

    doc = _until_stable(doc, one_round)
    doc = _until_stable(doc, _page_round)
    return assess(doc)


def _page_round(doc: Document) -> Document:
    """The page stage, then the header and the echoes of the metadata once more: with the
    page's chrome taken, the text starts where the article does. The header is read as a
    second cleaning of the output would read it, with no title known (the one already found
    is kept), so that cleaning the output again finds no header line this round left."""
    before = doc.text
    doc = page_stage(doc)
    if doc.text == before:
        return doc
    if doc.format == "text":
        known = doc.title
        doc = read_header(replace(doc, title=None))
        doc = replace(doc, title=known or doc.title)
    return metadata_from_bylines(drop_metadata_echoes(doc))


def page_stage(doc: Document) -> Document:
    """Judgements on the document as a whole, once the rules are done. Plain text gets the
    paragraph model, which learned page dumps and extractors' leftovers alike; an extraction
    from HTML (trafilatura already chose its blocks) only loses a link list below its end.
    Without a shipped model, plain text falls back to the page-chrome heuristics."""
    model = shipped_model() if doc.format == "text" else None
    if model is not None:
        return strip_model_paragraphs(doc, model)
    return strip_trailing_link_list(strip_page_chrome(doc))


def take_header(doc: Document) -> Document:
    # A text file carries its metadata as header lines; a page gave it to the extractor.
    if doc.format == "text":
        doc = read_header(doc)
    return metadata_from_bylines(drop_metadata_echoes(doc))


def _until_stable(doc: Document, stages: Callable[[Document], Document]) -> Document:
    for _ in range(MAX_ROUNDS):
        before = doc.text
        doc = stages(doc)
        if doc.text == before:
            break
    return doc


def repair_stage(doc: Document) -> Document:
    text, repairs = repair_mojibake(doc.text)
    title, description = _repaired(doc.title), _repaired(doc.description)
    site_name = _repaired(doc.site_name)
    authors = tuple(a for a in (_repaired(a) for a in doc.authors) if a)
    # A copy only where something changed: most rounds change nothing.
    if (title, description, site_name, authors) != (
        doc.title,
        doc.description,
        doc.site_name,
        doc.authors,
    ):
        doc = replace(
            doc, title=title, description=description, site_name=site_name, authors=authors
        )
    if not repairs:
        return doc
    return replace(doc, text=text, repairs=doc.repairs + repairs)


def rendering_stage(doc: Document) -> Document:
    """What an HTML-to-text renderer did to the text: Markdown or a text browser's link
    markers, and lines cut at a fixed width. Before normalization, which makes every line a
    paragraph; the lines are joined while they are as the renderer wrapped them, before the
    markup in them goes."""
    text, removals, references = take_references(doc.text)
    repairs: tuple[Repair, ...] = ()
    if doc.format == "text":
        text, repairs = unwrap(text)
    headline = sole_headline(text) if doc.title is None else None
    text, marks = strip_markdown(text, references)
    if text == doc.text:
        return doc
    # A page rendered whole puts its headline among menus and teasers: as the title, it is
    # where the page-chrome classifier looks for the article (only in text that is Markdown).
    title = _metadata(headline) if marks and headline else doc.title
    return replace(
        doc,
        text=text,
        title=title,
        removed=doc.removed + removals,
        repairs=doc.repairs + repairs + marks,
    )


def normalize_stage(doc: Document) -> Document:
    text, repairs = normalize(doc.text)
    if not repairs and text == doc.text:
        return doc
    return replace(doc, text=text, repairs=doc.repairs + repairs)


def _repaired(value: str | None) -> str | None:
    if value is None:
        return None
    return _metadata(repair_mojibake(value)[0])


def _metadata(value: str | None) -> str | None:
    if value is None:
        return None
    value = normalize_text(scrub_surrogates(value)[0]).replace("\n\n", " ")
    return value or None
