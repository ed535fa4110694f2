"""Main text and metadata from an HTML page, through trafilatura.

trafilatura is imported on first use: it costs a third of a second, which a run over plain
text never needs to pay.

libxml2, under trafilatura, stops parsing a page at 256 levels of nesting and silently drops
everything after that point, article included. A page that deep is flattened first: elements
beyond `MAX_DEPTH` lose their tags, never their text.
"""

from __future__ import annotations

import contextlib
import functools
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import regex

from cleaners.document import Document
from cleaners.metadata import (
    Candidates,
    Chosen,
    byline_in_markup,
    byline_under_headline,
    choose_authors,
    choose_modified,
    choose_published,
    choose_title,
    datelines_near_headline,
    earlier_dateline,
    host_key,
    is_republication_stamp,
    iso_date,
    page_candidates,
    person_names,
    same_people,
    url_date,
)
from cleaners.page_type import page_features
from cleaners.siblings import merge, recover_sibling_paragraphs

# trafilatura less comments (never article text). Its comparison with readability and jusText
# (`fast=False`) is what keeps guides, transcripts and round-ups whose body sits in several
# containers: `fast=True` alone lost more than .2 of the article's recall on 28 of WCXB dev's
# 711 articles. It costs two fifths more than fast mode; running fast mode first and the
# full comparison only where the fast result was short against the page's text outside links
# kept the same quality but had to escalate on a quarter of the AEB pages, and saved nothing
# there (benchmarks/results/wcxb.txt).
EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "fast": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    # Metadata comes from `page_metadata` and `reconcile` below: trafilatura's meta-tag and
    # JSON-LD readers without the categories and tags (not in the record), and its byline
    # search and the date searches only where the page's markup stated no author or date.
    "with_metadata": False,
    "deduplicate": False,
}

# libxml2's HTML parser gives up past 256 levels; a parsed tree this deep was cut there.
PARSER_DEPTH_LIMIT = 250
# Where a page found too deep is flattened to: far under the parser's limit, far over what
# real pages use (the deepest AEB page nests about 60 elements).
MAX_DEPTH = 128

_VOID = frozenset(
    (  # noqa: SIM905 (HTML's list of void elements reads better as text)
        "area base basefont br col command embed frame hr img input isindex keygen link meta "
        "param source track wbr"
    ).split()
)
# Paragraphs keep their tags at any depth, so that paragraphs stay apart: the parser never
# nests a paragraph in a paragraph, so they add one level at most.
_PARAGRAPH = "p"
# Elements whose content is text, not markup: a "<div>" inside a script is not an element.
_RAW_TEXT = frozenset(("script", "style", "textarea", "title", "xmp", "plaintext"))
_MARKUP = regex.compile(r"<!--.*?(?:-->|\Z)|<(/?)([A-Za-z][^\s/>]*)[^>]*>", regex.DOTALL)


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    title: str | None
    description: str | None
    authors: tuple[str, ...]
    published: str | None
    site_name: str | None
    url: str | None
    warnings: tuple[str, ...] = ()
    modified: str | None = None
    # Where each metadata value came from: ("title", "h1"), ("published", "json-ld"), ...
    metadata_source: tuple[tuple[str, str], ...] = ()
    # The page's signs of its type (cleaners.page_type.page_features), read from the tree.
    page_signals: tuple[float, ...] = ()


@functools.cache
def _trafilatura() -> Any:
    import trafilatura

    return trafilatura


def _load_html(html: str) -> Any:
    from trafilatura.utils import load_html

    return load_html(html)


def _deeper_than(tree: Any, depth: int) -> bool:
    # One XPath step per level walks each level's node set once: linear in the tree.
    return bool(tree.xpath("boolean(/" + "/*" * depth + ")"))


