"""The lexical index: BM25 (bm25s) over the same chunks as the vector store.

It is built from what the store holds (title, heading path and text of each chunk), saved under
CLINQA_HOME with the fingerprint of the collection it was built from, and rebuilt when that fingerprint
changes (chunk count or last index time), so it never answers from another version of the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from corpus.text import STOPWORDS, stem, words
from index.store import Store, chunk_article_id

# Bump when tokenize() changes: a saved index built with other tokens must not be reused.
TOKENIZER_VERSION = "5"


def tokenize(text: str) -> list[str]:
    """Stemmed lower-case words without stopwords; numbers are kept (doses matter)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def lexical_text(title: str, section: str, text: str) -> str:
    return f"{title}\n{section}\n{text}"


class LexicalIndex:
    """BM25 over chunk ids, and each token's document frequency (how many chunks use it)."""

    def __init__(self, ids: Sequence[str], retriever: Any, fingerprint: str, df: dict[str, int] | None = None) -> None:
        self.ids = list(ids)
        self.retriever = retriever
        self.fingerprint = fingerprint
        self.df = df or {}

    def idf(self, token: str) -> float:
        """log((N + 1) / (df + 0.5)) over the indexed chunks: high for rare tokens, 0-ish for common ones;
        a token the corpus never uses gets the highest value."""
        return math.log((len(self.ids) + 1) / (self.df.get(token, 0) + 0.5))

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], fingerprint: str) -> LexicalIndex:
        return cls.from_tokens(ids, [tokenize(t) or ["_"] for t in texts], fingerprint)

    @classmethod
    def from_tokens(cls, ids: Sequence[str], tokens: Sequence[list[str]], fingerprint: str) -> LexicalIndex:
        bm25s = _bm25s()

        retriever = bm25s.BM25()
        if tokens:
            retriever.index(list(tokens), show_progress=False)
        df: dict[str, int] = {}
        for doc in tokens:
            for token in set(doc):
                df[token] = df.get(token, 0) + 1
        return cls(ids, retriever, fingerprint, df)

    def df_without(self, chunks: Sequence[list[str]]) -> tuple[dict[str, int], int]:
        """The document frequencies and the number of chunks as if ``chunks`` (their tokens) were not indexed."""
        gone: dict[str, int] = {}
        for doc in chunks:
            for token in set(doc):
                gone[token] = gone.get(token, 0) + 1
        df = {t: n - gone.get(t, 0) for t, n in self.df.items() if n > gone.get(t, 0)}
        return df, max(len(self.ids) - len(chunks), 0)

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score) pairs with a positive score, best first.

        ``exclude`` names articles (the part of a chunk id before its first ':') to leave out.
        """
        if not self.ids:
            return []
        vocab = self.retriever.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return []
        depth = min(k + (k * 4 if exclude else 0), len(self.ids))
        docs, scores = self.retriever.retrieve([tokens], k=depth, show_progress=False, n_threads=1)
        hits = [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
        if exclude:
            hits = [(cid, s) for cid, s in hits if chunk_article_id(cid) not in exclude]
        return hits[:k]

    def save(self, folder: Path) -> None:
        """Save under ``folder`` in a directory named by the fingerprint, written aside and renamed into place.

        Several processes may share one cache (app replicas on one Chroma server): each writes its own
        temporary directory, so a reader never loads a half-written index.
        """
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / _version_dir(self.fingerprint)
        if final.exists():
            return
        tmp = folder / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.retriever.save(str(tmp), show_progress=False)
        (tmp / "ids.json").write_text(json.dumps({"fingerprint": self.fingerprint, "ids": self.ids, "df": self.df}))
        try:
            tmp.rename(final)
        except OSError:  # another process saved the same version first
            shutil.rmtree(tmp, ignore_errors=True)
        for old in folder.glob("bm25-*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, fingerprint: str) -> LexicalIndex | None:
        """The saved index if it was built from the collection state ``fingerprint``; else None."""
        bm25s = _bm25s()

        version = folder / _version_dir(fingerprint)
        try:
            meta = json.loads((version / "ids.json").read_text())
            if meta.get("fingerprint") != fingerprint:
                return None
            retriever = bm25s.BM25.load(str(version), show_progress=False)
        except (OSError, ValueError, KeyError):
            return None
        if "df" not in meta:
            return None  # saved before document frequencies were kept: rebuild
        return cls(meta["ids"], retriever, fingerprint, meta["df"])


def _bm25s() -> Any:
    import bm25s

    # bm25s sets its logger to DEBUG when imported; with a library that configures the root logger
    # (onnxruntime's quantizer does) every build would print a line to the user.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _version_dir(fingerprint: str) -> str:
    return "bm25-" + hashlib.sha1(fingerprint.encode()).hexdigest()[:16]


def fingerprint(store: Store) -> str:
    """The collection's state: its chunk count and the time of the last finished index run."""
    count, indexed_at = store.state()
    return f"{store.name}|{count}|{indexed_at}|t{TOKENIZER_VERSION}"


