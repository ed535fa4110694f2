"""Cleaning quality on text an HTML-to-text renderer wrote: html2text's Markdown of the AEB
pages (the whole page: menus, links, images, footers; lines wrapped at 78 columns).

No extractor in the residue set writes Markdown of a whole page, and presswash's Markdown and
hard-wrap handling was written against dom_smoothie's article output: this is a held-out check
of that work on another renderer. html2text runs in its own environment (see
benchmarks/html2text-requirements.txt); the texts it writes are scored here with quality.py's
metric, as is and after `presswash`'s cleaning.

    .venv/bin/python benchmarks/renderers.py          # results/renderers.txt
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import AEB, RESULTS, ROOT, _presswash_text, load_gold, report, run_parallel

RENDERER_PYTHON = ROOT / "benchmarks" / ".venv-html2text" / "bin" / "python"
WIDTH = 78
_RENDER = """
import gzip, json, pathlib, sys
import html2text
aeb, out, width = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
gold = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
texts = {}
for key in gold:
    page = gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes())
    renderer = html2text.HTML2Text()
    renderer.body_width = width
    texts[key] = renderer.handle(page.decode("utf-8", "replace"))
pathlib.Path(out).write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
print(".".join(map(str, html2text.__version__)))
"""


def render() -> tuple[dict[str, str], str]:
    if not RENDERER_PYTHON.exists():
        sys.exit(f"no html2text environment: see {ROOT / 'benchmarks/html2text-requirements.txt'}")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "texts.json"
        done = subprocess.run(
            [str(RENDERER_PYTHON), "-c", _RENDER, str(AEB), str(out), str(WIDTH)],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.read_text(encoding="utf-8")), done.stdout.strip()


def main() -> None:
    started = time.perf_counter()
    gold = load_gold()
    texts, version = render()
    lines = [f"html2text {version}, body_width {WIDTH}, the {len(texts)} AEB pages"]
    lines.append(report("html2text as is", gold, texts)[0])
    print(lines[-1], flush=True)
    cleaned = run_parallel(_presswash_text, list(texts.items()), 2)
    lines.append(report("presswash html2text", gold, cleaned)[0])
    print(lines[-1], flush=True)
    lines.append(f"({time.perf_counter() - started:.0f} s)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "renderers.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
