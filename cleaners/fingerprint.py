"""Fingerprints of a cleaned document, for finding copies across a corpus.

All of them are computed on a folded form of the cleaned text (case, punctuation, quotes and
whitespace folded; mojibake and boilerplate already gone), never on raw input, so that a
re-scrape with other chrome or other quotes still fingerprints the same:

- `text_hash`: exact duplicate of the folded text;
- `url_key`: the canonical URL (scheme, `www.`/`m.`/`amp.` hosts, AMP paths, tracking
  parameters, fragments and trailing slashes folded);
- `minhash`: a MinHash signature of word shingles, from which near-duplicates (Jaccard) and
  contained copies (a truncated copy inside a longer one) are estimated.

Everything here is deterministic across processes and machines (no salted `hash()`).
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import regex
import xxhash

SHINGLE_WORDS = 5
NUM_PERM = 128
_MERSENNE = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_SEED = 20211130

_FOLD_WORD = regex.compile(r"[\p{L}\p{N}]+")
_TRACKING_PARAMS = regex.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|ref|ref_src|"
    r"ref_url|referrer|source|src|cmpid|cmp|ocid|smid|smtyp|rss|taid|ncid|ns_\w+|sr_share|"
    r"share|spm|at_\w+|icid|intcmp|xtor|amp|outputtype|output|mobile|m|__twitter_impression)$",
    regex.IGNORECASE,
)
_HOST_PREFIX = regex.compile(r"^(?:www\d?|m|mobile|amp)\.")
_AMP_PATH = regex.compile(r"(?:/amp/?|\.amp|/amp\.html?|-amp\.html?)$", regex.IGNORECASE)
_INDEX_PAGE = regex.compile(r"/(?:index|default)\.(?:html?|php|aspx?)$", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    text_hash: str
    url_key: str | None
    minhash: np.ndarray  # uint32[NUM_PERM]
    shingles: int


def fold_words(text: str) -> list[str]:
    """The text's words with case, accents' composition, punctuation and spacing folded."""
    return _FOLD_WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def text_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]


def canonical_url(url: str | None) -> str | None:
    """A key under which the variants of one article's URL fall together."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return None
    host = _HOST_PREFIX.sub("", host)
    path = _AMP_PATH.sub("", parts.path) or "/"
    if path.startswith("/amp/"):
        path = path[4:]
    path = _INDEX_PAGE.sub("/", path)
    path = regex.sub(r"/{2,}", "/", path).rstrip("/") or "/"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k)
    )
    key = f"{host}{path}"
    if query:
        key += "?" + urlencode(query)
    return key


def site_of(url: str | None) -> str | None:
    """The host a URL belongs to, without `www.`-like prefixes."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return _HOST_PREFIX.sub("", host.lower().rstrip(".")) if host else None


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
    b = rng.integers(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)
    return a, b


def shingle_hashes(words: list[str]) -> np.ndarray:
    """32-bit hashes of the distinct word n-grams (the whole text when it is shorter)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    if len(words) < SHINGLE_WORDS:
        grams = {" ".join(words)}
    else:
        grams = {
            " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
        }
    return np.fromiter(
        (xxhash.xxh32_intdigest(g.encode("utf-8")) for g in grams),
        dtype=np.uint64,
        count=len(grams),
    )


def minhash(hashes: np.ndarray) -> np.ndarray:
    if hashes.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    a, b = _permutations()
    # a, b and the hashes are below 2**32, so a*h+b fits in 64 bits: no overflow.
    values: np.ndarray = ((hashes[None, :] * a[:, None] + b[:, None]) % _MERSENNE) & _MASK32
    signature: np.ndarray = values.min(axis=1).astype(np.uint32)
    return signature


def fingerprint(text: str, url: str | None) -> Fingerprint:
    words = fold_words(text)
    hashes = shingle_hashes(words)
    return Fingerprint(text_hash(words), canonical_url(url), minhash(hashes), int(hashes.size))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two documents' shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def containment(small: Fingerprint, large: Fingerprint) -> float:
    """Estimated share of `small`'s shingles that are also in `large`."""
    j = jaccard(small.minhash, large.minhash)
    if small.shingles == 0:
        return 0.0
    shared = j / (1.0 + j) * (small.shingles + large.shingles)
    return min(1.0, shared / small.shingles)


def lsh_keys(signature: np.ndarray, bands: int) -> list[int]:
    """One bucket key per band of the signature: documents sharing a key are candidates."""
    rows = NUM_PERM // bands
    view = np.ascontiguousarray(signature[: bands * rows]).reshape(bands, rows)
    return [
        xxhash.xxh64_intdigest(view[band].tobytes(), seed=band) & 0x7FFFFFFFFFFFFFFF
        for band in range(bands)
    ]
