"""A page's headline, authors and dates, reconciled from every source the page has.

A page states its metadata several times over: the visible `<h1>`, `og:title`, JSON-LD's
`headline` and `<title>`; JSON-LD's `author`, meta tags, `rel=author` links and the byline;
JSON-LD's `datePublished`, `article:published_time` and the dates in the markup. They often
disagree: `<title>` carries the site's name ("Headline | Site"), `og:title` is an SEO
rewrite, a modified date stands where a publication date should. This module picks, for
each field, the best-supported value and says where it came from (`sources`):

- title: the `<h1>` that another source confirms (the same words, or those words followed
  by a site name), else the only `<h1>`, else the metadata titles with the site's name
  taken off, where it matches the site name, the domain or what the other titles share.
  Nothing is invented: no candidate, no title.
- authors: people only (not "Staff", the outlet, a wire service, a handle), each once, in
  the order of the first source that names any.
- published / modified: first publication and last modification, ISO 8601 with the time
  and zone where the page gives them; a modified date is never taken as the publication.

Where the markup states no date, the page's visible dateline beside its headline
(`datelines_near_headline`) is the publication date. Pure: a parsed tree in, values out.
The expensive searches (trafilatura's byline search, htmldate) are the caller's, run only
where these found nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import regex

from cleaners.byline import date_in_stamp
from cleaners.header import iso_published

_DATA = Path(__file__).parent / "data" / "metadata.toml"
# A headline is a line, not a paragraph: an <h1> longer than this wraps a whole block.
MAX_TITLE_CHARS = 300
# A site name is a few words at most ("Electrical Safety Foundation International").
MAX_SITE_WORDS = 6
# An author value longer than this is a bio or a sentence, not a name.
MAX_AUTHOR_CHARS = 80

_ARTICLE_TYPE = regex.compile(r"article|posting|report|review|recipe|howto|story", regex.I)
_PAGE_TYPE = regex.compile(r"webpage|itempage", regex.I)
_PERSON_EXCLUDED_TYPE = regex.compile(
    r"organi[sz]ation|corporation|brand|website|newsmedia", regex.I
)
_WORD = regex.compile(r"\w+")
_HANDLE = regex.compile(r"^@|^[\p{Ll}\d_.]+$|^\S+@\S+$|^https?://|www\.|\.com\b")
_BY = regex.compile(r"^(?:(?:written|posted|words|reported)\s+)?by[:\s]+", regex.I)
_AUTHOR_SPLIT = regex.compile(r"\s*(?:;|\||\s&\s|\band\b|\bund\b|\bet\b|\by\b)\s*", regex.I)
_URL_DATE = regex.compile(
    r"/((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?:/|[_-]|$)"
)
_URL_COMPACT_DATE = regex.compile(r"/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/")

# Meta tags (name, property or itemprop) that state a date, by kind.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publish-date",
    "publish_date",
    "pubdate",
    "publishdate",
    "published_time",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "citation_publication_date",
    "citation_date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:modified_time",
    "datemodified",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
    "article.updated",
)
AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "twitter:data1-author",
)
SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")


@dataclass(frozen=True, slots=True)
class Words:
    not_person: frozenset[str]
    not_person_prefixes: tuple[str, ...]
    not_in_name: frozenset[str]
    given_names: frozenset[str]
    roles: frozenset[str]
    organisation: frozenset[str]
    separators: tuple[str, ...]


@functools.cache
def words() -> Words:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    return Words(
        not_person=frozenset(w.casefold() for w in data["not_person"]["words"]),
        not_person_prefixes=tuple(p.casefold() for p in data["not_person"]["prefixes"]),
        not_in_name=frozenset(data["not_person"]["not_in_name"]),
        given_names=frozenset(data["not_person"]["given_names"]),
        roles=frozenset(data["not_person"]["roles"]),
        organisation=frozenset(data["not_person"]["organisation"]),
        separators=tuple(data["title"]["separators"]),
    )


@dataclass(frozen=True, slots=True)
class Candidates:
    """What a page says about itself, source by source, before reconciling."""

    h1: tuple[str, ...] = ()
    og_title: str | None = None
    json_headline: str | None = None
    html_title: str | None = None
    site_names: tuple[str, ...] = ()
    json_authors: tuple[str, ...] = ()
    meta_authors: tuple[str, ...] = ()
    link_authors: tuple[str, ...] = ()
    json_published: str | None = None
    meta_published: str | None = None
    markup_published: str | None = None
    json_modified: str | None = None
    meta_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Chosen:
    value: Any
    source: str | None


# --- reading the page -----------------------------------------------------------------------


_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)


def visible_pieces(tree: Any) -> list[tuple[str, Any]]:
    """The page's visible text nodes in document order, spacing folded, each with the
    element that holds it."""
    pieces = []
    for node in tree.xpath(
        "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
    ):
        text = " ".join(node.split())
        if text:
            pieces.append((text, node.getparent()))
    return pieces


def text_of(element: Any) -> str:
    """An element's text, words apart where block elements meet ("2025<br>Your Guide")."""
    parts: list[str] = []
    _collect(element, parts, 0)
    return " ".join("".join(parts).split())


