"""The answer engine's fitted decisions, loaded from one small JSON file.

Two decisions over named features (``assistant/features.py``):

- ``statement``: a logistic model of the probability that a candidate statement answers the question
  (fitted on statements labelled by whether they carry a gold key fact); a statement joins the answer when
  its probability is at least ``keep_share`` of the lead's and at least ``keep_min``;
- ``answerable``: a decision list over turn features, each with a fitted threshold: the question names
  something no source mentions (a name, a special population, a specific word the corpus has elsewhere),
  or nothing retrieved comes close in meaning. Any rule that fires declines the question, and says why.
  A list of evidence rules and not one weighted sum: on the gold sets a weighted sum let strong similarity
  outvote a missing drug name, and answered questions about drugs the sources never mention.

``evals/fit.py`` writes the file with what it was fitted on and when (``provenance``); the engine only
reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = Path(__file__).resolve().parent / "answer_model.json"


@dataclass(frozen=True)
class LinearModel:
    """p = 1 / (1 + exp(-(bias + sum(weight_i * (x_i - mean_i) / scale_i))))."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def logit(self, matrix: np.ndarray) -> np.ndarray:
        """Rows of features (columns in ``features`` order) to log-odds."""
        x = (np.asarray(matrix, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return x @ np.asarray(self.weights) + self.bias

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(matrix)))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            tuple(data["features"]),
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            tuple(float(m) for m in data["mean"]),
            tuple(float(s) for s in data["scale"]),
        )

    def columns(self, names: tuple[str, ...]) -> list[int]:
        """Where each of this model's features sits among ``names``."""
        return [names.index(f) for f in self.features]


# The decision list's rules, in the order they are tried: (turn feature, "above" or "below").
DECLINE_RULES: tuple[tuple[str, str], ...] = (
    ("name_absent", "above"),
    ("population_absent", "above"),
    ("topic_absent", "above"),
    ("rare_absent", "above"),
    ("lead_absent", "above"),
    ("answer_absent", "above"),
    ("qualifier_absent", "above"),
    ("best_context_sem", "below"),
)


@dataclass(frozen=True)
class DeclineRules:
    """Decline when a turn feature is at or above (or, for "below", under) its fitted threshold."""

    thresholds: dict[str, float]

    def fired(self, values: dict[str, float]) -> str | None:
        """The first rule that fires for these turn features, or None (answer)."""
        for feature, direction in DECLINE_RULES:
            limit = self.thresholds.get(feature)
            if limit is None:
                continue
            value = values.get(feature, 0.0)
            if (direction == "above" and value >= limit) or (direction == "below" and value < limit):
                return feature
        return None

    def to_json(self) -> dict[str, Any]:
        return {"rules": [[f, d, round(self.thresholds[f], 6)] for f, d in DECLINE_RULES if f in self.thresholds]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeclineRules:
        return cls({str(f): float(t) for f, _, t in data["rules"]})


@dataclass(frozen=True)
class AnswerModel:
    """The fitted models and thresholds, with the record of what they were fitted on."""

    statement: LinearModel
    answerable: DeclineRules
    keep_share: float
    keep_min: float
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.statement.to_json(),
            "answerable": self.answerable.to_json(),
            "keep_share": round(self.keep_share, 6),
            "keep_min": round(self.keep_min, 6),
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerModel:
        return cls(
            LinearModel.from_json(data["statement"]),
            DeclineRules.from_json(data["answerable"]),
            float(data["keep_share"]),
            float(data["keep_min"]),
            dict(data.get("provenance") or {}),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_FILE) -> AnswerModel:
    """The fitted model file (read once per process)."""
    return AnswerModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
