"""Verification of a language model's answer against the numbered sources it was given.

Nothing the model writes reaches the user unchecked:

- a marker ``[n]`` that points at no source is removed;
- a sentence left without a valid marker is marked unsupported;
- a number (a dose, a count, a percentage) that none of the sentence's cited sources contains marks the
  sentence unsupported, naming the number;
- a sentence whose content words are mostly absent from its cited sources is marked unsupported.

Unsupported sentences are kept, visibly marked, so a reader sees what the model said and that the sources
do not back it; the evaluations count them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus.text import split_sentences, terms

_MARKER = re.compile(r"\s*\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
MIN_TERM_SUPPORT = 0.5


@dataclass(frozen=True)
class Checked:
    """One sentence of the model's answer after verification."""

    text: str
    sources: tuple[int, ...]
    supported: bool
    issues: tuple[str, ...] = ()


@dataclass
class Verification:
    sentences: list[Checked] = field(default_factory=list)
    dropped_markers: list[int] = field(default_factory=list)

    @property
    def unsupported(self) -> int:
        return sum(1 for s in self.sentences if not s.supported)


def _sentences(answer: str) -> list[str]:
    out: list[str] = []
    for line in answer.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        # Markers sit after the full stop ("... 10 mg/day. [1]"); keep them with their sentence.
        out.extend(split_sentences(re.sub(r"([.!?])\s+(\[\d)", r"\1\2", line)))
    return out


def verify(answer: str, sources: Sequence[str]) -> Verification:
    """Check every sentence of ``answer`` against ``sources`` (source n is ``sources[n - 1]``)."""
    result = Verification()
    for sentence in _sentences(answer):
        cited: list[int] = []
        for match in _MARKER.finditer(sentence):
            for part in re.split(r"\s*,\s*", match.group(1)):
                n = int(part)
                if 1 <= n <= len(sources):
                    cited.append(n)
                else:
                    result.dropped_markers.append(n)
        text = _MARKER.sub("", sentence).strip()
        if not text or not re.search(r"\w", text):
            continue
        cited = list(dict.fromkeys(cited))
        issues: list[str] = []
        if not cited:
            issues.append("no source cited")
        else:
            cited_text = "\n".join(sources[n - 1] for n in cited)
            known = set(_NUMBER.findall(cited_text))
            missing = [n for n in _NUMBER.findall(text) if n not in known]
            if missing:
                issues.append("numbers not in the cited source: " + ", ".join(dict.fromkeys(missing)))
            words = terms(text)
            if words:
                share = len(words & terms(cited_text)) / len(words)
                if share < MIN_TERM_SUPPORT:
                    issues.append("most of its words are not in the cited source")
        result.sentences.append(Checked(text, tuple(cited), not issues, tuple(issues)))
    return result