def _collect(element: Any, parts: list[str], depth: int) -> None:
    block = isinstance(element.tag, str) and element.tag in _BLOCKS
    if block:
        parts.append(" ")
    if isinstance(element.tag, str) and element.tag not in ("script", "style", "noscript"):
        if element.text:
            parts.append(element.text)
        if depth < 32:
            for child in element:
                _collect(child, parts, depth + 1)
    if block:
        parts.append(" ")
    if depth and element.tail:
        parts.append(element.tail)


def page_candidates(tree: Any) -> Candidates:
    """Every statement of title, authors and dates the page makes in its markup."""
    metas = _meta_values(tree)
    objects = list(json_ld_objects(tree))
    articles = [o for o in objects if _is_type(o, _ARTICLE_TYPE)]
    pages = [o for o in objects if _is_type(o, _PAGE_TYPE)]
    preferred = articles or pages
    head_title = tree.find(".//head/title")
    if head_title is None:
        head_title = tree.find(".//title")
    h1 = tuple(t for t in (text_of(e) for e in tree.iter("h1")) if t and len(t) <= MAX_TITLE_CHARS)
    site_names = [metas[k][0] for k in SITE_META if metas.get(k)]
    for obj in objects:
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            site_names.append(publisher["name"])
        if _is_type(
            obj, regex.compile(r"^(?:website|organization|newsmediaorganization)$", regex.I)
        ) and isinstance(obj.get("name"), str):
            site_names.append(obj["name"])
    return Candidates(
        h1=h1,
        og_title=_first(metas, ("og:title", "twitter:title")),
        json_headline=_first_field(preferred, ("headline", "name") if articles else ("headline",)),
        html_title=" ".join(head_title.text_content().split()) if head_title is not None else None,
        site_names=tuple(dict.fromkeys(unescape(s).lstrip("@").strip() for s in site_names if s)),
        json_authors=tuple(_json_authors(articles or pages)),
        meta_authors=tuple(a for k in AUTHOR_META for a in metas.get(k, ()))
        + _labelled_author(metas),
        link_authors=tuple(_link_authors(tree)),
        json_published=_first_field(preferred, ("datePublished", "dateCreated", "uploadDate")),
        meta_published=_first(metas, PUBLISHED_META),
        markup_published=_markup_date(tree),
        json_modified=_first_field(preferred, ("dateModified",)),
        meta_modified=_first(metas, MODIFIED_META),
    )