def _all_ids(store: Store, page: int = 20000) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        got = store.collection.get(include=[], limit=page, offset=offset)
        ids.extend(got["ids"])
        if len(got["ids"]) < page:
            return ids
        offset += page


def _load_tokens(folder: Path | None) -> dict[str, list[str]]:
    if folder is None:
        return {}
    try:
        data = json.loads((folder / "tokens.json").read_text())
    except (OSError, ValueError):
        return {}
    return data.get("tokens", {}) if data.get("version") == TOKENIZER_VERSION else {}


def article_tokens(store: Store, article_ids: Collection[str]) -> list[list[str]]:
    """The lexical tokens of each chunk of the articles ``article_ids``, as the index holds them."""
    if not article_ids:
        return []
    got = store.collection.get(where={"article_id": {"$in": sorted(article_ids)}}, include=["documents", "metadatas"])
    return [
        tokenize(lexical_text(str(meta.get("article_title", "")), str(meta.get("section", "")), doc or "")) or ["_"]
        for doc, meta in zip(got["documents"], got["metadatas"], strict=True)
    ]


def lexical_index(store: Store, cache: Path | None, progress: Callable[[str], None] | None = None) -> LexicalIndex:
    """The lexical index matching ``store`` now: loaded from ``cache`` when current, else brought up to date.

    Updating is incremental: the tokens of every chunk are kept in the cache, so only chunks written since
    are fetched and tokenized; BM25 statistics are then recomputed over all chunks (a few seconds at 40k).
    """
    fp = fingerprint(store)
    folder = cache / re.sub(r"[^A-Za-z0-9_.-]", "_", store.name) if cache else None
    if folder is not None:
        loaded = LexicalIndex.load(folder, fp)
        if loaded is not None:
            return loaded
    cached = _load_tokens(folder)
    ids = _all_ids(store)
    missing = [cid for cid in ids if cid not in cached]
    if progress and missing:
        progress(f"lexical index: tokenizing {len(missing)} new chunks ({len(ids) - len(missing)} cached)")
    for start in range(0, len(missing), 5000):
        got = store.collection.get(ids=missing[start : start + 5000], include=["documents", "metadatas"])
        for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            text = lexical_text(str(meta.get("article_title", "")), str(meta.get("section", "")), doc or "")
            cached[cid] = tokenize(text) or ["_"]
    tokens = {cid: cached[cid] for cid in ids if cid in cached}
    order = list(tokens)
    index = LexicalIndex.from_tokens(order, [tokens[cid] for cid in order], fp)
    if folder is not None:
        with contextlib.suppress(OSError):  # a read-only home costs a rebuild next start, nothing more
            index.save(folder)
            tmp = folder / f"tokens.json.{os.getpid()}.tmp"
            tmp.write_text(json.dumps({"version": TOKENIZER_VERSION, "tokens": tokens}))
            tmp.replace(folder / "tokens.json")
    return index


class LiveLexical:
    """A lexical index that follows its collection while the app runs.

    Other processes may change the collection (``clinqa index`` against a shared Chroma server). Before a
    search, at most every ``check_every`` seconds, the collection's state is read; when an index run has
    finished since, the lexical index is brought up to date at once, and while chunks are still being written,
    at most every ``rebuild_gap`` seconds, so a long build elsewhere does not keep this process re-tokenizing.
    """

    def __init__(
        self,
        store: Store,
        cache: Path | None,
        *,
        check_every: float = 2.0,
        rebuild_gap: float = 60.0,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.cache = cache
        self.check_every = check_every
        self.rebuild_gap = rebuild_gap
        self.progress = progress
        self._lock = threading.Lock()
        self.index = lexical_index(store, cache, progress)
        self.rebuilds = 0
        self._checked = self._built = time.monotonic()

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[tuple[str, float]]:
        self.refresh()
        return self.index.search(query, k, exclude)

    def idf(self, token: str) -> float:
        return self.index.idf(token)

    @property
    def df(self) -> dict[str, int]:
        return self.index.df

    def refresh(self, force: bool = False) -> bool:
        """Bring the index up to date if the collection changed (see the class docstring); True if rebuilt."""
        now = time.monotonic()
        if not force and now - self._checked < self.check_every:
            return False
        with self._lock:
            self._checked = now
            current = fingerprint(self.store)
            if current == self.index.fingerprint:
                return False
            finished = current.split("|")[2] != self.index.fingerprint.split("|")[2]
            if not (force or finished or now - self._built >= self.rebuild_gap):
                return False
            self.index = lexical_index(self.store, self.cache, self.progress)
            self._built = time.monotonic()
            self.rebuilds += 1
            return True
