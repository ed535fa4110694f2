"""Metadata: presswash's title, authors and first publication date against WCXB dev's gold.

The 711 article pages of WCXB dev carry a human-reviewed `title`, `author` and
`publish_date`. Both halves of the domain-hash split (benchmarks/wcxb.py `half()`) are
scored, presswash (`cleaners.clean`, the whole pipeline) beside trafilatura's
`bare_extraction` alone (metadata on, `include_comments=False`) on the same pages:

- title: the same once casefolded, with quotes, punctuation and whitespace folded;
- authors: every gold name is found among the record's authors (a gold name is one of the
  people the gold string lists, split at ";", ",", "and", "&"; credentials such as "MS, RD"
  or "Ph.D." are not names; a name is found where its folded words run inside one author);
- date: the same day.

Each figure is over the pages whose gold has that field. Beside it, `none right`: of the
pages whose gold has no author (no date), the share where the record has none either (an
invented author or date is a wrong one).

    .venv/bin/python benchmarks/metadata.py                  # both halves; results/metadata.txt
    .venv/bin/python benchmarks/metadata.py --half tuning --misses title

Targets (metadata issue), check half: title >= .90, authors >= .85, date >= .92, each also
>= trafilatura's. trafilatura's values are cached (`benchmarks/.cache/`, keyed by its
version).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.wcxb import (  # noqa: E402
    DEFAULT_DATA,
    HALVES,
    RESULTS,
    Page,
    cached_trafilatura,
    html_of,
    load_pages,
    run,
)

FIELDS = ("title", "authors", "date")
TARGETS = {"title": 0.90, "authors": 0.85, "date": 0.92}
TRAFILATURA_OPTIONS: dict[str, Any] = {"include_comments": False, "with_metadata": True}

Values = dict[str, Any]  # title, authors (list), date


def _presswash(item: tuple[str, str, str]) -> tuple[str, Values]:
    from cleaners import clean

    page_id, data, url = item
    doc = clean(html_of(Path(data), page_id), format="html", url=url or None)
    return page_id, {"title": doc.title, "authors": list(doc.authors), "date": doc.published}


def _trafilatura(item: tuple[str, str, str]) -> tuple[str, Values]:
    import trafilatura

    page_id, data, url = item
    result = trafilatura.bare_extraction(
        html_of(Path(data), page_id), url=url or None, **TRAFILATURA_OPTIONS
    )
    if result is None:
        return page_id, {"title": None, "authors": [], "date": None}
    authors = [a.strip() for a in (result.author or "").split(";") if a.strip()]
    return page_id, {"title": result.title, "authors": authors, "date": result.date}


def trafilatura_values(pages: list[Page], data: Path, workers: int) -> dict[str, Values]:
    return cached_trafilatura(
        "wcxb-metadata-trafilatura", _trafilatura, TRAFILATURA_OPTIONS, pages, data, workers
    )


# --- comparisons ----------------------------------------------------------------------------

_QUOTES_PUNCT = regex.compile(r"[\p{P}\p{S}]+")


def fold(text: str | None) -> str:
    """Casefolded, compatibility-normalised, quotes and punctuation dropped, whitespace one
    space: "“Headline” – now" and "headline now" fold alike."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("’", "").replace("‘", "")
    return " ".join(_QUOTES_PUNCT.sub(" ", text).split())


_NAME_SPLIT = regex.compile(r"\s*[;|]\s*|\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", regex.IGNORECASE)
# Letters after a name: "MS", "RD", "Ph.D.", "M.D. FACLM" (capitals, case-sensitive).
_CREDENTIAL = regex.compile(r"^(?:[\p{Lu}.\-]{2,8}(?:\s+[\p{Lu}.\-]{2,8})*|Ph\.?D\.?|Sr\.?|Jr\.?)$")


def gold_names(author: str) -> list[str]:
    """The people a gold author string lists: "Jillian Kubala, MS, RD" is one person."""
    names = []
    for part in _NAME_SPLIT.split(author.strip()):
        part = part.strip(" .")
        if not part or regex.search(r"\d|®", part) or _CREDENTIAL.match(part):
            continue
        names.append(part)
    return names or [author]