def _meta_values(tree: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = element.get(attribute)
            if key:
                found.setdefault(key.strip().casefold(), []).append(" ".join(content.split()))
    return found


def _labelled_author(metas: dict[str, list[str]]) -> tuple[str, ...]:
    """Twitter's reading-card pair: `twitter:label1` "Written by", `twitter:data1` the name."""
    for number in ("1", "2"):
        label, data = metas.get(f"twitter:label{number}"), metas.get(f"twitter:data{number}")
        if label and data and label[0].casefold() in ("written by", "author", "by"):
            return (data[0],)
    return ()


def _first(metas: dict[str, list[str]], keys: Iterable[str]) -> str | None:
    for key in keys:
        if metas.get(key):
            return metas[key][0]
    return None


def json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page with a type, nested ones (`@graph`, `mainEntity`)
    included. Broken JSON-LD is skipped, never fatal."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = script.text
        if not raw or not raw.strip():
            continue
        try:
            data = json.loads(raw.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        yield from _walk(data, 0)


def _walk(value: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        if "@type" in value:
            yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in value:
                yield from _walk(value[key], depth + 1)


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _is_type(obj: dict[str, Any], pattern: regex.Pattern[str]) -> bool:
    return any(pattern.search(k) for k in _types(obj))


def _first_field(objects: list[dict[str, Any]], keys: Iterable[str]) -> str | None:
    for key in keys:
        for obj in objects:
            value = obj.get(key)
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, str) and value.strip():
                return " ".join(unescape(value).split())
    return None


def _json_authors(objects: list[dict[str, Any]]) -> Iterator[str]:
    for obj in objects:
        for key in ("author", "creator"):
            if key in obj:
                yield from _person_names(obj[key], 0)
        if obj.get("author") or obj.get("creator"):
            return  # the first object that names authors is the article


def _person_names(value: Any, depth: int) -> Iterator[str]:
    if depth > 4:
        return
    if isinstance(value, str):
        yield unescape(value)
    elif isinstance(value, list):
        for item in value:
            yield from _person_names(item, depth + 1)
    elif isinstance(value, dict):
        if _is_type(value, _PERSON_EXCLUDED_TYPE):
            return
        name = value.get("name")
        if isinstance(name, (str, list, dict)):
            yield from _person_names(name, depth + 1)
        elif isinstance(value.get("givenName"), str):
            parts = (value.get(k) for k in ("givenName", "additionalName", "familyName"))
            yield " ".join(p for p in parts if isinstance(p, str))


def _link_authors(tree: Any) -> Iterator[str]:
    for element in tree.xpath('//a[@rel="author"]|//*[@itemprop="author"]'):
        names = element.xpath('.//*[@itemprop="name"]')
        target = names[0] if names else element
        content = target.get("content")
        yield content if content else text_of(target)


def _markup_date(tree: Any) -> str | None:
    for element in tree.xpath(
        '//*[@itemprop="datePublished"][@datetime or @content]|//time[@pubdate][@datetime]'
    ):
        value = element.get("datetime") or element.get("content")
        if value:
            return str(value)
    return None


# --- titles ---------------------------------------------------------------------------------


def fold(text: str | None) -> str:
    """Casefolded words only: quotes, punctuation and spacing do not make titles differ."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold().replace("'", "").replace("’", "")
    return " ".join(_WORD.findall(text))


def _compact(text: str) -> str:
    return "".join(_WORD.findall(fold(text)))


def host_key(url: str | None) -> str | None:
    """The registered name of a URL's host, letters and digits only: "nytimes" for
    https://www.nytimes.com/..., "kristianlarsen" for kristian-larsen.com."""
    if not url:
        return None
    match = regex.match(r"(?:https?://)?(?:www\d?\.|m\.|amp\.)?([^/:?#]+)", url, regex.I)
    if not match:
        return None
    labels = match.group(1).lower().split(".")
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov", "edu"):
        name = labels[-3]
    else:
        name = labels[-2] if len(labels) >= 2 else labels[0]
    return regex.sub(r"[^a-z0-9]", "", name) or None


def _is_site(segment: str, sites: tuple[str, ...], host: str | None) -> bool:
    """Whether a piece cut off a title names the site: its name, or its domain's name, alone
    or with a word or two ("The Verge", "Gold's Gym Blog", "Supermove" for "Supermove Inc.").
    A piece the name is only part of is the headline's ("Docker Hardened Images: ...",
    "Redfin's 2026 Predictions: ..."), and so is a piece that is only part of a long name
    ("Cyber Security" beside "National Cyber Security Centre")."""
    key = _compact(segment)
    if not key or len(segment.split()) > MAX_SITE_WORDS:
        return False
    for site in sites:
        site_key = _compact(site)
        if len(site.split()) > MAX_SITE_WORDS:
            continue  # a whole title taken for the site's name (trafilatura's fallback)
        if site_key and (
            key == site_key
            or (len(key) >= 4 and (_mostly(key, site_key) or _mostly(site_key, key)))
        ):
            return True
    return bool(
        host and len(host) >= 3 and (_mostly(host, key) or (len(key) >= 4 and _mostly(key, host)))
    )


# How much of the longer name the shorter must be, to be the same site's name: "BBC News"
# is .43 "BBC"; "Docker Hardened Images" .3 "Docker" (benchmarks/results/metadata.txt).
SITE_NAME_SHARE = 0.4


def _mostly(part: str, whole: str) -> bool:
    return part in whole and len(part) >= SITE_NAME_SHARE * len(whole)


def _split(title: str) -> list[tuple[str, str]]:
    """Every (head, tail) a separator cuts the title into, at each separator position."""
    cuts = []
    for separator in words().separators:
        start = 0
        while (at := title.find(separator, start)) > 0:
            cuts.append((title[:at].strip(), title[at + len(separator) :].strip()))
            start = at + 1
    return cuts


_BRACKETED_TAIL = regex.compile(r"^(.*?\S)\s*[(\[]([^()\[\]]+)[)\]]$")


def strip_site(title: str, sites: tuple[str, ...], host: str | None) -> str:
    """The title without a site name set off at its end or start, taken off again while one
    is left ("Headline | Section | Site"), or in brackets at its end ("Headline (Site)"). A
    title that is only a site name is kept."""
    for _ in range(3):
        shorter = None
        bracketed = _BRACKETED_TAIL.match(title)
        if bracketed and _is_site(bracketed.group(2), sites, host) and fold(bracketed.group(1)):
            shorter = bracketed.group(1)
        for head, tail in _split(title):
            if tail and head and _is_site(tail, sites, host) and fold(head):
                shorter = head if shorter is None or len(head) > len(shorter) else shorter
            elif head and tail and _is_site(head, sites, host) and fold(tail):
                shorter = tail if shorter is None or len(tail) > len(shorter) else shorter
        if shorter is None:
            break
        title = shorter
    return title


def _agrees(headline: str, other: str, sites: tuple[str, ...], host: str | None) -> bool:
    """An <h1> another title confirms: the same words, alone or with a site name or another
    part set off by a separator ("Headline | Site", "Site – Headline")."""
    a = fold(headline)
    if not a:
        return False
    if a == fold(other) or a == fold(strip_site(other, sites, host)):
        return True
    return len(a.split()) >= 2 and any(
        a in (fold(head), fold(tail)) for head, tail in _split(other)
    )


def choose_title(candidates: Candidates, url: str | None) -> Chosen:
    sites = candidates.site_names
    host = host_key(url)
    metadata = [
        (source, value)
        for source, value in (
            ("json-ld", candidates.json_headline),
            ("og:title", candidates.og_title),
            ("title", candidates.html_title),
        )
        if value
    ]
    headlines = [
        strip_site(h, sites, host)
        for h in candidates.h1
        if not _is_site(h, sites, host) or len(h.split()) > MAX_SITE_WORDS
    ]
    for headline in headlines:
        if any(_agrees(headline, value, sites, host) for _, value in metadata):
            return Chosen(headline, "h1")
    stripped = [
        (source, _strip_against(value, [v for _, v in metadata], sites, host))
        for source, value in metadata
    ]
    # An <h1> that runs on past a metadata title holds more than the headline: a byline or a
    # counter inside the heading ("Headline (example.com) 87").
    for headline in headlines:
        for source, value in stripped:
            if len(fold(value).split()) >= 3 and fold(headline).startswith(fold(value) + " "):
                return Chosen(value, source)
    if len(set(headlines)) == 1 and len(headlines[0].split()) >= 2:
        return Chosen(headlines[0], "h1 alone")
    for (source, value), (_, original) in zip(stripped, metadata, strict=True):
        if fold(value):
            return Chosen(value, source if value == original else f"{source} less site name")
    if headlines:
        return Chosen(headlines[0], "h1")
    return Chosen(None, None)


def _strip_against(title: str, others: list[str], sites: tuple[str, ...], host: str | None) -> str:
    """`strip_site`, and a site name the other titles show: where another title is this one's
    head ("Headline" beside "Headline | Site"), the head."""
    stripped = strip_site(title, sites, host)
    if stripped != title:
        return stripped
    for head, _ in _split(title):
        if any(fold(head) == fold(other) for other in others if other != title):
            return head
    return title


# --- authors --------------------------------------------------------------------------------


def person_names(value: str, sites: tuple[str, ...] = (), host: str | None = None) -> list[str]:
    """The people an author value names: split at ";", "and", "&", "|"; "By" and a trailing
    role or outlet dropped; desks, outlets and handles left out."""
    value = " ".join(unescape(value).split())
    value = _BY.sub("", value)
    names = []
    for part in _AUTHOR_SPLIT.split(value):
        # "Jane Doe, Reuters" and "Jane Doe, Staff Writer": the name is before the comma.
        for piece in _comma_pieces(part):
            piece = piece.strip(" ,.-–—:")
            if piece and is_person(piece, sites, host) and piece not in names:
                names.append(piece)
    return names


def _comma_pieces(part: str) -> list[str]:
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    if len(pieces) <= 1:
        return pieces
    # "Doe, Jane" is one person written surname first; "Jane Doe, John Roe" two people.
    if len(pieces) == 2 and all(len(p.split()) == 1 for p in pieces):
        return [f"{pieces[1]} {pieces[0]}"]
    return pieces


def is_person(name: str, sites: tuple[str, ...] = (), host: str | None = None) -> bool:
    folded = name.casefold().strip()
    table = words()
    if not folded or len(name) > MAX_AUTHOR_CHARS or folded in table.not_person:
        return False
    if folded.startswith(table.not_person_prefixes):
        return False
    if _HANDLE.search(name) or regex.search(r"\d", name):
        return False
    if not regex.search(r"\p{Lu}", name):
        return False  # a lower-case word is a user name
    tokens = fold(name).split()
    if len(tokens) > 5 or any(
        t in table.not_in_name and not (i == 0 and len(tokens) > 1 and t in table.given_names)
        for i, t in enumerate(tokens)
    ):
        return False  # a sentence, a bio, or a date and a label beside the name
    # The outlet's own name in the author field ("The Verge", "verge.com"), unless the site
    # is a person's own ("Jane Doe" on janedoe.com).
    key = _compact(name)
    if any(key == _compact(site) for site in sites) or key == host:
        return (
            name_shaped(name, 2)
            and len(tokens) <= 4
            and not any(t in table.organisation for t in tokens)
        )
    return True


_BYLINE_LABEL = regex.compile(
    r"^(?:(?:written|posted|words|article|story|text|published)\s+)?by\b\s*:?\s*(?P<rest>.*)$|^(?:authors?|author\(s\)|contributors?|words)\s*(?::\s*(?P<rest2>.*))?$",
    regex.I,
)
# A byline further above the headline than this, in text pieces, is a menu's ("By Topic").
BYLINE_REACH_ABOVE = 20
# The byline under the headline: a kicker, a date, share buttons may come between them
# (benchmarks/results/metadata.txt).
BYLINE_REACH_BELOW = 10
# Between two names of one byline: "Rui Ma", ",", "Heba Ledwon", "&", "Suparn Patra".
_JOINER = regex.compile(r"^(?:,|&|and|,\s*and|;)$", regex.I)
# How far after a bare label ("Written by") its name may stand, in text pieces.
LABEL_REACH = 3
# A byline is short: a text piece longer than this is prose that happens to say "by".
MAX_BYLINE_CHARS = 100


def byline_in_markup(
    tree: Any, sites: tuple[str, ...] = (), host: str | None = None, headline: str | None = None
) -> tuple[str, ...]:
    """The people a visible byline names: a text piece "By Jane Doe" or "Written by: Jane
    Doe", or a bare label ("Written by", "Author(s)", "Contributors:") with the names in the
    pieces after it, and further names the byline runs on to (", Heba Ledwon & Suparn
    Patra"). Of the page's bylines, the one nearest the headline, none from well above it
    (a menu's "By Modality", "Shop by Category"); without a headline, the first."""
    found = _bylines(tree, sites, host, headline)
    if not found:
        return ()
    return min(found, key=lambda item: abs(item[0]) if item[0] is not None else 0)[1]


def byline_under_headline(
    tree: Any, sites: tuple[str, ...] = (), host: str | None = None, headline: str | None = None
) -> tuple[str, ...]:
    """The people the byline right under the headline names (within `BYLINE_REACH_BELOW`
    text pieces of it), the credit a reader sees; none where the page has no headline."""
    if not headline:
        return ()
    found = [item for item in _bylines(tree, sites, host, headline) if item[0] is not None]
    below = [item for item in found if 0 < item[0] <= BYLINE_REACH_BELOW]
    return min(below, key=lambda item: item[0])[1] if below else ()


def _bylines(
    tree: Any, sites: tuple[str, ...], host: str | None, headline: str | None
) -> list[tuple[Any, tuple[str, ...]]]:
    """Every byline of the page that names someone, with its distance from the headline in
    text pieces (negative above it), or its position where the page has no headline."""
    visible = visible_pieces(tree)
    pieces = [text for text, _ in visible]
    anchor = _headline_piece(visible, headline) if headline else None
    found: list[tuple[Any, tuple[str, ...]]] = []
    for index, piece in enumerate(pieces):
        if len(piece) > MAX_BYLINE_CHARS:
            continue
        match = _BYLINE_LABEL.match(piece)
        if not match:
            continue
        if anchor is not None and index < anchor - BYLINE_REACH_ABOVE:
            continue
        rest = (match.group("rest") or match.group("rest2") or "").strip(" :|")
        names = _byline_names(visible, index, rest, sites, host)
        if names and anchor is None:
            return [(None, names)]
        if names and anchor is not None:
            found.append((index - anchor, names))
    return found


def same_people(names: Iterable[str], others: Iterable[str]) -> bool:
    """Whether two lists of names share a person, written alike or one inside the other
    ("Jean-Luc Aufranc" and "Jean-Luc Aufranc (CNXSoft)")."""
    keys = [compact for compact in map(_compact, names) if compact]
    other_keys = [compact for compact in map(_compact, others) if compact]
    return any(a in b or b in a for a in keys for b in other_keys)


def _byline_names(
    pieces: list[tuple[str, Any]], index: int, rest: str, sites: tuple[str, ...], host: str | None
) -> tuple[str, ...]:
    """The names of the byline at `pieces[index]`: those in `rest` (what follows its "By")
    or, after a bare label, in the first pieces that name someone; then the names it runs
    on to, each in an element like the last name's (the same tag and class: a list of
    author links, not "Fact Checked" or "Full Bio" beside it), after a joiner (",", "&",
    "and") or, after a bare label, straight after. A role ends it."""
    names: list[str] = []
    last: Any = None
    if rest:
        names = _byline_piece_names(rest, sites, host)
        if not names:
            return ()
        last = pieces[index][1]
    position = index + 1
    misses = 0
    while position < len(pieces) and len(pieces[position][0]) <= MAX_BYLINE_CHARS:
        text, element = pieces[position]
        position += 1
        joined = bool(names) and bool(_JOINER.match(text))
        if joined:
            if position >= len(pieces):
                break
            text, element = pieces[position]
            position += 1
        elif names and rest:
            break  # "By Jane Doe" and then no joiner: the byline has ended
        if names and not _alike(element, last):
            break
        more = _byline_piece_names(text, sites, host, bool(names))
        if more:
            names.extend(n for n in more if n not in names)
            last = element
        elif names:
            break
        else:
            misses += 1
            if misses >= LABEL_REACH:
                break
    return tuple(names)


def _alike(element: Any, other: Any) -> bool:
    return bool(
        other is not None
        and element.tag == other.tag
        and element.get("class") == other.get("class")
    )


def _byline_piece_names(
    text: str, sites: tuple[str, ...], host: str | None, running_on: bool = False
) -> list[str]:
    if running_on and any(w in words().roles for w in fold(text).split()):
        return []
    # A role or a team in brackets after a name: "Rob Mardisalu (Founder)".
    text = regex.sub(r"\s*\([^()]*\)", "", text)
    return [n for n in person_names(text, sites, host) if name_shaped(n)]


_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "du",
        "del",
        "della",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "st.",
    ]
)


