"""clinqa's benchmark, one command (`clinqa bench`): results as JSON and Markdown.

Stages (``--stages``, all by default):

build    A fresh index of the corpus (or a seeded sample of ``--build-articles`` files) per embedding backend:
         wall time, chunks/s, and the ratio to embedding the same chunk texts alone, in the same run; then
         a re-run of `clinqa index` with nothing changed.
recall   Chroma's approximate (HNSW) search against exact search over the same vectors, recall@10, for
         question vectors, at each index size.
latency  Per stage (embed, dense, lexical, fuse, compose) and end to end, median and p95, at each size in
         ``--sizes``, each measured in its own process with its peak resident memory. Sizes below the real
         index are real subsets of it; sizes above it are grown synthetically (see ``sized_store``).
startup  On the real index: a cold `clinqa ask` to its answer; `clinqa serve` to a served page and to the first
         answer through the web API; the server's resident memory.
pdf      The PDFs of ``--pdfs`` (a folder; by default the corpus's own PDFs): each parsed alone (pages/s), then the
         whole ingest of them into a fresh store (read, chunk, embed, write, BM25), wall time.

The real index is the one the settings name (run `clinqa index` on the corpus first).
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from corpus.loader import discover, read_article, read_bytes
from index.builder import build_index, embeddings_for, open_store
from index.chunker import chunk_article, unit_embed_text
from index.embeddings import embed_matrix, torch_precision
from index.lexical import lexical_index
from index.settings import Settings
from index.store import Store

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("build", "recall", "latency", "startup", "pdf")
EMBED_BATCH = 128  # what build_index hands the model at a time
RECALL_K = 10
SYNTHETIC_NOISE = 0.02  # per dimension, before renormalising: copies sit at cosine ~0.93 from their original

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    settings: Settings
    out: Path
    medquad: Path | None = None
    sizes: tuple[int, ...] = (5000, 40000, 100000)
    queries: int = 100
    seed: int = 7
    build_articles: int | None = None
    backends: tuple[str, ...] = ("torch",)
    stages: tuple[str, ...] = STAGES
    pdfs: Path | None = None

    @property
    def work(self) -> Path:
        return self.settings.home / "bench"


def machine() -> dict[str, Any]:
    """What the figures were taken on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    versions = {}
    for package in ("torch", "chromadb", "onnxruntime", "sentence_transformers", "bm25s", "gradio"):
        try:
            versions[package] = __import__(package).__version__
        except Exception:
            versions[package] = "not installed"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_at_start": load,
        "versions": versions,
    }


def bench_questions(options: BenchOptions) -> list[str]:
    """A seeded sample of MedQuAD questions, or the seed gold questions when no MedQuAD folder is given."""
    rng = random.Random(options.seed)
    if options.medquad is not None:
        from evals.sampling import MedQuAD

        questions = [q["question"] for q in MedQuAD(options.medquad).questions]
    else:
        from evals.gold import SEED_GOLD, load_gold

        questions = [turn.question for case in load_gold([SEED_GOLD]) for turn in case.turns]
    return rng.sample(questions, min(options.queries, len(questions)))


# -- build ---------------------------------------------------------------------------------------


def sample_corpus(settings: Settings, articles: int | None, seed: int, folder: Path) -> tuple[Path, ...]:
    """The corpus folders, or a folder of links to a seeded sample of ``articles`` of their files."""
    if articles is None:
        return settings.corpus
    found, _ = discover(settings.corpus)
    picked = sorted(random.Random(seed).sample(found, min(articles, len(found))))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for _, path in picked:
        (folder / path.name).symlink_to(path.resolve())
    return (folder,)


def chunk_texts(corpus: Sequence[Path]) -> tuple[list[str], list[str]]:
    """The texts that indexing ``corpus`` embeds: the chunks', and their units' (statements')."""
    texts: list[str] = []
    units: list[str] = []
    found, _ = discover(corpus)
    for article_id, path in found:
        try:
            article = read_article(article_id, path, read_bytes(path))
        except Exception:
            continue
        for chunk in chunk_article(article):
            texts.append(chunk.embed_text(article.title))
            units.extend(unit_embed_text(u) for u in chunk.units)
    return texts, units


