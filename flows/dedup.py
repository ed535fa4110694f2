"""Deciding, across the corpus, which documents are copies of which.

The cleaners compute fingerprints; this module finds candidate pairs (the same folded text,
the same canonical URL of one article, a shared MinHash LSH bucket of the whole text or of its
lead), verifies each pair as a copy (exact, same article URL with common text, near-duplicate
by Jaccard, or contained: a truncated copy inside a longer text), and forms clusters that
publish one canonical record each.

The canonical rule is fixed: the most complete text first (most words), then the earliest
published, then the smallest id. Verified pairs link documents, but links do not chain
blindly: with A~B and B~C, C joins A's cluster only if it still overlaps A itself (Jaccard
RELATED_JACCARD, or a verified copy of it). Two copies of one story with different leftover
chrome overlap that much; two different articles joined through a passage both quote do not.
So each linked group is split from its canonicals: taken in canonical order, a document that no
canonical before it has reached becomes one, and reaches the documents linked to it, and to
those, that overlap it.

A document that matches something an earlier run published is a duplicate of it: what is
published stays published. The earlier runs' fingerprints and LSH buckets are looked up in
`state.sqlite` with set-at-a-time joins, a chunk of documents at a time.

Memory and time grow linearly: signatures sit in numpy blocks, bucket collisions are found by
sorting each band, comparisons per document and bucket are capped, and verification is
vectorised over chunks of pairs; nothing compares all pairs.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from array import array
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import xxhash

from cleaners.fingerprint import (
    EMPTY_SLOT,
    LEAD_SLOTS,
    LEAD_WORDS,
    NUM_PERM,
    SHINGLE_WORDS,
    Fingerprint,
    containment_counts,
    jaccards,
    lsh_keys,
    names_one_article,
)
from flows.state import PublishedEntry, State
from flows.workfiles import (
    DEFAULT_MEMORY,
    Partitions,
    RowFile,
    StringFile,
    part_budget,
    parts_for,
    work_folder,
)

# The parameters below were chosen by measurement: `benchmarks/dedup.py --sweep` prints, for
# copies of the aeb gold texts made in every way the benchmark knows and cleaned by the real
# pipeline (the tuning half of the ids; the other half is held out), the scores of each kind
# of copy against its original, the highest scores between different articles, how many true
# pairs each banding finds, and precision and recall as each parameter varies. The figures
# quoted here are from that run, in benchmarks/results/dedup.txt.
#
# 64 bands of 2 rows: a pair shares a bucket with probability 1 - (1 - J^2)^64, 0.93 at
# Jaccard 0.2 and 0.998 at 0.3. The whole-text bands alone found every true pair of different
# texts (truncated copies go down to J 0.12); 32 bands of 4 rows found 90%, 16 bands 74%.
# The candidates per document barely grow (1.7 against 1.4): unrelated texts share
# practically no shingles.
BANDS = 64
# The lead signature's 16 slots in 8 bands of 2: an excerpt with the same first 50 words
# always meets its original, one shifted by a short line (lead Jaccard ~0.8) 99.9% of the
# time, however small a part of the full text it is. With the lead, every banding above found
# every true pair; it is what finds short excerpts of long articles.
LEAD_BANDS = 8
# Copies with other chrome score 0.70 and above against their original (5th percentile 0.82),
# re-scrapes and mojibake copies 1.0 once cleaned; updates with a paragraph added 0.51 (5th
# pct 0.67), and are caught as containing it. Different articles score at most 0.18, even two
# of one site ending in the same leftover boilerplate paragraph. Precision and recall were the
# same from 0.5 to 0.9; 0.7 keeps the margin on both sides.
NEAR_DUPLICATE_JACCARD = 0.7
# A copy inside the other text samples no missing shingle, so its share is 1.0 (every
# truncated copy, at the minimum); the original against its update 0.96 and up. Different
# articles reach 0.70 (two short articles of one site ending in the same boilerplate
# paragraph). On the tune half 0.70 gave recall 0.9968, 0.75 0.9936, 0.85 0.9904 (precision
# 1.0 at each), 0.95 0.9711: 0.85 keeps its margin over the 0.70 of different articles.
CONTAINED_SHARE = 0.85
# A text shorter than this (in shingles; 24 words) is not called a contained copy: 16-30
# scored the same and 40 lost excerpts; 20 stays clear of the shortest default article (16).
MIN_CONTAINED_SHINGLES = 20
# Fewer signature slots than this sample the smaller text when the larger one is many times
# its size (about 16 times): too few to tell a copy from a text that quotes a part of it.
# 4 and 8 scored the same, 16 lost excerpts.
MIN_CONTAINMENT_SAMPLES = 8
# The same canonical URL of one article, with this much text in common: a later version of
# the page (an update, another extraction of it). Without common text the URL alone is not
# enough: feeds give many items the same link, and pages are reused. (Different articles
# sharing a specific URL did not occur in the benchmark; 0.1-0.4 scored the same.)
SAME_URL_JACCARD = 0.2
# How much a document must overlap its cluster's canonical when it is linked to it only through
# other copies: copies of one story with different leftover chrome, or an update against a
# chrome-laden copy, score 0.45 and above (0.36 in the held-out half); different articles at
# most 0.18. 0.15-0.4 scored the same, 0.5 lost pairs, and no chaining at all (1.0) lost 1.6%.
RELATED_JACCARD = 0.3
# Comparisons per document inside one LSH bucket or URL group: buckets of thousands are
# boilerplate-only texts or generic links, not thousands of copies.
MAX_BUCKET_COMPARISONS = 32
# Earlier runs' documents verified per document, the ones sharing most buckets first.
MAX_PUBLISHED_CANDIDATES = 32
# The canonicals of a linked group that its other documents are also verified against
# directly, in case LSH missed their pair.
MAX_LEADERS = 8
# Pairs per chunk of vectorised verification, documents per chunk of state lookups.
CHUNK = 8192

LSH_SCHEME = (
    f"minhash-{NUM_PERM}-shingles-{SHINGLE_WORDS}-bands-{BANDS}"
    f"-lead-{LEAD_WORDS}-{LEAD_SLOTS}-bands-{LEAD_BANDS}-v2"
)

# Strongest evidence first; 0 is "not a copy".
MATCHES = ("", "exact", "url", "near_duplicate", "contained")
_EXACT, _URL, _NEAR, _CONTAINED = 1, 2, 3, 4
_WIDTH = NUM_PERM + LEAD_SLOTS


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


def classify(
    sig_a: np.ndarray,
    sig_b: np.ndarray,
    shingles_a: np.ndarray,
    shingles_b: np.ndarray,
    same_text: np.ndarray,
    same_url: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For pairs of documents (row i of each argument): the kind of copy (an index into
    MATCHES, 0 for none), the similarity that shows it, and the Jaccard estimate."""
    jaccard = jaccards(sig_a, sig_b)
    a_smaller = (shingles_a <= shingles_b)[:, None]
    shared, missing = containment_counts(
        np.where(a_smaller, sig_a, sig_b), np.where(a_smaller, sig_b, sig_a)
    )
    samples = shared + missing
    share = shared / np.maximum(samples, 1)
    contained = (
        (np.minimum(shingles_a, shingles_b) >= MIN_CONTAINED_SHINGLES)
        & (samples >= MIN_CONTAINMENT_SAMPLES)
        & (share >= CONTAINED_SHARE)
    )
    kind = np.zeros(len(jaccard), dtype=np.int8)
    similarity = np.zeros(len(jaccard), dtype=np.float64)
    # Assigned weakest first, so that the strongest evidence a pair has is the one kept.
    for code, hit, value in (
        (_CONTAINED, contained, share),
        (_NEAR, jaccard >= NEAR_DUPLICATE_JACCARD, jaccard),
        (_URL, same_url & (jaccard >= SAME_URL_JACCARD), jaccard),
        (_EXACT, same_text, np.ones_like(jaccard)),
    ):
        kind[hit] = code
        similarity[hit] = value[hit]
    return kind, similarity, jaccard


