"""A run's working sets on disk, so that no process holds anything per document in memory.

Dedup needs, for every document of a run, its signature, its length and a few strings, and
then the documents sharing a bucket, a text or a URL; learning site boilerplate needs every
line of every site counted. Held in memory they grow with the corpus (6.7 KB a document on
the plain-text benchmark before this module: benchmarks/results/speed.txt). Here they live in
the run's work folder:

- `RowFile`: fixed-width numpy rows, appended in document order, read back by range or by
  index (through a map that is dropped after each read, so its pages never add up in the
  process);
- `StringFile`: a JSON line per row, found again by its offset;
- `Partitions`: rows scattered over part files by a hash, so that every group of equal keys
  lands whole in one part and each part fits the memory budget; parts are read one at a time.

The way the large engines do it (datatrove's MinHash stages write signatures and bucket keys
to files and merge them band by band): memory is set by the budget, not the corpus.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

# What a run may hold of its working sets at once (bytes), by default: with the interpreter, the
# cleaners' models and SQLite's caches a run then stays well inside a 2 GiB machine.
DEFAULT_MEMORY = 256 * 2**20
# A part is loaded, sorted (its order, a copy) and paired: about four times its size.
_PART_SHARE = 8
# Rows buffered before an append reaches the file.
_BUFFER_ROWS = 4096
# Rows read through one map of a file: at most 512 x 64 KB of it mapped at once.
_ROWS_PER_MAP = 512


def part_budget(memory: int) -> int:
    """Bytes of rows one part may hold under the run's memory setting (bytes)."""
    return max(1024, memory // _PART_SHARE)


def parts_for(rows: int, row_bytes: int, memory: int) -> int:
    """How many parts `rows` rows of `row_bytes` need so that each fits the budget."""
    return max(1, math.ceil(rows * row_bytes / part_budget(memory)))


def work_folder(
    folder: Path | None, prefix: str
) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    """The folder working files go in: `folder` (made if missing), or a new temporary one,
    returned with its handle (cleaned up by the handle, or when it is collected)."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        return folder, None
    temporary = tempfile.TemporaryDirectory(prefix=prefix)
    return Path(temporary.name), temporary


class RowFile:
    """Rows of one structured dtype in a file, in the order they were appended."""

    def __init__(self, path: Path, dtype: np.dtype[Any]) -> None:
        self.path = path
        self.dtype = dtype
        self._file: IO[bytes] = open(path, "w+b")  # noqa: SIM115 (closed by `close`)
        self._buffer = np.zeros(_BUFFER_ROWS, dtype=dtype)
        self._buffered = 0
        self._written = 0

    def __len__(self) -> int:
        return self._written + self._buffered

    def append(self, row: tuple[Any, ...]) -> None:
        self._buffer[self._buffered] = row
        self._buffered += 1
        if self._buffered == _BUFFER_ROWS:
            self.flush()

    def extend(self, rows: np.ndarray) -> None:
        self.flush()
        self._file.seek(self._written * self.dtype.itemsize)
        self._file.write(rows.astype(self.dtype, copy=False).tobytes())
        self._written += len(rows)

    def flush(self) -> None:
        if self._buffered:
            self._file.seek(self._written * self.dtype.itemsize)
            self._file.write(self._buffer[: self._buffered].tobytes())
            self._written += self._buffered
            self._buffered = 0
        self._file.flush()

    def set(self, index: int, row: tuple[Any, ...]) -> None:
        """Replace row `index`."""
        self.flush()
        one = np.zeros(1, dtype=self.dtype)
        one[0] = row
        self._file.seek(index * self.dtype.itemsize)
        self._file.write(one.tobytes())
        self._file.flush()

    def read(self, start: int, stop: int) -> np.ndarray:
        self.flush()
        stop = min(stop, self._written)
        if stop <= start:
            return np.zeros(0, dtype=self.dtype)
        return np.fromfile(
            self.path, dtype=self.dtype, count=stop - start, offset=start * self.dtype.itemsize
        )

    def take(self, indices: np.ndarray) -> np.ndarray:
        """The rows at `indices` (any order, repeats allowed), as a new array.

        Read through a map of the file, a few hundred rows at a time: the kernel maps the
        pages around each one it faults in (64 KB), so one map read at thousands of random
        rows holds as much of the file as there is (315 MB of a 307 MB file for 20 reads of
        8,192 rows), and the memory would grow with the corpus. Each map is dropped once read:
        its pages leave the process (they stay in the page cache, the kernel's)."""
        self.flush()
        indices = np.asarray(indices, dtype=np.int64)
        out = np.zeros(len(indices), dtype=self.dtype)
        if len(indices) == 0 or self._written == 0:
            return out
        order = np.argsort(indices, kind="stable")
        for start in range(0, len(order), _ROWS_PER_MAP):
            part = order[start : start + _ROWS_PER_MAP]
            mapped = np.memmap(self.path, dtype=self.dtype, mode="r", shape=(self._written,))
            try:
                out[part] = mapped[indices[part]]
            finally:
                mapped._mmap.close()  # type: ignore[attr-defined]
        return out

    def chunks(self, size: int) -> Iterator[tuple[int, np.ndarray]]:
        for start in range(0, len(self), size):
            yield start, self.read(start, start + size)

    def close(self) -> None:
        self._file.close()


class StringFile:
    """Values (anything JSON holds) one line each, found again by the offset `add` returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] = open(path, "w+b")  # noqa: SIM115 (closed by `close`)
        self._end = 0
        self._reading = False

    def add(self, value: Any) -> int:
        line = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        if self._reading:
            self._file.seek(self._end)
            self._reading = False
        self._file.write(line)
        offset = self._end
        self._end += len(line)
        return offset

    def get(self, offset: int) -> Any:
        if not self._reading:
            self._file.flush()
            self._reading = True
        self._file.seek(offset)
        return json.loads(self._file.readline())

    def get_many(self, offsets: np.ndarray) -> list[Any]:
        """Values at `offsets`, read in file order."""
        order = np.argsort(offsets, kind="stable")
        values: list[Any] = [None] * len(offsets)
        for position in order.tolist():
            values[position] = self.get(int(offsets[position]))
        return values

    def close(self) -> None:
        self._file.close()


class Partitions:
    """Rows spread over `parts` files by a non-negative hash of each; read a part at a time.

    Rows keep their order inside a part, so a stable sort of a part by key keeps equal keys in
    the order they were added."""

    def __init__(self, folder: Path, name: str, dtype: np.dtype[Any], parts: int) -> None:
        self.dtype = dtype
        self.parts = max(1, parts)
        self.paths = [folder / f"{name}-{p:04d}.bin" for p in range(self.parts)]
        self._files: list[IO[bytes]] = [open(p, "wb") for p in self.paths]  # noqa: SIM115

    def add(self, rows: np.ndarray, hashes: np.ndarray) -> None:
        if len(rows) == 0:
            return
        if self.parts == 1:
            self._files[0].write(rows.tobytes())
            return
        part = (hashes.astype(np.uint64) % np.uint64(self.parts)).astype(np.int64)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(self.parts + 1))
        for number in range(self.parts):
            low, high = int(bounds[number]), int(bounds[number + 1])
            if high > low:
                self._files[number].write(rows[order[low:high]].tobytes())

    def __iter__(self) -> Iterator[np.ndarray]:
        """Each part in turn; its file is removed once read."""
        for file in self._files:
            file.close()
        for path in self.paths:
            rows = np.fromfile(path, dtype=self.dtype)
            os.unlink(path)
            yield rows
        self.paths = []

    def close(self) -> None:
        for file in self._files:
            file.close()
        for path in self.paths:
            if path.exists():
                path.unlink()
