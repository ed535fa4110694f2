"""Train the page-type model (cleaners/data/page_type_model.npz).

    python benchmarks/train_page_type.py [--workers 2] [--reuse] [--dry-run]

Pages: every WCXB dev page of the tuning half (seven labelled types) and the AEB pages (all
articles). The check half is never trained on: the figures printed for it are the ones the
issue asks for. Each page is cleaned by presswash once (cached in benchmarks/.cache with
`--reuse`); the page features come from its HTML, the text features from the cleaned record.

Two models are trained, both boosted trees in numpy (cleaners.paragraph_model.Trees, the
booster of train_paragraph_model.py): one on every feature, for HTML inputs, and one on the
URL and text features only, for plain-text inputs. Each is one tree set per page type (one
against the rest); the bar on the article score is chosen out of fold so that the training
pages' articles are kept at `KEEP_ARTICLES`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import wcxb  # noqa: E402
from benchmarks.quality import AEB, load_gold  # noqa: E402
from benchmarks.train_paragraph_model import boost  # noqa: E402
from cleaners import page_type as pt  # noqa: E402
from cleaners.paragraph_model import Trees  # noqa: E402

CACHE = wcxb.CACHE / "page-type-cleaned.json"
# Four fold models, averaged, are the shipped model (see `out_of_fold`). The booster's
# settings were chosen out of fold on the training pages (benchmarks/results/page-type.txt):
# 200 trees of depth 3 at rate 0.05 kept out 57 % of the other pages where 80 trees at 0.1 on
# two folds kept out 46-50 %.
FOLDS = 4
OUTPUT = ROOT / "cleaners" / "data" / "page_type_model.npz"
RESULTS = ROOT / "benchmarks" / "results" / "page-type-training.txt"
# The share of the training pages' articles (out of fold) the bar must keep: the issue asks
# for 99 % of the check half's articles; plain text says less of what a page is, and a text
# user's articles are kept more surely still.
KEEP_ARTICLES = {"html": 0.99, "plain": 0.995}
TREES = 200
DEPTH = 3
RATE = 0.05
MIN_HESSIAN = 5.0


def _clean_page(item: tuple[str, str, str]) -> dict[str, Any]:
    from cleaners import clean

    key, path, url = item
    html = gzip.decompress(Path(path).read_bytes())
    doc = clean(html, format="html", url=url or None)
    return {
        "key": key,
        "text": doc.text,
        "title": doc.title,
        "authors": list(doc.authors),
        "published": doc.published,
        "language": doc.language,
    }


def page_list(data: Path) -> list[dict[str, str]]:
    """Every page with its label, half and HTML path."""
    pages = [
        {
            "key": f"wcxb:{p.id}",
            "type": p.page_type,
            "half": p.half,
            "domain": p.domain,
            "url": p.url,
            "path": str(data / "html" / f"{p.id}.html.gz"),
        }
        for p in wcxb.load_pages(data, None)
    ]
    for key, gold in sorted(load_gold().items()):
        url = gold.get("url") or ""
        pages.append(
            {
                "key": f"aeb:{key}",
                "type": "article",
                "half": "aeb",
                "domain": url.split("/")[2] if url.count("/") >= 2 else key,
                "url": url,
                "path": str(AEB / "html" / f"{key}.html.gz"),
            }
        )
    return pages


def cleaned(pages: list[dict[str, str]], workers: int, reuse: bool) -> dict[str, dict[str, Any]]:
    if reuse and CACHE.exists():
        rows = json.loads(CACHE.read_text())
    else:
        started = time.perf_counter()
        items = [(p["key"], p["path"], p["url"]) for p in pages]
        with ProcessPoolExecutor(workers) as pool:
            rows = list(pool.map(_clean_page, items, chunksize=4))
        wcxb.CACHE.mkdir(exist_ok=True)
        CACHE.write_text(json.dumps(rows, ensure_ascii=False))
        print(f"{len(rows)} pages cleaned in {time.perf_counter() - started:.0f} s", flush=True)
    return {row["key"]: row for row in rows}


def _page_row(item: tuple[str, str]) -> tuple[str, list[float]]:
    from cleaners.decode import decode
    from cleaners.html import load_tree

    key, path = item
    html = decode(gzip.decompress(Path(path).read_bytes()), None, markup=True).text
    tree, _ = load_tree(html)
    return key, list(pt.page_features(tree)) if tree is not None else [0.0] * len(pt.PAGE_FEATURES)


def feature_rows(
    pages: list[dict[str, str]], docs: dict[str, dict[str, Any]], workers: int
) -> tuple[np.ndarray, np.ndarray]:
    """The HTML rows and the plain-text rows of every page, in page order."""
    with ProcessPoolExecutor(workers) as pool:
        page = dict(pool.map(_page_row, [(p["key"], p["path"]) for p in pages], chunksize=8))
    html, plain = [], []
    for p in pages:
        d = docs[p["key"]]
        meta = pt.metadata_features(d["title"], tuple(d["authors"]), d["published"])
        text = pt.text_features(d["text"])
        url = pt.url_features(p["url"])
        html.append([*url, *page[p["key"]], *meta, *text])
        plain.append([*url, *text])
    return np.asarray(html, dtype=np.float64), np.asarray(plain, dtype=np.float64)


def fit(x: np.ndarray, labels: np.ndarray) -> list[Trees]:
    """One tree set per type, each against the rest, the type's pages weighed as much as all
    the others together."""
    sets = []
    for index in range(len(pt.PAGE_TYPES)):
        y = (labels == index).astype(np.float64)
        positives = max(1.0, y.sum())
        w = np.where(y == 1, 0.5 * len(y) / positives, 0.5 * len(y) / max(1.0, len(y) - positives))
        feature, cut, leaf, bias = boost(
            x, y, w, trees=TREES, depth=DEPTH, rate=RATE, min_hessian=MIN_HESSIAN
        )
        sets.append(Trees(feature, cut, leaf, bias))
    return sets


def scores_of(sets: list[Trees], x: np.ndarray) -> np.ndarray:
    return np.stack([t.probabilities(x) for t in sets], 1)


def fold(domain: str) -> int:
    """The folds of the training pages by another byte of the domain's hash than the halves'."""
    return hashlib.sha256(domain.encode()).digest()[1] % FOLDS


def without_url(x: np.ndarray) -> np.ndarray:
    """The rows as they would be for an input given without its URL."""
    bare = x.copy()
    bare[:, : len(pt.URL_FEATURES)] = pt.url_features(None)
    return bare


def fit_both(x: np.ndarray, labels: np.ndarray) -> list[Trees]:
    """Trained on every page twice, with and without its URL: inputs come both ways, and a
    model that never saw a page without one judges such pages at random."""
    return fit(np.vstack([x, without_url(x)]), np.concatenate([labels, labels]))


def averaged(models: list[list[Trees]]) -> list[Trees]:
    """The fold models as one: for each type, every fold's trees with their leaves and bias
    divided by the number of folds, so that the log-odds is the folds' mean."""
    folds = len(models)
    return [
        Trees(
            np.vstack([m[t].feature for m in models]),
            np.vstack([m[t].cut for m in models]),
            np.vstack([m[t].leaf for m in models]) / folds,
            sum(m[t].bias for m in models) / folds,
        )
        for t in range(len(pt.PAGE_TYPES))
    ]


