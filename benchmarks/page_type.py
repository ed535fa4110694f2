"""Article or not, through the whole pipeline: what `clean()` says of every page.

    python benchmarks/page_type.py [--workers 2] [--half check|tuning|both]

- WCXB dev pages of seven labelled types (a half, by the domain's hash as in wcxb.py), given
  as HTML with their URL: the share of articles published as articles, of other pages kept
  out, and the confusion table (labelled type -> type found);
- the AEB gold texts given as plain text, without a URL: every one is an article, so each of
  `not_article` and `truncated` should be on at most 1 % of them;
- with `--cost`, what the page type costs: `clean()` over the AEB pages with the page-type
  stage and without it (its page features and its judgement replaced by nothing),
  interleaved, best of three each, as a ratio within the run.

The page-type model was trained on the tuning half (benchmarks/train_page_type.py), so the
check half is the figure that counts. Results go to benchmarks/results/page-type.txt.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import wcxb  # noqa: E402
from benchmarks.quality import load_gold  # noqa: E402
from cleaners.page_type import PAGE_TYPES  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "page-type.txt"
TARGETS = {"articles published": 0.99, "others kept out": 0.90}


def _page(item: tuple[str, str, str]) -> tuple[str, str, tuple[str, ...]]:
    from cleaners import clean

    key, data, url = item
    doc = clean(wcxb.html_of(Path(data), key), format="html", url=url or None)
    return key, doc.page_type or "article", doc.flags


def _text(item: tuple[str, str]) -> tuple[str, str, tuple[str, ...]]:
    from cleaners import clean

    key, text = item
    doc = clean(text)
    return key, doc.page_type or "article", doc.flags


def confusion(labelled: list[str], found: list[str]) -> list[str]:
    lines = ["  labelled -> found " + " ".join(f"{t[:6]:>6}" for t in PAGE_TYPES)]
    for t in PAGE_TYPES:
        row = Counter(f for f, g in zip(found, labelled, strict=True) if g == t)
        lines.append(f"  {t:>16} " + " ".join(f"{row[c]:>6}" for c in PAGE_TYPES))
    return lines


def wcxb_half(data: Path, half: str, workers: int) -> list[str]:
    pages = [p for p in wcxb.load_pages(data, None) if p.half == half]
    items = [(p.id, str(data), p.url) for p in pages]
    with ProcessPoolExecutor(workers) as pool:
        found = {key: kind for key, kind, _ in pool.map(_page, items, chunksize=4)}
    labelled = [p.page_type for p in pages]
    types = [found[p.id] for p in pages]
    articles = [f for f, t in zip(types, labelled, strict=True) if t == "article"]
    others = [f for f, t in zip(types, labelled, strict=True) if t != "article"]
    kept = sum(f == "article" for f in articles)
    out = sum(f != "article" for f in others)
    return [
        f"WCXB dev {half} half, HTML with URL: articles published {kept / len(articles):.1%} "
        f"({kept}/{len(articles)}, target {TARGETS['articles published']:.0%}), other pages kept "
        f"out {out / len(others):.1%} ({out}/{len(others)}, target "
        f"{TARGETS['others kept out']:.0%})",
        *confusion(labelled, types),
    ]


def aeb_plain(workers: int) -> list[str]:
    items = [(key, gold["articleBody"]) for key, gold in sorted(load_gold().items())]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_text, items, chunksize=8))
    types = Counter(kind for _, kind, _ in results)
    flags = Counter(f for _, _, fl in results for f in fl)
    total = len(results)
    return [
        f"AEB gold texts as plain text, no URL ({total}): page types {dict(types)}; "
        f"not_article {flags['not_article']} ({flags['not_article'] / total:.1%}), truncated "
        f"{flags['truncated']} ({flags['truncated'] / total:.1%}) (target each <= 1%)"
    ]


def cost(rounds: int = 3) -> str:
    import gzip
    import time

    import cleaners.assess as assess
    import cleaners.html as html
    from benchmarks.quality import AEB
    from cleaners import clean
    from cleaners.page_type import PageType

    pages = [
        (gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()), gold.get("url"))
        for key, gold in sorted(load_gold().items())
    ]
    real = (html.page_features, assess.page_type)

    def no_page_features(tree: object) -> tuple[float, ...]:
        return ()

    def always_article(*args: object, **kwargs: object) -> PageType:
        return PageType("article", 1.0)

    def timed() -> float:
        started = time.perf_counter()
        for page, url in pages:
            clean(page, format="html", url=url)
        return time.perf_counter() - started

    timed()  # warm: imports, the model, the rules
    best = {"with": float("inf"), "without": float("inf")}
    for _ in range(rounds):
        html.page_features, assess.page_type = no_page_features, always_article
        best["without"] = min(best["without"], timed())
        html.page_features, assess.page_type = real
        best["with"] = min(best["with"], timed())
    return (
        f"page-type stage cost, clean() over {len(pages)} AEB pages, best of {rounds}: "
        f"{best['with']:.2f} s with it, {best['without']:.2f} s without = "
        f"{best['with'] / best['without']:.3f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=wcxb.DEFAULT_DATA)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--half", choices=("check", "tuning", "both"), default="both")
    parser.add_argument("--cost", action="store_true", help="also time the page-type stage")
    args = parser.parse_args()
    halves = ("tuning", "check") if args.half == "both" else (args.half,)
    lines = []
    for half in halves:
        lines += [*wcxb_half(args.data, half, args.workers), ""]
    lines += aeb_plain(args.workers)
    if args.cost:
        lines.append(cost())
    print("\n".join(lines))
    RESULTS.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
