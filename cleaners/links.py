"""Link markup that an HTML-to-text renderer leaves: Markdown links and their references.

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
"""

from __future__ import annotations

import regex

from cleaners.document import Removal, Repair

RULE_ID = "links.references"
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
# [words][label] and [words] [label]: the label must be defined.
_REFERENCE = regex.compile(r"\[([^\[\]\n]*(?:\n[^\[\]\n]*)?)\][ ]?\[([^\]\n]{1,40})\]")
# [words](address "title") and images ![alt](address).
_INLINE = regex.compile(
    r"(!?)\[([^\[\]\n]*(?:\n[^\[\]\n]*)?)\]"
    r"\((?:https?://|/|www\.|#)[^()\s]*(?:\s+\"[^\"\n]*\")?\)"
)


def strip_link_markup(text: str) -> tuple[str, tuple[Removal, ...], tuple[Repair, ...]]:
    """The text with its links reduced to their words and its reference block removed."""
    # The cheap test first: substring tests, each a C loop.
    if "](" not in text and "][" not in text and "] [" not in text and "]:" not in text:
        return text, (), ()
    removals: list[Removal] = []
    definitions = list(_DEFINITION.finditer(text))
    labels = {m.group(1).casefold() for m in definitions}
    if definitions:
        removals.append(Removal(RULE_ID, CATEGORY, "\n".join(m.group(0) for m in definitions)))
        text = _DEFINITION.sub("", text)
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
    text = _INLINE.sub(words_of_inline, text)
    repairs = (Repair("link_markup", count),) if count else ()
    return text, tuple(removals), repairs
