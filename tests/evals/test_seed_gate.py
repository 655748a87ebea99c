"""The gate: the seed set through clinqa on the seed index, with floors set from what it achieves.

Raise the floors as the engine improves; never lower them to make a change pass. The floors are what the
engine fitted on the fit parts of the gold sets achieves on the whole seed set (fit and report parts); the
target for out-of-corpus turns (every one declined) is not met yet and is kept below as an expected failure,
so that meeting it shows.
"""

from __future__ import annotations

import pytest

from evals.gold import SEED_GOLD, GoldCase, GoldTurn, load_gold
from evals.runner import run_cases, summarize
from evals.systems import ClinqaSystem

FLOORS = {
    "key_fact_recall": 0.93,
    "article_recall@5": 0.98,
    "section_recall@5": 0.98,
    "citation_precision": 1.0,
    "citation_recall": 1.0,
    "correct_source_rate": 0.85,
    "decline_recall": 0.94,
}
CEILINGS = {"unsupported_numbers": 0, "false_decline_rate": 0.03}


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


def test_no_number_is_unsupported(seed_run) -> None:
    turns, _ = seed_run
    unsupported = [f"{t.case_id} turn {t.turn}: {t.unsupported}" for t in turns if t.unsupported]
    assert unsupported == []


def test_every_out_of_corpus_turn_is_declined(seed_run) -> None:
    turns, _ = seed_run
    answered_ooc = [f"{t.case_id} turn {t.turn}: {t.question}" for t in turns if not t.answerable and not t.abstained]
    assert answered_ooc == []


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


def test_each_case_starts_a_new_conversation_with_a_warm_assistant(assistant) -> None:
    from assistant.followup import Conversation

    system = ClinqaSystem(assistant)
    first, conversation = system.new_conversation(frozenset())
    assert first is assistant and isinstance(conversation, Conversation)
    system.ask("What is the first-line treatment for muscle cramps in multiple sclerosis?", (first, conversation))
    again, fresh = system.new_conversation(frozenset())
    # The running assistant, as a user's next session meets it; the conversation is new.
    assert again is assistant and fresh is not conversation and not fresh.turns
    held, _ = system.new_conversation(frozenset({"ms-muscle-cramps"}))
    assert held is not assistant and held.exclude == frozenset({"ms-muscle-cramps"})
    assert system.new_conversation(frozenset({"ms-muscle-cramps"}))[0] is held
