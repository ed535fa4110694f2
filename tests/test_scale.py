"""Bounded memory: the memory setting and the worker count change how a run works (how many
parts its working sets are cut into, how many processes clean), never what it writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flows.outputs import WORK
from tests.conftest import SEEDS, read_jsonl

# A site's own line, not content (short, no sentence): learned as its boilerplate once enough
# of its documents carry it.
SITE_LINE = "The Harbour Gazette - proudly serving the harbour towns since 1902"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, gold_texts: dict[str, str]) -> Path:
    """Real article texts on two sites, one of which repeats a line of its own chrome, with
    exact copies, re-scrapes with that chrome, and truncated copies; and the seeds."""
    folder = tmp_path_factory.mktemp("scale-corpus")
    texts = [
        "\n\n".join(_paragraphs(text))
        for _, text in sorted(gold_texts.items())
        if len(_paragraphs(text)) >= 5 and text.isascii()
    ][:24]
    docs: list[dict[str, Any]] = []
    for n, text in enumerate(texts):
        site = "gazette.example" if n % 2 else "courier.example"
        url = f"https://{site}/2022/05/{n}/story-{n}"
        body = f"{text}\n\n{SITE_LINE}" if site == "gazette.example" else text
        docs.append({"id": f"o{n}", "url": url, "text": body})
        if n % 3 == 0:
            docs.append({"id": f"x{n}", "url": url, "text": body})
        if n % 4 == 1:
            docs.append({"id": f"r{n}", "url": url + "?amp=1", "text": body.replace(". ", ".  ")})
        if n % 5 == 2:
            cut = " ".join(text.split(" ")[: max(40, len(text.split(" ")) // 2)])
            docs.append({"id": f"t{n}", "url": f"https://wire.example/{n}", "text": cut})
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def test_outputs_do_not_depend_on_memory_or_workers(
    tmp_path: Path, run_cli: Any, corpus: Path
) -> None:
    outputs: dict[tuple[str, int], tuple[bytes, bytes]] = {}
    for memory in ("512M", "64K", "2K"):
        for workers in (1, 2):
            out = tmp_path / f"out-{memory}-{workers}"
            status, _ = run_cli(
                "clean",
                str(corpus),
                str(SEEDS),
                "--memory",
                memory,
                "--workers",
                str(workers),
                out=out,
            )
            assert status == 0
            outputs[(memory, workers)] = (
                (out / "articles.jsonl").read_bytes(),
                (out / "rejected.jsonl").read_bytes(),
            )
            # The working files went with the run.
            assert not [p for p in (out / WORK).rglob("*") if p.is_file()]
    first = outputs[("512M", 1)]
    for setting, written in outputs.items():
        assert written == first, setting
    # The run did what the comparison needs: copies of every kind, and learned site lines.
    out = tmp_path / "out-2K-2"
    rejected = read_jsonl(out / "rejected.jsonl")
    matches = {r["record"]["dedup"]["match"] for r in rejected if r["reason"] == "duplicate"}
    assert {"exact", "contained"} <= matches
    articles = read_jsonl(out / "articles.jsonl")
    learned = [
        a for a in articles if any(r["rule"] == "site.learned" for r in a["cleaning"]["removed"])
    ]
    assert learned and all(SITE_LINE not in a["text"] for a in learned)
