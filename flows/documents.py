"""What travels between the stages of a run: raw input documents, their sources, and the
reasons a document could not be used."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

InputFormat = Literal["txt", "html", "json", "jsonl", "warc"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document came from: the file, and its place inside a multi-document file."""

    path: str
    format: str
    sha256: str | None
    line: int | None = None
    offset: int | None = None
    id: str | None = None

    def to_json(self) -> dict[str, Any]:
        # Not `asdict`, which deep-copies every value, at a few microseconds a document.
        return {
            name: value
            for name in _SOURCE_FIELDS
            if (value := getattr(self, name)) is not None or name == "sha256"
        }


_SOURCE_FIELDS = tuple(field.name for field in fields(Source))


@dataclass(frozen=True, slots=True)
class RawDocument:
    source: Source
    content: bytes | str
    # "html" is extracted with trafilatura; "text" is cleaned as it is.
    kind: Literal["text", "html"]
    url: str | None = None
    title: str | None = None
    published: str | None = None
    charset: str | None = None


@dataclass(frozen=True, slots=True)
class Unusable:
    """An input document that cannot be cleaned, with the reason it goes to rejected.jsonl."""

    source: Source
    reason: str
    detail: str
    recovered: dict[str, Any] | None = None


# The reasons a document is rejected, as written in rejected.jsonl.
REASONS = (
    "duplicate",
    "empty",
    "unreadable",
    "not_article",
    "too_short",
    "too_large",
    "timeout",
    "error",
)
