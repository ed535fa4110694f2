"""Deduplication benchmark (dedup issue): quality on real article texts, then scale.

Quality. Every gold article text of benchmarks/data/aeb/ground-truth.json becomes an original
plus a copy made in each way scraped news copies itself:

    exact      the same text syndicated elsewhere (often under the syndicator's section URL)
    rescrape   the same page scraped again: other quotes, spacing and paragraph breaks, a
               tracking-parameter URL (or, for a site's feed, the site's home page as its link)
    chrome     another site's copy with its own menus, share bars, newsletter and copyright
               lines at head and tail
    mobile     the mobile variant of the page (m. host) with app-promotion chrome
    truncated  a syndicated excerpt: the first 10-60% of the words, then "Read the full story
               at <site>."
    update     the same URL later, with a paragraph added (at the end or after the lede)
    mojibake   the AMP variant of the page, its UTF-8 read as Windows-1252

and non-copies: seeds 000 and 001 (two articles on the same announcement; 000 with a re-scrape
of itself, 001 with a truncated copy), pairs of different articles from the same site that carry
the same leftover site boilerplate paragraph, and exact copies of different articles that share
a syndicator's section-page URL. The corpus runs through `presswash clean` end to end, once in
one run and once split over two runs into the same `--out`; pairwise precision and recall of
"is a copy of" (same published cluster) are measured against the truth. Documents that are not
articles after cleaning (too short) are left out of both sides.

The gold ids are split in two halves by a hash of the id: the parameters in flows/dedup.py were
chosen on the `tune` half (`--sweep`), and the `held` half is reported apart. `--gold FILE`
measures any other {id: {"articleBody", "url"}} file (held-out real articles) the same way.

Scale. Synthetic documents (words drawn from the gold texts' vocabulary, 30% of them copies of
earlier ones in the ways above), 10k and 100k, each size in a fresh process: fingerprinting,
deciding, storing the state, then a second run of 10% more documents against that state; wall
time and peak RSS (getrusage; /proc for the resident size at each step).

    .venv/bin/python benchmarks/dedup.py                 # everything, writes results/dedup.txt
    .venv/bin/python benchmarks/dedup.py --sweep         # parameter measurements (tune half)
    .venv/bin/python benchmarks/dedup.py --quality-only --gold OTHER.json
    .venv/bin/python benchmarks/dedup.py --scale-only --sizes 10000
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD = ROOT / "benchmarks" / "data" / "aeb" / "ground-truth.json"
SEEDS = ROOT / "seeds"
RESULTS = ROOT / "benchmarks" / "results" / "dedup.txt"
TARGET_PRECISION, TARGET_RECALL = 0.99, 0.95
COPY_KINDS = ("exact", "rescrape", "chrome", "mobile", "truncated", "update", "mojibake")
SYNDICATORS = ("newswire-daily.com", "worldpress.net", "dailyreader.co.uk", "the-ledger.org")

# -- the corpus ----------------------------------------------------------------------------


@dataclass
class Doc:
    id: str
    label: str  # the truth: documents with the same label are copies of one another
    kind: str
    text: str
    url: str | None = None
    title: str | None = None
    published: str | None = None

    def json_line(self) -> str:
        fields = {"id": self.id, "url": self.url, "title": self.title}
        fields |= {"published": self.published, "text": self.text}
        return json.dumps(fields, ensure_ascii=False)


def half_of(gold_id: str) -> str:
    return "tune" if int(hashlib.sha256(gold_id.encode()).hexdigest()[:8], 16) % 2 else "held"


def load_gold(path: Path) -> dict[str, tuple[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: (value["articleBody"], value.get("url") or "") for key, value in data.items()}


class Words:
    """Filler words for chrome, headlines and added paragraphs, from the gold vocabulary."""

    def __init__(self, texts: list[str]) -> None:
        self.words = sorted({w for t in texts for w in re.findall(r"\b[a-z]{4,12}\b", t)})

    def phrase(self, rng: random.Random, count: int) -> str:
        return " ".join(rng.choice(self.words) for _ in range(count))

    def sentence(self, rng: random.Random, count: int) -> str:
        return self.phrase(rng, count).capitalize() + "."


HEAD_CHROME = (
    "Home | News | World | Business | Sport | Culture",
    "Skip to content",
    "Menu",
    "Advertisement",
    "Share this article",
    "Share on Facebook  Share on Twitter  Email",
    "Listen to this article",
    "5 min read",
    "Most popular: {phrase}",
)
TAIL_CHROME = (
    "Sign up for our daily newsletter to get the latest headlines in your inbox.",
    "© 2021 {site}. All rights reserved.",
    "Related: {phrase}",
    "Read more: {phrase}",
    "Tags: {tags}",
    "Comments are closed.",
    "Follow {site} on Twitter and Facebook.",
    "This article originally appeared on {site}.",
    "Terms of use | Privacy policy | Contact us",
    "Advertisement",
)
MOBILE_CHROME = ("Open in app", "Get the {site} app for the best reading experience.")
UPDATE_OPENINGS = (
    "Update, {hour}:{minute} p.m.:",
    "This story has been updated.",
    "Editor's note:",
    "Later on {day},",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "example.com").removeprefix("www.")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def rescrape(text: str, rng: random.Random) -> str:
    """The same text scraped again: other quotes, spacing and paragraph breaks."""
    swaps = [("“", '"'), ("”", '"'), ("’", "'"), ("‘", "'"), ("—", " -- "), ("…", "...")]
    if rng.random() < 0.5:
        swaps = [('"', "“"), ("'", "’")]
    for old, new in swaps:
        text = text.replace(old, new)
    paragraphs = [
        re.sub(" ", lambda _: rng.choice(("  ", " ", " ", "\u00a0")), p) for p in _paragraphs(text)
    ]
    return rng.choice(("\n", "\n\n", "\n\n\n", " \n \n")).join(paragraphs) + rng.choice(
        ("", "\n", "  \n")
    )


def chrome(
    text: str, rng: random.Random, words: Words, site: str, extra: tuple[str, ...] = ()
) -> str:
    def fill(line: str) -> str:
        return line.format(
            site=site,
            phrase=words.phrase(rng, rng.randint(5, 9)).capitalize(),
            tags=", ".join(words.phrase(rng, 1) for _ in range(4)),
        )

    head = [fill(x) for x in rng.sample(HEAD_CHROME, rng.randint(2, 4))]
    tail = [fill(x) for x in rng.sample(TAIL_CHROME, rng.randint(2, 5))]
    return "\n\n".join([*head, *(fill(x) for x in extra), text, *tail])


def truncate(text: str, rng: random.Random, site: str) -> str:
    """A syndicated excerpt: whole paragraphs up to 10-60% of the words (words, in a text of
    one paragraph), then a link to the rest."""
    paragraphs = _paragraphs(text)
    total = sum(len(p.split()) for p in paragraphs)
    target = max(1, int(total * rng.uniform(0.1, 0.6)))
    kept: list[str] = []
    count = 0
    for paragraph in paragraphs:
        if count >= target:
            break
        kept.append(paragraph)
        count += len(paragraph.split())
    if len(paragraphs) == 1:
        kept = [" ".join(paragraphs[0].split()[:target]) + "…"]
    return "\n\n".join([*kept, f"Read the full story at {site}."])


def update(text: str, rng: random.Random, words: Words) -> str:
    opening = rng.choice(UPDATE_OPENINGS).format(
        hour=rng.randint(1, 11), minute=f"{rng.randint(0, 59):02d}", day=rng.choice(DAYS)
    )
    added = " ".join([opening, *(words.sentence(rng, rng.randint(9, 16)) for _ in range(4))])
    paragraphs = _paragraphs(text)
    at = len(paragraphs) if rng.random() < 0.5 or len(paragraphs) < 3 else 1
    return "\n\n".join([*paragraphs[:at], added, *paragraphs[at:]])


def mojibake(text: str) -> str:
    import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252

    return text.encode("utf-8").decode("sloppy-windows-1252")


def url_variant(url: str, kind: str, rng: random.Random) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "example.com"
    bare = host.removeprefix("www.")
    path = parts.path or "/"
    if kind == "utm":
        query = "utm_source=twitter&utm_medium=social&utm_campaign=" + str(rng.randint(1, 99))
        return f"https://{host}{path}?{query}"
    if kind == "mobile":
        return f"https://m.{bare}{path}"
    if kind == "amp":
        if rng.random() < 0.5:
            return f"https://{host}{path.rstrip('/')}/amp/"
        return f"https://{bare.replace('.', '-')}.cdn.ampproject.org/c/s/{host}{path}"
    if kind == "slash":
        return f"http://{host}{path.rstrip('/')}/" if not path.endswith(".html") else url
    raise ValueError(kind)


def _date(rng: random.Random) -> tuple[int, int]:
    return rng.randint(1, 20), rng.randint(6, 18)


def build_corpus(gold: dict[str, tuple[str, str]], seed: int = 0) -> list[Doc]:
    words = Words([text for text, _ in gold.values()])
    by_host: dict[str, list[str]] = defaultdict(list)
    for gold_id, (_, url) in sorted(gold.items()):
        by_host[host_of(url)].append(gold_id)
    docs: list[Doc] = []
    for gold_id, (text, url) in sorted(gold.items()):
        rng = random.Random(f"{seed}/{gold_id}")
        url = url or f"https://www.example-{gold_id[:8]}.com/news/{gold_id[:12]}-story"
        host = host_of(url)
        site = host.split(".")[0].capitalize()
        day, hour = _date(rng)
        at = f"2019-11-{day:02d}T{hour:02d}:00:00Z"
        later = f"2019-11-{day + 1:02d}T{hour:02d}:30:00Z"
        shares_site = len(by_host[host]) > 1
        if shares_site:
            # The same site's leftover boilerplate on each of its articles: shared text that
            # must not make different articles copies.
            footer = (
                f"{site} is an independent publication covering news, business and culture. Its"
                f" reporters work from offices around the country, and its editors welcome"
                f" corrections, tips and letters from readers through the contact page on the"
                f" {site} website, which also lists the newsletters readers can subscribe to."
            )
            text = f"{text}\n\n{footer}"
        title = words.phrase(rng, 7).capitalize()

        def doc(
            kind: str,
            body: str,
            link: str | None,
            when: str = at,
            key: str = gold_id,
            headline: str = title,
        ) -> Doc:
            return Doc(f"{key[:16]}:{kind}", key, kind, body, link, headline, when)

        syndicator = rng.choice(SYNDICATORS)
        slug = "-".join(title.lower().split()[:5])
        section = rng.random() < 0.5
        docs += [
            doc("original", text, url),
            doc(
                "exact",
                text,
                f"https://www.{syndicator}/world/" if section else f"https://{syndicator}/{slug}",
            ),
            doc(
                "rescrape",
                rescrape(text, rng),
                f"https://{host}/" if shares_site else url_variant(url, "utm", rng),
            ),
            doc(
                "chrome",
                chrome(text, rng, words, syndicator.split(".")[0].capitalize()),
                f"https://{syndicator}/news/{rng.randint(10**5, 10**6)}",
            ),
            doc(
                "mobile",
                chrome(text, rng, words, site, MOBILE_CHROME),
                url_variant(url, "mobile", rng),
            ),
            doc(
                "truncated",
                truncate(text, rng, site),
                f"https://www.{rng.choice(SYNDICATORS)}/syndicated/{slug}-{rng.randint(1, 999)}",
            ),
            doc("update", update(text, rng, words), url_variant(url, "slash", rng), later),
            doc("mojibake", mojibake(text), url_variant(url, "amp", rng)),
        ]
    return docs


def seed_docs() -> list[Doc]:
    """Seeds 000 and 001: two different articles about the same announcement."""
    rng = random.Random("seeds")
    found = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[01]_*"))}
    return [
        Doc("seed000", "seed000", "original", found["000"]),
        Doc("seed000:rescrape", "seed000", "rescrape", rescrape(found["000"], rng)),
        Doc("seed001", "seed001", "original", found["001"]),
        Doc("seed001:truncated", "seed001", "truncated", truncate(found["001"], rng, "NBC News")),
    ]


# -- running presswash and scoring ---------------------------------------------------------


def presswash(inputs: list[Path], out: Path, *extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_PROFILES_PATH"] = os.devnull
    command = [str(Path(sys.executable).with_name("presswash")), "clean"]
    command += [*map(str, inputs), "--out", str(out), "--quiet", *extra]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"presswash failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"seconds": time.perf_counter() - started}


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if path.exists():
        with open(path, encoding="utf-8") as lines:
            yield from (json.loads(line) for line in lines if line.strip())


def clusters_of(
    out: Path, keep_records: bool = True
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Each input document's published cluster (the canonical id) and, if asked, its record;
    documents that are not articles are in neither."""
    cluster: dict[str, str] = {}
    records: dict[str, dict[str, Any]] = {}
    for record in read_jsonl(out / "articles.jsonl"):
        cluster[record["source"]["id"]] = record["id"]
        if keep_records:
            records[record["source"]["id"]] = record
    for entry in read_jsonl(out / "rejected.jsonl"):
        if entry["reason"] == "duplicate":
            cluster[entry["source"]["id"]] = entry["duplicate_of"]
            if keep_records:
                records[entry["source"]["id"]] = entry["record"]
    return cluster, records


