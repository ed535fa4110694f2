"""Fuzzing the cleaners: generated inputs through the whole per-document path, no crash allowed.

Issue 7's target: 10,000 generated inputs, 0 crashes. Each input goes through what a run does
with one document (`clean`, `fingerprint`, the article record, JSON as written, validated
against cleaners/schema/article.schema.json), called directly so that an exception is a crash
here (in a run, `flows.batches.clean_one` would catch it and reject the document as `error`).
Text inputs are also cleaned a second time, with the metadata the first cleaning found, to count
idempotence failures. Inputs are drawn from a seeded `random.Random`: the same seed gives the
same inputs, and a failure names the input's number.

Kinds of input: random code points (lone surrogates, controls, combining marks, any plane),
random bytes, documents assembled from pieces (every rule's examples, sentences in several
scripts, mojibake, header lines, control and escape sequences, markup), random tag soup (deep,
unclosed, script and comment, bogus charsets), the seeds and AEB pages mutated (cut, bytes
flipped, re-encoded, NULs, lines joined), and long inputs (lines without punctuation up to
256 KB, thousands of short paragraphs).

Second part: the time each stage takes on a 10 MB single line of no sentences, each stage in
its own process so that one that does not finish is stopped (and the next stage gets its input).

Third part: growth. Some 60 shapes of text (one unit repeated: spaces, words in capitals, dots,
brackets, mojibake...) cleaned at 8,000 and 32,000 characters; a regex that backtracks over a
run shows as time growing 16x instead of 4x (two did, before stop 15: runs of spaces in
normalization, words in capitals in the teaser-strip test).

    .venv/bin/python benchmarks/fuzz.py [--inputs 10000] [--seed 7] [--stage-limit 120]
                                        [--skip-fuzz] [--skip-stages] [--skip-growth]

Prints the figures and writes them to benchmarks/results/fuzz.txt.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners import clean  # noqa: E402
from cleaners.fingerprint import fingerprint  # noqa: E402
from cleaners.rules import default_rules  # noqa: E402
from flows.batches import DocumentTimeout, time_limit  # noqa: E402
from flows.documents import Source  # noqa: E402
from flows.records import article_record, record_id  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "fuzz.txt"
SEEDS = ROOT / "seeds"
AEB = ROOT / "benchmarks" / "data" / "aeb" / "html"
# A generated input that takes longer than this is reported as a hang: a run (default
# --timeout) would reject it as `timeout`.
HANG_SECONDS = 30.0

SENTENCES = (
    "The council approved the budget on Tuesday after a long debate in the chamber.",
    "Officials said the new terminal would open in May, two years later than planned.",
    "Die Regierung hat am Montag neue Maßnahmen gegen die Inflation angekündigt.",
    "Le gouvernement a présenté mercredi un projet de loi sur l'énergie.",
    "Уряд ухвалив нове рішення щодо бюджету на наступний рік.",
    "Правительство объявило о новых мерах поддержки экономики.",
    "政府は月曜日に新しい経済対策を発表した。",
    "قالت الحكومة إن الإجراءات الجديدة ستدخل حيز التنفيذ الشهر المقبل.",
    "Ο πρωθυπουργός μίλησε για την οικονομία.",
)
HEADER_LINES = (
    "Council passes budget",
    "Council passes budget - City Herald",
    "20211130",
    "2021-11-30T10:15:00Z",
    "November 30, 2021",
    "30 Nov 2021",
    "https://example.com/news/budget",
    "url: http://x.example/a?b=c",
)
DAMAGE = (
    "Ã©tÃ© Ã  Paris",
    "РєР ° РЅР ° Р »РІ",
    "â€œquotedâ€\x9d",
    "\x1b[31mred\x1b[0m",
    "a\x00b\x07c",
    "e\u00ad\u0301",
    "\ufeff",
    "\u200b\u200d\u2060",
    "\ud800",
    "\udfff",
    "\u202e",
    "…",
    "\r\n",
    "\u2028",
    "\x85",
    "&amp;&#x27;&nbsp;",
)
MARKUP = ("<p>", "</p>", "<div>", "</div>", "<br>", "<b>x</b>", "<script>var a='<div>';</script>")
TAGS = ("div", "p", "span", "a", "b", "i", "table", "tr", "td", "ul", "li", "article", "section")
CHARSETS = (None, "utf-8", "latin-1", "cp1251", "utf-16", "x-bogus", "", "koi8-r", "shift_jis")
ENCODINGS = ("utf-8", "cp1252", "latin-1", "cp1251", "utf-16", "utf-16-le", "utf-8-sig")
SEPARATORS = ("\n", "\n\n", "\r\n", " \n ", "\u2028", " ", "\n\n\n", "\t")


class Inputs:
    """The generators, over one seeded random source and the corpus they mutate."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rules = default_rules()
        self.examples = [e for r in rules.rules for e in (*r.must_match, *r.must_keep)]
        self.seed_texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
        self.pages = [
            gzip.decompress(p.read_bytes()).decode("utf-8") for p in sorted(AEB.glob("*.gz"))[:40]
        ]

    def one(self) -> tuple[str, str | bytes, str, dict[str, Any]]:
        """(kind, content, format, metadata) of the next input."""
        kind = self.rng.choices(
            ("unicode", "bytes", "pieces", "html", "mutated", "long", "rendered"),
            weights=(20, 10, 25, 15, 20, 5, 5),
        )[0]
        content, fmt = getattr(self, kind)()
        return kind, content, fmt, self.metadata()

    def length(self) -> int:
        roll = self.rng.random()
        if roll < 0.9:
            return self.rng.randrange(0, 4000)
        if roll < 0.99:
            return self.rng.randrange(4000, 64000)
        return self.rng.randrange(64000, 512000)

    def char(self) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return chr(self.rng.randrange(0x20, 0x7F))
        if roll < 0.6:
            return chr(self.rng.randrange(0, 0x20))
        if roll < 0.7:
            return self.rng.choice(" \n\n.!?,;:'\"-–—«»“”")
        if roll < 0.95:
            return chr(self.rng.randrange(0x80, 0x3000))
        return chr(self.rng.randrange(0, 0x110000))

    def unicode(self) -> tuple[str, str]:
        size = self.rng.randrange(0, 2000)
        return "".join(self.char() for _ in range(size)), self.rng.choice(("text", "html"))

    def bytes(self) -> tuple[bytes, str]:
        return self.rng.randbytes(self.rng.randrange(0, 4000)), self.rng.choice(("text", "html"))

    def piece(self) -> str:
        pool = self.rng.choice(
            (self.examples, SENTENCES, HEADER_LINES, DAMAGE, MARKUP, self.examples, SENTENCES)
        )
        return str(self.rng.choice(pool))

    def pieces(self) -> tuple[str, str]:
        parts = []
        for _ in range(self.rng.randrange(0, 40)):
            parts.append(self.piece())
            parts.append(self.rng.choice(SEPARATORS))
        return "".join(parts), "text"

    def rendered(self) -> tuple[str, str]:
        """What an HTML-to-text renderer writes: Markdown links (some with no definition,
        some broken), images, share rows, lines wrapped at a width, a text browser's markers
        and References list."""
        rng = self.rng
        labels = [str(n) for n in range(1, rng.randrange(2, 12))]
        parts = []
        for _ in range(rng.randrange(1, 30)):
            sentence = f"{self.piece()} {rng.choice(SENTENCES)}"
            roll = rng.random()
            if roll < 0.3:
                sentence = f"[{sentence[:20]}][{rng.choice(labels)}]{sentence[20:]}"
            elif roll < 0.45:
                sentence = f"{sentence} [more](https://example.com/{rng.randrange(99)})"
            elif roll < 0.55:
                sentence = f"![{sentence[:10]}](https://example.com/i.jpg) {sentence}"
            elif roll < 0.65:
                sentence = f"Whatsapp Facebook Pint Baixar {sentence}"
            elif roll < 0.7:
                sentence = sentence.replace("]", "").replace("[", "[[")
            elif roll < 0.8:
                sentence = f"[{rng.choice(labels)}]{sentence}"
            parts.append(sentence)
        text = "\n\n".join(parts)
        if rng.random() < 0.7:
            width = rng.choice((40, 60, 72, 80, 100, 120))
            text = "\n\n".join(
                "\n".join(p[i : i + width] for i in range(0, len(p), width))
                for p in text.split("\n\n")
            )
        if rng.random() < 0.7:
            tails = ("ab-c", "Advertisement", "", "9")
            text += "\n\n" + "\n".join(
                f"[{label}]: https://example.com/{'x' * rng.randrange(0, 120)}\n{rng.choice(tails)}"
                for label in labels
            )
        if rng.random() < 0.3:
            text += "\n\nReferences\n\n   Visible links:\n" + "\n".join(
                f"{label:>4}. {rng.choice(('https://example.com/', 'file:///a b', 'x'))}"
                for label in labels
            )
        return text, "text"

    def html(self) -> tuple[str | bytes, str]:
        rng = self.rng
        depth = rng.choice((1, 5, 30, 300, 3000))
        opened = [rng.choice(TAGS) for _ in range(depth)]
        head = ""
        if rng.random() < 0.3:
            head = f"<head><meta charset='{rng.choice(CHARSETS) or ''}'><title>{self.piece()}"
            head += "</title></head>"
        body = "".join(f"<{t} class='{rng.randrange(99)}'>" for t in opened)
        for _ in range(rng.randrange(0, 30)):
            body += f"<p>{self.piece()} {rng.choice(SENTENCES)}</p>"
            if rng.random() < 0.2:
                body += rng.choice(MARKUP)
        closes = opened[::-1] if rng.random() < 0.7 else rng.sample(opened, k=len(opened) // 2)
        body += "".join(f"</{t}>" for t in closes)
        page = f"<!DOCTYPE html><html>{head}<body>{body}</body></html>"
        if rng.random() < 0.3:
            encoding = rng.choice(ENCODINGS)
            return page.encode(encoding, "replace"), "html"
        return page, "html"

    def mutated(self) -> tuple[str | bytes, str]:
        rng = self.rng
        fmt = rng.choice(("text", "html"))
        source = rng.choice(self.seed_texts if fmt == "text" else self.pages)
        data = source.encode(rng.choice(ENCODINGS), "replace")
        for _ in range(rng.randrange(0, 4)):
            operation = rng.randrange(5)
            at = rng.randrange(len(data) + 1)
            if operation == 0:
                data = data[:at]
            elif operation == 1 and data:
                flipped = bytearray(data)
                for _ in range(rng.randrange(1, 50)):
                    flipped[rng.randrange(len(flipped))] = rng.randrange(256)
                data = bytes(flipped)
            elif operation == 2:
                data = data[:at] + b"\0" * rng.randrange(1, 500) + data[at:]
            elif operation == 3:
                data = data.replace(b"\n", b" ")
            else:
                data = data[:at] + rng.randbytes(rng.randrange(1, 200)) + data[at:]
        if rng.random() < 0.5:
            return data.decode("utf-8", "replace"), fmt
        return data, fmt

    def long(self) -> tuple[str, str]:
        rng = self.rng
        size = self.length()
        shape = rng.randrange(4)
        if shape == 0:
            words = ("word", "Слово", "mot", "ab", "x")
            text = " ".join(rng.choice(words) for _ in range(size // 4))
        elif shape == 1:
            text = rng.choice("a .,-'\"Ã") * size
        elif shape == 2:
            text = "\n".join(rng.choice(HEADER_LINES + SENTENCES) for _ in range(size // 30))
        else:
            text = "".join(self.piece() + " " for _ in range(size // 40))
        return text, rng.choice(("text", "text", "html"))

    def metadata(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.6:
            return {}
        return {
            "url": rng.choice((None, "https://example.com/a", "http://", "not a url", "\ud800")),
            "title": rng.choice((None, "", self.piece())),
            "published": rng.choice((None, "2021-11-30", "yesterday", "\x00")),
            "charset": rng.choice(CHARSETS),
        }


def check_one(content: str | bytes, fmt: str, meta: dict[str, Any], validator: Any) -> str | None:
    """Clean one input as a run would; an idempotence failure comes back as a message, any
    other failure raises."""
    doc = clean(content, format=fmt, **meta)  # type: ignore[arg-type]
    fp = fingerprint(doc.text, doc.url)
    record = article_record(doc, Source("fuzz", "txt", None), record_id(fp))
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    line.encode("utf-8")
    if doc.text:  # an empty text is rejected, its record only recovered
        validator.validate(json.loads(line))
    if fmt == "text" and isinstance(content, str):
        again = clean(doc.text, title=doc.title, url=doc.url, published=doc.published)
        if again.text != doc.text:
            return f"cleaning the output again changed it: {doc.text[:80]!r} -> {again.text[:80]!r}"
    return None


def article_validator() -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    folder = ROOT / "cleaners" / "schema"
    schemas = {
        name: json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))
        for name in ("article", "rejected")
    }
    registry = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in schemas.values()]
    )
    return Draft202012Validator(schemas["article"], registry=registry)


def fuzz(count: int, seed: int) -> list[str]:
    inputs = Inputs(seed)
    validator = article_validator()
    kinds: Counter[str] = Counter()
    crashes: list[str] = []
    hangs: list[str] = []
    idempotence: list[str] = []
    times: list[tuple[float, int, str, int]] = []
    started = time.perf_counter()
    for number in range(count):
        kind, content, fmt, meta = inputs.one()
        kinds[kind] += 1
        clock = time.perf_counter()
        try:
            with time_limit(HANG_SECONDS):
                problem = check_one(content, fmt, meta, validator)
            if problem:
                idempotence.append(f"#{number} ({kind}): {problem}")
        except DocumentTimeout:
            hangs.append(f"#{number} ({kind}, {len(content):,} long): over {HANG_SECONDS:g} s")
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            crashes.append(
                f"#{number} ({kind}, {fmt}, {len(content):,} long): {type(error).__name__}: "
                f"{str(error)[:120]} at {Path(where.filename).name}:{where.lineno}; "
                f"input starts {content[:60]!r}"
            )
        times.append((time.perf_counter() - clock, number, kind, len(content)))
        if (number + 1) % 1000 == 0:
            print(f"  {number + 1} inputs, {len(crashes)} crashes", file=sys.stderr)
    total = time.perf_counter() - started
    durations = sorted(t for t, *_ in times)
    slowest = sorted(times, reverse=True)[:5]
    lines = [
        f"fuzz: {count} generated inputs (seed {seed}), {total:.0f} s",
        "kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
        f"crashes: {len(crashes)}",
        *[f"  {c}" for c in crashes[:20]],
        f"hangs (over {HANG_SECONDS:g} s): {len(hangs)}",
        *[f"  {h}" for h in hangs[:20]],
        f"idempotence failures (text cleaned again with its metadata): {len(idempotence)}",
        *[f"  {i}" for i in idempotence[:20]],
        f"time per input: median {statistics.median(durations) * 1000:.1f} ms, "
        f"p99 {durations[int(len(durations) * 0.99)] * 1000:.0f} ms, "
        f"max {durations[-1]:.2f} s",
        "slowest inputs:",
        *[f"  #{n} {k}, {size:,} characters or bytes: {t:.2f} s" for t, n, k, size in slowest],
    ]
    return lines


# Each stage of the 10 MB line, in its own process: (name, code run on `doc`, the Document).
STAGES: tuple[tuple[str, str], ...] = (
    ("decode", "from cleaners.decode import decode; decode(doc.text.encode('utf-8'))"),
    ("repair", "from cleaners.pipeline import repair_stage; doc = repair_stage(doc)"),
    ("normalize", "from cleaners.pipeline import normalize_stage; doc = normalize_stage(doc)"),
    ("strip", "from cleaners.strip import strip_boilerplate; doc = strip_boilerplate(doc)"),
    ("header", "from cleaners.header import read_header; doc = read_header(doc)"),
    ("assess", "from cleaners.assess import assess; doc = assess(doc)"),
    ("fingerprint", "from cleaners.fingerprint import fingerprint; fingerprint(doc.text, None)"),
    (
        "html extract",
        "from cleaners.html import extract_html; extract_html('<html><body><p>' + doc.text"
        " + '</p></body></html>')",
    ),
)
_STAGE_RUNNER = """
import pickle, sys, time
sys.path.insert(0, {root!r})
doc = pickle.load(open({path!r}, 'rb'))
started = time.perf_counter()
{code}
seconds = time.perf_counter() - started
pickle.dump(doc, open({path!r}, 'wb'))
print(seconds)
"""


def long_line(kind: str) -> str:
    size = 10 * 1000 * 1000
    if kind == "words":
        return ("word " * (size // 5))[:size]
    return "a" * size


def stage_timings(kind: str, limit: float) -> list[str]:
    from cleaners.document import Document

    lines = [f"10 MB single line of no sentences ({kind!r}), each stage in its own process:"]
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "doc.pickle")
        with open(path, "wb") as handle:
            pickle.dump(Document(text=long_line(kind)), handle)
        for name, code in STAGES:
            script = _STAGE_RUNNER.format(root=str(ROOT), path=path, code=code)
            try:
                done = subprocess.run(
                    [sys.executable, "-c", script],
                    capture_output=True,
                    text=True,
                    timeout=limit,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                lines.append(f"  {name:12s} > {limit:g} s (stopped; the next stage gets its input)")
                continue
            if done.returncode != 0:
                error = done.stderr.strip().splitlines()[-1:] or ["?"]
                lines.append(f"  {name:12s} failed: {error[0][:120]}")
                continue
            lines.append(f"  {name:12s} {float(done.stdout.strip()):8.2f} s")
    whole = _whole_clean(kind, limit)
    lines.append(f"  {'clean()':12s} {whole}")
    return lines


def _whole_clean(kind: str, limit: float) -> str:
    script = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks.fuzz import long_line\nfrom cleaners import clean\n"
        f"text = long_line({kind!r}); started = time.perf_counter(); clean(text)\n"
        "print(time.perf_counter() - started)"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=limit * 3
        )
    except subprocess.TimeoutExpired:
        return f"> {limit * 3:g} s (stopped)"
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines()[-1:] or ["?"])[0][:120]
    return f"{float(done.stdout.strip()):8.2f} s (the whole pipeline, one process)"


# Third part: how the time grows with the input, on text made of one unit repeated (the shapes
# where a regex that backtracks over a run costs the square of the run). Each shape is cleaned
# at two sizes four times apart: linear time grows about 4x, quadratic 16x.
GROWTH_SIZES = (8_000, 32_000)
GROWTH_UNITS = (
    " ",
    "a",
    "\n",
    ".",
    "Ab. ",
    "-",
    "ab ",
    "| ",
    "[",
    "[a](b) ",
    "#",
    "Ã©",
    "\x92",
    "AB CD ",
    "AB CD\n\n",
    "Ab Cd ",
    "1",
    "http://a.b/ ",
    "\t",
    " \n ",
    "\u00a0",
    "*",
    "_",
    '"',
    "<",
    "[1]: http://a.b\n",
    "March 3, 2020 ",
    "By Ann Lee\n\n",
    "ab\n",
    "...",
    ", ",
    "'",
    "(",
    "@a ",
    "Ð²",
    "中",
    "Home\n\n",
    "A. ",
    "Read more: ",
    "— ",
    "😀",
    "**a** ",
    "> ",
    "1. ",
    "• ",
    "Photo: ",
    "(Image credit: X) ",
    "SUBSCRIBE ",
    "Share Facebook Twitter ",
    "AB: ",
    "AB-CD ",
    "â€™",
    "&amp;",
    "says: ",
    "Ab Cd Ef\n",
    "AB’ ",
    "“AB” ",
    "a\u200b",
    "ab-\ncd ",
    "## a\n",
    "* a\n",
    "---\n",
    "a!!! ",
)
GROWTH_FLAG = 8.0


def growth(limit: float) -> list[str]:
    rows: list[tuple[float, str, float, float]] = []
    for unit in GROWTH_UNITS:
        times: list[float] = []
        for size in GROWTH_SIZES:
            text = unit * (size // len(unit))
            started = time.perf_counter()
            try:
                with time_limit(limit):
                    clean(text)
            except DocumentTimeout:
                times.append(float("inf"))
                break
            times.append(time.perf_counter() - started)
        small, large = times[0], times[-1]
        ratio = large / max(small, 1e-4) if len(times) == len(GROWTH_SIZES) else float("inf")
        rows.append((ratio, unit, small, large))
    # A ratio on times of a millisecond or two is noise: flag only what takes some time.
    flagged = [r for r in rows if r[0] > GROWTH_FLAG and r[3] > 0.05]
    lines = [
        f"growth: {len(GROWTH_UNITS)} shapes (one unit repeated), cleaned at "
        f"{GROWTH_SIZES[0]:,} and {GROWTH_SIZES[1]:,} characters; linear time grows about 4x, "
        f"quadratic 16x; flagged above {GROWTH_FLAG:g}x: {len(flagged)}",
        "  the steepest (unit: small, large, growth):",
    ]
    for ratio, unit, small, large in sorted(rows, reverse=True)[:6]:
        lines.append(f"  {unit!r:24} {small * 1000:8.1f} ms {large * 1000:9.1f} ms  {ratio:5.1f}x")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stage-limit", type=float, default=120.0)
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument("--skip-stages", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    args = parser.parse_args()
    report: list[str] = []
    runs: list[Callable[[], list[str]]] = []
    if not args.skip_fuzz:
        runs.append(lambda: fuzz(args.inputs, args.seed))
    if not args.skip_stages:
        runs.append(lambda: stage_timings("words", args.stage_limit))
        runs.append(lambda: stage_timings("letters", args.stage_limit))
    if not args.skip_growth:
        runs.append(lambda: growth(HANG_SECONDS))
    for run in runs:
        part = run()
        print("\n".join(part), flush=True)
        report.extend([*part, ""])
    RESULTS.write_text("\n".join(report), encoding="utf-8")


if __name__ == "__main__":
    main()
