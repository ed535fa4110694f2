"""Page chrome in plain text: telling navigation, link lists and widgets from article prose.

jusText classifies HTML paragraphs by what they look like: long, full of stop words and with
few links is content; short or stop-word-poor is boilerplate; and what cannot be told alone
(short lines, "near-good" ones) takes the class of its neighbours. We reason the same way on
plain lines, where the markup is gone but the shape is not: a navigation menu is a run of one-
and two-word lines, a related-links box a run of headlines without full stops, an article a
run of long lines made of function words and ending in full stops.

Two uses, chosen by how much of the text is chrome:

- a page dump (all visible text of a page: most lines are chrome) keeps only what the
  classifier calls content;
- extracted article text (mostly content) only loses the link list left below the last
  paragraph. Inside the article a short line is a subheading, a list item or a quote, and
  stays.

Only plain text can be a page dump. What trafilatura extracted from HTML is never treated as
one: on pages nobody tuned on (WCXB dev), documentation-style posts, tech blogs and product
round-ups look like dumps by line shape alone, and the classifier took most of them
(benchmarks/results/wcxb.txt).

Stop-word lists are jusText's (shipped with the justext package, a dependency of trafilatura);
a language without one, or without spaces between words, is left alone.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import regex

from cleaners.document import Document, Removal
from cleaners.language import detect_language
from cleaners.text_shape import ends_like_sentence

Klass = Literal["good", "neargood", "short", "bad"]

# jusText's defaults, in characters and stop-word density.
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32
# A short line this close (in characters) above content is a heading of it.
MAX_HEADING_DISTANCE = 200
# A text is a page dump when it has many lines, much of them chrome, and many of those in
# menu-like runs (the lines the rules already took count as chrome in runs). Chosen on the AEB
# residue (benchmarks/quality.py): all visible text of a page (html-text) must be caught,
# readability's article output left alone. 0.4/0.25 gives html-text P 0.864 R 0.912 with
# readability's recall 0.979; 0.35/0.2, 0.45/0.3 and 0.5/0.35 move each by 0.005 at most.
MIN_PAGE_DUMP_PARAGRAPHS = 30
PAGE_DUMP_CHROME_SHARE = 0.4
PAGE_DUMP_RUN_SHARE = 0.25
# A run of content starting this many paragraphs below the repeated title is the article, if
# it holds at least this share of the largest run's content.
MAX_HEADLINE_DISTANCE = 12
ANCHORED_MIN_SHARE = 0.2
# A trailing bullet list is a box of related stories when it has this many items, this share
# of them not ended as a sentence, and none longer than a headline with its teaser.
MIN_LINK_LIST_ITEMS = 3
LINK_LIST_UNENDED_SHARE = 0.6
MAX_LINK_ITEM_WORDS = 40
# This many short non-sentence lines in a row are a menu or a link list.
MIN_LINK_RUN = 3
# Non-content paragraphs that may separate two parts of one article (a caption, an ad slot).
MAX_GAP = 6
# A page dump carries its page's header and footer, and the rules find some of it (a menu
# line, the copyright, share buttons); an article made of tables or product lists, which looks
# like a dump by line shape alone, has none. On the AEB residue the two readability outputs
# that looked like dumps but were articles (a stats table, a deals list) held no such line, and
# requiring one lifted readability's recall from 0.971 to 0.979; requiring 2 or 3 lost
# html-text dumps (its precision fell by 0.008 and 0.027).
MIN_PAGE_EVIDENCE = 1
PAGE_CATEGORIES = frozenset(
    {
        "advertisement",
        "app_promo",
        "browser_notice",
        "comments",
        "contact",
        "cookie_notice",
        "copyright",
        "donate",
        "navigation",
        "promo",
        "related_links",
        "self_promo",
        "server_footer",
        "social",
        "subscribe",
        "tags",
    }
)

_WORD = re.compile(r"\w+")
_STOPLIST_FILES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian_Bokmal",
    "tr": "Turkish",
    "ro": "Romanian",
    "cs": "Czech",
    "hu": "Hungarian",
    "fi": "Finnish",
    "id": "Indonesian",
    "az": "Azerbaijani",
    "bg": "Bulgarian",
    "sr": "Serbian",
    "el": "Greek",
}


@functools.cache
def _stoplist_folder() -> Path | None:
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    return folder if folder.is_dir() else None


@functools.cache
@functools.cache
def stopwords(language: str) -> frozenset[str]:
    """jusText's stop words for an ISO 639-1 language code (empty when there are none). Read
    once per language: the page stage asks for them on every document, and the paragraph
    model once per pass."""
    folder = _stoplist_folder()
    name = _STOPLIST_FILES.get(language)
    if folder is None or name is None or not (folder / f"{name}.txt").exists():
        return frozenset()
    return frozenset((folder / f"{name}.txt").read_text(encoding="utf-8").lower().split())


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    chars: int
    words: int
    density: float
    klass: Klass

    @property
    def is_heading_shaped(self) -> bool:
        return 0 < self.words <= 15 and not ends_like_sentence(self.text)


def _block(text: str, stops: frozenset[str]) -> Block:
    words = _WORD.findall(text.lower())
    # `map` keeps the count in C: this runs on every line of every page dump.
    density = sum(map(stops.__contains__, words)) / len(words) if words else 0.0
    chars = len(text)
    klass: Klass
    if chars < LENGTH_LOW:
        klass = "short"
    elif density >= STOPWORDS_HIGH and (chars > LENGTH_HIGH or ends_like_sentence(text)):
        # jusText wants 200 characters; in plain text a full stop tells as much, and news
        # paragraphs (tabloids, wires) are often shorter than that.
        klass = "good"
    elif density >= STOPWORDS_LOW:
        klass = "neargood"
    else:
        klass = "bad"
    return Block(text, chars, len(words), density, klass)


_DIGIT = regex.compile(r"\d")


def _link_shapes(blocks: list[Block]) -> tuple[list[bool], list[bool]]:
    """For each block, whether it is shaped like a link's text: short and no sentence. First
    as a menu entry, holding no figure either (lines with figures, such as dates, scores and
    prices, and table rows are the content of list articles); then with figures allowed (in
    a page dump, where the article is prose and the lists around it are the page's). Both
    told in one pass: a page dump is marked both ways."""
    unended = [b.klass == "short" and not ends_like_sentence(b.text) for b in blocks]
    menu = [
        short and not _DIGIT.search(b.text) and not b.text.startswith("|")
        for short, b in zip(unended, blocks, strict=True)
    ]
    return menu, unended


def _mark_link_runs(blocks: list[Block], linky: list[bool]) -> list[Block]:
    """Plain text has no links, but it keeps their shape: menus and link lists are runs of
    short lines that are not sentences (`linky`, from `_link_shapes`). Such a line is what
    jusText calls link-dense: bad."""
    marked = list(blocks)
    start = 0
    while start < len(blocks):
        if not linky[start]:
            start += 1
            continue
        end = start
        while end < len(blocks) and linky[end]:
            end += 1
        if end - start >= MIN_LINK_RUN:
            for i in range(start, end):
                b = blocks[i]
                marked[i] = Block(b.text, b.chars, b.words, b.density, "bad")
        start = end
    return marked


def _nearest(classes: list[Klass], skip: frozenset[str]) -> tuple[list[Klass], list[Klass]]:
    """For each paragraph, the class of the nearest paragraph before it and of the nearest
    after it whose class is not in `skip`; beyond the ends of the text lies boilerplate.
    Two passes for all paragraphs: in a page dump most of them ask."""
    before: list[Klass] = []
    last: Klass = "bad"
    for klass in classes:
        before.append(last)
        if klass not in skip:
            last = klass
    after: list[Klass] = []
    last = "bad"
    for klass in reversed(classes):
        after.append(last)
        if klass not in skip:
            last = klass
    after.reverse()
    return before, after


_SHORT = frozenset({"short"})
_SHORT_NEARGOOD = frozenset({"short", "neargood"})


def classify(blocks: list[Block]) -> list[Klass]:
    """jusText's context revision: short and near-good paragraphs take their neighbours'
    class; headings right above content are content."""
    initial: list[Klass] = [b.klass for b in blocks]
    revised = list(initial)
    if "short" in initial:
        before, after = _nearest(initial, _SHORT_NEARGOOD)
        before_short, after_short = _nearest(initial, _SHORT)
        for i, klass in enumerate(initial):
            if klass != "short":
                continue
            if before[i] == after[i] == "good":
                revised[i] = "good"
            elif before[i] == after[i] == "bad":
                revised[i] = "bad"
            elif (before[i] == "bad" and before_short[i] == "neargood") or (
                after[i] == "bad" and after_short[i] == "neargood"
            ):
                revised[i] = "good"
            else:
                revised[i] = "bad"
    final = list(revised)
    if "neargood" in revised:
        before, after = _nearest(revised, _SHORT_NEARGOOD)
        for i, klass in enumerate(revised):
            if klass == "neargood":
                final[i] = "bad" if before[i] == after[i] == "bad" else "good"
    for i, block in enumerate(blocks):
        if final[i] == "good" or initial[i] != "short" or not block.is_heading_shaped:
            continue
        distance = 0
        for j in range(i + 1, len(blocks)):
            if final[j] == "good" and initial[j] != "short":
                final[i] = "good"
                break
            distance += blocks[j].chars
            if distance > MAX_HEADING_DISTANCE:
                break
    return final


def is_page_dump(blocks: list[Block], classes: list[Klass], taken: int = 0) -> bool:
    """All the visible text of a page rather than an extracted article: many lines, most of
    them chrome, and much of it in menu-like runs. `taken`: lines of the page's chrome the
    rules already took out (menu entries, share buttons, link lists); they were part of the
    page's shape, and without them a dump whose chrome the rules know well would look like
    an article."""
    count = len(blocks) + taken
    chrome = sum(1 for c in classes if c != "good") + taken
    in_runs = sum(1 for b in blocks if b.klass == "bad" and b.chars < LENGTH_LOW) + taken
    return chrome >= count * PAGE_DUMP_CHROME_SHARE and in_runs >= count * PAGE_DUMP_RUN_SHARE


def _may_be_page_dump(paragraphs: list[str], taken: int) -> bool:
    """`is_page_dump`'s test of menu-like runs with every short line counted as in one, which
    only line lengths tell: a text that fails it is no page dump whatever its classes, and
    needs no stop-word count."""
    count = len(paragraphs) + taken
    short = sum(1 for p in paragraphs if len(p) < LENGTH_LOW) + taken
    return short >= count * PAGE_DUMP_RUN_SHARE


def content_regions(
    classes: list[Klass], blocks: list[Block], max_gap: int
) -> list[tuple[int, int, int]]:
    """Runs of content paragraphs, gaps of up to `max_gap` others allowed: (first, last, chars)."""
    regions: list[tuple[int, int, int]] = []
    start: int | None = None
    end = chars = gap = 0
    for i, klass in enumerate(classes):
        if klass == "good":
            if start is None:
                start, chars = i, 0
            chars += blocks[i].chars
            end, gap = i, 0
            continue
        if start is not None:
            gap += 1
            if gap > max_gap:
                regions.append((start, end, chars))
                start = None
    if start is not None:
        regions.append((start, end, chars))
    return regions


def main_region(
    classes: list[Klass], blocks: list[Block], max_gap: int, anchor: int | None = None
) -> tuple[int, int]:
    """The article among a page dump's runs of content (teasers, comments, footers): the run
    that starts nearest below the page's own title where the title shows up again as the
    headline, else the run with the most content."""
    regions = content_regions(classes, blocks, max_gap)
    if not regions:
        return (0, -1)
    largest = max(regions, key=lambda r: r[2])
    if anchor is not None:
        below = [
            r
            for r in regions
            if r[1] > anchor
            and r[0] - anchor <= MAX_HEADLINE_DISTANCE
            and r[2] >= largest[2] * ANCHORED_MIN_SHARE
        ]
        if below:
            return max(below[0][0], anchor + 1), below[0][1]
    return largest[0], largest[1]


def title_anchor(paragraphs: list[str], title: str | None) -> int | None:
    """Where the page's title is repeated as the article's headline: a page dump starts with
    the <title> (often with the site's name after a dash), the headline comes again later."""
    candidates = {_fold(title)} if title else set()
    if paragraphs:
        first = paragraphs[0]
        candidates.add(_fold(first))
        candidates.add(_fold(regex.split(r"\s+[-–—|:]\s+[^-–—|:]+$", first)[0]))
    candidates.discard("")
    for index, paragraph in enumerate(paragraphs[1:], start=1):
        if _fold(paragraph) in candidates:
            return index
    return None


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


_BULLET = regex.compile(r"^[-•*–·]\s")


def strip_trailing_link_list(doc: Document) -> Document:
    """A list of headlines at the very end of an article is a related-stories box: bullet items
    that mostly do not end as sentences do. (A list of steps or facts ends in full stops.)"""
    paragraphs = doc.text.split("\n\n") if doc.text else []
    start = len(paragraphs)
    while start > 0 and _BULLET.match(paragraphs[start - 1]):
        start -= 1
    items = paragraphs[start:]
    if len(items) < MIN_LINK_LIST_ITEMS or start == 0:
        return doc
    unended = sum(1 for item in items if not ends_like_sentence(item))
    if unended < len(items) * LINK_LIST_UNENDED_SHARE or any(
        item.count(" ") >= MAX_LINK_ITEM_WORDS for item in items
    ):
        return doc
    removals = [Removal("chrome.trailing-links", "related_links", item) for item in items]
    return doc.removing(removals, "\n\n".join(paragraphs[:start]))


def strip_page_chrome(doc: Document) -> Document:
    if doc.format != "text":
        return doc  # an extraction from HTML is no page dump (see the module's docstring)
    paragraphs = doc.text.split("\n\n") if doc.text else []
    taken = sum(1 for removal in doc.removed if removal.category in PAGE_CATEGORIES)
    if taken < MIN_PAGE_EVIDENCE or len(paragraphs) + taken < MIN_PAGE_DUMP_PARAGRAPHS:
        return doc
    if doc.language is None:
        # Told once here, kept for the record (assess reuses it).
        doc = replace(doc, language=detect_language(doc.text))
    stops = stopwords(doc.language) if doc.language else frozenset()
    if not stops:
        return doc
    if not _may_be_page_dump(paragraphs, taken):
        return doc
    plain = [_block(p, stops) for p in paragraphs]
    menu_like, unended = _link_shapes(plain)
    blocks = _mark_link_runs(plain, menu_like)
    classes = classify(blocks)
    if not any(c == "good" for c in classes) or not is_page_dump(blocks, classes, taken):
        return doc  # article text, or no prose at all (a list, a table): not ours to cut
    # Around the article every list is the page's; inside it, a table or a list of dates is
    # the article's own: figures count as chrome only for finding where the article is.
    strict_blocks = _mark_link_runs(plain, unended)
    strict = classify(strict_blocks)
    first, last = main_region(strict, strict_blocks, MAX_GAP, title_anchor(paragraphs, doc.title))
    drop = [c != "good" or not first <= i <= last for i, c in enumerate(classes)]
    if not any(drop):
        return doc
    kept = [p for p, d in zip(paragraphs, drop, strict=True) if not d]
    removals = [
        Removal("chrome.page", "page_chrome", p) for p, d in zip(paragraphs, drop, strict=True) if d
    ]
    return doc.removing(removals, "\n\n".join(kept))
