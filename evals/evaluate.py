"""One evaluation run, as `clinqa eval` starts it: load gold cases, run the systems, write the report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.engine import open_assistant
from assistant.features import CANDIDATE_FEATURES, TURN_FEATURES
from evals.gold import SEED_GOLD, GoldCase, case_json, in_split, load_gold, split_of
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
            out.mkdir(parents=True, exist_ok=True)
            with (out / "medquad-gold.jsonl").open("w", encoding="utf-8") as f:
                for case in sampled:
                    f.write(json.dumps(case_json(case), ensure_ascii=False) + "\n")
        cases += sampled
    return cases


@dataclass(frozen=True)
class Split:
    """Which part of each gold set a run evaluates: 'all', or the 'fit' or 'report' part (see gold.split_of)."""

    part: str = "all"
    seed: int = 1
    fit_share: float = 0.5

    def of(self, part_key: str) -> str:
        return split_of(part_key, self.seed, self.fit_share)


def evaluate(
    settings: Settings,
    cases: Sequence[GoldCase],
    out: Path,
    *,
    baseline: bool = False,
    dense_only: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    split: Split | None = None,
    features: Path | None = None,
) -> EvalRun:
    """Run ``cases`` through clinqa (and the baseline) on the index ``settings`` names; write the report.

    ``split`` keeps one part of each gold set (the report then shows each part); ``features`` names a JSONL
    file for the features and gold labels of every clinqa turn, which `clinqa fit` learns from.
    """
    started = time.perf_counter()
    split = split or Split()
    cases = in_split(cases, split.part, split.seed, split.fit_share)
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
    turns = run_cases(cases, systems, progress, split.of)
    summaries = {s.name: summarize([t for t in turns if t.system == s.name]) for s in systems}
    sets = sorted({t.set for t in turns})
    by_set: dict[str, dict[str, float]] = {}
    for name in sets:
        parts = sorted({t.split for t in turns if t.set == name}) if split.part == "all" else []
        for system in systems:
            mine = [t for t in turns if t.set == name and t.system == system.name]
            if len(sets) > 1:
                by_set[f"{name} / {system.name}"] = summarize(mine)
            for part in parts:
                by_set[f"{name} [{part} part] / {system.name}"] = summarize([t for t in mine if t.split == part])
    if features is not None:
        features.parent.mkdir(parents=True, exist_ok=True)
        with features.open("w", encoding="utf-8") as f:
            f.write(json.dumps({"candidate_features": list(CANDIDATE_FEATURES), "turn_features": list(TURN_FEATURES)}))
            f.write("\n")
            for t in turns:
                if t.features is not None:
                    f.write(json.dumps(t.features) + "\n")
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
        "fitted model": model_note(assistant),
        "split": f"{split.part} (seed {split.seed}, fit share {split.fit_share})",
        "seconds": round(time.perf_counter() - started, 1),
    }
    paths = write_report(out, turns, summaries, curves, config, by_set)
    return EvalRun(turns, summaries, curves, config, paths, by_set)


def model_note(assistant: Any) -> str:
    """What the answer model in use was fitted on, in one line."""
    provenance = assistant.model.provenance if assistant.model is not None else {}
    if not provenance:
        return "not fitted"
    return f"fitted {provenance.get('fitted_at', '?')} on {provenance.get('fitted_on', '?')}"
