"""Running gold cases through the systems and scoring every turn; aggregating the scores.

Each answerable turn is scored for retrieval (article and section level), the answer (key facts, token
F1, ROUGE-L) and its citations; each unanswerable turn for whether it was declined. A follow-up turn that
carries its standalone form is also asked that way in a fresh conversation and scored beside it.
A turn fails when it should have been declined and was not, was declined but answerable, missed a key
fact, stated a number its source does not give, or (retrieval cases) found no gold article in the top 5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.gold import GoldCase, GoldTurn
from evals.metrics import (
    key_fact_recall,
    mean,
    ndcg_at_k,
    normalize,
    percentile,
    recall_at_k,
    reciprocal_rank,
    rouge_l,
    token_f1,
    unsupported_numbers,
)
from evals.systems import System, SystemTurn

KS = (1, 3, 5, 10)
# Scored on every answerable turn: a declined answerable turn scores 0.
ANSWERABLE_METRICS = ("key_fact_recall", "lead_key_fact", "gold_article_cited", "gold_page_cited")
# Scored on answered turns only: a decline has no answer to score.
ANSWER_METRICS = (
    "key_fact_recall_answered",
    "gold_article_cited_answered",
    "token_f1",
    "rouge_l",
    "citation_precision",
    "citation_recall",
    "correct_source_rate",
    "reference_hit",
)


@dataclass
class TurnResult:
    case_id: str
    set: str
    kind: str
    turn: int
    question: str
    answerable: bool
    system: str
    standalone: str
    abstained: bool
    reason: str
    answer: str
    citations: list[dict[str, Any]]
    scores: dict[str, float]
    unsupported: list[str]
    missed: list[str]
    failures: list[str] = field(default_factory=list)
    standalone_scores: dict[str, float] | None = None
    features: dict[str, Any] | None = None  # what `clinqa fit` learns from (clinqa turns only)
    split: str = "all"  # the case's part of its gold set: fit, report, or all when not split

    @property
    def failed(self) -> bool:
        return bool(self.failures)


def score_turn(gold: GoldTurn, said: SystemTurn) -> tuple[dict[str, float], list[str], list[str]]:
    """The scores of one answerable turn, the unsupported numbers and the missed facts."""
    scores: dict[str, float] = {}
    articles = list(dict.fromkeys(a for a, _ in said.ranked))
    pairs = list(dict.fromkeys(f"{a}|{s}" for a, sections in said.ranked for s in sections))
    gold_pairs = {f"{a}|{s}" for a in gold.articles for s in gold.sections}
    for k in KS:
        scores[f"article_recall@{k}"] = recall_at_k(articles, gold.articles, k)
        if gold.sections:
            scores[f"section_recall@{k}"] = recall_at_k(pairs, gold_pairs, k)
    scores["article_rr"] = reciprocal_rank(articles, gold.articles)
    scores["article_ndcg@10"] = ndcg_at_k(articles, gold.articles, 10)
    missed: list[str] = []
    unsupported: list[str] = []
    if said.abstained:
        # A decline of an answerable question answers nothing: it scores 0, never "not counted".
        if gold.key_facts:
            scores["key_fact_recall"] = scores["lead_key_fact"] = 0.0
            missed = [" / ".join(f) for f in gold.key_facts]
        scores["gold_article_cited"] = 0.0
        if gold.pages:
            scores["gold_page_cited"] = 0.0
        return scores, unsupported, missed
    text = said.answer_text
    if gold.key_facts:
        scores["key_fact_recall"] = scores["key_fact_recall_answered"] = key_fact_recall(text, gold.key_facts)
        missed = [" / ".join(f) for f in gold.key_facts if key_fact_recall(text, [f]) == 0]
        # The answer's first statement is what a reader takes as the answer: does it carry a key fact?
        lead = said.statements[0][0] if said.statements else text
        scores["lead_key_fact"] = 1.0 if key_fact_recall(lead, gold.key_facts) > 0 else 0.0
    cited_gold = 1.0 if any(s.article_id in gold.articles for s in said.sources) else 0.0
    scores["gold_article_cited"] = scores["gold_article_cited_answered"] = cited_gold
    if gold.pages:
        pages = {p for c in said.citations if c.get("article") in gold.articles for p in c.get("pages") or ()}
        scores["gold_page_cited"] = 1.0 if pages & set(gold.pages) else 0.0
    if gold.answer:
        scores["token_f1"] = token_f1(text, gold.answer)
        scores["rouge_l"] = rouge_l(text, gold.answer)
    pairs_total = pairs_valid = statements_valid = 0
    for statement, cited in said.statements:
        sources = [said.sources[i] for i in cited if 0 <= i < len(said.sources)]
        valid = [s for s in sources if statement in s.text]
        pairs_total += len(cited)
        pairs_valid += len(valid)
        statements_valid += 1 if valid else 0
        unsupported.extend(unsupported_numbers(statement, [s.text for s in sources]))
    if said.statements:
        scores["citation_precision"] = pairs_valid / pairs_total if pairs_total else 0.0
        scores["citation_recall"] = statements_valid / len(said.statements)
    if said.sources:
        scores["correct_source_rate"] = sum(1 for s in said.sources if s.article_id in gold.articles) / len(
            said.sources
        )
    if gold.references:
        titles = {s.reference_title for s in said.sources if s.reference_title}
        scores["reference_hit"] = 1.0 if titles & set(gold.references) else 0.0
    scores["unsupported_numbers"] = float(len(unsupported))
    scores["unsupported_statements"] = float(said.unsupported_statements)
    return scores, unsupported, missed


def _failures(
    case: GoldCase,
    gold: GoldTurn,
    said: SystemTurn,
    scores: dict[str, float],
    unsupported: list[str],
    missed: list[str],
) -> list[str]:
    if not gold.answerable:
        return [] if said.abstained else ["answered a question the sources do not cover"]
    out = []
    if said.abstained:
        out.append(f"declined an answerable question ({said.reason})")
    if missed and not said.abstained:
        out.append("missed key facts: " + "; ".join(missed))
    if unsupported:
        out.append("numbers not in the cited source: " + ", ".join(unsupported))
    if case.kind == "retrieval" and scores.get("article_recall@5", 1.0) == 0.0:
        out.append("no gold article in the top 5")
    return out


def feature_record(case: GoldCase, index: int, gold: GoldTurn, said: SystemTurn, split: str) -> dict[str, Any] | None:
    """One turn's features with their gold labels: per candidate, the key facts it carries and whether it lies
    in a gold section; per turn, whether it is answerable. None for a system without features."""
    trace = said.trace
    if trace is None:
        return None
    facts: list[list[int]] = []
    in_gold: list[bool] = []
    for c in trace["candidates"]:
        text = normalize(c["text"])
        facts.append([i for i, forms in enumerate(gold.key_facts) if any(normalize(f) in text for f in forms)])
        in_gold.append(c["article"] in gold.articles and (not gold.sections or c["section"] in gold.sections))
    return {
        "case": case.id,
        "set": case.set,
        "kind": case.kind,
        "split": split,
        "turn": index + 1,
        "question": gold.question,
        "answerable": gold.answerable,
        "key_facts": len(gold.key_facts),
        "declined": said.abstained,
        "fact_declined": trace["fact_declined"],
        "turn_features": trace["turn_features"],
        "absent_words": trace.get("absent_words", []),
        "candidate_features": trace["candidate_features"],
        "facts": facts,
        "in_gold": in_gold,
        "eligible": trace["eligible"],
        "candidates": [f"{c['article']} | {c['heading']} | {c['text']}" for c in trace["candidates"]],
    }


def run_cases(
    cases: Sequence[GoldCase],
    systems: Sequence[System],
    progress: Callable[[str], None] = lambda _: None,
    split_of: Callable[[str], str] = lambda _: "all",
) -> list[TurnResult]:
    """Every turn of every case through every system, scored. ``split_of`` names a case's part of its set
    from the case's ``part_key``."""
    results: list[TurnResult] = []
    total = len(cases) * len(systems)
    done = 0
    for system in systems:
        for case in cases:
            conversation = system.new_conversation(case.held_out)
            for i, gold in enumerate(case.turns):
                said = system.ask(gold.question, conversation)
                scores, unsupported, missed = score_turn(gold, said) if gold.answerable else ({}, [], [])
                if gold.answerable is False:
                    scores["declined"] = 1.0 if said.abstained else 0.0
                scores["latency_ms"] = said.latency_ms
                scores["confidence"] = said.confidence
                result = TurnResult(
                    case.id,
                    case.set,
                    case.kind,
                    i + 1,
                    gold.question,
                    gold.answerable,
                    system.name,
                    said.standalone,
                    said.abstained,
                    said.reason,
                    said.answer_text,
                    said.citations,
                    scores,
                    unsupported,
                    missed,
                    _failures(case, gold, said, scores, unsupported, missed),
                )
                result.split = split_of(case.part_key)
                result.features = feature_record(case, i, gold, said, result.split)
                if i > 0 and gold.standalone and gold.answerable:
                    alone = system.ask(gold.standalone, system.new_conversation(case.held_out))
                    result.standalone_scores = score_turn(gold, alone)[0]
                results.append(result)
            done += 1
            if done % 25 == 0 or done == total:
                progress(f"eval: {done}/{total} cases")
    return results


