"""Learned site boilerplate, end to end: lines a site repeats go, across runs; prose stays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import AEB, check_outputs

TOPICS = ["harbour", "library", "budget", "school", "bridge", "museum", "election", "hospital"]
SLOGAN = "The Valley Courier - proudly serving the valley since 1887"
WIRE = (
    "The Associated Press contributed to this report, which was updated on Tuesday with "
    "comments from the regional transport authority and the mayor's office."
)


def _articles() -> list[str]:
    """Real, different article texts (AEB gold), so that dedup has nothing to join."""
    gold = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [v["articleBody"] for v in gold.values() if v["url"].startswith("https://www.")]
    return [t for t in texts if len(t) > 2000][:10]


def _feed(path: Path, topics: list[str], start: int) -> None:
    bodies = _articles()
    lines = []
    for n, topic in enumerate(topics, start=start):
        text = "\n".join([bodies[n % len(bodies)], WIRE, SLOGAN])
        record = {"id": f"v{n}", "url": f"https://courier.example/{topic}-{n}", "text": text}
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")


def test_lines_a_site_repeats_are_learned_and_removed(
    tmp_path: Path, run_cli: Any, validate: Any
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _feed(inputs / "day1.jsonl", TOPICS[:6], 0)
    out = tmp_path / "out"
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    articles, rejected = check_outputs(out, validate)
    assert len(articles) == 6 and rejected == []
    for record in articles:
        assert SLOGAN not in record["text"]
        assert WIRE in record["text"], "a long sentence is content, however often it recurs"
        assert "site.learned" in {r["rule"] for r in record["cleaning"]["removed"]}

    # A later run with one new article: the state remembers the site's lines.
    _feed(inputs / "day2.jsonl", TOPICS[6:7], 6)
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    articles, _ = check_outputs(out, validate)
    latest = articles[-1]
    assert latest["url"].endswith("election-6")
    assert SLOGAN not in latest["text"]


def test_a_site_with_too_few_documents_teaches_nothing(tmp_path: Path, run_cli: Any) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _feed(inputs / "day1.jsonl", TOPICS[:2], 0)
    out = tmp_path / "out"
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert len(records) == 2
    assert all(SLOGAN in r["text"] for r in records)


def test_copies_of_one_article_teach_nothing(tmp_path: Path, run_cli: Any) -> None:
    """Six re-scrapes of one story share every line; they are one article, not six."""
    body = _articles()[0]
    table = "\n".join(f"Row {n} | {n * 7} points" for n in range(12))
    lines = [
        json.dumps(
            {
                "id": f"c{n}",
                "url": f"https://courier.example/story?page={n}",
                "text": f"{body}\n{table}",
            }
        )
        for n in range(6)
    ]
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "copies.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert len(records) == 1
    assert "site.learned" not in {r["rule"] for r in records[0]["cleaning"]["removed"]}
    assert "Row 11" in records[0]["text"]


def test_versions_of_one_article_teach_nothing(tmp_path: Path, run_cli: Any) -> None:
    """An article scraped as it was updated (a new longest paragraph each time, the URL in
    its tracking and AMP variants) and re-scraped with straight quotes is one article: its
    short opening line is not the site's, though every version repeats it."""
    body = _articles()[0]
    opening = "Beauty company Coty is breaking out — in a good way."
    title = "Coty takes a stake in Kylie Cosmetics"
    urls = [
        "https://courier.example/2019/11/coty-stake",
        "https://courier.example/2019/11/coty-stake?utm_source=feed",
        "https://courier.example/2019/11/coty-stake/amp",
        "https://m.courier.example/2019/11/coty-stake/",
    ]
    versions = []
    for n, url in enumerate(urls):
        update = " ".join([f"Update {n}: shares moved again in late trading"] * (12 + 4 * n))
        text = f"{opening}\n{update}.\n{body}"
        versions.append({"id": f"u{n}", "url": url, "title": title, "text": text})
    requoted = body.replace("’", "'").replace("“", '"').replace("”", '"')
    home = "https://courier.example/"
    versions.append({"id": "q", "url": home, "title": title, "text": f"{opening}\n{requoted}"})
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "versions.jsonl").write_text("\n".join(json.dumps(v) for v in versions) + "\n")
    out = tmp_path / "out"
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    rejected = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    texts = [r["text"] for r in records] + [r["record"]["text"] for r in rejected]
    assert len(texts) == len(versions)
    assert all(t.startswith(opening) for t in texts), "the opening line is the article's"


def test_reading_the_same_inputs_again_changes_nothing(tmp_path: Path, run_cli: Any) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _feed(inputs / "day1.jsonl", TOPICS[:6], 0)
    out = tmp_path / "out"
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    first = (out / "articles.jsonl").read_bytes()
    assert run_cli("clean", str(inputs), "--reprocess", out=out)[0] == 0
    assert (out / "articles.jsonl").read_bytes() == first


def test_explain_shows_what_a_run_learned_of_the_site(
    tmp_path: Path, run_cli: Any, capsys: Any
) -> None:
    from flows.cli import main

    inputs = tmp_path / "in"
    inputs.mkdir()
    _feed(inputs / "day1.jsonl", TOPICS[:6], 0)
    out = tmp_path / "out"
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    capsys.readouterr()
    _feed(tmp_path / "new.jsonl", TOPICS[6:7], 6)

    assert main(["explain", str(tmp_path / "new.jsonl")]) == 0
    alone = capsys.readouterr().out
    assert "site.learned" not in alone, "without a run's state there is nothing learned"

    assert main(["explain", str(tmp_path / "new.jsonl"), "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert f"site.learned [site_boilerplate]: {SLOGAN}" in shown
    assert "site.learned [site_boilerplate]: The Associated Press" not in shown

    assert main(["explain", str(tmp_path / "new.jsonl"), "--out", str(tmp_path / "none")]) == 2
    assert "no state.sqlite" in capsys.readouterr().out
