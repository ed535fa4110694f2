"""Reading inputs: paths, folders, globs and fsspec URLs, into a stream of raw documents.

One input file may hold many documents (JSONL, a JSON array, WARC); any of them may be gzip- or
zstd-compressed (told by magic bytes, not by name). Reading never raises for a bad file: what
cannot be read becomes an `Unusable` with a reason and a human detail, so that every input
document is accounted for.
"""

from __future__ import annotations

import codecs
import errno
import fnmatch
import glob
import gzip
import hashlib
import io
import json
import os
import re
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
_SURROGATE = re.compile("[\ud800-\udfff]")
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
            yield from _expand_glob(spec, path)
        elif os.path.isdir(path):
            yield from _walk(path)
        else:
            yield _file(path, spec)


def _file(path: str, display: str | None = None) -> InputFile | MissingInput:
    """A file named directly or found in a folder, or why it cannot be read."""
    display = display or path
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return MissingInput(display, "symbolic link loop: the link leads back to itself")
        if os.path.islink(path):
            return MissingInput(display, "broken symbolic link: its target does not exist")
        if error.errno == errno.ENOENT:
            return MissingInput(display, "no such file or folder")
        return MissingInput(display, f"cannot read: {error.strerror or error}")
    if not stat.S_ISREG(mode):
        # A FIFO would block the run forever, and could not be read twice anyway.
        return MissingInput(display, "not a regular file (a FIFO, socket or device)")
    return InputFile(path, path)


def _expand_glob(spec: str, pattern: str) -> Iterator[InputFile | MissingInput]:
    """Files a glob names. `**` is matched over our own walk of the folder it starts from:
    `glob` follows links into folders, so a symbolic link loop would give the same files again
    under ever longer paths (exponentially many with two loops in a folder)."""
    found = False
    visited: set[tuple[int, int]] = set()
    if "**" in pattern:
        parts = pattern.split(os.sep)
        fixed = next(i for i, part in enumerate(parts) if glob.has_magic(part))
        root = os.sep.join(parts[:fixed]) or ("." if not pattern.startswith(os.sep) else os.sep)
        wanted = parts[fixed:]
        items: Iterator[InputFile | MissingInput] = (
            _walk(root, visited) if os.path.isdir(root) else iter(())
        )
        for item in items:
            relative = os.path.relpath(item.display, root).split(os.sep)
            if any(_glob_match(wanted, relative[:n]) for n in range(1, len(relative) + 1)):
                found = True
                yield item
    else:
        for match in sorted(glob.glob(pattern)):
            found = True
            if os.path.isdir(match):
                yield from _walk(match, visited)
            elif _first_visit(match, visited):
                yield _file(match)
    if not found:
        yield MissingInput(spec, "no file matches this pattern")


def _glob_match(pattern: list[str], parts: list[str]) -> bool:
    """Path components against glob components, `**` standing for any number of them."""
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_glob_match(pattern[1:], parts[n:]) for n in range(len(parts) + 1))
    return (
        bool(parts)
        and fnmatch.fnmatchcase(parts[0], pattern[0])
        and (_glob_match(pattern[1:], parts[1:]))
    )


def _first_visit(path: str, visited: set[tuple[int, int]]) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return True  # reported as it is found
    key = (info.st_dev, info.st_ino)
    if key in visited:
        return False
    visited.add(key)
    return True


def _walk(
    root: str, visited: set[tuple[int, int]] | None = None
) -> Iterator[InputFile | MissingInput]:
    """Files under `root`, depth first in name order. Each folder is read once, however many
    links lead to it: a symbolic link loop ends there, and nothing is read twice. A stack,
    not recursion, so that no depth of folders can exhaust Python's."""
    visited = set() if visited is None else visited
    pending: list[Iterator[os.DirEntry[str]]] = []

    def enter(folder: str) -> MissingInput | None:
        try:
            info = os.stat(folder)
        except OSError as error:
            return MissingInput(folder, f"cannot open folder: {error.strerror}")
        key = (info.st_dev, info.st_ino)
        if key in visited:
            return None
        visited.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            return MissingInput(folder, f"cannot list folder: {error.strerror}")
        pending.append(iter(entries))
        return None

    problem = enter(root)
    if problem:
        yield problem
    while pending:
        entry = next(pending[-1], None)
        if entry is None:
            pending.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        if is_dir:
            problem = enter(entry.path)
            if problem:
                yield problem
        elif _first_visit(entry.path, visited):
            yield _file(entry.path)


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


class DamagedStream(Exception):
    """A compressed stream that is cut short or corrupt."""


