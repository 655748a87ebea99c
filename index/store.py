"""The one place that opens Chroma: an embedded store under CLINQA_HOME or a ``chroma run`` server.

Each chunk is stored with its embedding, its text, and metadata that carries its provenance: the article
(title, path, url, source, updated date, content hash, reference list, disclaimer), the heading path and
the blocks with their markers. The collection's name says which embedding model and chunking built it,
so a change of either never mixes vectors from two models.

Chroma's own default embedding function is never created: vectors are always computed by clinqa and
passed in, and collections are opened with ``embedding_function=None``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from corpus.types import Article, Block, Reference
from index.chunker import Chunk, Unit, chunking_signature, statement_units
from index.vectors import pack, unpack

COLLECTION_PREFIX = "clinqa"
# Chroma's defaults (M 16, ef 100) found 0.957 of the exact 10 nearest chunks for MedQuAD questions over the
# 42k-chunk corpus, whose many near-identical templated sections crowd each other; these settings found 0.995
# (`clinqa bench`, recall stage). ef_search can be raised on an existing collection; M and ef_construction
# only take effect in a collection built with them.
EF_SEARCH = 800
HNSW: dict[str, object] = {"space": "cosine", "ef_construction": 200, "max_neighbors": 32, "ef_search": EF_SEARCH}


class StoreError(Exception):
    """The store cannot be opened or reached; the message is one line for the user."""


def collection_name(model_slug: str, chunking: str | None = None) -> str:
    """'clinqa-all-minilm-l6-v2-c2-700': model and chunking settings that built the collection."""
    return f"{COLLECTION_PREFIX}-{model_slug}-{chunking or chunking_signature()}"


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as read back from the store, with the article facts a citation needs."""

    id: str
    article_id: str
    article_title: str
    article_path: str
    heading_path: tuple[str, ...]
    text: str
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...]
    url: str | None
    source: str | None
    updated: str | None
    disclaimer: str | None
    position: int
    article_hash: str = ""
    # One row per unit (see index.chunker.statement_units), or None for a chunk stored without them.
    unit_vectors: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def section(self) -> str:
        return " > ".join(self.heading_path)

    @property
    def units(self) -> list[Unit]:
        return statement_units(self.heading_path, self.blocks)

    def reference_for(self, marker: int) -> Reference | None:
        return next((r for r in self.references if r.number == marker), None)


# One client per embedded store and process: Chroma keeps per-path state, and two threads creating
# clients for one path at once trip over each other.
_CLIENTS: dict[str, Any] = {}
_CLIENTS_LOCK = threading.Lock()


def _client(path: Path | None, url: str | None, token: str | None) -> Any:
    if path is not None and url is None:
        key = str(path.resolve())
        with _CLIENTS_LOCK:
            if key not in _CLIENTS:
                _CLIENTS[key] = _new_client(path, None, None)
            return _CLIENTS[key]
    return _new_client(path, url, token)


