"""Plain texts made from HTML pages, the two kinds users already have in hand.

- `recall_text`: trafilatura's article text with `favor_recall=True` (no comments), the
  output of a recall-minded extractor, still carrying the boilerplate near the article;
- `visible_text`: all the visible text of the page, one block a line (what html-text or a
  browser's "select all" gives), the article somewhere inside the page's chrome.

Both are inputs for the plain-text path (`presswash clean` on `.txt`), measured against the
pages' gold text in benchmarks/wcxb.py (`--text`) and used to train the paragraph model
(benchmarks/train_paragraph_model.py).
"""

from __future__ import annotations

import re

# Elements whose text is never shown.
_HIDDEN = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
    ]
)
# Elements that start a new block (a new line of the visible text).
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "label",
        "legend",
        "option",
        "button",
    ]
)
_SPACES = re.compile(r"\s+")


def visible_text(html: str) -> str:
    """The page's visible text, one block a line, blank lines between blocks."""
    from lxml import etree
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return ""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in _HIDDEN or not isinstance(element.tag, str):
            if element.tail:
                current.append(element.tail)
            return
        if element.get("hidden") is not None or "display:none" in (
            element.get("style") or ""
        ).replace(" ", ""):
            if element.tail:
                current.append(element.tail)
            return
        block = tag in _BLOCK
        if block:
            flush()
        if element.text:
            current.append(element.text)
        for child in element:
            walk(child)
        if block:
            flush()
        if element.tail:
            current.append(element.tail)

    walk(tree)
    flush()
    return "\n\n".join(lines)


def recall_text(html: str, url: str | None = None) -> str:
    """trafilatura's text with `favor_recall=True`, comments left out."""
    import trafilatura

    return trafilatura.extract(html, url=url, favor_recall=True, include_comments=False) or ""
