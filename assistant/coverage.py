"""Deciding whether the retrieved passages cover a question at all; if not, the answer declines.

The question's key words are its topic words (see ``followup.topic_words``). The sources cover the
question when one passage holds most of them (``MIN_SHARE``), every word the question must keep (the
drug that "it" stood for), and, for a follow-up, something of the conversation's topic. A question
with no key word at all ("What is the dose?" with nothing before it) names nothing to look up.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.followup import topic_words
from assistant.types import Passage
from corpus.text import stem, terms

MIN_SHARE = 0.6


def passage_terms(passage: Passage) -> set[str]:
    chunk = passage.chunk
    return terms(f"{chunk.article_title}\n{' '.join(chunk.heading_path)}\n{chunk.text}")


def coverage_gap(
    question: str,
    passages: Sequence[Passage],
    *,
    required: Sequence[str] = (),
    topic: str = "",
) -> str | None:
    """Why the passages do not cover ``question``, or None when they do."""
    key_words = topic_words(question)
    if not key_words:
        return "The question does not name a condition, drug or topic to look up."
    if not passages:
        return "Nothing in the indexed sources matches the question."
    key = {stem(w): w for w in key_words}
    key_stems = set(key)
    must = {stem(w.lower()) for r in required for w in r.split()}
    topic_stems = {stem(w) for w in topic.split()} - key_stems
    best_missing: list[str] | None = None
    for passage in passages:
        have = passage_terms(passage)
        found = key_stems & have
        missing = [key[s] for s in key_stems if s not in have]
        if best_missing is None or len(missing) < len(best_missing):
            best_missing = missing
        if len(found) / len(key_stems) < MIN_SHARE:
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
            + ", ".join(f"'{w}'" for w in missing_words)
            + " together with the rest of the question."
        )
    return "The indexed sources do not cover this question."
