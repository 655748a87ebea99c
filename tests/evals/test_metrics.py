"""Metric functions against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from evals.metrics import (
    key_fact_recall,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    rouge_l,
    token_f1,
    unsupported_numbers,
)


def test_ranking_metrics() -> None:
    ranked = ["a", "b", "c", "d"]
    assert recall_at_k(ranked, {"c"}, 1) == 0.0
    assert recall_at_k(ranked, {"c"}, 3) == 1.0
    assert recall_at_k(ranked, {"x", "b"}, 2) == 1.0
    assert reciprocal_rank(ranked, {"c", "d"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, {"x"}) == 0.0
    # relevant at ranks 2 and 4, two relevant items: (1/log2(3) + 1/log2(5)) / (1 + 1/log2(3))
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(ranked, {"b", "d"}, 10) == pytest.approx(expected)
    assert ndcg_at_k(ranked, {"a"}, 10) == 1.0


def test_key_fact_recall_accepts_alternatives_and_dashes() -> None:
    answer = "Human albumin (20\u201340 g/week) may be considered; baclofen 10 mg/day."
    facts = [["20-40 g/week", "20 to 40 g"], ["baclofen"], ["midodrine"]]
    assert key_fact_recall(answer, facts) == pytest.approx(2 / 3)
    assert key_fact_recall(answer, []) == 1.0


def test_text_overlap_metrics() -> None:
    assert token_f1("start at 10 mg", "start at 10 mg") == 1.0
    # pred 4 tokens, gold 2, overlap 2: P = 0.5, R = 1, F1 = 2/3
    assert token_f1("start baclofen at once", "start baclofen") == pytest.approx(2 / 3)
    # LCS of (a b c d) and (a c d e) is a c d = 3: P = R = 3/4
    assert rouge_l("a b c d", "a c d e") == pytest.approx(0.75)
    assert rouge_l("", "a") == 0.0


def test_unsupported_numbers() -> None:
    source = "Start at 10 mg/day, up to 30 mg/day; maximum 80 mg/day."
    assert unsupported_numbers("Start at 10 mg/day", [source]) == []
    assert unsupported_numbers("Start at 15 mg/day, max 80", [source]) == ["15"]
    assert unsupported_numbers("Use 2.5 mg", ["Use 2.5 mg"]) == []


def test_percentile() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10] * 3 + [100], 95) == pytest.approx(86.5)
    assert percentile([], 95) == 0.0


def test_a_declined_answerable_turn_scores_zero_key_fact_recall() -> None:
    from evals.gold import GoldTurn
    from evals.runner import score_turn
    from evals.systems import SystemTurn

    gold = GoldTurn("Baclofen start dose?", key_facts=(("10 mg/day",),), articles=("ms-muscle-cramps",))
    declined = SystemTurn("Baclofen start dose?", True, [], [], [("ms-muscle-cramps", ("",))], 0.0, 1.0)
    scores, unsupported, missed = score_turn(gold, declined)
    assert scores["key_fact_recall"] == 0.0 and scores["gold_article_cited"] == 0.0
    assert "key_fact_recall_answered" not in scores and missed == ["10 mg/day"] and unsupported == []
    assert scores["lead_key_fact"] == 0.0


def test_the_lead_scores_only_when_the_first_statement_carries_a_key_fact() -> None:
    from evals.gold import GoldTurn
    from evals.runner import score_turn
    from evals.systems import SystemTurn

    gold = GoldTurn("Baclofen start dose?", key_facts=(("10 mg/day",),), articles=("ms-muscle-cramps",))
    late = [("Check electrolytes first.", []), ("Start at 10 mg/day.", [])]
    for statements, lead in ((late, 0.0), (late[::-1], 1.0)):
        said = SystemTurn("Baclofen start dose?", False, statements, [], [("ms-muscle-cramps", ("",))], 0.0, 1.0)
        scores, _, _ = score_turn(gold, said)
        assert scores["key_fact_recall"] == 1.0 and scores["lead_key_fact"] == lead