def name_shaped(name: str, min_words: int = 1) -> bool:
    """Whether free text reads as a person's name: each word capitalised (particles aside),
    not shouted, not a possessive ("Best's Review")."""
    tokens = name.split()
    if len(tokens) < min_words or name.isupper() or regex.search(r"['’]s\b", name):
        return False
    return all(t[0].isupper() or t.casefold() in _PARTICLES for t in tokens)


def choose_authors(candidates: Candidates, url: str | None) -> Chosen:
    host = host_key(url)
    for source, values in (
        ("json-ld", candidates.json_authors),
        ("meta", candidates.meta_authors),
        ("rel=author", candidates.link_authors),
    ):
        names: list[str] = []
        for value in values:
            for name in person_names(value, candidates.site_names, host):
                if _compact(name) not in {_compact(n) for n in names}:
                    names.append(name)
        if names:
            return Chosen(tuple(names), source)
    return Chosen((), None)


# --- dates ----------------------------------------------------------------------------------


def iso_date(value: str | None) -> str | None:
    """A date as records give it: ISO 8601, with the time and zone where the value has them."""
    if not value:
        return None
    value = value.strip()
    parsed = iso_published(value)
    if parsed:
        return parsed
    match = regex.match(r"^((?:19|20)\d\d-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)", value)
    if match:
        return iso_published(f"{match.group(1)}T{match.group(2)}") or match.group(1)
    match = regex.match(r"^((?:19|20)\d\d-\d\d-\d\d)", value)
    return iso_published(match.group(1)) if match else None


