"""The sibling search's shortcuts find what the plain search finds: folding all lines in one
pass, matching paragraphs by spacing before folding them, and giving up early on pages with
no repeated block."""

from __future__ import annotations

import lxml.html

from cleaners.siblings import _fold, _fold_lines, recover_sibling_paragraphs

PARAGRAPHS = [
    f"Paragraph {n} of the story explains, in a full sentence of reasonable length, what the "
    f"council decided on Tuesday and why the decision matters to the people of the town ({n})."
    for n in range(1, 9)
]


def test_folding_lines_at_once_folds_each_line() -> None:
    text = "\n".join(
        [
            "Straße ÉCOLE İstanbul ﬁnance ΣΊΣΥΦΟΣ",
            "",
            "   ",
            "— … —",
            "snake_case, 3.14 and ½ ²",
            "e\u0301 combining\r",
            "a\u2028b\u00a0c\tz",
            " «quoted» ",
        ]
    )
    assert _fold_lines(text) == [_fold(line) for line in text.split("\n")]


def _page(chunks: list[list[str]], classes: list[str]) -> str:
    body = "<div class='ad'>Advertisement</div>".join(
        f"<div class='{cls}'>" + "".join(f"<p>{p}</p>" for p in chunk) + "</div>"
        for chunk, cls in zip(chunks, classes, strict=True)
    )
    return f"<html><body><article><div class='body'>{body}</div></article></body></html>"


def test_paragraphs_found_by_their_words_when_spacing_and_case_differ() -> None:
    html = _page([PARAGRAPHS[:3], PARAGRAPHS[3:]], ["chunk", "chunk"])
    tree = lxml.html.fromstring(html)
    extracted = "\n".join(" " + p.upper().replace(",", " ;") + " " for p in PARAGRAPHS[:3])
    assert [text for _, text in recover_sibling_paragraphs(tree, extracted)] == PARAGRAPHS[3:]


def test_paragraphs_under_several_parents_locate_their_common_block() -> None:
    chunk = (
        "<div class='chunk'><section><p>{}</p></section><section><p>{}</p><p>{}</p></section></div>"
    )
    html = (
        "<html><body><main>"
        + chunk.format(*PARAGRAPHS[:3])
        + "<div class='chunk'><p>{}</p><p>{}</p></div>".format(*PARAGRAPHS[3:5])
        + "</main></body></html>"
    )
    tree = lxml.html.fromstring(html)
    recovered = recover_sibling_paragraphs(tree, "\n".join(PARAGRAPHS[:3]))
    assert recovered == [(2, PARAGRAPHS[3]), (2, PARAGRAPHS[4])]


def test_no_repeated_block_nothing_recovered() -> None:
    html = _page([PARAGRAPHS[:3], PARAGRAPHS[3:]], ["chunk", "other"])
    tree = lxml.html.fromstring(html)
    assert recover_sibling_paragraphs(tree, "\n".join(PARAGRAPHS[:3])) == []
