"""Fitting the answer engine's decisions on the fit part of the gold sets (`clinqa fit`).

Input: feature files written by `clinqa eval --split fit --features FILE`, one per gold set and index (each
turn's candidate statements with their features, the key facts each carries, and whether the turn is
answerable). Output: ``assistant/answer_model.json`` (see ``assistant/model.py``), recording what it was
fitted on and when. The report part of each set is never read here; `clinqa eval --split report` scores it.

1. The statement model: logistic regression of "this statement carries a key fact of the turn" on the
   candidate features, over the turns that have key facts (a gold section labels every sentence of it,
   which taught the model that a statement need not share a word with the question). Each gold set weighs
   the same, each turn within it the same, its positives and negatives half each, so one set does not
   outvote another and long passages do not outvote short ones.
2. The selection rule: the share of the lead's probability, and the floor, above which a statement joins
   the answer, chosen on a grid to maximise key-fact recall less a small cost per statement.
3. The declines: a decision list, one threshold per turn feature (``assistant/model.py``), searched over the
   values the fit part shows for the fewest out-of-corpus turns answered (each gold set's weighing the same),
   with at most MAX_FALSE_DECLINES of any set's answerable turns declined. Each threshold is then put in the
   middle of the range of thresholds that decide the fit part alike: as far from the answerable turns that
   must stay answered as from the out-of-corpus turns it must decline.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.composer import BRIEF
from assistant.features import CANDIDATE_FEATURES, TURN_FEATURES
from assistant.model import DECLINE_RULES, AnswerModel, DeclineRules, LinearModel

# The operating point of the declines: at most this share of any gold set's answerable fit turns declined,
# in whole turns (a set of 23 fit turns may lose none). Rounding up instead was tried: it let the fit place
# the closeness threshold inside the answerable turns of the report parts (6.8% of the clinician set's
# answerable turns declined there).
MAX_FALSE_DECLINES = 0.03


def allowed_false_declines(answerable: int) -> int:
    """How many of a set's ``answerable`` fit turns the declines may take."""
    return math.floor(MAX_FALSE_DECLINES * answerable + 1e-9)


# Cost of one more statement in an answer, against a whole key fact found (keeps brief answers brief).
STATEMENT_COST = 0.005
L2 = 1.0
SHARES = tuple(round(x, 2) for x in np.arange(0.2, 0.96, 0.05))
FLOORS = tuple(round(x, 2) for x in np.arange(0.0, 0.61, 0.05))


class FitError(Exception):
    """Feature files that cannot be fitted on; one line."""