def _pairs(groups: dict[Any, int]) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


@dataclass
class Score:
    documents: int = 0
    left_out: int = 0
    true_pairs: int = 0
    found_pairs: int = 0
    right_pairs: int = 0
    kind_found: Counter[str] = field(default_factory=Counter)
    kind_total: Counter[str] = field(default_factory=Counter)
    false_merges: list[tuple[str, str]] = field(default_factory=list)
    seeds_apart: bool = False

    @property
    def precision(self) -> float:
        return self.right_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.right_pairs / self.true_pairs if self.true_pairs else 1.0

    def line(self, name: str) -> str:
        met = self.precision >= TARGET_PRECISION and self.recall >= TARGET_RECALL
        kinds = " ".join(
            f"{k} {self.kind_found[k]}/{self.kind_total[k]}"
            for k in COPY_KINDS
            if self.kind_total[k]
        )
        return (
            f"{name}: precision {self.precision:.4f} recall {self.recall:.4f}"
            f" ({self.right_pairs}/{self.found_pairs} found pairs right,"
            f" {self.right_pairs}/{self.true_pairs} true pairs found; {self.documents} documents,"
            f" {self.left_out} not articles left out); seeds 000/001 apart: {self.seeds_apart};"
            f" target {'met' if met and self.seeds_apart else 'NOT met'}\n"
            f"    copies joined to their original, by kind: {kinds}"
        )


