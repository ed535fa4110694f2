"""`presswash serve`: the cleaning flow as a Prefect deployment on a cron schedule.

The deployment is served from this process (`flow.serve`): Prefect's scheduler creates a flow
run at each tick and this process runs it. Each run reads only the inputs it has not seen (by
content hash, in `state.sqlite`), appends to the outputs and dedups against what earlier runs
published. Serving always needs a real Prefect server.
"""

from __future__ import annotations

import argparse
import os
import sys

EXIT_ERROR = 2


def serve(args: argparse.Namespace) -> int:
    from flows.orchestration import check_api, configured_api_url, quiet_prefect_environment

    api_url = configured_api_url()
    if api_url is None:
        print(
            "presswash: serve needs a Prefect server. Start one with\n"
            "  prefect server start --host 127.0.0.1 --port 4200\n"
            "and point presswash at it with\n"
            "  export PREFECT_API_URL=http://127.0.0.1:4200/api",
            file=sys.stderr,
        )
        return EXIT_ERROR
    problem = check_api(api_url)
    if problem:
        print(
            f"presswash: the Prefect API at {api_url} is not reachable ({problem})", file=sys.stderr
        )
        return EXIT_ERROR
    try:
        from prefect.client.schemas.schedules import CronSchedule

        CronSchedule(cron=args.cron)
    except Exception as error:
        print(f"presswash: --cron {args.cron!r} is not a cron expression: {error}", file=sys.stderr)
        return EXIT_ERROR

    quiet_prefect_environment()
    from flows.cli import run_config

    config = run_config(args)
    # Each scheduled run imports the flow in a new process: the environment is how the task
    # runner options reach it.
    os.environ["PRESSWASH_WORKERS"] = str(config.workers)
    if config.dask:
        os.environ["PRESSWASH_DASK_ADDRESS"] = config.dask
    from flows.prefect_flow import flow_for

    flow = flow_for(config.workers, config.dask, list(config.inputs))
    print(
        f"presswash: serving deployment 'clean-corpus/{args.name}' on {args.cron!r}"
        f" (Prefect at {api_url}); Ctrl-C stops",
        file=sys.stderr,
    )
    flow.serve(
        name=args.name,
        cron=args.cron,
        parameters={
            "inputs": [str(i) for i in config.inputs],
            "out": str(config.out.resolve()),
            "dedup": config.dedup,
            "workers": config.workers,
            "dask": config.dask,
            "reprocess": False,
            "memory": config.memory,
            "max_document_bytes": config.limits.max_document_bytes,
            "max_decompressed_bytes": config.limits.max_decompressed_bytes,
            "seconds_per_document": config.options.seconds_per_document,
            "min_words": config.options.min_words,
            "keep_non_articles": config.options.keep_non_articles,
        },
        print_starting_message=False,
    )
    return 0
