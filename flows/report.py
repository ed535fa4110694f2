"""`report.md` and `manifest.json`: what a run did, for a person and for a program."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cleaners import PIPELINE_VERSION

if TYPE_CHECKING:
    from flows.run import RunConfig, RunSummary


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("presswash")
    except PackageNotFoundError:
        return "unknown"


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def removal_rows(summary: RunSummary) -> list[tuple[str, str, int]]:
    return [
        (rule, summary.removal_categories.get(rule, ""), count)
        for rule, count in sorted(summary.removals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def report_markdown(summary: RunSummary) -> str:
    rejected = sum(summary.rejected.values())
    lines = [
        f"# presswash run {summary.number}",
        "",
        f"Started {summary.started}, {summary.mode} ({summary.runner}), {summary.seconds:.2f} s.",
        "",
        "## Counts",
        "",
        *_table(
            ("what", "count"),
            [
                ("input files", summary.inputs),
                ("new input files", summary.inputs_new),
                ("already seen (skipped)", summary.inputs_seen),
                ("documents", summary.documents),
                ("published", summary.published),
                ("rejected", rejected),
                *[(f"rejected: {reason}", n) for reason, n in sorted(summary.rejected.items())],
            ],
        ),
        "## Removals by rule",
        "",
        *_table(("rule", "category", "removals"), removal_rows(summary)),
        "## Duplicates",
        "",
        *_table(("match", "documents"), sorted(summary.duplicates.items())),
        "## Flags",
        "",
        *_table(("flag", "articles"), sorted(summary.flags.items())),
        "## Page types",
        "",
        "Published, and rejected as `not_article`.",
        "",
        *_table(("page type", "documents"), sorted(summary.page_types.items())),
        "## Languages",
        "",
        *_table(("language", "articles"), sorted(summary.languages.items())),
        "## Timings",
        "",
        *_table(("stage", "seconds"), [(k, f"{v:.3f}") for k, v in summary.timings.items()]),
        "## The corpus in this folder",
        "",
        *_table(("what", "count"), sorted(summary.totals.items())),
    ]
    return "\n".join(lines)


def manifest_json(summary: RunSummary, config: RunConfig) -> str:
    manifest = {
        "presswash": package_version(),
        "pipeline_version": PIPELINE_VERSION,
        "run": summary.number,
        "started": summary.started,
        "mode": summary.mode,
        "runner": summary.runner,
        "config": config.to_json(),
        "inputs": summary.input_files,
        "counts": summary.to_json(),
        "totals": summary.totals,
        "schema": {"article": "article.schema.json", "rejected": "rejected.schema.json"},
    }
    return json.dumps(manifest, indent=2, sort_keys=False) + "\n"
