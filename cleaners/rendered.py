r"""What an HTML-to-text renderer writes around the words: Markdown (html2text, Markdown
converters) with its links, their references, the marks of headings and emphasis and backslash
escapes; and a text browser's dump (lynx -dump) with its numbered link markers and their list
of references.

    [WeWork][1] is reportedly being investigated. According to [Reuters][2], ...
    ![](https://example.com/photo.jpg) See the [full report](https://example.com/r).
    [1]: https://www.wework.com/
    [2]: https://www.reuters.com/article/us-wework-newyork-investigation-exclusiv/ex
    clusive-new-york-state-attorney-general-investigating-wework-sources

The words of a link are the article's; the brackets, the numbers and the addresses are the
page's markup. A reference link is only taken as one when the text defines its label: "[1]"
alone is a footnote marker an article may keep, and a bracketed phrase is an editor's note.
The block of definitions goes as a removal (the links the page held), the markup around a
link's words as a repair.

    ## Andrei Rudkov          ->  Andrei Rudkov
    **Account:** @darkzip    ->  Account: @darkzip
    _Getty Images_ \- 2019   ->  Getty Images - 2019

The other marks go only from a text that shows it is Markdown (a link, a reference block,
headings): in plain text an asterisk or a hash sign is the author's.

    [8]WeWork is reportedly being investigated ... According to [9]Reuters, ...
    References
       1. https://techcrunch.com/feed/

A text browser marks each link with its number and lists the addresses under "References" at
the end: the list goes, and a marker whose number the list holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from cleaners.document import Removal, Repair

RULE_ID = "rendered.references"
# Not "navigation": the reference block renders the links of the article itself, and is no sign
# that the text is a whole page (see cleaners.chrome).
CATEGORY = "markup"
# "[1]: https://..." on a line of its own; a renderer that wraps lines carries a long address
# on to lines of its own: no space in them, and an address's punctuation or a digit (a word
# on the next line, "Advertisement", is not part of the address).
_DEFINITION = regex.compile(
    r"^[ ]{0,3}\[([^\]\n]{1,40})\]:[ ]*(?:https?://|ttps?://|www\.|/|mailto:)\S*"
    r"(?:\n(?![ ]{0,3}\[)(?=[^\s]*[/\-_.=?&%#\d])\S+)*[ ]*$",
    regex.MULTILINE,
)
# "References" at the end of a text browser's dump, then numbered addresses, each with its
# scheme (under "Visible links:" and "Hidden links:" when the page hid some), to the end of
# the text. (An article's own numbered references are titles, not addresses.)
_NUMBERED_LIST = regex.compile(
    r"\n[ ]*References[ ]*\n(?:[ ]*\n)*"
    r"(?:[ ]*(?:Visible|Hidden) links:[ ]*\n"
    r"|[ ]*\d+\.[ ]+[a-z][a-z0-9+.-]{1,20}:[^\n]*(?:\n|$)"
    r"|[ ]*\n)+\Z"
)
_NUMBER = regex.compile(r"(?m)^[ ]*(\d+)\.[ ]")
# A text browser's marker: the number of a link in brackets, before its words ("#[1]" for a
# link of the page's head).
_MARKER = regex.compile(r"#?\[(\d+)\]")
# Links inside links that are undone one level at a time.
MAX_NESTING = 3
# [words][label] and [words] [label]: the label must be defined.
_REFERENCE = regex.compile(r"\[([^\[\]\n]*(?:\n[^\[\]\n]*)?)\][ ]?\[([^\]\n]{1,40})\]")
# [words](address "title") and images ![alt](address), the address with any scheme (https:,
# mailto:, whatsapp:, data:); a renderer that wraps lines may have cut it at a hyphen.
_INLINE = regex.compile(
    r"(!?)\[([^\[\]\n]*(?:\n[^\[\]\n]*)?)\]"
    r"\((?:[a-z][a-z0-9+.-]{1,20}:|/|www\.|#)[^()\s]*(?:\n[^()\s]+)*(?:\s+\"[^\"\n]*\")?\)"
)


# Two headings or one link: the text is Markdown.
MIN_HEADINGS = 2
# (The standard library's engine, for the test of every text; the marks' own patterns run
# only on Markdown.)
_ATX = re.compile(r"^[ ]{0,3}#{1,6}[ ]+\S", re.MULTILINE)
_HEADING = regex.compile(r"^[ ]{0,3}#{1,6}[ ]+(?=\S)|[ ]+#+[ ]*$", regex.MULTILINE)
_STRONG = regex.compile(r"(\*\*|__)(?=\S)([^\n]+?)(?<=\S)\1")
_EMPHASIS = regex.compile(
    r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)"
)
_ESCAPE = regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_RULE_LINE = regex.compile(
    r"^[ ]{0,3}(?:(?:\*[ ]*){3,}|(?:-[ ]*){3,}|(?:_[ ]*){3,})$\n?", regex.MULTILINE
)


_H1 = regex.compile(r"^[ ]{0,3}#[ ]+(\S[^\n]*?)(?:[ ]+#+)?[ ]*$", regex.MULTILINE)


def sole_headline(text: str) -> str | None:
    """The text of the one top-level heading ("# ..."), the page's headline as a renderer
    writes its <h1>; None when there is none or more than one (a logo, a section name)."""
    if "# " not in text:
        return None
    headings = _H1.findall(text)
    return headings[0] if len(headings) == 1 else None


@dataclass(frozen=True)
class References:
    """The link labels a text defines: Markdown's "[label]: address" lines, and a text
    browser's numbered list."""

    markdown: frozenset[str] = frozenset()
    numbered: frozenset[str] = frozenset()


