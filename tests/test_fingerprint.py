"""Fingerprints: computed on the folded text, URL keys that fold variants of one page, and
estimates that tell copies from different texts."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import numpy as np
import pytest

from cleaners.fingerprint import (
    NUM_PERM,
    canonical_url,
    containment_counts,
    fingerprint,
    fold_words,
    jaccard,
    lsh_keys,
    minhash,
    names_one_article,
    site_of,
    text_hash,
)
from tests.conftest import ROOT


def _words(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{rng.choice('bcdfghklmnprstvz')}{rng.choice('aeiou')}{rng.randrange(900)}"
        for _ in range(count)
    ]


def _text(words: list[str]) -> str:
    return " ".join(words)


def test_folding_ignores_case_quotes_punctuation_and_spacing() -> None:
    plain = 'The minister said: "We will act." It\'s done -- today.'
    rescraped = (
        "THE  minister said:\n\u201cWe will\u00a0act.\u201d It\u2019s done \u2014 today\u2026"
    )
    assert fold_words(plain) == fold_words(rescraped)
    assert text_hash(fold_words(plain)) == text_hash(fold_words(rescraped))
    assert text_hash(fold_words(plain)) != text_hash(fold_words(plain.replace("act", "wait")))


def test_fingerprint_is_on_the_folded_text() -> None:
    a = fingerprint("Hello,   World!\n\nA second paragraph here.", "https://a.example/x-1")
    b = fingerprint("hello world a second paragraph here", "https://a.example/x-1")
    assert a.text_hash == b.text_hash
    assert np.array_equal(a.minhash, b.minhash) and np.array_equal(a.lead, b.lead)


@pytest.mark.parametrize(
    "variant",
    [
        "http://www.news.example/2021/04/15/story-of-the-day",
        "https://news.example/2021/04/15/story-of-the-day/",
        "https://m.news.example/2021/04/15/story-of-the-day",
        "https://amp.news.example/2021/04/15/story-of-the-day",
        "https://news.example/2021/04/15/story-of-the-day/amp/",
        "https://news.example/2021/04/15/story-of-the-day.amp",
        "https://news.example/2021/04/15/story-of-the-day?utm_source=tw&utm_medium=social",
        "https://news.example/2021/04/15/story-of-the-day?fbclid=abc123&ref=home#comments",
        "https://news-example.cdn.ampproject.org/c/s/news.example/2021/04/15/story-of-the-day",
        "https://www.google.com/amp/s/www.news.example/2021/04/15/story-of-the-day",
        "https://news.example//2021/04/15/story-of-the-day",
    ],
)
def test_url_variants_of_one_page_share_a_key(variant: str) -> None:
    assert canonical_url(variant) == canonical_url(
        "https://www.news.example/2021/04/15/story-of-the-day"
    )


def test_url_keys_keep_what_names_the_page() -> None:
    assert canonical_url("https://a.example/article?id=1") != canonical_url(
        "https://a.example/article?id=2"
    )
    assert canonical_url("https://a.example/x?b=2&a=1") == canonical_url(
        "https://a.example/x?a=1&b=2&utm_campaign=z"
    )
    assert canonical_url("https://a.example/story.amp.html") == canonical_url(
        "https://a.example/story.html"
    )
    assert canonical_url("https://a.example/index.html") == canonical_url("https://a.example/")
    assert canonical_url("https://a.example/Story-One") != canonical_url(
        "https://a.example/story-one"
    )
    assert canonical_url(None) is None and canonical_url("not a url") is None
    assert canonical_url("http://[::1") is None
    assert site_of("https://www.a.example/x") == "a.example"


@pytest.mark.parametrize(
    ("url", "one_article"),
    [
        ("https://www.news.example/", False),
        ("https://news.example/index.html", False),
        ("https://news.example/world/", False),
        ("https://news.example/news/world-europe", False),
        ("https://news.example/?lang=en", False),
        ("https://news.example/2019/11/19/opinion/elections.html", True),
        ("https://news.example/news/world-europe-56789012", True),
        ("https://news.example/the-vw-id-space-vizzion-is-weird", True),
        ("https://news.example/?p=4521", True),
        ("https://news.example/1", True),
    ],
)
def test_only_article_urls_name_one_article(url: str, one_article: bool) -> None:
    assert names_one_article(canonical_url(url)) is one_article
    assert names_one_article(None) is False


def test_jaccard_estimate_follows_the_overlap() -> None:
    base = _words(1, 600)
    edited = list(base)
    for i in range(0, 600, 30):  # one word in 30: a sixth of the 5-word shingles change
        edited[i] = "changed"
    other = _words(2, 600)
    a, b, c = (fingerprint(_text(w), None) for w in (base, edited, other))
    assert 0.55 <= jaccard(a.minhash, b.minhash) <= 0.85
    assert jaccard(a.minhash, c.minhash) <= 0.05
    assert jaccard(a.minhash, a.minhash) == 1.0


def test_containment_of_a_truncated_copy_is_exact_whatever_the_sizes() -> None:
    full = _words(3, 2000)
    for share in (0.1, 0.3, 0.6):
        excerpt = fingerprint(_text(full[: int(2000 * share)]), None)
        whole = fingerprint(_text(full), None)
        shared, missing = containment_counts(excerpt.minhash, whole.minhash)
        # A copy inside the other text never samples a shingle the other lacks.
        assert missing == 0 and shared > 0
        assert shared + missing >= 0.5 * NUM_PERM * share  # slots that sample the excerpt


def test_containment_of_texts_that_only_overlap() -> None:
    full, other = _words(4, 800), _words(5, 800)
    half = fingerprint(_text(full[:400] + other[:400]), None)
    shared, missing = containment_counts(half.minhash, fingerprint(_text(full), None).minhash)
    assert 0.3 <= shared / (shared + missing) <= 0.7
    unrelated = fingerprint(_text(other), None)
    shared, missing = containment_counts(unrelated.minhash, fingerprint(_text(full), None).minhash)
    assert shared == 0 and missing > 0


def test_an_excerpt_shares_the_lead_of_the_full_text() -> None:
    full = _words(6, 3000)
    excerpt, whole = fingerprint(_text(full[:200]), None), fingerprint(_text(full), None)
    assert np.array_equal(excerpt.lead, whole.lead)
    assert not np.array_equal(fingerprint(_text(_words(7, 3000)), None).lead, whole.lead)


def test_minhash_is_the_textbook_formula() -> None:
    """The signature avoids numpy's integer division; it must equal min((a*h+b) mod (2**61-1))
    in the low 32 bits, including at the edges of the hash range and across blocks."""
    from cleaners.fingerprint import _permutations

    rng = np.random.default_rng(7)
    edges = np.array([0, 1, 2, (1 << 32) - 2, (1 << 32) - 1], dtype=np.uint64)
    a, b = _permutations()
    prime = np.uint64((1 << 61) - 1)
    for size in (1, 5, 511, 512, 513, 3000):
        hashes = np.unique(np.concatenate([edges, rng.integers(0, 1 << 32, size, np.uint64)]))
        for slots in (NUM_PERM, 16):
            values = (hashes[None, :] * a[:slots, None] + b[:slots, None]) % prime
            expected = (values & np.uint64(0xFFFFFFFF)).min(axis=1).astype(np.uint32)
            assert np.array_equal(minhash(hashes, slots), expected)


def test_minhash_blocks_where_the_shortcut_is_unsure_take_the_exact_formula() -> None:
    """The shortcut in `_block_minima` is unsure of the values whose low 32 bits come out 0 to
    8 (about one in 10**4 blocks with real hashes); made-up permutations put them in every
    block: q + r reaching 2**61-1, r of 2**61-1 (x + 1 carries into q), a result of 2**32-1."""
    from cleaners.fingerprint import _block_minima

    def textbook(hashes: list[int], a: list[int], b: list[int]) -> list[int]:
        prime = (1 << 61) - 1
        rows = zip(a, b, strict=True)
        return [min(((x * h + y) % prime) & 0xFFFFFFFF for h in hashes) for x, y in rows]

    top = (1 << 32) - 1
    cases = [
        # x = 2**62 - 1: q 1, r 2**61-1.
        ([(1 << 31) - 1, 5, top], [1 << 31, 3], [(1 << 31) - 1, 7]),
        # x = 2**62 - 2: q 1, r 2**61-2, q + r = 2**61-1 exactly (the result is 0).
        ([(1 << 31) - 1, 12345], [1 << 31, 1 << 31], [(1 << 31) - 2, (1 << 31) - 3]),
        # The result 2**32-1 (x below 2**61, so x itself), alone in its row.
        ([top], [1, 2], [0, 9]),
        # A row whose true minimum is the largest value, next to a corrected one.
        ([top, (1 << 31) - 1], [1, 1 << 31], [0, (1 << 31) - 1]),
    ]
    for hashes, a, b in cases:
        found = _block_minima(
            np.array([hashes], dtype=np.uint64),
            np.array([[x] * len(hashes) for x in a], dtype=np.uint64),
            np.array([[y + 1] * len(hashes) for y in b], dtype=np.uint64),
        )
        assert found.dtype == np.uint32
        assert found.tolist() == textbook(hashes, a, b)


def test_lsh_keys_per_band_and_band_ranges_agree() -> None:
    signatures = np.stack([fingerprint(_text(_words(s, 300)), None).minhash for s in (8, 9)])
    keys = lsh_keys(signatures, 64)
    assert keys.shape == (2, 64) and keys.dtype == np.int64 and (keys >= 0).all()
    # Bands computed a few at a time are the same keys.
    assert np.array_equal(lsh_keys(signatures[:, 8:24], 8, 4), keys[:, 4:12])
    # Equal rows in different bands give different keys, so all bands share one index.
    same = np.zeros((1, NUM_PERM), dtype=np.uint32)
    assert len(set(lsh_keys(same, 64)[0].tolist())) == 64
    assert np.array_equal(lsh_keys(signatures, 64), keys)


def test_fingerprints_are_the_same_in_another_process() -> None:
    text = _text(_words(10, 400))
    here = fingerprint(text, "https://a.example/story-1")
    code = (
        "import sys, json; from cleaners.fingerprint import fingerprint as f; "
        "p = f(sys.argv[1], 'https://a.example/story-1'); "
        "print(json.dumps([p.text_hash, p.url_key, p.minhash.tolist(), p.lead.tolist()]))"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    done = subprocess.run(
        [sys.executable, "-c", code, text], capture_output=True, text=True, env=env, cwd=ROOT
    )
    there = json.loads(done.stdout)
    assert there == [here.text_hash, here.url_key, here.minhash.tolist(), here.lead.tolist()]