def _same_url(a: str | None, b: str | None) -> bool:
    return a is not None and a == b and names_one_article(a)


def _compare(a: Fingerprint, b: Fingerprint) -> tuple[int, float, float]:
    kind, similarity, jaccard = classify(
        a.minhash[None, :],
        b.minhash[None, :],
        np.array([a.shingles]),
        np.array([b.shingles]),
        np.array([a.text_hash == b.text_hash]),
        np.array([_same_url(a.url_key, b.url_key)]),
    )
    return int(kind[0]), float(similarity[0]), float(jaccard[0])


def compare(a: Fingerprint, b: Fingerprint) -> tuple[str | None, float]:
    """How two documents are copies of each other (None when they are not), and how similar
    (the share for a contained copy, the Jaccard estimate otherwise)."""
    kind, similarity, jaccard = _compare(a, b)
    return MATCHES[kind] or None, round(similarity if kind else jaccard, 3)


def canonical_order(member: Member | PublishedEntry) -> tuple[int, str, str]:
    """Sort key of the canonical rule: most words, then earliest published, then smallest id."""
    return (-member.words, member.published or "9999", member.id)


class _Edges:
    """The verified pairs of nodes (with their kind), in the order they were found, held as
    numpy arrays: 17 bytes a pair, however many copies a corpus has."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, a: np.ndarray, b: np.ndarray, kind: np.ndarray) -> None:
        if len(a):
            self._parts.append(
                (a.astype(np.int64), b.astype(np.int64), kind.astype(np.int8, copy=False))
            )

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self._parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.int8)
        a, b, kind = (np.concatenate(column) for column in zip(*self._parts, strict=True))
        self._parts = [(a, b, kind)]
        return a, b, kind


def _components(a: np.ndarray, b: np.ndarray, count: int) -> np.ndarray:
    """For `count` nodes numbered 0..count-1 joined by the pairs (a, b): the smallest node
    number of each one's connected group (label propagation with pointer jumping)."""
    label = np.arange(count, dtype=np.int64)
    while True:
        low = np.minimum(label[a], label[b])
        before = label.copy()
        np.minimum.at(label, a, low)
        np.minimum.at(label, b, low)
        label = label[label]
        if np.array_equal(label, before):
            return label


