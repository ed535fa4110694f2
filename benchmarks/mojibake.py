"""Mojibake repair: quality against ftfy's own cases, held-out damage, and throughput.

- ftfy's test cases (benchmarks/data/ftfy): the "pass" cases must come out as expected, compared
  modulo quote straightening, ligatures and character width (ftfy's expectations were made with
  those fixes on; ours keep typography); `known-failures.json` is what ftfy itself gets wrong;
  `negative.json` must come out unchanged.
- The 181 gold texts (benchmarks/data/aeb/ground-truth.json) must come out unchanged.
- Held-out damage: gold paragraphs and multilingual text from CLDR (babel's locale data:
  country, language and month names in 30 languages and 10 scripts) are encoded as UTF-8 and
  read with cp1252, latin-1, cp1251, cp1250 or MacRoman; then damaged further in the ways
  scrapers do: no-break spaces turned into spaces, spaces put around symbols, one segment of
  an otherwise clean document damaged, two layers, MacRoman read as latin-1. Repair rate is
  exact recovery of the original; false changes are clean texts that come out different. The
  same inputs go through ftfy (configured as presswash configures it) for comparison.
- Generated spaced mojibake: clean documents (AEB gold for development, WCXB dev gold split
  by domain hash into tuning and check halves as benchmarks/wcxb.py does, and CLDR names for
  Greek, which neither has) are read wrongly whole with cp1252, latin-1 or cp1251 and their
  symbols spaced at a random rate (seeded); per script and half, the share of damaged
  paragraphs restored exactly (and letters right), and clean paragraphs altered, also with
  their own symbols spaced (must be 0).
- Throughput (time.perf_counter, MB of UTF-8 per second) on the gold texts (clean) and on the
  gold texts read as cp1252 (damaged), for fix_encoding and for ftfy.fix_text.

    .venv/bin/python benchmarks/mojibake.py [--per-kind 300]

Prints the figures and writes them to benchmarks/results/mojibake.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ftfy
import ftfy.bad_codecs
from babel import Locale
from ftfy import fixes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.mojibake import _FTFY_CONFIG, fix_encoding, may_be_mojibake  # noqa: E402

FTFY_CASES = ROOT / "benchmarks" / "data" / "ftfy"
GOLD = ROOT / "benchmarks" / "data" / "aeb" / "ground-truth.json"
RESULTS = ROOT / "benchmarks" / "results" / "mojibake.txt"
WCXB = Path(os.environ.get("PRESSWASH_WCXB", ROOT.parent / "shared/eval-data/wcxb-dev"))

LOCALES = (
    "fr",
    "de",
    "es",
    "pt",
    "it",
    "nl",
    "sv",
    "pl",
    "cs",
    "sk",
    "ro",
    "hu",
    "tr",
    "vi",
    "lv",
    "lt",
    "hr",
    "sl",
    "et",
    "fi",
    "da",
    "is",
    "ru",
    "uk",
    "bg",
    "sr",
    "el",
    "he",
    "ar",
    "ja",
    "zh",
    "ko",
    "hi",
    "th",
    "ka",
    "hy",
)
# How each script is read wrongly in the wild: the codecs a browser or a scraper defaults to.
READERS = ("sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "sloppy-windows-1250")
# Symbols a tokeniser spaces out as punctuation (the seed 002 damage): not letters, not ASCII.
NBSP = "\xa0"


def canonical(text: str) -> str:
    """What the comparison with ftfy's expectations ignores."""
    text = fixes.fix_latin_ligatures(text)
    text = fixes.uncurl_quotes(text)
    text = fixes.fix_character_width(text)
    return unicodedata.normalize("NFC", text)


def ftfy_typography_kept(text: str) -> str:
    return ftfy.fix_text(text, config=_FTFY_CONFIG)


# --- ftfy's cases ----------------------------------------------------------------------------


