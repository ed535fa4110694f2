"""The value every cleaning stage takes and returns.

A `Document` is frozen: a stage returns a new one (``dataclasses.replace``), so a stage can
never change what another stage already saw, and every change is accounted for in `removed`
or `repairs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Format = Literal["text", "html"]


@dataclass(frozen=True, slots=True)
class Removal:
    """One piece of text taken out of the document, and the rule that took it."""

    rule: str
    category: str
    text: str
    # How sure a learned model was (`model.paragraph`); None for a rule, which is certain.
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Repair:
    """One damage repair: what kind, and how many characters or spans it touched."""

    kind: str
    count: int
    example: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    format: Format = "text"
    title: str | None = None
    url: str | None = None
    site_name: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    # Where each metadata value came from: ("title", "h1"), ("authors", "json-ld"), ...
    metadata_source: tuple[tuple[str, str], ...] = ()
    language: str | None = None
    # What kind of page this is (cleaners.page_type.PAGE_TYPES) and how sure the model is;
    # `page_signals` are the HTML page's signs the judgement is made from (none for text).
    page_type: str | None = None
    page_type_confidence: float | None = None
    page_signals: tuple[float, ...] = ()
    flags: tuple[str, ...] = ()
    removed: tuple[Removal, ...] = ()
    repairs: tuple[Repair, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def with_text(self, text: str) -> Document:
        return replace(self, text=text)

    def removing(self, removals: tuple[Removal, ...] | list[Removal], text: str) -> Document:
        """The document with `text` as its body and `removals` added to the account."""
        if not removals:
            return replace(self, text=text)
        return replace(self, text=text, removed=self.removed + tuple(removals))

    def repaired(self, repair: Repair, text: str) -> Document:
        return replace(self, text=text, repairs=(*self.repairs, repair))

    def flagged(self, *flags: str) -> Document:
        new = tuple(f for f in flags if f not in self.flags)
        if not new:
            return self
        return replace(self, flags=tuple(sorted(self.flags + new)))

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p]
