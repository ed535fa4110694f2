"""Post listings: a page of several posts, each with the same row of share buttons.

    Mensagens » Só quem se Ama… Whatsapp Facebook Pint Baixar Viver uma verdadeira
    experiência ... Um Amor de Verdade Whatsapp Facebook Pint Baixar A vida requer da gente
    ... traçando um plano paralelo para … Whatsapp Facebook Pint Baixar “Bem-aventurados ...

An archive, category or "more posts" page gives every post its own share row. An extractor
that takes the whole listing hands us the article followed by other posts' excerpts, often
glued into one paragraph where no line rule can tell them from the article. The rows give it
away: a row of share buttons is never article text, and the same row three times or more,
with a post's worth of prose between each two, is a listing. The article is the first post;
the later ones go, each row with them.

Rows may head their posts (the first row under the title) or close them (the first post before
the first row, and page chrome may come before either): cutting at the second row keeps the
article in both cases, and at worst leaves one other post for the rules. Rows with little
between them (one for the desktop page and one for the mobile page, as whole-page text has
them) are not a listing.
"""

from __future__ import annotations

import itertools
import re

import regex

from cleaners.document import Document, Removal
from cleaners.text_shape import word_count

RULE_ID = "listing.later-posts"
ROW_RULE_ID = "listing.share-row"
CATEGORY = "related_links"
ROW_CATEGORY = "social"
# Two rows are an article's top and bottom share bars; a listing repeats the row per post.
MIN_ROWS = 3
# What a post between two rows holds at least: an excerpt, not a caption or a counter.
MIN_POST_WORDS = 20
# The button labels of a share row, in the languages of the rules ("Pint" is Pinterest cut
# short, "Baixar" a download button).
_WORD = re.compile(r"\w+")
_LABEL = (
    r"(?:facebook|twitter|whatsapp|pinterest|pint|pin|linkedin|e-?mail|print|reddit|telegram"
    r"|tumblr|messenger|flipboard|pocket|sms|vk|viber|share|tweet|copy link|baixar"
    r"|compartilhar|compartir|partager|teilen|drucken|imprimir|imprimer|поделиться)"
)
_ROW_PATTERN = rf"(?<![\w]){_LABEL}(?:[\s|•·/]+{_LABEL}){{2,}}(?![\w])"
# Rows are looked for in the lowered text, where the standard library's engine needs no case
# folding and runs about twice as fast; where lowering changes the text's length (a dotted
# capital I), offsets would not carry over and the slow search runs on the text itself.
_ROW_LOWERED = re.compile(_ROW_PATTERN)
_ROW_ANY_CASE = regex.compile(_ROW_PATTERN, regex.IGNORECASE | regex.V0)
# The cheap test first: a listing repeats a row, so one of these at least three times (its
# rows hold one of them), which most texts do not.
_STEMS = ("acebook", "witter", "hatsapp", "hatsApp", "interest", "inkedIn", "elegram", "weet")


def _rows(text: str) -> list[tuple[int, int]]:
    """The spans of the row that recurs most often."""
    lowered = text.lower()
    matches = (
        _ROW_LOWERED.finditer(lowered)
        if len(lowered) == len(text)
        else _ROW_ANY_CASE.finditer(text)
    )
    by_labels: dict[str, list[tuple[int, int]]] = {}
    for match in matches:
        labels = " ".join(_WORD.findall(match.group(0).lower()))
        by_labels.setdefault(labels, []).append(match.span())
    return max(by_labels.values(), key=len, default=[])


def listing_cut(text: str) -> tuple[int, int, int] | None:
    """Where the first share row starts and ends, and where the later posts begin (at the
    second row); None when the text is not a listing."""
    if all(text.count(stem) < MIN_ROWS for stem in _STEMS):
        return None
    rows = _rows(text)
    if len(rows) < MIN_ROWS:
        return None
    between = [text[a_end:b_start] for (_, a_end), (b_start, _) in itertools.pairwise(rows)]
    if any(word_count(post) < MIN_POST_WORDS for post in between):
        return None
    return rows[0][0], rows[0][1], rows[1][0]


def strip_post_listing(doc: Document) -> Document:
    cut = listing_cut(doc.text)
    if cut is None:
        return doc
    row_start, row_end, later = cut
    removals = [
        Removal(ROW_RULE_ID, ROW_CATEGORY, doc.text[row_start:row_end].strip()),
        Removal(RULE_ID, CATEGORY, doc.text[later:].strip()),
    ]
    # A row stood between two blocks of the page: where it was, a paragraph ends.
    kept = f"{doc.text[:row_start]}\n\n{doc.text[row_end:later]}"
    paragraphs = (p.strip() for p in kept.split("\n\n"))
    return doc.removing(removals, "\n\n".join(p for p in paragraphs if p))
