"""Cleaning a batch of raw documents: the unit of work a worker, a Prefect task or a Dask
worker runs. Pure apart from the clock: no files, no state, no Prefect."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cleaners import clean
from cleaners.fingerprint import Fingerprint, fingerprint
from cleaners.text_shape import word_count
from flows.dedup import Member
from flows.documents import RawDocument, Unusable
from flows.records import article_record, record_id


@dataclass(frozen=True, slots=True)
class CleanOptions:
    # Fewer words than this after cleaning and the document is not an article.
    min_words: int = 20
    # A page whose cleaning takes longer is rejected (reason `timeout`), not waited for.
    seconds_per_document: float = 30.0


@dataclass(frozen=True, slots=True)
class Cleaned:
    record: dict[str, Any]
    fingerprint: Fingerprint

    def member(self) -> Member:
        return Member(
            id=self.record["id"],
            fingerprint=self.fingerprint,
            words=self.record["word_count"],
            published=self.record["published"],
        )


DEFAULT_OPTIONS = CleanOptions()


class DocumentTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the body after `seconds` (where a signal can: the main thread of a process)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def clean_one(raw: RawDocument, options: CleanOptions) -> Cleaned | Unusable:
    recovered = {k: v for k, v in (("url", raw.url), ("title", raw.title)) if v} or None
    try:
        with time_limit(options.seconds_per_document):
            doc = clean(
                raw.content,
                format=raw.kind,
                url=raw.url,
                title=raw.title,
                published=raw.published,
                charset=raw.charset,
            )
            fp = fingerprint(doc.text, doc.url)
    except DocumentTimeout:
        return Unusable(
            raw.source,
            "timeout",
            f"cleaning took longer than {options.seconds_per_document:g} s (--timeout)",
            recovered,
        )
    except RecursionError:
        return Unusable(raw.source, "unreadable", "markup nested too deeply to parse", recovered)
    except Exception as error:  # a cleaner bug must cost one document, never the run
        return Unusable(raw.source, "error", f"{type(error).__name__}: {error}", recovered)

    record = article_record(doc, raw.source, record_id(fp))
    if not doc.text:
        what = "no article text found in the page" if raw.kind == "html" else "no text"
        if doc.removed:
            what += f" after removing {len(doc.removed)} boilerplate paragraphs"
        return Unusable(raw.source, "empty", what, record)
    words = word_count(doc.text)
    if words < options.min_words:
        return Unusable(
            raw.source,
            "not_article",
            f"only {words} words of text after cleaning (--min-words {options.min_words})",
            record,
        )
    return Cleaned(record, fp)


def clean_batch(
    batch: list[RawDocument | Unusable], options: CleanOptions
) -> list[Cleaned | Unusable]:
    """Clean every document of a batch; what could not be read passes through, in place, so
    that results keep the input order whichever worker ran the batch."""
    return [raw if isinstance(raw, Unusable) else clean_one(raw, options) for raw in batch]
