from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# The same examples on every run: a property test that fails in CI fails on a laptop too.
# (Run with HYPOTHESIS_PROFILE=explore to search further.)
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "benchmarks" / "data"
AEB = DATA / "aeb"

# Tests never talk to a Prefect server unless they start one themselves.
os.environ.pop("PREFECT_API_URL", None)
os.environ["PREFECT_PROFILES_PATH"] = str(ROOT / "tests" / "no-profiles.toml")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def gold_texts() -> dict[str, str]:
    data = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: value["articleBody"] for key, value in data.items()}


@pytest.fixture(scope="session")
def aeb_html() -> dict[str, str]:
    return {
        path.name.split(".")[0]: gzip.decompress(path.read_bytes()).decode("utf-8")
        for path in sorted((AEB / "html").glob("*.html.gz"))
    }


@pytest.fixture(scope="session")
def schemas() -> dict[str, Any]:
    from importlib import resources

    folder = resources.files("cleaners") / "schema"
    return {
        name: json.loads((folder / f"{name}.schema.json").read_text(encoding="utf-8"))
        for name in ("article", "rejected")
    }


@pytest.fixture(scope="session")
def validate(schemas: dict[str, Any]) -> Any:
    """validate(kind, entry): raises when an output entry breaks the published schema."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        [(schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()]
    )
    validators = {
        name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()
    }

    def check(kind: str, entry: dict[str, Any]) -> None:
        validators[kind].validate(entry)

    return check


@pytest.fixture
def run_cli(tmp_path: Path) -> Any:
    """Run `presswash ARGS` in this process; returns (exit status, output folder)."""
    from flows.cli import main

    def run(*args: str, out: Path | None = None) -> tuple[int, Path]:
        target = out or tmp_path / "out"
        status = main([*args, "--out", str(target), "--quiet"])
        return status, target

    return run


def check_outputs(out: Path, validate: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Both JSONL outputs, every entry validated against the shipped schema."""
    articles = read_jsonl(out / "articles.jsonl")
    rejected = read_jsonl(out / "rejected.jsonl")
    for record in articles:
        validate("article", record)
    for entry in rejected:
        validate("rejected", entry)
        if "record" in entry and entry["reason"] == "duplicate":
            validate("article", entry["record"])
    return articles, rejected


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def presswash_env(**extra: str) -> dict[str, str]:
    """The environment a `presswash` subprocess sees in tests: no Prefect unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_PROFILES_PATH"] = str(ROOT / "tests" / "no-profiles.toml")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env.update(extra)
    return env


def presswash_command() -> list[str]:
    import sys

    return [sys.executable, "-m", "flows.cli"]


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real Prefect server on 127.0.0.1, shared by every test that needs one."""
    import subprocess
    import sys
    import time
    import urllib.request

    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = presswash_env(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_LOGGING_LEVEL="WARNING",
        PREFECT_UI_ENABLED="false",
    )
    log = open(home / "server.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(api + "/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(
                "Prefect server did not start:\n" + (home / "server.log").read_text()
            )
        time.sleep(0.5)
    try:
        yield {"api": api, "home": home, "env": dict(env, PREFECT_API_URL=api)}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