def url_date(url: str | None) -> str | None:
    """The date a URL's path carries (/2024/03/05/), ISO 8601."""
    if not url:
        return None
    match = _URL_DATE.search(url) or _URL_COMPACT_DATE.search(url)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return iso_published(f"{year:04d}-{month:02d}-{day:02d}")


def choose_published(candidates: Candidates) -> Chosen:
    for source, value in (
        ("json-ld", candidates.json_published),
        ("meta", candidates.meta_published),
        ("markup", candidates.markup_published),
    ):
        date = iso_date(value)
        if date:
            return Chosen(date, source)
    return Chosen(None, None)


def choose_modified(candidates: Candidates, published: str | None) -> Chosen:
    for source, value in (
        ("json-ld", candidates.json_modified),
        ("meta", candidates.meta_modified),
    ):
        date = iso_date(value)
        # A page that never changed states its publication again: that is no modification.
        if date and (published is None or date[:10] >= published[:10]):
            return Chosen(date, source)
    return Chosen(None, None)


# How far from the headline a visible dateline may stand, in text pieces: a kicker, the
# byline, a reading time and share buttons come between them; further off, a date belongs
# to a related story, a comment or the footer (benchmarks/results/metadata.txt).
DATELINE_REACH = 8
# A dateline is a short piece: "Published: January 3, 2024", "Dec 12, 2025 · 5 min read".
MAX_DATELINE_CHARS = 60
# A bare label before a date ("Last updated:", "Published on") is a few words.
MAX_LABEL_CHARS = 20
_UPDATED_LABEL = regex.compile(r"\b(?:updated|modified|revised|reviewed|edited)\b", regex.I)
# 17.05.2021 (day first, the dotted European form), 2/24/2026 or 24/2/2026 (read only where
# the day cannot be the month), 2021-05-17 handled by the word forms' reader.
_NUMERIC_DATE = regex.compile(r"(?<![\w./-])(\d\d?)([./])(\d\d?)\2((?:19|20)\d\d)(?![\w./-])")