def ftfy_cases(report: list[str]) -> None:
    def load(name: str) -> list[dict[str, str]]:
        cases: list[dict[str, str]] = json.loads((FTFY_CASES / name).read_text("utf-8"))
        return cases

    passing = [
        case
        for name in ("in-the-wild.json", "synthetic.json", "negative.json", "language-names.json")
        for case in load(name)
        if case["expect"] == "pass"
    ]
    good = [c for c in passing if canonical(fix_encoding(c["original"])) == canonical(c["fixed"])]
    report.append(f"ftfy pass cases: {len(good)}/{len(passing)}")
    for case in passing:
        if case not in good:
            report.append(f"  FAILED {case['label']}: {fix_encoding(case['original'])!r}")

    fixed = []
    for case in load("known-failures.json"):
        if canonical(fix_encoding(case["original"])) == canonical(case["fixed"]):
            fixed.append(case["label"])
    report.append(f"ftfy known failures fixed: {len(fixed)}/10")
    report.extend(f"  fixed: {label}" for label in fixed)

    negative = load("negative.json")
    # The one "mostly negative" case is expected to change (C1 controls become cp1252).
    unchanged = [
        c
        for c in negative
        if fix_encoding(c["original"]) == c["original"] or c["original"] != c["fixed"]
    ]
    changed = [c for c in negative if c["original"] != c["fixed"]]
    report.append(
        f"negative cases left as expected: {len(unchanged)}/{len(negative)} "
        f"({len(changed)} of them expected to change)"
    )


# --- held-out text ---------------------------------------------------------------------------


def gold_texts() -> list[str]:
    data = json.loads(GOLD.read_text("utf-8"))
    return [value["articleBody"] for value in data.values()]


def cldr_sentences(rng: random.Random) -> list[str]:
    sentences = []
    for tag in LOCALES:
        locale = Locale.parse(tag)
        words = [
            *locale.territories.values(),
            *locale.languages.values(),
            *locale.months["format"]["wide"].values(),
            *locale.days["format"]["wide"].values(),
        ]
        words = [w for w in words if not w.isascii()]
        for _ in range(12):
            picked = rng.sample(words, 8)
            sentences.append(", ".join(picked[:4]) + " " + " ".join(picked[4:]) + ".")
    return sentences


def paragraphs(texts: list[str]) -> list[str]:
    return [p for t in texts for p in t.split("\n") if len(p) > 40 and not p.isascii()]


# --- damage ----------------------------------------------------------------------------------


def misread(text: str, codec: str) -> str:
    return text.encode("utf-8").decode(codec)


def space_symbols(text: str) -> str:
    """A tokeniser's view: non-ASCII symbols are punctuation, spaced on both sides."""
    spaced = "".join(
        f" {c} " if not c.isascii() and not c.isalnum() and c != NBSP else c for c in text
    )
    return " ".join(part for part in spaced.split(" ") if part)


Damage = Callable[[str], "tuple[str, str] | None"]


def damages(rng: random.Random, clean: list[str], per_kind: int) -> list[tuple[str, str, str]]:
    """(kind, original, damaged), `per_kind` of each kind where the damage changes the text."""
    produced: list[tuple[str, str, str]] = []

    def pool(condition: Callable[[str], bool]) -> list[str]:
        return [t for t in clean if condition(t)]

    def take(kind: str, make: Damage, source: list[str]) -> None:
        made = 0
        for _ in range(per_kind * 20):
            result = make(rng.choice(source))
            if result is not None and result[0] != result[1]:
                produced.append((kind, *result))
                made += 1
                if made == per_kind:
                    return

    def whole(*steps: Callable[[str], str]) -> Damage:
        def make(text: str) -> tuple[str, str]:
            damaged = text
            for step in steps:
                damaged = step(damaged)
            return text, damaged

        return make

    def read_as(codec: str) -> Callable[[str], str]:
        return lambda text: misread(text, codec)

    def lose_nbsp(text: str) -> str:
        return text.replace(NBSP, " ")

    anything = pool(lambda t: True)
    cyrillic = pool(lambda t: any("\u0400" <= c <= "\u04ff" for c in t))
    latin = pool(lambda t: all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in t))
    for codec in (*READERS, "mac_roman"):
        take(f"whole text, {codec}", whole(read_as(codec)), anything)
    for codec in ("sloppy-windows-1252", "sloppy-windows-1251"):
        take(f"0xA0 lost to a space, {codec}", whole(read_as(codec), lose_nbsp), anything)
    take(
        "symbols spaced out, cp1251 (as seed 002)",
        whole(read_as("sloppy-windows-1251"), space_symbols),
        cyrillic,
    )
    take("symbols spaced out, cp1252", whole(read_as("sloppy-windows-1252"), space_symbols), latin)

    def one_paragraph(codec: str) -> Damage:
        def make(text: str) -> tuple[str, str]:
            parts = [rng.choice(anything), text, rng.choice(anything)]
            damaged = [parts[0], misread(text, codec), parts[2]]
            return "\n".join(parts), "\n".join(damaged)

        return make

    for codec in ("sloppy-windows-1252", "sloppy-windows-1251"):
        take(f"one paragraph of three, {codec}", one_paragraph(codec), anything)

    def one_stretch(text: str) -> tuple[str, str] | None:
        cuts = [i for i, c in enumerate(text) if c == " " and 10 < i < len(text) - 10]
        if len(cuts) < 2:
            return None
        a, b = sorted(rng.sample(cuts, 2))
        return text, text[:a] + misread(text[a:b], rng.choice(READERS[:3])) + text[b:]

    take("a stretch inside a clean paragraph", one_stretch, anything)
    take(
        "two layers, cp1252 twice",
        whole(read_as("sloppy-windows-1252"), read_as("sloppy-windows-1252")),
        anything,
    )
    take(
        "two layers, cp1252 then cp1251",
        whole(read_as("sloppy-windows-1252"), read_as("sloppy-windows-1251")),
        anything,
    )

    def mac_as_latin1(text: str) -> tuple[str, str] | None:
        try:
            return text, text.encode("mac_roman").decode("latin-1")
        except UnicodeEncodeError:
            return None

    take("MacRoman read as latin-1 (no UTF-8)", mac_as_latin1, latin)
    return produced


