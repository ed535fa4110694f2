"""WCXB dev: pages presswash has never been tuned on, split by domain into two halves.

WCXB (Foley 2026, CC-BY-4.0) is read from its path, never copied into the repo:
`../shared/eval-data/wcxb-dev` by default, `--data` or `PRESSWASH_WCXB` otherwise. Every page
belongs to one half by a hash of its domain (`half`): the **tuning** half is for developing,
the **check** half for confirming. A change that helps one half and not the other is not kept.

    .venv/bin/python benchmarks/wcxb.py                 # articles, both halves; results/wcxb.txt
    .venv/bin/python benchmarks/wcxb.py --half tuning --lost
    .venv/bin/python benchmarks/wcxb.py --ids 0004 0112 --dump /tmp/out.json

Figures, for presswash and for trafilatura alone (`include_comments=False`, the extractor
presswash runs on) page by page on the same pages:
- AEB's metric: word 4-gram shingles, macro-averaged P and R, F1 from the two (quality.py);
- WCXB's own: the mean over pages of a bag-of-words F1 (`\\w+`, lower-cased);
- lost pages: where presswash's shingle recall is at least `LOST_BY` below trafilatura's on
  the same page. One lost page is a bug: each is listed.

Targets (unseen-pages issue), on the 711 articles: F1 >= .950 with P >= .924 and R >= .938,
word F1 >= .950, at most 7 lost pages, and the check half within .01 F1 of the tuning half.
trafilatura's outputs are cached (`benchmarks/.cache/`, keyed by its version): they do not
change while presswash does.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality import _TOKEN, scores, tp_fp_fn  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("PRESSWASH_WCXB", ROOT.parent / "shared/eval-data/wcxb-dev"))
RESULTS = ROOT / "benchmarks" / "results"
CACHE = ROOT / "benchmarks" / ".cache"
HALVES = ("tuning", "check")
# A page is lost where presswash keeps this much less of the article than trafilatura alone.
LOST_BY = 0.2
TARGETS = {"f1": 0.950, "precision": 0.924, "recall": 0.938, "words": 0.950, "lost": 7}
TRAFILATURA_OPTIONS = {"include_comments": False}


def half(domain: str) -> str:
    """The half of WCXB dev a domain belongs to: one bit of a hash, so that every page of a
    site lands on the same side and the split needs no list."""
    return HALVES[hashlib.sha256(domain.encode()).digest()[0] & 1]


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    domain: str
    page_type: str
    gold: dict  # the ground_truth object: main_content, title, author, publish_date, ...

    @property
    def half(self) -> str:
        return half(self.domain)


def load_pages(data: Path, page_types: Iterable[str] | None = ("article",)) -> list[Page]:
    """The pages of WCXB dev (of these types; all for None), in file order."""
    files = json.loads((data / "metadata.json").read_text())["files"]
    wanted = set(page_types) if page_types is not None else None
    pages = []
    for page_id, meta in sorted(files.items()):
        if wanted is not None and meta["page_type"] not in wanted:
            continue
        truth = json.loads((data / "ground-truth" / f"{page_id}.json").read_text())
        pages.append(
            Page(
                page_id,
                truth.get("url") or "",
                meta["domain"],
                meta["page_type"],
                truth["ground_truth"],
            )
        )
    return pages


def html_of(data: Path, page_id: str) -> bytes:
    return gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())


def words_f1(true: str, pred: str) -> float:
    """WCXB's page score: F1 of the bags of lower-cased `\\w+` words."""
    truth = Counter(w.lower() for w in _TOKEN.findall(true or ""))
    guess = Counter(w.lower() for w in _TOKEN.findall(pred or ""))
    if not truth and not guess:
        return 1.0
    common = sum((truth & guess).values())
    if not common:
        return 0.0
    p, r = common / sum(guess.values()), common / sum(truth.values())
    return 2 * p * r / (p + r)


def page_recall(true: str, pred: str) -> float:
    tp, _, fn = tp_fp_fn(true, pred)
    return tp / (tp + fn) if tp + fn else 1.0


def _presswash(item: tuple[str, str, str]) -> tuple[str, str]:
    from cleaners import clean

    page_id, data, url = item
    return page_id, clean(html_of(Path(data), page_id), format="html", url=url or None).text


def _trafilatura(item: tuple[str, str, str]) -> tuple[str, str]:
    import trafilatura

    page_id, data, url = item
    html = html_of(Path(data), page_id)
    return page_id, trafilatura.extract(html, url=url or None, **TRAFILATURA_OPTIONS) or ""


