"""Broken inputs: no traceback, no document lost, a reason and a detail for each rejection."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
import zstandard

from cleaners.html import flatten_nesting
from flows.batches import CleanOptions, clean_batch
from flows.documents import RawDocument, Source, Unusable
from flows.readers import InputFile, Limits, expand_inputs, read_file
from tests.conftest import ROOT, check_outputs, presswash_command, presswash_env

# Different stories, so that dedup keeps each of them.
GOOD = (
    "The harbour authority said on Monday that the new container terminal would open in May, "
    "two years later than planned. Officials blamed supply problems and a strike by crane "
    "operators, and said the terminal would double the capacity of the port."
)
LATIN1 = (
    "Le café du port a rouvert ses portes jeudi après deux années de travaux, a annoncé la "
    "mairie. Les habitants du quartier étaient nombreux à fêter l'événement malgré la pluie "
    "et le vent qui soufflait très fort depuis la mer."
)
UTF16 = (
    "Die Stadtbibliothek öffnet nach dem Umbau wieder am Samstag, teilte die Verwaltung mit. "
    "Der neue Lesesaal bietet Platz für zweihundert Besucher, und die Öffnungszeiten werden "
    "an den Wochenenden deutlich verlängert."
)
CONTROLS = (
    "The regional airline cancelled forty flights on Friday because of a shortage of pilots, "
    "the company said. Passengers were offered seats on other routes or a full refund, and "
    "the airline promised a new timetable within a week."
)
UNKNOWN_CHARSET = (
    "La ciudad inauguró el sábado un nuevo parque junto al río, con árboles, fuentes y un "
    "camino para bicicletas. El alcalde dijo que las obras costaron menos de lo previsto y "
    "que terminaron dos meses antes de la fecha prevista."
)
NESTED = (
    "The river authority opened the new flood barrier on Thursday after six years of work.",
    "Engineers said the barrier would protect about twelve thousand homes from the highest "
    "tides of the winter season.",
    "Local residents welcomed the project but complained about the noise and the closed roads.",
)
FEED = (
    "The school board voted to extend the summer holidays by one week starting next year, "
    "after a long debate with the teachers' union about pay and the length of the school day.",
    "A fire destroyed an old warehouse near the railway station overnight, the fire service "
    "said. Nobody was hurt, but trains were stopped for several hours while crews worked.",
    "Farmers in the Rhône valley expect a record harvest of apples this autumn after a warm "
    "spring and enough rain in the summer, the agricultural chamber said in its report.",
    "The museum will show a collection of old maps from the city archive for three months, "
    "including a plan of the harbour drawn more than three hundred years ago by monks.",
)
LONG_LINE_BYTES = 10 * 1000 * 1000


def _random_jsonl(records: int) -> bytes:
    rng = random.Random(7)
    words = [f"{rng.choice(('alpha', 'beta', 'gamma', 'delta'))}{n}" for n in range(5000)]
    lines = [
        json.dumps({"id": f"r{n}", "text": " ".join(rng.choice(words) for _ in range(40)) + "."})
        for n in range(records)
    ]
    return ("\n".join(lines) + "\n").encode()


def _complete_lines(truncated_gzip: bytes) -> int:
    """How many whole lines a cut gzip file still holds."""
    data = zlib.decompressobj(wbits=31).decompress(truncated_gzip)
    return data.count(b"\n")


def build_folder(folder: Path) -> dict[tuple[str, int | None], str]:
    """Every bad case and a good article; returns what each document should become, by
    (file name, line): "published", or the rejection reason."""
    folder.mkdir()
    rng = random.Random(1)
    expected: dict[tuple[str, int | None], str] = {}

    def single(name: str, content: bytes, outcome: str) -> None:
        (folder / name).write_bytes(content)
        expected[(name, None)] = outcome

    single("good.txt", GOOD.encode(), "published")
    single("empty.txt", b"", "empty")
    single("blank.txt", b"  \n\t\n   \r\n", "empty")
    single("random.bin", rng.randbytes(5000), "unreadable")
    single("photo.txt", b"\x89PNG\r\n\x1a\n" + rng.randbytes(3000), "unreadable")
    single("latin1.txt", LATIN1.encode("latin-1"), "published")
    single("utf16.txt", UTF16.encode("utf-16"), "published")
    with_controls = (
        CONTROLS.replace("airline", "air\x00line", 1)
        .replace("Passengers", "\x1b[1;31mPassengers\x1b[0m")
        .replace("refund", "re\x07fund")
    )
    single("controls.txt", with_controls.encode(), "published")
    unknown = f"<html><head><meta charset='x-klingon'></head><body><p>{UNKNOWN_CHARSET}</p>"
    single("unknown-charset.html", (unknown + "</body></html>").encode("cp1252"), "published")
    single("cut.txt.gz", gzip.compress(GOOD.encode() * 20)[:60], "unreadable")
    single("deep.json", b"[" * 100_000 + b"]" * 100_000, "unreadable")
    single("bomb.txt.gz", gzip.compress(b"\0" * (8 << 20)), "too_large")
    paragraphs = "".join(f"<p>{p}</p>" for p in NESTED)
    nested = "<html><body>" + "<div>" * 100_000 + paragraphs + "</div>" * 100_000
    single("nested.html", (nested + "</body></html>").encode(), "published")
    # 10 MB on one line, no sentence in it: not an article, and it must not hang the run.
    single("long-line.txt", (b"word " * (LONG_LINE_BYTES // 5)), "not_article|timeout")

    feed = [
        json.dumps({"id": "f1", "url": "https://news.example/f1", "text": FEED[0]}).encode(),
        b'{"id": "f2", "text": "an unterminated',
        json.dumps({"id": "f3", "title": "A record without text"}).encode(),
        json.dumps({"id": "f4", "text": 42}).encode(),
        b"[1, 2, 3]",
        # A lone surrogate, escaped in JSON: no output could be written with it as it is.
        json.dumps({"id": "f6", "title": "Fire \ud800", "text": FEED[1] + " \ud800"}).encode(),
        json.dumps({"id": "f7", "text": FEED[2]}, ensure_ascii=False).encode("latin-1"),
        b"",
    ]
    (folder / "feed.jsonl").write_bytes(b"\n".join(feed) + b"\n")
    outcomes = ["published", "unreadable", "empty", "unreadable", "unreadable", "published"]
    for line, outcome in enumerate([*outcomes, "published"], start=1):
        expected[("feed.jsonl", line)] = outcome
    utf16_feed = json.dumps({"id": "u1", "text": FEED[3]}, ensure_ascii=False) + "\n"
    (folder / "feed16.jsonl").write_bytes(utf16_feed.encode("utf-16"))
    expected[("feed16.jsonl", 1)] = "published"

    compressed = gzip.compress(_random_jsonl(300))
    cut = compressed[: len(compressed) // 2]
    (folder / "cut.jsonl.gz").write_bytes(cut)
    for line in range(1, _complete_lines(cut) + 1):
        expected[("cut.jsonl.gz", line)] = "published"
    expected[("cut.jsonl.gz", None)] = "unreadable"

    loop = folder / "loop"
    loop.mkdir()
    (loop / "back").symlink_to("..")
    (loop / "self.txt").symlink_to("self.txt")
    expected[("loop/self.txt", None)] = "unreadable"
    return expected


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("bad")
    folder, out = base / "in", base / "out"
    expected = build_folder(folder)
    command = [
        *presswash_command(),
        "clean",
        str(folder),
        "--out",
        str(out),
        "--local",
        "--timeout",
        "10",
        "--max-decompressed",
        "4M",
    ]
    done = subprocess.run(
        command, env=presswash_env(), capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    return {"done": done, "out": out, "folder": folder, "expected": expected}


def _key(entry: dict[str, Any], folder: Path) -> tuple[str, int | None]:
    source = entry["source"]
    return str(Path(source["path"]).relative_to(folder)), source.get("line")


def test_no_traceback_and_exit_status_says_inputs_failed(bad_run: dict[str, Any]) -> None:
    done = bad_run["done"]
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 1, done.stderr
    assert "could not be used" in done.stdout
    assert str(bad_run["out"] / "rejected.jsonl") in done.stdout


def test_every_document_accounted_for_once(bad_run: dict[str, Any], validate: Any) -> None:
    articles, rejected = check_outputs(bad_run["out"], validate)
    keys = [_key(entry, bad_run["folder"]) for entry in articles + rejected]
    assert len(keys) == len(set(keys)), "a document written twice"
    assert set(keys) == set(bad_run["expected"])


def test_each_document_ends_as_expected(bad_run: dict[str, Any], validate: Any) -> None:
    articles, rejected = check_outputs(bad_run["out"], validate)
    outcome = {_key(a, bad_run["folder"]): "published" for a in articles}
    outcome.update({_key(r, bad_run["folder"]): r["reason"] for r in rejected})
    for key, wanted in bad_run["expected"].items():
        assert outcome[key] in wanted.split("|"), key
    for entry in rejected:
        assert entry["detail"].strip(), entry


def test_rejections_say_what_was_wrong(bad_run: dict[str, Any], validate: Any) -> None:
    _, rejected = check_outputs(bad_run["out"], validate)
    detail = {_key(r, bad_run["folder"]): r["detail"] for r in rejected}
    assert "binary" in detail[("random.bin", None)]
    assert "PNG" in detail[("photo.txt", None)]
    assert "cut short" in detail[("cut.txt.gz", None)]
    assert "nested too deeply" in detail[("deep.json", None)]
    assert "--max-decompressed" in detail[("bomb.txt.gz", None)]
    assert "loop" in detail[("loop/self.txt", None)]
    assert "line 2 is not valid JSON" in detail[("feed.jsonl", 2)]
    assert "no text" in detail[("feed.jsonl", 3)]
    assert "not a string" in detail[("feed.jsonl", 4)]
    lines_read = sum(1 for key in bad_run["expected"] if key[0] == "cut.jsonl.gz" and key[1])
    assert f"first {lines_read:,} documents were read" in detail[("cut.jsonl.gz", None)]


def test_decodable_files_published_with_their_text(bad_run: dict[str, Any], validate: Any) -> None:
    articles, _ = check_outputs(bad_run["out"], validate)
    text = {_key(a, bad_run["folder"]): a["text"] for a in articles}
    assert text[("good.txt", None)] == GOOD
    assert text[("latin1.txt", None)] == LATIN1
    assert text[("utf16.txt", None)] == UTF16
    assert text[("controls.txt", None)] == CONTROLS
    assert text[("unknown-charset.html", None)] == UNKNOWN_CHARSET
    assert text[("nested.html", None)] == "\n\n".join(NESTED)
    assert text[("feed.jsonl", 1)] == FEED[0]
    assert text[("feed.jsonl", 6)] == FEED[1] + " \ufffd"
    assert text[("feed.jsonl", 7)] == FEED[2]
    assert text[("feed16.jsonl", 1)] == FEED[3]
    repairs = {
        _key(a, bad_run["folder"]): {r["kind"] for r in a["cleaning"]["repairs"]} for a in articles
    }
    assert "lone_surrogates" in repairs[("feed.jsonl", 6)]


def test_a_pathological_page_cannot_hang_a_thread() -> None:
    """Prefect's thread pool and Dask run batches in threads, where no signal reaches: the
    watchdog process stops the page, and the next document is still cleaned."""
    slow = "<html><body>" + "<p>word word word</p>" * 60_000 + "</body></html>"
    batch: list[RawDocument | Unusable] = [
        RawDocument(Source("slow.html", "html", None), slow, "html"),
        RawDocument(Source("good.txt", "txt", None), GOOD, "text"),
    ]
    results: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        results["cleaned"] = clean_batch(batch, CleanOptions(seconds_per_document=0.5))
        results["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the thread hung"
    slow_result, good_result = results["cleaned"]
    assert isinstance(slow_result, Unusable) and slow_result.reason == "timeout"
    assert "--timeout" in slow_result.detail
    assert not isinstance(good_result, Unusable)
    assert good_result.record["text"] == GOOD


def test_deep_markup_keeps_its_text_and_paragraphs() -> None:
    html = "<div>" * 5000 + "<p>one</p><p>two</p>" + "</div>" * 5000
    flat, dropped = flatten_nesting(html, 100)
    assert dropped == 2 * (5000 - 100)
    assert flat.count("<div>") == 100 and "<p>one</p><p>two</p>" in flat


def test_cut_zstd_is_reported_after_its_good_lines(tmp_path: Path) -> None:
    data = zstandard.ZstdCompressor().compress(_random_jsonl(3000))
    path = tmp_path / "cut.jsonl.zst"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_file(InputFile(str(path), str(path)), Limits(), "0" * 64))
    *documents, last = items
    assert documents and all(isinstance(d, RawDocument) for d in documents)
    assert isinstance(last, Unusable) and last.reason == "unreadable"
    assert "cut short" in last.detail


def test_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    lines = _random_jsonl(200)
    path = tmp_path / "two.jsonl.gz"
    path.write_bytes(gzip.compress(lines[:9000]) + gzip.compress(lines[9000:]))
    items = list(read_file(InputFile(str(path), str(path)), Limits(), "0" * 64))
    assert len(items) == 200 and all(isinstance(i, RawDocument) for i in items)


def test_a_fifo_is_reported_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (item,) = list(expand_inputs([str(tmp_path)]))
    assert not isinstance(item, InputFile) and "not a regular file" in item.detail


def test_glob_over_a_symlink_loop_reads_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text(GOOD)
    (tmp_path / "a" / "up").symlink_to("..")
    (tmp_path / "a" / "up2").symlink_to("../a")
    found = list(expand_inputs([str(tmp_path / "**" / "*.txt")]))
    assert [getattr(item, "url", None) for item in found] == [str(tmp_path / "a" / "story.txt")]


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_cut_warc_reports_the_cut(tmp_path: Path, compressed: bool) -> None:
    from tests.test_outputs import _warc

    pages = [(f"https://port.example/{n}", "text/html", FEED[n].encode() * 40) for n in range(3)]
    data = _warc(pages)
    data = data if compressed else gzip.decompress(data)
    path = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = list(read_file(InputFile(str(path), str(path)), Limits(), "0" * 64))
    *documents, last = items
    assert len(documents) == 2 and all(isinstance(d, RawDocument) for d in documents)
    assert isinstance(last, Unusable) and last.reason == "unreadable"
    assert "cut short" in last.detail


def test_a_crash_while_cleaning_costs_one_document() -> None:
    """A C extension that kills its process (a segfault, the OOM killer) takes the watchdog's
    child, not the run: the document is rejected with the cause, the next one is cleaned."""
    from flows.batches import Watchdog

    watchdog = Watchdog()
    options = CleanOptions(seconds_per_document=60)
    good = RawDocument(Source("good.txt", "txt", None), GOOD, "text")
    assert not isinstance(watchdog.clean(good, options), Unusable)
    pid = watchdog.pid
    assert pid is not None
    slow = "<html><body>" + "<p>word word word</p>" * 60_000 + "</body></html>"
    killer = threading.Timer(1.0, os.kill, (pid, 9))
    killer.start()
    result = watchdog.clean(RawDocument(Source("slow.html", "html", None), slow, "html"), options)
    killer.join()
    assert isinstance(result, Unusable) and result.reason == "error"
    assert "SIGKILL" in result.detail
    again = watchdog.clean(good, options)
    assert not isinstance(again, Unusable) and watchdog.pid != pid
    watchdog.stop()


def test_a_feed_date_is_made_iso_or_dropped() -> None:
    """Records promise ISO 8601: a feed's own date format is converted, and what does not read
    as a date is left out rather than written as it came."""
    from cleaners import clean

    http_date = clean(GOOD, published="Tue, 30 Nov 2021 10:15:00 GMT")
    assert http_date.published == "2021-11-30T10:15:00+00:00"
    assert clean(GOOD, published="November 30, 2021").published == "2021-11-30"
    assert clean(GOOD, published="yesterday").published is None
