"""A site's own boilerplate, learned from the corpus: lines that recur across its documents.

No rule list knows every site's slogan, newsletter box or footer, but a site repeats them on
every page. As CCNet does for Common Crawl, we count each line (a paragraph, after
normalization) over the documents of one site; a line that many of them share is that site's
chrome. Digits are folded before counting, so "Updated 5:31 PM" and "Updated 9:02 AM" count as
one line. A line that reads as content (a long sentence) is never removed, however often it
recurs: a wire story's standard paragraph is the article's, not the site's.

This module only computes: the counting across documents and runs lives in `flows/` (the run
state keeps it).
"""

from __future__ import annotations

import hashlib

import regex

from cleaners.document import Document, Removal
from cleaners.text_shape import ends_like_sentence

# Lines longer than this are counted and removed only if they do not read as prose.
MAX_LINE_WORDS = 40
# A line that ends as a sentence and has this many words is content, recurring or not.
MIN_PROSE_WORDS = 20
# A line is the site's when at least this many of its documents carry it, and at least this
# share of them (so that a big site's occasional repeated quote is not taken for chrome).
MIN_DOCUMENTS = 3
MIN_SHARE = 0.05

_DIGITS = regex.compile(r"\d+")
_NOT_LETTERS = regex.compile(r"[\W_]+")
_SPACE = regex.compile(r"\s+")


def _short_hash(folded: str) -> str:
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


def line_key(paragraph: str) -> str:
    """What a line is counted as: case, digits and spacing folded, hashed short."""
    return _short_hash(_SPACE.sub(" ", _DIGITS.sub("0", paragraph.casefold())).strip())


def reads_as_content(paragraph: str) -> bool:
    words = paragraph.count(" ") + 1
    return words > MAX_LINE_WORDS or (words >= MIN_PROSE_WORDS and ends_like_sentence(paragraph))


def line_keys(doc: Document) -> frozenset[str]:
    """The keys of the document's lines that could be site chrome, each once."""
    if not doc.text:
        return frozenset()
    return frozenset(line_key(p) for p in doc.text.split("\n\n") if not reads_as_content(p))


def content_key(doc: Document) -> str:
    """What tells one article from another on the same site: its longest paragraph, as letters
    and digits only. Copies of an article (re-scrapes with other quotes and spacing, other
    chrome) share it and are counted once; so do they when their URL names the same article
    (flows/batches.py gives both)."""
    longest = max(doc.text.split("\n\n"), key=len) if doc.text else ""
    return _short_hash(_NOT_LETTERS.sub(" ", longest.casefold()).strip())


def is_site_line(documents_with_line: int, site_documents: int) -> bool:
    return documents_with_line >= max(MIN_DOCUMENTS, MIN_SHARE * site_documents)


def strip_site_lines(doc: Document, learned: frozenset[str]) -> Document:
    """The document without the lines its site is known to repeat."""
    if not learned or not doc.text:
        return doc
    kept: list[str] = []
    removals: list[Removal] = []
    for paragraph in doc.text.split("\n\n"):
        if not reads_as_content(paragraph) and line_key(paragraph) in learned:
            removals.append(Removal("site.learned", "site_boilerplate", paragraph))
        else:
            kept.append(paragraph)
    if not removals or not kept:
        return doc
    return doc.removing(removals, "\n\n".join(kept))
