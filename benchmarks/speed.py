"""Speed: the whole pipeline against the cost of its ingredients, workers, memory, datatrove.

Performance issue targets, each printed as a figure next to its target:

  text      the whole pipeline (dedup on, one worker) over the AEB residue texts
            <= 0.5x ftfy.fix_text alone over the same texts
  html      the whole pipeline (one worker) over the AEB pages <= 1.25x bare
            trafilatura.extract (default settings) over the same pages
  startup   `presswash clean seeds/` from a cold start, no Prefect API configured: <= 4 s
  workers   --workers 2 on 2 cores >= 1.7x the throughput of one worker, a few thousand pages
  memory    100k plain-text documents streamed from a JSONL file through `presswash clean`:
            peak resident memory of the whole process tree < 1 GiB (10k too, for the trend)
  datatrove presswash >= 2x faster than datatrove's nearest equivalent pipeline (trafilatura,
            ftfy, MinHash dedup; its own environment, benchmarks/.venv-datatrove) over the same
            pages, at equal or better quality (the AEB metric of quality.py)
  profile   cProfile over the text and the HTML runs: where the time goes

"The whole pipeline" is a real run, `flows.run.run_corpus` (what `presswash clean` calls) or
the command itself, over a JSONL file written to a temporary folder, into a fresh --out each
time: reading, cleaning, fingerprints, dedup, articles.jsonl, Parquet, state. Baselines run in
the same process, interleaved with it; each side's best of --rounds is kept so that the noise
of a shared machine cancels out of the ratio.

    .venv/bin/python benchmarks/speed.py                  # everything; results/speed.txt
    .venv/bin/python benchmarks/speed.py --quick          # smoke run on small inputs
    .venv/bin/python benchmarks/speed.py --only text html profile
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gzip
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import quality  # noqa: E402  (benchmarks/quality.py: the AEB data and metric)
import startup  # noqa: E402  (benchmarks/startup.py: the cold-start target)

RESULTS = BENCH / "results"
DATATROVE_VENV = BENCH / ".venv-datatrove"
DATATROVE_PYTHON = DATATROVE_VENV / "bin" / "python"
PARTS = ("text", "html", "profile", "startup", "workers", "memory", "datatrove")

TEXT_TARGET = 0.5
HTML_TARGET = 1.25
WORKERS_TARGET = 1.7
MEMORY_TARGET_MB = 1024.0
DATATROVE_TARGET = 2.0


@dataclass
class Settings:
    quick: bool
    rounds: int
    residue_tools: tuple[str, ...]
    pages: int
    startup_runs: int
    worker_copies: int
    worker_rounds: int
    memory_sizes: tuple[int, ...]
    memory_workers: int
    datatrove_copies: int
    datatrove_rounds: int
    profile_lines: int


@dataclass
class Figure:
    name: str
    measured: str
    target: str
    met: bool | None


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def say(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def figure(self, name: str, measured: str, target: str, met: bool | None) -> None:
        self.figures.append(Figure(name, measured, target, met))


# --- inputs ---------------------------------------------------------------------------------


def residue_texts(tools: Iterable[str]) -> list[tuple[str, str]]:
    """(id, text) of every extractor output in aeb/residue/, empty ones included."""
    return [
        (f"{tool}/{key}", text)
        for tool in tools
        for key, text in quality.load_residue(tool).items()
    ]


def aeb_pages(count: int | None = None) -> list[tuple[str, str, str]]:
    """(key, url, page) of the AEB pages, decompressed and decoded (they are UTF-8)."""
    gold = quality.load_gold()
    keys = list(gold)[:count] if count else list(gold)
    return [
        (
            key,
            gold[key]["url"],
            gzip.decompress((quality.AEB / "html" / f"{key}.html.gz").read_bytes()).decode(
                "utf-8", "replace"
            ),
        )
        for key in keys
    ]


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>", re.IGNORECASE)


def page_copy(key: str, url: str, page: str, number: int) -> dict[str, str]:
    """Copy `number` of a page: another site's URL and a small change to its first paragraph
    (a re-published, lightly edited story: a near duplicate of the original)."""
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    marker = f"Updated {number}: "
    found = _FIRST_PARAGRAPH.search(page) or _TITLE.search(page)
    if found:
        page = page[: found.end()] + marker + page[found.end() :]
    return {
        "id": f"{key}~{number}",
        "url": f"https://mirror{number}.example.org/{path}",
        "html": page,
    }


def page_corpus(pages: list[tuple[str, str, str]], copies: int) -> Iterator[dict[str, str]]:
    """Every page, then `copies` near copies of each (all originals first)."""
    for key, url, page in pages:
        yield {"id": key, "url": url, "html": page}
    for number in range(1, copies + 1):
        for key, url, page in pages:
            yield page_copy(key, url, page, number)


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def generated_texts(count: int, seed: int = 20) -> Iterator[dict[str, str]]:
    """`count` plain-text news documents made from the gold paragraphs: 6 to 18 paragraphs
    drawn at random, each lightly varied (a word dropped, two swapped) so that lines rarely
    repeat, on 200 sites; one in ten is a near copy of an earlier document (a paragraph
    dropped). Deterministic for a seed."""
    rng = random.Random(seed)
    pool = [
        paragraph.split()
        for item in quality.load_gold().values()
        for paragraph in item["articleBody"].split("\n")
        if len(paragraph.split()) >= 8
    ]
    recent: list[list[str]] = []
    for number in range(count):
        if recent and rng.random() < 0.1:
            paragraphs = list(rng.choice(recent))
            del paragraphs[rng.randrange(len(paragraphs))]
        else:
            paragraphs = []
            for words in rng.sample(pool, rng.randint(6, 18)):
                words = list(words)
                del words[rng.randrange(len(words))]
                i, j = rng.randrange(len(words)), rng.randrange(len(words))
                words[i], words[j] = words[j], words[i]
                paragraphs.append(" ".join(words))
            recent.append(paragraphs)
            if len(recent) > 500:
                recent.pop(rng.randrange(len(recent)))
        site = number % 200
        yield {
            "id": f"gen-{number}",
            "url": f"https://news{site}.example.com/{number // 200}/story-{number}",
            "title": " ".join(paragraphs[0].split()[:8]),
            "text": "\n\n".join(paragraphs),
        }


# --- running presswash ---------------------------------------------------------------------


def run_presswash(
    inputs: list[Path], out: Path, workers: int = 1, dedup: bool = True
) -> tuple[float, Any]:
    """One real run into a fresh `out`: run_corpus with the runner `--workers` makes.
    Seconds from the call to its return (runner start and shutdown included)."""
    from flows.run import RunConfig, run_corpus
    from flows.runners import make_runner

    if out.exists():
        shutil.rmtree(out)
    config = RunConfig(inputs=tuple(str(p) for p in inputs), out=out, dedup=dedup, workers=workers)
    started = time.perf_counter()
    runner = make_runner(workers, None)
    try:
        summary = run_corpus(config, runner)
    finally:
        runner.close()
    return time.perf_counter() - started, summary


def presswash_env() -> dict[str, str]:
    """The environment of a cold `presswash` process with no Prefect API (as startup.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_PROFILES_PATH"] = os.devnull
    return env


def presswash_command() -> str:
    return str(Path(sys.executable).with_name("presswash"))


def timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def interleaved(rounds: int, sides: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Each side once per round, the order turned round every other round."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for number in range(rounds):
        for name in names if number % 2 == 0 else reversed(names):
            times[name].append(sides[name]())
    return times


def seconds_list(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


# --- parts ---------------------------------------------------------------------------------


def part_text(settings: Settings, work: Path, report: Report) -> Path:
    import ftfy

    from cleaners import clean

    texts = residue_texts(settings.residue_tools)
    corpus = work / "text" / "residue.jsonl"
    write_jsonl(corpus, ({"id": key, "text": text} for key, text in texts))
    bodies = [text for _, text in texts]
    characters = sum(len(t) for t in bodies)
    report.say(
        f"[text] {len(bodies)} residue texts of {', '.join(settings.residue_tools)} "
        f"({characters / 1e6:.1f} M characters, {sum(1 for b in bodies if not b)} empty), "
        f"one JSONL file; best of {settings.rounds}, interleaved"
    )
    warm = work / "text" / "warm.jsonl"
    write_jsonl(warm, ({"id": key, "text": text} for key, text in texts[:20]))
    run_presswash([warm], work / "text" / "out")
    for text in bodies[:20]:
        ftfy.fix_text(text)
    summaries: list[Any] = []

    def pipeline() -> float:
        seconds, summary = run_presswash([corpus], work / "text" / "out")
        summaries.append(summary)
        return seconds

    times = interleaved(
        settings.rounds,
        {
            "ftfy": lambda: timed(lambda: [ftfy.fix_text(t) for t in bodies]),
            "pipeline": pipeline,
            "clean": lambda: timed(lambda: [clean(t) for t in bodies]),
        },
    )
    ftfy_best, pipe_best, clean_best = (
        min(times["ftfy"]),
        min(times["pipeline"]),
        min(times["clean"]),
    )
    summary = summaries[-1]
    ratio = pipe_best / ftfy_best
    report.say(f"  ftfy.fix_text alone (default config): {seconds_list(times['ftfy'])} s")
    report.say(
        f"  whole pipeline, run_corpus, 1 worker, dedup on: {seconds_list(times['pipeline'])} s"
        f" ({summary.published} published, {sum(summary.rejected.values())} rejected; "
        + ", ".join(f"{k} {v:.2f}" for k, v in summary.timings.items())
        + ")"
    )
    report.say(
        f"  (for the profile) cleaners.clean() alone, no reading, records, dedup or writing: "
        f"{seconds_list(times['clean'])} s = {clean_best / ftfy_best:.2f}x ftfy"
    )
    io_best, pass_best = text_floor(corpus, bodies, settings.rounds, work / "text" / "copy.jsonl")
    budget = ftfy_best * TEXT_TARGET
    report.say(
        f"  (not the figure) what the target leaves: {budget:.2f} s; reading the JSONL and "
        f"writing it back alone {io_best:.2f} s, one pass of a word regex (\\w+) over the texts "
        f"{pass_best:.2f} s: the whole pipeline gets the time of "
        f"{(budget - io_best) / pass_best:.0f} such passes"
    )
    met = ratio <= TEXT_TARGET
    report.say(
        f"  pipeline / ftfy = {pipe_best:.2f} / {ftfy_best:.2f} = {ratio:.2f}x; "
        f"target <= {TEXT_TARGET}x: {'met' if met else 'NOT met'}  ({load_text()})"
    )
    report.figure(
        "plain text: pipeline / ftfy.fix_text",
        f"{ratio:.2f}x ({pipe_best:.2f} s / {ftfy_best:.2f} s)",
        f"<= {TEXT_TARGET}x",
        met,
    )
    return corpus


def text_floor(corpus: Path, bodies: list[str], rounds: int, copy: Path) -> tuple[float, float]:
    """The least any pipeline pays on the text corpus, best of `rounds`: reading the JSONL
    and writing every record back, and one scan of a word regex over the texts (the unit of
    the simplest cleaning stage). Together they say how much work the text target allows."""
    word = re.compile(r"\w+")

    def copy_corpus() -> None:
        with open(corpus, encoding="utf-8") as lines:
            write_jsonl(copy, (json.loads(line) for line in lines))

    io_times = [timed(copy_corpus) for _ in range(rounds)]
    pass_times = [timed(lambda: [word.findall(text) for text in bodies]) for _ in range(rounds)]
    return min(io_times), min(pass_times)


def part_html(settings: Settings, work: Path, report: Report) -> Path:
    import trafilatura

    from cleaners import clean

    pages = aeb_pages(settings.pages)
    corpus = work / "html" / "pages.jsonl"
    write_jsonl(corpus, page_corpus(pages, 0))
    megabytes = sum(len(p.encode("utf-8")) for _, _, p in pages) / 1e6
    report.say(
        f"[html] {len(pages)} AEB pages ({megabytes:.1f} MB), one JSONL file of id, url, html; "
        f"best of {settings.rounds}, interleaved"
    )
    warm = work / "html" / "warm.jsonl"
    write_jsonl(warm, page_corpus(pages[:3], 0))
    run_presswash([warm], work / "html" / "out")
    for _, url, page in pages[:3]:
        trafilatura.extract(page, url=url)
    summaries: list[Any] = []

    def pipeline() -> float:
        seconds, summary = run_presswash([corpus], work / "html" / "out")
        summaries.append(summary)
        return seconds

    times = interleaved(
        settings.rounds,
        {
            "trafilatura": lambda: timed(
                lambda: [trafilatura.extract(page, url=url) for _, url, page in pages]
            ),
            "pipeline": pipeline,
            "clean": lambda: timed(
                lambda: [clean(page, format="html", url=url) for _, url, page in pages]
            ),
        },
    )
    bare, pipe_best, clean_best = (
        min(times["trafilatura"]),
        min(times["pipeline"]),
        min(times["clean"]),
    )
    summary = summaries[-1]
    ratio = pipe_best / bare
    report.say(
        f"  trafilatura.extract(page, url=url), default settings: "
        f"{seconds_list(times['trafilatura'])} s"
    )
    report.say(
        f"  whole pipeline, run_corpus, 1 worker, dedup on: {seconds_list(times['pipeline'])} s"
        f" ({summary.published} published, {sum(summary.rejected.values())} rejected; "
        + ", ".join(f"{k} {v:.2f}" for k, v in summary.timings.items())
        + ")"
    )
    report.say(
        f"  (for the profile) cleaners.clean(page, format='html') alone: "
        f"{seconds_list(times['clean'])} s = {clean_best / bare:.2f}x trafilatura"
    )
    met = ratio <= HTML_TARGET
    report.say(
        f"  pipeline / trafilatura = {pipe_best:.2f} / {bare:.2f} = {ratio:.2f}x; "
        f"target <= {HTML_TARGET}x: {'met' if met else 'NOT met'}  ({load_text()})"
    )
    report.figure(
        "HTML: pipeline / trafilatura.extract",
        f"{ratio:.2f}x ({pipe_best:.2f} s / {bare:.2f} s)",
        f"<= {HTML_TARGET}x",
        met,
    )
    return corpus


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    if filename.startswith("<"):
        return filename
    return Path(filename).name if "/lib/python" in filename else filename


def _module(filename: str) -> str:
    """A profile entry's owner: the package outside the repo, the file inside it."""
    short = _short(filename)
    if short.startswith(("cleaners/", "flows/", "benchmarks/")):
        return short
    if short.startswith(("~", "<")):
        return "C functions called from C"
    if "site-packages/" in filename:
        return short.split("/", 1)[0]
    return "stdlib " + short.split("/", 1)[0]


def profile_lines(profile: cProfile.Profile, count: int) -> list[str]:
    """Top functions by cumulative and by own time; the C functions' callers; own time by
    module, a C function's time counted to the module that called it."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(value[3] for value in entries.values())
    own_total = sum(value[2] for value in entries.values())

    def label(key: tuple[str, int, str]) -> str:
        filename, line, name = key
        if filename == "~":
            return name
        return f"{_short(filename)}:{line} {name}"

    rows = list(entries.items())
    lines = [f"  total {total:.2f} s under the profiler (own times add up to {own_total:.2f} s)"]
    chain = [row for row in rows if row[1][3] >= 0.9 * total]
    deepest = min(chain, key=lambda row: row[1][3])
    lines.append(
        f"  by cumulative time (s, share, calls), leaving out the {len(chain)} functions above "
        f"90% (the run's call chain, down to {label(deepest[0])} at "
        f"{deepest[1][3] / total:.0%}):"
    )
    below = sorted((row for row in rows if row[1][3] < 0.9 * total), key=lambda r: -r[1][3])
    for key, (_, calls, _, cumulative, _) in below[:count]:
        lines.append(
            f"    {cumulative:7.2f} {cumulative / total:5.0%} {calls:>9} {label(key)[:110]}"
        )
    lines.append("  by own time (s, share, calls; for a C function, its main callers):")
    for key, (_, calls, own, _, callers) in sorted(rows, key=lambda r: -r[1][2])[:count]:
        lines.append(f"    {own:7.2f} {own / own_total:5.0%} {calls:>9} {label(key)[:110]}")
        if key[0] == "~":
            top = sorted(callers.items(), key=lambda item: -item[1][2])[:2]
            for caller, (_, _, spent, _) in top:
                lines.append(f"{'':>27}<- {spent:.2f} s from {label(caller)[:90]}")
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, callers) in rows:
        if filename == "~" and callers:
            for caller, (_, _, spent, _) in callers.items():
                by_module[_module(caller[0])] += spent
        else:
            by_module[_module(filename)] += own
    lines.append("  own time by module or package (s, share; C functions counted to their caller):")
    for module, own in sorted(by_module.items(), key=lambda item: -item[1])[:count]:
        lines.append(f"    {own:7.2f} {own / own_total:5.0%} {module}")
    return lines


def part_profile(
    settings: Settings, work: Path, report: Report, text: Path | None, html: Path | None
) -> None:
    if text is None:
        text = work / "text" / "residue.jsonl"
        write_jsonl(text, ({"id": k, "text": t} for k, t in residue_texts(settings.residue_tools)))
    if html is None:
        html = work / "html" / "pages.jsonl"
        write_jsonl(html, page_corpus(aeb_pages(settings.pages), 0))
    for name, corpus in (("plain text (residue)", text), ("HTML (AEB pages)", html)):
        out = work / "profile" / "out"
        run_presswash([corpus], out)  # warm: imports and caches out of the profile
        profile = cProfile.Profile()
        profile.enable()
        seconds, _ = run_presswash([corpus], out)
        profile.disable()
        report.say(f"[profile] {name}: run_corpus, 1 worker, dedup on, cProfile ({seconds:.1f} s)")
        for line in profile_lines(profile, settings.profile_lines):
            report.say(line)


def part_startup(settings: Settings, report: Report) -> None:
    times = []
    for _ in range(settings.startup_runs):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            done = subprocess.run(
                [presswash_command(), "clean", str(ROOT / "seeds"), "--out", out, "--quiet"],
                env=presswash_env(),
            )
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                report.say(f"  presswash clean seeds/ exited {done.returncode}")
    worst = max(times)
    met = worst <= startup.TARGET_SECONDS
    report.say(
        f"[startup] presswash clean seeds/ --quiet, new process each, no Prefect API "
        f"(in-process): {seconds_list(times)} s; median {statistics.median(times):.2f}, "
        f"worst {worst:.2f}; target <= {startup.TARGET_SECONDS:.0f} s: "
        f"{'met' if met else 'NOT met'}  ({load_text()})"
    )
    report.figure(
        "cold start: presswash clean seeds/",
        f"worst {worst:.2f} s (median {statistics.median(times):.2f})",
        f"<= {startup.TARGET_SECONDS:.0f} s",
        met,
    )


def machine_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (every process, /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and of its children that have been waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def worker_corpus(settings: Settings) -> Iterator[dict[str, str]]:
    """AEB pages with near copies, then the residue texts, each with one near copy."""
    yield from page_corpus(aeb_pages(settings.pages), settings.worker_copies)
    texts = residue_texts(settings.residue_tools)
    for key, text in texts:
        yield {"id": key, "text": text}
    for key, text in texts:
        yield {"id": f"{key}~1", "text": "Updated: " + text}


def part_workers(settings: Settings, work: Path, report: Report) -> None:
    corpus = work / "workers" / "corpus.jsonl"
    count = write_jsonl(corpus, worker_corpus(settings))
    pages = len(aeb_pages(settings.pages)) * (1 + settings.worker_copies)
    report.say(
        f"[workers] {count} documents in one JSONL file: {pages} HTML (the AEB pages and "
        f"{settings.worker_copies} near copies of each: another site's URL, first paragraph "
        f"edited) and {count - pages} plain texts (the residue texts and a near copy of each); "
        f"run_corpus with --workers 1 (cleans in the driving process) and --workers 2 (a pool "
        f"of 2 processes; the driver reads, dedups, writes), fresh --out, "
        f"{settings.worker_rounds} round(s) interleaved"
    )
    summaries: dict[int, Any] = {}
    cpu: dict[int, list[str]] = {1: [], 2: []}
    cpu_split: dict[int, tuple[float, float]] = {}

    def side(workers: int) -> Callable[[], float]:
        def run() -> float:
            before, machine = os.times(), machine_cpu_seconds()
            seconds, summaries[workers] = run_presswash(
                [corpus], work / "workers" / "out", workers=workers
            )
            after = os.times()
            driver = after.user - before.user + after.system - before.system
            pool = (
                after.children_user
                - before.children_user
                + after.children_system
                - before.children_system
            )
            ours = driver + pool
            others = machine_cpu_seconds() - machine - ours
            cpu_split[workers] = (driver, pool)
            cpu[workers].append(
                f"CPU {ours:.0f} s (driver {driver:.0f}, pool {pool:.0f}) = {ours / seconds:.2f} "
                f"cores on average; other processes used {max(0.0, others) / seconds:.2f} cores"
            )
            return seconds

        return run

    times = interleaved(settings.worker_rounds, {"1": side(1), "2": side(2)})
    one, two = min(times["1"]), min(times["2"])
    speedup = one / two
    for workers in (1, 2):
        summary = summaries[workers]
        report.say(
            f"  --workers {workers}: {seconds_list(times[str(workers)])} s "
            f"({count / min(times[str(workers)]):.1f} documents/s; {summary.published} "
            f"published, {summary.rejected.get('duplicate', 0)} duplicates; "
            f"{'; '.join(cpu[workers])})"
        )
    one_cpu = sum(cpu_split[1])
    driver, pool = cpu_split[2]
    bound = one_cpu / max((driver + pool) / 2, driver)
    report.say(
        f"  (not the figure) what the CPU times allow on 2 idle cores: {one_cpu:.0f} s of CPU "
        f"with one worker; with two, driver {driver:.0f} s + pool {pool:.0f} s shared by 2 cores "
        f"-> at best {bound:.2f}x"
    )
    met = speedup >= WORKERS_TARGET
    report.say(
        f"  throughput --workers 2 / --workers 1 = {one:.1f} / {two:.1f} = {speedup:.2f}x; "
        f"target >= {WORKERS_TARGET}x: {'met' if met else 'NOT met'}  ({load_text()})"
    )
    report.figure(
        f"--workers 2 vs 1 ({count} documents)",
        f"{speedup:.2f}x ({one:.1f} s / {two:.1f} s)",
        f">= {WORKERS_TARGET}x",
        met,
    )


class TreeMemory:
    """Peak memory of a process and all its descendants, sampled every `interval` seconds:
    the largest sum of RSS, and of PSS (shared pages split between the processes sharing
    them, so a forked worker's copy-on-write pages are not counted twice), read from
    /proc/PID/smaps_rollup; and each process's own peak (VmHWM, exact: the kernel keeps it)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.rss = 0
        self.pss = 0
        self.driver_hwm = 0
        self.children_peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                children = [p.pid for p in self.process.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            rss = pss = 0
            for pid in [self.process.pid, *children]:
                found = _rollup(pid)
                rss += found.get("Rss", 0)
                pss += found.get("Pss", 0)
                if pid != self.process.pid:
                    self.children_peak = max(self.children_peak, _vm_hwm(pid))
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self.driver_hwm = max(self.driver_hwm, _vm_hwm(self.process.pid))
            self.samples += 1
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _rollup(pid: int) -> dict[str, int]:
    """Rss and Pss of a process in bytes (0 once it has gone)."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss"):
                    found[name] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return found


def _vm_hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def part_memory(settings: Settings, work: Path, report: Report) -> None:
    report.say(
        f"[memory] generated plain-text documents (gold paragraphs recombined and varied, 10% "
        f"near copies, 200 sites) in one JSONL file, `presswash clean FILE --workers "
        f"{settings.memory_workers} --quiet` in a new process, peak memory of its process tree "
        f"sampled every 0.5 s"
    )
    peaks: dict[int, float] = {}
    rss_peaks: dict[int, float] = {}
    for size in settings.memory_sizes:
        corpus = work / "memory" / f"generated-{size}.jsonl"
        clock = time.perf_counter()
        write_jsonl(corpus, generated_texts(size))
        made = time.perf_counter() - clock
        out = work / "memory" / "out"
        if out.exists():
            shutil.rmtree(out)
        started = time.perf_counter()
        machine = machine_cpu_seconds()
        child = subprocess.Popen(
            [
                presswash_command(),
                "clean",
                str(corpus),
                "--out",
                str(out),
                "--quiet",
                "--workers",
                str(settings.memory_workers),
            ],
            env=presswash_env(),
        )
        watch = TreeMemory(child.pid)
        code = child.wait()
        seconds = time.perf_counter() - started
        watch.stop()
        busy = (machine_cpu_seconds() - machine) / seconds
        with open(out / "articles.jsonl", encoding="utf-8") as lines:
            published = sum(1 for _ in lines)
        rejected: dict[str, int] = defaultdict(int)
        with open(out / "rejected.jsonl", encoding="utf-8") as lines:
            for line in lines:
                rejected[json.loads(line)["reason"]] += 1
        mb = 1024 * 1024
        peaks[size] = watch.pss / mb
        rss_peaks[size] = watch.rss / mb
        report.say(
            f"  {size:>7} documents ({corpus.stat().st_size / 1e6:.0f} MB, made in {made:.0f} s): "
            f"{seconds:.0f} s, {size / seconds:.0f} documents/s, exit {code}; {published} "
            f"published, rejected {dict(sorted(rejected.items()))}"
        )
        report.say(
            f"           peak of the tree: PSS {watch.pss / mb:.0f} MB, RSS "
            f"{watch.rss / mb:.0f} MB; driver VmHWM {watch.driver_hwm / mb:.0f} MB, "
            f"largest worker VmHWM "
            f"{watch.children_peak / mb:.0f} MB ({watch.samples} samples; the machine was "
            f"busy {busy:.2f} of {os.cpu_count()} cores on average, this run included)"
        )
        corpus.unlink()
        shutil.rmtree(out)
    largest = max(peaks)
    met = peaks[largest] < MEMORY_TARGET_MB
    trend = ", ".join(f"{size}: {mb:.0f} MB" for size, mb in sorted(peaks.items()))
    report.say(
        f"  peak PSS of the tree by corpus size: {trend}; target < {MEMORY_TARGET_MB:.0f} MB at "
        f"{largest}: {'met' if met else 'NOT met'}"
    )
    smallest = min(peaks)
    growth = ""
    if largest > smallest:
        slope = (peaks[largest] - peaks[smallest]) / (largest - smallest)
        flat = f"grows {slope * 1024:.1f} KB per document"
        if slope > 0:
            reach = largest + (MEMORY_TARGET_MB - peaks[largest]) / slope
            flat += f"; at that rate {MEMORY_TARGET_MB:.0f} MB is reached near {reach:,.0f}"
        report.say(f"  trend: between {smallest} and {largest} documents the peak {flat}")
        growth = f", {slope * 1024:.1f} KB more per document"
    report.figure(
        f"memory, {largest} text documents",
        f"peak PSS {peaks[largest]:.0f} MB, RSS sum {rss_peaks[largest]:.0f} MB ({trend} PSS"
        f"{growth})",
        f"< {MEMORY_TARGET_MB:.0f} MB (PSS)",
        met,
    )


def _kept_texts(records: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, int]]:
    """For each AEB page, the text kept for its story (the original's where it was kept, else
    a copy's), and how many documents of each story were kept."""
    kept: dict[str, int] = defaultdict(int)
    texts: dict[str, tuple[bool, str]] = {}
    for doc_id, text in records:
        key, _, copy = doc_id.partition("~")
        kept[key] += 1
        if key not in texts or (not copy and texts[key][0]):
            texts[key] = (bool(copy), text)
    return {key: text for key, (_, text) in texts.items()}, kept


def _presswash_records(out: Path) -> Iterator[tuple[str, str]]:
    with open(out / "articles.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield record["source"]["id"], record["text"]


def _datatrove_records(out: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(out.glob("*.jsonl")):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                yield str(record["id"]), record["text"]


def part_datatrove(settings: Settings, work: Path, report: Report) -> None:
    if not DATATROVE_PYTHON.exists():
        report.say(
            f"[datatrove] no environment at {DATATROVE_VENV}: python3.11 -m venv "
            f"{DATATROVE_VENV} && {DATATROVE_VENV}/bin/pip install -r "
            f"benchmarks/datatrove-requirements.txt"
        )
        report.figure("datatrove side by side", "not run (no environment)", "", None)
        return
    versions = subprocess.run(
        [
            str(DATATROVE_PYTHON),
            "-c",
            "import importlib.metadata as m; print(' '.join(f'{p} {m.version(p)}' for p in "
            "('datatrove', 'trafilatura', 'ftfy', 'spacy', 'xxhash')))",
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    gold = quality.load_gold()
    pages = aeb_pages(settings.pages)
    folder = work / "datatrove" / "input"
    corpus = folder / "pages.jsonl"
    count = write_jsonl(corpus, page_corpus(pages, settings.datatrove_copies))
    script = BENCH / "datatrove_pipeline.py"
    report.say(
        f"[datatrove] {count} HTML documents: {len(pages)} AEB pages and "
        f"{settings.datatrove_copies} near copies of each, one JSONL file; each side a new "
        f"process, one worker, fresh output; {settings.datatrove_rounds} round(s) interleaved; "
        f"datatrove environment: {versions}"
    )
    report.say(
        "  datatrove: JsonlReader -> Trafilatura (its defaults: favour_precision, no comments, "
        "deduplicate; 30 s timeout) -> FTFYFormatter -> JsonlWriter -> MinhashDedupSignature; "
        "MinhashDedupBuckets; MinhashDedupCluster; JsonlReader -> MinhashDedupFilter -> "
        "JsonlWriter (benchmarks/datatrove_pipeline.py)"
    )
    report.say("  presswash: presswash clean FILE --out DIR --quiet (dedup on, --workers 1)")
    details: dict[str, list[str]] = {"presswash": [], "datatrove": []}
    internal: dict[str, list[float]] = {"presswash": [], "datatrove": []}
    outputs = {"presswash": work / "datatrove" / "presswash-out", "datatrove": work / "datatrove"}
    logs = work / "datatrove" / "datatrove.log"

    def presswash_side() -> float:
        out = outputs["presswash"]
        if out.exists():
            shutil.rmtree(out)
        started = time.perf_counter()
        done = subprocess.run(
            [presswash_command(), "clean", str(corpus), "--out", str(out), "--quiet"],
            env=presswash_env(),
        )
        seconds = time.perf_counter() - started
        counts: dict[str, Any] = {}
        if (out / "manifest.json").exists():
            counts = json.loads((out / "manifest.json").read_text())["counts"]
            internal["presswash"].append(counts["timings"]["total"])
        details["presswash"].append(
            f"exit {done.returncode}, {counts.get('documents')} documents, "
            f"{counts.get('published')} published, rejected {counts.get('rejected')}, "
            f"timings {counts.get('timings')}"
        )
        return seconds

    def datatrove_side() -> float:
        dt_work = work / "datatrove" / "work"
        if dt_work.exists():
            shutil.rmtree(dt_work)
        started = time.perf_counter()
        with open(logs, "w", encoding="utf-8") as log:
            done = subprocess.run(
                [str(DATATROVE_PYTHON), str(script), str(folder), str(dt_work)],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        seconds = time.perf_counter() - started
        outputs["datatrove"] = dt_work / "output"
        if done.returncode == 0:
            internal["datatrove"].append(
                json.loads(done.stdout.splitlines()[-1])["seconds"]["total"]
            )
        details["datatrove"].append(f"exit {done.returncode}, {done.stdout.strip()[-400:]}")
        return seconds

    times = interleaved(
        settings.datatrove_rounds, {"presswash": presswash_side, "datatrove": datatrove_side}
    )
    for name in ("presswash", "datatrove"):
        report.say(
            f"  {name}: {seconds_list(times[name])} s wall, process start and imports included"
            f" ({seconds_list(internal[name])} s by its own clock, without them); last run: "
            f"{details[name][-1]}"
        )
    lines: dict[str, dict[str, float]] = {}
    dedup_misses: dict[str, int] = {}
    for name, records in (
        ("presswash", _presswash_records(outputs["presswash"])),
        ("datatrove", _datatrove_records(outputs["datatrove"])),
    ):
        texts, kept = _kept_texts(records)
        keys = [key for key, _, _ in pages]
        subset = {key: gold[key] for key in keys}
        line, metrics = quality.report(f"  {name} quality", subset, texts)
        missed = sum(1 for key in keys if kept.get(key, 0) > 1)
        lost = sum(1 for key in keys if kept.get(key, 0) == 0)
        report.say(
            f"{line}; kept {sum(kept.values())} of {count} (stories with copies left: {missed},"
            f" stories with nothing kept: {lost})"
        )
        lines[name] = metrics
        dedup_misses[name] = missed + lost
    ours, theirs = min(times["presswash"]), min(times["datatrove"])
    speedup = theirs / ours
    better = (
        lines["presswash"]["f1"] >= lines["datatrove"]["f1"]
        and dedup_misses["presswash"] <= dedup_misses["datatrove"]
    )
    met = speedup >= DATATROVE_TARGET and better
    if internal["presswash"] and internal["datatrove"]:
        inner = min(internal["datatrove"]) / min(internal["presswash"])
        report.say(
            f"  by each side's own clock (no process start or imports): "
            f"{min(internal['datatrove']):.1f} / {min(internal['presswash']):.1f} = {inner:.2f}x"
        )
    report.say(
        f"  wall, datatrove / presswash = {theirs:.1f} / {ours:.1f} = {speedup:.2f}x; F1 presswash "
        f"{lines['presswash']['f1']:.3f} vs datatrove {lines['datatrove']['f1']:.3f}; target "
        f">= {DATATROVE_TARGET}x at equal or better quality: {'met' if met else 'NOT met'}"
        f"  ({load_text()})"
    )
    report.figure(
        f"datatrove side by side ({count} pages)",
        f"{speedup:.2f}x faster, F1 {lines['presswash']['f1']:.3f} vs "
        f"{lines['datatrove']['f1']:.3f}",
        f">= {DATATROVE_TARGET}x, F1 and dedup no worse",
        met,
    )


# --- main ----------------------------------------------------------------------------------


def settings_from(args: argparse.Namespace) -> Settings:
    if args.quick:
        return Settings(
            quick=True,
            rounds=args.rounds or 1,
            residue_tools=quality.RESIDUE_TOOLS[:2],
            pages=60,
            startup_runs=2,
            worker_copies=3,
            worker_rounds=1,
            memory_sizes=tuple(args.memory_sizes or (1000, 3000)),
            memory_workers=args.memory_workers,
            datatrove_copies=1,
            datatrove_rounds=1,
            profile_lines=8,
        )
    return Settings(
        quick=False,
        rounds=args.rounds or 3,
        residue_tools=quality.RESIDUE_TOOLS,
        pages=0,
        startup_runs=5,
        worker_copies=args.worker_copies,
        worker_rounds=args.worker_rounds,
        memory_sizes=tuple(args.memory_sizes or (10_000, 100_000)),
        memory_workers=args.memory_workers,
        datatrove_copies=args.datatrove_copies,
        datatrove_rounds=args.datatrove_rounds,
        profile_lines=12,
    )


def header(settings: Settings) -> list[str]:
    import ftfy
    import trafilatura

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return [
        f"presswash speed benchmark{' (--quick)' if settings.quick else ''}, "
        f"{dt.datetime.now().isoformat(timespec='seconds')}, tree {commit}",
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}; ftfy {ftfy.__version__}, trafilatura "
        f"{trafilatura.__version__}; {load_text()} at the start (a shared machine)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, one round: a smoke run")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts")
    parser.add_argument("--rounds", type=int, help="rounds for text and html (default 3)")
    parser.add_argument("--worker-copies", type=int, default=5, help="near copies per page")
    parser.add_argument("--worker-rounds", type=int, default=1)
    parser.add_argument(
        "--memory-sizes", type=int, nargs="+", help="default 10000 100000 (quick: 1000 3000)"
    )
    parser.add_argument("--memory-workers", type=int, default=2)
    parser.add_argument("--datatrove-copies", type=int, default=3)
    parser.add_argument("--datatrove-rounds", type=int, default=2)
    parser.add_argument(
        "--output",
        type=Path,
        help="write the results here (default: "
        "results/speed.txt for a full run of every part, nowhere otherwise)",
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    settings = settings_from(args)
    parts = args.only or PARTS
    report = Report()
    for line in header(settings):
        report.say(line)
    started = time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="presswash-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        text = html = None
        if "text" in parts:
            text = part_text(settings, work, report)
        if "html" in parts:
            html = part_html(settings, work, report)
        if "profile" in parts:
            part_profile(settings, work, report, text, html)
        if "startup" in parts:
            part_startup(settings, report)
        if "workers" in parts:
            part_workers(settings, work, report)
        if "datatrove" in parts:
            part_datatrove(settings, work, report)
        if "memory" in parts:
            part_memory(settings, work, report)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report.say()
    report.say("summary (figure: measured; target; verdict):")
    for figure in report.figures:
        verdict = "n/a" if figure.met is None else "met" if figure.met else "NOT met"
        report.say(f"  {figure.name}: {figure.measured}; {figure.target}; {verdict}")
    report.say(f"({time.perf_counter() - started:.0f} s)")
    output = args.output
    if output is None and not settings.quick and args.only is None:
        output = RESULTS / "speed.txt"
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text("\n".join(report.lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
