"""One run over a corpus: read -> clean in batches -> dedup -> write, composed once.

The in-process path calls `run_corpus` with a local runner; the Prefect flow
(`flows.prefect_flow.clean_corpus`) calls the same function with a runner that submits each
batch as a Prefect task. Reading, dedup and writing stay in the driving process, so the
records do not depend on how the cleaning was spread.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flows.batches import Cleaned, CleanOptions
from flows.dedup import Deduplicator, Member
from flows.documents import RawDocument, Source, Unusable
from flows.outputs import ARTICLES, REJECTED, STATE, OutputDir, Spool, write_atomic
from flows.parquet import PartWriter
from flows.readers import InputFile, Limits, MissingInput, expand_inputs, file_sha256, read_file
from flows.records import dumps, duplicate_entry, unusable_entry, with_decision
from flows.report import manifest_json, report_markdown
from flows.runners import BatchRunner
from flows.site_boilerplate import SiteLines, strip_learned
from flows.state import RunRow, State
from flows.workfiles import DEFAULT_MEMORY

# Reasons that mean an input could not be used at all; they make the exit status non-zero.
INPUT_FAILURES = frozenset({"unreadable", "too_large", "error", "timeout"})


@dataclass(frozen=True)
class RunConfig:
    inputs: tuple[str, ...]
    out: Path
    dedup: bool = True
    workers: int = 1
    dask: str | None = None
    batch_size: int = 32
    reprocess: bool = False
    # Megabytes the run's working sets (dedup's signatures and buckets, the site line counts)
    # may hold at once; the rest waits in the run's work folder.
    memory: int = DEFAULT_MEMORY
    limits: Limits = field(default_factory=Limits)
    options: CleanOptions = field(default_factory=CleanOptions)

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": list(self.inputs),
            "out": str(self.out),
            "dedup": self.dedup,
            "workers": self.workers,
            "dask": self.dask,
            "batch_size": self.batch_size,
            "reprocess": self.reprocess,
            "memory_mb": self.memory,
            "max_document_bytes": self.limits.max_document_bytes,
            "max_decompressed_bytes": self.limits.max_decompressed_bytes,
            "seconds_per_document": self.options.seconds_per_document,
            "min_words": self.options.min_words,
            "keep_non_articles": self.options.keep_non_articles,
        }


class Progress(Protocol):
    def files(self, total: int) -> None: ...
    def file_done(self) -> None: ...
    def documents_done(self, count: int) -> None: ...


class NoProgress:
    def files(self, total: int) -> None:
        pass

    def file_done(self) -> None:
        pass

    def documents_done(self, count: int) -> None:
        pass


@dataclass
class RunSummary:
    out: Path
    number: int = 0
    mode: str = "in-process"
    runner: str = ""
    inputs: int = 0
    inputs_new: int = 0
    inputs_seen: int = 0
    documents: int = 0
    published: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    removals: Counter[str] = field(default_factory=Counter)
    removal_categories: dict[str, str] = field(default_factory=dict)
    duplicates: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    # The page type of every document cleaned into a record: published, or rejected as
    # `not_article` (what a run kept out, and of which kinds).
    page_types: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    recovered_runs: list[int] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    input_files: list[dict[str, Any]] = field(default_factory=list)
    started: str = ""

    @property
    def input_failures(self) -> int:
        return sum(n for reason, n in self.rejected.items() if reason in INPUT_FAILURES)

    @property
    def seconds(self) -> float:
        return self.timings.get("total", 0.0)

    @classmethod
    def from_json(cls, data: dict[str, Any], out: Path) -> RunSummary:
        """The summary a flow run returned (its `to_json`), back as an object."""
        return cls(
            out=out,
            number=data["run"],
            mode=data["mode"],
            runner=data["runner"],
            started=data["started"],
            inputs=data["inputs"]["total"],
            inputs_new=data["inputs"]["new"],
            inputs_seen=data["inputs"]["already_seen"],
            documents=data["documents"],
            published=data["published"],
            rejected=Counter(data["rejected"]),
            duplicates=Counter(data["duplicates"]),
            flags=Counter(data["flags"]),
            languages=Counter(data["languages"]),
            page_types=Counter(data.get("page_types", {})),
            removals=Counter(data["removals"]),
            timings=dict(data["timings"]),
            totals=dict(data["totals"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.number,
            "mode": self.mode,
            "runner": self.runner,
            "started": self.started,
            "inputs": {
                "total": self.inputs,
                "new": self.inputs_new,
                "already_seen": self.inputs_seen,
            },
            "documents": self.documents,
            "published": self.published,
            "rejected": dict(sorted(self.rejected.items())),
            "duplicates": dict(sorted(self.duplicates.items())),
            "flags": dict(sorted(self.flags.items())),
            "languages": dict(sorted(self.languages.items())),
            "page_types": dict(sorted(self.page_types.items())),
            "removals": dict(sorted(self.removals.items())),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "totals": self.totals,
        }


def run_corpus(
    config: RunConfig,
    runner: BatchRunner,
    progress: Progress | None = None,
    mode: str = "in-process",
) -> RunSummary:
    """Clean `config.inputs` into `config.out`. Raises OutputBusy when another run holds it."""
    out = OutputDir(config.out)
    with out.locked():
        state = State(config.out / STATE)
        try:
            recovered = out.recover(state)
            summary = _run(config, runner, state, out, progress or NoProgress(), mode)
            summary.recovered_runs = recovered
            return summary
        finally:
            state.close()


def _run(
    config: RunConfig,
    runner: BatchRunner,
    state: State,
    out: OutputDir,
    progress: Progress,
    mode: str,
) -> RunSummary:
    clock = time.perf_counter()
    summary = RunSummary(
        out=config.out,
        mode=mode,
        runner=runner.description,
        started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    spool_dir = out.new_spool()
    spool = Spool(spool_dir)

    files = _discover(config, state, summary)
    progress.files(len(files))
    summary.timings["discover"] = time.perf_counter() - clock

    stage = time.perf_counter()
    dedup = Deduplicator(state if config.dedup else None, spool_dir / "dedup", config.memory)
    site_lines = SiteLines(state, spool_dir / "sites", config.memory)
    spill_path = spool_dir / "cleaned.jsonl"
    with open(spill_path, "w", encoding="utf-8") as spill:
        items = _documents(files, config.limits, progress)
        for results in runner.map(_batches(items, config.batch_size), config.options):
            for result in results:
                summary.documents += 1
                if isinstance(result, Unusable):
                    spool.rejected.write(dumps(unusable_entry(result)) + "\n")
                    summary.rejected[result.reason] += 1
                    if result.reason == "not_article" and result.recovered:
                        kind = result.recovered.get("page_type") or "unknown"
                        summary.page_types[kind] += 1
                else:
                    spill.write(dumps(result.record) + "\n")
                    dedup.add(result.member())
                    site_lines.add(result.record["site"], result.lines, result.identities)
            progress.documents_done(len(results))
    summary.timings["read_and_clean"] = time.perf_counter() - stage

    stage = time.perf_counter()
    spill_path = _strip_site_boilerplate(spill_path, site_lines.learned(), dedup)
    summary.timings["site_boilerplate"] = time.perf_counter() - stage

    stage = time.perf_counter()
    decisions = dedup.decide() if config.dedup else dedup.keep_all()
    summary.timings["dedup"] = time.perf_counter() - stage

    stage = time.perf_counter()
    number = state.next_run_number()
    summary.number = number
    parquet = PartWriter(spool_dir / "part.parquet")
    with open(spill_path, encoding="utf-8") as spill:
        for line, decision in zip(spill, decisions, strict=True):
            record = with_decision(json.loads(line), decision)
            if record["dedup"]["duplicate_of"]:
                spool.rejected.write(dumps(duplicate_entry(record)) + "\n")
                summary.rejected["duplicate"] += 1
                summary.duplicates[record["dedup"]["match"]] += 1
                continue
            spool.articles.write(dumps(record) + "\n")
            parquet.add(record)
            summary.published += 1
            _count(summary, record)
    spill_path.unlink()
    parquet.close()
    spool.close()
    summary.timings["write"] = time.perf_counter() - stage
    summary.timings["total"] = time.perf_counter() - clock
    summary.totals = _totals(state, summary)

    write_atomic(spool_dir / "summary.json", json.dumps(summary.to_json(), sort_keys=True))
    write_atomic(spool_dir / "report.md", report_markdown(summary))
    write_atomic(spool_dir / "manifest.json", manifest_json(summary, config))

    row = RunRow(number, "committed", spool_dir.name, out.size(ARTICLES), out.size(REJECTED))
    with state.transaction() as db:
        state.add_run(
            db, row, summary.started, [(f["sha256"], f["path"]) for f in summary.input_files]
        )
        if config.dedup:
            # What this run published (and the copies it rejected) is what later runs dedup
            # against.
            dedup.store(db, number)
        site_lines.store(db)
    dedup.close()
    site_lines.close()
    out.publish(row, state)
    return summary


def _strip_site_boilerplate(
    spill_path: Path, learned: dict[str, frozenset[str]], dedup: Deduplicator
) -> Path:
    """Take each site's learned boilerplate out of the spilled records, before dedup sees
    their fingerprints; the spill is rewritten only when something was learned."""
    if not learned:
        return spill_path
    stripped_path = spill_path.with_name("stripped.jsonl")
    with (
        open(spill_path, encoding="utf-8") as spill,
        open(stripped_path, "w", encoding="utf-8") as stripped,
    ):
        for index, line in enumerate(spill):
            record = json.loads(line)
            keys = learned.get(record["site"] or "")
            changed = strip_learned(record, keys) if keys else None
            if changed is None:
                stripped.write(line)
                continue
            record, fp = changed
            stripped.write(dumps(record) + "\n")
            dedup.replace(
                index, Member(record["id"], fp, record["word_count"], record["published"])
            )
    spill_path.unlink()
    return stripped_path


def _discover(
    config: RunConfig, state: State, summary: RunSummary
) -> list[tuple[InputFile, str] | Unusable]:
    """The input files to read this run, each with its content hash; already-seen ones out."""
    found: list[tuple[InputFile, str] | Unusable] = []
    hashed: list[tuple[InputFile, str]] = []
    for item in expand_inputs(list(config.inputs)):
        summary.inputs += 1
        if isinstance(item, MissingInput):
            found.append(Unusable(Source(item.display, "unknown", None), "unreadable", item.detail))
            continue
        try:
            hashed.append((item, file_sha256(item)))
        except OSError as error:
            detail = f"cannot read the file: {error.strerror or error}"
            found.append(Unusable(Source(item.display, "unknown", None), "unreadable", detail))
    seen = set() if config.reprocess else state.seen_inputs(h for _, h in hashed)
    in_run: set[str] = set()
    for file, digest in hashed:
        if digest in seen or digest in in_run:
            summary.inputs_seen += 1
            continue
        in_run.add(digest)
        found.append((file, digest))
        summary.inputs_new += 1
        summary.input_files.append({"path": file.display, "sha256": digest})
    return found


def _documents(
    files: list[tuple[InputFile, str] | Unusable], limits: Limits, progress: Progress
) -> Iterator[RawDocument | Unusable]:
    for item in files:
        if isinstance(item, Unusable):
            yield item
        else:
            yield from read_file(item[0], limits, item[1])
        progress.file_done()


def _batches(
    items: Iterable[RawDocument | Unusable], size: int
) -> Iterator[list[RawDocument | Unusable]]:
    batch: list[RawDocument | Unusable] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count(summary: RunSummary, record: dict[str, Any]) -> None:
    for removal in record["cleaning"]["removed"]:
        summary.removals[removal["rule"]] += 1
        summary.removal_categories[removal["rule"]] = removal["category"]
    summary.flags.update(record["flags"])
    summary.languages[record["language"] or "unknown"] += 1
    summary.page_types[record["page_type"] or "unknown"] += 1


def _totals(state: State, summary: RunSummary) -> dict[str, int]:
    totals = {"published": summary.published, "rejected": sum(summary.rejected.values())}
    for previous in state.run_summaries():
        totals["published"] += int(previous.get("published", 0))
        totals["rejected"] += sum(int(n) for n in previous.get("rejected", {}).values())
    return totals


__all__ = ["Cleaned", "RunConfig", "RunSummary", "run_corpus"]
