"""Articles split across sibling blocks, which extractors keep only the first of.

Some sites cut an article's body into several blocks of the same kind (`<div class="chunk">`
after `<div class="chunk">`, around ads and embeds). An extractor scores blocks one by one and
often keeps only the best, losing the rest of the article. readability.js looks at the
siblings of the block it chose and takes those that look like it; we do the same after
extraction: find the block that holds the extracted paragraphs, and from its siblings of the
same tag and class take the paragraphs that read as prose and are missing from the text.
"""

from __future__ import annotations

import re
from typing import Any

import regex

_WORD = re.compile(r"\w+")
# Only prose comes back: a paragraph needs this many words and a sentence end.
MIN_RECOVERED_WORDS = 15
# How far above the extracted paragraphs' common block its repeated siblings may be.
MAX_LEVELS_UP = 1
# At least this many extracted paragraphs must be found in the page to locate the article.
MIN_LOCATED_PARAGRAPHS = 2
_SENTENCE_END = regex.compile(r"""[.!?…]["'”’)\]]*$""")


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def recover_sibling_paragraphs(tree: Any, text: str) -> list[tuple[int, str]]:
    """Paragraphs of `tree` missing from `text` that belong to the same article, each with the
    index of the paragraph of `text` it follows (-1: before the first)."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if len(paragraphs) < MIN_LOCATED_PARAGRAPHS:
        return []
    position = {_fold(p): i for i, p in enumerate(paragraphs)}
    whole = _fold(text)
    located = [p for p in tree.iter("p") if _fold(_text(p)) in position]
    if len(located) < MIN_LOCATED_PARAGRAPHS:
        return []
    common = _common_ancestor(located)
    if common is None:
        return []
    chunk = common
    for _ in range(MAX_LEVELS_UP + 1):
        parent = chunk.getparent()
        if parent is None:
            return []
        siblings = [s for s in parent if _same_kind(s, chunk)]
        if len(siblings) > 1:
            return _missing_from(siblings, position, whole)
        chunk = parent
    return []


def _same_kind(element: Any, chunk: Any) -> bool:
    kind = chunk.get("class")
    return bool(kind) and element.tag == chunk.tag and element.get("class") == kind


def _common_ancestor(elements: list[Any]) -> Any:
    chains = [list(e.iterancestors())[::-1] for e in elements]
    common = None
    for level in zip(*chains, strict=False):
        if all(node is level[0] for node in level):
            common = level[0]
        else:
            break
    return common


def _missing_from(
    siblings: list[Any], position: dict[str, int], whole: str
) -> list[tuple[int, str]]:
    recovered: list[tuple[int, str]] = []
    after = -1
    for sibling in siblings:
        for paragraph in sibling.iter("p"):
            content = _text(paragraph)
            folded = _fold(content)
            if folded in position:
                after = position[folded]
                continue
            if folded in whole:
                continue  # already there, glued to a neighbour by the extractor
            if len(_WORD.findall(content)) >= MIN_RECOVERED_WORDS and _SENTENCE_END.search(content):
                recovered.append((after, content))
    return recovered


def merge(text: str, recovered: list[tuple[int, str]]) -> str:
    """`text` with the recovered paragraphs put back in page order."""
    if not recovered:
        return text
    paragraphs = [p for p in text.split("\n") if p.strip()]
    before: dict[int, list[str]] = {}
    for after, content in recovered:
        before.setdefault(after, []).append(content)
    merged = list(before.get(-1, []))
    for index, paragraph in enumerate(paragraphs):
        merged.append(paragraph)
        merged.extend(before.get(index, []))
    return "\n".join(merged)
