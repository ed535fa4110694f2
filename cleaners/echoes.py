"""Metadata echoed in the body: the headline and the page's own URL.

Extractors often hand back the title as the first paragraph, and sometimes the page's URL
printed as text. Both are already in the record (`title`, `url`), so in `text` they are
duplicates, and the record says the body excludes the title. Only the top of the body is
searched for the title (further down, the same words are the article quoting itself); the URL
is page furniture wherever it stands.

The description is not treated so: many sites use the article's first paragraph as their
meta description, and removing it would cut the lead (measured on the AEB pages: precision
-0.001, recall -0.006).
"""

from __future__ import annotations

import regex

from cleaners.document import Document, Removal

# How many paragraphs from the top the headline may stand.
HEAD_PARAGRAPHS = 4
_WORD = regex.compile(r"\w+")
# A site's name after the title: "Headline - Site", "Headline | Site".
_SITE_SUFFIX = regex.compile(r"\s+[-–—|:•]\s+[^-–—|:•]{1,60}$")


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _url_key(text: str) -> str:
    return text.strip().rstrip("/").removeprefix("https://").removeprefix("http://")


def drop_metadata_echoes(doc: Document) -> Document:
    if not doc.text or not (doc.title or doc.url):
        return doc
    paragraphs = doc.text.split("\n\n")
    titles = {_fold(doc.title), _fold(_SITE_SUFFIX.sub("", doc.title))} if doc.title else set()
    titles.discard("")
    url = _url_key(doc.url) if doc.url else None
    kept: list[str] = []
    removals: list[Removal] = []
    for index, paragraph in enumerate(paragraphs):
        if index < HEAD_PARAGRAPHS and _fold(paragraph) in titles:
            removals.append(Removal("echo.title", "metadata", paragraph))
        elif url and _url_key(paragraph) == url:
            removals.append(Removal("echo.url", "metadata", paragraph))
        else:
            kept.append(paragraph)
    if not removals or not kept:
        return doc
    return doc.removing(removals, "\n\n".join(kept))
