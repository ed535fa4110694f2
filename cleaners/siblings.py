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
# What `_fold` drops between words, newlines aside (they separate the lines `_fold_lines` folds).
_NON_WORD = re.compile(r"[^\w\n]+")


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _fold_lines(text: str) -> list[str]:
    """`_fold` of each line of `text`, in one pass over the text rather than one per line:
    casefolding goes character by character and never makes or unmakes a newline, so the
    folded text's lines are the folded lines."""
    return [line.strip() for line in _NON_WORD.sub(" ", text.casefold()).split("\n")]


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def recover_sibling_paragraphs(tree: Any, text: str) -> list[tuple[int, str]]:
    """Paragraphs of `tree` missing from `text` that belong to the same article, each with the
    index of the paragraph of `text` it follows (-1: before the first)."""
    lines = text.split("\n")
    kept = [n for n, line in enumerate(lines) if line.strip()]
    if len(kept) < MIN_LOCATED_PARAGRAPHS:
        return []
    page_paragraphs = list(tree.iter("p"))
    if not _has_repeated_block(page_paragraphs):
        return []
    folded = _fold_lines(text)
    position = {folded[n]: i for i, n in enumerate(kept)}
    spaced = {" ".join(lines[n].split()) for n in kept}
    located = [p for p in page_paragraphs if _is_in(_text(p), spaced, position)]
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
            return _missing_from(siblings, position, text)
        chunk = parent
    return []


def _has_repeated_block(paragraphs: list[Any]) -> bool:
    """Whether some element holding two of `paragraphs` or more has a sibling of its kind
    (`_same_kind`). The chunk whose siblings the search reads is such an element (it holds
    the located paragraphs), so where there is none, as on two AEB pages in three, nothing
    can be recovered and the text need not be folded."""
    held: dict[Any, int] = {}
    for paragraph in paragraphs:
        parent = paragraph.getparent()
        held[parent] = held.get(parent, 0) + 1
    # Paragraphs under each element: each parent's count added to it and its ancestors.
    under: dict[Any, int] = {}
    for parent, count in held.items():
        node = parent
        while node is not None:
            under[node] = under.get(node, 0) + count
            node = node.getparent()
    return any(
        count >= MIN_LOCATED_PARAGRAPHS
        and block.get("class")
        and (parent := block.getparent()) is not None
        and any(sibling is not block and _same_kind(sibling, block) for sibling in parent)
        for block, count in under.items()
    )


def _is_in(content: str, spaced: set[str], position: dict[str, int]) -> bool:
    """Whether `content` (an element's `_text`) folds to a paragraph of the text (one of
    `position`). Nearly every paragraph of the page that is in the text is there as it is,
    spacing aside (`spaced`): a set lookup finds it without folding."""
    return content in spaced or _fold(content) in position


def _same_kind(element: Any, chunk: Any) -> bool:
    kind = chunk.get("class")
    return bool(kind) and element.tag == chunk.tag and element.get("class") == kind


def _common_ancestor(elements: list[Any]) -> Any:
    """The deepest element above all of `elements`. Paragraphs mostly share a few parents:
    the chains of those (each parent with its ancestors) meet at the same element as the
    paragraphs' ancestor chains do, and there are far fewer of them to build."""
    parents = list(dict.fromkeys(e.getparent() for e in elements))
    if None in parents:
        return None  # a root among them: nothing is above all
    chains = [[parent, *parent.iterancestors()][::-1] for parent in parents]
    common = None
    for level in zip(*chains, strict=False):
        if all(node is level[0] for node in level):
            common = level[0]
        else:
            break
    return common


def _missing_from(
    siblings: list[Any], position: dict[str, int], text: str
) -> list[tuple[int, str]]:
    # Folded here, not upfront: few pages get this far.
    whole = _fold(text)
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
