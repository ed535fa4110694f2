"""The `presswash` command: clean, explain, serve."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from flows.batches import DEFAULT_OPTIONS, CleanOptions
from flows.readers import DEFAULT_LIMITS, Limits
from flows.workfiles import DEFAULT_MEMORY

EXIT_OK = 0
EXIT_INPUT_FAILURES = 1
EXIT_ERROR = 2


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return value


def _size(text: str) -> int:
    """A byte count with an optional K, M or G suffix (binary units)."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower().removesuffix("b").removesuffix("i")
    factor = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    try:
        value = int(float(number) * factor)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 20M)") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", default="output", type=Path, help="output folder (default: output/)"
    )
    parser.add_argument(
        "--no-dedup", action="store_true", help="publish every document, copies included"
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="clean with N processes (default 1)",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=os.environ.get("PRESSWASH_DASK_ADDRESS") or None,
        help="send the cleaning to an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(or set PRESSWASH_DASK_ADDRESS)",
    )
    parser.add_argument(
        "--reprocess", action="store_true", help="read inputs again even if an earlier run saw them"
    )
    parser.add_argument(
        "--max-bytes",
        type=_size,
        default=DEFAULT_LIMITS.max_document_bytes,
        metavar="SIZE",
        help="largest document read, e.g. 20M (default 20M)",
    )
    parser.add_argument(
        "--max-decompressed",
        type=_size,
        default=DEFAULT_LIMITS.max_decompressed_bytes,
        metavar="SIZE",
        help="most bytes one compressed file may expand to (default 4G)",
    )
    parser.add_argument(
        "--memory",
        type=_size,
        default=DEFAULT_MEMORY,
        metavar="SIZE",
        help="most the run holds of its working sets at once, e.g. 256M (default 256M); the "
        "rest waits on disk in the output folder, so memory does not grow with the corpus",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_OPTIONS.seconds_per_document,
        metavar="SECONDS",
        help="longest time spent cleaning one document; longer is rejected as `timeout` "
        "(default 30, 0 for no limit)",
    )
    parser.add_argument(
        "--min-words",
        type=int,
        default=DEFAULT_OPTIONS.min_words,
        metavar="N",
        help="fewer words than this after cleaning is rejected as `too_short` (default 20)",
    )
    parser.add_argument(
        "--keep-non-articles",
        action="store_true",
        help="publish listing, product, forum, service, documentation and collection pages "
        "(with their page_type) instead of rejecting them as `not_article`",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presswash",
        description="Turn scraped news (HTML pages or extracted text) into clean, "
        "deduplicated article records.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    clean = commands.add_parser("clean", help="clean inputs once into an output folder")
    clean.add_argument(
        "inputs",
        nargs="*",
        default=["seeds"],
        metavar="INPUT",
        help="files, folders, globs or fsspec URLs (default: seeds/)",
    )
    _add_run_options(clean)
    way = clean.add_mutually_exclusive_group()
    way.add_argument(
        "--prefect",
        action="store_true",
        help="run as a Prefect flow run even without a configured server",
    )
    way.add_argument(
        "--local",
        action="store_true",
        help="run in-process even when a Prefect server is configured",
    )
    clean.add_argument("--quiet", action="store_true", help="no progress bar and no summary")

    explain = commands.add_parser(
        "explain", help="show what would be removed from a document, and by which rule"
    )
    explain.add_argument("file", metavar="FILE")
    explain.add_argument(
        "--limit",
        type=_positive_int,
        default=10,
        metavar="N",
        help="documents to explain from a multi-document file (default 10)",
    )
    explain.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also show the site boilerplate the runs into DIR learned (from its state.sqlite)",
    )

    serve = commands.add_parser(
        "serve", help="run the cleaning on a schedule as a Prefect deployment"
    )
    serve.add_argument("inputs", nargs="+", metavar="INPUT")
    serve.add_argument(
        "--cron", required=True, metavar="EXPR", help='cron schedule, e.g. "*/15 * * * *"'
    )
    serve.add_argument("--name", default="presswash", help="deployment name (default presswash)")
    _add_run_options(serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "clean":
        return command_clean(args)
    if args.command == "explain":
        from flows.explain import explain_file

        return explain_file(args.file, args.limit, args.out)
    if args.command == "serve":
        from flows.serve import serve

        return serve(args)
    return EXIT_ERROR


def run_config(args: argparse.Namespace) -> Any:
    from flows.run import RunConfig

    return RunConfig(
        inputs=tuple(args.inputs),
        out=args.out,
        dedup=not args.no_dedup,
        workers=args.workers,
        dask=args.dask,
        reprocess=args.reprocess,
        memory=args.memory,
        limits=Limits(args.max_bytes, args.max_decompressed, args.timeout),
        options=CleanOptions(
            min_words=args.min_words,
            keep_non_articles=args.keep_non_articles,
            seconds_per_document=args.timeout,
        ),
    )


def command_clean(args: argparse.Namespace) -> int:
    from flows.orchestration import check_api, configured_api_url
    from flows.outputs import OutputBusy

    api_url = configured_api_url()
    use_prefect = args.prefect or (api_url is not None and not args.local)
    started = time.perf_counter()
    try:
        if use_prefect:
            if api_url is not None and not args.local:
                problem = check_api(api_url)
                if problem:
                    print(
                        f"presswash: the Prefect API at {api_url} is not reachable ({problem}).\n"
                        "Start it with `prefect server start`, or run without it: "
                        "presswash clean --local ...",
                        file=sys.stderr,
                    )
                    return EXIT_ERROR
            summary = _clean_with_prefect(args)
        else:
            summary = _clean_in_process(args)
    except OutputBusy as error:
        print(f"presswash: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("presswash: interrupted; nothing from this run was published", file=sys.stderr)
        return 130
    if not args.quiet:
        print(format_summary(summary, time.perf_counter() - started))
    return EXIT_INPUT_FAILURES if summary.input_failures else EXIT_OK


def _clean_in_process(args: argparse.Namespace) -> Any:
    from flows.progress import terminal_progress
    from flows.run import run_corpus
    from flows.runners import make_runner

    config = run_config(args)
    runner = make_runner(config.workers, config.dask)
    try:
        with terminal_progress(enabled=not args.quiet) as progress:
            return run_corpus(config, runner, progress)
    finally:
        runner.close()


def _clean_with_prefect(args: argparse.Namespace) -> Any:
    from flows.orchestration import quiet_prefect_environment

    quiet_prefect_environment()
    from flows.prefect_flow import flow_for
    from flows.run import RunSummary

    config = run_config(args)
    flow = flow_for(config.workers, config.dask, list(config.inputs))
    result = flow(
        inputs=list(config.inputs),
        out=str(config.out),
        dedup=config.dedup,
        workers=config.workers,
        dask=config.dask,
        reprocess=config.reprocess,
        memory=config.memory,
        max_document_bytes=config.limits.max_document_bytes,
        max_decompressed_bytes=config.limits.max_decompressed_bytes,
        seconds_per_document=config.options.seconds_per_document,
        min_words=config.options.min_words,
        keep_non_articles=config.options.keep_non_articles,
    )
    return RunSummary.from_json(result, config.out)


def format_summary(summary: Any, seconds: float) -> str:
    rejected = sum(summary.rejected.values())
    lines = [
        f"presswash: {summary.documents} documents from {summary.inputs_new} new input files"
        f" -> {summary.published} published, {rejected} rejected"
        f" in {seconds:.2f} s ({summary.mode}, {summary.runner})"
    ]
    if summary.inputs_seen:
        lines.append(f"  skipped {summary.inputs_seen} input files already seen in {summary.out}")
    if rejected:
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(summary.rejected.items()))
        lines.append(f"  rejected: {reasons}")
    if summary.input_failures:
        from flows.run import INPUT_FAILURES

        failures = ", ".join(
            f"{n} {reason}"
            for reason, n in sorted(summary.rejected.items())
            if reason in INPUT_FAILURES and n
        )
        lines.append(
            f"  {summary.input_failures} input documents could not be used ({failures}): "
            f"see {summary.out / 'rejected.jsonl'}, each with its reason and detail"
        )
    lines.append(f"  output: {summary.out}/ (articles.jsonl, rejected.jsonl, articles/, report.md)")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
