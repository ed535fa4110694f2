"""Boilerplate glued into a paragraph: text whose line breaks an extractor lost.

Some extractors join the blocks of a page without a space, so a long "paragraph" holds the
article's sentences and the page's widgets end to end:

    ...in the annual Fan Vote.You may also like...Who will make the Rock Hall in 2020?
    ...November 19, 2019Updated at 1:23 p.m.
    ...on the go BY CLICKING HEREHome Depot shares are up 39 percent...

The seams still show: a sentence's end, a figure or a lower-case word run straight into a
capital. A long paragraph is cut at those seams into pieces, each piece is tried against the
paragraph rules as if it were a line of its own, and the pieces a rule takes go (recorded like
any removal). What stays is joined back exactly as it was: the text around a seam is never
changed, only pieces are taken out.
"""

from __future__ import annotations

import itertools

import regex

from cleaners.document import Document, Removal
from cleaners.rules import Rule, RuleSet, default_rules
from cleaners.strip import MAX_LIST_ITEMS, Zones
from cleaners.text_shape import is_headline_shaped

# Only paragraphs this long are searched for seams: shorter ones are lines already, and the
# rules have seen them whole (30 found nothing more on the AEB residue).
MIN_GLUED_WORDS = 60
# Pieces longer than this are left whole: with no seam inside, a piece may hold the article's
# own sentences before the widget text a rule recognises at its end (60 took a wire story's
# lead along with the caption glued after it).
MAX_PIECE_WORDS = 40
# A seam is a capital straight after
# - sentence punctuation, or a closing bracket or quote ("Beacon.CLEVELAND", ".”The", and
#   ".___Follow" where a rule of underscores separated a footer), but not
#   an initial's full stop ("U.S.", "J.R.R.") nor an opening quote (', "Out There"');
# - a figure, before a capitalised word or the words "A" and "I" ("2019Updated", "2of4A
#   shopper"; "5G" and "4K" are words);
# - a lower-case word of two letters at least ("VoteYou"; "McDonald" and "LeBron" hold none);
# or a capitalised word straight after a word in capitals of three letters at least
# ("HEREHome"; "ZDNet" holds none).
_SEAM = regex.compile(
    r"(?<=[.!?…]|\S[)\]\"”’])(?<!(?:^|[^\p{L}])\p{Lu}\.)(?=_*\p{Lu})"
    r"|(?<=\p{Ll}\p{Ll})(?=\p{Lu})|(?<=\d)(?=\p{Lu}\p{Ll}|[AI]\s)"
    r"|(?<=(?<![\p{L}\p{N}])\p{Lu}{3,})(?=\p{Lu}\p{Ll})"
)
# The cheap test first: most paragraphs have a space after every sentence.
_ANY_SEAM = regex.compile(r"[.!?…)\]\"”’\d\p{Ll}]\p{Lu}")


# Names written in camel case: the capital inside them is no seam ("This slideshow requires
# JavaScript." is one line for the rules).
_CAMEL_CASE_NAMES = frozenset(
    [
        "javascript",
        "youtube",
        "wordpress",
        "playstation",
        "paypal",
        "linkedin",
        "whatsapp",
        "tiktok",
        "powerpoint",
        "blackberry",
        "mastercard",
        "soundcloud",
        "dreamworks",
        "hubspot",
    ]
)


def _inside_a_name(paragraph: str, cut: int) -> bool:
    start, end = cut, cut
    while start > 0 and paragraph[start - 1].isalpha():
        start -= 1
    while end < len(paragraph) and paragraph[end].isalpha():
        end += 1
    return paragraph[start:end].casefold() in _CAMEL_CASE_NAMES


def pieces(paragraph: str) -> list[str]:
    """The paragraph cut at its seams; joined, the pieces are the paragraph again."""
    cuts = [
        m.start() for m in _SEAM.finditer(paragraph) if not _inside_a_name(paragraph, m.start())
    ]
    bounds = [0, *cuts, len(paragraph)]
    return [paragraph[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _taking_rule(piece: str, rules: RuleSet, zones: Zones, index: int) -> Rule | None:
    words = piece.count(" ") + 1
    if words > MAX_PIECE_WORDS:
        return None
    for rule in rules.applicable(words).candidates(piece):
        if rule.remove == "match" or not zones.allows(rule, index):
            continue
        if rule.matches(piece, words) is not None:
            return rule
    return None


def _is_list_item(piece: str) -> bool:
    """A headline under a glued list heading ("You may also like...Who will make the Rock Hall
    in 2020?Dave Matthews Band takes over Rock Hall Fan Vote"): short, not ended by a full
    stop (a question mark is a headline's)."""
    return bool(piece) and is_headline_shaped(piece, max_words=20)


# A paragraph all of whose pieces stay, with where it stood (in the head zone, in the tail
# zone): the same paragraph in the same zones keeps them all again.
Whole = set[tuple[str, bool, bool]]


def strip_glued_boilerplate(
    doc: Document, rules: RuleSet | None = None, whole: Whole | None = None
) -> Document:
    """`whole` remembers the paragraphs that kept all their pieces, for a caller that strips
    the same document again (the pipeline does until it is stable)."""
    if not doc.text:
        return doc
    rules = rules or default_rules()
    whole = set() if whole is None else whole
    paragraphs = doc.text.split("\n\n")
    zones = Zones.of(len(paragraphs))
    removals: list[Removal] = []
    changed = False
    for index, paragraph in enumerate(paragraphs):
        if paragraph.count(" ") + 1 < MIN_GLUED_WORDS or not _ANY_SEAM.search(paragraph):
            continue
        place = (paragraph, index < zones.head_end, index >= zones.tail_start)
        if place in whole:
            continue
        parts = pieces(paragraph)
        if len(parts) < 2:
            whole.add(place)
            continue
        kept: list[str] = []
        listing: Rule | None = None  # a list heading just taken, and the items it takes
        items = 0
        for part in parts:
            piece = part.strip()
            if listing is not None and items < MAX_LIST_ITEMS and _is_list_item(piece):
                removals.append(Removal(listing.id, listing.category, piece))
                items += 1
                continue
            listing = None
            rule = _taking_rule(piece, rules, zones, index) if piece else None
            if rule is None:
                kept.append(part)
                continue
            removals.append(Removal(rule.id, rule.category, piece))
            if rule.remove == "list":
                listing, items = rule, 0
        if len(kept) < len(parts):
            paragraphs[index] = "".join(kept).strip()
            changed = True
        else:
            whole.add(place)
    if not changed:
        return doc
    return doc.removing(removals, "\n\n".join(p for p in paragraphs if p))
