"""The metrics of an evaluation run, each defined by its docstring (the report repeats the definitions).

Retrieval metrics are computed here rather than with ranx: with binary relevance they are a few lines
each, they are tested against hand-worked values, and ranx would add numba and a ~10 s compile at the
first call of every run.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Recall@k: 1 if any relevant item is among the first k ranked items, else 0.

    With several relevant items (the same disease in several articles) one hit is a success: the answer
    needs one good source, not all of them.
    """
    wanted = set(relevant)
    return 1.0 if wanted & set(ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str]) -> float:
    """1 / rank of the first relevant item (ranks from 1), 0 when none is ranked. MRR is its mean."""
    wanted = set(relevant)
    for rank, item in enumerate(ranked, start=1):
        if item in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    """nDCG@k with binary gains: sum of 1/log2(rank+1) over relevant items in the first k, divided by the
    same sum for an ideal ranking (all relevant items first)."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], start=1) if item in wanted)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(wanted), k) + 1))
    return dcg / ideal


def normalize(text: str) -> str:
    """Lower case, typographic dashes as '-', 'to' ranges left alone, white space collapsed."""
    text = text.lower().replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    return re.sub(r"\s+", " ", text).strip()


def key_fact_recall(answer: str, facts: Sequence[Sequence[str]]) -> float:
    """Share of key facts found in the answer: a fact counts when any of its accepted forms occurs in the
    answer text (after ``normalize``). 1.0 when there are no facts."""
    if not facts:
        return 1.0
    text = normalize(answer)
    return sum(1 for forms in facts if any(normalize(f) in text for f in forms)) / len(facts)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[.-][a-z0-9]+)*", normalize(text))


def token_f1(prediction: str, gold: str) -> float:
    """Token F1 (SQuAD style): harmonic mean of token precision and recall over the multiset overlap."""
    pred, ref = _tokens(prediction), _tokens(gold)
    if not pred or not ref:
        return 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def rouge_l(prediction: str, gold: str) -> float:
    """ROUGE-L F1: the longest common token subsequence, as F1 of its precision and recall."""
    pred, ref = _tokens(prediction), _tokens(gold)
    if not pred or not ref:
        return 0.0
    previous = [0] * (len(ref) + 1)
    for p in pred:
        current = [0]
        for j, r in enumerate(ref, start=1):
            current.append(previous[j - 1] + 1 if p == r else max(previous[j], current[j - 1]))
        previous = current
    lcs = previous[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(pred), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def unsupported_numbers(statement: str, sources: Iterable[str]) -> list[str]:
    """Numbers (doses, counts, percentages) in a statement that none of its cited sources contains.

    The target is always zero: a number the source does not give must never reach a clinician.
    """
    source_numbers = {n for text in sources for n in _NUMBER.findall(text)}
    return [n for n in _NUMBER.findall(statement) if n not in source_numbers]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0
