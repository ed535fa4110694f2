"""Reading inputs: paths, folders, globs and fsspec URLs, into a stream of raw documents.

One input file may hold many documents (JSONL, a JSON array, WARC); any of them may be gzip- or
zstd-compressed (told by magic bytes, not by name). Reading never raises for a bad file: what
cannot be read becomes an `Unusable` with a reason and a human detail, so that every input
document is accounted for.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import hashlib
import io
import json
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from flows.documents import RawDocument, Source, Unusable

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_COMPRESSION_SUFFIXES = (".gz", ".gzip", ".zst", ".zstd")
_FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".arc": "warc",
}
_TEXT_FIELDS = ("text", "content", "body", "article", "articleBody", "raw_content")
_HTML_FIELDS = ("html", "raw_html", "page")
_DATE_FIELDS = ("published", "date", "published_at", "publish_date", "datePublished")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep a hostile or broken input from exhausting the machine."""

    max_document_bytes: int = 20 * 1024 * 1024
    max_decompressed_bytes: int = 4 * 1024 * 1024 * 1024
    extraction_seconds: float = 30.0


class TooLarge(Exception):
    pass


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read; `url` is an fsspec URL or a local path."""

    url: str
    display: str

    @property
    def is_local(self) -> bool:
        return "://" not in self.url or self.url.startswith("file://")

    @property
    def local_path(self) -> str:
        return self.url[len("file://") :] if self.url.startswith("file://") else self.url


@dataclass(frozen=True, slots=True)
class MissingInput:
    display: str
    detail: str


def expand_inputs(inputs: list[str]) -> Iterator[InputFile | MissingInput]:
    """Every file the inputs name, in a stable order: folders walked recursively (hidden
    entries skipped, symlink loops broken), globs expanded, URLs listed through fsspec."""
    for spec in inputs:
        if "://" in spec and not spec.startswith("file://"):
            yield from _expand_fsspec(spec)
            continue
        path = spec[len("file://") :] if spec.startswith("file://") else spec
        if glob.has_magic(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield MissingInput(spec, "no file matches this pattern")
            for match in matches:
                yield from expand_inputs([match]) if os.path.isdir(match) else _file(match)
        elif os.path.isdir(path):
            yield from _walk(path)
        elif os.path.exists(path):
            yield from _file(path)
        elif os.path.islink(path):
            yield MissingInput(spec, "broken symbolic link")
        else:
            yield MissingInput(spec, "no such file or folder")


def _file(path: str) -> Iterator[InputFile]:
    yield InputFile(path, path)


def _walk(root: str) -> Iterator[InputFile | MissingInput]:
    visited: set[tuple[int, int]] = set()

    def walk(folder: str) -> Iterator[InputFile | MissingInput]:
        try:
            info = os.stat(folder)
        except OSError as error:
            yield MissingInput(folder, f"cannot open folder: {error.strerror}")
            return
        key = (info.st_dev, info.st_ino)
        if key in visited:
            return  # a symlink loop or a second link to a folder already read
        visited.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            yield MissingInput(folder, f"cannot list folder: {error.strerror}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(entry.path)
            elif os.path.exists(entry.path):
                try:
                    mode = os.stat(entry.path).st_mode
                except OSError:
                    mode = 0
                if stat.S_ISREG(mode):
                    yield InputFile(entry.path, entry.path)
            elif entry.is_symlink():
                yield MissingInput(entry.path, "broken symbolic link")

    yield from walk(root)


def _expand_fsspec(url: str) -> Iterator[InputFile | MissingInput]:
    import fsspec

    try:
        fs, _, paths = fsspec.get_fs_token_paths(url)
        found: list[str] = []
        for path in paths:
            if fs.isdir(path):
                found.extend(
                    p
                    for p in sorted(fs.find(path))
                    if not any(part.startswith(".") for part in p.split("/"))
                )
            elif fs.exists(path):
                found.append(path)
        if not found:
            yield MissingInput(url, "no file at this URL")
        for path in found:
            full = fs.unstrip_protocol(path)
            yield InputFile(full, full)
    except Exception as error:  # fsspec raises anything from ImportError to network errors
        yield MissingInput(url, f"cannot list {url}: {error}")


def open_input(file: InputFile) -> IO[bytes]:
    if file.is_local:
        return open(file.local_path, "rb")
    import fsspec

    handle: IO[bytes] = fsspec.open(file.url, "rb").open()
    return handle


def file_sha256(file: InputFile) -> str:
    digest = hashlib.sha256()
    with open_input(file) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def format_of(name: str) -> str | None:
    base = name.lower()
    for suffix in _COMPRESSION_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    _, ext = os.path.splitext(base)
    return _FORMATS.get(ext)


class _BoundedReader(io.RawIOBase):
    """A decompressing stream that stops with TooLarge past a byte budget (no gzip bombs)."""

    def __init__(self, inner: IO[bytes], budget: int) -> None:
        self._inner = inner
        self._left = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(min(len(buffer), 1 << 16))
        if len(data) > self._left:
            raise TooLarge()
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _peek(handle: IO[bytes]) -> bytes:
    peek = getattr(handle, "peek", None)
    if peek is None:
        return b""
    head: bytes = peek(4)[:4]
    return head


def _decompressed(handle: IO[bytes], limits: Limits) -> IO[bytes]:
    buffered = handle if hasattr(handle, "peek") else io.BufferedReader(handle)  # type: ignore[arg-type]
    magic = _peek(buffered)
    if magic.startswith(GZIP_MAGIC):
        inner: IO[bytes] = gzip.GzipFile(fileobj=buffered)
    elif magic.startswith(ZSTD_MAGIC):
        import zstandard

        inner = zstandard.ZstdDecompressor().stream_reader(buffered)  # type: ignore[assignment]
    else:
        return buffered
    return io.BufferedReader(_BoundedReader(inner, limits.max_decompressed_bytes), 1 << 16)


def read_file(file: InputFile, limits: Limits, file_hash: str) -> Iterator[RawDocument | Unusable]:
    """Every document in one input file, or an Unusable for what could not be read."""
    fmt = format_of(file.display)
    whole = Source(path=file.display, format=fmt or "unknown", sha256=file_hash)
    try:
        handle = open_input(file)
    except OSError as error:
        yield Unusable(whole, "unreadable", f"cannot open the file: {error.strerror or error}")
        return
    try:
        if fmt == "warc" and _peek(handle).startswith(GZIP_MAGIC):
            # warcio reads gzipped WARCs record by record itself, and its offsets are then
            # the compressed ones that CDX indexes and range requests use.
            yield from _read_warc(handle, whole, limits)
            return
        stream = _decompressed(handle, limits)
        if fmt == "jsonl":
            yield from _read_jsonl(stream, whole, limits)
        elif fmt == "warc":
            yield from _read_warc(stream, whole, limits)
        else:
            yield from _read_single(stream, whole, fmt, limits)
    except TooLarge:
        yield Unusable(
            whole,
            "too_large",
            f"decompresses to more than {limits.max_decompressed_bytes:,} bytes"
            " (--max-decompressed)",
        )
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        yield Unusable(whole, "unreadable", f"compressed stream is damaged or cut short: {error}")
    except OSError as error:
        yield Unusable(whole, "unreadable", f"read failed: {error}")
    except Exception as error:  # a reader bug must not lose the file: report it as such
        if error.__class__.__module__.startswith("zstandard"):
            yield Unusable(whole, "unreadable", f"compressed stream is damaged: {error}")
        else:
            yield Unusable(whole, "error", f"{type(error).__name__}: {error}")
    finally:
        handle.close()


def _read_limited(stream: IO[bytes], limits: Limits) -> bytes | None:
    data = stream.read(limits.max_document_bytes + 1)
    return None if len(data) > limits.max_document_bytes else data


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_single(
    stream: IO[bytes], whole: Source, fmt: str | None, limits: Limits
) -> Iterator[RawDocument | Unusable]:
    data = _read_limited(stream, limits)
    if data is None:
        yield Unusable(
            whole, "too_large", f"larger than {limits.max_document_bytes:,} bytes (--max-bytes)"
        )
        return
    if fmt is None:
        fmt = _sniff(data)
        whole = Source(whole.path, fmt or "binary", whole.sha256)
        if fmt is None:
            yield Unusable(
                whole, "unreadable", "binary content, not a text, HTML, JSON or WARC file"
            )
            return
    if fmt == "json":
        yield from _read_json(data, whole)
    elif fmt == "jsonl":
        yield from _read_jsonl(io.BytesIO(data), whole, limits)
    elif fmt == "warc":
        yield from _read_warc(io.BytesIO(data), whole, limits)
    else:
        kind = "html" if fmt == "html" else "text"
        yield RawDocument(Source(whole.path, fmt, whole.sha256), data, kind)


def _sniff(data: bytes) -> str | None:
    """The format of a file whose name does not say, or None for binary content."""
    head = data[:4096]
    if head.startswith((b"WARC/", b"\x1f\x8b")):
        return "warc" if head.startswith(b"WARC/") else None
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in stripped:
        return "html"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return "txt"
    if not head:
        return "txt"
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    nuls = head.count(0)
    if nuls and not _looks_utf16(head):
        return None
    if controls > len(head) * 0.1 and not _looks_utf16(head):
        return None
    return "txt"


def _looks_utf16(head: bytes) -> bool:
    even, odd = head[0::2], head[1::2]
    return bool(even and odd) and (odd.count(0) > len(odd) * 0.4 or even.count(0) > len(even) * 0.4)


def _field(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return value
    return None


def _document_from_record(record: Any, source: Source) -> RawDocument | Unusable:
    if not isinstance(record, dict):
        return Unusable(source, "unreadable", f"a JSON {type(record).__name__}, not an object")
    raw_id = record.get("id")
    doc_id = None if raw_id is None else str(raw_id)
    source = Source(source.path, source.format, source.sha256, source.line, source.offset, doc_id)
    url = _text_or_none(record.get("url"))
    title = _text_or_none(record.get("title"))
    published = _text_or_none(_field(record, _DATE_FIELDS))
    html = _field(record, _HTML_FIELDS)
    text = _field(record, _TEXT_FIELDS)
    recovered = {k: v for k, v in (("url", url), ("title", title)) if v}
    if isinstance(html, str) and html.strip():
        return RawDocument(source, html, "html", url, title, published)
    if isinstance(text, str):
        return RawDocument(source, text, "text", url, title, published)
    if text is None and html is None:
        return Unusable(source, "empty", "record has no text or html field", recovered or None)
    return Unusable(source, "unreadable", "the text field is not a string", recovered or None)


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _read_json(data: bytes, whole: Source) -> Iterator[RawDocument | Unusable]:
    from cleaners.decode import decode

    try:
        parsed = json.loads(decode(data).text)
    except ValueError as error:
        yield Unusable(whole, "unreadable", f"not valid JSON: {error}")
        return
    records = parsed if isinstance(parsed, list) else [parsed]
    if not records:
        yield Unusable(whole, "empty", "an empty JSON array")
    for index, record in enumerate(records):
        source = whole if len(records) == 1 else Source(whole.path, "json", whole.sha256, index + 1)
        yield _document_from_record(record, source)


def _read_jsonl(
    stream: IO[bytes], whole: Source, limits: Limits
) -> Iterator[RawDocument | Unusable]:
    whole = Source(whole.path, "jsonl", whole.sha256)
    number = 0
    any_line = False
    while True:
        line = stream.readline(limits.max_document_bytes + 1)
        if not line:
            break
        number += 1
        if len(line) > limits.max_document_bytes and not line.endswith(b"\n"):
            # Skip the rest of an over-long line, then report it.
            while True:
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            source = Source(whole.path, "jsonl", _sha(line), number)
            yield Unusable(
                source, "too_large", f"line longer than {limits.max_document_bytes:,} bytes"
            )
            any_line = True
            continue
        if not line.strip():
            continue
        any_line = True
        source = Source(whole.path, "jsonl", _sha(line.rstrip(b"\r\n")), number)
        try:
            record = json.loads(line)
        except ValueError as error:
            yield Unusable(source, "unreadable", f"line {number} is not valid JSON: {error}")
            continue
        yield _document_from_record(record, source)
    if not any_line:
        yield Unusable(whole, "empty", "no records in this JSONL file")


def _read_warc(
    stream: IO[bytes], whole: Source, limits: Limits
) -> Iterator[RawDocument | Unusable]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    whole = Source(whole.path, "warc", whole.sha256)
    found = False
    try:
        iterator = ArchiveIterator(stream, check_digests=False)
        for record in iterator:
            kind = record.rec_type
            if kind not in ("response", "resource", "conversion"):
                continue
            found = True
            url = record.rec_headers.get_header("WARC-Target-URI")
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            content_type = ""
            if kind == "response" and record.http_headers is not None:
                status = record.http_headers.get_statuscode()
                content_type = record.http_headers.get_header("Content-Type") or ""
                if status and not status.startswith("2"):
                    continue
            else:
                content_type = record.rec_headers.get_header("Content-Type") or ""
            payload = record.content_stream().read(limits.max_document_bytes + 1)
            # Only once the content is read does warcio know where the record began.
            offset = iterator.get_record_offset()
            source = Source(whole.path, "warc", _sha(payload), offset=offset, id=record_id)
            if len(payload) > limits.max_document_bytes:
                yield Unusable(
                    source, "too_large", f"record larger than {limits.max_document_bytes:,} bytes"
                )
                continue
            is_html = "html" in content_type.lower() or (
                kind != "conversion"
                and payload.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))
            )
            if kind == "response" and not is_html and "text" not in content_type.lower():
                continue  # images, scripts and the like are not documents
            charset = None
            if "charset=" in content_type.lower():
                charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
            yield RawDocument(source, payload, "html" if is_html else "text", url, charset=charset)
    except ArchiveLoadFailed as error:
        yield Unusable(whole, "unreadable", f"not a readable WARC file: {error}")
        return
    if not found:
        yield Unusable(whole, "empty", "no response, resource or conversion records in this WARC")


DEFAULT_LIMITS = Limits()
