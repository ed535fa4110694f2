"""Main text and metadata from an HTML page, through trafilatura.

trafilatura is imported on first use: it costs a third of a second, which a run over plain
text never needs to pay.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from cleaners.document import Document

# Chosen by measurement on the AEB pages (benchmarks/quality.py): comments are never article
# text, and precision mode drops link-heavy blocks that the residue rules would otherwise have
# to catch.
EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "favor_precision": True,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "with_metadata": True,
    "deduplicate": False,
}


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    title: str | None
    description: str | None
    authors: tuple[str, ...]
    published: str | None
    site_name: str | None
    url: str | None


@functools.cache
def _trafilatura() -> Any:
    import trafilatura

    return trafilatura


def extract_html(html: str, url: str | None = None) -> Extracted:
    """The article text (one paragraph per line) and metadata of a page; empty text when the
    page holds no article."""
    trafilatura = _trafilatura()
    result = trafilatura.bare_extraction(html, url=url, **EXTRACT_OPTIONS)
    if result is None:
        return Extracted("", None, None, (), None, None, url)
    authors = tuple(a.strip() for a in (result.author or "").split(";") if a.strip())
    return Extracted(
        text=result.text or "",
        title=_clean(result.title),
        description=_clean(result.description),
        authors=authors,
        published=_clean(result.date),
        site_name=_clean(result.sitename),
        url=url or _clean(result.url),
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def html_document(html: str, url: str | None = None) -> Document:
    extracted = extract_html(html, url)
    return Document(
        text=extracted.text,
        format="html",
        title=extracted.title,
        url=extracted.url,
        site_name=extracted.site_name,
        description=extracted.description,
        authors=extracted.authors,
        published=extracted.published,
    )