def _new_client(path: Path | None, url: str | None, token: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if not parsed.hostname:
            raise StoreError(f"not a Chroma server URL: {url!r} (expected http://host:port)")
        if token:
            chroma_settings = ChromaSettings(
                anonymized_telemetry=False,
                chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider",
                chroma_client_auth_credentials=token,
            )
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise server_error(url, exc) from exc
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class Store:
    """One Chroma collection of clinqa chunks."""

    def __init__(
        self, client: Any, name: str, create: bool = True, manifest: bool = True, url: str | None = None
    ) -> None:
        self.client = client
        self.name = name
        self.url = url
        self.manifest: Any = None
        try:
            if create:
                self.collection = client.get_or_create_collection(
                    name=name,
                    embedding_function=None,
                    configuration={"hnsw": dict(HNSW)},
                    metadata={"created_by": "clinqa"},
                )
            else:
                self.collection = client.get_collection(name=name, embedding_function=None)
            self._raise_ef_search()
            if manifest:
                # One small record per complete article (its hash and chunk count), so that an index run
                # with nothing to do reads ids and this, never the chunks' metadata.
                self.manifest = client.get_or_create_collection(
                    name=f"{name}-articles", embedding_function=None, metadata={"created_by": "clinqa"}
                )
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot open collection {name} ({type(exc).__name__}: {exc})".splitlines()[0]) from exc

    def _raise_ef_search(self) -> None:
        """A collection made before HNSW was tuned searches with the tuned ef_search from now on."""
        hnsw = (getattr(self.collection, "configuration", None) or {}).get("hnsw") or {}
        if int(hnsw.get("ef_search") or 0) < EF_SEARCH:
            self.collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})

    @classmethod
    def open(
        cls,
        model_slug: str,
        *,
        path: Path | None = None,
        url: str | None = None,
        token: str | None = None,
        create: bool = True,
    ) -> Store:
        """Open (or create) the collection for ``model_slug`` in the store at ``path`` or ``url``.

        Exactly one of ``path`` and ``url`` must be given.
        """
        if (path is None) == (url is None):
            raise ValueError("give exactly one of path and url")
        return cls(_client(path, url, token), collection_name(model_slug), create=create, url=url)

    # -- writing ---------------------------------------------------------------------------------

    def add(
        self,
        article: Article,
        article_hash: str,
        chunks: Sequence[Chunk],
        embeddings: Sequence[Sequence[float]],
        total: int,
        unit_vectors: Sequence[np.ndarray | None] | None = None,
    ) -> None:
        """Write chunks of ``article`` (all or a part of its ``total`` chunks) with their embeddings and,
        per chunk, the vectors of its units."""
        units = list(unit_vectors) if unit_vectors is not None else [None] * len(chunks)
        self.add_parts([(article, article_hash, list(chunks), list(embeddings), total, units)])

    def add_parts(self, parts: Sequence[tuple[Article, str, Sequence[Chunk], Any, int, Sequence[Any]]]) -> None:
        """Write chunks of several articles in one request.

        Each part is (article, hash, chunks, chunk vectors, total chunks of the article, unit vectors per
        chunk). One request per batch, not per article: each write to Chroma has a fixed cost (measured:
        62 ms per call embedded, so writing article by article took a quarter of a build's time).
        """
        ids: list[str] = []
        documents: list[str] = []
        vectors: list[list[float]] = []
        metadatas: list[dict[str, Any]] = []
        for article, article_hash, chunks, embeddings, total, units in parts:
            ids += [c.id for c in chunks]
            documents += [c.text for c in chunks]
            vectors += [list(map(float, e)) for e in embeddings]
            metadatas += self._metadatas(article, article_hash, chunks, total, units)
        if ids:
            self.collection.upsert(ids=ids, embeddings=vectors, documents=documents, metadatas=metadatas)

    @staticmethod
    def _metadatas(
        article: Article, article_hash: str, chunks: Sequence[Chunk], total: int, units: Sequence[Any]
    ) -> list[dict[str, Any]]:
        refs = json.dumps([asdict(r) for r in article.references])
        metadatas: list[dict[str, Any]] = []
        for chunk, unit_matrix in zip(chunks, units, strict=True):
            metadatas.append(
                {
                    "article_id": article.id,
                    "article_hash": article_hash,
                    "article_chunks": total,
                    "article_title": article.title,
                    "article_path": article.path,
                    "url": article.url or "",
                    "source": article.source or "",
                    "updated": article.updated or "",
                    "disclaimer": article.disclaimer or "",
                    "references": refs,
                    "position": chunk.position,
                    "section": " > ".join(chunk.heading_path),
                    "heading_path": json.dumps(list(chunk.heading_path)),
                    "blocks": json.dumps([asdict(b) for b in chunk.blocks]),
                    "unit_vectors": pack(unit_matrix) if unit_matrix is not None else "",
                    "recommendations": sum(1 for b in chunk.blocks if b.kind == "recommendation"),
                }
            )
        return metadatas

    def delete_article(self, article_id: str) -> None:
        """Delete the article: its chunks and its manifest record."""
        self._forget(article_id)
        self.collection.delete(where={"article_id": article_id})

    def delete_other_versions(self, versions: dict[str, str]) -> None:
        """For each {article id: content hash}, delete the article's chunks of any other version."""
        if not versions:
            return
        self.collection.delete(
            where={
                "$and": [
                    {"article_id": {"$in": sorted(versions)}},
                    {"article_hash": {"$nin": sorted(set(versions.values()))}},
                ]
            }
        )

    def mark_complete(self, done: Sequence[tuple[Article, str, int]]) -> None:
        """Record, for each (article, content hash, chunk count), that all its chunks are written."""
        if self.manifest is None or not done:
            return
        self.manifest.upsert(
            ids=[article.id for article, _, _ in done],
            embeddings=[[1.0]] * len(done),
            metadatas=[
                {"hash": digest, "chunks": chunks, "title": article.title, "disclaimer": article.disclaimer or ""}
                for article, digest, chunks in done
            ],
        )

    def _forget(self, article_id: str) -> None:
        if self.manifest is not None:
            self.manifest.delete(ids=[article_id])

    def touch(self) -> None:
        """Record the time of the last index run in the collection's metadata."""
        meta = dict(self.collection.metadata or {})
        meta["indexed_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        meta.pop("hnsw:space", None)
        self.collection.modify(metadata=meta)

    # -- reading ---------------------------------------------------------------------------------

    def _failed(self, exc: Exception) -> StoreError:
        if self.url:
            return server_error(self.url, exc)
        return StoreError(f"the index store failed ({type(exc).__name__}: {exc})".splitlines()[0])

    def count(self) -> int:
        try:
            return int(self.collection.count())
        except Exception as exc:
            raise self._failed(exc) from exc

    def state(self) -> tuple[int, str]:
        """(chunk count, time of the last finished index run), read afresh from the store.

        The collection object caches its metadata; another process (an index run against the same server)
        changes it, so it is fetched again here.
        """
        try:
            fresh = self.client.get_collection(name=self.name, embedding_function=None)
            return int(fresh.count()), str((fresh.metadata or {}).get("indexed_at", ""))
        except Exception as exc:
            raise self._failed(exc) from exc

    def _chunk_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        offset, page = 0, 50000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)
            for chunk_id in got["ids"]:
                article_id = chunk_article_id(chunk_id)
                counts[article_id] = counts.get(article_id, 0) + 1
            if len(got["ids"]) < page:
                return counts
            offset += page

    def _manifest(self) -> dict[str, tuple[str, int]]:
        if self.manifest is None:
            return {}
        got = self.manifest.get(include=["metadatas"])
        return {i: (str(m["hash"]), int(m["chunks"])) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def indexed_articles(self) -> tuple[dict[str, str], set[str]]:
        """Complete articles as {article id: content hash}, and the ids of incomplete ones.

        An article is complete when the manifest records its version and the store holds exactly that
        many chunks of it; anything else is what an interrupted run left, and is indexed again.
        """
        counts = self._chunk_counts()
        manifest = self._manifest()
        if counts and not manifest and self.manifest is not None:
            return self._rebuild_manifest()
        complete: dict[str, str] = {}
        incomplete: set[str] = set()
        for article_id in set(counts) | set(manifest):
            recorded = manifest.get(article_id)
            if recorded is not None and counts.get(article_id, 0) == recorded[1]:
                complete[article_id] = recorded[0]
            else:
                incomplete.add(article_id)
        return complete, incomplete

    def _rebuild_manifest(self) -> tuple[dict[str, str], set[str]]:
        """The manifest from the chunks' own metadata: for stores written before it existed (slow, once)."""
        seen: dict[str, dict[str, Any]] = {}
        offset, page = 0, 20000
        while True:
            got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            metas = got.get("metadatas") or []
            for meta in metas:
                entry = seen.setdefault(
                    str(meta["article_id"]), {"hashes": set(), "n": 0, "total": set(), "meta": meta}
                )
                entry["hashes"].add(str(meta["article_hash"]))
                entry["n"] += 1
                entry["total"].add(int(meta["article_chunks"]))
            if len(metas) < page:
                break
            offset += page
        complete: dict[str, str] = {}
        incomplete: set[str] = set()
        records: list[tuple[str, dict[str, Any]]] = []
        for article_id, entry in seen.items():
            if len(entry["hashes"]) == 1 and len(entry["total"]) == 1 and entry["n"] == next(iter(entry["total"])):
                digest = next(iter(entry["hashes"]))
                complete[article_id] = digest
                meta = entry["meta"]
                record = {
                    "hash": digest,
                    "chunks": entry["n"],
                    "title": str(meta.get("article_title", "")),
                    "disclaimer": str(meta.get("disclaimer", "")),
                }
                records.append((article_id, record))
            else:
                incomplete.add(article_id)
        for first in range(0, len(records), 1000):
            part = records[first : first + 1000]
            self.manifest.upsert(
                ids=[i for i, _ in part], embeddings=[[1.0]] * len(part), metadatas=[m for _, m in part]
            )
        return complete, incomplete

    def query(
        self, embedding: Sequence[float], k: int, exclude: Collection[str] = (), within: Collection[str] = ()
    ) -> list[tuple[StoredChunk, float]]:
        """The ``k`` nearest chunks with their cosine similarity, best first.

        ``exclude`` names articles to leave out, as if they were not indexed (used by evaluations); ``within``,
        when given, the only articles to search.
        """
        filters = []
        if exclude:
            filters.append({"article_id": {"$nin": sorted(exclude)}})
        if within:
            filters.append({"article_id": {"$in": sorted(within)}})
        where = filters[0] if len(filters) == 1 else {"$and": filters} if filters else None
        try:
            # One request per search: Chroma returns fewer than k (none for an empty collection) by itself.
            got = self.collection.query(
                query_embeddings=[list(map(float, embedding))],
                n_results=k,
                include=["documents", "metadatas", "distances"],
                where=where,
            )
        except Exception as exc:
            raise self._failed(exc) from exc
        out = []
        for cid, doc, meta, dist in zip(
            got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
        ):
            out.append((stored_chunk(cid, doc, meta), 1.0 - float(dist)))
        return out

    def get(self, ids: Sequence[str]) -> list[StoredChunk]:
        """The chunks with these ids (each once; unknown ids are left out)."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return []
        try:
            got = self.collection.get(ids=unique, include=["documents", "metadatas"])
        except Exception as exc:
            raise self._failed(exc) from exc
        return [stored_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]

    def article_chunks(self, article_ids: Collection[str]) -> list[StoredChunk]:
        """Every chunk of these articles."""
        if not article_ids:
            return []
        try:
            got = self.collection.get(
                where={"article_id": {"$in": sorted(article_ids)}}, include=["documents", "metadatas"]
            )
        except Exception as exc:
            raise self._failed(exc) from exc
        return [stored_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]

    def recommendation_chunks(self, article_ids: Collection[str]) -> list[tuple[StoredChunk, np.ndarray]]:
        """The chunks of these articles that hold a graded recommendation, with their stored embeddings."""
        if not article_ids:
            return []
        where = {"$and": [{"article_id": {"$in": sorted(article_ids)}}, {"recommendations": {"$gt": 0}}]}
        try:
            got = self.collection.get(where=where, include=["documents", "metadatas", "embeddings"])  # type: ignore[arg-type]
        except Exception as exc:
            raise self._failed(exc) from exc
        return [
            (stored_chunk(i, d, m), np.asarray(e, dtype=np.float32))
            for i, d, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
        ]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of these chunks, by id."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return {}
        try:
            got = self.collection.get(ids=unique, include=["embeddings"])
        except Exception as exc:
            raise self._failed(exc) from exc
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"], strict=True)}

    def complete_versions(self, article_ids: Collection[str]) -> dict[str, str]:
        """{article id: content hash of its complete version} from the manifest, for these articles."""
        if self.manifest is None or not article_ids:
            return {}
        try:
            got = self.manifest.get(ids=sorted(article_ids), include=["metadatas"])
        except Exception as exc:
            raise self._failed(exc) from exc
        return {i: str(m["hash"]) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def summary(self) -> dict[str, Any]:
        """Counts for a corpus line: articles, chunks, last index time."""
        articles = self.manifest.count() if self.manifest is not None else len(self._chunk_counts())
        meta = self.collection.metadata or {}
        return {
            "articles": articles,
            "chunks": self.count(),
            "indexed_at": meta.get("indexed_at"),
            "collection": self.name,
        }

    def titles(self) -> dict[str, str]:
        """{article id: title} of the indexed articles, from the manifest ({} for a store without one)."""
        if self.manifest is None:
            return {}
        got = self.manifest.get(include=["metadatas"])
        return {i: str(m.get("title", "")) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)}

    def disclaimers(self, limit: int = 50) -> list[str]:
        """The distinct professional disclaimers that the indexed articles carry."""
        source = self.manifest if self.manifest is not None and self.manifest.count() else self.collection
        got = source.get(where={"disclaimer": {"$ne": ""}}, include=["metadatas"], limit=limit)
        return list(dict.fromkeys(str(m["disclaimer"]) for m in got.get("metadatas") or []))


def server_error(url: str, exc: BaseException) -> StoreError:
    """A one-line StoreError for a failed request to the Chroma server at ``url``."""
    text = str(exc)
    if any(word in text for word in ("Unauthorized", "Forbidden", "401", "403")):
        return StoreError(
            f"the Chroma server at {url} refused the request: give its token with CLINQA_CHROMA_TOKEN "
            "(missing or wrong token)"
        )
    return StoreError(f"cannot reach the Chroma server at {url}: is it running? ({type(exc).__name__})")


def chunk_article_id(chunk_id: str) -> str:
    """The article id part of a chunk id ('<article id>:<position>:<digest>')."""
    return chunk_id.rsplit(":", 2)[0]


def stored_chunk(chunk_id: str, document: str | None, meta: dict[str, Any]) -> StoredChunk:
    """Rebuild a StoredChunk from what Chroma returns."""
    blocks = tuple(
        Block(
            text=b["text"],
            kind=b["kind"],
            depth=b["depth"],
            markers=tuple(b["markers"]),
            context=tuple(b["context"]),
            pages=tuple((int(at), int(page), str(label)) for at, page, label in b.get("pages") or ()),
            marker_spans=tuple((int(at), int(m)) for at, m in b.get("marker_spans") or ()),
        )
        for b in json.loads(meta.get("blocks") or "[]")
    )
    references = tuple(Reference(**r) for r in json.loads(meta.get("references") or "[]"))
    return StoredChunk(
        id=chunk_id,
        article_id=str(meta["article_id"]),
        article_title=str(meta.get("article_title", "")),
        article_path=str(meta.get("article_path", "")),
        heading_path=tuple(json.loads(meta.get("heading_path") or "[]")),
        text=document or "",
        blocks=blocks,
        references=references,
        url=str(meta.get("url")) or None,
        source=str(meta.get("source")) or None,
        updated=str(meta.get("updated")) or None,
        disclaimer=str(meta.get("disclaimer")) or None,
        position=int(meta.get("position", 0)),
        article_hash=str(meta.get("article_hash", "")),
        unit_vectors=unpack(str(meta.get("unit_vectors") or "")),
    )