def title_right(gold: str, predicted: str | None) -> bool:
    return fold(gold) == fold(predicted)


def authors_right(gold: str, predicted: list[str]) -> bool:
    folded = [f" {fold(a)} " for a in predicted]
    return all(any(f" {fold(name)} " in a for a in folded) for name in gold_names(gold))


def date_right(gold: str, predicted: str | None) -> bool:
    return bool(predicted) and str(predicted)[:10] == gold[:10]


def right(field: str, page: Page, values: Values) -> bool | None:
    """Whether the value is right, or None where the gold has no value for the field."""
    if field == "title":
        gold = page.gold.get("title")
        return title_right(gold, values["title"]) if gold else None
    if field == "authors":
        gold = page.gold.get("author")
        return authors_right(gold, values["authors"]) if gold else None
    gold = page.gold.get("publish_date")
    return date_right(gold, values["date"]) if gold else None


def absent_right(field: str, page: Page, values: Values) -> bool | None:
    """Where the gold has no author (date): whether the record has none either."""
    if field == "authors":
        return None if page.gold.get("author") else not values["authors"]
    if field == "date":
        return None if page.gold.get("publish_date") else not values["date"]
    return None


def share(flags: list[bool | None]) -> tuple[float, int]:
    counted = [f for f in flags if f is not None]
    return (sum(counted) / len(counted) if counted else 0.0), len(counted)


def figures(pages: list[Page], values: dict[str, Values]) -> dict[str, tuple[float, int]]:
    out = {f: share([right(f, p, values[p.id]) for p in pages]) for f in FIELDS}
    for f in ("authors", "date"):
        out[f"{f} none right"] = share([absent_right(f, p, values[p.id]) for p in pages])
    return out


def _tree() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--half", choices=HALVES, help="only this half")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--misses", choices=FIELDS, help="list presswash's misses on this field")
    parser.add_argument("--no-write", action="store_true", help="do not write results/metadata.txt")
    args = parser.parse_args()

    pages = load_pages(args.data)
    if args.half:
        pages = [p for p in pages if p.half == args.half]
    started = time.perf_counter()
    ours = run(_presswash, pages, args.data, args.workers)
    elapsed = time.perf_counter() - started
    theirs = trafilatura_values(pages, args.data, args.workers)

    lines = [
        f"presswash metadata benchmark, {dt.datetime.now().isoformat(timespec='seconds')}, "
        f"tree {_tree()}",
        f"WCXB dev article pages ({args.data}), presswash cleaners.clean {elapsed:.1f} s "
        f"with {args.workers} workers; trafilatura bare_extraction {TRAFILATURA_OPTIONS}",
    ]
    halves = [args.half] if args.half else list(HALVES)
    for name in halves:
        part = [p for p in pages if p.half == name]
        mine, other = figures(part, ours), figures(part, theirs)
        lines.append(f"[{name}] {len(part)} pages")
        lines.append(f"  {'field':<20} {'presswash':>9} {'trafilatura':>11} {'pages':>6} target")
        for key in mine:
            value, count = mine[key]
            base = other[key][0]
            target = TARGETS.get(key)
            verdict = ""
            if target is not None and name == "check":
                met = value >= target and value >= base
                verdict = f">= {target:.2f} and >= trafilatura: {'met' if met else 'NOT met'}"
            elif target is not None:
                verdict = f"(>= {target:.2f} on check)"
            lines.append(f"  {key:<20} {value:>9.3f} {base:>11.3f} {count:>6} {verdict}")
    print("\n".join(lines))

    if args.misses:
        print(f"\nmisses on {args.misses}:")
        gold_key = {"title": "title", "authors": "author", "date": "publish_date"}[args.misses]
        for p in pages:
            if right(args.misses, p, ours[p.id]) is False:
                print(
                    f"{p.id} {p.domain}\n  gold  {p.gold.get(gold_key)!r}\n"
                    f"  ours  {ours[p.id][args.misses]!r}\n"
                    f"  traf  {theirs[p.id][args.misses]!r}"
                )
    if not args.no_write and not args.half and not args.misses:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "metadata.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
