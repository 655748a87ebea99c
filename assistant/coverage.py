"""Deciding whether the retrieved passages cover a question at all; if not, the answer declines.

The question's key words are its topic words (see ``followup.topic_words``). The sources cover the
question when one passage holds most of them (``MIN_SHARE``) and every one that names a specific thing,
every subtype it names ("type 1"), every word the question must keep (the
drug that "it" stood for), and, for a follow-up, something of the conversation's topic. A question
with no key word at all ("What is the dose?" with nothing before it) names nothing to look up.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from assistant.composer import acronyms
from assistant.followup import topic_words
from assistant.types import Passage
from corpus.text import STOPWORDS, stem, terms

MIN_SHARE = 0.6
# A subtype named by a number or numeral: "type 1", "type VI", "stage 3", "grade II".
DESIGNATOR = re.compile(r"\b(type|stage|grade|class|group|phase|factor)\s+(\d+[a-z]?|[ivx]+)\b", re.IGNORECASE)
DEFINITIONAL = re.compile(
    r"^\s*(what\s+(is|are)(\s+\(are\))?\s+(?!the\b|a\b|an\b)|do you have (any )?information (about|on)\b|"
    r"tell me about\b|define\b)",
    re.IGNORECASE,
)


def _passage_text(passage: Passage) -> str:
    chunk = passage.chunk
    return f"{chunk.article_title}\n{' '.join(chunk.heading_path)}\n{chunk.text}"


def passage_terms(passage: Passage) -> set[str]:
    """The words of a passage with its article title and headings, and the title's acronyms ('ms')."""
    return terms(_passage_text(passage)) | acronyms(passage.chunk.article_title)


def coverage_gap(
    question: str,
    passages: Sequence[Passage],
    *,
    required: Sequence[str] = (),
    topic: str = "",
    common: Collection[str] | None = None,
) -> str | None:
    """Why the passages do not cover ``question``, or None when they do.

    ``common`` is a vocabulary of everyday words (the embedding model's word pieces); a key word outside
    it ("willebrand", "metformin", "tizanidine") names a specific thing, and every such word must be in
    the passage, where everyday words ("measures", "quickly") need only make up ``MIN_SHARE``.
    """
    key_words = topic_words(question)
    if not key_words:
        return "The question does not name a condition, drug or topic to look up."
    if not passages:
        return "Nothing in the indexed sources matches the question."
    key = {stem(w): w for w in key_words}
    key_stems = set(key)
    must = {t for r in required for t in terms(r)}
    topic_stems = {stem(w) for w in topic.split()} - key_stems
    best_missing: list[str] | None = None
    rare = set()
    if common is not None:
        for word in key_words:
            for part in word.split("-"):
                if len(part) < 3 or not part.isalpha() or part in STOPWORDS:
                    continue  # "2-methylbutyryl", "HTLV-1": numbers and short parts name nothing alone
                if part not in common and part.rstrip("s") not in common:
                    rare.add(stem(part))
    # "What is X?" must be answered from a passage about X: its title or headings name every key word.
    definitional = bool(DEFINITIONAL.match(question))
    designators = [
        re.compile(rf"\b{re.escape(a)}\s+{re.escape(b)}\b", re.IGNORECASE) for a, b in DESIGNATOR.findall(question)
    ]
    for passage in passages:
        chunk = passage.chunk
        have = passage_terms(passage)
        if any(not d.search(_passage_text(passage)) for d in designators):
            continue  # "type 1" is not answered from a passage on "type 5"
        if definitional:
            named = terms(f"{chunk.article_title} {' '.join(chunk.heading_path)}")
            if key_stems - named:
                best_missing = best_missing if best_missing is not None else [key[s] for s in key_stems - named]
                continue
        found = key_stems & have
        missing = [key[s] for s in key_stems if s not in have]
        if best_missing is None or len(missing) < len(best_missing):
            best_missing = missing
        if len(found) / len(key_stems) < MIN_SHARE or rare - have:
            continue
        if must - have:
            continue
        if topic_stems and not (topic_stems & have) and not (must and must <= have):
            continue
        return None
    missing_words = sorted(best_missing or [], key=lambda w: key_words.index(w) if w in key_words else 0)
    if missing_words:
        return (
            "The indexed sources do not cover this: no passage mentions "
            + ", ".join(f"'{w if len(w) <= 40 else w[:37] + '...'}'" for w in missing_words[:8])
            + " together with the rest of the question."
        )
    return "The indexed sources do not cover this question."