def _page_text(item: tuple[str, str, str, str]) -> tuple[str, str]:
    from benchmarks.page_text import recall_text, visible_text

    page_id, data, url, kind = item
    html = html_of(Path(data), page_id).decode("utf-8", "replace")
    return page_id, recall_text(html, url or None) if kind == "recall" else visible_text(html)


def _presswash_text(item: tuple[str, str]) -> tuple[str, str]:
    from cleaners import clean

    page_id, text = item
    return page_id, clean(text).text


def run(
    function: Callable[[Any], tuple[str, Any]],
    pages: list[Page],
    data: Path,
    workers: int,
    items: list[Any] | None = None,
) -> dict[str, Any]:
    if items is None:
        items = [(p.id, str(data), p.url) for p in pages]
    if workers <= 1:
        return dict(map(function, items))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(function, items, chunksize=4))


def text_inputs(pages: list[Page], data: Path, kind: str, workers: int) -> dict[str, str]:
    """The plain texts of these pages (benchmarks/page_text.py), from the cache where it has
    them: what a user who already extracted the text would give presswash."""
    import trafilatura

    key = hashlib.sha256(f"{data.resolve()}|{kind}".encode()).hexdigest()[:12]
    path = CACHE / f"wcxb-text-{kind}-{trafilatura.__version__}-{key}.json"
    cached: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [p for p in pages if p.id not in cached]
    if missing:
        items = [(p.id, str(data), p.url, kind) for p in missing]
        cached.update(run(_page_text, missing, data, workers, items))
        CACHE.mkdir(exist_ok=True)
        path.write_text(json.dumps(cached, ensure_ascii=False))
    return {p.id: cached[p.id] for p in pages}


def trafilatura_outputs(pages: list[Page], data: Path, workers: int) -> dict[str, str]:
    """trafilatura alone on these pages, from the cache where it has them."""
    return cached_trafilatura(
        "wcxb-trafilatura", _trafilatura, TRAFILATURA_OPTIONS, pages, data, workers
    )


def cached_trafilatura(
    name: str,
    function: Callable[[Any], tuple[str, Any]],
    options: object,
    pages: list[Page],
    data: Path,
    workers: int,
) -> dict[str, Any]:
    """`function` (a trafilatura call with `options`) on these pages, from the cache where it
    has them: one cache file per trafilatura version, data folder and options."""
    import trafilatura

    key = hashlib.sha256(f"{data.resolve()}|{options}".encode()).hexdigest()[:12]
    path = CACHE / f"{name}-{trafilatura.__version__}-{key}.json"
    cached: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    missing = [p for p in pages if p.id not in cached]
    if missing:
        cached.update(run(function, missing, data, workers))
        CACHE.mkdir(exist_ok=True)
        path.write_text(json.dumps(cached, ensure_ascii=False))
    return {p.id: cached[p.id] for p in pages}


def figures(pages: list[Page], predicted: dict[str, str]) -> dict[str, float]:
    counts = [tp_fp_fn(p.gold.get("main_content") or "", predicted.get(p.id, "")) for p in pages]
    result = scores(counts)
    result["words"] = statistics.mean(
        words_f1(p.gold.get("main_content") or "", predicted.get(p.id, "")) for p in pages
    )
    return result


def lost_pages(
    pages: list[Page], ours: dict[str, str], theirs: dict[str, str]
) -> list[tuple[Page, float, float]]:
    rows = []
    for page in pages:
        gold = page.gold.get("main_content") or ""
        mine, base = page_recall(gold, ours.get(page.id, "")), page_recall(gold, theirs[page.id])
        if mine <= base - LOST_BY:
            rows.append((page, mine, base))
    return rows


def line(name: str, values: dict[str, float], count: int) -> str:
    return (
        f"{name:<34} F1 {values['f1']:.3f}  P {values['precision']:.3f}  "
        f"R {values['recall']:.3f}  words F1 {values['words']:.3f}  ({count} pages)"
    )


