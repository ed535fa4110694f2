"""Deduplication: every kind of copy is found, different articles are kept apart, the canonical
rule holds, and later runs dedup against what earlier runs published."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cleaners.fingerprint import fingerprint
from cleaners.text_shape import word_count
from flows.dedup import Decision, Deduplicator, Member, canonical_order, compare
from flows.state import State
from tests.conftest import SEEDS, check_outputs, read_jsonl

CHROME_HEAD = "Home | World | Business | Sport | Culture\n\nShare on Facebook  Share on Twitter"
CHROME_TAIL = (
    "Sign up for the morning briefing and get our best stories in your inbox.\n\n"
    "Related: the markets rally as investors shrug off the latest figures\n\n"
    "© 2021 Morning Ledger Media Group. All rights reserved."
)
OTHER_CHROME_HEAD = "Menu\n\nOpen in app\n\nListen to this article, 6 minutes"
OTHER_CHROME_TAIL = (
    "Get the Evening Courier app for the fastest breaking news alerts on your phone.\n\n"
    "Tags: politics, economy, world affairs, elections\n\n"
    "Terms of use | Privacy | Contact the newsroom | Advertise with us"
)
BOILERPLATE = (
    "The Harbour Gazette is an independent newspaper covering business, politics and culture "
    "along the coast. Its reporters work from offices in four towns, and its editors welcome "
    "corrections, tips and letters from readers through the contact page of the website."
)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


@pytest.fixture(scope="module")
def articles(gold_texts: dict[str, str]) -> list[str]:
    """Real article texts (the aeb gold bodies) in a Latin script with some typography (curly
    quotes, dashes), of six paragraphs or more, in the order of their ids."""
    chosen = [
        "\n\n".join(_paragraphs(text))
        for _, text in sorted(gold_texts.items())
        if len(_paragraphs(text)) >= 6
        and not text.isascii()
        and "Ð" not in text
        and all(ord(c) < 0x250 or c in "\u2018\u2019\u201c\u201d\u2013\u2014\u2026" for c in text)
    ]
    return chosen


@pytest.fixture(scope="module")
def long_article(articles: list[str]) -> str:
    return max(articles, key=word_count)


@pytest.fixture(scope="module")
def short_articles(articles: list[str]) -> list[str]:
    return sorted((a for a in articles if 80 <= word_count(a) <= 200), key=word_count)


def member(doc_id: str, text: str, url: str | None = None, published: str | None = None) -> Member:
    return Member(doc_id, fingerprint(text, url), word_count(text), published)


def decide(members: list[Member], state: State | None = None) -> dict[str, Decision]:
    dedup = Deduplicator(state)
    for m in members:
        dedup.add(m)
    return {m.id: d for m, d in zip(members, dedup.decide(), strict=True)}


def clusters(decisions: dict[str, Decision]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for doc_id, d in decisions.items():
        groups.setdefault(d.cluster, set()).add(doc_id)
    return {frozenset(g) for g in groups.values()}


def published(decisions: dict[str, Decision]) -> set[str]:
    return {doc_id for doc_id, d in decisions.items() if d.duplicate_of is None}


def rescrape(text: str) -> str:
    swapped = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return "  ".join(swapped.upper().split(" ")).replace("\n\n", "\n \n\n")


# -- each kind of copy -----------------------------------------------------------------------


def test_exact_copies_and_rescrapes_are_exact_duplicates(articles: list[str]) -> None:
    text = articles[0]
    decisions = decide(
        [
            member("b-copy", text, "https://wire.example/world/", "2021-03-02"),
            member("a-original", text, "https://news.example/2021/03/01/story", "2021-03-01"),
            member(
                "c-rescrape", rescrape(text), "https://news.example/2021/03/01/story?utm_source=x"
            ),
        ]
    )
    assert published(decisions) == {"a-original"}
    for copy in ("b-copy", "c-rescrape"):
        assert decisions[copy].duplicate_of == "a-original"
        assert decisions[copy].match == "exact" and decisions[copy].similarity == 1.0


def test_a_copy_with_other_chrome_is_a_near_duplicate(articles: list[str]) -> None:
    text = articles[1]
    chrome = f"{CHROME_HEAD}\n\n{text}\n\n{CHROME_TAIL}"
    decisions = decide([member("original", text), member("chrome", chrome)])
    # The copy with chrome has more words: by the rule it is the canonical.
    assert published(decisions) == {"chrome"}
    assert decisions["original"].match == "near_duplicate"
    assert decisions["original"].similarity is not None and decisions["original"].similarity >= 0.7


def test_truncated_copies_are_contained_even_when_short(long_article: str) -> None:
    words = long_article.split(" ")
    excerpts = {
        f"excerpt-{share}": " ".join(words[: int(len(words) * share)])
        + "\n\nRead the full story at The Morning Ledger."
        for share in (0.15, 0.4)
    }
    members = [member("full", long_article)] + [member(k, v) for k, v in excerpts.items()]
    decisions = decide(members)
    assert published(decisions) == {"full"}
    for name in excerpts:
        assert decisions[name].duplicate_of == "full" and decisions[name].match == "contained"
        assert decisions[name].similarity is not None and decisions[name].similarity >= 0.85


def test_a_later_update_is_canonical_and_the_first_version_its_copy(articles: list[str]) -> None:
    text = articles[2]
    added = (
        "Update, 5:40 p.m.: The company said in a statement on Tuesday evening that it had "
        "reached an agreement with the regulator and would publish the full report next week."
    )
    paragraphs = text.split("\n\n")
    updated = "\n\n".join([paragraphs[0], added, *paragraphs[1:]])
    url = "https://news.example/2021/03/01/harbour-terminal-opens-late"
    decisions = decide(
        [
            member("first", text, url, "2021-03-01T08:00:00Z"),
            member("update", updated, url + "/", "2021-03-01T17:40:00Z"),
        ]
    )
    assert published(decisions) == {"update"}, "the most complete text is the canonical"
    assert decisions["first"].duplicate_of == "update"


def test_same_article_url_with_rewritten_text_is_a_copy(articles: list[str]) -> None:
    text, other = articles[3], articles[4]
    paragraphs, replacement = text.split("\n\n"), other.split("\n\n")
    half = len(paragraphs) // 2
    rewritten = "\n\n".join(paragraphs[:half] + replacement[: len(paragraphs) - half])
    url = "https://news.example/2021/03/01/storm-closes-the-bridge"
    a, b = (
        member("first", text, url),
        member("rewritten", rewritten, "https://m.news.example" + url[20:]),
    )
    assert compare(a.fingerprint, b.fingerprint)[0] == "url"
    assert compare(member("x", text).fingerprint, member("y", rewritten).fingerprint)[0] is None
    assert len(clusters(decide([a, b]))) == 1


def test_a_mojibake_copy_is_a_copy_once_cleaned(
    tmp_path: Path, run_cli: Any, validate: Any, articles: list[str]
) -> None:
    import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252

    text = next(a for a in articles if "\u2019" in a and word_count(a) < 400)
    garbled = text.encode("utf-8").decode("sloppy-windows-1252")
    assert garbled != text
    inputs = tmp_path / "in.jsonl"
    lines = [
        {"id": "original", "url": "https://news.example/2021/05/02/the-story", "text": text},
        {"id": "mojibake", "url": "https://news.example/2021/05/02/the-story/amp", "text": garbled},
    ]
    inputs.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert run_cli("clean", str(inputs))[0] == 0
    articles_out, rejected = check_outputs(tmp_path / "out", validate)
    assert [a["source"]["id"] for a in articles_out] == ["original"]
    assert [r["source"]["id"] for r in rejected] == ["mojibake"]


# -- non-copies ------------------------------------------------------------------------------


def test_two_articles_about_the_same_announcement_are_both_published() -> None:
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[01]_*"))}
    a, b = member("000", seeds["000"]), member("001", seeds["001"])
    assert compare(a.fingerprint, b.fingerprint)[0] is None
    assert published(decide([a, b])) == {"000", "001"}


def test_shared_boilerplate_does_not_make_a_copy(short_articles: list[str]) -> None:
    first, second = short_articles[0], short_articles[1]
    decisions = decide(
        [
            member("first", f"{first}\n\n{BOILERPLATE}", "https://gazette.example/2021/a-1"),
            member("second", f"{second}\n\n{BOILERPLATE}", "https://gazette.example/2021/b-2"),
        ]
    )
    assert published(decisions) == {"first", "second"}


@pytest.mark.parametrize(
    "url",
    [
        "https://www.gazette.example/",
        "https://gazette.example/news/",
        "https://gazette.example/2021/03/01/one-story-for-all",  # specific, but no common text
    ],
)
def test_a_shared_url_alone_does_not_make_a_copy(articles: list[str], url: str) -> None:
    decisions = decide([member(f"doc-{n}", articles[n], url) for n in range(4)])
    assert len(published(decisions)) == 4


def test_a_home_page_link_does_not_join_articles_with_common_boilerplate(
    short_articles: list[str],
) -> None:
    """A feed that links every item to the site's home page: the same URL and some text in
    common (the site's boilerplate) would be enough for two versions of one article's page."""
    footer = (
        f"{BOILERPLATE}\n\nOur journalism is funded by readers. Subscriptions start at four "
        "pounds a month, include the printed weekend edition delivered to your door, and can "
        "be cancelled at any time from your account page without a phone call or a letter."
        "\n\nThe Gazette's newsroom follows the editors' code of practice. Complaints about "
        "accuracy go to the readers' editor, who answers within ten working days and publishes "
        "a correction on this page and in print when a report was wrong."
    )
    home = "https://www.gazette.example/"
    first, second = (member(f"doc-{n}", f"{short_articles[n]}\n\n{footer}", home) for n in range(2))
    shared = compare(first.fingerprint, second.fingerprint)[1]
    assert 0.2 <= shared < 0.7, "the two texts overlap as much as an update of one page"
    assert published(decide([first, second])) == {"doc-0", "doc-1"}
    specific = "https://gazette.example/2021/03/01/one-story-for-all"
    first, second = (
        member(f"doc-{n}", f"{short_articles[n]}\n\n{footer}", specific) for n in range(2)
    )
    assert len(published(decide([first, second]))) == 1


def test_linked_copies_do_not_glue_different_articles(
    articles: list[str], long_article: str
) -> None:
    """A~B and B~C with A !~ C: an excerpt of one article, quoted by a digest page that carries
    another article in full, is a copy of both; the article and the digest stay apart."""
    other = next(a for a in articles if a != long_article and word_count(a) > 400)
    excerpt = " ".join(long_article.split(" ")[: word_count(long_article) // 4])
    digest = f"{excerpt}\n\n{other}"
    members = [
        member("article", long_article),
        member("excerpt", excerpt),
        member("digest", digest),
    ]
    fps = {m.id: m.fingerprint for m in members}
    assert compare(fps["excerpt"], fps["article"])[0] == "contained"
    assert compare(fps["excerpt"], fps["digest"])[0] == "contained"
    assert compare(fps["article"], fps["digest"])[0] is None
    decisions = decide(members)
    assert {"article", "digest"} <= published(decisions)
    assert decisions["excerpt"].duplicate_of in {"article", "digest"}


def test_copies_with_different_chrome_stay_with_their_story(short_articles: list[str]) -> None:
    """Two copies with different leftover chrome are not near-duplicates of each other, but
    both copy the same story: they join the canonical through it."""
    text = short_articles[0]
    one = f"{CHROME_HEAD}\n\n{text}\n\n{CHROME_TAIL}"
    two = f"{OTHER_CHROME_HEAD}\n\n{text}\n\n{OTHER_CHROME_TAIL}"
    members = [member("original", text), member("one", one), member("two", two)]
    assert compare(members[1].fingerprint, members[2].fingerprint)[0] is None
    decisions = decide(members)
    assert len(published(decisions)) == 1
    assert len(clusters(decisions)) == 1


# -- the canonical rule, and determinism -----------------------------------------------------


def test_canonical_rule_most_words_then_earliest_then_smallest_id(articles: list[str]) -> None:
    text = articles[5]
    longer = text + "\n\nA closing paragraph that makes this copy the most complete of all."
    early, late = "2021-03-01T08:00:00Z", "2021-03-02T08:00:00Z"
    by_date = decide([member("a", text, None, late), member("b", text, None, early)])
    assert published(by_date) == {"b"}
    by_id = decide([member("d", text, None, early), member("c", text, None, early)])
    assert published(by_id) == {"c"}
    undated_last = decide([member("e", text), member("f", text, None, late)])
    assert published(undated_last) == {"f"}
    by_words = decide([member("g", text, None, early), member("h", longer, None, late)])
    assert published(by_words) == {"h"}
    assert canonical_order(member("h", longer)) < canonical_order(member("g", text, None, early))


def test_decisions_do_not_depend_on_the_input_order(articles: list[str], long_article: str) -> None:
    members = [
        member("orig", articles[0], "https://news.example/2021/1/a-story"),
        member("copy", rescrape(articles[0]), "https://news.example/2021/1/a-story?utm_medium=x"),
        member("chrome", f"{CHROME_HEAD}\n\n{articles[0]}\n\n{CHROME_TAIL}"),
        member("long", long_article),
        member("excerpt", " ".join(long_article.split(" ")[:300])),
        member("other", articles[6]),
        member("same", articles[6]),
    ]
    expected = decide(members)
    for seed in range(3):
        shuffled = list(members)
        random.Random(seed).shuffle(shuffled)
        assert decide(shuffled) == expected


# -- across runs -----------------------------------------------------------------------------


def _run(state: State, members: list[Member], number: int) -> dict[str, Decision]:
    dedup = Deduplicator(state)
    for m in members:
        dedup.add(m)
    decisions = dedup.decide()
    with state.transaction() as db:
        dedup.store(db, number)
    return {m.id: d for m, d in zip(members, decisions, strict=True)}


def test_a_later_run_dedups_against_what_was_published(
    tmp_path: Path, articles: list[str], long_article: str
) -> None:
    state = State(tmp_path / "state.sqlite")
    url = "https://news.example/2021/03/01/the-long-story"
    first = _run(state, [member("long", long_article, url), member("other", articles[0])], 1)
    assert published(first) == {"long", "other"}
    excerpt = " ".join(long_article.split(" ")[:250])
    update = long_article + "\n\nUpdate: the council confirmed the figures on Friday evening."
    second = _run(
        state,
        [
            member("excerpt", excerpt),
            member("other-again", articles[0], "https://wire.example/world/"),
            member("update", update, url),
            member("new", articles[1]),
            member("new-copy", rescrape(articles[1])),
        ],
        2,
    )
    assert second["excerpt"].duplicate_of == "long" and second["excerpt"].match == "contained"
    assert second["other-again"].duplicate_of == "other"
    # What is published stays published, even when a more complete version comes later.
    assert second["update"].duplicate_of == "long"
    assert published(second) == {"new"} and second["new-copy"].duplicate_of == "new"
    again = _run(state, [member("long-again", long_article, url)], 3)
    assert published(again) == set()
    state.close()


def test_a_later_copy_of_a_rejected_copy_finds_the_published_record(
    tmp_path: Path, short_articles: list[str]
) -> None:
    """Run 1 publishes a copy with app chrome and rejects the plain text as its copy; run 2
    brings a copy with other chrome, a near-duplicate of the plain text only. In one run it
    would join through the plain text; over two runs it must too."""
    text = short_articles[0]
    mobile = member("mobile", f"{OTHER_CHROME_HEAD}\n\n{text}\n\n{OTHER_CHROME_TAIL}")
    plain = member("plain", text)
    chrome = member("chrome", f"{CHROME_HEAD}\n\n{text}\n\n{CHROME_TAIL}")
    assert compare(chrome.fingerprint, mobile.fingerprint)[0] is None
    assert compare(chrome.fingerprint, plain.fingerprint)[0] is not None
    state = State(tmp_path / "state.sqlite")
    first = _run(state, [plain, mobile], 1)
    assert published(first) == {"mobile"}
    second = _run(state, [chrome], 2)
    assert second["chrome"].duplicate_of == "mobile"
    state.close()


def test_state_lookups_find_text_url_and_bucket_matches_at_once(
    tmp_path: Path, articles: list[str]
) -> None:
    state = State(tmp_path / "state.sqlite")
    url = "https://news.example/2021/03/01/a-story-here"
    _run(state, [member("a", articles[0], url), member("b", articles[1])], 1)
    from flows.dedup import _keys

    probes = [member("x", articles[0]), member("y", "unrelated words " * 30, url)]
    rows = np.stack([np.concatenate([m.fingerprint.minhash, m.fingerprint.lead]) for m in probes])
    found = state.candidates(
        [m.fingerprint.text_hash for m in probes],
        [m.fingerprint.url_key for m in probes],
        _keys(rows),
        8,
    )
    ids = {node: state.entries([doc])[doc].id for node, doc in found}
    assert sorted(found) == found
    assert {(node, ids[node]) for node, _ in found} == {(0, "a"), (1, "a")}
    state.close()


def test_the_lsh_table_is_rebuilt_when_the_banding_changes(
    tmp_path: Path, articles: list[str]
) -> None:
    path = tmp_path / "state.sqlite"
    state = State(path)
    _run(state, [member("a", articles[0])], 1)
    state.set_meta("lsh_scheme", "an older banding")
    state.db.execute("DELETE FROM lsh")
    state.close()
    state = State(path)
    assert published(_run(state, [member("copy", articles[0] + " More.")], 2)) == set()
    state.close()


def test_a_state_from_before_leads_is_migrated(tmp_path: Path, articles: list[str]) -> None:
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE published (id TEXT PRIMARY KEY, text_hash TEXT NOT NULL, url_key TEXT,
            words INTEGER NOT NULL, shingles INTEGER NOT NULL, published TEXT,
            minhash BLOB NOT NULL, run INTEGER NOT NULL);
        CREATE TABLE lsh (bucket INTEGER NOT NULL, id TEXT NOT NULL);
        """
    )
    old = member("old", articles[0]).fingerprint
    db.execute(
        "INSERT INTO published VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ("old", old.text_hash, None, 500, old.shingles, None, old.minhash.tobytes(), 1),
    )
    db.commit()
    db.close()
    state = State(path)
    decisions = _run(state, [member("copy", articles[0] + " One more sentence here.")], 2)
    assert decisions["copy"].duplicate_of == "old"
    state.close()