@dataclass(frozen=True, slots=True)
class Dateline:
    date: str
    updated: bool  # labelled as an update ("Updated: January 2, 2026")


def numeric_date(text: str) -> str | None:
    """The date a numeric form gives where it is unambiguous: "17.05.2021" day first;
    "2/24/2026" month first because 24 is no month; "3/4/2025" is either, so nothing."""
    match = _NUMERIC_DATE.search(text)
    if not match:
        return None
    first, separator, second, year = match.groups()
    a, b = int(first), int(second)
    if separator == "." or a > 12 >= b:
        day, month = a, b
    elif b > 12 >= a:
        day, month = b, a
    else:
        return None
    return iso_published(f"{year}-{month:02d}-{day:02d}")


def dateline_date(text: str) -> str | None:
    """The date a short visible piece states: "Published March 9, 2026", "October 3, 2024",
    "17.05.2021". Longer text is prose, not a dateline."""
    if len(text) > MAX_DATELINE_CHARS:
        return None
    return date_in_stamp(text) or numeric_date(text)


def datelines_near_headline(tree: Any, headline: str | None) -> list[Dateline]:
    """The dates the page shows next to its headline (within `DATELINE_REACH` text pieces
    either side of the `<h1>` that holds it), nearest first. An empty list where the page
    has no such headline: a date elsewhere on the page (a footer's copyright, a sidebar's
    story, "Last updated" under a form) says nothing about the article."""
    pieces = visible_pieces(tree)
    anchor = _headline_piece(pieces, headline)
    if anchor is None:
        return []
    # Nearest first; at the same distance, the one under the headline.
    found: list[tuple[int, bool, Dateline]] = []
    for index in range(max(0, anchor - DATELINE_REACH), anchor + DATELINE_REACH + 1):
        if index >= len(pieces) or index == anchor:
            continue
        text = pieces[index][0]
        date = dateline_date(text)
        if not date:
            continue
        before = pieces[index - 1][0] if index else ""
        # "Updated: January 2, 2026", or "Updated" as a bare label just before the date.
        updated = bool(_UPDATED_LABEL.search(text)) or (
            len(before) <= MAX_LABEL_CHARS and bool(_UPDATED_LABEL.search(before))
        )
        found.append((abs(index - anchor), index < anchor, Dateline(date, updated)))
    return [line for *_, line in sorted(found, key=lambda item: item[:2])]


