"""Boilerplate rules: data in `cleaners/rules/*.toml`, compiled once.

A rule says what a piece of boilerplate looks like (regular expressions), where in a document
it may be (`head`, `tail` or `anywhere`), what to take out when it matches (the whole
paragraph, only the matched span, or a heading together with the list of links under it), and
how long a paragraph may be before it is content no matter what it contains (`max_words`).
Rules match case-insensitively unless they say `case_sensitive = true` (bylines: "By Name" is
a byline, "by the end of the year" is not). Every rule carries examples that must and must
not match; the test suite runs them all.

Speed: most paragraphs are content and match nothing, so the question "could any rule match?"
must be cheap. A pattern anchored at the paragraph's start (`^`) is tried at position 0 only,
all of them in one alternation. A pattern that may match anywhere must come with `keywords`,
literal strings one of which any match contains: a paragraph holding none of them is not
searched with it. Searching every position of every paragraph with every pattern is what this
avoids.
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

import regex

# Paragraph lengths (in words) at which the set of applicable rules is cut: each cut costs one
# more compiled alternation, each tier keeps short-line patterns off longer paragraphs.
_LENGTH_TIERS = (12, 40)
# VERSION0: simple case folding, which runs about three times faster than VERSION1's full
# folding and is all that boilerplate phrases need.
_FLAGS = regex.VERSION0
_ANCHORED = regex.compile(r"^\^")
# Characters a paragraph may start with for which the anchored patterns that can match are
# worked out in advance (regex's partial matching tells which patterns a one-character
# prefix can begin); a paragraph starting with anything else is tried against them all.
_FIRST_CHARACTERS = (
    "abcdefghijklmnopqrstuvwxyz0123456789"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ"
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýß"
    "-–—•·*#@©®(\"'“”‘’«»[|/.,:;!?…+&%$€£ⓒ"
)

Where = Literal["head", "tail", "anywhere"]
Remove = Literal["paragraph", "match", "list"]

_WHERE = ("head", "tail", "anywhere")
_REMOVE = ("paragraph", "match", "list")


class RuleError(ValueError):
    """A rules file that cannot be used, with the file and rule named."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    where: Where
    remove: Remove
    pattern: regex.Pattern[str]
    max_words: int
    flags: tuple[str, ...]
    description: str
    must_match: tuple[str, ...]
    must_keep: tuple[str, ...]
    # The patterns anchored at the paragraph's start, and the others; `keywords` gate these.
    anchored: tuple[str, ...] = ()
    floating: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    case_sensitive: bool = False

    def matches(self, paragraph: str, words: int) -> regex.Match[str] | None:
        if self.remove != "match" and words > self.max_words:
            return None
        return self.pattern.search(paragraph)


@dataclass(frozen=True)
class RuleGroup:
    """The rules that may act on a paragraph of a given length, and the cheap test of which of
    them could match it."""

    rules: tuple[Rule, ...]
    # Every anchored pattern of these rules, compiled on its own, and the rule (index into
    # `rules`) it belongs to.
    anchored: tuple[regex.Pattern[str], ...]
    owners: tuple[int, ...]
    # For each first character, the anchored patterns that can match a paragraph starting
    # with it: usually a handful, each tried at position 0 only.
    viable: dict[str, tuple[int, ...]]
    keywords: tuple[str, ...]
    # Whether a lowered paragraph holds any keyword: the keywords as a trie-shaped alternation,
    # which `re` runs through a paragraph several times faster than one `in` per keyword.
    # Most paragraphs hold none.
    keyword_gate: re.Pattern[str] | None = None
    # For each keyword, the rules (indexes into `rules`) that list it.
    keyword_rules: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # The same for two-character openings, narrowed from `viable` as they are met.
    _viable2: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def _viable_for(self, paragraph: str) -> tuple[int, ...]:
        opening = paragraph[:2]
        known = self._viable2.get(opening)
        if known is not None:
            return known
        first = self.viable.get(opening[:1].lower())
        viable = tuple(range(len(self.anchored))) if first is None else first
        if len(opening) == 2:
            viable = tuple(
                i for i in viable if self.anchored[i].match(opening, partial=True) is not None
            )
        self._viable2[opening] = viable
        return viable

    def candidates(self, paragraph: str) -> tuple[Rule, ...]:
        """The rules worth trying on `paragraph`, in rule order; usually none."""
        viable = self._viable_for(paragraph)
        chosen = {self.owners[i] for i in viable if self.anchored[i].match(paragraph)}
        if self.keyword_gate is not None:
            lowered = paragraph.lower()
            if self.keyword_gate.search(lowered):
                for keyword in self.keywords:
                    if keyword in lowered:
                        chosen.update(self.keyword_rules[keyword])
        if not chosen:
            return ()
        return tuple(self.rules[i] for i in sorted(chosen))

    def may_match(self, paragraph: str) -> bool:
        return bool(self.candidates(paragraph))


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    # groups[i] holds the rules for paragraphs of at most limits[i] words; the last group, for
    # longer paragraphs, only the span rules. A long paragraph is never searched with a pattern
    # written for a short line, which also keeps a pattern's worst case to short inputs.
    limits: tuple[int, ...]
    groups: tuple[RuleGroup, ...]

    def applicable(self, words: int) -> RuleGroup:
        return self.groups[bisect.bisect_left(self.limits, words)]

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _compile(pattern: str, where: str, case_sensitive: bool = False) -> regex.Pattern[str]:
    flags = _FLAGS | (0 if case_sensitive else regex.IGNORECASE)
    try:
        return regex.compile(pattern, flags)
    except regex.error as error:
        raise RuleError(f"{where}: bad pattern {pattern!r}: {error}") from error


