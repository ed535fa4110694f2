"""Learning each site's boilerplate over a run, and over the runs before it.

The workers hand back, with each cleaned record, the keys of its lines that could be chrome
(`cleaners.site_lines`). Here they are counted per site; after the run's cleaning pass, the
lines that enough of a site's documents share (counting what earlier runs saw, kept in
`state.sqlite`) are that site's boilerplate, and they are taken out of this run's records
before dedup fingerprints them. Counting happens in the driving process in input order, so the
result does not depend on how the cleaning was spread.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cleaners.document import Document
from cleaners.fingerprint import Fingerprint, fingerprint
from cleaners.site_lines import is_site_line, strip_site_lines
from cleaners.text_shape import word_count
from flows.records import record_id
from flows.state import State
from flows.workfiles import DEFAULT_MEMORY, Partitions, RowFile, parts_for, work_folder

# The state keeps each site's document count under this key, beside its line counts.
DOCUMENTS_KEY = "*"
_LINE = np.dtype([("site", np.int64), ("key", np.uint64)])
_COUNT = np.dtype([("site", np.int64), ("key", np.uint64), ("documents", np.int64)])


class SiteLines:
    """The run's line counts, kept on disk: a row per counted document's line, counted by
    parts of the keys at the end (`learned`), so memory does not grow with the run. Which
    documents were counted (their identities) is a table of a working SQLite file."""

    def __init__(
        self, state: State, folder: Path | None = None, memory: int = DEFAULT_MEMORY
    ) -> None:
        self.state = state
        self.memory = memory
        self.folder, self._temporary = work_folder(folder, "presswash-sites-")
        folder = self.folder
        self.documents: Counter[str] = Counter()
        self._sites: list[str] = []
        self._site_numbers: dict[str, int] = {}
        self._lines = RowFile(folder / "site-lines.bin", _LINE)
        self._counts: RowFile | None = None
        self._counted = sqlite3.connect(folder / "site-documents.sqlite")
        self._counted.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE counted (site TEXT, identity TEXT, PRIMARY KEY (site, identity))"
            " WITHOUT ROWID;"
        )

    def add(self, site: str | None, keys: frozenset[str], identities: tuple[str, ...]) -> None:
        """Count an article's lines, once per article: a copy of an article counted before
        (in this run or an earlier one) would make its own text look like the site's. A copy
        is a document sharing any identity (content key, article URL) with one counted."""
        if not site or not identities:
            return
        pairs = [(site, identity) for identity in identities]
        copy = any(
            self._counted.execute(
                "SELECT 1 FROM counted WHERE site = ? AND identity = ?", p
            ).fetchone()
            or self.state.site_document_counted(*p)
            for p in pairs
        )
        # A copy's other identities are remembered too: a later copy may share only those.
        self._counted.executemany("INSERT OR IGNORE INTO counted VALUES (?, ?)", pairs)
        if copy:
            return
        self.documents[site] += 1
        number = self._site_numbers.get(site)
        if number is None:
            number = self._site_numbers[site] = len(self._sites)
            self._sites.append(site)
        for key in keys:
            self._lines.append((number, int(key, 16)))

    def _aggregate(self) -> RowFile:
        """The run's count of every (site, line), on disk, made once from the line rows."""
        if self._counts is not None:
            return self._counts
        counts = RowFile(self.folder / "site-line-counts.bin", _COUNT)
        parts = Partitions(
            self.folder,
            "site-lines",
            _LINE,
            parts_for(len(self._lines), _LINE.itemsize, self.memory),
        )
        try:
            for _, rows in self._lines.chunks(65536):
                parts.add(rows, rows["key"])
            for part in parts:
                if len(part) == 0:
                    continue
                part = part[np.lexsort((part["site"], part["key"]))]
                new = np.ones(len(part), dtype=bool)
                new[1:] = (part["key"][1:] != part["key"][:-1]) | (
                    part["site"][1:] != part["site"][:-1]
                )
                starts = np.flatnonzero(new)
                found = np.zeros(len(starts), dtype=_COUNT)
                found["site"] = part["site"][starts]
                found["key"] = part["key"][starts]
                found["documents"] = np.diff(np.append(starts, len(part)))
                counts.extend(found)
        finally:
            parts.close()
        counts.flush()
        self._counts = counts
        return counts

    def learned(self) -> dict[str, frozenset[str]]:
        """For each site of this run, the keys of the lines that are its boilerplate: those
        that enough of its documents share, this run's and earlier runs' counted together."""
        stored = {site: self.state.site_line_counts(site) for site in self._sites}
        totals = [self.documents[site] + stored[site].get(DOCUMENTS_KEY, 0) for site in self._sites]
        # The fewest documents a line needs on each site (is_site_line grows with the count).
        needed = np.array([_fewest(total) for total in totals], dtype=np.int64)
        with_stored = np.array([bool(stored[site]) for site in self._sites] or [False])
        learned: dict[str, set[str]] = {site: set() for site in self._sites}
        for _, rows in self._aggregate().chunks(65536):
            have = rows["documents"].copy()
            for n in np.flatnonzero(with_stored[rows["site"]]).tolist():
                earlier = stored[self._sites[int(rows["site"][n])]]
                have[n] += earlier.get(f"{int(rows['key'][n]):016x}", 0)
            for site, key in zip(
                rows["site"][have >= needed[rows["site"]]].tolist(),
                rows["key"][have >= needed[rows["site"]]].tolist(),
                strict=True,
            ):
                learned[self._sites[site]].add(f"{key:016x}")
        for number, site in enumerate(self._sites):
            learned[site].update(
                key
                for key, count in stored[site].items()
                if key != DOCUMENTS_KEY and count >= needed[number]
            )
        return {site: frozenset(keys) for site, keys in learned.items() if keys}

    def store(self, db: Any) -> None:
        """Add this run's counts to the state (inside the run's transaction `db`)."""
        self.state.add_site_lines(db, self.counts_to_store())
        self.state.add_site_documents(
            db, self._counted.execute("SELECT site, identity FROM counted ORDER BY site, identity")
        )

    def counts_to_store(self) -> Iterator[tuple[str, str, int]]:
        """What this run adds to the state's counts, (site, line key, documents). Lines seen
        once are kept too: a site that gets one new article per scheduled run shows its chrome
        only across runs."""
        for _, rows in self._aggregate().chunks(65536):
            for site, key, count in zip(
                rows["site"].tolist(), rows["key"].tolist(), rows["documents"].tolist(), strict=True
            ):
                yield self._sites[site], f"{key:016x}", count
        for site, count in self.documents.items():
            yield site, DOCUMENTS_KEY, count

    def close(self) -> None:
        """Remove the working files."""
        self._counted.close()
        for file in (self._lines, self._counts):
            if file is not None:
                file.close()
                file.path.unlink(missing_ok=True)
        (self.folder / "site-documents.sqlite").unlink(missing_ok=True)
        if self._temporary is not None:
            self._temporary.cleanup()


