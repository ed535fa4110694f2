"""Cold start: `presswash clean seeds/` in a new process each time, no Prefect API configured.

Target (orchestration and performance issues): 4 s or less on 2 cores. Prints each run and the
median and worst, and writes them to benchmarks/results/startup.txt.

    .venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 4.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_PROFILES_PATH"] = os.devnull
    presswash = str(Path(sys.executable).with_name("presswash"))
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            done = subprocess.run(
                [presswash, "clean", str(ROOT / "seeds"), "--out", out, "--quiet"], env=env
            )
            times.append(time.perf_counter() - started)
            assert done.returncode == 0
    median, worst = statistics.median(times), max(times)
    lines = [
        f"presswash clean seeds/ cold start, {args.runs} runs, {os.cpu_count()} cores",
        "runs (s): " + " ".join(f"{t:.2f}" for t in times),
        f"median {median:.2f} s, worst {worst:.2f} s; target <= {TARGET_SECONDS:.1f} s: "
        + ("met" if worst <= TARGET_SECONDS else "NOT met"),
    ]
    print("\n".join(lines))
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "startup.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