def coverage_risk(turns: Sequence[TurnResult], steps: int = 40) -> list[dict[str, float]]:
    """Coverage and risk as the confidence threshold rises (answers below it count as declined); the first
    point (threshold 0) is the system as it answers. clinqa's confidence is its best statement's cosine to
    the question; the baseline's its top chunk's.

    coverage = answerable turns answered / answerable turns; risk = answered turns that are wrong (an
    out-of-corpus question answered, or key-fact recall below 0.5, or no gold article retrieved) / answered
    turns.
    """
    points = []
    answerable = [t for t in turns if t.answerable]
    for step in range(steps + 1):
        threshold = step / steps
        answered = [t for t in turns if not t.abstained and t.scores.get("confidence", 0.0) >= threshold]
        wrong = [
            t
            for t in answered
            if not t.answerable
            or t.scores.get("key_fact_recall", 1.0) < 0.5
            or t.scores.get("article_recall@5", 1.0) == 0.0
        ]
        covered = [t for t in answered if t.answerable]
        points.append(
            {
                "threshold": threshold,
                "coverage": len(covered) / len(answerable) if answerable else 0.0,
                "risk": len(wrong) / len(answered) if answered else 0.0,
            }
        )
    return points


def summarize(turns: Sequence[TurnResult]) -> dict[str, float]:
    """The run's figures for one system (see the README for each definition)."""
    answerable = [t for t in turns if t.answerable]
    unanswerable = [t for t in turns if not t.answerable]
    answered = [t for t in answerable if not t.abstained]
    out: dict[str, float] = {
        "turns": float(len(turns)),
        "answerable_turns": float(len(answerable)),
        "out_of_corpus_turns": float(len(unanswerable)),
    }

    def avg(key: str, pool: Sequence[TurnResult]) -> None:
        values = [t.scores[key] for t in pool if key in t.scores]
        if values:
            out[key] = mean(values)

    for k in KS:
        avg(f"article_recall@{k}", answerable)
        avg(f"section_recall@{k}", answerable)
    out_mrr = [t.scores["article_rr"] for t in answerable if "article_rr" in t.scores]
    if out_mrr:
        out["article_mrr"] = mean(out_mrr)
    avg("article_ndcg@10", answerable)
    for key in ANSWERABLE_METRICS:
        avg(key, answerable)
    for key in ANSWER_METRICS:
        avg(key, answered)
    out["unsupported_numbers"] = float(sum(len(t.unsupported) for t in turns))
    out["unsupported_statements"] = float(sum(t.scores.get("unsupported_statements", 0.0) for t in turns))
    declined_ooc = sum(1 for t in unanswerable if t.abstained)
    declined_all = declined_ooc + sum(1 for t in answerable if t.abstained)
    if unanswerable:
        out["decline_recall"] = declined_ooc / len(unanswerable)
    if declined_all:
        out["decline_precision"] = declined_ooc / declined_all
    if answerable:
        out["false_decline_rate"] = sum(1 for t in answerable if t.abstained) / len(answerable)
    followups = [t for t in answerable if t.standalone_scores is not None]
    if followups:
        for key in ("article_recall@5", "section_recall@5", "key_fact_recall"):
            pairs = [
                (t.scores[key], alone[key])
                for t in followups
                if key in t.scores and key in (alone := t.standalone_scores or {})
            ]
            if pairs:
                out[f"followup_{key}"] = mean(a for a, _ in pairs)
                out[f"standalone_{key}"] = mean(b for _, b in pairs)
        out["followup_turns"] = float(len(followups))
    latencies = [t.scores["latency_ms"] for t in turns]
    out["latency_median_ms"] = percentile(latencies, 50)
    out["latency_p95_ms"] = percentile(latencies, 95)
    out["failed_turns"] = float(sum(1 for t in turns if t.failed))
    return out