def _fewest(total: int) -> int:
    """The fewest documents of `total` a line must be in to be the site's boilerplate."""
    count = 1
    while not is_site_line(count, total):
        count += 1
    return count


def boilerplate_keys(counts: Counter[str] | dict[str, int]) -> frozenset[str]:
    """The keys of the lines enough of a site's documents share; `counts` holds, per line key,
    how many documents had it, and under DOCUMENTS_KEY how many documents there were."""
    total = counts.get(DOCUMENTS_KEY, 0)
    return frozenset(
        key for key, count in counts.items() if key != DOCUMENTS_KEY and is_site_line(count, total)
    )


def learned_in_state(state: State, site: str) -> frozenset[str]:
    """What earlier runs into this state learned of `site`'s boilerplate."""
    return boilerplate_keys(state.site_line_counts(site))


def strip_learned(
    record: dict[str, Any], learned: frozenset[str]
) -> tuple[dict[str, Any], Fingerprint] | None:
    """The record without its site's learned boilerplate, and its new fingerprint; None when
    nothing in it was learned."""
    doc = strip_site_lines(Document(text=record["text"]), learned)
    if not doc.removed:
        return None
    fp = fingerprint(doc.text, record["url"])
    new_id = record_id(fp)
    record["id"] = new_id
    record["text"] = doc.text
    record["word_count"] = word_count(doc.text)
    record["cleaning"]["removed"].extend(
        {"rule": r.rule, "category": r.category, "text": r.text} for r in doc.removed
    )
    record["dedup"]["cluster"] = new_id
    return record, fp