class _Inflater(io.RawIOBase):
    """A gzip or zstd stream decompressed as it is read, member after member.

    Unlike `gzip.GzipFile`, it hands out everything that decompresses before the damage and
    only then raises: the good lines of a cut JSONL file are read. It stops with TooLarge past
    a byte budget (no gzip bombs), and no single step expands more than `_STEP` bytes.
    """

    _STEP = 1 << 16
    # zstd's decompressor has no output bound per call: feed it little at a time.
    _ZSTD_INPUT = 1 << 12

    def __init__(self, inner: IO[bytes], kind: str, budget: int) -> None:
        self._inner = inner
        self._kind = kind
        self._left = budget
        self._decoder: Any = self._new_decoder()
        self._input = b""
        self._output = b""
        self._finished = False

    def _new_decoder(self) -> Any:
        if self._kind == "gzip":
            return zlib.decompressobj(wbits=31)
        import zstandard

        return zstandard.ZstdDecompressor().decompressobj()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._output:
            if self._finished:
                return 0
            self._output = self._step()
        size = min(len(buffer), len(self._output))
        buffer[:size] = self._output[:size]
        self._output = self._output[size:]
        return size

    def _step(self) -> bytes:
        if not self._input:
            self._input = self._inner.read(self._STEP)
            if not self._input:
                if self._decoder is not None:
                    raise DamagedStream("it is cut short before the end of its compressed data")
                self._finished = True
                return b""
        if self._decoder is None:
            # Between members: padding, another member, or garbage.
            self._input = self._input.lstrip(b"\0")
            if not self._input:
                return b""
            magic = GZIP_MAGIC if self._kind == "gzip" else ZSTD_MAGIC
            if not self._input.startswith(magic[: len(self._input)]):
                # Junk after complete data, as `gzip -d` does: the data is all there.
                self._input = b""
                self._finished = True
                return b""
            self._decoder = self._new_decoder()
        try:
            if self._kind == "gzip":
                data = self._decoder.decompress(self._input, self._STEP)
                rest = b""
                self._input = self._decoder.unconsumed_tail
            else:
                data = self._decoder.decompress(self._input[: self._ZSTD_INPUT])
                rest = self._input[self._ZSTD_INPUT :]
                self._input = rest
        except Exception as error:  # zlib.error, zstandard.ZstdError
            raise DamagedStream(f"its compressed data is corrupt ({error})") from None
        if self._decoder.eof:
            # What follows the member (zlib also leaves it in unconsumed_tail: not twice).
            self._input = self._decoder.unused_data + rest
            self._decoder = None
        if len(data) > self._left:
            raise TooLarge()
        self._left -= len(data)
        return bytes(data)


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
        kind = "gzip"
    elif magic.startswith(ZSTD_MAGIC):
        kind = "zstd"
    else:
        return buffered
    inflater = _Inflater(buffered, kind, limits.max_decompressed_bytes)
    return io.BufferedReader(inflater, 1 << 16)


def read_file(file: InputFile, limits: Limits, file_hash: str) -> Iterator[RawDocument | Unusable]:
    """Every document in one input file, or an Unusable for what could not be read."""
    fmt = format_of(file.display)
    whole = Source(path=file.display, format=fmt or "unknown", sha256=file_hash)
    try:
        handle = open_input(file)
    except OSError as error:
        yield Unusable(whole, "unreadable", f"cannot open the file: {error.strerror or error}")
        return
    read = 0
    try:
        for item in _read_documents(handle, whole, fmt, limits):
            read += 1
            yield item
    except TooLarge:
        yield Unusable(
            whole,
            "too_large",
            f"decompresses to more than {limits.max_decompressed_bytes:,} bytes"
            f" (--max-decompressed){_after(read)}",
        )
    except (DamagedStream, EOFError, zlib.error, gzip.BadGzipFile) as error:
        yield Unusable(
            whole, "unreadable", f"the compressed file is damaged: {error}{_after(read)}"
        )
    except OSError as error:
        yield Unusable(whole, "unreadable", f"read failed: {error}{_after(read)}")
    except Exception as error:  # a reader bug must not lose the file: report it as such
        yield Unusable(whole, "error", f"{type(error).__name__}: {error}{_after(read)}")
    finally:
        handle.close()


