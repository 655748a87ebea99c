"""The systems an evaluation compares, behind one interface: clinqa, and the plain baseline.

The baseline is the pipeline most tutorials build: each file's raw text split by LangChain's
RecursiveCharacterTextSplitter (1,000 characters, 200 overlap), embedded with the same model into its own
Chroma collection, similarity search with k=4 on the question alone (no history), and the top chunk as the
answer, cited to its file.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from assistant.engine import Assistant
from assistant.followup import Conversation
from corpus.loader import discover, read_article, read_bytes
from corpus.types import ReadError
from index.store import Store

RANK_DEPTH = 20


@dataclass(frozen=True)
class Source:
    """A passage an answer cites: its article, the sections it lies in, its text and reference entry."""

    article_id: str
    sections: tuple[str, ...]
    text: str
    reference_title: str | None = None


@dataclass
class SystemTurn:
    """What a system said to one turn, in the terms the metrics need."""

    standalone: str
    abstained: bool
    statements: list[tuple[str, list[int]]]  # text, indexes into sources
    sources: list[Source]
    ranked: list[tuple[str, tuple[str, ...]]]  # retrieval ranking: (article id, section labels), best first
    confidence: float
    latency_ms: float
    reason: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    unsupported_statements: int = 0
    # clinqa only: the features its fitted models read for this turn (for `clinqa eval --features`).
    trace: dict[str, Any] | None = None

    @property
    def answer_text(self) -> str:
        return "\n".join(text for text, _ in self.statements)


class System(Protocol):
    name: str

    def new_conversation(self, held_out: frozenset[str]) -> Any: ...

    def ask(self, question: str, conversation: Any) -> SystemTurn: ...


class ClinqaSystem:
    """clinqa as it answers users, plus a deeper look at its fused ranking for the retrieval metrics.

    ``dense_only`` drops the lexical half of retrieval: the ablation that shows what BM25 adds.
    """

    def __init__(self, assistant: Assistant, dense_only: bool = False) -> None:
        self.assistant = assistant
        self.dense_only = dense_only
        self.name = "clinqa-dense" if dense_only else "clinqa"
        self._views: dict[frozenset[str], Assistant] = {} if dense_only else {frozenset(): assistant}

    def new_conversation(self, held_out: frozenset[str]) -> Any:
        """A new conversation with the assistant that does not see ``held_out``: one per set of held-out
        articles, kept warm as a running app's is (its caches of the corpus's headings and vocabulary stay),
        so that latency is measured after start-up. Conversations share nothing else."""
        view = self._views.get(held_out)
        if view is None:
            a = self.assistant
            lexical = None if self.dense_only else a.lexical
            view = Assistant(a.store, a.embeddings, lexical, a.k, held_out, a.llm, a.model, a.vocabulary())
            view._scopes = a.scopes
            self._views[held_out] = view
        return (view, Conversation())

    def ask(self, question: str, conversation: Any) -> SystemTurn:
        assistant, conv = conversation
        started = time.perf_counter()
        answer = assistant.ask(question, conv)
        latency = (time.perf_counter() - started) * 1000
        ranked: list[tuple[str, tuple[str, ...]]] = []
        if answer.standalone_query:
            query = answer.standalone_query
            key = answer.key_question if answer.key_question and answer.key_question != query else None
            passages, _ = assistant.retriever.search(query, k=RANK_DEPTH, focus=key, variants=answer.query_variants)
            ranked = [(p.chunk.article_id, (p.chunk.section,)) for p in passages]
        confidence = answer.confidence
        sources = [
            Source(
                c.article_id,
                (c.section if c.section != c.article_title else "",),
                c.passage,
                c.reference.title if c.reference is not None and c.reference.kind != "Article" else None,
            )
            for c in answer.citations
        ]
        index = {c.number: i for i, c in enumerate(answer.citations)}
        statements = [(s.text, [index[n] for n in s.citation_numbers]) for s in answer.statements]
        citations = [
            {
                "number": c.number,
                "article": c.article_id,
                "section": c.section,
                "reference": c.reference.title if c.reference else None,
                "page": c.page,
                "page_label": c.page_label,
                # Every page where a statement citing it begins (a citation may quote lines of two pages).
                "pages": sorted(
                    {s.page for s in answer.statements if c.number in s.citation_numbers and s.page is not None}
                ),
            }
            for c in answer.citations
        ]
        return SystemTurn(
            answer.standalone_query,
            answer.abstained,
            statements,
            sources,
            ranked,
            confidence,
            latency,
            answer.reason or answer.notice,
            citations,
            answer.unsupported,
            trace_of(answer),
        )


def trace_of(answer: Any) -> dict[str, Any] | None:
    """The features of a scored turn, with what each candidate is, for labelling against gold."""
    scored = answer.trace
    if scored is None:
        return None
    from assistant.composer import adds_something, eligible, same_subject_doses

    pool = scored.pool
    return {
        "turn_features": dict(scored.evidence.values),
        "absent_words": list(scored.evidence.absent_words),
        "fact_declined": scored.fact_gap is not None,
        "candidate_features": [[round(float(x), 5) for x in row] for row in pool.matrix],
        "candidates": [
            {
                "text": c.text,
                "article": c.passage.chunk.article_id,
                "section": c.passage.chunk.section,
                "heading": c.heading,
            }
            for c in pool.items
        ],
        "eligible": [bool(x) for x in eligible(pool) & same_subject_doses(pool) & adds_something(pool)]
        if pool.items
        else [],
    }


class BaselineSystem:
    """The plain retrieval pipeline (see the module docstring)."""

    name = "baseline"

    def __init__(self, store: Store, embeddings: Any, spans: dict[str, list[tuple[int, int, str]]]) -> None:
        self.store = store
        self.embeddings = embeddings
        self.spans = spans

    @classmethod
    def build(
        cls, folders: list[Path], client: Any, embeddings: Any, slug: str, progress: Any = lambda _: None
    ) -> BaselineSystem:
        """Index the folders for the baseline (reused while the files are unchanged)."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        found, _ = discover(folders)
        texts: dict[str, tuple[Path, str]] = {}
        digest = hashlib.sha256()
        for article_id, path in found:
            try:
                data = read_bytes(path)
            except ReadError:
                continue
            digest.update(article_id.encode() + b"\0" + hashlib.sha256(data).digest())
            texts[article_id] = (path, data.decode("utf-8", errors="replace"))
        corpus_hash = digest.hexdigest()[:16]
        store = Store(client, f"baseline-{slug}-rcts1000-200", manifest=False)
        spans = {aid: _section_spans(aid, path, text) for aid, (path, text) in texts.items()}
        if (store.collection.metadata or {}).get("corpus_hash") == corpus_hash and store.count() > 0:
            return cls(store, embeddings, spans)
        client.delete_collection(store.name)
        store = Store(client, store.name, manifest=False)
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        batch_ids: list[str] = []
        batch_docs: list[str] = []
        batch_meta: list[dict[str, Any]] = []
        total = 0

        def flush() -> None:
            nonlocal total
            if not batch_ids:
                return
            vectors = embeddings.embed_documents(batch_docs)
            store.collection.upsert(
                ids=list(batch_ids), embeddings=vectors, documents=list(batch_docs), metadatas=list(batch_meta)
            )
            total += len(batch_ids)
            progress(f"baseline: embedded {total} chunks")
            batch_ids.clear()
            batch_docs.clear()
            batch_meta.clear()

        for article_id, (_path, text) in texts.items():
            for i, doc in enumerate(splitter.create_documents([text])):
                start = int(doc.metadata.get("start_index", 0))
                batch_ids.append(f"{article_id}:{i}")
                batch_docs.append(doc.page_content)
                batch_meta.append({"article_id": article_id, "start": start, "end": start + len(doc.page_content)})
                if len(batch_ids) >= 256:
                    flush()
        flush()
        store.collection.modify(metadata={"corpus_hash": corpus_hash, "created_by": "clinqa-eval"})
        return cls(store, embeddings, spans)

    def new_conversation(self, held_out: frozenset[str]) -> Any:
        return held_out

    def ask(self, question: str, conversation: Any) -> SystemTurn:
        held_out: frozenset[str] = conversation
        started = time.perf_counter()
        vector = self.embeddings.embed_query(question)
        where = {"article_id": {"$nin": sorted(held_out)}} if held_out else None
        got = self.store.collection.query(
            query_embeddings=[vector], n_results=4, where=where, include=["documents", "metadatas", "distances"]
        )
        latency = (time.perf_counter() - started) * 1000
        deep = self.store.collection.query(
            query_embeddings=[vector], n_results=RANK_DEPTH, where=where, include=["metadatas"]
        )
        ranked = [(m["article_id"], self._sections(m)) for m in deep["metadatas"][0]]
        if not got["ids"][0]:
            return SystemTurn(question, True, [], [], ranked, 0.0, latency)
        meta, text = got["metadatas"][0][0], got["documents"][0][0]
        source = Source(str(meta["article_id"]), self._sections(meta), text)
        confidence = 1.0 - float(got["distances"][0][0])
        return SystemTurn(
            question,
            False,
            [(text, [0])],
            [source],
            ranked,
            confidence,
            latency,
            citations=[{"number": 1, "article": source.article_id, "section": "", "reference": None}],
        )

    def _sections(self, meta: dict[str, Any]) -> tuple[str, ...]:
        start, end = int(meta.get("start", 0)), int(meta.get("end", 0))
        return tuple(label for s, e, label in self.spans.get(str(meta["article_id"]), []) if s < end and start < e)


def _section_spans(article_id: str, path: Path, text: str) -> list[tuple[int, int, str]]:
    """Character spans of the article's sections in its raw text, found from each section's first block."""
    try:
        article = read_article(article_id, path, text.encode("utf-8"))
    except ReadError:
        return []
    starts: list[tuple[int, str]] = []
    cursor = 0
    for section in article.sections:
        if not section.blocks:
            continue
        probe = section.blocks[0].text[:40]
        at = text.find(probe, cursor)
        if at < 0:
            continue
        heading = section.heading_path[-1] if section.heading_path else None
        if heading:
            head_at = text.rfind(heading, cursor, at)
            at = head_at if head_at >= 0 else at
        starts.append((at, section.label))
        cursor = at + 1
    return [(s, starts[i + 1][0] if i + 1 < len(starts) else len(text), label) for i, (s, label) in enumerate(starts)]