def _headline_piece(pieces: list[tuple[str, Any]], headline: str | None) -> int | None:
    """Where the headline stands among the text pieces: the first piece inside an `<h1>`
    that is part of the headline, else a piece that is the headline."""
    wanted = fold(headline)
    for index, (text, element) in enumerate(pieces):
        folded = fold(text)
        if not folded or (wanted and f" {folded} " not in f" {wanted} "):
            continue
        if element.tag == "h1" or any(a.tag == "h1" for a in element.iterancestors()):
            return index
    if wanted:
        for index, (text, _) in enumerate(pieces):
            if fold(text) == wanted:
                return index
    return None


# A dateline a day off a stamp is the same moment in another zone (23:30 UTC is the next day
# in Asia, the day before in America): no evidence against the stamp (one WCXB tuning page,
# a 00:57 UTC stamp under a dateline of the day before; benchmarks/results/metadata.txt).
ZONE_SLACK_DAYS = 1


def is_republication_stamp(candidates: Candidates, published: str) -> bool:
    """Whether a stated publication date is no earlier than the stated modification: the
    stamp a CMS puts on each re-publication of a page (on WCXB dev, Webflow-made pages
    printing "Jun 24, 2025" for both), not the first publication."""
    modified = (iso_date(candidates.json_modified), iso_date(candidates.meta_modified))
    return any(m is not None and m[:10] <= published[:10] for m in modified)


def earlier_dateline(published: str, lines: list[Dateline]) -> str | None:
    """The dateline beside the headline (the nearest not labelled an update) where it is
    earlier than `published` by more than a zone's difference."""
    original = next((line for line in lines if not line.updated), None)
    if original is None:
        return None
    try:
        gap = dt.date.fromisoformat(published[:10]) - dt.date.fromisoformat(original.date[:10])
    except ValueError:
        return None
    return original.date if gap.days > ZONE_SLACK_DAYS else None