@dataclass(frozen=True, slots=True)
class _Canonical:
    id: str
    fingerprint: Fingerprint
    kind: int  # of the link through which the copy was reached


# One row per document in the run's working file: both signatures, the counts the canonical
# rule and verification need, the folded text's hash (as two integers), a hash of the URL key
# with whether it names one article, and where its strings (id, text hash, URL key, published)
# are in the string file.
_ROW = np.dtype(
    [
        ("minhash", np.uint32, (NUM_PERM,)),
        ("lead", np.uint32, (LEAD_SLOTS,)),
        ("shingles", np.int64),
        ("words", np.int64),
        ("text", np.uint64, (2,)),
        ("url", np.uint64),
        ("one_article", np.bool_),
        ("strings", np.int64),
    ]
)
_TEXT_KEY = np.dtype([("text", np.uint64, (2,)), ("index", np.int64)])
_BUCKET = np.dtype([("key", np.int64), ("node", np.int64)])
_NO_KEY = np.uint64(0x7FFFFFFFFFFFFFFF)
_HEX = re.compile("[0-9a-f]{1,32}")


def _row(member: Member, strings: int) -> tuple[Any, ...]:
    fp = member.fingerprint
    url = fp.url_key
    url_hash = xxhash.xxh64_intdigest(url.encode("utf-8")) if url is not None else 0
    text = int(fp.text_hash, 16) if _HEX.fullmatch(fp.text_hash) else _text_number(fp.text_hash)
    return (
        fp.minhash,
        fp.lead,
        fp.shingles,
        member.words,
        (text >> 64 & 0xFFFFFFFFFFFFFFFF, text & 0xFFFFFFFFFFFFFFFF),
        url_hash,
        url is not None and names_one_article(url),
        strings,
    )


def _text_number(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=16).digest(), "big")


class Decisions(Sequence[Decision]):
    """The decision on every document of a run, in the order they were added. Only the
    copies' decisions are kept (in a working file, found through the sorted indices of the
    copies); every other document publishes itself."""

    def __init__(self, owner: Deduplicator, copies: np.ndarray, offsets: np.ndarray) -> None:
        self._owner = owner
        self._copies = copies
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._owner)

    def _of_copy(self, position: int) -> Decision:
        cluster, similarity, match = self._owner._decided.get(int(self._offsets[position]))
        return Decision(cluster, cluster, similarity, match)

    @overload
    def __getitem__(self, index: int) -> Decision: ...
    @overload
    def __getitem__(self, index: slice) -> list[Decision]: ...
    def __getitem__(self, index: int | slice) -> Decision | list[Decision]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        position = int(np.searchsorted(self._copies, index))
        if position < len(self._copies) and self._copies[position] == index:
            return self._of_copy(position)
        return Decision(cluster=self._owner.member(index).id)

    def __iter__(self) -> Iterator[Decision]:
        position = 0
        for start, ids in self._owner._ids_in_order():
            for index, doc_id in enumerate(ids, start):
                if position < len(self._copies) and self._copies[position] == index:
                    yield self._of_copy(position)
                    position += 1
                else:
                    yield Decision(cluster=doc_id)