def out_of_fold(
    x: np.ndarray, labels: np.ndarray, folds: np.ndarray
) -> tuple[np.ndarray, list[Trees]]:
    """Every training page's scores from the fold model that did not see it, and the fold
    models averaged: the model shipped. Each of its halves judged unseen pages, which is what
    the bars are chosen on; a model refit on every page would be surer of itself than the
    out-of-fold scores say, and the bars would not hold (measured: 98.8 % of the check half's
    articles kept where out of fold said 99.1 %)."""
    scores = np.zeros((len(labels), len(pt.PAGE_TYPES)))
    models = []
    for k in range(FOLDS):
        held = folds == k
        models.append(fit_both(x[~held], labels[~held]))
        scores[held] = scores_of(models[-1], x[held])
    return scores, averaged(models)


# The other type's score a page must reach before it may be rejected (cleaners.page_type):
# at least even odds by that type's own trees. Lower bars let pages that look like nothing
# the model was trained on go: a 60-word page of three paragraphs (no title, no URL) scored
# 0.3-0.45 against documentation, collection and forum with the 0.3 bar chosen out of fold.
OTHER_BARS = (0.5, 0.6, 0.7, 0.8)


def choose_bars(scores: np.ndarray, labels: np.ndarray, keep: float) -> tuple[float, float]:
    """The two bars that keep out most other pages while keeping `keep` of the articles:
    for each bar on the other types' score, the highest article bar that keeps enough."""
    best: tuple[float, float, float] = (-1.0, 0.0, 1.0)
    others = scores[:, 1:].max(1)
    articles = labels == 0
    allowed = int(np.floor(articles.sum() * (1 - keep)))
    for other_bar in OTHER_BARS:
        exposed = np.sort(scores[articles & (others >= other_bar), 0])
        bar = float(exposed[allowed]) if allowed < len(exposed) else 1.0
        out = float(np.mean((scores[~articles, 0] < bar) & (others[~articles] >= other_bar)))
        if out > best[0] + 1e-9:
            best = (out, bar, other_bar)
    return best[1], best[2]


