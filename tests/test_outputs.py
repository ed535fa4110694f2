"""End to end through `presswash clean`: every input format, every output file."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import zstandard

from tests.conftest import SEEDS, check_outputs, read_jsonl

ARTICLE = (
    "The harbour authority said on Monday that the new container terminal would open in May, "
    "two years later than planned. Officials blamed supply problems and a strike by crane "
    "operators. The terminal will double the port's capacity, the authority said, and create "
    "about 400 jobs in a region where unemployment is above the national average."
)


def _warc(records: list[tuple[str, str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, content_type, payload in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=headers
            )
        )
    return buffer.getvalue()


def _html(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split(". "))
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>© 2021 Port News</footer></body></html>"
    )


def test_every_input_format(tmp_path: Path, run_cli: Any, validate: Any) -> None:
    inputs = tmp_path / "in"
    (inputs / "nested").mkdir(parents=True)
    variants = [ARTICLE.replace("May", month) for month in ("June", "July", "August", "October")]
    (inputs / "a.txt").write_text("Terminal delayed\n" + ARTICLE, encoding="utf-8")
    (inputs / "nested" / "b.html").write_text(_html("Port terminal opens late", variants[0]))
    (inputs / "c.jsonl").write_text(
        json.dumps(
            {"id": "feed-1", "url": "https://news.example/1", "title": "T1", "text": variants[1]}
        )
        + "\n"
        + json.dumps({"id": 2, "url": "https://news.example/2", "html": _html("T2", variants[2])})
        + "\n"
    )
    (inputs / "d.txt.gz").write_bytes(gzip.compress(variants[3].replace("400", "500").encode()))
    (inputs / "e.json.zst").write_bytes(
        zstandard.ZstdCompressor().compress(
            json.dumps(
                [{"id": "z", "text": ARTICLE.replace("Monday", "Friday").replace("400", "600")}]
            ).encode()
        )
    )
    (inputs / "f.warc.gz").write_bytes(
        _warc(
            [
                (
                    "https://port.example/story",
                    "text/html; charset=utf-8",
                    _html("WARC story", ARTICLE.replace("May", "March")).encode(),
                ),
                ("https://port.example/logo.png", "image/png", b"\x89PNG...."),
            ]
        )
    )
    status, out = run_cli("clean", str(inputs), "--no-dedup")
    assert status == 0
    articles, rejected = check_outputs(out, validate)
    assert rejected == []
    by_path = {(Path(a["source"]["path"]).name, a["source"].get("id")): a for a in articles}
    assert len(articles) == 7
    assert by_path[("c.jsonl", "feed-1")]["source"]["line"] == 1
    assert by_path[("c.jsonl", "feed-1")]["title"] == "T1"
    assert by_path[("c.jsonl", "2")]["url"] == "https://news.example/2"
    warc = next(a for a in articles if a["source"]["format"] == "warc")
    assert warc["url"] == "https://port.example/story" and "offset" in warc["source"]
    assert warc["site"] == "port.example"
    html = by_path[("b.html", None)]
    assert html["title"] == "Port terminal opens late"
    assert "Home" not in html["text"] and "©" not in html["text"]
    assert by_path[("a.txt", None)]["title"] == "Terminal delayed"


def test_parquet_dataset_matches_jsonl(tmp_path: Path, run_cli: Any) -> None:
    import duckdb

    status, out = run_cli("clean", str(SEEDS))
    assert status == 0
    records = read_jsonl(out / "articles.jsonl")
    table = ds.dataset(out / "articles", format="parquet").to_table()
    assert table.num_rows == len(records)
    assert table.column("id").to_pylist() == [r["id"] for r in records]
    assert table.column("text").to_pylist() == [r["text"] for r in records]
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/articles/*.parquet')").fetchall()[
        0
    ]
    assert count == (len(records),)
    flags = duckdb.sql(
        f"SELECT sum(len(flags)) FROM read_parquet('{out}/articles/*.parquet')"
    ).fetchall()[0]
    assert flags[0] == sum(len(r["flags"]) for r in records)


def test_report_and_manifest(tmp_path: Path, run_cli: Any) -> None:
    status, out = run_cli("clean", str(SEEDS))
    assert status == 0
    report = (out / "report.md").read_text()
    assert "| published | 5 |" in report
    assert "translation.machine-notice" in report
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["published"] == 5
    assert {Path(i["path"]).name for i in manifest["inputs"]} == {p.name for p in SEEDS.iterdir()}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert (out / "state.sqlite").exists()


def test_second_run_adds_only_what_is_new(tmp_path: Path, run_cli: Any, validate: Any) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in sorted(SEEDS.iterdir())[:3]:
        (inputs / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    first = (out / "articles.jsonl").read_bytes()
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    assert (out / "articles.jsonl").read_bytes() == first, "the same inputs publish nothing new"
    for seed in sorted(SEEDS.iterdir())[3:]:
        (inputs / seed.name).write_bytes(seed.read_bytes())
    assert run_cli("clean", str(inputs), out=out)[0] == 0
    articles, _ = check_outputs(out, validate)
    assert len(articles) == 5
    assert (out / "articles.jsonl").read_bytes().startswith(first)
    assert sorted(p.name for p in (out / "articles").iterdir()) == [
        "part-00001.parquet",
        "part-00003.parquet",
    ]
    assert ds.dataset(out / "articles", format="parquet").count_rows() == 5


def test_unreadable_input_is_rejected_with_a_reason(
    tmp_path: Path, run_cli: Any, validate: Any
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(ARTICLE)
    (inputs / "broken.txt.gz").write_bytes(gzip.compress(ARTICLE.encode())[:40])
    (inputs / "blob.bin").write_bytes(bytes(range(256)) * 8)
    status, out = run_cli("clean", str(inputs), str(tmp_path / "missing.txt"))
    assert status == 1
    articles, rejected = check_outputs(out, validate)
    assert [Path(a["source"]["path"]).name for a in articles] == ["good.txt"]
    reasons = {Path(r["source"]["path"]).name: r["reason"] for r in rejected}
    assert reasons == {
        "broken.txt.gz": "unreadable",
        "blob.bin": "unreadable",
        "missing.txt": "unreadable",
    }
    assert all(r["detail"] for r in rejected)
