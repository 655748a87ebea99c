"""`clinqa fit`: the statement model ranks what carries key facts; declines keep the false-decline bound."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.features import CANDIDATE_FEATURES, TURN_FEATURES
from assistant.model import AnswerModel
from evals.fit import FitError, allowed_false_declines, fit, load_records


def turn(case: str, answerable: bool, rng: np.random.Generator, name_absent: float = 0.0, sem: float = 0.7) -> dict:
    """A turn whose candidates carry a key fact exactly when their 'sem' feature is high."""
    n = 12
    features = rng.uniform(0, 1, size=(n, len(CANDIDATE_FEATURES)))
    column = CANDIDATE_FEATURES.index("sem")
    facts = [[0] if features[i, column] > 0.8 else [] for i in range(n)]
    features[0, column], facts[0] = 0.95, [0]  # every answerable turn has one statement with the fact
    values = dict.fromkeys(TURN_FEATURES, 0.0)
    values.update(name_absent=name_absent, best_context_sem=sem)
    return {
        "case": case,
        "set": "synthetic",
        "kind": "single",
        "split": "fit",
        "turn": 1,
        "question": case,
        "answerable": answerable,
        "key_facts": 1 if answerable else 0,
        "declined": False,
        "fact_declined": False,
        "turn_features": values,
        "candidate_features": features.tolist(),
        "facts": facts if answerable else [[] for _ in range(n)],
        "in_gold": [False] * n,
        "eligible": [True] * n,
    }


@pytest.fixture()
def records() -> list[dict]:
    rng = np.random.default_rng(5)
    answerable = [turn(f"a{i}", True, rng, name_absent=0.1 if i % 10 == 0 else 0.0) for i in range(60)]
    # Out of corpus: most name something the corpus lacks; one is indistinguishable from answerable turns.
    ooc = [turn(f"x{i}", False, rng, name_absent=0.5 + 0.05 * i) for i in range(6)]
    ooc.append(turn("x-hidden", False, rng, name_absent=0.0))
    return answerable + ooc


def test_statement_model_learns_which_feature_carries_the_facts(records: list[dict]) -> None:
    model, report = fit(records)
    weights = dict(zip(model.statement.features, model.statement.weights, strict=True))
    assert weights["sem"] == max(weights.values())
    assert any("fitted on synthetic" in line for line in report)


def test_declines_stay_within_the_false_decline_bound(records: list[dict]) -> None:
    model, _ = fit(records)
    declined_answerable = sum(1 for r in records if r["answerable"] and model.answerable.fired(r["turn_features"]))
    assert declined_answerable <= allowed_false_declines(60) == 1
    # Every out-of-corpus turn that names something absent is declined; the indistinguishable one cannot be.
    assert all(model.answerable.fired(r["turn_features"]) == "name_absent" for r in records if r["case"][:2] == "x0")
    assert model.answerable.thresholds["name_absent"] > 0.1
    assert model.provenance["answerable_turns"]["out_of_corpus_answered"] == 1


def test_the_model_file_round_trips(records: list[dict], tmp_path: Path) -> None:
    model, _ = fit(records)
    model.save(tmp_path / "model.json")
    again = AnswerModel.from_json(json.loads((tmp_path / "model.json").read_text()))
    assert again.answerable.thresholds == pytest.approx(model.answerable.thresholds)
    row = np.asarray(records[0]["candidate_features"])
    assert again.statement.probability(row) == pytest.approx(model.statement.probability(row), abs=1e-5)


def test_feature_files_of_the_report_part_or_another_engine_are_refused(records: list[dict], tmp_path: Path) -> None:
    header = {"candidate_features": list(CANDIDATE_FEATURES), "turn_features": list(TURN_FEATURES)}
    report_part = tmp_path / "report.jsonl"
    report_part.write_text("\n".join([json.dumps(header), json.dumps({**records[0], "split": "report"})]))
    with pytest.raises(FitError, match="report part"):
        load_records([report_part])
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join([json.dumps({**header, "turn_features": ["x"]}), json.dumps(records[0])]))
    with pytest.raises(FitError, match="other features"):
        load_records([other])


def test_declines_only_keeps_the_statement_model(records: list[dict]) -> None:
    from dataclasses import replace

    full, _ = fit(records)
    # A statement model the records would never give: kept as it is, while the declines are fitted anew.
    kept = replace(full, keep_share=0.9, answerable=type(full.answerable)({}))
    refit, _ = fit(records, keep=kept)
    assert refit.statement == kept.statement and refit.keep_share == 0.9
    assert refit.answerable.thresholds == pytest.approx(full.answerable.thresholds)
    assert refit.provenance["statement_fitted_at"] == full.provenance["fitted_at"]


def test_statements_only_keeps_the_declines(records: list[dict]) -> None:
    from dataclasses import replace

    full, _ = fit(records)
    # Declines the records would never give: kept as they are, while the statement model is fitted anew.
    odd = type(full.answerable)({"best_context_sem": 0.123})
    kept = replace(
        full,
        answerable=odd,
        keep_share=0.9,
        provenance={
            **full.provenance,
            "fitted_at": "2020-01-01",
            "rules_fitted_at": {"best_context_sem": "2020-01-02"},
        },
    )
    refit, report = fit(records, keep_declines=kept)
    assert refit.answerable == odd
    # The dates of the rules fitted alone stay with them.
    assert refit.provenance["rules_fitted_at"] == {"best_context_sem": "2020-01-02"}
    assert refit.statement == full.statement and refit.keep_share == full.keep_share
    assert refit.provenance["declines_fitted_at"] == "2020-01-01"
    assert any("kept, fitted 2020-01-01" in line for line in report)
    with pytest.raises(FitError, match="not both"):
        fit(records, keep=kept, keep_declines=kept)


def test_a_threshold_lies_midway_between_the_turns_it_must_answer_and_those_it_must_decline(
    records: list[dict],
) -> None:
    model, _ = fit(records)
    # The answerable turns reach 0.1; the out-of-corpus ones start at 0.5: any threshold between decides the fit
    # part alike, and the middle keeps the widest margin on both sides.
    assert model.answerable.thresholds["name_absent"] == pytest.approx(0.3)
    # An answerable turn a little above the fit part's highest is still answered.
    assert model.answerable.fired({**records[0]["turn_features"], "name_absent": 0.2}) is None


def test_one_rule_is_fitted_alone_and_the_others_are_kept(records: list[dict]) -> None:
    from dataclasses import replace

    full, _ = fit(records)
    # Thresholds the records would never give to every rule but one: kept, while that one is fitted anew.
    held = {"best_context_sem": 0.123, "population_absent": 0.9}
    kept = replace(full, answerable=type(full.answerable)({**held, "name_absent": 5.0}))
    refit, report = fit(records, keep=kept, rules=("name_absent",))
    assert {f: refit.answerable.thresholds[f] for f in held} == held
    assert refit.answerable.thresholds["name_absent"] == pytest.approx(full.answerable.thresholds["name_absent"])
    assert "name_absent" in refit.provenance["rules_fitted_at"]
    assert refit.statement == kept.statement
    assert any("name_absent >= " in line for line in report)
    with pytest.raises(FitError, match="no decline rule reads"):
        fit(records, keep=kept, rules=("no_such_feature",))
    with pytest.raises(FitError, match="--declines-only"):
        fit(records, rules=("name_absent",))


def test_a_threshold_lies_midway_when_the_highest_value_seen_is_out_of_corpus() -> None:
    # The answerable turns reach 0.1; the one out-of-corpus turn the rule can tell holds the highest value seen,
    # 0.9. The threshold is as far from one as from the other, not just above the answerable turns (where the
    # next answerable turn a little beyond them would be declined) nor at the out-of-corpus turn.
    rng = np.random.default_rng(7)
    answerable = [turn(f"a{i}", True, rng, name_absent=0.1 if i % 10 == 0 else 0.0) for i in range(60)]
    ooc = [turn("x-named", False, rng, name_absent=0.9), turn("x-hidden", False, rng, name_absent=0.0)]
    model, _ = fit(answerable + ooc)
    assert model.answerable.thresholds["name_absent"] == pytest.approx(0.5)
