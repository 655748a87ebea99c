"""Hybrid retrieval keeps the passage closest in meaning to the question, however word matching ranks it (a real
Chroma index of articles written here, the real embedding model)."""

from __future__ import annotations

import pytest

from assistant.retriever import HybridRetriever
from index.builder import build_index, open_store
from index.lexical import lexical_index
from index.settings import Settings

# The answer calls the condition by its other name and shares one word with the question; the other
# articles repeat the question's words and answer something else.
ARTICLES = {
    "answer": "# Treatment of Leigh's disease\n\nThe usual treatment for Leigh's disease is thiamine (vitamin B1).\n",
    "diagnosis": "# Leigh syndrome in babies\n\nA baby is found to have Leigh syndrome by brain imaging "
    "and by measuring lactate in the blood of the baby.\n",
    "inheritance": "# Leigh syndrome genetics\n\nLeigh syndrome in a baby is inherited; a baby who has "
    "Leigh syndrome has parents who may carry the change.\n",
    "frequency": "# How common is Leigh syndrome\n\nLeigh syndrome is found in about 1 in 40,000 babies, "
    "a nurse said; a vitamin blood level can help no diagnosis.\n",
    "onset": "# When Leigh syndrome begins\n\nA baby with Leigh syndrome usually shows it in the first "
    "year, when the baby stops gaining skills.\n",
    "feeding": "# Feeding a baby with Leigh syndrome\n\nA baby who has Leigh syndrome may vomit "
    "and have trouble swallowing, which a nurse caring for the baby notices first; a thickened drink can help.\n",
    "course": "# Course of Leigh syndrome\n\nMost babies with Leigh syndrome live a few years; "
    "some with milder Leigh syndrome live into adulthood, a nurse said.\n",
    "breathing": "# Breathing in Leigh syndrome\n\nA baby who has Leigh syndrome may have episodes "
    "of irregular breathing, which a nurse said can help to know.\n",
}
QUESTION = "Our baby has Leigh syndrome and a nurse said a vitamin can help. Which one?"


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, embeddings) -> HybridRetriever:
    corpus = tmp_path_factory.mktemp("retrieval-articles")
    for name, text in ARTICLES.items():
        (corpus / f"{name}.md").write_text(text, encoding="utf-8")
    settings = Settings.from_env({"CLINQA_HOME": str(tmp_path_factory.mktemp("retrieval-home"))}, corpus=(corpus,))
    store = open_store(settings)
    assert build_index(settings.corpus, store, embeddings).indexed == len(ARTICLES)
    return HybridRetriever(store=store, embeddings=embeddings, lexical=lexical_index(store, settings.lexical_dir))


def test_the_passage_closest_in_meaning_is_kept(retriever: HybridRetriever, embeddings) -> None:
    from index.embeddings import embed_matrix

    vector = embed_matrix(embeddings, [QUESTION])[0]
    dense = [c.article_id for c, _ in retriever.store.query(vector, 10, frozenset())]
    found = [cid for cid, _ in retriever.lexical.search(QUESTION, 10)]
    chunks = {c.id: c.article_id for c in retriever.store.get(found)}
    lexical = [chunks[cid] for cid in found]
    # What the case is: first by meaning, behind four others by words.
    assert dense[0] == "answer" and lexical.index("answer") >= 4
    for k in (1, 2):
        passages, _ = retriever.search(QUESTION, k=k)
        assert "answer" in [p.chunk.article_id for p in passages], k
    # The others fill the rest, in their fused order.
    passages, _ = retriever.search(QUESTION, k=3)
    assert len(passages) == 3 and len({p.chunk.id for p in passages}) == 3
