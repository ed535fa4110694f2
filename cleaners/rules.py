"""Boilerplate rules: data in `cleaners/rules/*.toml`, compiled once.

A rule says what a piece of boilerplate looks like (regular expressions), where in a document
it may be (`head`, `tail` or `anywhere`), what to take out when it matches (the whole
paragraph, only the matched span, or a heading together with the list of links under it), and
how long a paragraph may be before it is content no matter what it contains (`max_words`).
Every rule carries examples that must and must not match; the test suite runs them all.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import regex

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

    def matches(self, paragraph: str, words: int) -> regex.Match[str] | None:
        if self.remove != "match" and words > self.max_words:
            return None
        return self.pattern.search(paragraph)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    # One alternation of every rule's pattern: a paragraph that it does not match needs no
    # further look, which keeps the common case (content) to one regex search.
    any_rule: regex.Pattern[str]

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _compile(pattern: str, where: str) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.VERSION1)
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
        joined = "|".join(f"(?:{p})" for p in patterns)
        rules.append(
            Rule(
                id=entry["id"],
                category=entry["category"],
                where=where,
                remove=remove,
                pattern=_compile(joined, where_text),
                max_words=int(entry.get("max_words", 60)),
                flags=tuple(entry.get("flags", ())),
                description=entry.get("description", ""),
                must_match=tuple(entry["match"]),
                must_keep=tuple(entry.get("keep", ())),
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
    any_rule = regex.compile(
        "|".join(f"(?:{r.pattern.pattern})" for r in rules) or "(?!)",
        regex.IGNORECASE | regex.VERSION1,
    )
    return RuleSet(tuple(rules), any_rule)
