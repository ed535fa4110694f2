"""Fingerprints of a cleaned document, for finding copies across a corpus.

All of them are computed on a folded form of the cleaned text (case, punctuation, quotes and
whitespace folded; mojibake and boilerplate already gone), never on raw input, so that a
re-scrape with other chrome or other quotes still fingerprints the same:

- `text_hash`: exact duplicate of the folded text;
- `url_key`: the canonical URL (scheme, `www.`/`m.`/`amp.` hosts, AMP paths and AMP caches,
  tracking parameters, fragments and trailing slashes folded);
- `minhash`: a MinHash signature of word shingles, from which near-duplicates (Jaccard) and
  contained copies (a truncated copy inside a longer one) are estimated;
- `lead`: a short MinHash signature of the opening words only. A syndicated excerpt keeps the
  opening of the story, so it shares the lead with the full text even when it is a tenth of
  it, far too little for the whole-text signatures to meet in an LSH bucket.

Everything here is deterministic across processes and machines (no salted `hash()`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import numpy as np
import regex
import xxhash

SHINGLE_WORDS = 5
NUM_PERM = 128
# The lead: the first 50 words (46 shingles), in 16 slots. A copy that starts a sentence
# later (a dateline or byline line left in one of them) still shares most of it.
LEAD_WORDS = 50
LEAD_SLOTS = 16
EMPTY_SLOT = 0xFFFFFFFF
_MERSENNE = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
# Odd 64-bit constants (from splitmix64) for combining word hashes into n-gram hashes.
_SHINGLE_BASE = np.uint64(0x9E3779B97F4A7C15)
_SHINGLE_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SEED = 20211130

# Letters and digits: \w, once underscores are spaces (`[^\W_]+` scans a tenth slower), in the
# standard library's faster engine.
_FOLD_WORD = re.compile(r"\w+")
_TRACKING_PARAMS = regex.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|ref|ref_src|"
    r"ref_url|referrer|source|src|cmpid|cmp|ocid|smid|smtyp|rss|taid|ncid|ns_\w+|sr_share|"
    r"share|spm|at_\w+|icid|intcmp|xtor|amp|outputtype|output|mobile|m|__twitter_impression)$",
    regex.IGNORECASE,
)
_HOST_PREFIX = regex.compile(r"^(?:www\d?|m|mobile|amp)\.")
_AMP_PATH = regex.compile(r"(?:/amp/?|\.amp|/amp\.html?|-amp\.html?)$", regex.IGNORECASE)
_AMP_BEFORE_EXTENSION = regex.compile(r"[.-]amp(?=\.html?$)", regex.IGNORECASE)
_INDEX_PAGE = regex.compile(r"/(?:index|default)\.(?:html?|php|aspx?)$", regex.IGNORECASE)
# Google's AMP cache and viewer serve a publisher's page under their own host:
# `www-example-com.cdn.ampproject.org/c/s/www.example.com/path`, `google.com/amp/s/...`.
_AMP_CACHE_PATH = regex.compile(r"^/(?:[cv]/)?(?:s/)?(?P<rest>[^/]+\.[^/]+(?:/.*)?)$")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# A path segment that names one article: a number in it (ids, dates) or a slug of 3+ words.
_ARTICLE_SEGMENT = regex.compile(r"\d|[^\W_]+(?:[-_+][^\W_]+){2,}")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    text_hash: str
    url_key: str | None
    minhash: np.ndarray  # uint32[NUM_PERM]
    shingles: int
    lead: np.ndarray  # uint32[LEAD_SLOTS]


def fold_words(text: str) -> list[str]:
    """The text's words with case, accents' composition, punctuation and spacing folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if "_" in folded:
        folded = folded.replace("_", " ")
    return _FOLD_WORD.findall(folded)


def text_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]


