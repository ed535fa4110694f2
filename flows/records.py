"""The published record and the rejected entry, as written to the outputs.

Field order is fixed and nothing time-dependent goes in, so the same input gives the same
bytes on every run, every machine and whichever way the work was spread.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cleaners import PIPELINE_VERSION, Document
from cleaners.fingerprint import Fingerprint, site_of
from cleaners.text_shape import word_count
from flows.dedup import Decision
from flows.documents import Source, Unusable


def record_id(fingerprint: Fingerprint) -> str:
    """Stable for the same article: its folded text and canonical URL, nothing else."""
    key = f"{fingerprint.text_hash}\n{fingerprint.url_key or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def article_record(doc: Document, source: Source, doc_id: str) -> dict[str, Any]:
    return {
        "id": doc_id,
        "url": doc.url,
        "site": site_of(doc.url),
        "site_name": doc.site_name,
        "title": doc.title,
        "description": doc.description,
        "authors": list(doc.authors),
        "published": doc.published,
        "modified": doc.modified,
        "page_type": doc.page_type,
        "page_type_confidence": doc.page_type_confidence,
        "language": doc.language,
        "text": doc.text,
        "word_count": word_count(doc.text),
        "flags": list(doc.flags),
        "metadata_source": dict(doc.metadata_source),
        "source": source.to_json(),
        "cleaning": {
            "removed": [
                {
                    "rule": r.rule,
                    "category": r.category,
                    "text": r.text,
                    **({"score": r.score} if r.score is not None else {}),
                }
                for r in doc.removed
            ],
            "repairs": [
                {"kind": r.kind, "count": r.count, **({"example": r.example} if r.example else {})}
                for r in doc.repairs
            ],
            "pipeline_version": PIPELINE_VERSION,
        },
        "dedup": {"cluster": doc_id, "duplicate_of": None, "similarity": None, "match": None},
    }


def with_decision(record: dict[str, Any], decision: Decision) -> dict[str, Any]:
    record["dedup"] = {
        "cluster": decision.cluster,
        "duplicate_of": decision.duplicate_of,
        "similarity": decision.similarity,
        "match": decision.match,
    }
    return record


def rejected_entry(
    source: dict[str, Any], reason: str, detail: str, recovered: dict[str, Any] | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"reason": reason, "detail": detail, "source": source}
    if recovered:
        entry["record"] = recovered
    return entry


def unusable_entry(unusable: Unusable) -> dict[str, Any]:
    return rejected_entry(
        unusable.source.to_json(), unusable.reason, unusable.detail, unusable.recovered
    )


def duplicate_entry(record: dict[str, Any]) -> dict[str, Any]:
    """A duplicate goes to rejected.jsonl with its full cleaned record."""
    dedup = record["dedup"]
    detail = (
        f"{dedup['match'].replace('_', ' ')} copy of {dedup['duplicate_of']}"
        f" (similarity {dedup['similarity']})"
    )
    entry = rejected_entry(record["source"], "duplicate", detail, record)
    entry["duplicate_of"] = dedup["duplicate_of"]
    entry["similarity"] = dedup["similarity"]
    return entry


# One encoder for every call: `json.dumps` with any option builds a new one each time.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(entry: Any) -> str:
    return _ENCODER.encode(entry)
