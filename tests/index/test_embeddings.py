"""The embedding model's precision: bfloat16 where the CPU computes it natively, vectors as float32's."""

from __future__ import annotations

import numpy as np
import pytest

from index.embeddings import embed_matrix, load_embeddings, native_bf16, question_precision, torch_precision

TEXTS = [
    "Baclofen: start at 10 mg/day, increase weekly by 10 mg/day",
    "Check potassium, calcium, and magnesium levels",
    "Regular physical activity to improve circulation and muscle conditioning",
]


def test_auto_means_bfloat16_only_on_a_cpu_that_computes_it() -> None:
    assert torch_precision("auto") == ("bfloat16" if native_bf16() else "float32")
    assert torch_precision("float32") == "float32"


@pytest.mark.skipif(not native_bf16(), reason="this CPU has no native bfloat16")
def test_bfloat16_vectors_stay_within_a_cosine_of_float32(embeddings) -> None:
    fast = load_embeddings("all-MiniLM-L6-v2", precision="bfloat16")
    full = load_embeddings("all-MiniLM-L6-v2", precision="float32")
    a, b = embed_matrix(fast, TEXTS), embed_matrix(full, TEXTS)
    cosines = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert cosines.min() > 0.99
    # The matrix helper and LangChain's interface give the same vectors.
    assert np.allclose(embed_matrix(full, TEXTS[:1])[0], full.embed_query(TEXTS[0]), atol=1e-5)


def test_a_question_s_vector_does_not_depend_on_what_it_is_batched_with() -> None:
    # Questions are embedded at float32 unless a precision is set: there a text's vector is the same alone
    # and batched with a longer text (padded to it), so an answer never depends on the questions before it.
    assert question_precision("auto") == "float32"
    assert question_precision("bfloat16") == "bfloat16"
    model = load_embeddings("all-MiniLM-L6-v2", precision=question_precision("auto"))
    alone = embed_matrix(model, ["cramps"])[0]
    batched = embed_matrix(model, ["cramps", TEXTS[2] * 3])[0]
    assert np.abs(alone - batched).max() < 1e-5
