"""Run state in `state.sqlite`: inputs seen, published fingerprints, LSH buckets, runs.

SQLite is the source of truth for what has been published. A run writes its new records to
spool files first, commits the state in one transaction, then appends the spools to the
outputs; the run row remembers the output sizes before the append, so a run killed at any
point is either invisible or completed by the next start (see `flows.outputs`).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np

SCHEMA_VERSION = 1

# One row per band of each published signature; `bucket` already encodes the band and `doc` is
# the `published` rowid (an integer, half the size of the id). Keyed by (bucket, doc) without a
# rowid, the table is its own index. It is (re)built by `ensure_lsh` whenever the banding
# changes, from the signatures kept in `published`. (Implicit rowids survive everything but a
# VACUUM, which nothing here runs; `ensure_lsh` after one would need a new scheme name.)
_LSH_TABLE = """
CREATE TABLE IF NOT EXISTS lsh (
    bucket INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (bucket, doc)
) WITHOUT ROWID
"""
# Rows per statement batch when writing or probing the LSH table (bounds memory).
_BATCH = 50_000

# The LSH keys (int64[n, bands], negative for no bucket) of documents from their signatures
# (uint32[n, slots]) and their lead signatures (None where not kept).
KeysOf: TypeAlias = Callable[[np.ndarray, Sequence[np.ndarray | None]], np.ndarray]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    number INTEGER PRIMARY KEY,
    status TEXT NOT NULL,            -- committed: state written, outputs may be pending; done
    work_dir TEXT NOT NULL,
    articles_offset INTEGER NOT NULL,
    rejected_offset INTEGER NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS inputs (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    run INTEGER NOT NULL
);
-- The fingerprints of what runs published, and of the copies they rejected (`duplicate_of`
-- names the published record), which later runs dedup against.
CREATE TABLE IF NOT EXISTS published (
    id TEXT PRIMARY KEY,
    text_hash TEXT NOT NULL,
    url_key TEXT,
    words INTEGER NOT NULL,
    shingles INTEGER NOT NULL,
    published TEXT,
    minhash BLOB NOT NULL,
    run INTEGER NOT NULL,
    lead BLOB,
    duplicate_of TEXT
);
CREATE INDEX IF NOT EXISTS published_text ON published (text_hash);
CREATE INDEX IF NOT EXISTS published_url ON published (url_key);
CREATE TABLE IF NOT EXISTS site_lines (
    site TEXT NOT NULL,
    line_hash TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (site, line_hash)
);
-- The articles whose lines were counted, by a key of their content: a copy of one, or the
-- same input read again, is not counted twice.
CREATE TABLE IF NOT EXISTS site_documents (
    site TEXT NOT NULL,
    content_key TEXT NOT NULL,
    PRIMARY KEY (site, content_key)
) WITHOUT ROWID;
"""


@dataclass(frozen=True, slots=True)
class PublishedEntry:
    id: str
    text_hash: str
    url_key: str | None
    words: int
    shingles: int
    published: str | None
    minhash: np.ndarray
    # The lead signature; None when read back (only the LSH keys made from it are needed).
    lead: np.ndarray | None = None
    # Set for a copy that was rejected as a duplicate of that published record: kept so that a
    # later copy of the copy finds the record it copies.
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class RunRow:
    number: int
    status: str
    work_dir: str
    articles_offset: int
    rejected_offset: int


def _published_entries(rows: Iterable[Any]) -> dict[int, PublishedEntry]:
    return {
        int(r[0]): PublishedEntry(
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            np.frombuffer(r[7], dtype=np.uint32),
            duplicate_of=r[8],
        )
        for r in rows
    }


class StateError(RuntimeError):
    pass