def take_references(text: str) -> tuple[str, tuple[Removal, ...], References]:
    """The text without its link references (Markdown's "[2]: https://..." lines, a text
    browser's "References" list), them as removals, and the labels they defined. First, while
    the lines are still as the renderer wrapped them: a wrapped address continues on the next
    line."""
    removals: list[Removal] = []
    markdown: frozenset[str] = frozenset()
    numbered: frozenset[str] = frozenset()
    if "]:" in text:
        definitions = list(_DEFINITION.finditer(text))
        if definitions:
            removals.append(Removal(RULE_ID, CATEGORY, "\n".join(m.group(0) for m in definitions)))
            markdown = frozenset(m.group(1).casefold() for m in definitions)
            text = _DEFINITION.sub("", text)
    if "References" in text:
        listing = _NUMBERED_LIST.search(text)
        if listing is not None:
            removals.append(Removal(RULE_ID, CATEGORY, listing.group(0).strip()))
            numbered = frozenset(_NUMBER.findall(listing.group(0)))
            text = text[: listing.start()]
    return text, tuple(removals), References(markdown, numbered)


def strip_markdown(
    text: str, references: References = References()
) -> tuple[str, tuple[Repair, ...]]:
    """The text without its link markup (links reduced to their words, a reference link or a
    numbered marker only where `references` defines its label) and, where the text is Markdown
    (a link or a reference, or headings), without the marks of headings, emphasis and
    escapes."""
    text, repairs = _links_to_words(text, references.markdown)
    markers = 0
    if references.numbered:

        def words_only(match: regex.Match[str]) -> str:
            nonlocal markers
            if match.group(1) not in references.numbered:
                return match.group(0)
            markers += 1
            return ""

        text = _MARKER.sub(words_only, text)
    is_markdown = bool(repairs or references.markdown)
    if markers:
        repairs += (Repair("link_markers", markers),)
    if not is_markdown and ("#" not in text or len(_ATX.findall(text)) < MIN_HEADINGS):
        return text, repairs
    count = 0
    for pattern, replacement in (
        (_RULE_LINE, ""),
        (_HEADING, ""),
        (_STRONG, r"\2"),
        (_EMPHASIS, r"\1\2"),
        (_ESCAPE, r"\1"),
    ):
        text, found = pattern.subn(replacement, text)
        count += found
    if count:
        repairs += (Repair("markdown_marks", count),)
    return text, repairs


def _links_to_words(text: str, labels: frozenset[str]) -> tuple[str, tuple[Repair, ...]]:
    # The cheap test first: substring tests, each a C loop.
    if "](" not in text and "][" not in text and "] [" not in text:
        return text, ()
    count = 0

    def words_of_reference(match: regex.Match[str]) -> str:
        nonlocal count
        if match.group(2).casefold() not in labels:
            return match.group(0)
        count += 1
        return match.group(1)

    def words_of_inline(match: regex.Match[str]) -> str:
        nonlocal count
        count += 1
        return "" if match.group(1) else match.group(2)

    if labels:
        text = _REFERENCE.sub(words_of_reference, text)
    # A link around an image ("[![alt](picture)](page)") is a link once the image is gone.
    for _ in range(MAX_NESTING):
        text, found = _INLINE.subn(words_of_inline, text)
        if not found:
            break
    return text, (Repair("link_markup", count),) if count else ()
