"""presswash's orchestration: reading inputs, cleaning in batches, dedup, writing, the CLI.

`flows.clean_corpus` is the Prefect flow. It is imported on first use, so that an in-process
run never pays for importing prefect.
"""

from typing import Any

__all__ = ["clean_corpus"]


def __getattr__(name: str) -> Any:
    if name == "clean_corpus":
        from flows.prefect_flow import clean_corpus

        return clean_corpus
    raise AttributeError(f"module 'flows' has no attribute {name!r}")
