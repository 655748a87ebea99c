"""The gate: the seed set through clinqa on the seed index, with floors set from what it achieves.

Raise the floors as the engine improves; never lower them to make a change pass.
"""

from __future__ import annotations

import pytest

from evals.gold import SEED_GOLD, GoldCase, GoldTurn, load_gold
from evals.runner import run_cases, summarize
from evals.systems import ClinqaSystem

FLOORS = {
    "key_fact_recall": 0.95,
    "article_recall@5": 0.98,
    "section_recall@5": 0.98,
    "citation_precision": 1.0,
    "citation_recall": 1.0,
    "correct_source_rate": 0.9,
    "decline_recall": 1.0,
}
CEILINGS = {"unsupported_numbers": 0, "false_decline_rate": 0.0}


@pytest.fixture(scope="module")
def seed_run(assistant):
    turns = run_cases(load_gold([SEED_GOLD]), [ClinqaSystem(assistant)])
    return turns, summarize(turns)


def test_seed_set_meets_its_floors(seed_run) -> None:
    turns, summary = seed_run
    failed = [f"{t.case_id} turn {t.turn}: {'; '.join(t.failures)}" for t in turns if t.failed]
    problems = [f"{k} = {summary.get(k)} < {v}" for k, v in FLOORS.items() if summary.get(k, 0.0) < v]
    problems += [f"{k} = {summary.get(k)} > {v}" for k, v in CEILINGS.items() if summary.get(k, 0.0) > v]
    assert not problems, "\n".join([*problems, "failed turns:", *failed])


def test_every_out_of_corpus_turn_is_declined_and_no_number_is_unsupported(seed_run) -> None:
    turns, _ = seed_run
    answered_ooc = [f"{t.case_id} turn {t.turn}: {t.question}" for t in turns if not t.answerable and not t.abstained]
    assert answered_ooc == []
    unsupported = [f"{t.case_id} turn {t.turn}: {t.unsupported}" for t in turns if t.unsupported]
    assert unsupported == []


def test_follow_ups_score_like_the_same_question_asked_alone(seed_run) -> None:
    _, summary = seed_run
    assert summary["followup_turns"] >= 8
    assert summary["followup_article_recall@5"] >= summary["standalone_article_recall@5"] - 0.05
    assert summary["followup_key_fact_recall"] >= summary["standalone_key_fact_recall"] - 0.05


def test_held_out_articles_are_invisible(assistant) -> None:
    case = GoldCase(
        "held",
        "out_of_corpus",
        (GoldTurn("What is the first-line treatment for muscle cramps in multiple sclerosis?", answerable=False),),
        held_out=frozenset({"ms-muscle-cramps"}),
    )
    (turn,) = run_cases([case], [ClinqaSystem(assistant)])
    assert all(c["article"] != "ms-muscle-cramps" for c in turn.citations)
