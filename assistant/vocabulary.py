"""Small, explicit word lists the offline rules use: question words that name no topic, and synonyms.

Kept short on purpose: each entry is a pair a clinician uses interchangeably, checked against the
seed articles' wording ("titrate" is written "increase weekly by", "maximum" as "max").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.text import stem

# Words that ask about a topic without naming one.
_ACTION_WORDS = """treat treatment treatments manage management option options therapy therapies first-line second-line
    first second third line dose doses dosing dosage titrate titration titrating maximum max minimum start
    starting stop stopping monitor monitoring follow-up side effect effects adverse risk risks interaction
    interactions contraindication contraindications refer referral specialist duration long often frequency
    much many alternative alternatives cause causes symptom symptoms sign signs prevent prevention test
    tests testing diagnose diagnosis outlook prognosis inherited inherit work works recommend recommended
    recommendation best drug drugs medication medications medicine patient patients give use used do does
    should can need needed usual usually typical typically next step steps else more other about tell
    explain mean when why who help helpful good bad okay ok safe safety quickly fast slowly always never
    happen happens look looking soon whether important necessary generally exactly really still ever
    anything something someone kind way ways apart differ difference common rare know information learn
    read change changes""".split()
ACTION_TERMS = frozenset(stem(w) for w in _ACTION_WORDS)

# Question words too common to show that a statement answers the question.
FILLER_TERMS = frozenset(
    stem(w)
    for w in """patient patients use used do does should can need needed give help tell explain mean good bad okay
    ok usual usually typical typically more other about else next work works recommend recommended best way
    ways""".split()
)

# Units and counts: never what an answer is about.
UNIT_TERMS = frozenset(
    stem(w)
    for w in """mg g mcg ml kg mmol day days daily week weeks weekly month months hour hours times dose doses""".split()
)

_SYNONYMS = [
    ("titrate", "increase", "increasing", "escalate"),
    ("maximum", "max", "highest", "ceiling"),
    ("monitor", "monitoring", "assess", "check"),
    ("dose", "dosing", "dosage", "mg"),
    ("side", "adverse"),
    ("stop", "discontinue", "discontinuation", "withdraw", "withdrawal"),
    ("refer", "referral", "specialist"),
    ("kidney", "renal"),
    ("liver", "hepatic", "cirrhosis"),
    ("elderly", "older", "geriatric"),
    ("child", "children", "pediatric", "paediatric"),
]
SYNONYMS: dict[str, frozenset[str]] = {}
for _group in _SYNONYMS:
    _stems = frozenset(stem(w) for w in _group)
    for _word in _group:
        SYNONYMS[stem(_word)] = _stems


def alternatives(term: str) -> frozenset[str]:
    """The stemmed term and its listed synonyms."""
    return SYNONYMS.get(term, frozenset((term,)))


def expand(term_set: Iterable[str]) -> set[str]:
    """The stemmed terms with their listed synonyms added."""
    out = set(term_set)
    for term in list(out):
        out |= SYNONYMS.get(term, frozenset())
    return out


# A dose as the sources write it: a number with a unit ("10 mg/day", "20-40 g/week", "5%").
DOSE = re.compile(r"\d(?:[\d.,-]*\d)?\s*(?:mg|mcg|µg|g|kg|ml|mL|units?|IU|mmol|%)(?![A-Za-z])", re.IGNORECASE)
_DOSE_QUESTION = re.compile(r"\b(dose|doses|dosing|dosage|how much|how many (mg|milligrams)|mg)\b", re.IGNORECASE)


def asks_for_dose(question: str) -> bool:
    """True for a question that asks how much of something to give."""
    return bool(_DOSE_QUESTION.search(question))
