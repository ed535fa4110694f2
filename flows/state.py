"""Run state in `state.sqlite`: inputs seen, published fingerprints, LSH buckets, runs.

SQLite is the source of truth for what has been published. A run writes its new records to
spool files first, commits the state in one transaction, then appends the spools to the
outputs; the run row remembers the output sizes before the append, so a run killed at any
point is either invisible or completed by the next start (see `flows.outputs`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA_VERSION = 1

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
CREATE TABLE IF NOT EXISTS published (
    id TEXT PRIMARY KEY,
    text_hash TEXT NOT NULL,
    url_key TEXT,
    words INTEGER NOT NULL,
    shingles INTEGER NOT NULL,
    published TEXT,
    minhash BLOB NOT NULL,
    run INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS published_text ON published (text_hash);
CREATE INDEX IF NOT EXISTS published_url ON published (url_key);
-- One row per band of each published signature; `bucket` already encodes the band.
CREATE TABLE IF NOT EXISTS lsh (bucket INTEGER NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_bucket ON lsh (bucket);
CREATE TABLE IF NOT EXISTS site_lines (
    site TEXT NOT NULL,
    line_hash TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (site, line_hash)
);
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


@dataclass(frozen=True, slots=True)
class RunRow:
    number: int
    status: str
    work_dir: str
    articles_offset: int
    rejected_offset: int


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

    def by_text_hash(self, text_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM published WHERE text_hash = ? ORDER BY run, id LIMIT 1", (text_hash,)
        ).fetchone()
        return None if row is None else str(row[0])

    def by_url_key(self, url_key: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM published WHERE url_key = ? ORDER BY run, id LIMIT 1", (url_key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def lsh_candidates(self, keys: list[int]) -> set[str]:
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(f"SELECT DISTINCT id FROM lsh WHERE bucket IN ({marks})", keys)
        return {r[0] for r in rows}

    def entry(self, doc_id: str) -> PublishedEntry | None:
        row = self.db.execute(
            "SELECT id, text_hash, url_key, words, shingles, published, minhash"
            " FROM published WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        return PublishedEntry(
            row[0], row[1], row[2], row[3], row[4], row[5], np.frombuffer(row[6], dtype=np.uint32)
        )

    def add_published(
        self, db: sqlite3.Connection, entries: list[tuple[PublishedEntry, list[int]]], run: int
    ) -> None:
        db.executemany(
            "INSERT OR IGNORE INTO published VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    e.text_hash,
                    e.url_key,
                    e.words,
                    e.shingles,
                    e.published,
                    e.minhash.tobytes(),
                    run,
                )
                for e, _ in entries
            ],
        )
        db.executemany(
            "INSERT INTO lsh VALUES (?, ?)", [(key, e.id) for e, keys in entries for key in keys]
        )

    # -- learned site boilerplate --------------------------------------------------------

    def site_line_counts(self, site: str) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT line_hash, documents FROM site_lines WHERE site = ?", (site,)
        )
        return {r[0]: int(r[1]) for r in rows}

    def all_site_lines(self, min_documents: int) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        rows = self.db.execute(
            "SELECT site, line_hash, documents FROM site_lines WHERE documents >= ?",
            (min_documents,),
        )
        for site, line_hash, documents in rows:
            table.setdefault(site, {})[line_hash] = int(documents)
        return table

    def add_site_lines(self, db: sqlite3.Connection, counts: dict[tuple[str, str], int]) -> None:
        db.executemany(
            "INSERT INTO site_lines VALUES (?, ?, ?) "
            "ON CONFLICT (site, line_hash) "
            "DO UPDATE SET documents = documents + excluded.documents",
            [(site, line, n) for (site, line), n in counts.items()],
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
