"""Cleaning quality on text an HTML-to-text renderer wrote from the AEB pages, whole pages
(menus, links, images, footers) with lines wrapped at a fixed width:

- html2text's Markdown (78 columns), html2text in its own environment (see
  benchmarks/html2text-requirements.txt; it is GPL-3.0 and no dependency of presswash);
- lynx -dump (80 columns: numbered link markers and a References list), when the lynx binary
  is installed (`apt-get install lynx`).

No extractor in the residue set writes either, and presswash's handling of rendered text was
written against dom_smoothie's article Markdown: this is a held-out check of that work on other
renderers. The texts are scored with quality.py's metric, as is and after presswash's cleaning.

    .venv/bin/python benchmarks/renderers.py          # results/renderers.txt
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import AEB, RESULTS, ROOT, _presswash_text, load_gold, report, run_parallel

RENDERER_PYTHON = ROOT / "benchmarks" / ".venv-html2text" / "bin" / "python"
WIDTH = 78
LYNX_OPTIONS = (
    "lynx",
    "-dump",
    "-force_html",
    "-assume_charset=utf-8",
    "-display_charset=utf-8",
    "-width=80",
)
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


def render_lynx() -> dict[str, str] | None:
    if shutil.which("lynx") is None:
        return None
    gold = load_gold()
    texts = {}
    with tempfile.TemporaryDirectory() as scratch:
        page_file = Path(scratch) / "page.html"
        for key in gold:
            page_file.write_bytes(gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()))
            done = subprocess.run(
                [*LYNX_OPTIONS, str(page_file)],
                capture_output=True,
                timeout=60,
                check=False,
            )
            texts[key] = done.stdout.decode("utf-8", "replace")
    return texts


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
    dumps = render_lynx()
    if dumps is None:
        lines.append("lynx: not installed (apt-get install lynx), skipped")
    else:
        version = subprocess.run(["lynx", "-version"], capture_output=True, text=True, check=False)
        lines.append(f"{version.stdout.splitlines()[0]}, -dump -width=80")
        lines.append(report("lynx -dump as is", gold, dumps)[0])
        cleaned = run_parallel(_presswash_text, list(dumps.items()), 2)
        lines.append(report("presswash lynx -dump", gold, cleaned)[0])
    print("\n".join(lines[-3:]), flush=True)
    lines.append(f"({time.perf_counter() - started:.0f} s)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "renderers.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