def verdict(values: dict[str, float], lost: int, gap: float | None) -> str:
    wanted = [
        ("F1", values["f1"], TARGETS["f1"]),
        ("P", values["precision"], TARGETS["precision"]),
        ("R", values["recall"], TARGETS["recall"]),
        ("words F1", values["words"], TARGETS["words"]),
    ]
    parts = [f"{name} {value:.3f}>={goal}" for name, value, goal in wanted]
    met = all(value >= goal for _, value, goal in wanted) and lost <= TARGETS["lost"]
    parts.append(f"lost {lost}<={TARGETS['lost']}")
    if gap is not None:
        parts.append(f"halves {gap:.3f}<=0.01")
        met = met and gap <= 0.01
    return "target " + ", ".join(parts) + (": met" if met else ": NOT met")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--half", choices=HALVES, help="only this half")
    parser.add_argument("--ids", nargs="*", help="only these pages")
    parser.add_argument("--lost", action="store_true", help="list the lost pages")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages by F1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dump", type=Path, help="write presswash's texts here as JSON")
    parser.add_argument(
        "--text",
        choices=("recall", "visible"),
        help="clean plain text made from each page (benchmarks/page_text.py) instead of the "
        "HTML: trafilatura's favor_recall output, or all visible text; compared with it as is",
    )
    args = parser.parse_args()
    if not (args.data / "metadata.json").exists():
        sys.exit(f"no WCXB dev at {args.data} (give --data or PRESSWASH_WCXB)")

    pages = load_pages(args.data)
    if args.half:
        pages = [p for p in pages if p.half == args.half]
    if args.ids:
        pages = [p for p in pages if p.id in set(args.ids)]
    started = time.perf_counter()
    if args.text:
        theirs = text_inputs(pages, args.data, args.text, args.workers)
        items = [(page_id, text) for page_id, text in theirs.items()]
        ours = run(_presswash_text, pages, args.data, args.workers, items)
        labels = (f"  {args.text} text as is", f"  presswash {args.text} text")
    else:
        theirs = trafilatura_outputs(pages, args.data, args.workers)
        ours = run(_presswash, pages, args.data, args.workers)
        labels = ("  trafilatura no comments", "  presswash html")
    elapsed = time.perf_counter() - started
    if args.dump:
        args.dump.write_text(json.dumps(ours, ensure_ascii=False))

    lines = []
    by_half: dict[str, dict[str, float]] = {}
    lost_all = lost_pages(pages, ours, theirs)
    for name in (*HALVES, "all"):
        chosen = pages if name == "all" else [p for p in pages if p.half == name]
        if not chosen:
            continue
        lost = [row for row in lost_all if name == "all" or row[0].half == name]
        base, mine = figures(chosen, theirs), figures(chosen, ours)
        by_half[name] = mine
        lines.append(f"{name} ({len({p.domain for p in chosen})} domains)")
        lines.append(line(labels[0], base, len(chosen)))
        lines.append(line(labels[1], mine, len(chosen)) + f"  lost {len(lost)}")
    if "tuning" in by_half and "check" in by_half and not args.text:
        gap = abs(by_half["tuning"]["f1"] - by_half["check"]["f1"])
        lines.append(verdict(by_half["all"], len(lost_all), gap))
    baseline = f"the {args.text} text's" if args.text else "trafilatura alone's"
    lines.append(f"lost pages (recall at least {LOST_BY} below {baseline}):")
    for page, mine, base in lost_all:
        words = len(_TOKEN.findall(ours.get(page.id, "")))
        gold_words = len(_TOKEN.findall(page.gold.get("main_content") or ""))
        lines.append(
            f"  {page.id} {page.half:<6} R {mine:.3f} vs {base:.3f}  "
            f"{words}/{gold_words} words  {page.url[:80]}"
        )
    if args.worst:
        lines.append(f"worst {args.worst} by F1:")
        ranked = sorted(pages, key=lambda p: _page_f1(p, ours))
        for page in ranked[: args.worst]:
            tp, fp, fn = tp_fp_fn(page.gold.get("main_content") or "", ours.get(page.id, ""))
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            base = page_recall(page.gold.get("main_content") or "", theirs[page.id])
            lines.append(
                f"  {page.id} {page.half:<6} P {p:.3f} R {r:.3f} (trafilatura R {base:.3f})  "
                f"{page.url[:70]}"
            )
    lines.append(f"({len(pages)} pages, {elapsed:.0f} s)")
    print("\n".join(lines))
    if not args.half and not args.ids:
        RESULTS.mkdir(exist_ok=True)
        name = f"wcxb-{args.text}-text.txt" if args.text else "wcxb.txt"
        (RESULTS / name).write_text("\n".join(lines) + "\n")


def _page_f1(page: Page, predicted: dict[str, str]) -> float:
    tp, fp, fn = tp_fp_fn(page.gold.get("main_content") or "", predicted.get(page.id, ""))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


if __name__ == "__main__":
    main()
