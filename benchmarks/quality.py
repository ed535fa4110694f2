"""Cleaning quality against human gold text: the AEB pages and five extractors' residue.

The metric is the Article Extraction Benchmark's own (scrapinghub/article-extraction-benchmark,
evaluate.py): word 4-gram shingles of `\\w+` tokens, per-page TP/FP/FN as multiset overlap
normalised by their sum, precision and recall averaged over pages, F1 from the two means.

    .venv/bin/python benchmarks/quality.py            # everything; results/quality.txt
    .venv/bin/python benchmarks/quality.py --html     # only the HTML pages
    .venv/bin/python benchmarks/quality.py --residue readability_js --worst 10
    .venv/bin/python benchmarks/quality.py --cli      # texts through `presswash clean`

Targets (boilerplate issue): HTML F1 >= 0.975, P >= 0.965, R >= 0.975; readability_js
P >= 0.96 with R >= 0.975; go_readability P >= 0.95 with R >= 0.965; html-text P >= 0.85 with
R >= 0.85. A last line runs the gold texts themselves through the cleaning: its recall is
what cleaning takes out of text that is all article (over-removal).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AEB = ROOT / "benchmarks" / "data" / "aeb"
RESULTS = ROOT / "benchmarks" / "results"
RESIDUE_TOOLS = ("readability_js", "go_readability", "dom_smoothie", "justext", "html-text")
TARGETS = {
    "presswash html": (0.975, 0.965, 0.975),
    "presswash readability_js": (None, 0.96, 0.975),
    "presswash go_readability": (None, 0.95, 0.965),
    "presswash html-text": (None, 0.85, 0.85),
}

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    truth, guess = shingles(true), shingles(pred)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"f1": 2 * p * r / (p + r), "precision": p, "recall": r}


def exact(true: str, pred: str) -> bool:
    return _TOKEN.findall(true) == _TOKEN.findall(pred)


def load_gold() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads((AEB / "ground-truth.json").read_text())
    return data


def load_residue(tool: str) -> dict[str, str]:
    data = json.loads((AEB / "residue" / f"{tool}.json").read_text())
    output = data.get("output", data)
    return {key: (value or {}).get("articleBody") or "" for key, value in output.items()}


def _presswash_html(item: tuple[str, bytes, str]) -> tuple[str, str]:
    from cleaners import clean

    key, page, url = item
    return key, clean(page, format="html", url=url).text


def _presswash_text(item: tuple[str, str]) -> tuple[str, str]:
    from cleaners import clean

    key, text = item
    return key, clean(text).text


def cli_clean(texts: dict[str, str], workers: int) -> dict[str, str]:
    """The texts through `presswash clean`, the path users run (site-learned lines, dedup,
    rejections included): each text a `.txt` file, its output the published record's text,
    or nothing where the document was rejected."""
    with tempfile.TemporaryDirectory(prefix="presswash-quality-") as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        inputs.mkdir()
        for key, text in texts.items():
            (inputs / f"{key}.txt").write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "flows.cli", "clean", str(inputs), "--out", str(out)]
        command += ["--workers", str(workers), "--quiet"]
        subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
        published = {key: "" for key in texts}
        for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            published[Path(record["source"]["path"]).stem] = record["text"]
        return published


def _trafilatura(item: tuple[str, bytes, str, dict[str, bool]]) -> tuple[str, str]:
    import trafilatura

    key, page, url, options = item
    return key, trafilatura.extract(page, url=url, **options) or ""


def run_parallel(
    function: Callable[..., tuple[str, str]], items: list, workers: int
) -> dict[str, str]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(function, items, chunksize=4))


def report(
    name: str, gold: dict[str, dict[str, str]], predicted: dict[str, str]
) -> tuple[str, dict[str, float]]:
    counts = [tp_fp_fn(gold[k]["articleBody"], predicted.get(k, "")) for k in gold]
    metrics = scores(counts)
    metrics["exact"] = statistics.mean(
        exact(gold[k]["articleBody"], predicted.get(k, "")) for k in gold
    )
    verdict = ""
    target = TARGETS.get(name)
    if target:
        f1, p, r = target
        met = (
            (f1 is None or metrics["f1"] >= f1)
            and metrics["precision"] >= p
            and metrics["recall"] >= r
        )
        wanted = " ".join(
            f"{label}>={value}" for label, value in (("F1", f1), ("P", p), ("R", r)) if value
        )
        verdict = f"  target {wanted}: {'met' if met else 'NOT met'}"
    line = (
        f"{name:<28} F1 {metrics['f1']:.3f}  P {metrics['precision']:.3f}  "
        f"R {metrics['recall']:.3f}  exact {metrics['exact']:.3f}{verdict}"
    )
    return line, metrics


def worst(
    gold: dict[str, dict[str, str]], predicted: dict[str, str], count: int, by: str
) -> list[str]:
    rows = []
    for key in gold:
        tp, fp, fn = tp_fp_fn(gold[key]["articleBody"], predicted.get(key, ""))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        rows.append((p if by == "precision" else r, key, p, r))
    rows.sort()
    return [
        f"  {key[:16]} P {p:.3f} R {r:.3f}  {gold[key]['url'][:70]}"
        for _, key, p, r in rows[:count]
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--html", action="store_true", help="only the HTML pages")
    parser.add_argument("--residue", nargs="*", help="only these residue tools (default all)")
    parser.add_argument("--baselines", action="store_true", help="also trafilatura alone")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dump", type=Path, help="write presswash outputs here as JSON")
    parser.add_argument(
        "--cli",
        action="store_true",
        help="clean the texts with `presswash clean` (the path users run) instead of clean()",
    )
    args = parser.parse_args()

    def clean_texts(texts: dict[str, str]) -> dict[str, str]:
        if args.cli:
            return cli_clean(texts, args.workers)
        return run_parallel(_presswash_text, list(texts.items()), args.workers)

    only_html = args.html and args.residue is None
    only_residue = args.residue is not None and not args.html
    tools = args.residue or RESIDUE_TOOLS

    gold = load_gold()
    lines: list[str] = []
    dumps: dict[str, dict[str, str]] = {}
    started = time.perf_counter()

    if not only_residue:
        pages = [
            (k, gzip.decompress((AEB / "html" / f"{k}.html.gz").read_bytes()), v["url"])
            for k, v in gold.items()
        ]
        if args.baselines:
            for label, options in (
                ("trafilatura default", {}),
                ("trafilatura no comments", {"include_comments": False}),
                ("trafilatura best", {"include_comments": False, "favor_precision": True}),
            ):
                items = [(k, page, url, options) for k, page, url in pages]
                lines.append(
                    report(label, gold, run_parallel(_trafilatura, items, args.workers))[0]
                )
                print(lines[-1], flush=True)
        predicted = run_parallel(_presswash_html, pages, args.workers)
        dumps["html"] = predicted
        lines.append(report("presswash html", gold, predicted)[0])
        print(lines[-1], flush=True)
        if args.worst:
            for by in ("precision", "recall"):
                print(f" worst {by}:")
                print("\n".join(worst(gold, predicted, args.worst, by)))

    if not only_html:
        for tool in tools:
            residue = load_residue(tool)
            lines.append(report(f"{tool} as is", gold, residue)[0])
            print(lines[-1], flush=True)
            predicted = clean_texts(residue)
            dumps[tool] = predicted
            lines.append(report(f"presswash {tool}", gold, predicted)[0])
            print(lines[-1], flush=True)
            if args.worst:
                for by in ("precision", "recall"):
                    print(f" worst {by}:")
                    print("\n".join(worst(gold, predicted, args.worst, by)))

    if not only_html and args.residue is None:
        # The gold texts themselves as input: what cleaning takes out of text that is only the
        # article. Nothing tuned on the residue shows here, so it is the over-removal a
        # held-out corpus of clean articles would see (a blank line between paragraphs, as
        # extractors write them).
        clean_inputs = {k: v["articleBody"].replace("\n", "\n\n") for k, v in gold.items()}
        predicted = clean_texts(clean_inputs)
        dumps["gold"] = predicted
        lines.append(report("presswash on gold text", gold, predicted)[0])
        print(lines[-1], flush=True)

    elapsed = time.perf_counter() - started
    lines.append(f"({len(gold)} pages, {elapsed:.0f} s)")
    if args.dump:
        args.dump.write_text(json.dumps(dumps, ensure_ascii=False))
    if not args.html and args.residue is None:
        RESULTS.mkdir(exist_ok=True)
        name = "quality-cli.txt" if args.cli else "quality.txt"
        (RESULTS / name).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