def _read_documents(
    handle: IO[bytes], whole: Source, fmt: str | None, limits: Limits
) -> Iterator[RawDocument | Unusable]:
    if fmt == "warc" and _peek(handle).startswith(GZIP_MAGIC):
        # warcio reads gzipped WARCs record by record itself, and its offsets are then
        # the compressed ones that CDX indexes and range requests use.
        yield from _read_warc(handle, whole, limits, gzipped=True)
        return
    stream = _decompressed(handle, limits)
    if fmt == "jsonl":
        yield from _read_jsonl(stream, whole, limits)
    elif fmt == "warc":
        yield from _read_warc(stream, whole, limits)
    else:
        yield from _read_single(stream, whole, fmt, limits)


def _after(read: int) -> str:
    """Where reading stopped, for a file whose first documents were read before the damage."""
    if not read:
        return ""
    return f" (its first {read:,} documents were read before that point)"


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
    binary = binary_content(data) if fmt in (None, "txt", "html") else None
    if binary is not None:
        named = f", not the {fmt.upper()} its name says" if fmt else ""
        yield Unusable(
            Source(whole.path, fmt or "binary", whole.sha256),
            "unreadable",
            f"binary content ({binary}){named}: not text, HTML, JSON or WARC",
        )
        return
    if fmt is None:
        fmt = _sniff(data)
        whole = Source(whole.path, fmt, whole.sha256)
    if fmt == "json":
        yield from _read_json(data, whole)
    elif fmt == "jsonl":
        yield from _read_jsonl(io.BufferedReader(io.BytesIO(data)), whole, limits)
    elif fmt == "warc":
        yield from _read_warc(io.BytesIO(data), whole, limits)
    else:
        kind = "html" if fmt == "html" else "text"
        yield RawDocument(Source(whole.path, fmt, whole.sha256), data, kind)


def _sniff(data: bytes) -> str:
    """The format of a text file whose name does not say."""
    head = data[:4096]
    if head.startswith(b"WARC/"):
        return "warc"
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in stripped:
        return "html"
    return "txt"


# Signatures of the binary files that end up in scrape folders.
_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF media file"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x00asm", "WebAssembly"),
    (GZIP_MAGIC, "gzip inside gzip"),
    (ZSTD_MAGIC, "zstd inside a compressed file"),
)
# Control bytes that text does not hold. Tab, line breaks and ESC (terminal colour codes pasted
# into text) are left out, and so is NUL, which is counted apart.
_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 27), *range(28, 32)])
# Share of control bytes above which content is binary: random bytes have about 10%, text in
# any single-byte or UTF-8 encoding next to none.
_MAX_CONTROL_SHARE = 0.03


