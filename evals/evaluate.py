"""One evaluation run, as `clinqa eval` starts it: load gold cases, run the systems, write the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.engine import open_assistant
from evals.gold import SEED_GOLD, GoldCase, case_json, load_gold
from evals.report import write_report
from evals.runner import TurnResult, coverage_risk, run_cases, summarize
from evals.sampling import MedQuAD
from evals.systems import BaselineSystem, ClinqaSystem
from index.embeddings import model_slug
from index.settings import Settings


@dataclass
class EvalRun:
    turns: list[TurnResult]
    summaries: dict[str, dict[str, float]]
    curves: dict[str, list[dict[str, float]]]
    config: dict[str, Any]
    paths: dict[str, Path]
    by_set: dict[str, dict[str, float]]


def gather_cases(
    gold: Sequence[Path], medquad: Path | None, sizes: tuple[int, int, int], seed: int, out: Path | None
) -> list[GoldCase]:
    """The cases of the gold files (the seed set when none is given) and, with ``medquad``, a sample."""
    cases = load_gold(gold or ([SEED_GOLD] if medquad is None else []))
    if medquad is not None:
        sampled = MedQuAD(medquad).cases(*sizes, seed=seed)
        if out is not None:
            import json

            out.mkdir(parents=True, exist_ok=True)
            with (out / "medquad-gold.jsonl").open("w", encoding="utf-8") as f:
                for case in sampled:
                    f.write(json.dumps(case_json(case), ensure_ascii=False) + "\n")
        cases += sampled
    return cases


def evaluate(
    settings: Settings,
    cases: Sequence[GoldCase],
    out: Path,
    *,
    baseline: bool = False,
    dense_only: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> EvalRun:
    """Run ``cases`` through clinqa (and the baseline) on the index ``settings`` names; write the report."""
    started = time.perf_counter()
    assistant = open_assistant(settings, progress)
    systems: list[Any] = [ClinqaSystem(assistant)]
    if dense_only:
        systems.append(ClinqaSystem(assistant, dense_only=True))
    if baseline:
        progress("eval: preparing the baseline index (RecursiveCharacterTextSplitter 1000/200, k=4)")
        systems.append(
            BaselineSystem.build(
                list(settings.corpus),
                assistant.store.client,
                assistant.embeddings,
                model_slug(settings.embed_model, settings.embed_backend),
                progress,
            )
        )
    turns = run_cases(cases, systems, progress)
    summaries = {s.name: summarize([t for t in turns if t.system == s.name]) for s in systems}
    sets = sorted({t.set for t in turns})
    by_set = (
        {
            f"{name} / {system.name}": summarize([t for t in turns if t.set == name and t.system == system.name])
            for name in sets
            for system in systems
        }
        if len(sets) > 1
        else {}
    )
    curves = {s.name: coverage_risk([t for t in turns if t.system == s.name]) for s in systems}
    info = assistant.store.summary()
    config = {
        "cases": len(cases),
        "sets": ", ".join(sorted({c.set or "unnamed" for c in cases})),
        "index": info["collection"],
        "indexed articles": info["articles"],
        "indexed chunks": info["chunks"],
        "indexed at": info["indexed_at"],
        "corpus": ", ".join(str(p) for p in settings.corpus),
        "embedding model": f"{settings.embed_model} ({settings.embed_backend})",
        "store": settings.chroma_url or str(settings.store_dir),
        "answer engine": f"language model {settings.llm}, verified" if settings.llm else "extractive (offline)",
        "seconds": round(time.perf_counter() - started, 1),
    }
    paths = write_report(out, turns, summaries, curves, config, by_set)
    return EvalRun(turns, summaries, curves, config, paths, by_set)