def held_out(report: list[str], per_kind: int) -> None:
    rng = random.Random(20240611)
    clean = paragraphs(gold_texts()) + cldr_sentences(rng)
    changed = [t for t in clean if fix_encoding(t) != t]
    ftfy_changed = [t for t in clean if ftfy_typography_kept(t) != t]
    report.append(
        f"held-out clean texts ({len(clean)}): changed by fix_encoding {len(changed)} "
        f"({len(changed) / len(clean):.2%}), by ftfy {len(ftfy_changed)}"
    )
    report.extend(f"  CHANGED {t[:70]!r} -> {fix_encoding(t)[:70]!r}" for t in changed[:10])
    by_kind: dict[str, list[tuple[bool, bool, bool]]] = {}
    failures: dict[str, tuple[str, str]] = {}
    for kind, original, damaged in damages(rng, clean, per_kind):
        ours = fix_encoding(damaged)
        theirs = ftfy_typography_kept(damaged)
        # Spacing that a tokeniser destroyed cannot always be told back (`ужина у` and
        # `ужинау` become the same); the letters can.
        letters = _without_spaces(ours) == _without_spaces(original)
        by_kind.setdefault(kind, []).append((ours == original, letters, theirs == original))
        if not letters and kind not in failures:
            failures[kind] = (damaged, ours)
    total = [ok for results in by_kind.values() for ok in results]
    report.append(
        f"held-out damaged texts ({len(total)}): repaired exactly by fix_encoding "
        f"{_share(total, 0)}, letters right {_share(total, 1)}; by ftfy {_share(total, 2)}"
    )
    report.append(f"  {'damage':<44}{'n':>5}  ours exact  letters  ftfy exact")
    for kind, results in by_kind.items():
        report.append(
            f"  {kind:<44}{len(results):>5}  {_share(results, 0):>10}  "
            f"{_share(results, 1):>7}  {_share(results, 2):>10}"
        )
    for kind, (damaged, ours) in failures.items():
        report.append(f"  e.g. missed ({kind}): {damaged[:60]!r} -> {ours[:60]!r}")


def _without_spaces(text: str) -> str:
    return "".join(text.split())


def _share(results: list[tuple[bool, bool, bool]], column: int) -> str:
    return f"{sum(r[column] for r in results) / len(results):.1%}"


# --- generated cases: spaced mojibake in every script and codec ------------------------------

SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
GENERATED_READERS = ("sloppy-windows-1252", "latin-1", "sloppy-windows-1251")
SPACING_RATES = (0.1, 0.25, 0.5, 0.75, 1.0)
# Where a tool puts its spaces around a symbol: on both sides, before it, after it, or before
# it with the space that followed it taken away (a quote glued to the next word, as in seed 002).
SPACING_WAYS = ("both", "before", "after", "moved")


def script_of(paragraph: str) -> str | None:
    """The script most of the paragraph's letters are in, among those measured."""
    counts: dict[str, int] = {}
    for char in paragraph:
        if char.isalpha():
            name = unicodedata.name(char, "").split(" ", 1)[0]
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda s: counts[s])
    return best if best in SCRIPTS else None


