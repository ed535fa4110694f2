"""The five seed documents meet every check in benchmarks/data/seeds/gold.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, SEEDS, check_outputs

GOLD: dict[str, Any] = json.loads((DATA / "seeds" / "gold.json").read_text(encoding="utf-8"))
SEED_NAMES = sorted(name for name in GOLD if not name.startswith("_"))


@pytest.fixture(scope="module")
def seed_records(tmp_path_factory: pytest.TempPathFactory, validate: Any) -> dict[str, Any]:
    from flows.cli import main

    out = tmp_path_factory.mktemp("seeds") / "out"
    assert main(["clean", str(SEEDS), "--out", str(out), "--quiet"]) == 0
    articles, rejected = check_outputs(out, validate)
    assert rejected == [], "no seed may be rejected (000 and 001 are different articles)"
    return {Path(r["source"]["path"]).name: r for r in articles}


def test_every_seed_is_published(seed_records: dict[str, Any]) -> None:
    assert sorted(seed_records) == SEED_NAMES


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_meets_gold(name: str, seed_records: dict[str, Any]) -> None:
    gold, record = GOLD[name], seed_records[name]
    text = record["text"].lower()
    for field in ("title", "site_name", "published", "url"):
        if field in gold:
            assert record[field] == gold[field], field
    for snippet in gold["with"]:
        assert snippet.lower() in text, f"lost: {snippet!r}"
    for snippet in gold["without"]:
        assert snippet.lower() not in text, f"still there: {snippet!r}"
    whole = " ".join(str(record[k] or "") for k in ("text", "title", "description")).lower()
    for snippet in gold.get("with_record", []):
        assert snippet.lower() in whole, f"not in the record: {snippet!r}"
    for flag in gold["flags"]:
        assert flag in record["flags"]


def test_seed_records_say_what_was_removed(seed_records: dict[str, Any]) -> None:
    removed = seed_records["002_ca3b6ff340dc6cc7.txt"]["cleaning"]["removed"]
    rules = {r["rule"] for r in removed}
    assert "translation.machine-notice" in rules
    assert all(r["category"] and r["text"] for r in removed)


def test_seed_text_shape(seed_records: dict[str, Any]) -> None:
    for record in seed_records.values():
        text = record["text"]
        assert "\n\n\n" not in text and not text.startswith("\n") and text == text.strip()
        if record["title"]:
            assert not text.startswith(record["title"])
        assert record["word_count"] > 100
        assert record["language"] == "en"
