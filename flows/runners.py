"""Where batches are cleaned: in this process, in a process pool, or on a Dask cluster.

Every runner hands results back in submission order and keeps only a few batches in flight,
so the records never depend on how the work was spread and memory stays flat however large
the corpus.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol

from flows.batches import Cleaned, CleanOptions, clean_batch
from flows.documents import RawDocument, Unusable

BatchResult = list[Cleaned | Unusable]
Batch = list[RawDocument | Unusable]


class BatchRunner(Protocol):
    description: str

    def map(self, batches: Iterable[Batch], options: CleanOptions) -> Iterator[BatchResult]: ...

    def close(self) -> None: ...


def ordered(
    submit: Callable[[Batch], Any],
    result: Callable[[Any], BatchResult],
    batches: Iterable[Batch],
    in_flight: int,
) -> Iterator[BatchResult]:
    """Submit batches ahead, at most `in_flight` of them, and yield results in order."""
    pending: deque[Any] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class InlineRunner:
    description = "1 worker"

    def map(self, batches: Iterable[Batch], options: CleanOptions) -> Iterator[BatchResult]:
        for batch in batches:
            yield clean_batch(batch, options)

    def close(self) -> None:
        pass


class ProcessRunner:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.description = f"{workers} worker processes"
        self._pool = ProcessPoolExecutor(max_workers=workers)

    def map(self, batches: Iterable[Batch], options: CleanOptions) -> Iterator[BatchResult]:
        def submit(batch: Batch) -> Future[BatchResult]:
            return self._pool.submit(clean_batch, batch, options)

        return ordered(submit, lambda f: f.result(), batches, self.workers * 3)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """Batches sent to an existing Dask cluster through a `distributed.Client`."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        self._client = Client(address, timeout="10s", set_as_default=False)
        workers = len(self._client.scheduler_info().get("workers", {}))
        self.description = f"Dask cluster at {address}, {workers} workers"
        self._in_flight = max(4, workers * 3)

    def map(self, batches: Iterable[Batch], options: CleanOptions) -> Iterator[BatchResult]:
        def submit(batch: Batch) -> Any:
            return self._client.submit(clean_batch, batch, options, pure=False)

        return ordered(submit, lambda f: f.result(), batches, self._in_flight)

    def close(self) -> None:
        self._client.close()


def make_runner(workers: int, dask: str | None) -> BatchRunner:
    if dask:
        return DaskRunner(dask)
    if workers > 1:
        return ProcessRunner(workers)
    return InlineRunner()
