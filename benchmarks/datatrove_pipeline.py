"""datatrove's nearest equivalent of `presswash clean` over HTML: extract, fix, dedup, write.

Run with the benchmark's own environment (never presswash's .venv), by benchmarks/speed.py:

    python3.11 -m venv benchmarks/.venv-datatrove
    benchmarks/.venv-datatrove/bin/pip install -r benchmarks/datatrove-requirements.txt
    benchmarks/.venv-datatrove/bin/python benchmarks/datatrove_pipeline.py INPUT WORK

INPUT is a folder of JSONL files whose records have `id` and `html`. The pipeline is the one
datatrove's own examples build, on one worker (one task, 14 for the buckets):

    1. JsonlReader(html) -> Trafilatura -> FTFYFormatter -> JsonlWriter(extracted)
                         -> MinhashDedupSignature
    2. MinhashDedupBuckets        3. MinhashDedupCluster
    4. JsonlReader(extracted) -> MinhashDedupFilter -> JsonlWriter(WORK/output)

Every stage keeps datatrove's defaults (Trafilatura: favour_precision, no comments,
deduplicate; FTFY: its formatter's config; MinHash: 5-grams, 14 buckets of 8 hashes, 64-bit
xxhash, English word tokenizer) except two: the extractor's per-page time limit is 30 s like
presswash's (datatrove's 1 s drops pages at random on a loaded machine) and the writers do not
gzip (presswash writes plain JSONL). Prints one JSON line: seconds per stage and counts.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
)
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.formatters import FTFYFormatter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers.jsonl import JsonlWriter
from datatrove.utils.typeshelper import Languages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("input", type=Path, help="folder of JSONL files with id and html")
    parser.add_argument("work", type=Path, help="empty folder for the stages' files")
    parser.add_argument("--timeout", type=float, default=30.0, help="per page, seconds")
    args = parser.parse_args()
    started = time.perf_counter()
    work = args.work
    config = MinhashConfig()
    extracted = str(work / "extracted")

    def executor(name: str, pipeline: list) -> LocalPipelineExecutor:
        # The buckets stage takes one task per bucket (datatrove asserts it); one worker runs
        # them one after the other.
        tasks = config.num_buckets if name == "buckets" else 1
        return LocalPipelineExecutor(
            pipeline=pipeline, tasks=tasks, workers=1, logging_dir=str(work / "logs" / name)
        )

    stages = [
        (
            "extract_fix_signature",
            [
                JsonlReader(str(args.input), text_key="html", id_key="id"),
                Trafilatura(timeout=args.timeout),
                FTFYFormatter(),
                JsonlWriter(extracted, compression=None),
                MinhashDedupSignature(
                    output_folder=str(work / "signatures"),
                    config=config,
                    language=Languages.english,
                ),
            ],
        ),
        (
            "buckets",
            [
                MinhashDedupBuckets(
                    input_folder=str(work / "signatures"),
                    output_folder=str(work / "buckets"),
                    config=config,
                )
            ],
        ),
        (
            "cluster",
            [
                MinhashDedupCluster(
                    input_folder=str(work / "buckets"),
                    output_folder=str(work / "remove_ids"),
                    config=config,
                )
            ],
        ),
        (
            "filter_write",
            [
                JsonlReader(extracted),
                MinhashDedupFilter(input_folder=str(work / "remove_ids")),
                JsonlWriter(str(work / "output"), compression=None),
            ],
        ),
    ]
    seconds: dict[str, float] = {"setup": time.perf_counter() - started}
    for name, pipeline in stages:
        clock = time.perf_counter()
        executor(name, pipeline).run()
        seconds[name] = time.perf_counter() - clock
    seconds["total"] = time.perf_counter() - started
    kept = sum(1 for path in (work / "output").glob("*.jsonl") for _ in path.open())
    extracted_count = sum(1 for path in (work / "extracted").glob("*.jsonl") for _ in path.open())
    print(
        json.dumps(
            {
                "seconds": {k: round(v, 3) for k, v in seconds.items()},
                "extracted": extracted_count,
                "kept": kept,
            }
        )
    )


if __name__ == "__main__":
    main()
