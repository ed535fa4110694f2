"""Who wrote it and when, read from the byline and dateline paragraphs the rules removed.

A byline ("By Jane Doe and John Roe") and a publication stamp ("Published 11:11 PM EST Nov
19, 2019") are page furniture in the text but facts about the article: where the input did
not give authors or a date, they are taken from what the byline rules took out. Nothing is
read from the article's own sentences.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from cleaners.document import Document
from cleaners.header import parse_date_line

_BY = regex.compile(r"^(?:by|von|par|por|oleh|автор|от)\s+", regex.IGNORECASE)
# Where a byline's names end: a dash, a bar or a slash before a date, a role or an agency.
_AFTER_NAMES = regex.compile(r"\s+[-–—|/]\s+.*$|\s*\|.*$")
_SEPARATOR = regex.compile(r"\s*(?:,|\band\b|\bund\b|\bet\b|\by\b|&)\s*", regex.IGNORECASE)
_NAME = regex.compile(r"^\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|van|von|de|der|da|di))+$")
_STAMP = regex.compile(
    r"^\W*(?:first\s+)?(?:published|updated|posted|last updated|date)(?:\s+on)?\s*:?\s*",
    regex.IGNORECASE,
)


_ORDINAL = regex.compile(r"(\d)(?:st|nd|rd|th)\b", regex.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_INSIDE = regex.compile(
    rf"\b{_MONTH}\s+\d{{1,2}},?\s+(?:19|20)\d\d\b|\b\d{{1,2}}\s+{_MONTH}\s+(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d-\d\d-\d\d\b",
    regex.IGNORECASE,
)


def names_in_byline(text: str) -> tuple[str, ...]:
    """The people a byline names: capitalised names of two words or more, nothing else."""
    if not _BY.match(text):
        return ()
    names = _AFTER_NAMES.sub("", _BY.sub("", text.strip()))
    found = []
    for part in _SEPARATOR.split(names):
        part = part.strip(" .")
        if _NAME.match(part) and part not in found:
            found.append(part)
    return tuple(found)


def date_in_stamp(text: str) -> str | None:
    """The date a publication stamp or a bare date line gives, in ISO 8601."""
    stamp = _ORDINAL.sub(r"\1", _STAMP.sub("", text.strip()))
    whole = parse_date_line(stamp)
    if whole:
        return whole
    # A time, a zone or a weekday around the date: read the date alone.
    found = _DATE_INSIDE.search(stamp)
    return parse_date_line(found.group(0)) if found else None


def metadata_from_bylines(doc: Document) -> Document:
    if doc.authors and doc.published:
        return doc
    authors = doc.authors
    published = doc.published
    for removal in doc.removed:
        if not authors and removal.category == "byline":
            authors = names_in_byline(removal.text)
        elif not published and removal.category == "dateline":
            published = date_in_stamp(removal.text)
    if authors == doc.authors and published == doc.published:
        return doc
    sources = dict(doc.metadata_source)
    if authors != doc.authors:
        sources["authors"] = "byline in text"
    if published != doc.published:
        sources["published"] = "dateline in text"
    return replace(
        doc, authors=authors, published=published, metadata_source=tuple(sources.items())
    )
