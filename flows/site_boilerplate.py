"""Learning each site's boilerplate over a run, and over the runs before it.

The workers hand back, with each cleaned record, the keys of its lines that could be chrome
(`cleaners.site_lines`). Here they are counted per site; after the run's cleaning pass, the
lines that enough of a site's documents share (counting what earlier runs saw, kept in
`state.sqlite`) are that site's boilerplate, and they are taken out of this run's records
before dedup fingerprints them. Counting happens in the driving process in input order, so the
result does not depend on how the cleaning was spread.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from cleaners.document import Document
from cleaners.fingerprint import Fingerprint, fingerprint
from cleaners.site_lines import is_site_line, strip_site_lines
from cleaners.text_shape import word_count
from flows.records import record_id
from flows.state import State

# The state keeps each site's document count under this key, beside its line counts.
DOCUMENTS_KEY = "*"
# Above this many distinct (site, line) pairs, lines seen once are forgotten: memory stays
# bounded on a huge run, and a line seen once cannot be boilerplate yet.
MAX_TRACKED_LINES = 2_000_000


class SiteLines:
    def __init__(self, state: State) -> None:
        self.state = state
        self.lines: Counter[tuple[str, str]] = Counter()
        self.documents: Counter[str] = Counter()
        self.counted: set[tuple[str, str]] = set()

    def add(self, site: str | None, keys: frozenset[str], identities: tuple[str, ...]) -> None:
        """Count an article's lines, once per article: a copy of an article counted before
        (in this run or an earlier one) would make its own text look like the site's. A copy
        is a document sharing any identity (content key, article URL) with one counted."""
        if not site or not identities:
            return
        pairs = [(site, identity) for identity in identities]
        copy = any(p in self.counted or self.state.site_document_counted(*p) for p in pairs)
        # A copy's other identities are remembered too: a later copy may share only those.
        self.counted.update(pairs)
        if copy:
            return
        self.documents[site] += 1
        for key in keys:
            self.lines[(site, key)] += 1
        if len(self.lines) > MAX_TRACKED_LINES:
            self.lines = Counter({pair: n for pair, n in self.lines.items() if n > 1})

    def learned(self) -> dict[str, frozenset[str]]:
        """For each site of this run, the keys of the lines that are its boilerplate."""
        by_site: dict[str, Counter[str]] = {site: Counter() for site in self.documents}
        for (site, key), count in self.lines.items():
            by_site[site][key] += count
        learned: dict[str, frozenset[str]] = {}
        for site, counts in by_site.items():
            counts[DOCUMENTS_KEY] = self.documents[site]
            counts.update(self.state.site_line_counts(site))
            keys = boilerplate_keys(counts)
            if keys:
                learned[site] = keys
        return learned

    def store(self, db: Any) -> None:
        """Add this run's counts to the state (inside the run's transaction `db`)."""
        self.state.add_site_lines(db, self.counts_to_store())
        self.state.add_site_documents(db, sorted(self.counted))

    def counts_to_store(self) -> dict[tuple[str, str], int]:
        """What this run adds to the state's counts. Lines seen once are kept too: a site that
        gets one new article per scheduled run shows its chrome only across runs."""
        counts = dict(self.lines)
        counts.update({(site, DOCUMENTS_KEY): n for site, n in self.documents.items()})
        return counts


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