def spaced(text: str, rate: float, rng: random.Random) -> str:
    """A tool's spacing of the symbols (non-ASCII, not letters or digits) of mojibake: each one,
    at `rate`, gets spaces in one of SPACING_WAYS; spaces are never doubled."""
    out: list[str] = []
    chars = list(text)
    i = 0
    while i < len(chars):
        char = chars[i]
        symbolic = (
            not char.isascii()
            and unicodedata.category(char)[0] in "PSN"
            and char != NBSP
            and rng.random() < rate
        )
        if not symbolic:
            out.append(char)
            i += 1
            continue
        way = rng.choice(SPACING_WAYS)
        if way in ("both", "before", "moved") and out and out[-1] != " ":
            out.append(" ")
        out.append(char)
        following = chars[i + 1] if i + 1 < len(chars) else ""
        if way in ("both", "after") and following not in ("", " "):
            out.append(" ")
        if way == "moved" and following == " " and i + 2 < len(chars):
            i += 1  # the space that followed the symbol is gone
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class Source:
    """One clean document: where it comes from, its half, and its paragraphs."""

    origin: str
    half: str
    paragraphs: tuple[str, ...]


def generated_sources(wcxb: Path | None) -> list[Source]:
    """AEB gold (development), WCXB dev gold by domain half, and for Greek, which neither has,
    CLDR names (babel) made into paragraphs, halved by a hash of the locale's names."""
    sources = [
        Source("aeb", "development", tuple(p for p in t.split("\n") if p.strip()))
        for t in gold_texts()
    ]
    if wcxb is not None and (wcxb / "metadata.json").exists():
        from benchmarks.wcxb import load_pages

        for page in load_pages(wcxb, None):
            text = page.gold.get("main_content") or ""
            # Some gold texts carry mojibake of their own (`â\x82¬14/month`): a paragraph that
            # ftfy changes is not clean text, and neither a case nor a clean paragraph here.
            paragraphs = tuple(
                p for p in text.split("\n") if p.strip() and ftfy_typography_kept(p) == p
            )
            if paragraphs:
                sources.append(Source("wcxb", page.half, paragraphs))
    sources.extend(cldr_sources())
    return sources


def cldr_sources() -> list[Source]:
    from benchmarks.wcxb import half

    rng = random.Random(7)
    sources = []
    for tag in ("el", "ru", "uk", "bg", "sr", "fr", "de", "cs", "pl", "tr"):
        locale = Locale.parse(tag)
        names = sorted(
            {
                *locale.territories.values(),
                *locale.languages.values(),
                *locale.months["format"]["wide"].values(),
                *locale.days["format"]["wide"].values(),
            }
        )
        by_half: dict[str, list[str]] = {}
        for name in names:
            if not name.isascii():
                by_half.setdefault(half(name), []).append(name)
        for side, words in by_half.items():
            for _ in range(6):
                paragraphs = []
                for _ in range(4):
                    picked = rng.sample(words, 10)
                    paragraphs.append(", ".join(picked[:5]) + " " + " ".join(picked[5:]) + ".")
                sources.append(Source(f"cldr-{tag}", side, tuple(paragraphs)))
    return sources


