"""The Parquet dataset `articles/`: one part per run, the same columns as articles.jsonl.

The Arrow schema is written out rather than inferred, so every part has the same types
whatever its records hold (a run whose records all lack a title still has a string column).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

_SOURCE = pa.struct(
    [
        ("path", pa.string()),
        ("format", pa.string()),
        ("sha256", pa.string()),
        ("line", pa.int64()),
        ("offset", pa.int64()),
        ("id", pa.string()),
    ]
)
_REMOVAL = pa.struct(
    [
        ("rule", pa.string()),
        ("category", pa.string()),
        ("text", pa.string()),
        ("score", pa.float64()),
    ]
)
_REPAIR = pa.struct([("kind", pa.string()), ("count", pa.int64()), ("example", pa.string())])

ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("url", pa.string()),
        ("site", pa.string()),
        ("site_name", pa.string()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published", pa.string()),
        ("modified", pa.string()),
        ("page_type", pa.string()),
        ("page_type_confidence", pa.float64()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("word_count", pa.int64()),
        ("flags", pa.list_(pa.string())),
        (
            "metadata_source",
            pa.struct(
                [
                    ("title", pa.string()),
                    ("authors", pa.string()),
                    ("published", pa.string()),
                    ("modified", pa.string()),
                ]
            ),
        ),
        ("source", _SOURCE),
        (
            "cleaning",
            pa.struct(
                [
                    ("removed", pa.list_(_REMOVAL)),
                    ("repairs", pa.list_(_REPAIR)),
                    ("pipeline_version", pa.string()),
                ]
            ),
        ),
        (
            "dedup",
            pa.struct(
                [
                    ("cluster", pa.string()),
                    ("duplicate_of", pa.string()),
                    ("similarity", pa.float64()),
                    ("match", pa.string()),
                ]
            ),
        ),
    ]
)


class PartWriter:
    """Writes one Parquet part in row groups, so a large run never holds its table in memory."""

    def __init__(self, path: Path, rows_per_group: int = 2000) -> None:
        self.path = path
        self.rows_per_group = rows_per_group
        self._rows: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None
        self.count = 0

    def add(self, record: dict[str, Any]) -> None:
        self._rows.append(record)
        if len(self._rows) >= self.rows_per_group:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        table = pa.Table.from_pylist(self._rows, schema=ARTICLE_SCHEMA)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, ARTICLE_SCHEMA, compression="zstd")
        self._writer.write_table(table)
        self.count += len(self._rows)
        self._rows = []

    def close(self) -> bool:
        """Finish the part; False when the run published nothing (no part is written)."""
        self._flush()
        if self._writer is None:
            return False
        self._writer.close()
        return True
