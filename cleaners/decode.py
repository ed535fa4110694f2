"""Bytes to text without ever raising and without silently dropping bytes.

Order of evidence: a byte-order mark, then the charset the document declares (an HTML meta tag
or a header passed in by the reader), then strict UTF-8, then a fallback chosen by looking at
the bytes (UTF-16 without a BOM, cp1251 for Cyrillic, cp1252 otherwise). Whatever cannot be
decoded with the chosen codec is replaced with U+FFFD and reported, never dropped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""")

# Bytes that cp1252 leaves undefined; their presence argues against it.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    # How the encoding was chosen: "bom", "declared", "utf-8", "detected".
    evidence: str
    replaced: int = 0


def normalize_charset(name: str | None) -> str | None:
    """Python's codec name for a declared charset, or None when Python does not know it."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    # WHATWG: a page that says latin-1 or ascii is decoded as windows-1252 by every browser.
    if label in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}:
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset a markup document declares in its first few kilobytes."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    return normalize_charset(match.group(1).decode("ascii", "replace"))


def decode(data: bytes, declared: str | None = None, *, markup: bool = False) -> Decoded:
    """Decode `data`; `declared` is a charset from outside (an HTTP header), `markup` lets the
    document's own meta tag count as a declaration."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with(data[len(bom) :], encoding, "bom")

    charset = normalize_charset(declared)
    if charset is None and markup:
        charset = declared_charset(data)
    if charset is not None and charset not in {"utf-8", "utf-16", "utf-32"}:
        decoded = _decode_with(data, charset, "declared")
        # A wrong declaration is common (pages say latin-1 and send UTF-8): trust the
        # declaration only where the bytes do not read as clean UTF-8.
        if decoded.replaced == 0 and not _is_utf8(data):
            return decoded

    # UTF-16 of Latin text is valid UTF-8 too, one NUL in every other byte: look for it first.
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data[:65536])
        if utf16:
            return _decode_with(data, utf16, "detected")

    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass

    return _decode_with(data, _guess_encoding(data), "detected")


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return False  # plain ASCII: any declaration is as good as UTF-8
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_with(data: bytes, encoding: str, evidence: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding, evidence)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        return Decoded(text, encoding, evidence, replaced=text.count("\ufffd"))
    except LookupError:
        text = data.decode("utf-8", errors="replace")
        return Decoded(text, "utf-8", "detected", replaced=text.count("\ufffd"))


def _guess_encoding(data: bytes) -> str:
    sample = data[:65536]
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    high = [b for b in sample if b >= 0x80]
    if not high:
        return "cp1252"
    # cp1251 puts Cyrillic letters at 0xC0-0xFF, so Russian or Ukrainian text is mostly
    # high bytes in runs; Western European text in cp1252 has a high byte here and there.
    letters = sum(1 for b in high if b >= 0xC0)
    runs = len(re.findall(rb"[\xc0-\xff]{3,}", sample))
    words = max(1, len(re.findall(rb"[A-Za-z\xc0-\xff]{3,}", sample)))
    if letters / len(high) > 0.6 and runs / words > 0.3:
        return "cp1251"
    if any(b in _CP1252_UNDEFINED for b in high):
        return "latin-1"
    return "cp1252"


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text in a Latin script has a NUL in every other byte."""
    # A short sample with a stray NUL is not enough to call it UTF-16.
    if len(sample) < 16 or len(sample) % 2:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    even_nuls = even.count(0) / len(even)
    odd_nuls = odd.count(0) / len(odd)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None