def binary_content(data: bytes) -> str | None:
    """What binary content `data` is (a PNG image, ...), or None when it reads as text.

    NUL bytes alone do not make a file binary: UTF-16 text is full of them, and a text cut
    short by a crash is often padded with them. They are stripped later, with the other
    control characters."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    sample = data[: 1 << 16].replace(b"\0", b"")
    if not sample:
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > len(sample) * _MAX_CONTROL_SHARE:
        return "control bytes throughout"
    return None


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
    doc_id = None if raw_id is None else _scrub(str(raw_id))
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
    text = _scrub(str(value)).strip()
    return text or None


def _scrub(text: str) -> str:
    """JSON can escape lone surrogates ("\\ud800"), which no output can encode. (The text
    keeps them: cleaning replaces them and records the repair.)"""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _read_json(data: bytes, whole: Source) -> Iterator[RawDocument | Unusable]:
    from cleaners.decode import decode

    try:
        parsed = json.loads(decode(data).text)
    except ValueError as error:
        yield Unusable(whole, "unreadable", f"not valid JSON: {error}")
        return
    except RecursionError:
        yield Unusable(whole, "unreadable", "JSON nested too deeply to read")
        return
    records = parsed if isinstance(parsed, list) else [parsed]
    if not records:
        yield Unusable(whole, "empty", "an empty JSON array")
    for index, record in enumerate(records):
        source = whole if len(records) == 1 else Source(whole.path, "json", whole.sha256, index + 1)
        yield _document_from_record(record, source)


_TEXT_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _jsonl_lines(stream: IO[bytes], limit: int) -> Iterator[bytes]:
    """The lines of a JSONL stream as UTF-8 (a UTF-16 or UTF-32 file is re-encoded), each cut
    at `limit` bytes: a longer line comes in several pieces, all but the last without "\\n"."""
    head = _peek(stream)
    for bom, encoding in _TEXT_BOMS:
        if head.startswith(bom):
            stream.read(len(bom))
            text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")
            while decoded := text.readline(limit):
                yield decoded.encode("utf-8", "replace")
            return
    while line := stream.readline(limit):
        yield line


def _read_jsonl(
    stream: IO[bytes], whole: Source, limits: Limits
) -> Iterator[RawDocument | Unusable]:
    whole = Source(whole.path, "jsonl", whole.sha256)
    number = 0
    any_line = False
    limit = limits.max_document_bytes + 1
    lines = _jsonl_lines(stream, limit)
    for line in lines:
        number += 1
        if len(line) >= limit and not line.endswith(b"\n"):
            # Skip the rest of an over-long line, then report it.
            for rest in lines:
                if rest.endswith(b"\n"):
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
        yield _parse_line(line, number, source)
    if not any_line:
        yield Unusable(whole, "empty", "no records in this JSONL file")


def _parse_line(line: bytes, number: int, source: Source) -> RawDocument | Unusable:
    from cleaners.decode import decode

    try:
        try:
            record = json.loads(line)
        except UnicodeDecodeError:
            # A line in a legacy encoding (latin-1, cp1251): decoded as a text file would be.
            record = json.loads(decode(line).text)
    except ValueError as error:
        return Unusable(source, "unreadable", f"line {number} is not valid JSON: {error}")
    except RecursionError:
        return Unusable(source, "unreadable", f"line {number} is JSON nested too deeply to read")
    return _document_from_record(record, source)


def _read_warc(
    stream: IO[bytes], whole: Source, limits: Limits, gzipped: bool = False
) -> Iterator[RawDocument | Unusable]:
    """The documents of a WARC file. `gzipped` when warcio reads the gzip members itself: it
    then takes a member cut short for the end of the file, so the end is checked here."""
    from warcio.archiveiterator import ArchiveIterator

    whole = Source(whole.path, "warc", whole.sha256)
    found = False
    last_offset = 0
    try:
        iterator = ArchiveIterator(stream, check_digests=False)
        for record in iterator:
            document = _warc_document(record, iterator, whole, limits)
            # Only once the content is read does warcio know where the record began.
            last_offset = iterator.get_record_offset()
            missing = getattr(record.raw_stream, "limit", 0)
            if document is None:
                continue
            found = True
            if isinstance(missing, int) and missing > 0:
                source = Source(whole.path, "warc", document.source.sha256, offset=last_offset)
                yield Unusable(
                    source,
                    "unreadable",
                    f"record cut short: the file ends {missing:,} bytes before the record does",
                )
                continue
            yield document
    except DamagedStream:
        raise
    except Exception as error:  # warcio fails on garbage with anything from its own to ValueError
        yield Unusable(whole, "unreadable", f"not a readable WARC file: {error}")
        return
    if gzipped:
        problem = _gzip_tail_problem(stream, last_offset, limits)
        if problem:
            yield Unusable(whole, "unreadable", problem)
            return
    if not found:
        yield Unusable(whole, "empty", "no response, resource or conversion records in this WARC")


def _warc_document(
    record: Any, iterator: Any, whole: Source, limits: Limits
) -> RawDocument | Unusable | None:
    """The document a WARC record holds, or None for a record that is not one."""
    kind = record.rec_type
    if kind not in ("response", "resource", "conversion"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    content_type = ""
    if kind == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        content_type = record.http_headers.get_header("Content-Type") or ""
        if status and not status.startswith("2"):
            return None
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    payload = record.content_stream().read(limits.max_document_bytes + 1)
    offset = iterator.get_record_offset()
    source = Source(whole.path, "warc", _sha(payload), offset=offset, id=record_id)
    if len(payload) > limits.max_document_bytes:
        return Unusable(
            source, "too_large", f"record larger than {limits.max_document_bytes:,} bytes"
        )
    is_html = "html" in content_type.lower() or (
        kind != "conversion" and payload.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))
    )
    if kind == "response" and not is_html and "text" not in content_type.lower():
        return None  # images, scripts and the like are not documents
    charset = None
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
    return RawDocument(source, payload, "html" if is_html else "text", url, charset=charset)


def _gzip_tail_problem(stream: IO[bytes], offset: int, limits: Limits) -> str | None:
    """Why the gzip members from `offset` (where the last record read began) to the end of the
    file are not whole, or None when they are."""
    try:
        stream.seek(offset)
    except (OSError, ValueError, AttributeError):
        return None  # not seekable: nothing to check with
    inflater = _Inflater(stream, "gzip", limits.max_decompressed_bytes)
    try:
        while inflater.read(1 << 16):
            pass
    except DamagedStream as error:
        where = " after its last whole record" if offset else ""
        return f"the compressed file is damaged{where}: {error}"
    except TooLarge:
        return None
    return None


DEFAULT_LIMITS = Limits()