def judged(scores: np.ndarray, bars: tuple[float, float]) -> list[str]:
    return [pt.decide(row, *bars).type for row in scores]


def report(name: str, found: list[str], labels: np.ndarray, out: list[str]) -> None:
    truth = [pt.PAGE_TYPES[i] for i in labels]
    articles = [f for f, t in zip(found, truth, strict=True) if t == "article"]
    others = [f for f, t in zip(found, truth, strict=True) if t != "article"]
    kept = sum(f == "article" for f in articles) / max(1, len(articles))
    out_share = sum(f != "article" for f in others) / max(1, len(others))
    right = sum(f == t for f, t in zip(found, truth, strict=True)) / max(1, len(found))
    out.append(
        f"{name}: articles published {kept:.1%} ({sum(f == 'article' for f in articles)}"
        f"/{len(articles)}), others kept out {out_share:.1%} "
        f"({sum(f != 'article' for f in others)}/{len(others)}), type right {right:.1%}"
    )
    out.append("  labelled -> found: " + " ".join(f"{t[:5]:>6}" for t in pt.PAGE_TYPES))
    for t in pt.PAGE_TYPES:
        row = Counter(f for f, g in zip(found, truth, strict=True) if g == t)
        out.append(f"  {t:>16}  " + " ".join(f"{row[c]:>6}" for c in pt.PAGE_TYPES))


def _clean_text(text: str) -> str:
    from cleaners import clean

    return clean(text).text


def aeb_plain_rows(workers: int) -> np.ndarray:
    """The AEB gold texts given as plain text without a URL, cleaned: articles every one, the
    issue's check that a text user's articles stay articles."""
    texts = [gold["articleBody"] for _, gold in sorted(load_gold().items())]
    with ProcessPoolExecutor(workers) as pool:
        cleaned_texts = list(pool.map(_clean_text, texts, chunksize=8))
    return np.asarray(
        [[*pt.url_features(None), *pt.text_features(t)] for t in cleaned_texts], dtype=np.float64
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=wcxb.DEFAULT_DATA)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="reuse the cleaned pages' cache")
    parser.add_argument("--dry-run", action="store_true", help="report, write no model")
    args = parser.parse_args()
    try:
        pt.shipped_models()
    except ValueError:
        # A model for other features cannot judge the cleaning runs below; it is replaced.
        print(f"{OUTPUT.name} is for other features: removed", flush=True)
        OUTPUT.unlink()
    pages = page_list(args.data)
    docs = cleaned(pages, args.workers, args.reuse)
    html, plain = feature_rows(pages, docs, args.workers)
    labels = np.asarray([pt.PAGE_TYPES.index(p["type"]) for p in pages])
    train = np.asarray([p["half"] != "check" for p in pages])
    check = ~train
    folds = np.asarray([fold(p["domain"]) for p in pages])[train]
    out: list[str] = []
    models = {}
    for name, x in (("html", html), ("plain", plain)):
        oof, sets = out_of_fold(x[train], labels[train], folds)
        bars = choose_bars(oof, labels[train], KEEP_ARTICLES[name])
        report(
            f"{name}, training pages out of fold (bars {bars[0]:.3f}, {bars[1]:.1f})",
            judged(oof, bars),
            labels[train],
            out,
        )
        features = pt.HTML_FEATURES if name == "html" else pt.PLAIN_FEATURES
        built = pt.TypeModel(features, tuple(sets), round(bars[0], 6), bars[1])
        # Judged as shipped: the model read back from its arrays (leaves in float32).
        model = pt.TypeModel.from_arrays(built.to_arrays(name), name)
        models[name] = model

        def judge(rows: np.ndarray, model: pt.TypeModel = model) -> list[str]:
            return [model.judge(list(row)).type for row in rows]

        report(f"{name}, check half", judge(x[check]), labels[check], out)
        report(f"{name}, check half without URLs", judge(without_url(x[check])), labels[check], out)
        if name == "plain":
            found = judge(aeb_plain_rows(args.workers))
            out.append(
                f"plain, AEB gold texts without URLs: {sum(f != 'article' for f in found)}"
                f" of {len(found)} judged not articles ({Counter(found)})"
            )
        out.append("")
    print("\n".join(out), flush=True)
    if not args.dry_run:
        OUTPUT.write_bytes(pt.PageTypeModels(**models).to_bytes())
        RESULTS.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
