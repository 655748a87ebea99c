"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused by reciprocal rank fusion.

``HybridRetriever`` is a LangChain retriever, so it composes into a chain; ``search`` gives the typed
passages with their scores and the time each stage took.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.question import without_ages
from assistant.types import Passage
from index.embeddings import embed_matrix

RRF_K = 60


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = sum over lists of 1 / (k + rank), rank from 1; best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def one_version_per_article(
    fused: list[tuple[str, float]], chunks: dict[str, Any], store: Any
) -> list[tuple[str, float]]:
    """``fused`` without chunks of any version of an article but its complete one.

    While `clinqa index` replaces an article, the store briefly holds chunks of both versions; an answer
    must never quote both. The manifest names the complete version; it is asked only when versions mix.
    """
    versions: dict[str, set[str]] = {}
    for cid, _ in fused:
        chunk = chunks[cid]
        versions.setdefault(chunk.article_id, set()).add(chunk.article_hash)
    mixed = [aid for aid, hashes in versions.items() if len(hashes) > 1]
    if not mixed:
        return fused
    complete = store.complete_versions(mixed)
    return [
        (cid, score)
        for cid, score in fused
        if chunks[cid].article_id not in mixed or chunks[cid].article_hash == complete.get(chunks[cid].article_id)
    ]


# How many of the articles found are searched for the sections closest to a question's ask, and how many such
# sections are added at most (see _sections_for).
ASK_ARTICLES = 3
ASK_SECTIONS = 2

# How many of a retrieved guideline's recommendations are added to its passages (see _recommendations).
RECOMMENDATIONS = 2


def is_recommendation(chunk: Any, block: Any, name: str) -> bool:
    """Whether ``block`` of ``chunk`` is the recommendation called ``name`` ("Recommendation 4"): the block names
    it, or stands in its section."""
    return block.kind == "recommendation" and (name in block.context or chunk.heading_path[-1:] == (name,))


def names_recommendation(chunk: Any, name: str) -> bool:
    """Whether ``chunk`` holds the recommendation called ``name``."""
    return any(is_recommendation(chunk, b, name) for b in chunk.blocks)


def _recommendation_closeness(chunk: Any, chunk_vector: Any, query_vector: Any) -> float:
    """How close the question is to the chunk's closest recommendation (by its unit's vector; by the chunk's
    for a chunk stored without unit vectors)."""
    units = chunk.units
    if chunk.unit_vectors is None or len(units) != len(chunk.unit_vectors):
        return float(np.dot(chunk_vector, query_vector))
    rows = [i for i, u in enumerate(units) if chunk.blocks[u.block_index].kind == "recommendation"]
    if not rows:
        return float(np.dot(chunk_vector, query_vector))
    return float(np.max(chunk.unit_vectors[rows] @ np.asarray(query_vector, dtype=np.float32)))


