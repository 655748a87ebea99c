"""Building and updating the index, incrementally by content hash.

New and changed articles are read, chunked, embedded and written; removed ones are deleted; unchanged ones
are skipped without being parsed, and the embedding model is not even loaded when nothing changed. An
article is written new-chunks-first, recorded as complete, and its old version deleted after; an article
whose chunks do not match its record (an interrupted run) is indexed again, so a crash never leaves an
article silently half-done, and a reader can always tell which version of an article is the whole one.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from corpus.loader import Skipped, content_hash, discover, read_article, read_bytes
from corpus.types import Article, ReadError
from index.chunker import Chunk, chunk_article, unit_embed_text
from index.embeddings import embed_matrix, load_embeddings, model_slug, question_precision
from index.settings import Settings
from index.store import Store

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

Progress = Callable[[str], None]


@dataclass
class IndexSummary:
    """What one index run did."""

    files: int = 0
    unchanged: int = 0
    indexed: int = 0
    removed: int = 0
    chunks_written: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)
    # Files indexed with a loss, and what was lost ("pages 3, 17 could not be read").
    warnings: list[Skipped] = field(default_factory=list)

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_written / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"{self.files} articles read: {self.indexed} indexed, {self.unchanged} unchanged, "
            f"{self.removed} removed, {len(self.skipped)} skipped; {self.chunks_written} chunks written "
            f"in {self.seconds:.1f} s ({self.chunks_per_second:.1f} chunks/s)"
        )


def _quiet(_: str) -> None:
    return None


class _Batcher:
    """Embeds and writes chunks in batches that may span articles, reporting throughput.

    A batch embeds its chunks' texts and their units' texts in one call (the model sorts them by length,
    so short units pad little).

    A batch is written to the store by one writer thread while the next batch is embedded (Chroma's
    writes release the GIL), one write at a time and in order, so the crash guarantees are those of
    writing in line. ``close`` waits for the last write and raises its error, if any.
    """

    def __init__(self, store: Store, embeddings: Embeddings, batch: int, progress: Progress, total: int) -> None:
        self.store = store
        self.embeddings = embeddings
        self.batch = batch
        self.progress = progress
        self.total = total
        self.pending: list[tuple[Article, str, Chunk, str, int]] = []
        self.done = 0
        self.written: dict[str, int] = {}
        self.embed_seconds = 0.0
        self.started = time.perf_counter()
        self.last_report = self.started
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clinqa-writer")
        self.writing: Future[None] | None = None

    def add(self, article: Article, article_hash: str, chunks: Sequence[Chunk]) -> None:
        for chunk in chunks:
            self.pending.append((article, article_hash, chunk, chunk.embed_text(article.title), len(chunks)))
            if len(self.pending) >= self.batch:
                self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        items, self.pending = self.pending, []
        unit_texts = [[unit_embed_text(u) for u in item[2].units] for item in items]
        texts = [item[3] for item in items] + [t for group in unit_texts for t in group]
        t0 = time.perf_counter()
        matrix = embed_matrix(self.embeddings, texts)
        self.embed_seconds += time.perf_counter() - t0
        vectors = matrix[: len(items)]
        units: list[np.ndarray | None] = []
        at = len(items)
        for texts_of_chunk in unit_texts:
            units.append(matrix[at : at + len(texts_of_chunk)] if texts_of_chunk else None)
            at += len(texts_of_chunk)
        start = 0
        done: list[tuple[Article, str, int]] = []
        parts = []
        while start < len(items):
            article, article_hash, _, _, total = items[start]
            end = start
            while end < len(items) and items[end][0].id == article.id:
                end += 1
            parts.append(
                (article, article_hash, [i[2] for i in items[start:end]], vectors[start:end], total, units[start:end])
            )
            self.written[article.id] = self.written.get(article.id, 0) + (end - start)
            if self.written[article.id] == total:
                done.append((article, article_hash, total))
            start = end
        self.wait_for_write()
        self.writing = self.writer.submit(self._write, parts, done)
        self.done += len(items)
        now = time.perf_counter()
        if now - self.last_report >= 5 or self.done == self.total:
            rate = self.done / max(now - self.started, 1e-9)
            left = (self.total - self.done) / rate if rate > 0 else 0
            self.progress(
                f"embedded {self.done}/{self.total} chunks ({rate:.1f} chunks/s, about {left / 60:.1f} min left)"
            )
            self.last_report = now

    def _write(self, parts: list, done: list[tuple[Article, str, int]]) -> None:
        self.store.add_parts(parts)
        # The new versions are whole: the manifest names them first (readers that meet chunks of two versions
        # of one article keep the one the manifest names), and only then do the old versions go. A crash in
        # between leaves more chunks than the manifest counts, so the next run indexes the article again.
        self.store.mark_complete(done)
        self.store.delete_other_versions({article.id: digest for article, digest, _ in done})

    def wait_for_write(self) -> None:
        """Wait for the write in flight, raising its error (before the caller touches the store itself)."""
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    def close(self) -> None:
        try:
            self.wait_for_write()
        finally:
            self.writer.shutdown(wait=True)


def build_index(
    folders: Iterable[Path],
    store: Store,
    embeddings: Embeddings | Callable[[], Embeddings],
    *,
    progress: Progress = _quiet,
    batch: int = 128,
) -> IndexSummary:
    """Bring ``store`` up to date with the articles in ``folders``; see the module docstring.

    ``embeddings`` may be a factory, called only when something needs embedding.
    """
    started = time.perf_counter()
    summary = IndexSummary()
    found, skipped = discover(folders)
    summary.skipped.extend(skipped)
    summary.files = len(found)

    indexed, incomplete = store.indexed_articles()
    hashes: dict[str, tuple[Path, str, bytes]] = {}
    for article_id, path in found:
        try:
            data = read_bytes(path)
        except ReadError as exc:
            summary.skipped.append(Skipped(str(path), str(exc)))
            continue
        hashes[article_id] = (path, content_hash(data, path.suffix), data)

    changed = [aid for aid, (_, h, _) in hashes.items() if indexed.get(aid) != h]
    summary.unchanged = len(hashes) - len(changed)
    # Articles whose files are gone. An unreadable file keeps its last good version in the index.
    unreadable = {Path(s.path).stem for s in summary.skipped}
    removed = [aid for aid in (set(indexed) | incomplete) if aid not in hashes and aid not in unreadable]
    progress(
        f"{len(found)} article files: {len(changed)} new or changed, {summary.unchanged} unchanged, "
        f"{len(removed)} removed, {len(summary.skipped)} skipped"
    )
    for article_id in removed:
        store.delete_article(article_id)
    summary.removed = len(removed)

    work: list[tuple[Article, str, list[Chunk]]] = []
    for article_id in changed:
        path, digest, data = hashes[article_id]
        try:
            article = read_article(article_id, path, data)
        except ReadError as exc:
            summary.skipped.append(Skipped(str(path), str(exc)))
            continue
        chunks = chunk_article(article)
        if not chunks:
            summary.skipped.append(Skipped(str(path), "no text to index"))
            continue
        if article.metadata.get("lost_pages"):
            lost = article.metadata["lost_pages"]
            summary.warnings.append(Skipped(str(path), f"page(s) {lost} could not be read; the rest is indexed"))
        if article.metadata.get("damaged_pages"):
            damaged = article.metadata["damaged_pages"]
            summary.warnings.append(Skipped(str(path), f"page(s) {damaged} could be read only in part"))
        work.append((article, digest, chunks))

    total = sum(len(c) for _, _, c in work)
    if total:
        model = embeddings() if callable(embeddings) and not hasattr(embeddings, "embed_documents") else embeddings
        batcher = _Batcher(store, model, batch, progress, total)  # type: ignore[arg-type]
        try:
            for article, digest, chunks in work:
                if article.id in incomplete:
                    batcher.wait_for_write()
                    store.delete_article(article.id)
                batcher.add(article, digest, chunks)
            batcher.flush()
        finally:
            batcher.close()
        summary.embed_seconds = batcher.embed_seconds
    summary.indexed = len(work)
    summary.chunks_written = total
    if work or removed:
        store.touch()
    summary.seconds = time.perf_counter() - started
    return summary


def embeddings_for(settings: Settings, questions: bool = False) -> Embeddings:
    """The embedding model and backend that ``settings`` name; for ``questions``, at float32 where the
    precision is ``auto`` (see ``index.embeddings.question_precision``)."""
    precision = question_precision(settings.embed_precision) if questions else settings.embed_precision
    return load_embeddings(settings.embed_model, settings.embed_backend, settings.models_dir, precision=precision)


def open_store(settings: Settings, create: bool = True) -> Store:
    """The store that ``settings`` names: the Chroma server when a URL is set, else the embedded one."""
    slug = model_slug(settings.embed_model, settings.embed_backend)
    if settings.chroma_url:
        return Store.open(slug, url=settings.chroma_url, token=settings.chroma_token, create=create)
    return Store.open(slug, path=settings.store_dir, create=create)


class IndexBusy(Exception):
    """Another index run holds the store."""


@contextmanager
def index_lock(settings: Settings) -> Iterator[None]:
    """Hold the embedded store for one index run; IndexBusy at once if another run holds it.

    The lock is an OS file lock beside the store, so it goes with its process, even one that was killed.
    A Chroma server has no such lock: run one indexer per server.
    """
    if settings.chroma_url:
        yield
        return
    path = settings.store_dir.parent / f"{settings.store_dir.name}.index-lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusy(
                f"another `clinqa index` ({holder}) is updating {settings.store_dir}; try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def index_corpus(settings: Settings, progress: Progress = _quiet) -> IndexSummary:
    """Bring the index that ``settings`` names, and its saved lexical index, up to date with the corpus."""
    with index_lock(settings):
        return _index_corpus(settings, progress)


def _index_corpus(settings: Settings, progress: Progress) -> IndexSummary:
    from index.lexical import lexical_index

    store = open_store(settings)
    summary = build_index(settings.corpus, store, lambda: embeddings_for(settings), progress=progress)
    if store.count():
        started = time.perf_counter()
        lexical_index(store, settings.lexical_dir, progress)
        summary.seconds += time.perf_counter() - started
    return summary
