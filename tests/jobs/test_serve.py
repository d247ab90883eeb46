"""`make run`'s serve step (scripts/serve): the web server and one task worker start
together, and Ctrl-C stops both (the development server's autoreloader child too); either
stopping on its own stops the other."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)  # noqa: S310 - a local test server
    except OSError:
        return False
    return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated development database, as make run leaves it before serving."""
    path = tmp_path_factory.mktemp("serve")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"], cwd=ROOT, env=env(path),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def env(data: Path) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    out.update(ATTUNE_ENV="development", ATTUNE_DATA_DIR=str(data), ATTUNE_WORKER_BEAT="0.5")
    return out


@pytest.fixture
def serve(data_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    process = subprocess.Popen(
        ["scripts/serve", sys.executable, f"127.0.0.1:{port}"], cwd=ROOT, env=env(data_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own terminal session: Ctrl-C is SIGINT to its group
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/accounts/login/"
    try:
        wait_for(lambda: answers(url))
        wait_for(lambda: worker_pids(data_dir) != [])
        yield process, url
    finally:
        for pgid in {process.pid, *worker_pids(data_dir)}:
            if group_alive(pgid):
                os.killpg(pgid, signal.SIGKILL)
        process.wait(timeout=30)


def worker_pids(data: Path) -> list[int]:
    with sqlite3.connect(data / "attune.sqlite3") as db:
        return [pid for (pid,) in db.execute("select pid from jobs_workerbeat")]


def test_ctrl_c_stops_the_server_and_the_worker(
    serve: tuple[subprocess.Popen[bytes], str], data_dir: Path
) -> None:
    process, url = serve
    (worker,) = worker_pids(data_dir)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    assert process.wait(timeout=60) is not None
    wait_for(lambda: not answers(url), timeout=30)
    wait_for(lambda: not group_alive(worker), timeout=30)  # the worker and its group
    # the worker said goodbye: its heartbeat row is gone
    assert worker_pids(data_dir) == []


def test_a_worker_that_stops_stops_the_server_too(
    serve: tuple[subprocess.Popen[bytes], str], data_dir: Path
) -> None:
    process, url = serve
    (worker,) = worker_pids(data_dir)
    os.kill(worker, signal.SIGKILL)  # the worker crashed
    assert process.wait(timeout=60) is not None
    wait_for(lambda: not answers(url), timeout=30)  # the server and its autoreloader child