def load_records(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The turn records of feature files, checked to be of the fit part and of this engine's features."""
    records: list[dict[str, Any]] = []
    for path in paths:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        if not lines:
            raise FitError(f"{path}: empty feature file")
        header = json.loads(lines[0])
        if header.get("candidate_features") != list(CANDIDATE_FEATURES) or header.get("turn_features") != list(
            TURN_FEATURES
        ):
            raise FitError(f"{path}: written by an engine with other features; run `clinqa eval --features` again")
        for line in lines[1:]:
            record = json.loads(line)
            if record.get("split") == "report":
                raise FitError(f"{path}: holds turns of the report part; fit only on `--split fit`")
            record["file"] = Path(path).name
            records.append(record)
    if not records:
        raise FitError("no turns to fit on")
    return records


def logistic(x: np.ndarray, y: np.ndarray, weights: np.ndarray, names: Sequence[str], l2: float = L2) -> LinearModel:
    """Weighted, L2-regularised logistic regression by Newton's method, on standardised features."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    weights = weights * (len(weights) / weights.sum())
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-z @ beta))
        gradient = z.T @ (weights * (p - y)) + penalty * beta
        hessian = z.T @ (z * (weights * p * (1 - p))[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return LinearModel(
        tuple(names),
        tuple(float(b) for b in beta[:-1]),
        float(beta[-1]),
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
    )


def _labels(record: dict[str, Any]) -> np.ndarray:
    return np.array([1.0 if f else 0.0 for f in record["facts"]])


def fit_statements(records: Sequence[dict[str, Any]]) -> tuple[LinearModel, int]:
    usable = []
    for r in records:
        # Only turns with key facts: a gold section's every sentence is not an answer to its question.
        if not r["answerable"] or not r["candidate_features"] or not r["key_facts"]:
            continue
        y = _labels(r)
        if 0 < int(y.sum()) < len(y):  # else the sources hold no key fact (or nothing else): nothing to rank
            usable.append((r, y))
    per_set = Counter(r["set"] for r, _ in usable)
    xs, ys, ws = [], [], []
    for r, y in usable:
        positives = int(y.sum())
        share = 1.0 / per_set[r["set"]]  # each gold set weighs the same, however many turns it has
        xs.append(np.asarray(r["candidate_features"], dtype=np.float64))
        ys.append(y)
        ws.append(share * np.where(y == 1, 0.5 / positives, 0.5 / (len(y) - positives)))
    turns = len(usable)
    if not xs:
        raise FitError("no answerable turn with labelled statements to fit the statement model on")
    return logistic(np.vstack(xs), np.concatenate(ys), np.concatenate(ws), CANDIDATE_FEATURES), turns


def _chosen(p: np.ndarray, eligible: np.ndarray, share: float, floor: float, limit: int = BRIEF) -> list[int]:
    order = [i for i in np.argsort(-p, kind="stable") if eligible[i]]
    if not order:
        return []
    best = p[order[0]]
    out = [order[0]]
    for i in order[1:]:
        if len(out) >= limit or p[i] < max(share * best, floor):
            break
        out.append(i)
    return out


def _recall(record: dict[str, Any], chosen: list[int]) -> float:
    found = {f for i in chosen for f in record["facts"][i]}
    return len(found) / record["key_facts"]


def fit_selection(records: Sequence[dict[str, Any]], statement: LinearModel) -> tuple[float, float, float]:
    """(keep_share, keep_min, key-fact recall of the brief answers on the fit part, each set weighing the same)."""
    turns = []
    for r in records:
        if r["answerable"] and r["key_facts"] and r["candidate_features"]:
            p = statement.probability(np.asarray(r["candidate_features"]))
            turns.append((r, p, np.asarray(r["eligible"] or [True] * len(p), dtype=bool)))
    if not turns:
        raise FitError("no answerable turn with key facts to fit the selection on")
    per_set = Counter(r["set"] for r, _, _ in turns)
    weights = np.array([1.0 / per_set[r["set"]] for r, _, _ in turns])
    best: tuple[float, float, float, float] | None = None
    for share in SHARES:
        for floor in FLOORS:
            recalls, sizes = [], []
            for r, p, ok in turns:
                chosen = _chosen(p, ok, share, floor)
                recalls.append(_recall(r, chosen))
                sizes.append(len(chosen))
            # Each gold set weighs the same, however many turns it has.
            recall = float(np.average(recalls, weights=weights))
            objective = recall - STATEMENT_COST * float(np.average(sizes, weights=weights))
            if best is None or objective > best[0] + 1e-12:
                best = (objective, share, floor, recall)
    assert best is not None
    return best[1], best[2], best[3]


def turn_rows(records: Sequence[dict[str, Any]]) -> tuple[dict[str, np.ndarray], list[dict[str, Any]]]:
    """The turn features (by name) of the turns the decision list decides (not the fact-declined ones)."""
    kept = [r for r in records if not r["fact_declined"]]
    columns = {f: np.array([float(r["turn_features"][f]) for r in kept]) for f in TURN_FEATURES}
    return columns, kept


def _fires(columns: dict[str, np.ndarray], thresholds: dict[str, float]) -> np.ndarray:
    fired = np.zeros(len(next(iter(columns.values()))), dtype=bool)
    for feature, direction in DECLINE_RULES:
        if feature in thresholds:
            value = columns[feature]
            fired |= value >= thresholds[feature] if direction == "above" else value < thresholds[feature]
    return fired


def _widest_margin(
    feature: str,
    thresholds: dict[str, float],
    candidates: Sequence[float],
    cost: Callable[[dict[str, float]], float],
    best: float,
) -> float:
    """The threshold of ``feature`` in the middle of the widest range whose thresholds all cost ``best`` (the
    others held): between the last value that must not fire and the first that must, among the turns' own values
    (``candidates``; the search's values are rounded, and a rounded value may lie on either side of a turn's).
    The search ends at the range's edge next to an answerable turn; the middle leaves the turns a little beyond
    the fit part's on each side to be decided as their neighbours were. A rule that never fires stays so."""
    chosen = thresholds[feature]
    values = sorted({*candidates, chosen})
    same = [abs(cost({**thresholds, feature: v}) - best) <= 1e-12 for v in values]
    at = values.index(chosen)
    if not same[at]:
        return chosen
    low, high = at, at
    while low > 0 and same[low - 1]:
        low -= 1
    while high + 1 < len(values) and same[high + 1]:
        high += 1
    above = dict(DECLINE_RULES).get(feature) == "above"
    # A rule that fires "above" is closed at the top when the highest value seen must fire: the turn there is
    # out of corpus, and the range ends at it (at a threshold above every value seen, the cost differs).
    closed_top = above and abs(cost({**thresholds, feature: values[-1] + 1.0}) - best) > 1e-12
    if low == 0 or (high == len(values) - 1 and not closed_top):
        return chosen  # open on one side: the rule never fires, or fires on every value seen, over that range
    return (values[low - 1] + values[high]) / 2


def fit_answerable(
    records: Sequence[dict[str, Any]], held: dict[str, float] | None = None, only: Sequence[str] = ()
) -> tuple[DeclineRules, dict[str, Any]]:
    """The decision list's thresholds with the least cost on the fit part (see the module docstring).

    A search over every combination of coarse thresholds, then refined one rule at a time. With ``only``,
    just those rules are searched and the others keep their thresholds in ``held`` (a rule not there stays off).
    """
    held = {f: t for f, t in (held or {}).items() if f not in only} if only else {}
    columns, kept = turn_rows(records)
    y = np.array([r["answerable"] for r in kept], dtype=bool)
    if y.all() or not y.any():
        raise FitError("the fit part needs both answerable and out-of-corpus turns to fit declines")
    groups = Counter((r["set"], r["answerable"]) for r in kept)
    weights = np.array([1.0 / groups[(r["set"], r["answerable"])] for r in kept])
    sets = np.array([r["set"] for r in kept])
    answerable_sets = sorted({r["set"] for r in kept if r["answerable"]})

    def cost(thresholds: dict[str, float]) -> float:
        """Out-of-corpus turns answered (as rates within each set); infinite when any set has more than
        allowed_false_declines of its answerable turns declined. Ties go to fewer declines."""
        declined = _fires(columns, thresholds)
        for name in answerable_sets:
            mine = (sets == name) & y
            if declined[mine].sum() > allowed_false_declines(int(mine.sum())):
                return float("inf")
        return float((weights * (~declined & ~y)).sum() + 1e-3 * (weights * (declined & y)).sum())

    # Every combination of candidate thresholds (a "never" value, then quantiles of the observed values),
    # then single-rule refinements over all observed values, until none lowers the cost.
    full: dict[str, list[float]] = {}
    coarse: dict[str, list[float]] = {}
    for feature, direction in DECLINE_RULES:
        values = np.unique(np.round(columns[feature], 4))
        if direction == "above":
            # A rule that fires at 0 would fire on every turn without the feature: never a candidate.
            values = values[values > 0]
            never = float(values.max()) + 1.0 if len(values) else 1.0
        else:
            never = float(values.min()) - 1.0
        full[feature] = [never, *values.tolist()]
        quantiles = np.unique(np.quantile(values, np.linspace(0, 1, 11))) if len(values) else np.array([])
        coarse[feature] = [never, *quantiles.tolist()]
    names = [f for f, _ in DECLINE_RULES if f in only] if only else [f for f, _ in DECLINE_RULES]
    best, thresholds = None, {}
    for combo in itertools.product(*(coarse[f] for f in names)):
        trial = {**held, **dict(zip(names, combo, strict=True))}
        trial_cost = cost(trial)
        if best is None or trial_cost < best - 1e-12:
            best, thresholds = trial_cost, trial
    assert best is not None
    while True:
        moves = [{**thresholds, f: v} for f in names for v in full[f]]
        trial = min(moves, key=cost)
        if cost(trial) >= best - 1e-12:
            break
        best, thresholds = cost(trial), trial
    for feature in names:
        thresholds[feature] = _widest_margin(feature, thresholds, columns[feature].tolist(), cost, best)
    declined = _fires(columns, thresholds)
    stats = {
        "turns": len(kept),
        "out_of_corpus_answered": int((~declined & ~y).sum()),
        "out_of_corpus": int((~y).sum()),
        "answerable_declined": int((declined & y).sum()),
        "answerable": int(y.sum()),
    }
    return DeclineRules(thresholds), stats


def fit(
    records: Sequence[dict[str, Any]],
    keep: AnswerModel | None = None,
    keep_declines: AnswerModel | None = None,
    rules: Sequence[str] = (),
) -> tuple[AnswerModel, list[str]]:
    """The fitted AnswerModel, and lines reporting what it was fitted on and how it does there.

    With ``keep``, only the declines are fitted: its statement model and selection stay as they are (when a
    change touched only the turn features, refitting the statements would only add noise). With
    ``keep_declines``, only the statement model and selection are fitted and its declines stay (when a change
    touched only the candidate features: the declines were fitted on more out-of-corpus turns than any one
    refit sees, and a refit of them moved answerable turns of the report parts into declines).

    With ``rules`` (and ``keep``), only those decline rules are fitted and ``keep``'s other thresholds stay: the
    way to add a rule for a new turn feature without moving the ones fitted before (refitting all of them when
    one was added, on 2026-12-04, moved answerable turns of the report parts into declines again)."""
    if keep is not None and keep_declines is not None:
        raise FitError("keep either the statement model or the declines, not both")
    unknown = sorted(set(rules) - {f for f, _ in DECLINE_RULES})
    if unknown:
        raise FitError(f"no decline rule reads {', '.join(unknown)}")
    if rules and keep is None:
        raise FitError("fitting some decline rules alone keeps the engine's model: use it with --declines-only")
    if keep is None:
        statement, statement_turns = fit_statements(records)
        share, floor, recall = fit_selection(records, statement)
        kept: dict[str, Any] = {}
    else:
        statement, share, floor = keep.statement, keep.keep_share, keep.keep_min
        statement_turns = int(keep.provenance.get("statement_turns", 0))
        recall = float(keep.provenance.get("fit_recall_brief", float("nan")))
        kept = {"statement_fitted_at": keep.provenance.get("statement_fitted_at", keep.provenance.get("fitted_at"))}
    if keep_declines is None:
        held = keep.answerable.thresholds if rules and keep is not None else None
        answerable, stats = fit_answerable(records, held, rules)
        if held is not None and keep is not None:
            kept["declines_fitted_at"] = keep.provenance.get("declines_fitted_at", keep.provenance.get("fitted_at"))
            kept["rules_fitted_at"] = {
                **keep.provenance.get("rules_fitted_at", {}),
                **{f: time.strftime("%Y-%m-%d", time.gmtime()) for f in rules},
            }
    else:
        answerable, stats = keep_declines.answerable, dict(keep_declines.provenance.get("answerable_turns") or {})
        kept["declines_fitted_at"] = keep_declines.provenance.get(
            "declines_fitted_at", keep_declines.provenance.get("fitted_at")
        )
        if "rules_fitted_at" in keep_declines.provenance:
            kept["rules_fitted_at"] = keep_declines.provenance["rules_fitted_at"]
    sets = Counter(r["set"] or "unnamed" for r in records)
    files = sorted({r.get("file", "") for r in records} - {""})
    provenance = {
        "fitted_at": time.strftime("%Y-%m-%d", time.gmtime()),
        "fitted_on": ", ".join(f"{name} ({n} turns)" for name, n in sorted(sets.items())) + ", fit parts only",
        **kept,
        "feature_files": files,
        "statement_turns": statement_turns,
        "answerable_turns": stats,
        "fit_recall_brief": round(recall, 4),
        "max_false_declines": MAX_FALSE_DECLINES,
    }
    model = AnswerModel(statement, answerable, share, floor, provenance)
    report = [
        f"fitted on {provenance['fitted_on']}",
        f"statement model: {statement_turns} turns; selection keep_share {share}, keep_min {floor}, "
        f"key-fact recall of brief answers on the fit part {recall:.3f}",
        "declines: "
        + ", ".join(
            f"{f} {'>=' if d == 'above' else '<'} {answerable.thresholds[f]:.3f}"
            for f, d in DECLINE_RULES
            if f in answerable.thresholds
        )
        + (
            f"; on the fit part {stats['out_of_corpus_answered']} of {stats['out_of_corpus']} out-of-corpus turns "
            f"answered, {stats['answerable_declined']} of {stats['answerable']} answerable declined"
            if keep_declines is None
            else f" (kept, fitted {kept['declines_fitted_at']})"
        ),
        "weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(statement.features, statement.weights, strict=True)),
    ]
    return model, report
