"""Which patient group a statement is written for, and whether that is the group the question asks about.

A statement under "For Patients with Liver Disease", or labelled "In dialysis patients: ...", speaks of that
group only: quoted for a question about renal impairment it would tell the clinician something the source
never said of their patient. The group a heading, a label or a question word stands for is decided by
meaning: its closeness to the nearest of SPECIAL_POPULATIONS, when that closeness is high and clearly above
the next group's ("impairment" alone is as near to kidney as to liver impairment, and names neither).
Measured with the bundled model: population headings and labels score 0.54 to 0.78 ("In dialysis patients"
0.58, "For Elderly Patients" 0.58), other headings 0.39 at most ("Special Considerations" 0.23, "For
specific populations" 0.30); question words 0.54 to 1.0 ("renal" 0.73, "dialysis" 0.54, "pregnant" 0.94),
other words 0.39 at most ("patients" 0.39, "cramps" 0.31).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.composer import LABEL
from assistant.features import SPECIAL_POPULATIONS, Candidate, Pool
from assistant.followup import topic_words
from assistant.question import OLDER_FROM, ages_in_years, without_ages
from assistant.vocabulary import measured_words
from corpus.text import words
from index.embeddings import embed_matrix

# A heading, label or word stands for a group when its closeness to the group is at least this ...
GROUP_FLOOR = 0.5
# ... and at least this much above its closeness to any other group.
GROUP_MARGIN = 0.1
# The most words a heading that names a group has ("For Patients with Liver Disease").
MAX_SCOPE_WORDS = 6
# Texts whose group is remembered (headings and words recur from turn to turn).
CACHE_SIZE = 20_000


# An age bound as guidelines print it in a heading or label: "aged ≥65 years", "over 65 years", "<18 years",
# "65 years and older", "younger than 12 years". A number with no unit of years ("≥50 MME/day") is none.
_AGE_BOUND = re.compile(
    r"(?P<op>≥|>=|>|≤|<=|<|\bover\b|\bunder\b|\bolder than\b|\byounger than\b)\s*(?P<n>\d{1,3})\s*(?:years?|yrs?)\b"
    r"|\b(?P<m>\d{1,3})\s*(?:years?|yrs?)\s*(?:of age\s*)?(?:and|or)\s+(?P<dir>older|over|above|younger|under)\b",
    re.IGNORECASE,
)
# From OLDER_FROM on, a bound from below names older adults; up to this one, a bound from above names children.
CHILD_UNTIL = 18


def printed_age_group(text: str) -> int | None:
    """The index in SPECIAL_POPULATIONS of the group an age bound printed in ``text`` names, or None."""
    for m in _AGE_BOUND.finditer(text):
        word = (m.group("op") or m.group("dir")).lower()
        age = int(m.group("n") or m.group("m"))
        from_below = word in (">", ">=", "≥", "over", "older than", "older", "above")
        if from_below and age >= OLDER_FROM:
            return SPECIAL_POPULATIONS.index("older adults")
        if not from_below and age <= CHILD_UNTIL:
            return SPECIAL_POPULATIONS.index("children")
    return None


def groups_of_age(years: float) -> frozenset[int]:
    """The indices in SPECIAL_POPULATIONS of the groups a patient of ``years`` belongs to, as decided here: a
    79-year-old is an older adult. A child's age is left to ``question.age_group``, whose rule knows how the
    sources name children ("pediatric"), which meaning alone does not tell from adolescents."""
    return frozenset({SPECIAL_POPULATIONS.index("older adults")}) if years >= OLDER_FROM else frozenset()


class Scopes:
    """The patient groups of texts, by meaning, with the embedding model the engine already loads."""

    def __init__(self, embeddings: Any) -> None:
        self.embeddings = embeddings
        self._populations: np.ndarray | None = None
        self._cache: dict[str, np.ndarray] = {}

    @property
    def populations(self) -> np.ndarray:
        """The vectors of SPECIAL_POPULATIONS, one row each."""
        if self._populations is None:
            self._populations = embed_matrix(self.embeddings, list(SPECIAL_POPULATIONS))
        return self._populations

    def groups_of(self, texts: Sequence[str]) -> list[int | None]:
        """For each text, the index in SPECIAL_POPULATIONS of the group it clearly stands for, or None. A printed
        age bound decides before meaning does ("Patients Aged ≥65 Years", which the model puts near no group)."""
        out: list[int | None] = []
        for text, row in zip(texts, self.closeness(texts), strict=True):
            printed = printed_age_group(text)
            if printed is not None:
                out.append(printed)
                continue
            first, second = np.sort(row)[::-1][:2]
            clear = first >= GROUP_FLOOR and first - second >= GROUP_MARGIN
            out.append(int(np.argmax(row)) if clear else None)
        return out

    def closeness(self, texts: Sequence[str]) -> list[np.ndarray]:
        """For each text, its closeness to each of SPECIAL_POPULATIONS (embedding those not remembered)."""
        known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            rows = embed_matrix(self.embeddings, missing) @ self.populations.T
            if len(self._cache) + len(missing) > CACHE_SIZE:
                self._cache = {}
            for text, row in zip(missing, rows, strict=True):
                known[text] = self._cache[text] = row
        return [known[t] for t in texts]

    @staticmethod
    def words_of(question: str) -> list[str]:
        """The question's words whose groups ``asked`` looks up (an age is left to ``of_patient``; what a test
        measures names no group: "liver checks?" is no question about liver impairment)."""
        measured = measured_words(question)
        return [w for w in topic_words(without_ages(question)) if w.lower() not in measured]

    def asked(self, question: str) -> frozenset[int]:
        """The groups the question's own words name."""
        return frozenset(g for g in self.groups_of(self.words_of(question)) if g is not None)

    def naming_words(self, question: str) -> frozenset[str]:
        """The question's words (lower case) that name a patient group (``asked``): "hepatic" of "and in hepatic
        impairment?"."""
        found = self.words_of(question)
        return frozenset(w.lower() for w, g in zip(found, self.groups_of(found), strict=True) if g is not None)

    def only_the_patient(self, question: str) -> bool:
        """The question's words (``words_of``) say who the patient is and nothing else: together they name one
        group clearly (``groups_of``), one of them names it alone, and none of the others takes the whole away
        from it ("hepatic impairment": 0.91 to liver impairment, "hepatic" alone 0.60; "cramps in pregnancy" is
        farther from pregnancy than "pregnancy" alone: cramping is another topic)."""
        found = self.words_of(question)
        if not found:
            return False
        naming = self.naming_words(question)
        phrase = " ".join(found)
        group = self.groups_of([phrase])[0]
        if group is None or not any(self.groups_of([w])[0] == group for w in found if w.lower() in naming):
            return False
        others = [" ".join(x for x in found if x != w) for w in found if w.lower() not in naming]
        rows = self.closeness([phrase, *others])
        return all(float(row[group]) <= float(rows[0][group]) for row in rows[1:])

    def named_in(self, text: str) -> frozenset[int]:
        """The groups a statement's own words name: a word that names one (``naming_words``), read with the word
        after it, which may say more of the group ("renal failure": 0.78 to kidney impairment, "renal" alone
        0.73) or take the word to another topic ("renal colic", 0.55: a pain, no impaired kidney; "kidney
        stones")."""
        return frozenset(group for group, _ in self._group_names(text))

    def group_name_words(self, text: str, groups: frozenset[int]) -> frozenset[str]:
        """The words (lower case) with which ``text`` names one of ``groups``, as ``named_in`` reads them: "liver"
        and "disease" of "safe w/ liver disease?", not "colic" of "renal colic"."""
        return frozenset(w for group, named in self._group_names(text) if group in groups for w in named)

    def _group_names(self, text: str) -> list[tuple[int, tuple[str, ...]]]:
        """Each group ``text`` names, with the words that name it (see ``named_in``)."""
        naming = self.naming_words(text)
        if not naming:
            return []
        tokens = words(text)
        topical = set(self.words_of(text))
        out: list[tuple[int, tuple[str, ...]]] = []
        for i, word in enumerate(tokens):
            if word not in naming:
                continue
            group = self.groups_of([word])[0]
            if group is None:
                continue
            after = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1] in topical else None
            if after is None:
                out.append((group, (word,)))
                continue
            together, alone = self.closeness([f"{word} {after}", word])
            if float(together[group]) >= float(alone[group]):
                out.append((group, (word, after)))
        return out

    def of_patient(self, question: str) -> frozenset[int]:
        """The groups of the patient a question is about: those its words name and those its ages fall in
        ("a 79 yo man": older adults)."""
        aged = frozenset().union(*(groups_of_age(y) for y in ages_in_years(question)))
        return self.asked(question) | aged

    def written_for(self, pool: Pool) -> list[frozenset[int]]:
        """For each candidate, the groups it is written for by a heading over it or by its label."""
        return self.written_for_each(pool.items)

    def written_for_each(self, items: Sequence[Candidate]) -> list[frozenset[int]]:
        """For each of ``items``, the groups it is written for by a heading over it or by its label."""
        scopes: list[list[str]] = []
        for c in items:
            # A group heading is a short phrase; a longer heading ("What are the treatments for ...?") is not
            # embedded at all, which keeps this cheap on large corpora.
            parts = [h.strip() for h in c.heading.split(" > ") if 0 < len(h.split()) <= MAX_SCOPE_WORDS]
            label = LABEL.match(c.text)
            scopes.append([*parts, label.group(1)] if label else parts)
        texts = list(dict.fromkeys(p for parts in scopes for p in parts))
        groups = dict(zip(texts, self.groups_of(texts), strict=True))
        return [frozenset(g for g in (groups[p] for p in parts) if g is not None) for parts in scopes]

    def written_for_any(self, pool: Pool, groups: frozenset[int]) -> np.ndarray:
        """True for each candidate written for one of ``groups`` (by a heading over it or its label)."""
        if not groups or not pool.items:
            return np.zeros(len(pool.items), dtype=bool)
        return np.array([bool(written & groups) for written in self.written_for(pool)], dtype=bool)

    def off_scope(self, pool: Pool, asked: frozenset[int]) -> np.ndarray:
        """True for each candidate written for a group (by a heading over it or its label) other than the
        patient groups ``asked`` about, when the question is about one."""
        out = np.zeros(len(pool.items), dtype=bool)
        if not asked or not pool.items:
            return out
        for i, written in enumerate(self.written_for(pool)):
            out[i] = bool(written) and not written & asked
        return out

    def speaks_for(
        self, pool: Pool, groups: frozenset[int], among: np.ndarray, written: Sequence[frozenset[int]]
    ) -> np.ndarray:
        """Which candidates of ``among`` speak of one of ``groups``: written for it (``written_for``), or naming it
        in their own words or their article's title ("Reduce the dose in renal impairment"; every statement of
        an article on a liver disease speaks of liver impairment). ``written`` is ``written_for(pool)``."""
        out = np.zeros(len(pool.items), dtype=bool)
        if not groups or not among.any():
            return out
        for i in map(int, np.flatnonzero(among)):
            c = pool.items[i]
            named = written[i] | self.named_in(c.text) | self.asked(c.passage.chunk.article_title)
            out[i] = bool(named & groups)
        return out
