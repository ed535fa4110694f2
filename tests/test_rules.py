"""Every boilerplate rule's own examples: what it must remove, and what it must leave."""

from __future__ import annotations

import pytest

from cleaners.document import Document
from cleaners.rules import RuleError, RuleSet, build_rule_set, default_rules, parse_rules
from cleaners.strip import strip_boilerplate

RULES = default_rules().rules


def _single_rule(rule_id: str) -> RuleSet:
    return build_rule_set([default_rules().by_id(rule_id)])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_removes_its_examples(rule: object) -> None:
    rules = _single_rule(rule.id)  # type: ignore[attr-defined]
    for example in rule.must_match:  # type: ignore[attr-defined]
        cleaned = strip_boilerplate(Document(text=example), rules)
        assert cleaned.text == "" or example not in cleaned.text, example
        assert cleaned.removed and cleaned.removed[0].rule == rule.id  # type: ignore[attr-defined]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_keeps_its_counter_examples(rule: object) -> None:
    for example in rule.must_keep:  # type: ignore[attr-defined]
        cleaned = strip_boilerplate(Document(text=example), default_rules())
        assert cleaned.text == example, f"{example!r} was changed by {cleaned.removed}"


def test_every_rule_has_examples_both_ways() -> None:
    for rule in RULES:
        assert rule.must_match, rule.id
        assert rule.must_keep, rule.id


def test_head_rule_only_acts_near_the_top() -> None:
    rules = parse_rules(
        """
[[rule]]
id = "t.head"
category = "test"
where = "head"
patterns = ['^HEAD MARK$']
match = ["HEAD MARK"]
""",
        "inline",
    )
    body = [f"Paragraph number {i} of the article, which says something." for i in range(30)]
    text = "\n\n".join(["HEAD MARK", *body[:20], "HEAD MARK", *body[20:]])
    cleaned = strip_boilerplate(Document(text=text), build_rule_set(rules))
    assert cleaned.text.count("HEAD MARK") == 1
    assert len(cleaned.removed) == 1


def test_list_heading_takes_the_headlines_under_it() -> None:
    text = "\n\n".join(
        [
            "The minister resigned on Friday after weeks of pressure from his own party.",
            "Read also:",
            "Five things to know about the budget",
            "Why the coalition is in trouble",
            "The opposition said the resignation came too late and called for an election.",
        ]
    )
    cleaned = strip_boilerplate(Document(text=text))
    assert "Five things" not in cleaned.text and "Why the coalition" not in cleaned.text
    assert "The opposition said" in cleaned.text
    assert [r.rule for r in cleaned.removed] == ["related.heading"] * 3


def test_a_list_label_after_every_item_takes_only_itself() -> None:
    """ "Read More" under each card of a resource list is the card's button: the next card's
    title and source follow it, and they are the article's."""
    cards = [
        ("Early Lessons from Tutoring at Scale", "Annenberg Institute at Brown University"),
        ("Accelerating Student Learning", "EdResearch for Recovery"),
        ("Funding Tutoring Programs", "National Student Support Accelerator"),
    ]
    lines = ["The research below shows what tutoring programs achieve when they are run well."]
    for title, source in cards:
        lines += [title, source, "Read More"]
    cleaned = strip_boilerplate(Document(text="\n\n".join(lines)))
    assert cleaned.text == "\n\n".join(line for line in lines if line != "Read More")
    assert [r.text for r in cleaned.removed] == ["Read More"] * 3


def test_long_paragraph_is_never_removed_by_a_short_rule() -> None:
    sentence = "Please enable JavaScript, the security researcher wrote in a post that explained"
    long = sentence + " how attackers abuse scripts" * 10 + "."
    assert strip_boilerplate(Document(text=long)).text == long


def test_bad_rules_file_is_reported_with_its_name() -> None:
    with pytest.raises(RuleError, match=r"broken\.toml"):
        parse_rules(
            '[[rule]]\nid = "x"\ncategory = "c"\npatterns = ["("]\nmatch = []\n', "broken.toml"
        )
    with pytest.raises(RuleError, match="missing"):
        parse_rules('[[rule]]\nid = "x"\n', "short.toml")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_the_cheap_gate_lets_every_example_through(rule: object) -> None:
    """A paragraph the gate turns away is never searched: every example must get past it."""
    from cleaners.text_shape import word_count

    rules = default_rules()
    for example in rule.must_match:  # type: ignore[attr-defined]
        assert rules.applicable(word_count(example)).may_match(example), example


def test_floating_patterns_need_keywords() -> None:
    with pytest.raises(RuleError, match="keywords"):
        parse_rules(
            '[[rule]]\nid = "x"\ncategory = "c"\npatterns = ["\\\\bfoo"]\nmatch = ["foo"]\n',
            "k.toml",
        )