# -- end to end ------------------------------------------------------------------------------


def _jsonl(path: Path, docs: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    return path


def test_end_to_end_copies_are_rejected_with_their_record(
    tmp_path: Path, run_cli: Any, validate: Any, articles: list[str], long_article: str
) -> None:
    url = "https://news.example/2021/04/15/the-long-story"
    excerpt = " ".join(long_article.split(" ")[:200]) + "\n\nRead the full story at News Example."
    docs = [
        {"id": "original", "url": url, "published": "2021-04-15", "text": long_article},
        {"id": "amp", "url": url + "/amp", "text": long_article},
        {"id": "excerpt", "url": "https://wire.example/syndicated/a-1", "text": excerpt},
        {"id": "other", "url": "https://wire.example/world/", "text": articles[0]},
        {"id": "feed", "url": "https://wire.example/world/", "text": articles[1]},
    ]
    inputs = _jsonl(tmp_path / "in.jsonl", docs)
    assert run_cli("clean", str(inputs))[0] == 0
    out = tmp_path / "out"
    articles_out, rejected = check_outputs(out, validate)
    by_source = {a["source"]["id"]: a for a in articles_out}
    assert sorted(by_source) == ["feed", "original", "other"]
    duplicates = {r["source"]["id"]: r for r in rejected}
    assert sorted(duplicates) == ["amp", "excerpt"]
    for entry in duplicates.values():
        assert entry["reason"] == "duplicate"
        assert entry["duplicate_of"] == by_source["original"]["id"]
        assert 0.85 <= entry["similarity"] <= 1.0
        assert entry["record"]["text"] and entry["record"]["dedup"]["duplicate_of"]
    assert duplicates["excerpt"]["record"]["dedup"]["match"] == "contained"
    first = (out / "articles.jsonl").read_bytes()

    # The same input again publishes nothing new, read again or not.
    assert run_cli("clean", str(inputs))[0] == 0
    assert run_cli("clean", str(inputs), "--reprocess")[0] == 0
    assert (out / "articles.jsonl").read_bytes() == first
    again = [r for r in read_jsonl(out / "rejected.jsonl")][len(rejected) :]
    assert sorted(r["source"]["id"] for r in again) == sorted(d["id"] for d in docs)

    # The same documents over two runs make the same clusters.
    split = tmp_path / "split"
    split.mkdir()
    _jsonl(split / "a.jsonl", docs[2:])
    assert run_cli("clean", str(split / "a.jsonl"), out=tmp_path / "two")[0] == 0
    _jsonl(split / "b.jsonl", docs[:2])
    assert run_cli("clean", str(split / "b.jsonl"), out=tmp_path / "two")[0] == 0
    two_articles, two_rejected = check_outputs(tmp_path / "two", validate)
    assert len(two_articles) == 3 and len(two_rejected) == 2

    # --no-dedup keeps every copy.
    assert run_cli("clean", str(inputs), "--no-dedup", out=tmp_path / "all")[0] == 0
    assert len(read_jsonl(tmp_path / "all" / "articles.jsonl")) == len(docs)


# -- bounded memory ----------------------------------------------------------------------------


def _corpus_of_copies(articles: list[str], long_article: str) -> list[Member]:
    """Originals with every kind of copy, in an order that mixes them."""
    members: list[Member] = []
    for n, text in enumerate(articles[:12]):
        url = f"https://news.example/2021/{n}/story-{n}"
        members.append(member(f"o{n}", text, url, f"2021-01-{n + 1:02d}"))
        members.append(member(f"r{n}", rescrape(text), url + "?utm_source=x"))
        members.append(member(f"c{n}", f"{CHROME_HEAD}\n\n{text}\n\n{CHROME_TAIL}"))
        if n % 3 == 0:
            members.append(member(f"e{n}", text))
    members.append(member("long", long_article))
    members.append(member("excerpt", " ".join(long_article.split(" ")[:250])))
    random.Random(7).shuffle(members)
    return members


@pytest.mark.parametrize("memory", [4096, 64 * 1024])
def test_decisions_do_not_depend_on_the_memory_setting(
    tmp_path: Path, articles: list[str], long_article: str, memory: int
) -> None:
    from flows.workfiles import parts_for

    members = _corpus_of_copies(articles, long_article)
    expected = decide(members)
    assert len(published(expected)) < len(members) / 2  # the corpus is mostly copies
    # The setting really splits the bucket keys into several parts.
    assert parts_for(len(members) * 73, 16, memory) > 2
    dedup = Deduplicator(None, tmp_path / "work", memory)
    for m in members:
        dedup.add(m)
    decisions = dedup.decide()
    assert {m.id: d for m, d in zip(members, decisions, strict=True)} == expected
    # Random access agrees with iteration, and the working files go with close().
    assert [decisions[i] for i in range(len(members))] == list(decisions)
    dedup.close()
    assert not any(p.is_file() for p in (tmp_path / "work").iterdir())


def test_the_run_keeps_no_signature_in_memory(articles: list[str]) -> None:
    """What `add` keeps is on disk: the deduplicator's own objects do not grow per document."""
    import sys

    dedup = Deduplicator(None)
    sizes = []
    for n, text in enumerate(articles[:2] * 40):
        dedup.add(member(f"d{n}", f"{text}\n\nVariant {n}."))
        if n in (9, 79):
            sizes.append(sum(sys.getsizeof(v) for v in vars(dedup).values()))
    assert sizes[0] == sizes[1]
    assert dedup.member(79).id == "d79" and len(dedup) == 80
    dedup.close()
