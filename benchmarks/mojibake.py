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
- Throughput (time.perf_counter, MB of UTF-8 per second) on the gold texts (clean) and on the
  gold texts read as cp1252 (damaged), for fix_encoding and for ftfy.fix_text.

    .venv/bin/python benchmarks/mojibake.py [--per-kind 300]

Prints the figures and writes them to benchmarks/results/mojibake.txt.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import unicodedata
from collections.abc import Callable
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
    args = parser.parse_args()
    report: list[str] = []
    ftfy_cases(report)
    gold = gold_texts()
    unchanged = sum(fix_encoding(t) == t for t in gold)
    report.append(f"gold texts unchanged: {unchanged}/{len(gold)}")
    held_out(report, args.per_kind)
    throughput(report, args.rounds)
    text = "\n".join(report) + "\n"
    print(text, end="")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
