"""Reader comments: the thread under an article, which whole-page text and some extractors keep.

    34 responses to “Anthony Lynn: ‘We needed to win this game’”
    thelastchargersfan says:
    November 19, 2019 at 6:34 am
    It’s a good thing we have no fans left because this is a dumpster fire.
    joetoronto says:
    ...

Each comment is prose, so no line rule can take it, and the page-chrome classifier sees
content. What gives a thread away is its entries' bylines: a name followed by "says:" or
"said:", with the comment's date on the byline or on the line under it. Two of them, after
the article's own prose, are a thread: it goes from its heading ("34 responses to ...",
"12 thoughts on ...", "Comments") or its first byline to the end of the text, which is where
threads sit and where what follows them (the reply form, the page footer) is no article either.
"""

from __future__ import annotations

import regex

from cleaners.document import Document, Removal

RULE_ID = "comments.thread"
CATEGORY = "comments"
# One commenter quoting another is no thread; two entries are.
MIN_ENTRIES = 2
# The article before the thread: a thread at the top of a text is no article's.
MIN_ARTICLE_WORDS = 150
# How far above the first byline the thread's heading may be (a "Reply" link, a blank form).
MAX_HEADING_DISTANCE = 3

_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
    r"|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4})"
)
_TIME = r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?"
# "thelastchargersfan says:", "Milan Griffes on September 12, 2018 at 4:47 pm said:".
_BYLINE = regex.compile(
    rf"^[^\s.!?][^.!?]{{0,60}}?(?:\s+on\s+{_DATE}(?:\s+at\s+{_TIME})?)?\s+(?:says|said|wrote)\s*:?$",
    regex.IGNORECASE | regex.V0,
)
_DATED = regex.compile(rf"{_DATE}|{_TIME}", regex.IGNORECASE | regex.V0)
# "34 responses to “...”", "12 thoughts on “...”", "Comments (10)", "10 Comments".
_HEADING = regex.compile(
    r"^(?:\d+\s+(?:responses?|thoughts|comments?|replies)\b.{0,200}"
    r"|(?:comments?|responses|discussion|reader comments)(?:\s*\(\d+\))?:?)$",
    regex.IGNORECASE | regex.V0,
)
# The cheap test first: a byline's verb.
_VERBS = ("says", "said", "wrote", "Says", "Said", "Wrote", "SAYS", "SAID")


def _is_entry(paragraphs: list[str], index: int) -> bool:
    """A comment's byline: the name and verb, dated on the line itself or the next one."""
    paragraph = paragraphs[index]
    if len(paragraph) > 120 or not _BYLINE.match(paragraph):
        return False
    following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
    return bool(_DATED.search(paragraph)) or (
        len(following) <= 60 and bool(_DATED.search(following))
    )


def thread_start(paragraphs: list[str]) -> int | None:
    """Where a comment thread begins, if the text ends in one after an article."""
    entries = [
        i
        for i, paragraph in enumerate(paragraphs)
        if paragraph.endswith(_VERBS) or paragraph.endswith(":")
        if _is_entry(paragraphs, i)
    ]
    if len(entries) < MIN_ENTRIES:
        return None
    first = entries[0]
    start = next(
        (
            i
            for i in range(max(0, first - MAX_HEADING_DISTANCE), first)
            if _HEADING.match(paragraphs[i])
        ),
        first,
    )
    article_words = sum(paragraph.count(" ") + 1 for paragraph in paragraphs[:start])
    return start if article_words >= MIN_ARTICLE_WORDS else None


def strip_comment_thread(doc: Document) -> Document:
    if not any(verb in doc.text for verb in _VERBS):
        return doc
    paragraphs = doc.text.split("\n\n")
    start = thread_start(paragraphs)
    if start is None:
        return doc
    # One removal for the whole thread: its entries are prose, not lines of page chrome, and
    # must not count as such where the page-chrome classifier weighs what was taken.
    thread = Removal(RULE_ID, CATEGORY, "\n\n".join(paragraphs[start:]))
    return doc.removing([thread], "\n\n".join(paragraphs[:start]))
