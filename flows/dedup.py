"""Deciding, across the corpus, which documents are copies of which.

The cleaners compute fingerprints; this module links documents that share one (exact folded
text, canonical URL) or whose MinHash signatures collide in an LSH band and then verify as
near-duplicates (Jaccard) or contained copies (a truncated copy inside a longer text). Linked
documents form clusters; each cluster publishes one canonical record, chosen by a fixed rule:
the most complete text first, then the earliest published, then the smallest id. A document
that matches something published by an earlier run is a duplicate of it: what is published
stays published.

Memory and time grow linearly: signatures sit in one numpy array, band collisions are found by
sorting, and comparisons inside a bucket are capped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cleaners.fingerprint import Fingerprint, containment, jaccard, lsh_keys
from flows.state import PublishedEntry, State

# Chosen by measurement (benchmarks/dedup.py): see the dedup issue's note for the figures.
BANDS = 32
NEAR_DUPLICATE_JACCARD = 0.7
CONTAINED_SHARE = 0.85
# A text this short is contained in too many others by chance to be called a copy.
MIN_CONTAINED_SHINGLES = 30
# Comparisons per document inside one LSH bucket; buckets of thousands are boilerplate-only
# texts, not thousands of copies.
MAX_BUCKET_COMPARISONS = 32


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    fingerprint: Fingerprint
    words: int
    published: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    cluster: str
    duplicate_of: str | None = None
    similarity: float | None = None
    match: str | None = None  # exact, url, near_duplicate, contained


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, node: object) -> object:
        parent = self.parent.setdefault(node, node)
        if parent != node:
            parent = self.parent[node] = self.find(parent)
        return parent

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def similar(a: Fingerprint, b: Fingerprint) -> str | None:
    """How two documents are copies of each other, or None when they are not."""
    if a.text_hash == b.text_hash:
        return "exact"
    if a.url_key is not None and a.url_key == b.url_key:
        return "url"
    if jaccard(a.minhash, b.minhash) >= NEAR_DUPLICATE_JACCARD:
        return "near_duplicate"
    small, large = (a, b) if a.shingles <= b.shingles else (b, a)
    if small.shingles >= MIN_CONTAINED_SHINGLES and containment(small, large) >= CONTAINED_SHARE:
        return "contained"
    return None


def canonical_order(member: Member | PublishedEntry) -> tuple[int, str, str]:
    """Sort key of the canonical rule: most words, then earliest published, then smallest id."""
    words = member.words
    published = member.published or "9999"
    return (-words, published, member.id)


class Deduplicator:
    """Collects this run's documents, then decides every one of them at once."""

    def __init__(self, state: State | None) -> None:
        self.state = state
        self.members: list[Member] = []

    def add(self, member: Member) -> None:
        self.members.append(member)

    def decide(self) -> list[Decision]:
        members = self.members
        count = len(members)
        if count == 0:
            return []
        links = _UnionFind()
        for index in range(count):
            links.find(index)
        self._link_within_run(links)
        previous = self._link_to_published(links)

        clusters: dict[object, list[object]] = {}
        for node in list(links.parent):
            clusters.setdefault(links.find(node), []).append(node)

        decisions: list[Decision | None] = [None] * count
        for nodes in clusters.values():
            published = [previous[n] for n in nodes if isinstance(n, str)]
            current = [n for n in nodes if isinstance(n, int)]
            if published:
                canonical_entry = min(published, key=canonical_order)
                canonical_id, canonical_fp = canonical_entry.id, _fingerprint_of(canonical_entry)
                rest = current
            else:
                best = min(current, key=lambda i: canonical_order(members[i]))
                canonical_id, canonical_fp = members[best].id, members[best].fingerprint
                decisions[best] = Decision(cluster=canonical_id)
                rest = [i for i in current if i != best]
            for index in rest:
                fp = members[index].fingerprint
                decisions[index] = Decision(
                    cluster=canonical_id,
                    duplicate_of=canonical_id,
                    similarity=round(_similarity(fp, canonical_fp), 3),
                    match=similar(fp, canonical_fp) or "near_duplicate",
                )
        return [
            d if d is not None else Decision(cluster=members[i].id) for i, d in enumerate(decisions)
        ]

    def _link_within_run(self, links: _UnionFind) -> None:
        members = self.members
        first_by_text: dict[str, int] = {}
        first_by_url: dict[str, int] = {}
        for index, member in enumerate(members):
            fp = member.fingerprint
            if fp.text_hash in first_by_text:
                links.union(first_by_text[fp.text_hash], index)
            else:
                first_by_text[fp.text_hash] = index
            if fp.url_key:
                if fp.url_key in first_by_url:
                    links.union(first_by_url[fp.url_key], index)
                else:
                    first_by_url[fp.url_key] = index

        keys = np.array([lsh_keys(m.fingerprint.minhash, BANDS) for m in members], dtype=np.int64)
        checked: set[tuple[int, int]] = set()
        for band in range(BANDS):
            column = keys[:, band]
            order = np.argsort(column, kind="stable")
            sorted_keys = column[order]
            starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
            ends = np.r_[starts[1:], len(order)]
            for start, end in zip(starts, ends, strict=True):
                if end - start < 2:
                    continue
                bucket = order[start:end]
                for position in range(1, len(bucket)):
                    b = int(bucket[position])
                    for a in bucket[max(0, position - MAX_BUCKET_COMPARISONS) : position]:
                        pair = (int(a), b)
                        if pair in checked or links.find(pair[0]) == links.find(b):
                            continue
                        checked.add(pair)
                        if similar(members[pair[0]].fingerprint, members[b].fingerprint):
                            links.union(pair[0], b)
        self._lsh_keys = keys

    def _link_to_published(self, links: _UnionFind) -> dict[str, PublishedEntry]:
        previous: dict[str, PublishedEntry] = {}
        if self.state is None or self.state.published_count() == 0:
            return previous
        for index, member in enumerate(self.members):
            fp = member.fingerprint
            candidates: set[str] = set()
            exact = self.state.by_text_hash(fp.text_hash)
            if exact:
                candidates.add(exact)
            if fp.url_key:
                same_url = self.state.by_url_key(fp.url_key)
                if same_url:
                    candidates.add(same_url)
            candidates |= self.state.lsh_candidates([int(k) for k in self._lsh_keys[index]])
            for candidate in sorted(candidates):
                entry = previous.get(candidate) or self.state.entry(candidate)
                if entry is None:
                    continue
                if similar(fp, _fingerprint_of(entry)):
                    previous[candidate] = entry
                    links.union(candidate, index)
        return previous

    def lsh_keys_of(self, index: int) -> list[int]:
        return [int(k) for k in self._lsh_keys[index]]


def _fingerprint_of(entry: PublishedEntry) -> Fingerprint:
    return Fingerprint(entry.text_hash, entry.url_key, entry.minhash, entry.shingles)


def _similarity(a: Fingerprint, b: Fingerprint) -> float:
    if a.text_hash == b.text_hash:
        return 1.0
    return jaccard(a.minhash, b.minhash)