def canonical_url(url: str | None) -> str | None:
    """A key under which the variants of one article's URL fall together."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    path, query = parts.path, parts.query
    if host.endswith(".cdn.ampproject.org") or (
        host.removeprefix("www.").startswith("google.") and path.startswith("/amp/")
    ):
        inner = _AMP_CACHE_PATH.match(path.removeprefix("/amp"))
        if inner:
            return canonical_url("https://" + inner["rest"] + (f"?{query}" if query else ""))
    host = _HOST_PREFIX.sub("", host)
    path = _AMP_PATH.sub("", path) or "/"
    path = _AMP_BEFORE_EXTENSION.sub("", path)
    if path.startswith("/amp/"):
        path = path[4:]
    path = _INDEX_PAGE.sub("/", path)
    path = quote(unquote(path), safe=_PATH_SAFE)
    path = regex.sub(r"/{2,}", "/", path).rstrip("/") or "/"
    pairs = sorted(
        (k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)
    )
    key = f"{host}{path}"
    if pairs:
        key += "?" + urlencode(pairs)
    return key


def names_one_article(url_key: str | None) -> bool:
    """Whether a canonical URL can name a single article, rather than a home, section, tag or
    feed page that many articles are scraped with (a feed that gives every item the site's
    home page, a listing scraped as one page). Only such URLs are evidence of a copy."""
    if not url_key:
        return False
    path, _, query = url_key.partition("?")
    _, _, path = path.partition("/")
    if query and any(char.isdigit() for char in query):
        return True
    return any(_ARTICLE_SEGMENT.search(segment) for segment in path.split("/"))


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


def word_hashes(words: list[str]) -> np.ndarray:
    """xxh32 of each word's UTF-8, as uint64; `map` keeps the loop in C."""
    encoded = map(str.encode, words)  # UTF-8, strict: as `word.encode("utf-8")`
    return np.fromiter(map(xxhash.xxh32_intdigest, encoded), dtype=np.uint64, count=len(words))


def shingle_hashes(words: list[str]) -> np.ndarray:
    """32-bit hashes of the distinct word n-grams (the whole text when it is shorter)."""
    return _shingles(word_hashes(words))


