"""Boilerplate removal by rule: every paragraph checked against the rules its position allows.

The rules themselves are data (see `cleaners.rules`). This module decides where a rule may
act: `head` rules only among the first paragraphs, `tail` rules only among the last ones, and
`list` rules take a heading ("Read also:") together with the headline-shaped paragraphs that
follow it. Every removal is recorded with its rule id and category; flags a rule carries (a
machine-translation notice means `machine_translated`) are raised on the document.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from cleaners.document import Document, Removal
from cleaners.rules import Rule, RuleSet, default_rules
from cleaners.text_shape import is_headline_shaped

# How far from each end a head or tail rule may act, in paragraphs.
HEAD_PARAGRAPHS = 8
MIN_TAIL_PARAGRAPHS = 8
TAIL_FRACTION = 0.2
# A link list under a heading is rarely longer than this; beyond it we stop taking.
MAX_LIST_ITEMS = 15
_LEFTOVER = regex.compile(r"^[\W_]*$")


@dataclass(frozen=True, slots=True)
class Zones:
    head_end: int
    tail_start: int

    @classmethod
    def of(cls, count: int) -> Zones:
        tail = max(MIN_TAIL_PARAGRAPHS, int(count * TAIL_FRACTION))
        return cls(head_end=min(HEAD_PARAGRAPHS, count), tail_start=max(0, count - tail))

    def allows(self, rule: Rule, index: int) -> bool:
        if rule.where == "head":
            return index < self.head_end
        if rule.where == "tail":
            return index >= self.tail_start
        return True


Candidates = dict[str, tuple[Rule, ...]]


def strip_boilerplate(
    doc: Document, rules: RuleSet | None = None, seen: Candidates | None = None
) -> Document:
    """`seen` remembers which rules each paragraph needs trying, for a caller that strips the
    same document again (the pipeline does until it is stable): most paragraphs come back
    unchanged and need not pass the gate twice."""
    rules = rules or default_rules()
    seen = {} if seen is None else seen
    paragraphs = doc.text.split("\n\n") if doc.text else []
    zones = Zones.of(len(paragraphs))
    kept: list[str] = []
    removals: list[Removal] = []
    flags: set[str] = set()
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        index += 1
        candidates = seen.get(paragraph)
        if candidates is None:
            candidates = seen[paragraph] = rules.applicable(_words(paragraph)).candidates(paragraph)
        if not candidates:
            kept.append(paragraph)
            continue
        remaining, taken = _apply_rules(paragraph, index - 1, zones, candidates)
        for rule, text in taken:
            removals.append(Removal(rule.id, rule.category, text))
            flags.update(rule.flags)
        if remaining is not None:
            kept.append(remaining)
        list_rule = next((rule for rule, _ in taken if rule.remove == "list"), None)
        if list_rule is not None and paragraphs.count(paragraph) == 1:
            # A list heading introduces one list; a label that recurs ("Read More" after each
            # card of a resource list) is each item's button, and what follows it is the next
            # item, not links under a heading.
            items = 0
            while (
                index < len(paragraphs)
                and items < MAX_LIST_ITEMS
                and is_headline_shaped(paragraphs[index])
                and not _any_rule_matches(paragraphs[index], rules)
            ):
                removals.append(Removal(list_rule.id, list_rule.category, paragraphs[index]))
                index += 1
                items += 1
    if not removals:
        return doc
    return doc.removing(removals, "\n\n".join(kept)).flagged(*flags)


def _words(paragraph: str) -> int:
    """Words by spaces: normalized paragraphs have exactly one between words, and counting
    spaces is much cheaper than a word regex on every paragraph of every document."""
    return paragraph.count(" ") + 1


def _any_rule_matches(paragraph: str, rules: RuleSet) -> bool:
    return rules.applicable(_words(paragraph)).may_match(paragraph)


def _apply_rules(
    paragraph: str, index: int, zones: Zones, rules: tuple[Rule, ...]
) -> tuple[str | None, list[tuple[Rule, str]]]:
    """What is left of the paragraph (None when it goes) and what each rule took."""
    taken: list[tuple[Rule, str]] = []
    words = _words(paragraph)
    for rule in rules:
        if not zones.allows(rule, index):
            continue
        match = rule.matches(paragraph, words)
        if match is None:
            continue
        if rule.remove != "match":
            taken.append((rule, paragraph))
            return None, taken
        spans = [m for m in rule.pattern.finditer(paragraph) if m.group(0).strip()]
        for span in reversed(spans):
            taken.append((rule, span.group(0).strip()))
            paragraph = paragraph[: span.start()] + " " + paragraph[span.end() :]
        paragraph = regex.sub(r" {2,}", " ", paragraph).strip()
        if _LEFTOVER.match(paragraph):
            return None, taken
        words = _words(paragraph)
    return paragraph, taken