def score(docs: list[Doc], cluster: dict[str, str]) -> Score:
    result = Score()
    kept = [d for d in docs if d.id in cluster]
    result.documents, result.left_out = len(kept), len(docs) - len(kept)
    truth = Counter(d.label for d in kept)
    found = Counter(cluster[d.id] for d in kept)
    both = Counter((d.label, cluster[d.id]) for d in kept)
    result.true_pairs, result.found_pairs, result.right_pairs = (
        _pairs(truth),
        _pairs(found),
        _pairs(both),
    )
    originals = {d.label: d for d in kept if d.kind == "original"}
    for d in kept:
        if d.kind != "original" and d.label in originals:
            result.kind_total[d.kind] += 1
            result.kind_found[d.kind] += cluster[d.id] == cluster[originals[d.label].id]
    members: dict[str, list[Doc]] = defaultdict(list)
    for d in kept:
        members[cluster[d.id]].append(d)
    for group in members.values():
        for a, b in itertools.combinations(group, 2):
            if a.label != b.label:
                result.false_merges.append((a.id, b.id))
    result.seeds_apart = (
        "seed000" in cluster and "seed001" in cluster and cluster["seed000"] != cluster["seed001"]
    )
    return result


def write_inputs(docs: list[Doc], folder: Path, parts: int, seed: int = 0) -> list[Path]:
    """The corpus as JSONL, in `parts` files: each document in a part chosen at random, so
    that originals and copies arrive in either order across runs."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"parts/{seed}")
    files = [folder / f"part-{n}.jsonl" for n in range(parts)]
    handles = [open(f, "w", encoding="utf-8") for f in files]  # noqa: SIM115
    try:
        for d in docs:
            handles[rng.randrange(parts)].write(d.json_line() + "\n")
    finally:
        for h in handles:
            h.close()
    return files


def quality(docs: list[Doc], workers: int, name: str, report: list[str]) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        one = write_inputs(docs, work / "one", 1)
        timing = presswash(one, work / "out-one", "--workers", str(workers))
        scores["one run"] = score(docs, clusters_of(work / "out-one")[0])
        two = write_inputs(docs, work / "two", 2)
        for part in two:
            presswash([part], work / "out-two", "--workers", str(workers))
        scores["two runs"] = score(docs, clusters_of(work / "out-two")[0])
        before = scores_published(work / "out-two")
        presswash(two, work / "out-two", "--workers", str(workers))
        skipped = scores_published(work / "out-two") - before
        presswash(two, work / "out-two", "--workers", str(workers), "--reprocess")
        reprocessed = scores_published(work / "out-two") - before - skipped
        report.append(
            f"{name}: {len(docs)} documents, one run {timing['seconds']:.0f} s"
            f" ({workers} workers, cleaning included)"
        )
        for key, value in scores.items():
            report.append("  " + value.line(key))
            for a, b in value.false_merges[:10]:
                report.append(f"    false merge: {a} ~ {b}")
        report.append(
            f"  the same inputs again into the two-run output: {skipped} new articles;"
            f" read again with --reprocess: {reprocessed} new articles"
        )
    return scores


def scores_published(out: Path) -> int:
    return sum(1 for _ in read_jsonl(out / "articles.jsonl"))


# -- the parameter sweep --------------------------------------------------------------------


def sweep(docs: list[Doc], workers: int, report: list[str]) -> None:
    """Score distributions of true copy pairs and of different articles, and P/R of the
    Deduplicator over a grid of parameters, on texts cleaned by the real pipeline."""
    import numpy as np

    import flows.dedup as dedup
    from cleaners.fingerprint import (
        containment_counts,
        fingerprint,
        jaccards,
        names_one_article,
    )

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        presswash(
            write_inputs(docs, work / "in", 1),
            work / "out",
            "--no-dedup",
            "--workers",
            str(workers),
        )
        _, records = clusters_of(work / "out")
    kept = [d for d in docs if d.id in records]
    fps = {d.id: fingerprint(records[d.id]["text"], records[d.id]["url"]) for d in kept}
    words = {d.id: records[d.id]["word_count"] for d in kept}

    def measures(a: str, b: str) -> tuple[float, float, int, int]:
        fa, fb = fps[a], fps[b]
        small, large = (fa, fb) if fa.shingles <= fb.shingles else (fb, fa)
        shared, missing = containment_counts(small.minhash, large.minhash)
        j = float(jaccards(fa.minhash[None], fb.minhash[None])[0])
        samples = int(shared + missing)
        return j, (shared / samples if samples else 0.0), samples, small.shingles

    originals = {d.label: d.id for d in kept if d.kind == "original"}
    report.append(f"sweep over {len(kept)} cleaned documents ({len(docs) - len(kept)} left out)")
    report.append("  copy vs its original: Jaccard and containment share (min / 5th pct / median)")
    by_kind: dict[str, list[tuple[float, float, int, int]]] = defaultdict(list)
    for d in kept:
        if d.kind != "original" and d.label in originals:
            by_kind[d.kind].append(measures(d.id, originals[d.label]))
    for kind in COPY_KINDS:
        values = by_kind.get(kind)
        if not values:
            continue
        j = np.array([v[0] for v in values])
        c = np.array([v[1] for v in values])
        s = np.array([v[2] for v in values])
        report.append(
            f"    {kind:9} n={len(values):3}  J {j.min():.2f}/{np.percentile(j, 5):.2f}/"
            f"{np.median(j):.2f}  share {c.min():.2f}/{np.percentile(c, 5):.2f}/"
            f"{np.median(c):.2f}  samples min {s.min()}  P(LSH, J) min "
            + " ".join(
                f"b{b}:{(1 - (1 - j.min() ** (128 // b)) ** b):.2f}" for b in (16, 32, 42, 64)
            )
        )
    # Copies of one story that are not truncated (nor mojibake, which the cleaner may leave
    # half repaired): how far apart two of them can be (RELATED_JACCARD must reach them).
    by_label: dict[str, list[Doc]] = defaultdict(list)
    for d in kept:
        if d.kind not in ("truncated", "mojibake"):
            by_label[d.label].append(d)
    within = sorted(
        measures(a.id, b.id)[0]
        for group in by_label.values()
        for a, b in itertools.combinations(group, 2)
    )
    report.append(
        f"  copies of one story with each other (not truncated or mojibake): {len(within)} pairs,"
        f" Jaccard min {within[0]:.2f}, 1st pct {np.percentile(within, 1):.2f},"
        f" 5th pct {np.percentile(within, 5):.2f}"
    )
    # Different articles: every pair from different labels that shares anything at all.
    ids = [d.id for d in kept]
    label = {d.id: d.label for d in kept}
    sig = np.stack([fps[i].minhash for i in ids])
    top: list[tuple[float, float, str, str]] = []
    for x in range(len(ids)):
        same = np.count_nonzero(sig[x + 1 :] == sig[x], axis=1)
        for y in np.flatnonzero(same > 0):
            b = ids[x + 1 + int(y)]
            if label[b] != label[ids[x]]:
                j, c, samples, small = measures(ids[x], b)
                enough = small >= dedup.MIN_CONTAINED_SHINGLES
                enough = enough and samples >= dedup.MIN_CONTAINMENT_SAMPLES
                top.append((j, c if enough else 0.0, ids[x], b))
    top.sort(reverse=True)
    report.append(f"  different articles sharing any slot: {len(top)} pairs; highest Jaccard:")
    for j, c, a, b in top[:5]:
        report.append(f"    J {j:.2f} share {c:.2f}  {a} ~ {b}")
    report.append("  highest containment share among different articles:")
    for j, c, a, b in sorted(top, key=lambda t: -t[1])[:5]:
        report.append(f"    share {c:.2f} J {j:.2f}  {a} ~ {b}")
    same_url = [
        t
        for t in top
        if fps[t[2]].url_key == fps[t[3]].url_key and names_one_article(fps[t[2]].url_key)
    ]
    report.append(f"  different articles with the same article URL: {len(same_url)}")

    # Candidate generation alone: the share of true copy pairs (copy, original; texts not
    # identical) that meet in some bucket, and the candidate pairs per document it costs.
    from cleaners.fingerprint import lsh_keys

    leads = np.stack([fps[i].lead for i in ids])
    true_pairs = [
        (ids.index(d.id), ids.index(originals[d.label]))
        for d in kept
        if d.kind != "original"
        and d.label in originals
        and fps[d.id].text_hash != fps[originals[d.label]].text_hash
    ]
    report.append(f"  candidate recall on {len(true_pairs)} true pairs with different texts:")
    for bands in (16, 32, 64):
        for lead_bands in (0, 8):
            keys = lsh_keys(sig, bands)
            if lead_bands:
                keys = np.concatenate([keys, lsh_keys(leads, lead_bands, bands)], axis=1)
            met = sum(bool(np.intersect1d(keys[a], keys[b]).size) for a, b in true_pairs)
            candidates = set()
            for band in range(keys.shape[1]):
                order = np.argsort(keys[:, band], kind="stable")
                column = keys[order, band]
                for at in np.flatnonzero(column[1:] == column[:-1]).tolist():
                    candidates.add((int(order[at]), int(order[at + 1])))
            report.append(
                f"    {bands} bands of {128 // bands} rows, {lead_bands} lead bands:"
                f" {met / len(true_pairs):.3f}, {len(candidates) / len(ids):.1f} candidate pairs"
                " per document (adjacent in a bucket)"
            )
    grid = {
        "BANDS": (16, 32, 64),
        "LEAD_BANDS": (0, 4, 8),
        "NEAR_DUPLICATE_JACCARD": (0.5, 0.6, 0.7, 0.8, 0.9),
        "CONTAINED_SHARE": (0.7, 0.75, 0.85, 0.95),
        "MIN_CONTAINED_SHINGLES": (16, 24, 30, 40),
        "MIN_CONTAINMENT_SAMPLES": (4, 8, 16),
        "SAME_URL_JACCARD": (0.1, 0.2, 0.4),
        "RELATED_JACCARD": (0.15, 0.2, 0.3, 0.4, 0.5, 1.0),
    }
    defaults = {name: getattr(dedup, name) for name in grid}
    report.append("  P/R by parameter (others at their chosen value), one run:")
    for name, values in grid.items():
        cells = []
        for value in values:
            setattr(dedup, name, value)
            deduplicator = dedup.Deduplicator(None)
            for d in kept:
                deduplicator.add(
                    dedup.Member(
                        records[d.id]["id"], fps[d.id], words[d.id], records[d.id]["published"]
                    )
                )
            decisions = deduplicator.decide()
            cluster = {
                d.id: (dec.duplicate_of or records[d.id]["id"])
                for d, dec in zip(kept, decisions, strict=True)
            }
            result = score(kept, cluster)
            cells.append(f"{value}: P {result.precision:.4f} R {result.recall:.4f}")
        setattr(dedup, name, defaults[name])
        report.append(f"    {name}: " + "; ".join(cells))


# -- scale -----------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Synthetic:
    """Synthetic documents: words drawn from the gold vocabulary with a Zipf-like frequency;
    30% of them copies of an earlier original (exact, a word in 40 edited, truncated to its
    first 10-60%, or 60 words added at the end or in the middle)."""

    def __init__(self) -> None:
        import numpy as np

        counts = Counter(
            word for text, _ in load_gold(GOLD).values() for word in re.findall(r"\b\w+\b", text)
        )
        # The gold texts' words, most frequent first, drawn with Zipf's law as in running text.
        self.vocabulary = [word for word, _ in counts.most_common()]
        cumulative = np.cumsum(1.0 / np.arange(1, len(self.vocabulary) + 1))
        self.cumulative = cumulative / cumulative[-1]
        self.labels: dict[int, int] = {}

    def _draw(self, rng: Any, count: int) -> list[str]:
        import numpy as np

        picks = np.searchsorted(self.cumulative, rng.random(count)).tolist()
        return [self.vocabulary[i] for i in picks]

    def text(self, n: int) -> str:
        import numpy as np

        rng = np.random.default_rng(n)
        if n <= 10 or rng.random() >= 0.3:
            self.labels[n] = n
            words = self._draw(rng, int(rng.integers(150, 1200)))
            # Sentences of 8-25 words in paragraphs of 40-120 words, as articles come.
            ends = np.cumsum(rng.integers(8, 25, size=len(words) // 8 + 1)).tolist()
            for end in ends:
                if end <= len(words):
                    words[end - 1] += "."
            words[-1] = words[-1].rstrip(".") + "."
            cuts = np.cumsum(rng.integers(40, 120, size=len(words) // 40 + 1)).tolist()
            return "\n\n".join(
                " ".join(words[a:b]) for a, b in itertools.pairwise([0, *cuts]) if words[a:b]
            )
        root = self.labels[int(rng.integers(0, n))]
        self.labels[n] = root
        paragraphs = [p.split(" ") for p in self.text(root).split("\n\n")]
        way = int(rng.integers(0, 4))
        if way == 1:
            for paragraph in paragraphs:
                for i in rng.integers(0, len(paragraph), size=len(paragraph) // 40).tolist():
                    paragraph[i] = self.vocabulary[int(rng.integers(0, len(self.vocabulary)))]
        elif way == 2:
            total = sum(len(p) for p in paragraphs)
            keep = max(40, int(total * rng.uniform(0.1, 0.6)))
            kept: list[list[str]] = []
            for paragraph in paragraphs:
                kept.append(paragraph[: keep - sum(len(p) for p in kept)])
                if sum(len(p) for p in kept) >= keep:
                    break
            paragraphs = kept
        elif way == 3:
            at = len(paragraphs) if rng.random() < 0.5 else len(paragraphs) // 2
            paragraphs[at:at] = [self._draw(rng, 60)]
        return "\n\n".join(" ".join(p) for p in paragraphs)


def _pair_scores(labels: dict[int, int], decided: dict[int, str]) -> tuple[float, float]:
    truth = Counter(labels[n] for n in decided)
    found = Counter(decided.values())
    both = Counter((labels[n], decided[n]) for n in decided)
    return _pairs(both) / max(1, _pairs(found)), _pairs(both) / max(1, _pairs(truth))


def scale_one(size: int) -> dict[str, Any]:
    """One size, in this (fresh) process: two runs through the Deduplicator and the state,
    fingerprints made here from the synthetic texts (the cleaning workers' part)."""
    from cleaners.fingerprint import fingerprint
    from flows.dedup import Deduplicator, Member
    from flows.records import record_id
    from flows.state import State

    synthetic = Synthetic()
    figures: dict[str, Any] = {"size": size, "rss_start_mb": rss_mb()}
    first = int(size * 0.9)
    with tempfile.TemporaryDirectory() as tmp:
        state = State(Path(tmp) / "state.sqlite")
        decided: dict[int, str] = {}
        for run, (start, end) in enumerate(((0, first), (first, size)), start=1):
            dedup = Deduplicator(state)
            numbers = list(range(start, end))
            spent = 0.0
            for n in numbers:
                text = synthetic.text(n)
                clock = time.perf_counter()
                fp = fingerprint(text, f"https://site{n % 97}.example/story-{n}")
                dedup.add(Member(record_id(fp), fp, len(text.split()), None))
                spent += time.perf_counter() - clock
            figures[f"run{run}_fingerprint_s"] = spent
            clock = time.perf_counter()
            decisions = dedup.decide()
            figures[f"run{run}_decide_s"] = time.perf_counter() - clock
            figures[f"run{run}_rss_after_decide_mb"] = rss_mb()
            clock = time.perf_counter()
            published = [i for i, d in enumerate(decisions) if d.duplicate_of is None]
            with state.transaction() as db:
                dedup.store(db, run)
            figures[f"run{run}_store_s"] = time.perf_counter() - clock
            figures[f"run{run}_documents"] = len(numbers)
            figures[f"run{run}_published"] = len(published)
            for i, d in enumerate(decisions):
                decided[numbers[i]] = d.duplicate_of or dedup.ids[i]
            del dedup, decisions
        figures["state_mb"] = (Path(tmp) / "state.sqlite").stat().st_size / 2**20
        state.close()
    figures["precision"], figures["recall"] = _pair_scores(synthetic.labels, decided)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def end_to_end_one(size: int, workers: int) -> dict[str, Any]:
    """`presswash clean` over synthetic documents as JSONL, 90% in a first run and the other
    10% in a second run into the same --out, driven from this (fresh) process."""
    from flows.cli import main as presswash_main
    from flows.state import State

    synthetic = Synthetic()
    figures: dict[str, Any] = {"size": size}
    first = int(size * 0.9)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = []
        for name, numbers in (("a", range(first)), ("b", range(first, size))):
            path = work / f"{name}.jsonl"
            with open(path, "w", encoding="utf-8") as lines:
                for n in numbers:
                    url = f"https://site{n % 97}.example/story-{n}"
                    lines.write(json.dumps({"id": str(n), "url": url, "text": synthetic.text(n)}))
                    lines.write("\n")
            files.append(path)
        figures["rss_before_mb"] = rss_mb()
        for run, path in enumerate(files, start=1):
            clock = time.perf_counter()
            arguments = ["clean", str(path), "--out", str(work / "out"), "--quiet"]
            presswash_main([*arguments, "--workers", str(workers)])
            figures[f"run{run}_s"] = time.perf_counter() - clock
        # Before the outputs are read back here.
        figures["driver_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures["worker_peak_rss_mb"] = (
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        )
        state = State(work / "out" / "state.sqlite")
        for run, summary in enumerate(state.run_summaries(), start=1):
            figures[f"run{run}_dedup_s"] = summary["timings"]["dedup"]
            figures[f"run{run}_published"] = summary["published"]
        state.close()
        cluster, _ = clusters_of(work / "out", keep_records=False)
    decided = {int(k): v for k, v in cluster.items()}
    figures["documents"] = len(decided)
    figures["precision"], figures["recall"] = _pair_scores(synthetic.labels, decided)
    return figures


def _fresh(*arguments: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *arguments], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def scale(sizes: list[int], end_to_end: list[int], workers: int, report: list[str]) -> None:
    report.append(
        "scale, dedup stage: synthetic documents, 30% copies; run 1 = 90% of them into an empty"
        " state, run 2 = the other 10% against it, each size in a fresh process. Seconds; MB."
        " (Fingerprints are made by the cleaning workers in a real run.)"
    )
    for size in sizes:
        f = _fresh("--scale-one", str(size))
        report.append(
            f"  {size:>7} documents: fingerprint"
            f" {f['run1_fingerprint_s'] + f['run2_fingerprint_s']:.1f} s;"
            f" run 1 decide {f['run1_decide_s']:.1f} s + store {f['run1_store_s']:.1f} s"
            f" ({f['run1_published']} published); run 2 decide {f['run2_decide_s']:.2f} s +"
            f" store {f['run2_store_s']:.2f} s; peak RSS {f['peak_rss_mb']:.0f} MB"
            f" (at start {f['rss_start_mb']:.0f}); state.sqlite {f['state_mb']:.0f} MB;"
            f" P {f['precision']:.4f} R {f['recall']:.4f}"
        )
    if end_to_end:
        report.append(
            f"scale, end to end: `presswash clean` (--workers {workers}) over the same synthetic"
            " documents as JSONL, 90% then 10% into one --out; the driver is the process that"
            " reads, dedups and writes."
        )
    for size in end_to_end:
        f = _fresh("--end-to-end-one", str(size), "--workers", str(workers))
        report.append(
            f"  {size:>7} documents: run 1 {f['run1_s']:.0f} s (dedup {f['run1_dedup_s']:.1f} s,"
            f" {f['run1_published']} published), run 2 {f['run2_s']:.1f} s (dedup"
            f" {f['run2_dedup_s']:.2f} s); driver peak RSS {f['driver_peak_rss_mb']:.0f} MB"
            f" (before the runs {f['rss_before_mb']:.0f}), worker peak RSS"
            f" {f['worker_peak_rss_mb']:.0f} MB; P {f['precision']:.4f} R {f['recall']:.4f}"
        )


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--scale-only", action="store_true")
    parser.add_argument("--end-to-end", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--scale-one", type=int)
    parser.add_argument("--end-to-end-one", type=int)
    args = parser.parse_args()
    if args.scale_one:
        print(json.dumps(scale_one(args.scale_one)))
        return
    if args.end_to_end_one:
        print(json.dumps(end_to_end_one(args.end_to_end_one, args.workers)))
        return
    gold = load_gold(args.gold)
    report: list[str] = []
    full = not (args.sweep or args.quality_only or args.scale_only)

    def section(make: Any, *arguments: Any) -> None:
        done = len(report)
        make(*arguments, report)
        print("\n".join(report[done:]), flush=True)

    if args.gold == GOLD and (args.sweep or full):
        tune = {k: v for k, v in gold.items() if half_of(k) == "tune"}
        section(sweep, build_corpus(tune) + seed_docs(), args.workers)
    if not (args.sweep or args.scale_only):
        if args.gold == GOLD:
            for half in ("tune", "held"):
                part = {k: v for k, v in gold.items() if half_of(k) == half}
                corpus = build_corpus(part) + seed_docs()
                section(quality, corpus, args.workers, f"aeb {half} half")
        else:
            section(quality, build_corpus(gold) + seed_docs(), args.workers, str(args.gold))
    if full or args.scale_only:
        section(scale, args.sizes, args.end_to_end, args.workers)
    if full and args.gold == GOLD:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
