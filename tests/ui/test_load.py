"""Twenty chat sessions at once through gradio_client: no error, no conversation crossing to another.

On the seed index in the normal run. With CLINQA_LOAD_HOME naming a home whose store holds the full
MedQuAD + seed index, `pytest -m slow tests/ui/test_load.py` runs the same load there for longer.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.run import rss_mb
from tests.conftest import SEEDS
from tests.ui.server import ROOT, running_app
from tests.ui.test_web import text_of

SESSIONS = 20
TOPICS = [
    ("What is the first-line treatment for muscle cramps in multiple sclerosis?", "multiple sclerosis", "dialysis"),
    ("How are muscle cramps managed in dialysis patients?", "dialysis", "multiple sclerosis"),
]
FOLLOW_UPS = ["What else helps?", "How do I titrate it?", "What is the maximum dose?"]


def session(url: str, number: int, seconds: float) -> list[float]:
    """One user: a conversation on its own topic, follow-ups only, until ``seconds`` have passed."""
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False)
    first, mine, other = TOPICS[number % len(TOPICS)]
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    history: list = []
    turn = 0
    while True:
        question = first if turn == 0 else FOLLOW_UPS[(turn - 1 + number) % len(FOLLOW_UPS)]
        started = time.perf_counter()
        history, *_ = client.predict(question, history, "Brief", api_name="/ask")
        latencies.append((time.perf_counter() - started) * 1000)
        said = text_of(history[-1])
        assert "cannot be searched" not in said, said
        if turn:
            searched = next((line for line in said.splitlines() if line.startswith("Searched for")), "")
            if searched:  # a rewritten follow-up carries this session's topic, never the other's
                assert mine in searched and other not in searched, (number, searched)
        assert len(history) == 2 * (turn + 1)  # only this session's turns
        turn += 1
        if time.monotonic() > deadline and turn >= 3:
            return latencies


def server_pid(port: int) -> int:
    """The pid of the `clinqa serve` listening on ``port`` (found by its command line)."""
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and b"--port" in argv and argv[argv.index(b"--port") + 1] == str(port).encode():
            return int(proc.name)
    raise LookupError(f"no clinqa serve on port {port}")


def run_load(home: Path, seconds: float, *args: str) -> dict:
    with running_app(home, *args, timeout_s=600) as (url, _, _), ThreadPoolExecutor(SESSIONS + 1) as pool:
        pid = server_pid(int(url.rsplit(":", 1)[1].strip("/")))
        started = time.perf_counter()
        running = [pool.submit(session, url, n, seconds) for n in range(SESSIONS)]
        peak = 0.0
        while not all(f.done() for f in running):
            peak = max(peak, rss_mb(pid))  # sampled while the sessions run
            time.sleep(0.5)
        results = [f.result() for f in running]
        wall = time.perf_counter() - started
    latencies = sorted(ms for r in results for ms in r)
    figures = {
        "sessions": SESSIONS,
        "turns": len(latencies),
        "seconds": round(wall, 1),
        "median_ms": round(statistics.median(latencies)),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))]),
        "server_rss_peak_mb": round(peak),
    }
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    (out / f"load-{home.name}.json").write_text(json.dumps(figures, indent=2))
    print(figures)
    return figures


@pytest.mark.integration
def test_twenty_sessions_at_once_on_the_seed_index(seed_settings) -> None:
    figures = run_load(seed_settings.home, 20, "--corpus", str(SEEDS))
    assert figures["turns"] >= SESSIONS * 3
    assert 100 < figures["server_rss_peak_mb"] < 2048  # bounded: four answers at a time, whatever the load


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("CLINQA_LOAD_HOME"), reason="set CLINQA_LOAD_HOME to a full-index home")
def test_twenty_sessions_at_once_on_the_full_index() -> None:
    figures = run_load(Path(os.environ["CLINQA_LOAD_HOME"]), 120)
    assert figures["turns"] >= SESSIONS * 3
    assert figures["server_rss_peak_mb"] < 2048