class HybridRetriever(BaseRetriever):
    """Top ``k`` passages for a query from dense and lexical search over the same chunks."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    embeddings: Any
    lexical: Any = None
    k: int = 6
    depth: int = 30
    exclude: frozenset[str] = frozenset()

    def search(
        self,
        query: str,
        k: int | None = None,
        focus: str | None = None,
        variants: Sequence[str] = (),
        vectors: Mapping[str, Any] | None = None,
        recommendation: str | None = None,
        lexical_only: Sequence[str] = (),
        ask: str | None = None,
        patient: str | None = None,
    ) -> tuple[list[Passage], dict[str, float]]:
        """Passages best first, and the milliseconds spent embedding, in dense and lexical search, fusing.

        With ``focus`` (a follow-up's own question, ``query`` being it plus the conversation's topic),
        both are searched and all four rankings fused, so the topic cannot drown what was asked.
        ``vectors`` holds query vectors already computed (text -> vector); the rest are embedded here.
        ``recommendation`` ("Recommendation 4": what "that recommendation" of a follow-up stands for) adds
        the passages of the retrieved guidelines that hold it. ``lexical_only`` are further queries for the
        word-matching search alone (the query with the corpus's own forms of its words). ``ask`` is what a
        question that first sets out a situation asks ("How rare is it?"): the sections of the articles found
        that are closest to it are added (see ``_sections_for``). ``patient`` names the patient groups the
        conversation's patient belongs to that the question's words do not ("older adults" for "what dose would
        you start him on?" after "a 79 yo man ..."): the sections of the articles found closest to it are added too,
        where the sources say what differs for that patient.
        """
        k = k or self.k
        queries = list(dict.fromkeys([query, *([focus] if focus else []), *variants]))
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        known = dict(vectors or {})
        todo = [q for q in queries if q not in known]
        if todo:
            known.update(zip(todo, embed_matrix(self.embeddings, todo), strict=True))
        query_vectors = [known[q] for q in queries]
        t1 = time.perf_counter()
        dense_runs = [self.store.query(v, self.depth, self.exclude) for v in query_vectors]
        t2 = time.perf_counter()
        lexical_runs = [
            # A patient's age is no figure to match ("she's 80" is not "80 mg/day"): meaning alone reads it.
            self.lexical.search(without_ages(q), self.depth, self.exclude) if self.lexical is not None else []
            for q in [*queries, *(q for q in dict.fromkeys(lexical_only) if q not in queries)]
        ]
        t3 = time.perf_counter()
        rankings = [[c.id for c, _ in run] for run in dense_runs] + [[cid for cid, _ in run] for run in lexical_runs]
        # Room for passages dropped below, so that k remain when an article is being re-indexed.
        fused = reciprocal_rank_fusion(rankings)[: 2 * k]
        dense = [hit for run in dense_runs for hit in run]
        lexical = [hit for run in lexical_runs for hit in run]
        chunks = {c.id: c for c, _ in dense}
        missing = [cid for cid, _ in fused if cid not in chunks]
        if missing:
            chunks.update({c.id: c for c in self.store.get(missing)})
        dense_scores: dict[str, float] = {}
        for c, s in dense:
            dense_scores[c.id] = max(s, dense_scores.get(c.id, s))
        lexical_scores: dict[str, float] = {}
        for cid, s in lexical:
            lexical_scores[cid] = max(s, lexical_scores.get(cid, s))
        fused = [(cid, score) for cid, score in fused if cid in chunks]
        fused = one_version_per_article(fused, chunks, self.store)[:k]
        if fused:
            # The passage closest in meaning to the question stays, though word matching ranks it low:
            # fusion favours passages that are middling in both searches over the one best by meaning.
            # A follow-up's own best passages stay too, however many rankings the conversation's topic adds.
            kept = {cid for cid, _ in fused}
            own = [dense_runs[0][0][0].id] if dense_runs[0] else []
            if focus:
                own += [run[0][0].id for run in dense_runs[1:2] if run]
                own += [run[0][0] for run in lexical_runs[1:2] if run]
            unseen = [cid for cid in own if cid not in chunks]
            if unseen:  # a lexical best that no dense run returned
                chunks.update({c.id: c for c in self.store.get(unseen)})
            dropped = [cid for cid in dict.fromkeys(own) if cid in chunks and cid not in kept]
            if dropped:
                floor = fused[-1][1]
                fused = fused[: k - len(dropped)] + [(cid, floor) for cid in dropped]
                fused = one_version_per_article(fused, chunks, self.store)
        stored = self.store.vectors([cid for cid, _ in fused])
        passages = [
            Passage(
                chunk=chunks[cid],
                score=score,
                rank=rank,
                dense_score=dense_scores.get(cid),
                lexical_score=lexical_scores.get(cid),
                vector=stored.get(cid),
            )
            for rank, (cid, score) in enumerate(fused, start=1)
        ]
        passages += self._recommendations(passages, query_vectors[0], recommendation)
        for extra in (ask, patient):
            if extra and passages:
                if extra not in known:
                    known[extra] = embed_matrix(self.embeddings, [extra])[0]
                passages += self._sections_for(passages, known[extra])
        t4 = time.perf_counter()
        timings.update(embed=(t1 - t0) * 1000, dense=(t2 - t1) * 1000, lexical=(t3 - t2) * 1000, fuse=(t4 - t3) * 1000)
        return passages, timings

    def _recommendations(self, passages: list[Passage], vector: Any, named: str | None = None) -> list[Passage]:
        """The graded recommendations of the guidelines among ``passages`` that are closest to the question
        (at most RECOMMENDATIONS), and any that is ``named``, as further passages ranked after them.

        A guideline states what to do in its recommendations, and argues it over many pages: a question
        ("should I reach for an opioid?") often finds the argument first. The statement model then decides,
        as for any passage, whether the recommendation answers the question.
        """
        if not passages or not hasattr(self.store, "recommendation_chunks"):
            return []
        have = {p.chunk.id for p in passages}
        articles = {p.chunk.article_id for p in passages} - set(self.exclude)
        found = [(c, v) for c, v in self.store.recommendation_chunks(articles) if c.id not in have]
        if not found:
            return []
        fused = [(c.id, 0.0) for c, _ in found]
        kept = {cid for cid, _ in one_version_per_article(fused, {c.id: c for c, _ in found}, self.store)}
        scored = [(_recommendation_closeness(c, v, vector), c, v) for c, v in found if c.id in kept]
        closeness = sorted(scored, key=lambda x: -x[0])[:RECOMMENDATIONS]
        if named:
            chosen = {c.id for _, c, _ in closeness}
            closeness += [x for x in scored if x[1].id not in chosen and names_recommendation(x[1], named)]
        floor = min(p.score for p in passages)
        return [
            Passage(chunk=c, score=floor, rank=len(passages) + i, dense_score=sim, vector=v)
            for i, (sim, c, v) in enumerate(closeness, start=1)
        ]

    def _sections_for(self, passages: list[Passage], vector: Any) -> list[Passage]:
        """The passages of the articles that ``passages`` lead with (the first ASK_ARTICLES of them) closest to
        ``vector`` (what the question asks), at most ASK_SECTIONS not already among ``passages``, ranked after them.

        A question that sets out a situation first ("Teenager with overgrowth since infancy and an NSD1
        change: Sotos syndrome. How rare is it?") finds the articles about that situation, but by the words of the
        situation: their sections on what it describes. The section that answers the ask (the one on how many
        people are affected) is the one closest to the ask alone, among the articles found.
        """
        articles = list(dict.fromkeys(p.chunk.article_id for p in passages))[:ASK_ARTICLES]
        have = {p.chunk.id for p in passages}
        found = [
            (c, s)
            for c, s in self.store.query(vector, ASK_SECTIONS + len(have), self.exclude, articles)
            if c.id not in have
        ]
        if not found:
            return []
        chunks = {c.id: c for c, _ in found}
        kept = one_version_per_article([(c.id, s) for c, s in found], chunks, self.store)[:ASK_SECTIONS]
        stored = self.store.vectors([cid for cid, _ in kept])
        floor = min(p.score for p in passages)
        return [
            Passage(chunk=chunks[cid], score=floor, rank=len(passages) + i, dense_score=sim, vector=stored.get(cid))
            for i, (cid, sim) in enumerate(kept, start=1)
        ]

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        passages, timings = self.search(query)
        return [
            Document(
                page_content=p.chunk.text,
                id=p.chunk.id,
                metadata={"passage": p, "timings_ms": timings, "article_id": p.chunk.article_id},
            )
            for p in passages
        ]
