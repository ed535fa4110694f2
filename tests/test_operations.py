"""Operations: scheduled runs on a real Prefect server, scale-out on a real Dask cluster, inputs
from fsspec URLs, resume after SIGKILL, and two runs on one output folder."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDS, free_port, presswash_command, presswash_env, read_jsonl

OUTPUTS = ("articles.jsonl", "rejected.jsonl")


def _outputs(out: Path) -> tuple[bytes, ...]:
    return tuple((out / name).read_bytes() for name in OUTPUTS)


def _clean(inputs: list[str], out: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [*presswash_command(), "clean", *inputs, "--out", str(out), "--quiet", *extra],
        env=env or presswash_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, gold_texts: dict[str, str]) -> Path:
    """Real articles as JSONL (with copies, so dedup has work) plus the seeds as text files:
    enough work that a run lasts long enough to be killed half-way."""
    folder = tmp_path_factory.mktemp("ops-corpus")
    texts = sorted(gold_texts.items())
    for part in range(3):
        lines = []
        for key, text in texts[part::3]:
            lines.append(json.dumps({"id": key, "url": f"https://example.com/{key}", "text": text}))
        # A re-scrape of the first article of each part: a copy for dedup to find.
        key, text = texts[part]
        lines.append(
            json.dumps(
                {
                    "id": f"{key}-copy",
                    "url": f"https://example.com/{key}?utm_source=x",
                    "text": text,
                }
            )
        )
        (folder / f"part-{part}.jsonl").write_text("\n".join(lines) + "\n")
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "out"
    done = _clean([str(corpus)], out)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("point", ["before_commit", "after_commit", "mid_publish"])
def test_killed_run_resumes_to_the_same_outputs(
    point: str, corpus: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    killed = _clean([str(corpus)], out, env=presswash_env(PRESSWASH_FAILPOINT=point))
    assert killed.returncode == -signal.SIGKILL
    resumed = _clean([str(corpus)], out)
    assert resumed.returncode == 0, resumed.stderr
    assert _outputs(out) == _outputs(reference)
    assert sorted(p.name for p in (out / "articles").iterdir()) == ["part-00001.parquet"]
    assert not any((out / ".work").iterdir())


def test_killed_at_any_moment_resumes_to_the_same_outputs(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for delay in (0.3, 1.0, 2.0):
        process = subprocess.Popen(
            [*presswash_command(), "clean", str(corpus), "--out", str(out), "--quiet"],
            env=presswash_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    resumed = _clean([str(corpus)], out)
    assert resumed.returncode == 0, resumed.stderr
    articles, rejected = _outputs(out)
    reference_articles, reference_rejected = _outputs(reference)
    # Whatever the kills left committed is there once, and the rest was added after it:
    # the same records, nothing twice.
    assert sorted(articles.splitlines()) == sorted(reference_articles.splitlines())
    assert sorted(rejected.splitlines()) == sorted(reference_rejected.splitlines())


def test_second_run_on_a_busy_folder_gets_a_clear_error(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = subprocess.Popen(
        [*presswash_command(), "clean", str(corpus), "--out", str(out), "--quiet"],
        env=presswash_env(PRESSWASH_FAILPOINT="before_commit:sleep=8"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = out / ".presswash.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        assert time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.1)
    second = _clean([str(SEEDS)], out)
    assert second.returncode == 2
    assert "another presswash run" in second.stderr and str(first.pid) in second.stderr
    assert "Traceback" not in second.stderr
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    records = read_jsonl(out / "articles.jsonl")
    assert len(records) == len({r["id"] for r in records}) > 100


def test_inputs_from_fsspec_urls(tmp_path: Path) -> None:
    import fsspec

    from flows.cli import main

    memory = fsspec.filesystem("memory")
    for seed in sorted(SEEDS.iterdir())[:3]:
        memory.pipe(f"/corpus/{seed.name}", seed.read_bytes())
    out = tmp_path / "memory"
    assert main(["clean", "memory://corpus", "--out", str(out), "--quiet"]) == 0
    records = read_jsonl(out / "articles.jsonl")
    assert sorted(r["source"]["path"] for r in records) == [
        f"memory:///corpus/{seed.name}" for seed in sorted(SEEDS.iterdir())[:3]
    ]

    local = tmp_path / "local"
    assert main(["clean", f"file://{SEEDS}", "--out", str(local), "--quiet"]) == 0
    assert [r["text"] for r in read_jsonl(local / "articles.jsonl")][:3] == [
        r["text"] for r in records
    ]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real Dask scheduler and two worker processes on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    env = presswash_env(DASK_DISTRIBUTED__WORKER__DAEMON="false")
    logs = open(folder / "cluster.log", "w")  # noqa: SIM115 - open while the cluster lives
    processes = [
        subprocess.Popen(
            [
                str(bin_dir / "dask"),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
                "--no-show",
            ],
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ]
    for name in ("worker-a", "worker-b"):
        processes.append(
            subprocess.Popen(
                [
                    str(bin_dir / "dask"),
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--name",
                    name,
                    "--host",
                    "127.0.0.1",
                    "--dashboard-address",
                    ":0",
                    "--local-directory",
                    str(folder),
                ],
                env=env,
                stdout=logs,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    from distributed import Client

    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        logs.close()


def test_dask_cluster_gives_the_same_records(
    corpus: Path, reference: Path, dask_cluster: str, tmp_path: Path
) -> None:
    out = tmp_path / "dask"
    done = subprocess.run(
        [*presswash_command(), "clean", str(corpus), "--out", str(out), "--dask", dask_cluster],
        env=presswash_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Dask cluster" in done.stdout and "2 workers" in done.stdout
    assert _outputs(out) == _outputs(reference)


@pytest.mark.prefect
def test_serve_runs_on_schedule_and_publishes_each_input_once(
    prefect_server: dict[str, Any], tmp_path: Path
) -> None:
    inputs = tmp_path / "inbox"
    inputs.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for seed in seeds[:2]:
        (inputs / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    env = dict(prefect_server["env"], PREFECT_RUNNER_POLL_FREQUENCY="2")
    serve = subprocess.Popen(
        [
            *presswash_command(),
            "serve",
            "--cron",
            "* * * * *",
            str(inputs),
            "--out",
            str(out),
            "--name",
            "test-schedule",
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )

    def runs_done() -> int:
        if not (out / "state.sqlite").exists():
            return 0
        with sqlite3.connect(out / "state.sqlite") as db:
            return int(db.execute("SELECT count(*) FROM runs WHERE status = 'done'").fetchone()[0])

    def wait_for(condition: Any, what: str, seconds: float = 200) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if serve.poll() is not None:
                raise AssertionError(f"serve exited: {serve.communicate()[1]}")
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(1)

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    def completed_runs() -> int:
        """Flow runs of the served deployment that Prefect reports as completed."""
        settings = temporary_settings(updates={PREFECT_API_URL: prefect_server["api"]})
        with settings, get_client(sync_client=True) as client:
            try:
                deployment = client.read_deployment_by_name("clean-corpus/test-schedule")
            except Exception:  # not registered yet
                return 0
            runs = client.read_flow_runs()
        served = [r for r in runs if r.deployment_id == deployment.id]
        return sum(1 for r in served if r.state is not None and r.state.is_completed())

    try:
        wait_for(lambda: runs_done() >= 1, "the first scheduled run")
        assert len(read_jsonl(out / "articles.jsonl")) == 2
        (inputs / seeds[2].name).write_bytes(seeds[2].read_bytes())
        wait_for(lambda: runs_done() >= 2, "the second scheduled run")
        assert len(read_jsonl(out / "articles.jsonl")) == 3
        # Our state marks a run done a moment before Prefect hears the flow run finished:
        # wait for Prefect too, so stopping the server does not cut the second run's report.
        wait_for(lambda: completed_runs() >= 2, "Prefect to report two completed runs", 60)
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
    articles = read_jsonl(out / "articles.jsonl")
    assert sorted(Path(a["source"]["path"]).name for a in articles) == [s.name for s in seeds[:3]]
    assert read_jsonl(out / "rejected.jsonl") == [], "nothing seen twice, nothing rejected"
    assert completed_runs() >= 2


@pytest.mark.prefect
def test_dask_cluster_through_a_prefect_flow_run(
    corpus: Path,
    reference: Path,
    dask_cluster: str,
    prefect_server: dict[str, Any],
    tmp_path: Path,
) -> None:
    out = tmp_path / "prefect-dask"
    done = subprocess.run(
        [*presswash_command(), "clean", str(corpus), "--out", str(out), "--dask", dask_cluster],
        env=prefect_server["env"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "prefect flow run" in done.stdout and "Dask cluster" in done.stdout
    assert _outputs(out) == _outputs(reference)
