"""Corpora of any size: peak memory of every process and throughput as the corpus grows.

Generated plain-text documents (speed.py's `generated_texts`: gold paragraphs recombined and
varied, one in ten a near copy, 200 sites) in one JSONL file, through `presswash clean FILE
--workers N --quiet` in a new process, fresh --out each time. Per size: wall time, documents
per second, the peak of the process tree (RSS and PSS summed, sampled), and the exact peak
(VmHWM) of the driver and of the largest worker.

Targets (issue 19): the largest process < 1 GiB at the largest size and < 1.25x its figure at
the smallest; throughput at the largest size >= 90 % of that at the smallest.

With `--stand-in`, the cleaners are replaced by a stand-in that takes each text as it is (a
Document of the given text, title and URL; records, fingerprints, site lines, dedup, state and
outputs all real) and the run has one worker, in the driving process: what the driver holds
and does across the corpus is then measured at sizes that would take hours to clean on this
machine (cleaning is per document, on the workers, and does not grow with the corpus).

With `--dask`, the same at the smallest size on a local Dask scheduler and N workers started
for real on 127.0.0.1: the driver's CPU seconds over the wall time, per worker (target < 25 %
of one core per worker).

    .venv/bin/python benchmarks/scale.py [--sizes 100000 400000 1000000] [--workers 2]
        [--memory 512M] [--dask]

Prints the figures and writes them to benchmarks/results/scale.txt (or --output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import speed  # noqa: E402  (the generated corpus, the process-tree sampler)

RESULTS = BENCH / "results"
LARGEST_PROCESS_MB = 1024.0
GROWTH = 1.25
THROUGHPUT_KEPT = 0.9
DRIVER_SHARE = 0.25


def _cpu_seconds(pid: int) -> float:
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


def stand_in_main(argv: list[str]) -> int:
    """`presswash ARGV` with the cleaners replaced by the stand-in (see the module doc)."""
    import flows.batches
    from cleaners.document import Document
    from cleaners.normalize import normalize_text
    from flows.cli import main as presswash

    def stand_in(content: bytes | str, **found: Any) -> Document:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        return Document(text=normalize_text(text), title=found.get("title"), url=found.get("url"))

    flows.batches.clean = stand_in  # type: ignore[assignment]
    return presswash(argv)


def run_once(
    corpus: Path, out: Path, workers: int, memory: str, dask: str | None, stand_in: bool = False
) -> dict[str, float | int | str]:
    if out.exists():
        shutil.rmtree(out)
    front = (
        [sys.executable, __file__, "--stand-in-child"] if stand_in else [speed.presswash_command()]
    )
    command = [
        *front,
        "clean",
        str(corpus),
        "--out",
        str(out),
        "--quiet",
        "--memory",
        memory,
    ]
    command += ["--dask", dask] if dask else ["--workers", str(1 if stand_in else workers)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=speed.presswash_env())
    watch = speed.TreeMemory(child.pid)
    driver_cpu = 0.0
    while child.poll() is None:
        driver_cpu = max(driver_cpu, _cpu_seconds(child.pid))
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    watch.stop()
    with open(out / "articles.jsonl", encoding="utf-8") as records:
        published = sum(1 for _ in records)
    rejected: Counter[str] = Counter()
    with open(out / "rejected.jsonl", encoding="utf-8") as lines:
        for line in lines:
            rejected[json.loads(line)["reason"]] += 1
    mb = 2**20
    return {
        "exit": child.returncode,
        "seconds": seconds,
        "published": published,
        "rejected": json.dumps(dict(sorted(rejected.items()))),
        "tree_pss_mb": watch.pss / mb,
        "tree_rss_mb": watch.rss / mb,
        "driver_mb": watch.driver_hwm / mb,
        "worker_mb": watch.children_peak / mb,
        "driver_cpu": driver_cpu,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_dask(workers: int) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A real scheduler and `workers` single-threaded workers on 127.0.0.1."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    python = sys.executable
    processes = [
        subprocess.Popen(
            [
                python,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    time.sleep(3)
    for _ in range(workers):
        processes.append(
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--dashboard-address",
                    ":0",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, processes


def main() -> None:
    if sys.argv[1:2] == ["--stand-in-child"]:
        sys.exit(stand_in_main(sys.argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000, 1_000_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", default="256M", help="presswash --memory (default 256M)")
    parser.add_argument("--dask", action="store_true", help="also run on a local Dask cluster")
    parser.add_argument(
        "--stand-in", action="store_true", help="cleaners replaced by a stand-in, one worker"
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "scale.txt")
    args = parser.parse_args()
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    commit = subprocess.run(
        ["git", "-C", str(BENCH.parent), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    say(
        f"presswash scale benchmark, {dt.datetime.now().isoformat(timespec='seconds')}, tree "
        f"{commit}; {os.cpu_count()} cores; --workers {args.workers} --memory {args.memory}"
        + ("; cleaners replaced by the stand-in, one worker" if args.stand_in else "")
    )
    say(
        "generated plain-text documents (gold paragraphs recombined and varied, 10% near "
        "copies, 200 sites), one JSONL file, `presswash clean FILE` in a new process"
    )
    work = Path(tempfile.mkdtemp(prefix="presswash-scale-"))
    figures: dict[int, dict[str, float | int | str]] = {}
    try:
        for size in args.sizes:
            corpus = work / f"generated-{size}.jsonl"
            speed.write_jsonl(corpus, speed.generated_texts(size))
            found = run_once(corpus, work / "out", args.workers, args.memory, None, args.stand_in)
            figures[size] = found
            say(
                f"  {size:>9,} documents ({corpus.stat().st_size / 1e6:,.0f} MB): "
                f"{found['seconds']:,.0f} s, {size / float(found['seconds']):,.0f} documents/s, "
                f"exit {found['exit']}; {found['published']} published, rejected "
                f"{found['rejected']}"
            )
            say(
                f"              largest process: driver {found['driver_mb']:,.0f} MB, worker "
                f"{found['worker_mb']:,.0f} MB (VmHWM); tree PSS {found['tree_pss_mb']:,.0f} MB, "
                f"RSS {found['tree_rss_mb']:,.0f} MB; driver CPU "
                f"{found['driver_cpu']:,.0f} s ({speed.load_text()})"
            )
            if size != min(args.sizes) or not args.dask:
                corpus.unlink()
        smallest, largest = min(figures), max(figures)

        def biggest(size: int) -> float:
            return max(float(figures[size]["driver_mb"]), float(figures[size]["worker_mb"]))

        def rate(size: int) -> float:
            return size / float(figures[size]["seconds"])

        say()
        say("summary (figure: measured; target; verdict):")
        met = biggest(largest) < LARGEST_PROCESS_MB
        say(
            f"  largest process at {largest:,}: {biggest(largest):,.0f} MB; < "
            f"{LARGEST_PROCESS_MB:.0f} MB; {'met' if met else 'NOT met'}"
        )
        growth = biggest(largest) / biggest(smallest)
        say(
            f"  largest process {largest:,} / {smallest:,}: {growth:.2f}x "
            f"({biggest(largest):,.0f} / {biggest(smallest):,.0f} MB); < {GROWTH}x; "
            f"{'met' if growth < GROWTH else 'NOT met'}"
        )
        kept = rate(largest) / rate(smallest)
        say(
            f"  throughput {largest:,} / {smallest:,}: {kept:.2f} ({rate(largest):,.0f} / "
            f"{rate(smallest):,.0f} documents/s); >= {THROUGHPUT_KEPT}; "
            f"{'met' if kept >= THROUGHPUT_KEPT else 'NOT met'}"
        )
        if args.dask:
            address, processes = start_dask(args.workers)
            try:
                corpus = work / f"generated-{smallest}.jsonl"
                found = run_once(corpus, work / "out", args.workers, args.memory, address)
            finally:
                for process in reversed(processes):
                    process.terminate()
                for process in processes:
                    process.wait(timeout=60)
            share = float(found["driver_cpu"]) / float(found["seconds"]) / args.workers
            say(
                f"  --dask ({args.workers} workers on 127.0.0.1), {smallest:,} documents: "
                f"{found['seconds']:,.0f} s, driver CPU {found['driver_cpu']:,.0f} s = "
                f"{share:.0%} of a core per worker; < {DRIVER_SHARE:.0%}; "
                f"{'met' if share < DRIVER_SHARE else 'NOT met'} (driver "
                f"{found['driver_mb']:,.0f} MB)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
