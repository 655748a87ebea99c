"""Server mode: a real `chroma run` on 127.0.0.1, indexed and queried through `--chroma-url`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.ui.server import ROOT, free_port, stop

CHROMA = Path(sys.executable).with_name("chroma")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMA.exists() and not shutil.which("chroma"), reason="no chroma CLI"),
]


@pytest.fixture()
def chroma_url(tmp_path: Path):
    port = free_port()
    proc = subprocess.Popen(
        [
            str(CHROMA if CHROMA.exists() else "chroma"),
            "run",
            "--path",
            str(tmp_path / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not come up")
        yield url
    finally:
        stop(proc)


def clinqa(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLINQA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


def test_index_and_answer_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    built = clinqa("index", "--chroma-url", chroma_url, "--corpus", str(SEEDS), home=tmp_path / "a")
    assert built.returncode == 0, built.stderr
    assert "2 indexed" in built.stdout
    again = clinqa("index", "--chroma-url", chroma_url, "--corpus", str(SEEDS), home=tmp_path / "a")
    assert "0 indexed, 2 unchanged" in again.stdout

    questions = ["What is the maximum dose of baclofen in MS?", "How are cramps managed in dialysis patients?"]

    def ask(i: int) -> dict:
        # Two app processes with their own homes share the one server.
        result = clinqa("ask", "--json", "--chroma-url", chroma_url, questions[i], home=tmp_path / f"app{i}")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)[0]

    with ThreadPoolExecutor(2) as pool:
        maximum, dialysis = pool.map(ask, [0, 1])
    assert any("80 mg/day" in s["text"] for s in maximum["statements"])
    assert any(
        c["reference"] and c["reference"]["title"] == "Management of Muscle Cramps in Dialysis Patients"
        for c in dialysis["citations"]
    )
    assert not (tmp_path / "app0" / "store").exists()  # nothing was written to an embedded store