def clinqa_command(settings: Settings, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    """Run the clinqa command line against ``settings``' index; (wall seconds, result)."""
    command = [sys.executable, "-m", "ui.cli", *args, "--home", str(settings.home)]
    command += ["--embed-backend", settings.embed_backend, "--embed-model", settings.embed_model]
    if settings.store is not None:
        command += ["--store", str(settings.store)]
    if args and args[0] == "index":
        for folder in settings.corpus:
            command += ["--corpus", str(folder)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    return time.perf_counter() - started, result


def bench_build(options: BenchOptions, backend: str, progress: Progress) -> dict[str, Any]:
    work = options.work / f"build-{backend}"
    shutil.rmtree(work, ignore_errors=True)
    corpus = sample_corpus(options.settings, options.build_articles, options.seed, options.work / "build-corpus")
    settings = replace(options.settings, home=work, store=None, chroma_url=None, embed_backend=backend, corpus=corpus)
    t0 = time.perf_counter()
    embeddings = embeddings_for(settings)
    embeddings.embed_documents(["warm up the model"])
    load_s = time.perf_counter() - t0

    progress(f"bench build [{backend}]: indexing {', '.join(map(str, corpus))} into a fresh store")
    store = open_store(settings)
    summary = build_index(corpus, store, embeddings, progress=progress)
    t0 = time.perf_counter()
    lexical_index(store, settings.lexical_dir)
    lexical_s = time.perf_counter() - t0
    build_s = summary.seconds + lexical_s

    texts, units = chunk_texts(corpus)
    progress(f"bench build [{backend}]: embedding the same {len(texts)} chunk and {len(units)} statement texts alone")
    t0 = time.perf_counter()
    for start in range(0, len(texts), EMBED_BATCH):
        embed_matrix(embeddings, texts[start : start + EMBED_BATCH])
    chunks_only_s = time.perf_counter() - t0
    for start in range(0, len(units), EMBED_BATCH * 4):
        embed_matrix(embeddings, units[start : start + EMBED_BATCH * 4])
    embed_only_s = time.perf_counter() - t0

    progress(f"bench build [{backend}]: `clinqa index` again with nothing changed")
    noop_s, noop = clinqa_command(settings, "index")
    if noop.returncode != 0:
        raise RuntimeError(f"clinqa index failed: {noop.stderr.strip().splitlines()[-1:]}")
    return {
        "backend": backend,
        "precision": torch_precision(settings.embed_precision) if backend == "torch" else "int8",
        "corpus": "all articles" if options.build_articles is None else f"seeded sample of {options.build_articles}",
        "articles": summary.indexed,
        "skipped": len(summary.skipped),
        "chunks": summary.chunks_written,
        "statements": len(units),
        "model_load_s": round(load_s, 1),
        "build_s": round(build_s, 1),
        "lexical_s": round(lexical_s, 1),
        "embed_in_build_s": round(summary.embed_seconds, 1),
        "chunks_per_s": round(summary.chunks_written / build_s, 1) if build_s else 0.0,
        "embed_only_s": round(embed_only_s, 1),
        "embed_chunks_only_s": round(chunks_only_s, 1),
        "embed_only_chunks_per_s": round(len(texts) / embed_only_s, 1) if embed_only_s else 0.0,
        "build_to_embed_ratio": round(build_s / embed_only_s, 3) if embed_only_s else None,
        "noop_rerun_s": round(noop_s, 2),
        "noop_summary": noop.stdout.strip().splitlines()[-1] if noop.stdout.strip() else "",
        "home": str(work),
    }


# -- PDFs --------------------------------------------------------------------------------------------


def bench_pdf(options: BenchOptions, progress: Progress) -> dict[str, Any]:
    """Parse speed of each PDF, and the ingest time of all of them into a fresh store."""
    folders = (options.pdfs,) if options.pdfs is not None else options.settings.corpus
    found, _ = discover(folders)
    pdfs = [(article_id, path) for article_id, path in found if path.suffix.lower() == ".pdf"]
    if not pdfs:
        return {"files": [], "note": "no PDF in " + ", ".join(map(str, folders))}
    rows: list[dict[str, Any]] = []
    for article_id, path in pdfs:
        progress(f"bench pdf: parsing {path.name}")
        data = read_bytes(path)
        t0 = time.perf_counter()
        article = read_article(article_id, path, data)
        seconds = time.perf_counter() - t0
        pages = int(article.metadata.get("pages", "0"))
        rows.append(
            {
                "file": path.name,
                "mb": round(len(data) / 1e6, 1),
                "pages": pages,
                "parse_s": round(seconds, 2),
                "pages_per_s": round(pages / seconds, 1) if seconds else None,
                "blocks": sum(len(s.blocks) for s in article.sections),
                "references": len(article.references),
                "recommendations": sum(b.kind == "recommendation" for s in article.sections for b in s.blocks),
            }
        )
    work = options.work / "pdf"
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    for _, path in pdfs:
        (corpus / path.name).symlink_to(path.resolve())
    settings = replace(options.settings, home=work / "home", store=None, chroma_url=None, corpus=(corpus,))
    embeddings = embeddings_for(settings)
    embeddings.embed_documents(["warm up the model"])
    progress(f"bench pdf: indexing {len(pdfs)} PDF(s) into a fresh store")
    t0 = time.perf_counter()
    store = open_store(settings)
    summary = build_index((corpus,), store, embeddings, progress=progress)
    lexical_index(store, settings.lexical_dir)
    ingest_s = time.perf_counter() - t0
    pages = sum(int(r["pages"]) for r in rows)
    parse_s = sum(float(r["parse_s"]) for r in rows)
    return {
        "files": rows,
        "pages": pages,
        "parse_s": round(parse_s, 1),
        "pages_per_s": round(pages / parse_s, 1) if parse_s else None,
        "ingest_s": round(ingest_s, 1),
        "chunks": summary.chunks_written,
        "embed_s": round(summary.embed_seconds, 1),
    }


# -- index sizes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sized:
    label: str
    chunks: int
    kind: str  # "real", "real subset", "real + synthetic"
    settings: Settings


def _pages(store: Store, include: list[str], page: int = 5000):  # type: ignore[no-untyped-def]
    offset = 0
    while True:
        got = store.collection.get(include=include, limit=page, offset=offset)
        if not got["ids"]:
            return
        yield got
        if len(got["ids"]) < page:
            return
        offset += page


def _label(chunks: int) -> str:
    return f"{round(chunks / 1000)}k" if chunks >= 1000 else str(chunks)


def sized_store(source: Store, real: Settings, n: int, work: Path, seed: int, progress: Progress) -> Sized:
    """An index of about ``n`` chunks made from the real one, without embedding anything again.

    Every size is a fresh collection made the way clinqa makes one today (its HNSW settings), so that an
    index built before a change of settings is measured as a new build would be. Near the real size: a copy
    of the whole real index. Below: whole articles of the real index (a seeded sample) with their vectors.
    Above it: the whole real index plus synthetic copies of its chunks: same text and metadata under a new
    article id, the vector moved by Gaussian noise and renormalised (cosine ~0.93 to its original), so
    lexical and dense search both see more, similar, competing chunks.
    """
    total = source.count()
    whole = abs(n - total) <= 0.25 * total
    if whole:
        n = total
    settings = replace(real, home=work / f"size-{n}", store=None, chroma_url=None)
    target = open_store(settings)
    if target.count():
        kind = "real" if whole else "real subset" if n < total else "real + synthetic"
        return Sized(_label(n), target.count(), kind, settings)
    progress(f"bench: making a {n}-chunk index from the real one ({total} chunks)")
    rng = np.random.default_rng(seed)
    if whole:
        for got in _pages(source, ["embeddings", "documents", "metadatas"]):
            target.collection.upsert(
                ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"]
            )
        kind = "real"
    elif n < total:
        counts: dict[str, int] = {}
        for got in _pages(source, []):
            for cid in got["ids"]:
                aid = cid.rsplit(":", 2)[0]
                counts[aid] = counts.get(aid, 0) + 1
        order = list(counts)
        random.Random(seed).shuffle(order)
        keep: set[str] = set()
        running = 0
        for aid in order:
            if running >= n:
                break
            if running and running + counts[aid] > n:
                continue  # whole articles only, never past the size asked for
            keep.add(aid)
            running += counts[aid]
        for got in _pages(source, ["embeddings", "documents", "metadatas"]):
            rows = [i for i, cid in enumerate(got["ids"]) if cid.rsplit(":", 2)[0] in keep]
            if rows:
                target.collection.upsert(
                    ids=[got["ids"][i] for i in rows],
                    embeddings=np.asarray(got["embeddings"])[rows],
                    documents=[got["documents"][i] for i in rows],
                    metadatas=[got["metadatas"][i] for i in rows],
                )
        kind = "real subset"
    else:
        copies = 0
        while target.count() < n:
            for got in _pages(source, ["embeddings", "documents", "metadatas"]):
                room = n - target.count()
                if room <= 0:
                    break
                take = min(room, len(got["ids"]))
                vectors = np.asarray(got["embeddings"][:take], dtype=np.float32)
                metas = [dict(m) for m in got["metadatas"][:take]]
                ids = list(got["ids"][:take])
                if copies:
                    vectors = vectors + rng.normal(0, SYNTHETIC_NOISE, vectors.shape).astype(np.float32)
                    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                    for i, (cid, meta) in enumerate(zip(ids, metas, strict=True)):
                        aid, pos, digest = cid.rsplit(":", 2)
                        meta["article_id"] = f"{aid}~s{copies}"
                        ids[i] = f"{aid}~s{copies}:{pos}:{digest}"
                target.collection.upsert(
                    ids=ids, embeddings=vectors, documents=list(got["documents"][:take]), metadatas=metas
                )
            copies += 1
        kind = "real + synthetic"
    target.touch()
    return Sized(_label(n), target.count(), kind, settings)


# -- recall ------------------------------------------------------------------------------------------


def bench_recall(sized: Sized, queries: np.ndarray) -> dict[str, Any]:
    """recall@10 of Chroma's HNSW search against exact cosine search over the same stored vectors."""
    store = open_store(sized.settings)
    ids: list[str] = []
    parts: list[np.ndarray] = []
    for got in _pages(store, ["embeddings"], page=10000):
        ids.extend(got["ids"])
        parts.append(np.asarray(got["embeddings"], dtype=np.float32))
    matrix = np.concatenate(parts)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    exact = np.argsort(-(queries @ matrix.T), axis=1)[:, :RECALL_K]
    t0 = time.perf_counter()
    approx = store.collection.query(query_embeddings=queries, n_results=RECALL_K, include=[])["ids"]
    approx_ms = (time.perf_counter() - t0) * 1000 / len(queries)
    overlaps = [len({ids[j] for j in row} & set(found)) / RECALL_K for row, found in zip(exact, approx, strict=True)]
    hnsw = (store.collection.configuration or {}).get("hnsw") or {}
    return {
        "size": sized.label,
        "chunks": len(ids),
        "kind": sized.kind,
        "queries": len(queries),
        f"recall@{RECALL_K}": round(float(np.mean(overlaps)), 4),
        "worst_query": round(float(np.min(overlaps)), 2),
        "ann_ms_per_query": round(approx_ms, 2),
        "hnsw": {k: hnsw.get(k) for k in ("space", "ef_search", "ef_construction", "max_neighbors")},
    }


# -- latency -------------------------------------------------------------------------------------------


def bench_latency(sized: Sized, questions_file: Path, progress: Progress) -> dict[str, Any]:
    store = open_store(sized.settings)
    t0 = time.perf_counter()
    lexical_index(store, sized.settings.lexical_dir)
    lexical_s = time.perf_counter() - t0
    progress(f"bench latency: {sized.label} ({sized.chunks} chunks, {sized.kind}) in a fresh process")
    command = [sys.executable, "-m", "benchmarks.latency", "--questions", str(questions_file)]
    command += ["--home", str(sized.settings.home), "--embed-backend", sized.settings.embed_backend]
    if sized.settings.store is not None:
        command += ["--store", str(sized.settings.store)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f"latency worker failed: {result.stderr.strip()[-500:]}")
    measured = json.loads(result.stdout)
    return {
        "size": sized.label,
        "chunks": sized.chunks,
        "kind": sized.kind,
        "lexical_build_s": round(lexical_s, 1),
        **measured,
    }


# -- start-up ------------------------------------------------------------------------------------------


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of process ``pid`` in MB from /proc (``VmHWM`` for its peak); 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def wait_for_page(url: str, proc: subprocess.Popen, started: float, timeout_s: float) -> None:
    """Return once ``url`` serves a page; RuntimeError if ``proc`` exits or ``timeout_s`` passes first."""
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"clinqa serve exited with status {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.perf_counter() - started > timeout_s:
                raise RuntimeError(f"the page was not served within {timeout_s:.0f} s") from None
            time.sleep(0.1)


def bench_startup(settings: Settings, question: str, progress: Progress) -> dict[str, Any]:
    import socket

    progress("bench startup: `clinqa ask` from a cold process (twice; the second with the files in the page cache)")
    asks = []
    for _ in range(2):
        seconds, result = clinqa_command(settings, "ask", question)
        if result.returncode != 0:
            raise RuntimeError(f"clinqa ask failed: {result.stderr.strip()[-300:]}")
        asks.append(round(seconds, 1))

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "ui.cli", "serve", "--port", str(port), "--home", str(settings.home)]
    command += ["--embed-backend", settings.embed_backend]
    if settings.store is not None:
        command += ["--store", str(settings.store)]
    progress("bench startup: `clinqa serve` to a served page and a first answer")
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_page(url, proc, started, 600)
        page_s = time.perf_counter() - started
        from gradio_client import Client

        client = Client(url, verbose=False, download_files=False)
        client.predict(question, [], "Brief", api_name="/ask")
        first_s = time.perf_counter() - started
        t0 = time.perf_counter()
        client.predict(question, [], "Brief", api_name="/ask")
        later_ms = (time.perf_counter() - t0) * 1000
        rss = rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {
        "ask_cold_s": asks,
        "serve_page_s": round(page_s, 1),
        "serve_first_answer_s": round(first_s, 1),
        "serve_later_answer_ms": round(later_ms),
        "serve_rss_mb": rss,
    }


# -- the whole run -----------------------------------------------------------------------------------


def run(options: BenchOptions, progress: Progress) -> dict[str, Any]:
    """Run the chosen stages; write bench.json and bench.md into ``options.out``; return the results."""
    options.out.mkdir(parents=True, exist_ok=True)
    options.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "settings": {}, "build": [], "recall": [], "latency": []}

    results["settings"] = {
        "index": str(options.settings.store_dir if not options.settings.chroma_url else options.settings.chroma_url),
        "embedding": f"{options.settings.embed_model} ({options.settings.embed_backend})",
        "corpus": [str(p) for p in options.settings.corpus],
        "queries": options.queries,
        "question source": "MedQuAD" if options.medquad else "seed gold",
        "seed": options.seed,
    }
    started = time.perf_counter()
    if "pdf" in options.stages:
        results["pdf"] = bench_pdf(options, progress)
        _write(options.out, results)
    if "build" in options.stages:
        for backend in options.backends:
            results["build"].append(bench_build(options, backend, progress))
            _write(options.out, results)

    questions = bench_questions(options)
    needs_index = {"recall", "latency", "startup"} & set(options.stages)
    if needs_index:
        real = open_store(options.settings, create=False)
        if real.count() == 0:
            raise RuntimeError("the index is empty: run `clinqa index` on the corpus first")
        sizes = [sized_store(real, options.settings, n, options.work, options.seed, progress) for n in options.sizes]
        questions_file = options.work / "questions.json"
        questions_file.write_text(json.dumps(questions))
        if "recall" in options.stages:
            embeddings = embeddings_for(options.settings, questions=True)
            vectors = np.asarray(embeddings.embed_documents(questions), dtype=np.float32)
            for sized in sizes:
                progress(f"bench recall: {sized.label} ({sized.chunks} chunks)")
                results["recall"].append(bench_recall(sized, vectors))
                _write(options.out, results)
        if "latency" in options.stages:
            for sized in sizes:
                results["latency"].append(bench_latency(sized, questions_file, progress))
                _write(options.out, results)
        if "startup" in options.stages:
            results["startup"] = bench_startup(options.settings, questions[0], progress)
    results["seconds"] = round(time.perf_counter() - started, 1)
    _write(options.out, results)
    return results


