"""A progress bar on a terminal, nothing anywhere else."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from flows.run import NoProgress, Progress


class TerminalProgress:
    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            SpinnerColumn(),
            TextColumn("cleaning"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[documents]:,} documents"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._bar.add_task("clean", total=None, documents=0)
        self._documents = 0

    def files(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def file_done(self) -> None:
        self._bar.advance(self._task)

    def documents_done(self, count: int) -> None:
        self._documents += count
        self._bar.update(self._task, documents=self._documents)

    def __enter__(self) -> TerminalProgress:
        self._bar.start()
        return self

    def stop(self) -> None:
        self._bar.stop()


@contextmanager
def terminal_progress(enabled: bool = True) -> Iterator[Progress]:
    if not enabled or not sys.stderr.isatty():
        yield NoProgress()
        return
    progress = TerminalProgress()
    progress.__enter__()
    try:
        yield progress
    finally:
        progress.stop()
