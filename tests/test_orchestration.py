"""How `presswash clean` runs: in-process without a Prefect API, a flow run with one; the same
records every way, and with one or two workers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDS, free_port, presswash_command, presswash_env


def _outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "articles.jsonl").read_bytes(), (out / "rejected.jsonl").read_bytes()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, a copy of one of them and a bad file: every kind of outcome."""
    folder = tmp_path_factory.mktemp("corpus")
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    first = sorted(SEEDS.iterdir())[0]
    (folder / "copy.txt").write_bytes(first.read_bytes().replace(b"PRESIDENT", b"President"))
    (folder / "bad.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    return folder


@pytest.fixture(scope="module")
def local_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    done = subprocess.run(
        [*presswash_command(), "clean", str(corpus), "--out", str(out)],
        env=presswash_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # bad.txt.gz could not be read
    assert "in-process" in done.stdout
    return out


def test_default_run_never_imports_prefect(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from flows.cli import main\n"
        f"status = main(['clean', {str(SEEDS)!r}, '--out', {str(tmp_path / 'out')!r}, '--quiet'])\n"
        "heavy = ('prefect', 'distributed', 'dask', 'trafilatura')\n"
        "print(status, sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=presswash_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "0 []", done.stderr


def test_two_workers_give_the_same_bytes(corpus: Path, local_run: Path, tmp_path: Path) -> None:
    from flows.cli import main

    out = tmp_path / "two"
    assert main(["clean", str(corpus), "--out", str(out), "--workers", "2", "--quiet"]) == 1
    assert _outputs(out) == _outputs(local_run)


def test_unreachable_server_fails_fast_with_a_message(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}/api"
    started = time.monotonic()
    done = subprocess.run(
        [*presswash_command(), "clean", str(SEEDS), "--out", str(tmp_path / "out")],
        env=presswash_env(PREFECT_API_URL=api),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "not reachable" in done.stderr and "--local" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 15
    assert not (tmp_path / "out" / "articles.jsonl").exists()

    local = subprocess.run(
        [*presswash_command(), "clean", str(SEEDS), "--out", str(tmp_path / "out"), "--local"],
        env=presswash_env(PREFECT_API_URL=api),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert local.returncode == 0, local.stderr
    assert "in-process" in local.stdout


def test_active_profile_counts_as_configured(tmp_path: Path) -> None:
    from flows.orchestration import configured_api_url

    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        'active = "work"\n[profiles.work]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n'
        "[profiles.ephemeral]\n"
    )
    env = {"PREFECT_PROFILES_PATH": str(profiles)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        patch.delenv("PREFECT_API_URL", raising=False)
        assert configured_api_url() == "http://127.0.0.1:9/api"
        patch.setenv("PREFECT_PROFILE", "ephemeral")
        assert configured_api_url() is None


@pytest.mark.prefect
def test_flow_run_on_a_real_server(
    corpus: Path, local_run: Path, prefect_server: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "prefect"
    done = subprocess.run(
        [*presswash_command(), "clean", str(corpus), "--out", str(out), "--workers", "2"],
        env=prefect_server["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "prefect flow run" in done.stdout
    assert "Traceback" not in done.stderr
    assert _outputs(out) == _outputs(local_run), "a flow run writes the same bytes"

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
    )
    from prefect.settings import PREFECT_API_URL, temporary_settings

    settings = temporary_settings(updates={PREFECT_API_URL: prefect_server["api"]})
    with settings, get_client(sync_client=True) as client:
        runs = [r for r in client.read_flow_runs() if str(corpus) in r.name]
        assert len(runs) == 1
        run = runs[0]
        assert run.state is not None and run.state.is_completed()
        assert run.name.startswith("clean ")
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
        )
        assert tasks and all(t.name.startswith("clean-batch") for t in tasks)
        assert all(t.state is not None and t.state.is_completed() for t in tasks)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
    kinds = {a.key: a for a in artifacts}
    assert set(kinds) == {"presswash-report", "presswash-removals"}
    assert "presswash run" in str(kinds["presswash-report"].data)
    table = kinds["presswash-removals"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert any(row["rule"] == "translation.machine-notice" for row in rows)