def _shingles(hashed: np.ndarray) -> np.ndarray:
    """The n-gram hashes combined from the word hashes in numpy (a polynomial over the n words,
    then a 64-bit finaliser): one hash call per word instead of one string join and one hash
    call per n-gram."""
    if not hashed.size:
        return np.zeros(0, dtype=np.uint64)
    width = min(SHINGLE_WORDS, hashed.size)
    count = hashed.size - width + 1
    # In place, from the first word's hash (0 * base + h is h); uint64 arithmetic wraps
    # modulo 2**64, which is what a polynomial hash wants.
    combined = hashed[:count].copy()
    for offset in range(1, width):
        combined *= _SHINGLE_BASE
        combined += hashed[offset : offset + count]
    combined ^= combined >> np.uint64(33)
    combined *= _SHINGLE_MIX
    combined ^= combined >> np.uint64(29)
    combined &= _MASK32
    return _sorted_distinct(combined)


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)` for a 1-d array (sorted in place), by a sort and a mask: numpy 2's
    np.unique costs ten times as much on the few hundred values of a document."""
    values.sort()
    distinct = np.empty(values.size, dtype=bool)
    distinct[:1] = True
    np.not_equal(values[1:], values[:-1], out=distinct[1:])
    kept: np.ndarray = values[distinct]
    return kept


# Shingles per block of the signature computation: 128 rows of this many uint64 (256 KiB) stay
# in a core's cache; 512 (512 KiB) ran a third slower on the AEB residue.
_MINHASH_BLOCK = 256
_61 = np.uint64(61)
_ONE = np.uint64(1)
# `_block_minima`'s shortcut can be wrong only where its 32-bit value comes out 0 to this.
_UNSURE = np.uint32(8)


@functools.cache
def _coefficients(slots: int) -> tuple[np.ndarray, np.ndarray]:
    """a and b + 1 of the first `slots` permutations, each value repeated along a block's row.
    numpy multiplies and adds two arrays laid out alike in its fast loops; a column (slots, 1)
    broadcast along the rows takes a strided loop that costs twice as much."""
    a, b = _permutations()
    shape = (slots, _MINHASH_BLOCK)
    repeated_a = np.ascontiguousarray(np.broadcast_to(a[:slots, None], shape))
    repeated_b = np.ascontiguousarray(np.broadcast_to(b[:slots, None] + _ONE, shape))
    repeated_a.flags.writeable = repeated_b.flags.writeable = False  # shared by every call
    return repeated_a, repeated_b


def _block_minima(hashes: np.ndarray, a: np.ndarray, b_plus_one: np.ndarray) -> np.ndarray:
    """min over each row of ((a*h + b) mod (2**61-1)) & 0xFFFFFFFF for the hashes h (shape
    (1, n)) and a, b + 1 (shape (slots, n)); a, b and h are below 2**32, so a*h+b+1 fits in
    64 bits."""
    # x + 1, for x = a*h + b
    values = a * hashes
    values += b_plus_one
    # With x = q*2**61 + r, x mod (2**61-1) is q + r, less 2**61-1 when q + r reaches it. When
    # it does not, (x + 1) >> 61 is q, and the low 32 bits of x + 1 + q are those of the result
    # plus one: half the passes of the exact formula below (numpy's integer division, slower
    # still, is avoided by both).
    values += values >> _61
    lowest: np.ndarray = values.astype(np.uint32).min(axis=1)
    # Where it does (q + r of 2**61-1 and above, or r of 2**61-1 whose x + 1 carries into q),
    # the low 32 bits of x + 1 + q are 0 to 8, and so are those of a result of 2**32-1 plus
    # one: a block whose minima are all above 8 has none of them, and its minima are exact.
    # Another block, about one in 10**4, goes the long way.
    if lowest.min() > _UNSURE:
        lowest -= np.uint32(1)
        return lowest
    values = a * hashes
    values += b_plus_one - _ONE
    high = values >> _61
    values &= _MERSENNE
    values += high
    # Subtracting 2**61-1 when q + r reaches it adds 1 to the low 32 bits, the only ones kept:
    # (q + r + 1) >> 61 is 1 exactly then.
    np.add(values, _ONE, out=high)
    high >>= _61
    values += high
    values &= _MASK32
    exact: np.ndarray = values.min(axis=1).astype(np.uint32)
    return exact


def minhash(hashes: np.ndarray, slots: int = NUM_PERM) -> np.ndarray:
    if hashes.size == 0:
        return np.full(slots, EMPTY_SLOT, dtype=np.uint32)
    a, b_plus_one = _coefficients(slots)
    best: np.ndarray | None = None
    for start in range(0, hashes.size, _MINHASH_BLOCK):
        block = hashes[None, start : start + _MINHASH_BLOCK]
        width = block.shape[1]
        lowest = _block_minima(block, a[:, :width], b_plus_one[:, :width])
        best = lowest if best is None else np.minimum(best, lowest, out=best)
    assert best is not None
    return best


def fingerprint(text: str, url: str | None) -> Fingerprint:
    words = fold_words(text)
    hashed = word_hashes(words)
    hashes = _shingles(hashed)
    lead = minhash(_shingles(hashed[:LEAD_WORDS]), LEAD_SLOTS)
    return Fingerprint(
        text_hash(words), canonical_url(url), minhash(hashes), int(hashes.size), lead
    )


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two documents' shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def jaccards(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`jaccard` of each row of `a` with the same row of `b` (uint32[n, NUM_PERM] each)."""
    shared: np.ndarray = np.count_nonzero(a == b, axis=1) / NUM_PERM
    return shared


def containment_counts(small: np.ndarray, large: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows of signatures, how many slots sample a shingle of `small` shared with `large`,
    and how many sample a shingle of `small` absent from `large`.

    In one slot the minimum over the union of both sets falls in `small` with probability
    |small| / |union|; it is then either shared (equal minima) or, when `small`'s minimum is
    below `large`'s, a shingle `large` lacks. Among those slots the shared share is an unbiased
    sample of containment: a copy truly inside the other text never shows a missing shingle,
    whatever the sizes, where the usual estimate from Jaccard and set sizes scatters widely
    once one text is several times the other."""
    shared = np.count_nonzero(small == large, axis=-1)
    missing = np.count_nonzero(small < large, axis=-1)
    return shared, missing


def containment(small: Fingerprint, large: Fingerprint) -> tuple[float, int]:
    """Estimated share of `small`'s shingles that are also in `large`, and the number of
    signature slots the estimate rests on."""
    shared, missing = containment_counts(small.minhash, large.minhash)
    samples = int(shared + missing)
    return (float(shared) / samples if samples else 0.0), samples


_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_FOLD_PRIME = np.uint64(0x100000001B3)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64 that spreads every input bit."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX_1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX_2
    mixed: np.ndarray = values ^ (values >> np.uint64(31))
    return mixed


def lsh_keys(signatures: np.ndarray, bands: int, first_band: int = 0) -> np.ndarray:
    """Bucket keys, int64[n, bands]: one per band of each signature (uint32[n, slots]);
    documents sharing a key in any band are candidates. A key encodes its band (numbered from
    `first_band`, so that keys of different signatures never meet), and the keys of all bands
    can live in one index. Vectorised integer arithmetic, wrapping mod 2**64, so the keys are
    the same on every machine."""
    signatures = np.atleast_2d(signatures)
    count, slots = signatures.shape
    rows = slots // bands
    view = signatures[:, : bands * rows].astype(np.uint64).reshape(count, bands, rows)
    numbers = np.arange(first_band + 1, first_band + bands + 1, dtype=np.uint64)
    keys = np.broadcast_to(_mix(numbers), (count, bands))
    with np.errstate(over="ignore"):
        for row in range(rows):
            keys = _mix((keys ^ view[:, :, row]) * _FOLD_PRIME)
    masked: np.ndarray = (keys & np.uint64(0x7FFFFFFFFFFFFFFF)).astype(np.int64)
    return masked
