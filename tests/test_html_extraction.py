"""The HTML path: metadata echoed in the body goes, an article split across sibling blocks is
kept whole, and the extraction matches the gold on real pages."""

from __future__ import annotations

import lxml.html

from cleaners import clean
from cleaners.document import Document
from cleaners.echoes import drop_metadata_echoes
from cleaners.siblings import merge, recover_sibling_paragraphs

PARAGRAPHS = [
    f"Paragraph {n} of the story explains, in a full sentence of reasonable length, what the "
    f"council decided on Tuesday and why the decision matters to the people of the town ({n})."
    for n in range(1, 9)
]


def test_title_and_url_echoes_become_metadata() -> None:
    doc = Document(
        text="\n\n".join(["Council closes library", *PARAGRAPHS[:2], "https://example.com/a"]),
        format="html",
        title="Council closes library | Town Herald",
        url="https://example.com/a/",
    )
    cleaned = drop_metadata_echoes(doc)
    assert cleaned.text == "\n\n".join(PARAGRAPHS[:2])
    assert [r.rule for r in cleaned.removed] == ["echo.title", "echo.url"]


def test_the_title_lower_down_is_the_article_quoting_itself() -> None:
    text = "\n\n".join([*PARAGRAPHS[:5], "Council closes library"])
    doc = Document(text=text, format="html", title="Council closes library")
    assert drop_metadata_echoes(doc).text == text


def _page(chunks: list[list[str]], cls: str = "chunk") -> str:
    body = "<div class='ad'>Advertisement</div>".join(
        f"<div class='{cls}'>" + "".join(f"<p>{p}</p>" for p in chunk) + "</div>"
        for chunk in chunks
    )
    return f"<html><body><article><div class='body'>{body}</div></article></body></html>"


def test_sibling_chunks_of_the_article_come_back_in_page_order() -> None:
    tree = lxml.html.fromstring(_page([PARAGRAPHS[:3], PARAGRAPHS[3:6], PARAGRAPHS[6:]]))
    extracted = "\n".join(PARAGRAPHS[:3])
    recovered = recover_sibling_paragraphs(tree, extracted)
    assert [text for _, text in recovered] == PARAGRAPHS[3:]
    assert merge(extracted, recovered) == "\n".join(PARAGRAPHS)


def test_siblings_of_another_kind_and_short_lines_stay_out() -> None:
    html = _page([PARAGRAPHS[:3]]).replace(
        "</article>",
        "</article><div class='chunk'><p>Read more</p><p>Share this story</p></div>"
        "<aside class='related'><p>" + PARAGRAPHS[7] + "</p></aside>",
    )
    tree = lxml.html.fromstring(html)
    assert recover_sibling_paragraphs(tree, "\n".join(PARAGRAPHS[:3])) == []


def test_a_split_article_is_extracted_whole() -> None:
    html = (
        "<html><head><title>Council closes library</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<h1>Council closes library</h1>"
        + _page([PARAGRAPHS[:4], PARAGRAPHS[4:]]).split("<body>")[1]
    )
    doc = clean(html.encode(), format="html", url="https://example.com/library")
    assert doc.title == "Council closes library"
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.text
    assert "Council closes library" not in doc.text and "Advertisement" not in doc.text