def parse_rules(text: str, source: str) -> list[Rule]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"{source}: {error}") from error
    rules = []
    for index, entry in enumerate(data.get("rule", [])):
        where_text = f"{source} rule #{index + 1} ({entry.get('id', '?')})"
        missing = [k for k in ("id", "category", "patterns", "match") if k not in entry]
        if missing:
            raise RuleError(f"{where_text}: missing {', '.join(missing)}")
        where = entry.get("where", "anywhere")
        remove = entry.get("remove", "paragraph")
        if where not in _WHERE:
            raise RuleError(f"{where_text}: where must be one of {_WHERE}")
        if remove not in _REMOVE:
            raise RuleError(f"{where_text}: remove must be one of {_REMOVE}")
        patterns = entry["patterns"]
        if isinstance(patterns, str):
            patterns = [patterns]
        case_sensitive = bool(entry.get("case_sensitive", False))
        for pattern in patterns:
            _compile(pattern, where_text, case_sensitive)
        anchored = tuple(p for p in patterns if _ANCHORED.match(p))
        floating = tuple(p for p in patterns if not _ANCHORED.match(p))
        keywords = tuple(k.lower() for k in entry.get("keywords", ()))
        if floating and not keywords:
            raise RuleError(
                f"{where_text}: a pattern not anchored with ^ needs `keywords` "
                f"(literal strings every match contains): {floating[0]!r}"
            )
        rules.append(
            Rule(
                id=entry["id"],
                category=entry["category"],
                where=where,
                remove=remove,
                pattern=_compile(
                    "|".join(f"(?:{p})" for p in patterns), where_text, case_sensitive
                ),
                max_words=int(entry.get("max_words", 60)),
                flags=tuple(entry.get("flags", ())),
                description=entry.get("description", ""),
                must_match=tuple(entry["match"]),
                must_keep=tuple(entry.get("keep", ())),
                anchored=anchored,
                floating=floating,
                keywords=keywords,
                case_sensitive=case_sensitive,
            )
        )
    return rules


@functools.cache
def default_rules() -> RuleSet:
    """Every rule shipped in `cleaners/rules/`, in file-name order."""
    rules: list[Rule] = []
    folder = resources.files("cleaners") / "rules"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules.extend(parse_rules(entry.read_text(encoding="utf-8"), f"rules/{entry.name}"))
    return build_rule_set(rules)


def build_rule_set(rules: list[Rule]) -> RuleSet:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"rule id {rule.id!r} is used twice")
        seen.add(rule.id)
    longest = max((r.max_words for r in rules if r.remove != "match"), default=0)
    limits = (*(t for t in _LENGTH_TIERS if t < longest), longest)
    groups = []
    previous = 0
    for limit in (*limits, None):
        # Every rule that could act on some paragraph of this tier: a superset, since
        # `Rule.matches` still checks each rule's own limit.
        members = tuple(
            r
            for r in rules
            if r.remove == "match" or (limit is not None and r.max_words > previous)
        )
        groups.append(_group(members))
        previous = limit or previous
    return RuleSet(tuple(rules), limits, tuple(groups))


@functools.cache
def _compiled(pattern: str, case_sensitive: bool) -> regex.Pattern[str]:
    return regex.compile(pattern, _FLAGS | (0 if case_sensitive else regex.IGNORECASE))


def _group(rules: tuple[Rule, ...]) -> RuleGroup:
    anchored = tuple(_compiled(p, r.case_sensitive) for r in rules for p in r.anchored)
    owners = tuple(i for i, r in enumerate(rules) for _ in r.anchored)
    viable = {
        char: tuple(
            i
            for i, p in enumerate(anchored)
            if p.match(char, partial=True) or p.match(char.upper(), partial=True)
        )
        for char in _FIRST_CHARACTERS
    }
    keywords = tuple(sorted({k for r in rules for k in r.keywords}))
    keyword_rules = {k: tuple(i for i, r in enumerate(rules) if k in r.keywords) for k in keywords}
    gate = re.compile(_trie(keywords)) if keywords else None
    return RuleGroup(rules, anchored, owners, viable, keywords, gate, keyword_rules)


def _trie(words: Iterable[str]) -> str:
    """An alternation that matches where any of `words` starts, shaped as a trie (one branch
    per first character, and so on down), so that a failing position costs a few character
    tests. A word that another word starts with stands for both: only presence is asked."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rests in sorted(by_first.items()):
        if "" in rests:
            branches.append(re.escape(first))
        else:
            branches.append(f"{re.escape(first)}(?:{_trie(rests)})")
    return "|".join(branches)
