"""The output folder: one writer at a time, no half-written file, and completion after a crash.

A run writes everything it will add into a spool folder (`.work/<run>/`), commits its state to
`state.sqlite` in one transaction, and only then appends the spools to `articles.jsonl` and
`rejected.jsonl`, moves its Parquet part into `articles/` and replaces `report.md` and
`manifest.json` (temp file, then rename). The committed run row holds the sizes the two JSONL
files had before, so finishing a run is idempotent: truncate to that size, append again. A
run killed before its commit leaves nothing behind but a spool folder, removed at the next
start; a run killed after its commit is finished by the next start.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from flows.state import RunRow, State

ARTICLES = "articles.jsonl"
REJECTED = "rejected.jsonl"
PARQUET_DIR = "articles"
REPORT = "report.md"
MANIFEST = "manifest.json"
STATE = "state.sqlite"
LOCK = ".presswash.lock"
WORK = ".work"


class OutputBusy(RuntimeError):
    """Another run holds the output folder."""


def failpoint(name: str) -> None:
    """Crash or stall here when PRESSWASH_FAILPOINT names this point: how the tests kill a run
    at the worst moments (SIGKILL, as the OOM killer would) to show that it resumes cleanly."""
    wanted = os.environ.get("PRESSWASH_FAILPOINT", "")
    if not wanted:
        return
    point, _, action = wanted.partition(":")
    if point != name:
        return
    if action.startswith("sleep="):
        time.sleep(float(action.removeprefix("sleep=")))
    else:
        os.kill(os.getpid(), signal.SIGKILL)


class OutputDir:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        handle = open(self.path / LOCK, "a+")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise OutputBusy(
                    f"another presswash run (pid {holder}) is writing to {self.path}; "
                    "wait for it to finish or choose another --out"
                ) from None
            raise
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def new_spool(self) -> Path:
        spool = self.path / WORK / f"run-{uuid.uuid4().hex[:12]}"
        spool.mkdir(parents=True)
        return spool

    def size(self, name: str) -> int:
        try:
            return (self.path / name).stat().st_size
        except FileNotFoundError:
            return 0

    def recover(self, state: State) -> list[int]:
        """Finish runs that committed but did not finish; drop spools of runs that did not."""
        finished = []
        for run in state.pending_runs():
            self.publish(run, state)
            finished.append(run.number)
        work = self.path / WORK
        if work.exists():
            for spool in work.iterdir():
                shutil.rmtree(spool, ignore_errors=True)
        return finished

    def publish(self, run: RunRow, state: State) -> None:
        """Move a committed run's spools into the outputs. Safe to repeat."""
        failpoint("after_commit")
        spool = self.path / WORK / run.work_dir
        self._append(ARTICLES, run.articles_offset, spool / ARTICLES)
        failpoint("mid_publish")
        self._append(REJECTED, run.rejected_offset, spool / REJECTED)
        part = spool / "part.parquet"
        if part.exists():
            target = self.path / PARQUET_DIR / f"part-{run.number:05d}.parquet"
            target.parent.mkdir(exist_ok=True)
            os.replace(part, target)
        for name in (REPORT, MANIFEST):
            if (spool / name).exists():
                os.replace(spool / name, self.path / name)
        _fsync_dir(self.path)
        state.finish_run(run.number, _now(), _read_summary(spool))
        shutil.rmtree(spool, ignore_errors=True)

    def _append(self, name: str, offset: int, spool: Path) -> None:
        target = self.path / name
        if not target.exists():
            target.touch()
        with open(target, "r+b") as out:
            out.truncate(offset)
            out.seek(offset)
            if spool.exists():
                with open(spool, "rb") as source:
                    shutil.copyfileobj(source, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())


def write_atomic(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _read_summary(spool: Path) -> dict[str, object]:
    import json

    path = spool / "summary.json"
    if not path.exists():
        return {}
    loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


class Spool:
    """The files a run writes before it commits."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # Open for the whole run and closed by `close`, not a with-block.
        self.articles: IO[str] = open(folder / ARTICLES, "w", encoding="utf-8")  # noqa: SIM115
        self.rejected: IO[str] = open(folder / REJECTED, "w", encoding="utf-8")  # noqa: SIM115

    def close(self) -> None:
        for handle in (self.articles, self.rejected):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        # The last moment before the run commits its state.
        failpoint("before_commit")
