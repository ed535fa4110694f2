"""Cleaning a batch of raw documents: the unit of work a worker, a Prefect task or a Dask
worker runs. Pure apart from the clock: no files, no state, no Prefect.

No document may hang a run, however it runs. In the main thread of a process (in-process, a
process pool) a SIGALRM timer interrupts the cleaning of a document that takes too long. A
thread cannot take a signal (Prefect's thread pool, a Dask worker), so there each document is
cleaned in a child process, a watchdog, that is killed when it overruns; the next document
gets a new one. The same child also contains a crash in a C extension.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import IO, Any

from cleaners import clean
from cleaners.assess import has_sentence
from cleaners.fingerprint import Fingerprint, fingerprint, names_one_article
from cleaners.site_lines import content_key, line_keys
from flows.dedup import Member
from flows.documents import RawDocument, Unusable
from flows.records import article_record, record_id


@dataclass(frozen=True, slots=True)
class CleanOptions:
    # Fewer words than this after cleaning and the document is rejected as `too_short`.
    min_words: int = 20
    # Publish pages of another type than an article (with their `page_type`) instead of
    # rejecting them as `not_article`.
    keep_non_articles: bool = False
    # A page whose cleaning takes longer is rejected (reason `timeout`), not waited for;
    # 0 waits for ever.
    seconds_per_document: float = 30.0


@dataclass(frozen=True, slots=True)
class Cleaned:
    record: dict[str, Any]
    fingerprint: Fingerprint
    # Keys of the lines that could be the site's own chrome, and of the article itself (see
    # cleaners.site_lines).
    lines: frozenset[str] = frozenset()
    # What makes two documents one article for that count: its content key and, where the
    # URL names one article, that URL. A copy matching either is not counted again.
    identities: tuple[str, ...] = ()

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


def alarm_works() -> bool:
    """SIGALRM reaches only the main thread, and not every platform has it."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the body after `seconds` (where a signal can: the main thread of a process;
    elsewhere use `clean_one`, which falls back to a watchdog process)."""
    if seconds <= 0 or not alarm_works():
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
    """One document cleaned within the time limit, or the reason it could not be."""
    if options.seconds_per_document <= 0 or alarm_works():
        return _clean_timed(raw, options)
    return _watchdog().clean(raw, options)


def _recovered(raw: RawDocument) -> dict[str, Any] | None:
    return {k: v for k, v in (("url", raw.url), ("title", raw.title)) if v} or None


def _timeout(raw: RawDocument, options: CleanOptions) -> Unusable:
    return Unusable(
        raw.source,
        "timeout",
        f"cleaning took longer than {options.seconds_per_document:g} s (--timeout)",
        _recovered(raw),
    )


def _clean_timed(raw: RawDocument, options: CleanOptions) -> Cleaned | Unusable:
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
        return _timeout(raw, options)
    except RecursionError:
        return Unusable(
            raw.source, "unreadable", "markup nested too deeply to parse", _recovered(raw)
        )
    except MemoryError:
        return Unusable(raw.source, "error", "ran out of memory while cleaning", _recovered(raw))
    except Exception as error:  # a cleaner bug must cost one document, never the run
        return Unusable(raw.source, "error", f"{type(error).__name__}: {error}", _recovered(raw))

    record = article_record(doc, raw.source, record_id(fp))
    if not doc.text:
        what = "no article text found in the page" if raw.kind == "html" else "no text"
        if doc.removed:
            what += f" after removing {len(doc.removed)} boilerplate paragraphs"
        if doc.warnings:
            what += f" ({'; '.join(doc.warnings)})"
        return Unusable(raw.source, "empty", what, record)
    words = record["word_count"]  # counted once, for the record
    if words < options.min_words:
        return Unusable(
            raw.source,
            "too_short",
            f"only {words} words of text after cleaning (--min-words {options.min_words})",
            record,
        )
    if not has_sentence(doc.text):
        # Not one sentence in it: a word list, a table dump, a line of keywords.
        return Unusable(
            raw.source, "not_article", f"{words} words and not one sentence among them", record
        )
    if doc.page_type not in (None, "article") and not options.keep_non_articles:
        return Unusable(
            raw.source,
            "not_article",
            f"a {doc.page_type} page, not an article (confidence {doc.page_type_confidence:.2f};"
            " --keep-non-articles publishes it)",
            record,
        )
    if not record["site"]:
        return Cleaned(record, fp)
    identities = (content_key(doc),)
    if names_one_article(fp.url_key):
        identities += (f"url:{fp.url_key}",)
    return Cleaned(record, fp, line_keys(doc), identities)


def clean_batch(
    batch: list[RawDocument | Unusable], options: CleanOptions
) -> list[Cleaned | Unusable]:
    """Clean every document of a batch; what could not be read passes through, in place, so
    that results keep the input order whichever worker ran the batch."""
    return [raw if isinstance(raw, Unusable) else clean_one(raw, options) for raw in batch]


# The watchdog: a child process that cleans the documents a thread sends it, one at a time.
# Messages are pickles, each after its length.

_LENGTH = struct.Struct("!Q")
# How long a new child may take to import the cleaners before it is given up on.
STARTUP_SECONDS = 120.0
_READY = "ready"


def _grace(seconds: float) -> float:
    """Time past the limit before the child is killed: it normally stops itself at the limit
    (its own SIGALRM) and answers; only a child stuck in C code needs killing."""
    return max(2.0, seconds * 0.5)


class _ChildDied(Exception):
    pass


class Watchdog:
    """A child process that cleans documents and is killed when one overruns its time."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        # Where no child process can start (a frozen or embedded interpreter), documents are
        # cleaned in the thread, without a time limit, rather than not at all.
        self._unavailable = False

    def clean(self, raw: RawDocument, options: CleanOptions) -> Cleaned | Unusable:
        if self._unavailable:
            return _clean_timed(raw, options)
        try:
            child = self._ready_child()
        except (_ChildDied, OSError):
            self.stop()
            self._unavailable = True
            return _clean_timed(raw, options)
        assert child.stdin is not None and child.stdout is not None
        seconds = options.seconds_per_document
        try:
            _send(child.stdin, (raw, options))
            reply = _receive(child.stdout, seconds + _grace(seconds))
        except TimeoutError:
            self.stop()
            return _timeout(raw, options)
        except (_ChildDied, OSError) as error:
            how = self._death()
            return Unusable(
                raw.source,
                "error",
                f"the process cleaning this document died ({how or error})",
                _recovered(raw),
            )
        if not isinstance(reply, (Cleaned, Unusable)):
            self.stop()
            detail = f"the process cleaning this document answered {type(reply).__name__}"
            return Unusable(raw.source, "error", detail, _recovered(raw))
        return reply

    @property
    def pid(self) -> int | None:
        """The child's process id, while there is one."""
        return None if self._child is None else self._child.pid

    def _ready_child(self) -> subprocess.Popen[bytes]:
        if self._child is not None and self._child.poll() is None:
            return self._child
        self.stop()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        child = subprocess.Popen(
            [sys.executable, "-c", "from flows.batches import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # What the child could print (a traceback as it dies) says nothing more than the
            # reason it is reported with.
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._child = child
        self._finalizer = weakref.finalize(self, _stop_child, child)
        assert child.stdout is not None
        try:
            if _receive(child.stdout, STARTUP_SECONDS) == _READY:
                return child
        except TimeoutError:
            pass
        raise _ChildDied(f"it did not start within {STARTUP_SECONDS:g} s")

    def _death(self) -> str | None:
        """How the child ended, before it is cleared away; None when it had not."""
        status = None
        if self._child is not None:
            # Its output closes a moment before the process is gone.
            with suppress(subprocess.TimeoutExpired):
                status = self._child.wait(timeout=2)
        self.stop()
        if status is None:
            return None
        if status < 0:
            name = signal.Signals(-status).name
            return f"killed by {name}" + (", out of memory?" if name == "SIGKILL" else "")
        return f"exit status {status}"

    def stop(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None


def _stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()
    child.wait()
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            stream.close()


_local = threading.local()


def _watchdog() -> Watchdog:
    """This thread's watchdog; it and its child go when the thread does."""
    watchdog: Watchdog | None = getattr(_local, "watchdog", None)
    if watchdog is None:
        watchdog = _local.watchdog = Watchdog()
    return watchdog


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes], seconds: float) -> Any:
    """The next message, or TimeoutError when none is complete within `seconds`."""
    deadline = time.monotonic() + seconds
    header = _read_exactly(stream, _LENGTH.size, deadline)
    (size,) = _LENGTH.unpack(header)
    return pickle.loads(_read_exactly(stream, size, deadline))


def _read_exactly(stream: IO[bytes], size: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    left = size
    fd = stream.fileno()
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise TimeoutError()
        readable, _, _ = select.select([fd], [], [], wait)
        if not readable:
            raise TimeoutError()
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise _ChildDied("it closed its output")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def serve() -> None:
    """The child's side: clean what arrives on stdin until it closes, answers on stdout."""
    # Ctrl-C is for the parent, which stops its children itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    # Anything the cleaners print must not corrupt the replies.
    sys.stdout = sys.stderr
    # Imports and compiled rules are paid for here, not out of the first document's time.
    clean("Warm up.")
    clean("<html><body><p>Warm up.</p></body></html>", format="html")
    _send(replies, _READY)
    while True:
        header = requests.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            return
        (size,) = _LENGTH.unpack(header)
        raw, options = pickle.loads(requests.read(size))
        _send(replies, _clean_timed(raw, options))
