"""The Prefect flow `clean_corpus`: the same composition as the in-process run, with each batch
cleaned as a Prefect task, logs sent to the run, and the report published as artifacts.

Only this module imports prefect; `presswash clean` imports it only for a flow run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows.batches import DEFAULT_OPTIONS, CleanOptions, clean_batch
from flows.readers import DEFAULT_LIMITS, Limits
from flows.report import removal_rows, report_markdown
from flows.run import RunConfig, RunSummary, run_corpus
from flows.runners import Batch, BatchResult, ordered
from flows.workfiles import DEFAULT_MEMORY

# A task run costs milliseconds and an API round trip: batches for Prefect are larger.
PREFECT_BATCH_SIZE = 256


@task(name="clean-batch", cache_policy=NO_CACHE, persist_result=False, retries=0)
def clean_batch_task(batch: Batch, options: CleanOptions) -> BatchResult:
    return clean_batch(batch, options)


class PrefectRunner:
    """Submits each batch as a task run to the flow's task runner."""

    def __init__(self, description: str, in_flight: int) -> None:
        self.description = description
        self._in_flight = in_flight

    def map(self, batches: Iterable[Batch], options: CleanOptions) -> Iterator[BatchResult]:
        return ordered(
            lambda batch: clean_batch_task.submit(batch, options),
            lambda future: future.result(),
            batches,
            self._in_flight,
        )

    def close(self) -> None:
        pass


def run_name(inputs: list[str]) -> str:
    shown = ", ".join(inputs[:3]) + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
    return f"clean {shown}"[:120]


def task_runner_for(workers: int, dask: str | None) -> Any:
    """Prefect's task runner for the options: the Dask cluster, a process pool, or one thread."""
    if dask:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask)
    if workers > 1:
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=1)


def _task_runner_from_environment() -> Any:
    """A served deployment's runs load this module afresh in a new process, where only the
    environment carries `presswash serve --workers/--dask` (see flows/serve.py)."""
    workers = int(os.environ.get("PRESSWASH_WORKERS", "1") or "1")
    return task_runner_for(workers, os.environ.get("PRESSWASH_DASK_ADDRESS") or None)


@flow(
    name="clean-corpus",
    persist_result=False,
    log_prints=False,
    validate_parameters=False,
    task_runner=_task_runner_from_environment(),
)
def clean_corpus(
    inputs: list[str],
    out: str,
    dedup: bool = True,
    workers: int = 1,
    dask: str | None = None,
    reprocess: bool = False,
    memory: int = DEFAULT_MEMORY,
    max_document_bytes: int = DEFAULT_LIMITS.max_document_bytes,
    max_decompressed_bytes: int = DEFAULT_LIMITS.max_decompressed_bytes,
    seconds_per_document: float = DEFAULT_OPTIONS.seconds_per_document,
    min_words: int = DEFAULT_OPTIONS.min_words,
    keep_non_articles: bool = DEFAULT_OPTIONS.keep_non_articles,
) -> dict[str, Any]:
    """Clean `inputs` into the folder `out`; returns the run summary."""
    logger = get_run_logger()
    config = RunConfig(
        inputs=tuple(inputs),
        out=Path(out),
        dedup=dedup,
        workers=workers,
        dask=dask,
        batch_size=PREFECT_BATCH_SIZE,
        reprocess=reprocess,
        memory=memory,
        limits=Limits(max_document_bytes, max_decompressed_bytes, seconds_per_document),
        options=CleanOptions(
            min_words=min_words,
            keep_non_articles=keep_non_articles,
            seconds_per_document=seconds_per_document,
        ),
    )
    where = f"Dask cluster at {dask}" if dask else f"{workers} worker process(es)"
    logger.info("Cleaning %s into %s on %s", ", ".join(inputs), out, where)
    runner = PrefectRunner(f"Prefect tasks, {where}", in_flight=max(2, workers * 2))
    summary = run_corpus(config, runner, mode="prefect flow run")
    logger.info(
        "Run %s: %s documents, %s published, %s rejected in %.2f s",
        summary.number,
        summary.documents,
        summary.published,
        sum(summary.rejected.values()),
        summary.seconds,
    )
    publish_artifacts(summary)
    return summary.to_json()


def publish_artifacts(summary: RunSummary) -> None:
    create_markdown_artifact(
        key="presswash-report",
        markdown=report_markdown(summary),
        description=f"presswash run {summary.number}: counts, removals, duplicates, flags",
    )
    rows = [
        {"rule": rule, "category": category, "removals": count}
        for rule, category, count in removal_rows(summary)
    ]
    create_table_artifact(
        key="presswash-removals",
        table=rows or [{"rule": "(none)", "category": "", "removals": 0}],
        description=f"presswash run {summary.number}: boilerplate removals by rule",
    )


def flow_for(workers: int, dask: str | None, inputs: list[str]) -> Any:
    """`clean_corpus` with the task runner the options ask for and a name from its inputs."""
    return clean_corpus.with_options(
        task_runner=task_runner_for(workers, dask), flow_run_name=run_name(inputs)
    )
