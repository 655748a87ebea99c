"""Starting the real `clinqa serve` for a test, on a free 127.0.0.1 port, and stopping it after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.run import wait_for_page

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(
    home: Path, *args: str, env: dict[str, str] | None = None, timeout_s: float = 120
) -> Iterator[tuple[str, float, float]]:
    """(url, start time, seconds until the page was served) of a server that stops when the block ends."""
    port = free_port()
    full_env = {**os.environ, "CLINQA_HOME": str(home), **(env or {})}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_page(url, proc, started, timeout_s)
        yield url, started, time.perf_counter() - started
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server the test started, and kill it if it does not go within 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)