def generated_cases(report: list[str], wcxb: Path | None, per_cell: int) -> None:
    """Each chosen document is misread whole in one codec and spaced at one rate; every
    paragraph the damage changed is a case (exact recovery), every other one, and every clean
    paragraph with its own symbols spaced the same way, must come out unchanged."""
    rng = random.Random(20261202)
    sources = generated_sources(wcxb)
    # (script, half) -> [exact], clean altered
    exact: dict[tuple[str, str], list[bool]] = {}
    ftfy_exact: dict[tuple[str, str], list[bool]] = {}
    letters: dict[tuple[str, str], list[bool]] = {}
    altered: dict[str, list[str]] = {}
    clean_seen: dict[str, int] = {}
    misses: dict[tuple[str, str], tuple[str, str, str]] = {}
    halves = ("development", "tuning", "check")
    for side in halves:
        for script in SCRIPTS:
            pool = [
                s
                for s in sources
                if s.half == side and any(script_of(p) == script for p in s.paragraphs)
            ]
            if not pool:
                continue
            for reader in GENERATED_READERS:
                made = 0
                for _ in range(per_cell * 5):
                    if made >= per_cell:
                        break
                    source = rng.choice(pool)
                    rate = rng.choice(SPACING_RATES)
                    clean = list(source.paragraphs)
                    damaged = [spaced(misread(p, reader), rate, rng) for p in clean]
                    repaired = fix_encoding("\n".join(damaged)).split("\n")
                    if len(repaired) != len(clean):
                        repaired = [fix_encoding(p) for p in damaged]
                    theirs = ftfy_typography_kept("\n".join(damaged)).split("\n")
                    for original, broken, ours, other in zip(
                        clean, damaged, repaired, theirs, strict=False
                    ):
                        kind = script_of(original)
                        if broken == original:
                            clean_seen[side] = clean_seen.get(side, 0) + 1
                            if ours != original:
                                altered.setdefault(side, []).append(original)
                            continue
                        if kind != script or broken == misread(original, reader):
                            continue  # not this script, or no spacing: the held-out part's
                        exact.setdefault((script, side), []).append(ours == original)
                        letters.setdefault((script, side), []).append(
                            _without_spaces(ours) == _without_spaces(original)
                        )
                        ftfy_exact.setdefault((script, side), []).append(other == original)
                        made += 1
                        if ours != original and (script, side) not in misses:
                            misses[(script, side)] = (reader, broken, ours)
    # Clean paragraphs with deliberate spacing of their own symbols, and legitimate text.
    for side in halves:
        pool = [p for s in sources if s.half == side for p in s.paragraphs if not p.isascii()]
        for paragraph in rng.sample(pool, min(len(pool), per_cell * 6)):
            for text in (paragraph, spaced(paragraph, rng.choice(SPACING_RATES), rng)):
                clean_seen[side] = clean_seen.get(side, 0) + 1
                if fix_encoding(text) != text:
                    altered.setdefault(side, []).append(text)
    report.append(
        "generated spaced mojibake (AEB gold = development, WCXB dev by domain half, "
        "CLDR names where neither has the script): exactly restored"
    )
    report.append(f"  {'script':<10}{'half':<13}{'n':>6}  {'ours':>7}  {'letters':>7}  {'ftfy':>7}")
    for script in SCRIPTS:
        for side in halves:
            results = exact.get((script, side))
            if results:
                share = sum(results) / len(results)
                theirs_share = sum(ftfy_exact[(script, side)]) / len(results)
                report.append(
                    f"  {script:<10}{side:<13}{len(results):>6}  {share:>7.1%}  "
                    f"{sum(letters[(script, side)]) / len(results):>7.1%}  {theirs_share:>7.1%}"
                )
    for side in halves:
        report.append(
            f"  clean paragraphs altered, {side}: {len(altered.get(side, []))}"
            f"/{clean_seen.get(side, 0)}"
        )
        for text in altered.get(side, [])[:5]:
            report.append(f"    ALTERED {text[:70]!r} -> {fix_encoding(text)[:70]!r}")
    for (script, side), (reader, broken, ours) in sorted(misses.items()):
        report.append(f"  e.g. missed ({script}, {side}, {reader}): {broken[:70]!r}")
        report.append(f"       -> {ours[:70]!r}")


# --- throughput ------------------------------------------------------------------------------


def throughput(report: list[str], rounds: int) -> None:
    clean = gold_texts()
    damaged = [misread(t, "sloppy-windows-1252") for t in clean]
    for label, texts in (("clean (gold texts)", clean), ("damaged (gold as cp1252)", damaged)):
        megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        rates = []
        for fix in (fix_encoding, ftfy_typography_kept):
            started = time.perf_counter()
            for _ in range(rounds):
                for text in texts:
                    fix(text)
            rates.append(rounds * megabytes / (time.perf_counter() - started))
        report.append(
            f"throughput, {label}, {megabytes:.2f} MB: fix_encoding {rates[0]:.1f} MB/s, "
            f"ftfy.fix_text {rates[1]:.1f} MB/s"
        )
    gated = sum(may_be_mojibake(t) for t in clean)
    report.append(f"  gold texts the gate lets through: {gated}/{len(clean)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-cell", type=int, default=100)
    parser.add_argument("--wcxb", type=Path, default=WCXB)
    parser.add_argument("--only-generated", action="store_true")
    args = parser.parse_args()
    report: list[str] = []
    if args.only_generated:
        generated_cases(report, args.wcxb, args.per_cell)
        print("\n".join(report))
        return
    ftfy_cases(report)
    gold = gold_texts()
    unchanged = sum(fix_encoding(t) == t for t in gold)
    report.append(f"gold texts unchanged: {unchanged}/{len(gold)}")
    held_out(report, args.per_kind)
    generated_cases(report, args.wcxb, args.per_cell)
    throughput(report, args.rounds)
    text = "\n".join(report) + "\n"
    print(text, end="")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
