"""Train the paragraph model (cleaners/paragraph_model.py) from public gold, deterministically.

    .venv/bin/python benchmarks/train_paragraph_model.py            # writes the model
    .venv/bin/python benchmarks/train_paragraph_model.py --dry-run  # figures only

Documents, each cleaned by presswash as far as the page stage (the rules, the listing and
comment stages, the header) and its paragraphs labelled by alignment with the gold text:
- AEB (benchmarks/data/aeb): the five extractors' residue texts, and the gold texts
  themselves (all content: what the model must leave alone);
- WCXB dev's **tuning half** only (benchmarks/wcxb.py `half`): trafilatura's favor_recall
  text, all visible text (benchmarks/page_text.py), and the gold texts.
The check half is never trained on: it is where the figures are confirmed (wcxb.py --text).

A paragraph is boilerplate when less than `COVERED` of its words lie in a 4-word run of the
gold text (or, for a paragraph of fewer than four words, when it is not a run of the gold
text). The model is two stages of gradient-boosted trees (numpy, `boost`): the first over
the paragraph's shallow features, the second besides over what the first said around it and of
the document's article block (cleaners/paragraph_model.py). No sampling and fixed folds: the
same data gives the same model. Each paragraph is weighted by its length (the metrics count
words). Its bar (`choose_bar`) gives the best mean F1 on the training documents among those
that keep the gold texts' recall: a threshold, and a lower one for page dumps.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import wcxb  # noqa: E402
from benchmarks.quality import RESIDUE_TOOLS, load_gold, load_residue, scores, tp_fp_fn  # noqa: E402
from cleaners import paragraph_model as pm  # noqa: E402

OUTPUT = ROOT / "cleaners" / "data" / "paragraph_model.json"
COVERED = 0.5
MAX_GOLD_LOSS = 0.002
MIN_GOLD_RECALL = 0.99
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
DUMP_SHARES = (0.3, 0.4, 0.5, 0.6)
DUMP_THRESHOLDS = (0.3, 0.4, 0.5, 0.6)
TREES = 100
DEPTH = 3
BINS = 32
RATE = 0.15
LAMBDA = 1.0
MIN_HESSIAN = 50.0
_TOKEN = re.compile(r"\w+")


def before_page_stage(item: tuple[str, str]) -> tuple[str, list[str], str | None]:
    """The document cleaned up to the page stage: its paragraphs and language."""
    import cleaners.pipeline as pipeline
    from cleaners import clean
    from cleaners.language import detect_language

    pipeline.page_stage = lambda doc: doc  # type: ignore[assignment]
    key, text = item
    doc = clean(text)
    return key, doc.paragraphs, doc.language or detect_language(doc.text)


def labels(paragraphs: list[str], gold: str) -> list[float]:
    """1.0 for a paragraph the gold text does not hold, 0.0 for one it does."""
    tokens = [t.lower() for t in _TOKEN.findall(gold)]
    grams = {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}
    joined = " " + " ".join(tokens) + " "
    out = []
    for paragraph in paragraphs:
        words = [t.lower() for t in _TOKEN.findall(paragraph)]
        if len(words) < 4:
            held = bool(words) and f" {' '.join(words)} " in joined
            out.append(0.0 if held else 1.0)
            continue
        covered = np.zeros(len(words), dtype=bool)
        for i in range(len(words) - 3):
            if tuple(words[i : i + 4]) in grams:
                covered[i : i + 4] = True
        out.append(0.0 if covered.mean() >= COVERED else 1.0)
    return out


def documents() -> list[tuple[str, str, str]]:
    """(key, input text, gold text) for every training or checking document; the key says
    where it comes from: `aeb:<tool>:<id>`, `<half>:<kind>:<id>`."""
    docs = []
    gold = load_gold()
    for tool in RESIDUE_TOOLS:
        for key, text in load_residue(tool).items():
            docs.append((f"aeb:{tool}:{key}", text, gold[key]["articleBody"]))
    for key, value in gold.items():
        body = value["articleBody"]
        docs.append((f"aeb:gold:{key}", body.replace("\n", "\n\n"), body))
    pages = wcxb.load_pages(wcxb.DEFAULT_DATA)
    for kind in ("recall", "visible"):
        texts = wcxb.text_inputs(pages, wcxb.DEFAULT_DATA, kind, 2)
        for page in pages:
            docs.append((f"{page.half}:{kind}:{page.id}", texts[page.id], _gold(page)))
    for page in pages:
        body = _gold(page)
        if body:
            docs.append((f"{page.half}:gold:{page.id}", body, body))
    return docs


def _fold(key: str) -> int:
    return hashlib.sha256(key.rsplit(":", 1)[-1].encode()).digest()[0] & 1


def _gold(page: wcxb.Page) -> str:
    return page.gold.get("main_content") or ""


def boost(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    *,
    trees: int = TREES,
    depth: int = DEPTH,
    rate: float = RATE,
    min_hessian: float = MIN_HESSIAN,
) -> tuple[np.ndarray, ...]:
    """Gradient-boosted trees of depth `depth` for the weighted logistic loss, on features cut
    into at most `BINS` quantile bins (the histogram method of LightGBM and scikit-learn's
    HistGradientBoosting, in numpy). No sampling: the same data gives the same trees."""
    rows, columns = x.shape
    edges = [
        np.unique(np.quantile(x[:, f], np.linspace(0, 1, BINS + 1)[1:-1])) for f in range(columns)
    ]
    binned = np.stack([np.searchsorted(edges[f], x[:, f], side="left") for f in range(columns)], 1)
    internal, leaves = 2**depth - 1, 2**depth
    features = np.zeros((trees, internal), dtype=np.int64)
    cuts = np.full((trees, internal), np.inf)
    leaf = np.zeros((trees, leaves))
    prior = float(np.average(y, weights=w))
    bias = float(np.log(prior / (1 - prior)))
    raw = np.full(rows, bias)
    for tree in range(trees):
        p = 1.0 / (1.0 + np.exp(-raw))
        g, h = (p - y) * w, p * (1 - p) * w
        node = np.zeros(rows, dtype=np.int64)  # index within the level
        for level in range(depth):
            width = 2**level
            best_gain = np.zeros(width)
            best_feature = np.zeros(width, dtype=np.int64)
            best_bin = np.full(width, -1)
            for f in range(columns):
                key = node * (BINS + 1) + binned[:, f]
                size = width * (BINS + 1)
                gs = np.bincount(key, g, size).reshape(width, BINS + 1)
                hs = np.bincount(key, h, size).reshape(width, BINS + 1)
                gl, hl = np.cumsum(gs, 1)[:, :-1], np.cumsum(hs, 1)[:, :-1]
                gt, ht = gs.sum(1, keepdims=True), hs.sum(1, keepdims=True)
                gr, hr = gt - gl, ht - hl
                gain = gl**2 / (hl + LAMBDA) + gr**2 / (hr + LAMBDA) - gt**2 / (ht + LAMBDA)
                gain[(hl < min_hessian) | (hr < min_hessian)] = 0.0
                where = gain.argmax(1)
                value = gain[np.arange(width), where]
                better = value > best_gain
                best_gain[better] = value[better]
                best_feature[better] = f
                best_bin[better] = where[better]
            for i in range(width):
                index = width - 1 + i
                if best_bin[i] >= 0 and best_bin[i] < len(edges[best_feature[i]]):
                    features[tree, index] = best_feature[i]
                    cuts[tree, index] = edges[best_feature[i]][best_bin[i]]
            go = x[np.arange(rows), features[tree, width - 1 + node]] > cuts[tree, width - 1 + node]
            node = 2 * node + go
        gs = np.bincount(node, g, leaves)
        hs = np.bincount(node, h, leaves)
        leaf[tree] = -rate * gs / (hs + LAMBDA)
        raw += leaf[tree, node]
    return features, cuts, leaf, bias


Bar = tuple[float, float, float]  # threshold, dump_share, dump_threshold, as in the model
UNTOUCHED: Bar = (2.0, 1.0, 2.0)


def evaluate(scored: list[Scored], bar: Bar) -> dict[str, dict[str, float]]:
    """Shingle P/R/F1 per group of documents, keeping the paragraphs scored below the bar."""
    threshold, dump_share, dump_threshold = bar
    groups: dict[str, list[tuple[float, float, float]]] = {}
    for key, paragraphs, score, gold, share in scored:
        half, kind = key.split(":")[:2]
        cut = dump_threshold if share > dump_share else threshold
        kept = score < cut if len(paragraphs) >= 2 else np.ones(len(paragraphs), dtype=bool)
        if kept.size and not kept.any():
            kept = np.ones(len(paragraphs), dtype=bool)
        text = "\n\n".join(p for p, k in zip(paragraphs, kept, strict=True) if k)
        groups.setdefault(f"{half}:{kind}", []).append(tp_fp_fn(gold, text))
    return {name: scores(counts) for name, counts in sorted(groups.items())}


Row = tuple[str, list[str], Any, str]
# key, paragraphs, second-stage scores, gold, first-stage mean
Scored = tuple[str, list[str], Any, str, float]


def cleaned_documents(workers: int, reuse: bool) -> list[Row]:
    """(key, paragraphs, feature matrix, gold) of every document, cleaned up to the page stage."""
    started = time.perf_counter()
    docs = documents()
    cache = wcxb.CACHE / "paragraph-training.json"
    if reuse and cache.exists():
        cleaned = [tuple(row) for row in json.loads(cache.read_text())]
    else:
        with ProcessPoolExecutor(workers) as pool:
            items = [(k, t) for k, t, _ in docs]
            cleaned = list(pool.map(before_page_stage, items, chunksize=8))
        wcxb.CACHE.mkdir(exist_ok=True)
        cache.write_text(json.dumps(cleaned, ensure_ascii=False))
    gold_of = {key: gold for key, _, gold in docs}
    print(f"{len(docs)} documents cleaned in {time.perf_counter() - started:.0f} s", flush=True)
    return [
        (key, paragraphs, pm.feature_matrix(paragraphs, language), gold_of[key])
        for key, paragraphs, language in cleaned
    ]


def train(rows: list[Row]) -> tuple[pm.Trees, pm.Trees, dict[str, np.ndarray]]:
    """The two stages, trained on every document but the check half's, and the stacked
    feature matrix of every document (first-stage scores out of fold where it was trained)."""
    training = [r for r in rows if not r[0].startswith("check:") and r[1]]
    y_of = {r[0]: np.asarray(labels(r[1], r[3])) for r in training}
    w_of = {
        r[0]: np.asarray([np.log1p(len(_TOKEN.findall(p))) + 0.5 for p in r[1]]) for r in training
    }
    stacked: dict[str, np.ndarray] = {}

    def fit(chosen: list[Row], stage: int) -> pm.Trees:
        x = np.vstack([r[2] if stage == 1 else stacked[r[0]] for r in chosen])
        y = np.concatenate([y_of[r[0]] for r in chosen])
        w = np.concatenate([w_of[r[0]] for r in chosen])
        return pm.Trees(*boost(x, y, w))

    # The first stage's scores on the training documents come from the fold that did not
    # see them (two folds by page), as they will on documents the model never saw.
    first_scores: dict[str, np.ndarray] = {}
    for fold in (0, 1):
        held = [r for r in training if _fold(r[0]) == fold]
        trees = fit([r for r in training if _fold(r[0]) != fold], 1)
        first_scores.update({r[0]: trees.probabilities(r[2]) for r in held})
    first = fit(training, 1)
    for r in rows:
        if r[0] not in first_scores:
            first_scores[r[0]] = first.probabilities(r[2]) if r[1] else np.zeros(0)
    for r in rows:
        stacked[r[0]] = (
            np.hstack([r[2], pm.stacked_features(first_scores[r[0]], r[2])]) if r[1] else r[2]
        )
    second = fit(training, 2)
    return first, second, stacked


def choose_bar(scored: list[Scored]) -> Bar:
    """The bar of the best mean F1 over the training groups, in two steps. First the
    threshold that keeps the gold texts' recall within `MAX_GOLD_LOSS` of what it was; then
    the page-dump share and threshold that keep every training gold group's recall at or
    above `MIN_GOLD_RECALL` (a gold text can look like a dump: a short post of short lines)."""
    train = [r for r in scored if not r[0].startswith("check:")]
    untouched = evaluate(train, UNTOUCHED)

    def judged(bar: Bar) -> tuple[float, float, float]:
        figures = evaluate(train, bar)
        gold = [(k, v["recall"]) for k, v in figures.items() if k.endswith(":gold")]
        loss = max(untouched[k]["recall"] - recall for k, recall in gold)
        mean_f1 = float(np.mean([v["f1"] for k, v in figures.items() if not k.endswith("gold")]))
        print(f"  {bar}: F1 {mean_f1:.4f}, gold recall lost {loss:.4f}", flush=True)
        return mean_f1, loss, min(recall for _, recall in gold)

    best: tuple[Bar, float] | None = None
    for threshold in THRESHOLDS:
        mean_f1, loss, _ = judged((threshold, 1.0, threshold))
        if loss <= MAX_GOLD_LOSS and (best is None or mean_f1 > best[1]):
            best = ((threshold, 1.0, threshold), mean_f1)
    if best is None:
        sys.exit("no threshold keeps the gold texts")
    threshold = best[0][0]
    for share in DUMP_SHARES:
        for dump_threshold in DUMP_THRESHOLDS:
            bar = (threshold, share, dump_threshold)
            mean_f1, _, lowest = judged(bar)
            if lowest >= MIN_GOLD_RECALL and mean_f1 > best[1]:
                best = (bar, mean_f1)
    return best[0]


def report(scored: list[Scored], bar: Bar) -> None:
    before, after = evaluate(scored, UNTOUCHED), evaluate(scored, bar)
    for name, values in after.items():
        base = before[name]
        print(
            f"  {name:<24} P {base['precision']:.3f} -> {values['precision']:.3f}  "
            f"R {base['recall']:.3f} -> {values['recall']:.3f}  F1 {values['f1']:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="do not write the model")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the cleaned documents of the last run (benchmarks/.cache): only when "
        "nothing before the page stage changed",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    rows = cleaned_documents(args.workers, args.reuse)
    first, second, stacked = train(rows)
    print(
        f"{sum(len(r[1]) for r in rows)} paragraphs boosted in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    share_column = len(pm.FEATURES) + pm.STACKED.index("first_document")
    scored: list[Scored] = [
        (k, p, second.probabilities(stacked[k]), g, float(stacked[k][0, share_column]))
        if p
        else (k, p, np.zeros(0), g, 0.0)
        for k, p, _, g in rows
    ]
    bar = choose_bar(scored)
    print(f"threshold {bar[0]}, in a page dump (first-stage mean above {bar[1]}) {bar[2]}")
    report(scored, bar)
    lost = [
        (float(score[i]), paragraphs[i][:100])
        for key, paragraphs, score, _, share in scored
        if key.startswith("check:gold")
        for i in np.flatnonzero(score >= (bar[2] if share > bar[1] else bar[0]))
    ]
    print(f"check gold paragraphs removed: {len(lost)}")
    for value, text in sorted(lost, reverse=True)[:15]:
        print(f"   {value:.2f} {text}")
    names = pm.FEATURES + pm.STACKED
    used = np.bincount(second.feature[np.isfinite(second.cut)], minlength=len(names))
    print("most used: " + ", ".join(f"{names[i]} {used[i]}" for i in np.argsort(-used)[:12]))
    if not args.dry_run:
        final = pm.ParagraphModel(first, second, *bar)
        OUTPUT.write_text(json.dumps(final.to_json()) + "\n")
        print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
