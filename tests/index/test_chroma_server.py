"""Server mode: a real `chroma run` on 127.0.0.1, indexed and queried through `--chroma-url`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.engine import Assistant
from assistant.followup import Conversation
from index.settings import Settings
from tests.chroma import chroma_command, chroma_server, start_chroma, token_proxy
from tests.conftest import SEEDS
from tests.ui.server import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.skipif(not chroma_command(), reason="no chroma CLI")]


@pytest.fixture()
def chroma_url(tmp_path: Path) -> Iterator[str]:
    with chroma_server(tmp_path / "db") as url:
        yield url


def clinqa(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLINQA_HOME": str(home), **(env or {})}
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


def test_a_server_behind_a_token_is_used_with_the_token_and_refused_without(chroma_url: str, tmp_path: Path) -> None:
    with token_proxy(chroma_url, "s3cret-token") as guarded:
        refused = clinqa("index", "--chroma-url", guarded, "--corpus", str(SEEDS), home=tmp_path / "a")
        assert refused.returncode != 0
        message = refused.stderr.strip()
        assert message.count("\n") == 0 and "Traceback" not in message, message
        assert "refused" in message and "CLINQA_CHROMA_TOKEN" in message
        wrong = clinqa("index", "--chroma-url", guarded, home=tmp_path / "a", env={"CLINQA_CHROMA_TOKEN": "guess"})
        assert wrong.returncode != 0 and "refused" in wrong.stderr

        token = {"CLINQA_CHROMA_TOKEN": "s3cret-token"}
        built = clinqa("index", "--chroma-url", guarded, "--corpus", str(SEEDS), home=tmp_path / "a", env=token)
        assert built.returncode == 0, built.stderr
        assert "2 indexed" in built.stdout
        asked = clinqa(
            "ask", "--json", "--chroma-url", guarded, "What is the maximum dose of baclofen in MS?",
            home=tmp_path / "b", env=token,
        )  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        assert any("80 mg/day" in s["text"] for s in json.loads(asked.stdout)[0]["statements"])


def test_a_running_app_sees_articles_another_process_indexes_on_the_server(chroma_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    ms, cramps = SEEDS / "ms-muscle-cramps.txt", SEEDS / "cramps-and-numbness.txt"
    shutil.copy(ms, corpus / ms.name)
    first = clinqa("index", "--chroma-url", chroma_url, "--corpus", str(corpus), home=tmp_path / "indexer")
    assert first.returncode == 0, first.stderr

    settings = Settings.from_env({}, home=tmp_path / "app", chroma_url=chroma_url)
    assistant = Assistant.from_settings(settings)
    lexical = assistant.lexical
    lexical.check_every = 0.0
    assert not [cid for cid, _ in lexical.search("dialysis cramps", 5) if cid.startswith(cramps.stem)]

    shutil.copy(cramps, corpus / cramps.name)
    second = clinqa("index", "--chroma-url", chroma_url, "--corpus", str(corpus), home=tmp_path / "indexer")
    assert second.returncode == 0, second.stderr

    hits = lexical.search("dialysis cramps", 5)
    assert lexical.rebuilds == 1
    assert hits[0][0].startswith(cramps.stem)
    answer = assistant.ask("How are cramps managed in dialysis patients?", Conversation())
    assert not answer.abstained, answer.reason
    assert any(c.reference and "Dialysis" in c.reference.title for c in answer.citations)
    # The saved lexical index of this server is under the app's home, and is reused by the next process.
    assert list((settings.lexical_dir).glob("*/bm25-*"))


def test_the_chat_says_so_when_the_server_stops_and_answers_again_when_it_is_back(tmp_path: Path) -> None:
    from gradio_client import Client

    from tests.ui.server import free_port, running_app, stop
    from tests.ui.test_web import text_of

    port = free_port()
    proc, url = start_chroma(tmp_path / "db", port)
    try:
        built = clinqa("index", "--chroma-url", url, "--corpus", str(SEEDS), home=tmp_path / "indexer")
        assert built.returncode == 0, built.stderr
        with running_app(tmp_path / "app", "--chroma-url", url) as (app_url, _, _):
            client = Client(app_url, verbose=False, download_files=False)
            question = "What is the maximum dose of baclofen in MS?"
            history, *_ = client.predict(question, [], "Brief", api_name="/ask")
            assert "80 mg/day" in text_of(history[-1])

            stop(proc)
            history, _sources, box, *_ = client.predict(question, history, "Brief", api_name="/ask")
            said = text_of(history[-1])
            assert "cannot be searched right now" in said and "is it running?" in said
            assert "Traceback" not in said and said.count("\n") == 0
            assert box == question  # the question stays in the box, to send again

            proc, _ = start_chroma(tmp_path / "db", port)
            history, *_ = client.predict(question, history, "Brief", api_name="/ask")
            assert "80 mg/day" in text_of(history[-1])
    finally:
        stop(proc)