class Deduplicator:
    """Collects this run's documents in a working folder, then decides every one of them at
    once. Memory is bounded by `memory_mb` whatever the corpus size: signatures, strings and
    bucket keys are on disk, and the candidate pairs come from hash parts of the bucket keys
    that each fit the budget. The decisions do not depend on the budget (a bucket always lands
    whole in one part, in document order)."""

    def __init__(
        self,
        state: State | None,
        folder: Path | None = None,
        memory: int = DEFAULT_MEMORY,
    ) -> None:
        self.state = state
        self.memory = memory
        self.folder, self._temporary = work_folder(folder, "presswash-dedup-")
        folder = self.folder
        self._rows = RowFile(folder / "dedup-rows.bin", _ROW)
        self._strings = StringFile(folder / "dedup-strings.jsonl")
        self._decided = StringFile(folder / "dedup-decisions.jsonl")
        self._decisions: Decisions | None = None
        if state is not None:
            state.ensure_lsh(LSH_SCHEME, _stored_keys)

    def __len__(self) -> int:
        return len(self._rows)

    def close(self) -> None:
        """Remove the working files (a temporary folder too)."""
        for file in (self._rows, self._strings, self._decided):
            file.close()
            file.path.unlink(missing_ok=True)
        if self._temporary is not None:
            self._temporary.cleanup()

    def add(self, member: Member) -> None:
        fp = member.fingerprint
        offset = self._strings.add([member.id, fp.text_hash, fp.url_key, member.published])
        self._rows.append(_row(member, offset))

    def replace(self, index: int, member: Member) -> None:
        """Put a document's new fingerprint in place of the one `add` gave (its text changed
        after cleaning: learned site boilerplate came out)."""
        fp = member.fingerprint
        offset = self._strings.add([member.id, fp.text_hash, fp.url_key, member.published])
        self._rows.set(index, _row(member, offset))

    def member(self, index: int) -> Member:
        return self._members(np.array([index], dtype=np.int64))[0]

    def _members(self, indices: np.ndarray) -> list[Member]:
        rows = self._rows.take(indices)
        strings = self._strings.get_many(rows["strings"])
        return [_member(row, values) for row, values in zip(rows, strings, strict=True)]

    def _ids_in_order(self) -> Iterator[tuple[int, list[str]]]:
        for start, rows in self._rows.chunks(CHUNK):
            yield start, [values[0] for values in self._strings.get_many(rows["strings"])]

    def keep_all(self) -> Decisions:
        """Every document published as it is (`--no-dedup`)."""
        none = np.zeros(0, dtype=np.int64)
        self._decisions = Decisions(self, none, none)
        return self._decisions

    def kept_entries(self) -> Iterator[PublishedEntry]:
        """What the state keeps of the decided documents: every published one, and every copy
        whose text differs from the record it copies (a later copy of that copy may match
        only it), one at a time."""
        decisions = iter(self._decisions or ())
        for _, rows in self._rows.chunks(CHUNK):
            strings = self._strings.get_many(rows["strings"])
            for row, values in zip(rows, strings, strict=True):
                decision = next(decisions)
                if decision.match == "exact":
                    continue
                member = _member(row, values)
                fp = member.fingerprint
                yield PublishedEntry(
                    member.id,
                    fp.text_hash,
                    fp.url_key,
                    member.words,
                    fp.shingles,
                    member.published,
                    fp.minhash,
                    fp.lead,
                    decision.duplicate_of,
                )

    def store(self, db: sqlite3.Connection, run: int) -> None:
        """Keep the fingerprints and LSH buckets of what `decide` published and of the copies
        it rejected (inside the run's state transaction `db`), for later runs."""
        if self.state is not None:
            self.state.add_published(db, self.kept_entries(), _stored_keys, run)

    def decide(self) -> Decisions:
        count = len(self)
        if count == 0:
            return self.keep_all()
        # Documents with the same folded text are one node, represented by their first in
        # canonical order; only representatives are compared.
        reps, exact_copies, exact_reps = self._representatives()
        offset = len(reps)

        edges = _Edges()
        edges.add(*self._copies_within_run(reps))
        earlier, earlier_pairs = self._pairs_with_published(reps)
        self._verify_with_published(edges, reps, earlier, earlier_pairs)
        copied, leaders, kinds = self._clusters(edges, reps, earlier)

        # The copies, in document order: representatives reached by a canonical, and the
        # other documents of each text, copies of their representative's canonical, or of
        # their representative where it has none. A canonical is a node: this run's below
        # `offset`, an earlier run's record above.
        copied_reps = reps[copied]
        through = np.zeros(len(exact_reps), dtype=np.int64)  # the rep's canonical, if any
        through_kind = np.full(len(exact_reps), _EXACT, dtype=np.int64)
        reached = np.zeros(len(exact_reps), dtype=bool)
        if len(copied_reps):
            at = np.minimum(np.searchsorted(copied_reps, exact_reps), len(copied_reps) - 1)
            reached = copied_reps[at] == exact_reps
            through, through_kind = leaders[at], kinds[at]
        rep_nodes = np.searchsorted(reps, exact_reps)
        copies = np.concatenate([copied_reps, exact_copies])
        canonicals = np.concatenate([leaders, np.where(reached, through, rep_nodes)])
        link_kinds = np.concatenate([kinds, np.where(reached, through_kind, _EXACT)])
        order = np.argsort(copies, kind="stable")
        copies, canonicals, link_kinds = copies[order], canonicals[order], link_kinds[order]
        offsets = np.zeros(len(copies), dtype=np.int64)
        for start in range(0, len(copies), CHUNK):
            part = slice(start, start + CHUNK)
            ours = np.unique(canonicals[part][canonicals[part] < offset])
            found = dict(zip(ours.tolist(), self._members(reps[ours]), strict=True))
            for n, (member, node, kind) in enumerate(
                zip(
                    self._members(copies[part]),
                    canonicals[part].tolist(),
                    link_kinds[part].tolist(),
                    strict=True,
                ),
                start,
            ):
                if node < offset:
                    canonical = _Canonical(found[node].id, found[node].fingerprint, kind)
                else:
                    entry = earlier[node - offset]
                    canonical = _Canonical(entry.id, _fingerprint_of(entry), kind)
                decision = self._duplicate(member, canonical)
                offsets[n] = self._decided.add(
                    [decision.cluster, decision.similarity, decision.match]
                )
        self._decisions = Decisions(self, copies, offsets)
        return self._decisions

    # -- candidates -----------------------------------------------------------------------

    def _representatives(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The first document in canonical order of each folded text, ascending (int64); and
        the other documents, with the representative of each (two aligned int64 arrays)."""
        count = len(self)
        parts = Partitions(
            self.folder, "texts", _TEXT_KEY, parts_for(count, _TEXT_KEY.itemsize, self.memory)
        )
        try:
            for start, rows in self._rows.chunks(CHUNK):
                keys = np.zeros(len(rows), dtype=_TEXT_KEY)
                keys["text"] = rows["text"]
                keys["index"] = np.arange(start, start + len(rows))
                parts.add(keys, rows["text"][:, 1])
            is_rep = np.ones(count, dtype=bool)
            copies: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
            their_reps: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
            for part in parts:
                order = np.lexsort((part["index"], part["text"][:, 1], part["text"][:, 0]))
                part = part[order]
                text = part["text"]
                same = np.all(text[1:] == text[:-1], axis=1)
                if not same.any():
                    continue
                starts = np.flatnonzero(np.concatenate([[True], ~same]))
                sizes = np.diff(np.append(starts, len(part)))
                for first, size in zip(
                    starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True
                ):
                    group = part["index"][first : first + size]
                    members = self._members(group)
                    ranked = sorted(
                        zip(members, group.tolist(), strict=True),
                        key=lambda pair: (*canonical_order(pair[0]), pair[1]),
                    )
                    rep = ranked[0][1]
                    others = np.array(sorted(i for _, i in ranked[1:]), dtype=np.int64)
                    is_rep[others] = False
                    copies.append(others)
                    their_reps.append(np.full(len(others), rep, dtype=np.int64))
        finally:
            parts.close()
        return np.flatnonzero(is_rep), np.concatenate(copies), np.concatenate(their_reps)

    def _candidate_parts(self, reps: np.ndarray) -> Iterator[np.ndarray]:
        """Candidate pairs of representatives (as node numbers a < b, coded a * size + b),
        distinct within each yielded array: at most about a budget's worth at a time, part by part.

        Every LSH band key (a key encodes its band) and every URL key naming one article is a
        bucket; the keys are written to parts by hash, so a bucket is whole in one part, in
        node order, and the pairs are those one sort of all keys would give. A pair found in
        several parts comes again in each (a copy meets its original in nearly every band):
        the parts are verified one by one rather than merged first, because texts that share
        paragraphs with hundreds of others (syndicated passages, one site's leftover
        boilerplate) give millions of candidates."""
        size = len(reps)
        per_node = BANDS + LEAD_BANDS + 1
        buckets = Partitions(
            self.folder,
            "buckets",
            _BUCKET,
            parts_for(size * per_node, _BUCKET.itemsize, self.memory),
        )
        try:
            for start in range(0, size, CHUNK):
                rows = self._rows.take(reps[start : start + CHUNK])
                keys = np.concatenate(
                    [
                        _keys(np.concatenate([rows["minhash"], rows["lead"]], axis=1)),
                        np.where(rows["one_article"], (rows["url"] & _NO_KEY).astype(np.int64), -1)[
                            :, None
                        ],
                    ],
                    axis=1,
                )
                nodes = np.repeat(np.arange(start, start + len(rows), dtype=np.int64), per_node)
                flat = keys.reshape(-1)
                found = np.zeros(int((flat >= 0).sum()), dtype=_BUCKET)
                found["key"] = flat[flat >= 0]
                found["node"] = nodes[flat >= 0]
                buckets.add(found, found["key"])
            limit = max(1024, part_budget(self.memory) // 64)
            for part in buckets:
                yield from _bucket_codes(part["key"], part["node"], size, limit)
        finally:
            buckets.close()

    def _copies_within_run(self, reps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The verified copies among this run's representatives: pairs (a, b) of node
        numbers, a < b, in ascending order, and the kind of each (three aligned arrays)."""
        size = len(reps)
        hit_codes: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        hit_kinds: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        for codes in self._candidate_parts(reps):
            # Pairs an earlier part already found to be copies need no second look; pairs it
            # rejected are looked at again, which costs less than remembering them all.
            codes = codes[~np.isin(codes, np.concatenate(hit_codes))]
            for start in range(0, len(codes), CHUNK):
                chunk = codes[start : start + CHUNK]
                a, b = self._rows.take(reps[chunk // size]), self._rows.take(reps[chunk % size])
                same_url = a["one_article"] & (a["url"] == b["url"])
                for n in np.flatnonzero(same_url).tolist():
                    # The hash said so; the URL keys themselves decide.
                    key_a = self._strings.get(int(a["strings"][n]))[2]
                    same_url[n] = key_a == self._strings.get(int(b["strings"][n]))[2]
                kinds, _, _ = classify(
                    a["minhash"],
                    b["minhash"],
                    a["shingles"],
                    b["shingles"],
                    np.zeros(len(chunk), dtype=bool),
                    same_url,
                )
                hits = kinds > 0
                hit_codes.append(chunk[hits])
                hit_kinds.append(kinds[hits].astype(np.int64))
        codes = np.concatenate(hit_codes)
        kinds = np.concatenate(hit_kinds)
        # Linked in ascending order of the pair, as one merged verification would have.
        order = np.argsort(codes, kind="stable")
        codes, kinds = codes[order], kinds[order]
        return codes // size, codes % size, kinds

    def _pairs_with_published(
        self, reps: np.ndarray
    ) -> tuple[list[PublishedEntry], list[tuple[int, int]]]:
        """Entries of earlier runs that may be copied here, and the candidate pairs (node,
        position in those entries)."""
        state = self.state
        if state is None or state.published_count() == 0:
            return [], []
        found: list[tuple[int, int]] = []
        for start in range(0, len(reps), CHUNK):
            members = self._members(reps[start : start + CHUNK])
            rows = self._rows.take(reps[start : start + CHUNK])
            url_keys = [m.fingerprint.url_key for m in members]
            found.extend(
                (start + node, doc)
                for node, doc in state.candidates(
                    [m.fingerprint.text_hash for m in members],
                    [u if names_one_article(u) else None for u in url_keys],
                    _keys(np.concatenate([rows["minhash"], rows["lead"]], axis=1)),
                    MAX_PUBLISHED_CANDIDATES,
                )
            )
        entries = state.entries(sorted({doc for _, doc in found}))
        docs = sorted(entries)
        position = {doc: n for n, doc in enumerate(docs)}
        earlier = [entries[doc] for doc in docs]
        return earlier, [(node, position[doc]) for node, doc in found if doc in position]

    # -- verification and clusters --------------------------------------------------------

    def _verify_with_published(
        self,
        edges: _Edges,
        reps: np.ndarray,
        earlier: list[PublishedEntry],
        earlier_pairs: list[tuple[int, int]],
    ) -> None:
        if not earlier_pairs:
            return
        offset = len(reps)
        earlier_sigs = np.stack([e.minhash for e in earlier])
        earlier_shingles = np.array([e.shingles for e in earlier], dtype=np.int64)
        both = np.array(earlier_pairs, dtype=np.int64)
        for start in range(0, len(both), CHUNK):
            chunk = both[start : start + CHUNK]
            members = self._members(reps[chunk[:, 0]])
            e = chunk[:, 1]
            kinds, _, _ = classify(
                np.stack([m.fingerprint.minhash for m in members]),
                earlier_sigs[e],
                np.array([m.fingerprint.shingles for m in members], dtype=np.int64),
                earlier_shingles[e],
                np.array(
                    [
                        m.fingerprint.text_hash == earlier[y].text_hash
                        for m, y in zip(members, e.tolist(), strict=True)
                    ],
                    dtype=bool,
                ),
                np.array(
                    [
                        _same_url(m.fingerprint.url_key, earlier[y].url_key)
                        for m, y in zip(members, e.tolist(), strict=True)
                    ],
                    dtype=bool,
                ),
            )
            hits = kinds > 0
            edges.add(chunk[hits, 0], offset + chunk[hits, 1], kinds[hits])
        # A copy kept from an earlier run leads to the record it copies.
        a, b, _ = edges.arrays()
        linked = set(np.unique(np.concatenate([a, b])[np.concatenate([a, b]) >= offset]).tolist())
        position = {e.id: n for n, e in enumerate(earlier) if e.duplicate_of is None}
        leads = [
            (offset + n, offset + position[entry.duplicate_of])
            for n, entry in enumerate(earlier)
            if entry.duplicate_of in position and offset + n in linked
        ]
        if leads:
            pairs = np.array(leads, dtype=np.int64)
            edges.add(pairs[:, 0], pairs[:, 1], np.zeros(len(pairs), dtype=np.int8))

    def _clusters(
        self, edges: _Edges, reps: np.ndarray, earlier: list[PublishedEntry]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The representatives that are copies (node numbers, ascending), the canonical node
        each copies, and the kind of link it was reached by (three aligned arrays).

        Per linked group: earlier runs' records are canonicals first (they stay published),
        in canonical order, then this run's documents in canonical order become canonicals
        when no canonical before them has reached them. A canonical reaches, along verified
        links, the documents that overlap it (RELATED_JACCARD, or a copy of it), passing
        through the copies of it that earlier runs rejected; the first MAX_LEADERS canonicals
        of a group are also verified directly against every document of the group not yet
        reached. One group at a time: only its links are held as lists."""
        a, b, kinds = edges.arrays()
        copied, leaders, reached_by = array("q"), array("q"), array("q")
        if len(a):
            nodes = np.unique(np.concatenate([a, b]))
            ai, bi = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
            group = _components(ai, bi, len(nodes))
            edge_order = np.argsort(group[ai], kind="stable")
            edge_bounds = np.searchsorted(group[ai][edge_order], np.unique(group), side="left")
            node_order = np.argsort(group, kind="stable")
            node_bounds = np.searchsorted(group[node_order], np.unique(group), side="left")
            edge_bounds = np.append(edge_bounds, len(a))
            node_bounds = np.append(node_bounds, len(nodes))
            for g in range(len(node_bounds) - 1):
                members = nodes[node_order[node_bounds[g] : node_bounds[g + 1]]].tolist()
                mine = edge_order[edge_bounds[g] : edge_bounds[g + 1]]
                neighbours: dict[int, list[tuple[int, int]]] = {}
                for x, y, kind in zip(
                    a[mine].tolist(), b[mine].tolist(), kinds[mine].tolist(), strict=True
                ):
                    neighbours.setdefault(x, []).append((y, kind))
                    neighbours.setdefault(y, []).append((x, kind))
                for node, (leader, kind) in sorted(
                    self._group(members, neighbours, reps, earlier).items()
                ):
                    copied.append(node)
                    leaders.append(leader)
                    reached_by.append(kind)
        found = np.frombuffer(copied, dtype=np.int64)
        order = np.argsort(found, kind="stable")
        return (
            found[order],
            np.frombuffer(leaders, dtype=np.int64)[order],
            np.frombuffer(reached_by, dtype=np.int64)[order],
        )

    def _group(
        self,
        nodes: list[int],
        neighbours: dict[int, list[tuple[int, int]]],
        reps: np.ndarray,
        earlier: list[PublishedEntry],
    ) -> dict[int, tuple[int, int]]:
        """In one linked group (its nodes ascending, its links in the order found): each copy
        node with the canonical node that reached it and the kind of link."""
        offset = len(reps)
        olds = sorted(
            (n for n in nodes if n >= offset and earlier[n - offset].duplicate_of is None),
            key=lambda n: canonical_order(earlier[n - offset]),
        )
        new_nodes = [n for n in nodes if n < offset]
        members = dict(
            zip(new_nodes, self._members(reps[np.array(new_nodes, dtype=np.int64)]), strict=True)
        )
        news = sorted(new_nodes, key=lambda n: (*canonical_order(members[n]), int(reps[n])))
        fingerprints = {n: members[n].fingerprint for n in news}
        fingerprints |= {n: _fingerprint_of(earlier[n - offset]) for n in olds}
        reached: dict[int, tuple[int, int]] = {}  # node: (canonical node, link kind)
        canonicals = 0
        for leader in [*olds, *news]:
            if leader in reached:
                continue
            canonicals += 1
            if leader < offset:
                reached[leader] = (leader, 0)
            leader_fp = fingerprints[leader]
            leader_id = earlier[leader - offset].id if leader >= offset else None
            frontier = deque([leader])
            bridges: set[int] = set()
            if canonicals <= MAX_LEADERS:
                for node in news:
                    if node not in reached and node != leader:
                        kind = _compare(fingerprints[node], leader_fp)[0]
                        if kind:
                            reached[node] = (leader, kind)
                            frontier.append(node)
            while frontier:
                for node, kind in neighbours.get(frontier.popleft(), ()):
                    if node >= offset:
                        copied = earlier[node - offset].duplicate_of
                        if leader_id and copied == leader_id and node not in bridges:
                            bridges.add(node)
                            frontier.append(node)
                        continue
                    if node in reached:
                        continue
                    direct, _, jaccard = _compare(fingerprints[node], leader_fp)
                    if direct or jaccard >= RELATED_JACCARD:
                        reached[node] = (leader, direct or kind)
                        frontier.append(node)
        return {node: found for node, found in reached.items() if found[0] != node}

    def _duplicate(self, member: Member, canonical: _Canonical) -> Decision:
        kind, similarity, jaccard = _compare(member.fingerprint, canonical.fingerprint)
        if not kind:
            # Reached through other copies: the kind of the link it came by, and its overlap
            # with the canonical itself.
            kind, similarity = canonical.kind, jaccard
        return Decision(
            cluster=canonical.id,
            duplicate_of=canonical.id,
            similarity=round(similarity, 3),
            match=MATCHES[kind],
        )


def _member(row: np.void, values: list[Any]) -> Member:
    doc_id, text_hash_value, url_key, published = values
    fp = Fingerprint(
        text_hash_value, url_key, row["minhash"].copy(), int(row["shingles"]), row["lead"].copy()
    )
    return Member(doc_id, fp, int(row["words"]), published)


def _bucket_codes(
    keys: np.ndarray, nodes: np.ndarray, size: int, limit: int
) -> Iterator[np.ndarray]:
    """The pairs of `nodes` with equal `keys` (non-negative, one bucket each), each node
    paired with at most MAX_BUCKET_COMPARISONS of the ones before it in its bucket, coded
    a * size + b (a < b): distinct within each array yielded, about `limit` codes at most in
    one, so that a part of large buckets never holds all its pairs at once."""
    order = np.argsort(keys, kind="stable")
    ordered, labels = keys[order], nodes[order]
    del order
    held: list[np.ndarray] = []
    count = 0
    for distance in range(1, min(MAX_BUCKET_COMPARISONS, len(ordered) - 1) + 1):
        same = np.flatnonzero(ordered[distance:] == ordered[:-distance])
        if len(same) == 0:
            break
        for start in range(0, len(same), limit):
            at = same[start : start + limit]
            a, b = labels[at], labels[at + distance]
            held.append(np.minimum(a, b) * size + np.maximum(a, b))
            count += len(at)
            if count >= limit:
                yield np.unique(np.concatenate(held))
                held, count = [], 0
    if held:
        yield np.unique(np.concatenate(held))


def _keys(rows: np.ndarray, first: int = 0, count: int | None = None) -> np.ndarray:
    """LSH keys of documents from their signature rows (uint32[n, width]), int64[n, bands]:
    the whole-text bands, then the lead bands (-1, no bucket, where the lead is unknown); only
    bands first..first+count-1 when given."""
    last = BANDS + LEAD_BANDS if count is None else min(first + count, BANDS + LEAD_BANDS)
    parts: list[np.ndarray] = []
    rows_per_band = NUM_PERM // BANDS
    if first < BANDS:
        upto = min(last, BANDS)
        columns = rows[:, first * rows_per_band : upto * rows_per_band]
        parts.append(lsh_keys(columns, upto - first, first))
    if last > BANDS:
        per_band = LEAD_SLOTS // LEAD_BANDS
        low, high = max(first, BANDS) - BANDS, last - BANDS
        leads = rows[:, NUM_PERM:]
        keys = lsh_keys(leads[:, low * per_band : high * per_band], high - low, BANDS + low)
        keys[np.all(leads == EMPTY_SLOT, axis=1)] = -1
        parts.append(keys)
    return np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]


def _stored_keys(signatures: np.ndarray, leads: Sequence[np.ndarray | None]) -> np.ndarray:
    """`_keys` of documents kept in the state (whose lead may be unknown)."""
    rows = np.full((len(signatures), _WIDTH), EMPTY_SLOT, dtype=np.uint32)
    rows[:, :NUM_PERM] = signatures
    for row, lead in zip(rows, leads, strict=True):
        if lead is not None:
            row[NUM_PERM:] = lead
    return _keys(rows)


def _fingerprint_of(entry: PublishedEntry) -> Fingerprint:
    lead = entry.lead if entry.lead is not None else np.full(LEAD_SLOTS, EMPTY_SLOT, np.uint32)
    return Fingerprint(entry.text_hash, entry.url_key, entry.minhash, entry.shingles, lead)