def _write(out: Path, results: dict[str, Any]) -> None:
    (out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "bench.md").write_text(markdown(results))


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> list[str]:
    lines = ["| " + " | ".join(title for _, title in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(key, "")) for key, _ in columns) + " |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# clinqa benchmark",
        "",
        f"Taken {m['date']} on {m['cpu'] or 'an unknown CPU'}, {m['cores']} cores, {m['memory_gib']} GiB, "
        f"Python {m['python']}; load average at start {m['load_at_start']}. "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + ".",
        "",
        "Settings: " + "; ".join(f"{k}: {v}" for k, v in results.get("settings", {}).items()) + ".",
        "",
    ]
    if results.get("build"):
        lines += ["## Index build", ""]
        lines += _table(
            results["build"],
            [
                ("backend", "backend"),
                ("precision", "precision"),
                ("corpus", "corpus"),
                ("chunks", "chunks"),
                ("statements", "statements"),
                ("build_s", "build s"),
                ("chunks_per_s", "chunks/s"),
                ("embed_chunks_only_s", "chunks alone s"),
                ("embed_only_s", "chunks + statements alone s"),
                ("build_to_embed_ratio", "build / embedding"),
                ("lexical_s", "of which lexical s"),
                ("noop_rerun_s", "no-op re-run s"),
            ],
        )
        lines += [
            "",
            "Build = read, chunk, embed chunks and their statements, write to Chroma, BM25; the no-op re-run "
            "is a whole `clinqa index`.",
            "",
        ]
    if results.get("recall"):
        lines += ["## Approximate vs exact search", ""]
        lines += _table(
            results["recall"],
            [("size", "size"), ("chunks", "chunks"), ("kind", "kind"), (f"recall@{RECALL_K}", f"recall@{RECALL_K}"),
             ("worst_query", "worst query"), ("ann_ms_per_query", "ANN ms/query"), ("hnsw", "HNSW")],
        )  # fmt: skip
        lines.append("")
    if results.get("latency"):
        lines += ["## Query latency (ms, median / p95) and memory", ""]
        rows = []
        for r in results["latency"]:
            row = {k: r[k] for k in ("size", "chunks", "kind")}
            for stage in ("embed", "dense", "lexical", "fuse", "compose", "total"):
                s = r["stages_ms"].get(stage, {})
                row[stage] = f"{s.get('median', '')} / {s.get('p95', '')}"
            row["rss"] = r["peak_rss_mb"]
            row["ready"] = r["ready_s"]
            rows.append(row)
        lines += _table(
            rows,
            [("size", "size"), ("chunks", "chunks"), ("kind", "kind"), ("embed", "embed"), ("dense", "dense"),
             ("lexical", "lexical"), ("fuse", "fuse"), ("compose", "compose"), ("total", "end to end"),
             ("rss", "peak RSS MB"), ("ready", "ready s")],
        )  # fmt: skip
        lines += [
            "",
            "Each size in its own process: one fresh conversation per question; 'ready' is opening the store, "
            "loading the model and the saved lexical index. Synthetic chunks are copies of real ones with "
            "their vectors moved by noise (see benchmarks/run.py).",
            "",
        ]
    if results.get("startup"):
        s = results["startup"]
        lines += [
            "## Start-up on the real index",
            "",
            f"- `clinqa ask`, cold process to answer: {s['ask_cold_s'][0]} s, then {s['ask_cold_s'][1]} s.",
            f"- `clinqa serve`: page served after {s['serve_page_s']} s, first answer through the web API after "
            f"{s['serve_first_answer_s']} s, a later answer {s['serve_later_answer_ms']} ms; "
            f"server RSS {s['serve_rss_mb']} MB.",
            "",
        ]
    if results.get("pdf", {}).get("files"):
        p = results["pdf"]
        lines += ["## PDF guidelines", ""]
        lines += _table(
            p["files"],
            [("file", "file"), ("mb", "MB"), ("pages", "pages"), ("parse_s", "parse s"), ("pages_per_s", "pages/s"),
             ("blocks", "blocks"), ("recommendations", "recommendations"), ("references", "references")],
        )  # fmt: skip
        lines += [
            "",
            f"All {p['pages']} pages parsed at {p['pages_per_s']} pages/s; the whole ingest (parse, chunk, embed "
            f"{p['chunks']} chunks and their statements, write, BM25) took {p['ingest_s']} s, "
            f"of which embedding {p['embed_s']} s.",
            "",
        ]
    elif results.get("pdf"):
        lines += ["## PDF guidelines", "", results["pdf"]["note"], ""]
    if "seconds" in results:
        lines.append(f"Benchmark run time: {results['seconds']} s.")
    return "\n".join(lines) + "\n"
