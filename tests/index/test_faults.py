"""Faults during indexing: a re-index seen mid-way, two index runs at once, index runs killed at random."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.engine import Assistant
from assistant.followup import Conversation
from corpus.loader import content_hash, read_article
from index.builder import build_index, index_lock, open_store
from index.chunker import chunk_article, unit_embed_text
from index.embeddings import embed_matrix
from index.lexical import lexical_index
from index.settings import Settings
from tests.conftest import SEEDS
from tests.ui.server import ROOT

MEDQUAD = ROOT.parent / "shared" / "corpora" / "medquad" / "articles"
QUESTIONS = [
    "What is the maximum dose of baclofen in MS?",
    "How are cramps managed in dialysis patients?",
    "What helps numbness in the feet?",
    "What is the first-line treatment for muscle cramps in multiple sclerosis?",
]


def clinqa(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLINQA_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )


def test_an_article_being_replaced_is_answered_from_one_version_only(tmp_path: Path, embeddings) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    settings = Settings.from_env({}, home=tmp_path / "home", corpus=(corpus,))
    store = open_store(settings)
    build_index(settings.corpus, store, embeddings)
    before = store.count()
    old_chunks = len(store_chunks_of(store, "ms-muscle-cramps"))

    # A new version of the MS article, written the way the builder writes it, stopped half-way.
    path = corpus / "ms-muscle-cramps.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("80 mg/day", "75 mg/day"), encoding="utf-8")
    data = path.read_bytes()
    new_hash = content_hash(data, path.suffix)
    article = read_article("ms-muscle-cramps", path, data)
    chunks = chunk_article(article)
    old_hash = store.complete_versions(["ms-muscle-cramps"])["ms-muscle-cramps"]
    vectors = embeddings.embed_documents([c.embed_text(article.title) for c in chunks])
    units = [embed_matrix(embeddings, [unit_embed_text(u) for u in c.units]) for c in chunks]
    store.add(article, new_hash, chunks, vectors, len(chunks), units)
    assert store.count() == before + len(chunks)  # both versions are in the store now

    assistant = Assistant(store, embeddings, lexical_index(store, None))

    def versions_cited() -> set[str]:
        seen: set[str] = set()
        for question in QUESTIONS:
            answer = assistant.ask(question, Conversation())
            by_article: dict[str, set[str]] = {}
            for passage in answer.passages:
                by_article.setdefault(passage.chunk.article_id, set()).add(passage.chunk.article_hash)
            assert all(len(v) == 1 for v in by_article.values()), (question, by_article)
            seen |= by_article.get("ms-muscle-cramps", set())
        return seen

    assert versions_cited() == {old_hash}  # not yet recorded complete: the old version only
    store.mark_complete([(article, new_hash, len(chunks))])
    assert versions_cited() == {new_hash}  # recorded complete, old chunks not yet deleted: the new one only
    answer = assistant.ask("What is the maximum dose of baclofen in MS?", Conversation())
    assert any("75 mg/day" in s.text for s in answer.statements)
    assert not any("80 mg/day" in s.text for s in answer.statements)

    # The next run finds more chunks than the record counts and indexes the article cleanly again.
    summary = build_index(settings.corpus, store, embeddings)
    assert summary.indexed == 1
    assert store.count() == before - old_chunks + len(chunks)
    metas = store.collection.get(where={"article_id": "ms-muscle-cramps"}, include=["metadatas"])["metadatas"]
    assert {m["article_hash"] for m in metas} == {new_hash}


def store_chunks_of(store, article_id: str) -> list[str]:
    return store.collection.get(where={"article_id": article_id}, include=[])["ids"]


def test_a_second_index_run_on_one_store_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings.from_env({}, home=home)
    with index_lock(settings):
        refused = clinqa("index", home=home)
    assert refused.returncode == 1
    message = refused.stderr.strip()
    assert "\n" not in message and "Traceback" not in message, message
    assert f"another `clinqa index` (pid {os.getpid()}" in message and "try again" in message
    done = clinqa("index", home=home)
    assert done.returncode == 0, done.stderr
    assert "2 indexed" in done.stdout


def chunk_ids(home: Path) -> list[str]:
    store = open_store(Settings.from_env({}, home=home), create=False)
    return sorted(store.collection.get(include=[])["ids"])


def stored(home: Path) -> dict[str, tuple[str, dict, np.ndarray]]:
    """Each chunk's text, metadata and vector."""
    store = open_store(Settings.from_env({}, home=home), create=False)
    got = store.collection.get(include=["documents", "metadatas", "embeddings"])
    return {
        i: (d, m, np.asarray(e))
        for i, d, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
    }


def assert_same_store(a: dict[str, tuple[str, dict, np.ndarray]], b: dict[str, tuple[str, dict, np.ndarray]]) -> None:
    """The same chunks with the same text and metadata; vectors equal up to the rounding of bfloat16 inference,
    which depends on which other texts shared the batch (a resumed run batches differently)."""
    assert sorted(a) == sorted(b)
    for key, (text, meta, vector) in a.items():
        other_text, other_meta, other_vector = b[key]
        assert text == other_text
        packed = {k for k in meta if k.endswith("vectors")}
        assert {k: v for k, v in meta.items() if k not in packed} == {
            k: v for k, v in other_meta.items() if k not in packed
        }
        assert float(vector @ other_vector) > 0.99  # 0.9966 the lowest seen


def answers(home: Path, corpus: Path) -> list[tuple[list[str], list[str]]]:
    result = clinqa("ask", "--json", "--corpus", str(corpus), *QUESTIONS, home=home)
    assert result.returncode == 0, result.stderr
    return [
        ([s["text"] for s in turn["statements"]], [c["chunk_id"] for c in turn["citations"]])
        for turn in json.loads(result.stdout)
    ]


@pytest.mark.integration
@pytest.mark.skipif(not MEDQUAD.is_dir(), reason="needs ../shared/corpora/medquad")
# Five index runs of 26 articles: 203 s on a CPU without AVX512-BF16 (float32), where the suite's 600 s is 3 times
# that, and one run beside another index build took more; the bound is ten times.
@pytest.mark.timeout(2400)
def test_index_runs_killed_at_random_points_leave_a_store_equal_to_a_clean_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    for path in sorted(MEDQUAD.glob("*.md"))[:24]:  # enough articles for a build of several seconds
        shutil.copy(path, corpus / path.name)

    clean = tmp_path / "clean"
    assert clinqa("index", "--corpus", str(corpus), home=clean).returncode == 0

    killed = tmp_path / "killed"
    rng = random.Random(20261121)
    for _ in range(3):
        env = {**os.environ, "CLINQA_HOME": str(killed)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "index", "--corpus", str(corpus)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(4.0, 12.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    final = clinqa("index", "--corpus", str(corpus), home=killed)
    assert final.returncode == 0, final.stderr

    assert_same_store(stored(killed), stored(clean))
    # The same questions are answered from the same articles. Which statements: a near tie between two may go
    # the other way, the vectors differing in the third decimal.
    for (killed_said, killed_cited), (clean_said, clean_cited) in zip(
        answers(killed, corpus), answers(clean, corpus), strict=True
    ):
        assert bool(killed_said) == bool(clean_said)
        assert {c.split(":")[0] for c in killed_cited} == {c.split(":")[0] for c in clean_cited}
    again = clinqa("index", "--corpus", str(corpus), home=killed)
    assert "0 indexed" in again.stdout