class State:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(_SCHEMA)
            self.db.execute(_LSH_TABLE)
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(published)")}
            if "lead" not in columns:  # written before leads were kept; `ensure_lsh` rebuilds
                self.db.execute("ALTER TABLE published ADD COLUMN lead BLOB")
            if "duplicate_of" not in columns:  # written before copies were kept
                self.db.execute("ALTER TABLE published ADD COLUMN duplicate_of TEXT")
        except sqlite3.DatabaseError as error:
            raise StateError(f"{path} is not a presswash state database: {error}") from error
        version = self.meta("schema_version")
        if version is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
        elif int(version) != SCHEMA_VERSION:
            raise StateError(
                f"{path} has state schema {version}; this presswash reads {SCHEMA_VERSION}"
            )

    def close(self) -> None:
        self.db.close()

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- inputs ---------------------------------------------------------------------------

    def seen_inputs(self, hashes: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        batch: list[str] = []
        for digest in hashes:
            batch.append(digest)
            if len(batch) == 500:
                seen |= self._seen(batch)
                batch = []
        if batch:
            seen |= self._seen(batch)
        return seen

    def _seen(self, batch: list[str]) -> set[str]:
        marks = ",".join("?" * len(batch))
        rows = self.db.execute(f"SELECT sha256 FROM inputs WHERE sha256 IN ({marks})", batch)
        return {r[0] for r in rows}

    # -- published fingerprints -----------------------------------------------------------

    def published_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM published").fetchone()[0])

    def ensure_lsh(self, scheme: str, keys_of: KeysOf) -> None:
        """Make the LSH table hold the buckets of `scheme`, rebuilding it from the published
        signatures when it was built another way or by an older layout (rows written before
        leads were kept get no lead buckets)."""
        if self.meta("lsh_scheme") == scheme:
            return
        with self.transaction() as db:
            db.execute("DROP TABLE IF EXISTS lsh")
            db.execute(_LSH_TABLE)
            last = 0
            while True:
                rows = db.execute(
                    "SELECT rowid, minhash, lead FROM published WHERE rowid > ?"
                    " ORDER BY rowid LIMIT ?",
                    (last, _BATCH),
                ).fetchall()
                if not rows:
                    break
                docs = np.array([r[0] for r in rows], dtype=np.int64)
                signatures = np.stack([np.frombuffer(r[1], dtype=np.uint32) for r in rows])
                leads = [None if r[2] is None else np.frombuffer(r[2], np.uint32) for r in rows]
                self._insert_lsh(db, docs, keys_of(signatures, leads))
                last = int(docs[-1])
            self.set_meta("lsh_scheme", scheme)

    def candidates(
        self,
        text_hashes: Sequence[str],
        url_keys: Sequence[str | None],
        keys: np.ndarray,
        limit: int,
    ) -> list[tuple[int, int]]:
        """Published documents that may be copied by the given ones: (position in the given
        sequences, published rowid) pairs, distinct and sorted. Every one with the same text
        or URL key, and at most `limit` per document of those sharing an LSH bucket (the
        most shared buckets first). One join per kind, not one query per document."""
        with self.transaction() as db:
            return self._candidates(db, text_hashes, url_keys, keys, limit)

    def _candidates(
        self,
        db: sqlite3.Connection,
        text_hashes: Sequence[str],
        url_keys: Sequence[str | None],
        keys: np.ndarray,
        limit: int,
    ) -> list[tuple[int, int]]:
        db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_text (node INTEGER, value TEXT)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_url (node INTEGER, value TEXT)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_key (node INTEGER, bucket INTEGER)")
        for table in ("probe_text", "probe_url", "probe_key"):
            db.execute(f"DELETE FROM temp.{table}")
        db.executemany("INSERT INTO temp.probe_text VALUES (?, ?)", enumerate(text_hashes))
        db.executemany(
            "INSERT INTO temp.probe_url VALUES (?, ?)",
            [(n, url) for n, url in enumerate(url_keys) if url is not None],
        )
        found: set[tuple[int, int]] = set()
        for table, column in (("probe_text", "text_hash"), ("probe_url", "url_key")):
            found.update(
                db.execute(
                    f"SELECT p.node, d.rowid FROM temp.{table} p "
                    f"JOIN published d ON d.{column} = p.value"
                )
            )
        nodes = np.repeat(np.arange(len(keys), dtype=np.int64), keys.shape[1])
        flat = keys.reshape(-1)
        # A negative key stands for a band the document has no bucket in.
        nodes, flat = nodes[flat >= 0], flat[flat >= 0]
        for start in range(0, len(flat), _BATCH):
            db.executemany(
                "INSERT INTO temp.probe_key VALUES (?, ?)",
                zip(
                    nodes[start : start + _BATCH].tolist(),
                    flat[start : start + _BATCH].tolist(),
                    strict=True,
                ),
            )
        shared: dict[int, list[tuple[int, int]]] = {}
        rows = db.execute(
            "SELECT p.node, l.doc, count(*) FROM temp.probe_key p "
            "JOIN lsh l ON l.bucket = p.bucket GROUP BY p.node, l.doc"
        )
        for node, doc, bands in rows:
            shared.setdefault(node, []).append((-bands, doc))
        for node, docs in shared.items():
            found.update((node, doc) for _, doc in sorted(docs)[:limit])
        for table in ("probe_text", "probe_url", "probe_key"):
            db.execute(f"DELETE FROM temp.{table}")
        return sorted(found)

    def entries(self, docs: Sequence[int]) -> dict[int, PublishedEntry]:
        """The published entries with the given rowids."""
        with self.transaction() as db:
            return self._entries(db, docs)

    def _entries(self, db: sqlite3.Connection, docs: Sequence[int]) -> dict[int, PublishedEntry]:
        columns = (
            "d.rowid, d.id, d.text_hash, d.url_key, d.words, d.shingles, d.published, d.minhash,"
            " d.duplicate_of"
        )
        db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_doc (doc INTEGER PRIMARY KEY)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS probe_id (id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM temp.probe_doc")
        db.execute("DELETE FROM temp.probe_id")
        db.executemany("INSERT OR IGNORE INTO temp.probe_doc VALUES (?)", ((d,) for d in docs))
        found = _published_entries(
            db.execute(
                f"SELECT {columns} FROM temp.probe_doc p JOIN published d ON d.rowid = p.doc"
            )
        )
        # The records the copies among them copy.
        loaded = {e.id for e in found.values()}
        wanted = {e.duplicate_of for e in found.values() if e.duplicate_of} - loaded
        db.executemany("INSERT OR IGNORE INTO temp.probe_id VALUES (?)", ((i,) for i in wanted))
        found |= _published_entries(
            db.execute(f"SELECT {columns} FROM temp.probe_id p JOIN published d ON d.id = p.id")
        )
        db.execute("DELETE FROM temp.probe_doc")
        db.execute("DELETE FROM temp.probe_id")
        return found

    def add_published(
        self,
        db: sqlite3.Connection,
        entries: Iterable[PublishedEntry],
        keys_of: KeysOf,
        run: int,
    ) -> None:
        """Store what a run published (and the copies it rejected, `duplicate_of` set): their
        fingerprints and the LSH buckets of each, a batch of entries at a time."""
        first = int(db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM published").fetchone()[0])
        batch: list[PublishedEntry] = []
        for entry in itertools.chain(entries, [None]):
            if entry is not None:
                batch.append(entry)
                if len(batch) < _BATCH // 10:
                    continue
            if not batch:
                break
            self._add_published_batch(db, batch, keys_of, first, run)
            first += len(batch)
            batch = []

    def _add_published_batch(
        self,
        db: sqlite3.Connection,
        entries: list[PublishedEntry],
        keys_of: KeysOf,
        first: int,
        run: int,
    ) -> None:
        db.executemany(
            "INSERT OR IGNORE INTO published"
            " (rowid, id, text_hash, url_key, words, shingles, published, minhash, run, lead,"
            " duplicate_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    first + n,
                    e.id,
                    e.text_hash,
                    e.url_key,
                    e.words,
                    e.shingles,
                    e.published,
                    e.minhash.tobytes(),
                    run,
                    None if e.lead is None else e.lead.tobytes(),
                    e.duplicate_of,
                )
                for n, e in enumerate(entries)
            ),
        )
        keys = keys_of(np.stack([e.minhash for e in entries]), [e.lead for e in entries])
        self._insert_lsh(db, np.arange(first, first + len(entries), dtype=np.int64), keys)

    def _insert_lsh(self, db: sqlite3.Connection, docs: np.ndarray, keys: np.ndarray) -> None:
        if len(docs) == 0:
            return
        buckets = keys.reshape(-1)
        owners = np.repeat(docs, keys.shape[1])
        buckets, owners = buckets[buckets >= 0], owners[buckets >= 0]
        # In key order, the inserts walk the B-tree instead of jumping about in it.
        order = np.argsort(buckets, kind="stable")
        for start in range(0, len(order), _BATCH):
            part = order[start : start + _BATCH]
            db.executemany(
                "INSERT OR IGNORE INTO lsh VALUES (?, ?)",
                zip(buckets[part].tolist(), owners[part].tolist(), strict=True),
            )

    # -- learned site boilerplate --------------------------------------------------------

    def site_line_counts(self, site: str) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT line_hash, documents FROM site_lines WHERE site = ?", (site,)
        )
        return {r[0]: int(r[1]) for r in rows}

    def site_document_counted(self, site: str, content_key: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM site_documents WHERE site = ? AND content_key = ?", (site, content_key)
        ).fetchone()
        return row is not None

    def add_site_documents(self, db: sqlite3.Connection, pairs: Iterable[tuple[str, str]]) -> None:
        db.executemany("INSERT OR IGNORE INTO site_documents VALUES (?, ?)", pairs)

    def add_site_lines(
        self, db: sqlite3.Connection, counts: Iterable[tuple[str, str, int]]
    ) -> None:
        """Add (site, line key, documents) counts to the stored ones."""
        db.executemany(
            "INSERT INTO site_lines VALUES (?, ?, ?) "
            "ON CONFLICT (site, line_hash) "
            "DO UPDATE SET documents = documents + excluded.documents",
            counts,
        )

    # -- runs -----------------------------------------------------------------------------

    def next_run_number(self) -> int:
        row = self.db.execute("SELECT coalesce(max(number), 0) FROM runs").fetchone()
        return int(row[0]) + 1

    def pending_runs(self) -> list[RunRow]:
        rows = self.db.execute(
            "SELECT number, status, work_dir, articles_offset, rejected_offset FROM runs "
            "WHERE status != 'done' ORDER BY number"
        )
        return [RunRow(*r) for r in rows]

    def add_run(
        self, db: sqlite3.Connection, row: RunRow, started: str, inputs: list[tuple[str, str]]
    ) -> None:
        db.execute(
            "INSERT INTO runs"
            " (number, status, work_dir, articles_offset, rejected_offset, started) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                row.number,
                row.status,
                row.work_dir,
                row.articles_offset,
                row.rejected_offset,
                started,
            ),
        )
        db.executemany(
            "INSERT OR IGNORE INTO inputs VALUES (?, ?, ?)",
            [(digest, path, row.number) for digest, path in inputs],
        )

    def finish_run(self, number: int, finished: str, summary: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET status = 'done', finished = ?, summary = ? WHERE number = ?",
            (finished, json.dumps(summary, sort_keys=True), number),
        )

    def run_summaries(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT summary FROM runs WHERE status = 'done' ORDER BY number")
        return [json.loads(r[0]) for r in rows if r[0]]
