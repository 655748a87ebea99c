"""The onnx-int8 backend: the same model exported and quantized, close to the float32 vectors, cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from corpus.loader import discover, read_article, read_bytes
from index.chunker import CHUNKER_VERSION, chunk_article
from index.embeddings import load_embeddings, model_slug
from index.store import collection_name
from tests.conftest import SEEDS


def seed_texts() -> list[str]:
    texts = []
    for article_id, path in discover([SEEDS])[0]:
        article = read_article(article_id, path, read_bytes(path))
        texts += [c.embed_text(article.title) for c in chunk_article(article)]
    return texts


def test_int8_vectors_stay_close_to_float32_and_rank_the_same_passages(tmp_path: Path, embeddings) -> None:
    int8 = load_embeddings("all-MiniLM-L6-v2", "onnx-int8", tmp_path)
    texts = seed_texts()
    full = np.asarray(embeddings.embed_documents(texts))
    quantized = np.asarray(int8.embed_documents(texts))
    assert quantized.shape == full.shape
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-4)
    similarity = (full * quantized).sum(axis=1)
    assert similarity.mean() > 0.98 and similarity.min() > 0.95

    # The best passage for a clinical question is the same under both.
    for question in ["maximum daily dose of baclofen", "leg cramps during dialysis", "numbness in the feet"]:
        a = int(np.argmax(full @ np.asarray(embeddings.embed_query(question))))
        b = int(np.argmax(quantized @ np.asarray(int8.embed_query(question))))
        assert a == b, question
    # A text's vector does not depend on what it is embedded with (a query alone, a chunk in a batch).
    alone = np.asarray(int8.embed_query(texts[3]))
    assert np.allclose(alone, quantized[3], atol=1e-6)
    assert np.allclose(np.asarray(int8.embed_documents(texts[3:5]))[0], alone, atol=1e-6)


def test_the_export_is_made_once_and_reused(tmp_path: Path) -> None:
    load_embeddings("all-MiniLM-L6-v2", "onnx-int8", tmp_path)
    exported = next(tmp_path.rglob("model_int8.onnx"))
    stamp = exported.stat().st_mtime_ns
    load_embeddings("all-MiniLM-L6-v2", "onnx-int8", tmp_path)
    assert exported.stat().st_mtime_ns == stamp
    assert [p.name for p in exported.parent.iterdir()] == ["model_int8.onnx"]  # no leftovers of the export


def test_each_backend_has_its_own_collection() -> None:
    torch_name = collection_name(model_slug("all-MiniLM-L6-v2"))
    int8_name = collection_name(model_slug("all-MiniLM-L6-v2", "onnx-int8"))
    assert torch_name == f"clinqa-all-minilm-l6-v2-c{CHUNKER_VERSION}-700"
    assert int8_name != torch_name and "onnx-int8" in int8_name