def load_tree(html: str) -> tuple[Any, tuple[str, ...]]:
    """The page parsed as trafilatura parses it, flattened first where it nests too deep for
    the parser, and a warning saying so."""
    tree = _load_html(html)
    if tree is None or not _deeper_than(tree, PARSER_DEPTH_LIMIT):
        return tree, ()
    flat, dropped = flatten_nesting(html, MAX_DEPTH)
    tree = _load_html(flat)
    if tree is not None and _deeper_than(tree, PARSER_DEPTH_LIMIT):
        # The parser's idea of nesting differs from ours (stray end tags); go flatter.
        flat, more = flatten_nesting(flat, MAX_DEPTH // 4)
        dropped += more
        tree = _load_html(flat)
    warning = (
        f"markup nested more than {PARSER_DEPTH_LIMIT} levels deep: "
        f"{dropped:,} tags beyond level {MAX_DEPTH} removed, their text kept"
    )
    return tree, (warning,)


def flatten_nesting(html: str, max_depth: int) -> tuple[str, int]:
    """`html` with the tags of elements nested deeper than `max_depth` removed (each replaced
    by a space, so that words on either side stay apart), and how many tags went."""
    out: list[str] = []
    copied = 0
    position = 0
    # Open elements, innermost last, with whether their tags are kept.
    stack: list[tuple[str, bool]] = []
    open_names: Counter[str] = Counter()
    kept_depth = 0
    dropped = 0
    while True:
        match = _MARKUP.search(html, position)
        if match is None:
            break
        position = match.end()
        name = match.group(2)
        if name is None:
            continue  # a comment
        name = name.lower()
        if match.group(1):
            if not open_names[name]:
                continue  # an end tag for nothing open: the parser ignores it too
            while stack:
                popped, kept = stack.pop()
                open_names[popped] -= 1
                kept_depth -= kept and popped != _PARAGRAPH
                if popped == name:
                    break
            if kept:
                continue
        else:
            if name in _RAW_TEXT:
                end = regex.compile(rf"</{regex.escape(name)}\s*>", regex.IGNORECASE)
                closing = end.search(html, position)
                position = closing.end() if closing else len(html)
                continue
            if name in _VOID or match.group(0).endswith("/>"):
                continue
            if name == _PARAGRAPH:
                stack.append((name, True))
                open_names[name] += 1
                continue
            kept = kept_depth < max_depth
            stack.append((name, kept))
            open_names[name] += 1
            kept_depth += kept
            if kept:
                continue
        out.append(html[copied : match.start()])
        out.append(" ")
        copied = match.end()
        dropped += 1
    out.append(html[copied:])
    return "".join(out), dropped


def extract_html(html: str, url: str | None = None) -> Extracted:
    """The article text (one paragraph per line) and metadata of a page; empty text when the
    page holds no article."""
    tree, warnings = load_tree(html)
    if tree is None:
        return Extracted("", None, None, (), None, None, url, warnings)
    # trafilatura works on a copy of the tree it is given (the sibling search and the metadata
    # need the page as it was). It is given the page whole: deleting the elements it deletes
    # anyway (buttons, asides, footers...) before it looks made it pick another node on some
    # templates, "Skip to content" all that was left of the article.
    text = main_text(tree, url)
    text = merge(text, recover_sibling_paragraphs(tree, text))
    meta = page_metadata(tree, url)
    page_url = url or _clean(meta.url)
    found = reconcile(tree, page_url, meta)
    return Extracted(
        text=text,
        title=_clean(found.title),
        description=_clean(meta.description),
        authors=found.authors,
        published=found.published,
        site_name=_clean(meta.sitename),
        url=page_url,
        warnings=warnings,
        modified=found.modified,
        metadata_source=found.sources,
        page_signals=page_features(tree),
    )


@dataclass(frozen=True, slots=True)
class Reconciled:
    title: str | None
    authors: tuple[str, ...]
    published: str | None
    modified: str | None
    sources: tuple[tuple[str, str], ...]


def reconcile(tree: Any, url: str | None, meta: Any) -> Reconciled:
    """Headline, authors and dates from every source the page has (cleaners.metadata). The
    slow searches run only where the page's markup stated nothing: trafilatura's byline
    search for the authors; for the date a dateline beside the headline and htmldate's
    quick search."""
    candidates = page_candidates(tree)
    if meta.sitename:
        candidates = replace(candidates, site_names=(*candidates.site_names, meta.sitename))
    title = choose_title(candidates, url)
    if title.value is None and meta.title:
        title = Chosen(meta.title, "trafilatura")
    authors = choose_authors(candidates, url)
    if not authors.value:
        authors = _searched_authors(tree, url, candidates, meta, title.value)
    else:
        # The markup's author is often the account that posted the page ("KatieS", an
        # editor) or the outlet; the byline under the headline is the credit the reader
        # sees. Where it names none of the same people, it wins.
        credited = byline_under_headline(tree, candidates.site_names, host_key(url), title.value)
        if credited and not same_people(credited, authors.value):
            authors = Chosen(credited, "byline")
    published = choose_published(candidates)
    if published.value is None:
        published = _searched_date(tree, url, candidates, title.value)
    elif is_republication_stamp(candidates, published.value):
        # The page shows its first publication beside the headline.
        first = earlier_dateline(published.value, datelines_near_headline(tree, title.value))
        if first:
            published = Chosen(first, "dateline")
    modified = choose_modified(candidates, published.value)
    sources = tuple(
        (name, chosen.source)
        for name, chosen in (
            ("title", title),
            ("authors", authors),
            ("published", published),
            ("modified", modified),
        )
        if chosen.source and chosen.value
    )
    return Reconciled(title.value, authors.value, published.value, modified.value, sources)


def _searched_authors(
    tree: Any, url: str | None, candidates: Candidates, meta: Any, headline: str | None
) -> Chosen:
    from trafilatura.metadata import extract_author

    host = host_key(url)
    found = byline_in_markup(tree, candidates.site_names, host, headline)
    if found:
        return Chosen(found, "byline")

    def people(value: str | None) -> tuple[str, ...]:
        parts = (value or "").split(";")
        names = (n for part in parts for n in person_names(part, candidates.site_names, host))
        return tuple(dict.fromkeys(names))

    # trafilatura's reading of broken JSON-LD and of its other meta tags, then (the slow one,
    # only where those gave no one) its search of the markup for an author element.
    names = people(meta.author)
    if names:
        return Chosen(names, "trafilatura")
    names = people(extract_author(tree))
    return Chosen(names, "byline search") if names else Chosen((), None)


def _searched_date(
    tree: Any, url: str | None, candidates: Candidates, headline: str | None
) -> Chosen:
    """The publication date where the markup stated none: a date the page shows beside its
    headline, else htmldate's search of the markup (its quick one), else the URL's date.

    htmldate's extensive search is not run: over the text of the whole page it finds a
    date on nearly every page, a copyright year (read as 1 January), a related story's
    date, a "Last updated" under a form. On WCXB dev's 123 pages whose gold has no date,
    it alone gave the record one on 68; of the 19 pages where it alone found the right
    date, the dateline readings (here and cleaners/byline.py) find 18
    (benchmarks/results/metadata.txt)."""
    from htmldate import find_date
    from trafilatura.settings import set_date_params

    lines = datelines_near_headline(tree, headline)
    original = next((line.date for line in lines if not line.updated), None)
    if original:
        return Chosen(original, "dateline")
    found = find_date(tree, **{**set_date_params(False), "url": url})
    date = iso_date(found) if isinstance(found, str) else None
    modified = {
        d[:10] for d in map(iso_date, (candidates.json_modified, candidates.meta_modified)) if d
    }
    # Short of a publication date, htmldate gives the modification date the meta tags state:
    # that is when the page last changed, not when it was published.
    if date and date[:10] in modified and not any(line.date[:10] == date[:10] for line in lines):
        date = None
    if date:
        return Chosen(date, "htmldate")
    date = url_date(url)
    if date:
        return Chosen(date, "url")
    # Last, a date the page shows as its update: the only date it gives (htmldate too
    # prefers the original date and falls back to the update).
    updated = next((line.date for line in lines if line.updated), None)
    return Chosen(updated, "dateline (updated)") if updated else Chosen(None, None)


def main_text(tree: Any, url: str | None) -> str:
    """trafilatura's text of the page."""
    result = _trafilatura().bare_extraction(tree, url=url, **EXTRACT_OPTIONS)
    return (result.text or "") if result is not None else ""


def page_metadata(tree: Any, url: str | None) -> Any:
    """Title, description, authors, date, site name and URL of a page, as trafilatura's
    `extract_metadata` finds them in meta tags, JSON-LD and the page's markup, less its
    byline search (a quarter of the metadata time) and its date search: `reconcile`
    runs those only where the markup stated no author or date."""
    from trafilatura.metadata import (
        examine_meta,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a user name, not a person's name (trafilatura's own check)
    # trafilatura's JSON-LD reader fails on broken JSON-LD: keep what the meta tags gave.
    with contextlib.suppress(Exception):
        meta = extract_meta_json(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.sitename = (meta.sitename or extract_sitename(tree) or "").lstrip("@") or None
    return meta


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
        modified=extracted.modified,
        metadata_source=extracted.metadata_source,
        warnings=extracted.warnings,
        page_signals=extracted.page_signals,
    )
