"""The incremental index on a real Chroma store with the real model: build, no-op, change, remove, repair."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from index.builder import build_index, open_store
from index.chunker import unit_embed_text
from index.settings import Settings
from index.store import collection_name
from tests.conftest import FIXTURES, SEEDS


class CountingEmbeddings:
    """The real model, counting what it is asked to embed."""

    def __init__(self, real) -> None:
        self.real = real
        self.texts: list[str] = []

    def embed_documents(self, texts):
        self.texts.extend(texts)
        return self.real.embed_documents(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in [*SEEDS.glob("*.txt"), FIXTURES / "guideline-sample.md"]:
        shutil.copy(path, folder / path.name)
    return folder


def ids_of(store, article_id: str) -> set[str]:
    return set(store.collection.get(where={"article_id": article_id})["ids"])


def test_incremental_index(tmp_path: Path, corpus: Path, embeddings) -> None:
    settings = Settings.from_env({"CLINQA_HOME": str(tmp_path / "home")}, corpus=(corpus,))
    store = open_store(settings)
    assert store.name == collection_name("all-minilm-l6-v2")
    counter = CountingEmbeddings(embeddings)

    first = build_index([corpus], store, counter)
    assert (first.files, first.indexed, first.unchanged, first.removed) == (3, 3, 0, 0)
    assert first.chunks_written == store.count() > 20
    # Each chunk is embedded once, and each of its units (sentences, list items) once, in the same run;
    # the units' vectors are stored with the chunk, one row per unit.
    stored = store.get(store.collection.get(include=[])["ids"])
    units = sum(len(c.units) for c in stored)
    assert len(counter.texts) == first.chunks_written + units
    assert all(c.unit_vectors is not None and c.unit_vectors.shape == (len(c.units), 384) for c in stored)
    before = {a: ids_of(store, a) for a in ("ms-muscle-cramps", "cramps-and-numbness", "guideline-sample")}

    calls: list[int] = []

    def factory():
        calls.append(1)
        return counter

    started = time.perf_counter()
    again = build_index([corpus], store, factory)
    assert (again.indexed, again.unchanged, again.chunks_written) == (0, 3, 0)
    assert calls == []  # nothing changed: the model is not even loaded
    assert time.perf_counter() - started < 50  # a hang guard: the no-op time is a `clinqa bench` figure

    path = corpus / "guideline-sample.md"
    path.write_text(path.read_text().replace("30 mL intravenously", "30 mL IV"))
    counter.texts.clear()
    changed = build_index([corpus], store, counter)
    assert (changed.indexed, changed.unchanged) == (1, 2)
    # Only the changed article was embedded: its chunks (titled) and their units.
    changed_chunks = store.get(sorted(ids_of(store, "guideline-sample")))
    own = {unit_embed_text(u) for c in changed_chunks for u in c.units}
    assert all("Hyperkalaemia" in t or t in own for t in counter.texts) and counter.texts
    assert ids_of(store, "ms-muscle-cramps") == before["ms-muscle-cramps"]
    new_ids = ids_of(store, "guideline-sample")
    assert new_ids != before["guideline-sample"] and len(new_ids) == changed.chunks_written
    docs = store.collection.get(where={"article_id": "guideline-sample"})["documents"]
    assert any("30 mL IV" in d for d in docs) and not any("30 mL intravenously" in d for d in docs)

    (corpus / "cramps-and-numbness.txt").unlink()
    removed = build_index([corpus], store, counter)
    assert removed.removed == 1
    assert ids_of(store, "cramps-and-numbness") == set()
    assert store.count() == len(ids_of(store, "ms-muscle-cramps")) + len(new_ids)


def test_an_article_left_incomplete_is_indexed_again(tmp_path: Path, corpus: Path, embeddings) -> None:
    settings = Settings.from_env({"CLINQA_HOME": str(tmp_path / "home")}, corpus=(corpus,))
    store = open_store(settings)
    build_index([corpus], store, embeddings)
    full = ids_of(store, "ms-muscle-cramps")
    store.collection.delete(ids=sorted(full)[:3])  # as an interrupted run would leave it
    complete, incomplete = store.indexed_articles()
    assert incomplete == {"ms-muscle-cramps"} and "ms-muscle-cramps" not in complete
    repaired = build_index([corpus], store, embeddings)
    assert repaired.indexed == 1
    assert ids_of(store, "ms-muscle-cramps") == full


def test_a_bad_file_is_reported_and_the_rest_indexed(tmp_path: Path, corpus: Path, embeddings) -> None:
    (corpus / "broken.md").write_text("---\ntitle: [oops\n---\n# X\n\ntext\n")
    (corpus / "empty.txt").write_text("")
    store = open_store(Settings.from_env({"CLINQA_HOME": str(tmp_path / "home")}, corpus=(corpus,)))
    summary = build_index([corpus], store, embeddings)
    reasons = {Path(s.path).name: s.reason for s in summary.skipped}
    assert reasons == {"broken.md": "front matter is not valid YAML (line 2)", "empty.txt": "empty file"}
    assert summary.indexed == 3
    assert "3 indexed" in summary.line() and "2 skipped" in summary.line()


def test_left_over_chunks_of_an_old_version_are_caught(tmp_path: Path, corpus: Path, embeddings) -> None:
    store = open_store(Settings.from_env({"CLINQA_HOME": str(tmp_path / "home")}, corpus=(corpus,)))
    build_index([corpus], store, embeddings)
    got = store.collection.get(
        where={"article_id": "guideline-sample"}, include=["embeddings", "documents", "metadatas"]
    )
    # As if a run crashed after writing a new version but before deleting the old one's extra chunk.
    store.collection.add(
        ids=["guideline-sample:0099:stale"],
        embeddings=[got["embeddings"][0]],
        documents=["stale text"],
        metadatas=[got["metadatas"][0]],
    )
    _, incomplete = store.indexed_articles()
    assert incomplete == {"guideline-sample"}
    build_index([corpus], store, embeddings)
    assert "guideline-sample:0099:stale" not in store.collection.get(where={"article_id": "guideline-sample"})["ids"]
    assert store.indexed_articles()[1] == set()


def test_a_store_without_manifest_gets_one_from_its_chunks(tmp_path: Path, corpus: Path, embeddings) -> None:
    store = open_store(Settings.from_env({"CLINQA_HOME": str(tmp_path / "home")}, corpus=(corpus,)))
    build_index([corpus], store, embeddings)
    store.manifest.delete(ids=store.manifest.get()["ids"])
    complete, incomplete = store.indexed_articles()
    assert set(complete) == {"ms-muscle-cramps", "cramps-and-numbness", "guideline-sample"} and not incomplete
    assert store.manifest.count() == 3
    assert build_index([corpus], store, embeddings).chunks_written == 0


def test_the_store_gives_its_articles_titles_and_an_articles_every_chunk(
    tmp_path: Path, corpus: Path, embeddings
) -> None:
    settings = Settings.from_env({"CLINQA_HOME": str(tmp_path / "home")}, corpus=(corpus,))
    store = open_store(settings)
    build_index([corpus], store, embeddings)
    titles = store.titles()
    assert len(titles) == 3 and all(titles.values())
    article = next(a for a, t in titles.items() if "Numbness" in t)
    chunks = store.article_chunks({article})
    assert {c.id for c in chunks} == ids_of(store, article)
    assert {c.article_title for c in chunks} == {titles[article]}
    assert store.article_chunks(set()) == []
