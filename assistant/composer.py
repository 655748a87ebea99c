"""The offline, extractive answer composer.

It answers only with the retrieved passages' own sentences and bullets: each statement is a verbatim span
of the chunk it cites, so a dose is always the source's dose. Steps:

1. Candidates: every sentence of a paragraph and every bullet or step of the passages; list items ending
   in ':' are headings for the items below them, not statements.
2. Score: the query's content words found in the candidate, weighted by how rare they are among the
   candidates; words found only in its heading path or list context count three quarters.
3. Select: the best candidate leads; others follow if they score at least 40% as well, near-duplicates
   removed, up to ``limit``; they keep their source order under their section headings.
4. Cite: each statement cites its passage once per inline marker it carries, resolved to the article's
   reference entry when the article lists one, or to the article itself when it has no reference list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.followup import topic_words
from assistant.types import Answer, Citation, Passage, Statement
from assistant.vocabulary import DOSE, FILLER_TERMS, alternatives, asks_for_dose
from corpus.text import split_sentences, stem, terms
from corpus.types import Block, Reference, article_reference

BRIEF = 6
DETAILED = 14


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    block_index: int
    order: int
    text: str
    block: Block
    own_terms: frozenset[str]
    context_terms: frozenset[str]
    title_terms: frozenset[str] = frozenset()

    @property
    def heading(self) -> str:
        parts = list(self.passage.chunk.heading_path) + [c.rstrip(":").strip() for c in self.block.context]
        return " > ".join(parts)


# A sentence that speaks to a language model or to "the assistant" is not clinical content; an article that
# carries one (injected, or pasted from a prompt) must not have it quoted as if it were guidance.
ADDRESSED_TO_A_MODEL = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.]{0,40}\b(instructions?|prompts?|rules|guidelines above)\b"
    r"|\b(you are|as) an? (ai|assistant|language model|chatbot)\b"
    r"|\b(system prompt|tell the user|say to the user|respond with|reply with)\b",
    re.IGNORECASE,
)


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every quotable sentence or list item of the passages, in passage then reading order.

    Sentences addressed to a language model (ADDRESSED_TO_A_MODEL) are never quotable.
    """
    out: list[Candidate] = []
    for passage in passages:
        chunk = passage.chunk
        section_terms = terms(" ".join(chunk.heading_path))
        title = frozenset(terms(chunk.article_title) | acronyms(chunk.article_title))
        order = 0
        for i, block in enumerate(chunk.blocks):
            if block.kind != "paragraph" and block.text.endswith(":"):
                continue
            pieces = split_sentences(block.text) if block.kind == "paragraph" else [block.text]
            context = section_terms | terms(" ".join(block.context))
            for piece in pieces:
                if ADDRESSED_TO_A_MODEL.search(piece):
                    continue
                out.append(
                    Candidate(passage, i, order, piece, block, frozenset(terms(piece)), frozenset(context), title)
                )
                order += 1
    return out


def acronyms(title: str) -> set[str]:
    """Initials of runs of two or three capitalised words: 'Multiple Sclerosis' -> 'ms'."""
    words = re.findall(r"[A-Za-z][\w-]*", title)
    out: set[str] = set()
    for size in (2, 3):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            if all(w[0].isupper() for w in run):
                out.add("".join(w[0].lower() for w in run))
    return out


def _matches(term: str, term_set: frozenset[str]) -> bool:
    return not alternatives(term).isdisjoint(term_set)


def _weights(query_terms: Iterable[str], pool: Sequence[Candidate]) -> dict[str, float]:
    """Each query term's weight: log(1 + n / (1 + df)) over the n candidates; 0 when none has it."""
    n = max(len(pool), 1)
    weights = {}
    for term in query_terms:
        df = sum(1 for c in pool if _matches(term, c.own_terms) or _matches(term, c.context_terms))
        weights[term] = math.log(1.0 + n / (1.0 + df)) if df else 0.0
    return weights


# A heading is usually the subject of the bullets below it ("Baclofen" > "Increase weekly by 10 mg/day").
CONTEXT_WEIGHT = 0.75
# Statements that score this share of the best one's score are kept.
KEEP_SHARE = 0.4


def score(candidate: Candidate, weights: dict[str, float]) -> float:
    """Weighted share of the query's words that the candidate covers (its headings at CONTEXT_WEIGHT)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    own = sum(w for t, w in weights.items() if _matches(t, candidate.own_terms))
    ctx = sum(
        w for t, w in weights.items() if not _matches(t, candidate.own_terms) and _matches(t, candidate.context_terms)
    )
    return (own + CONTEXT_WEIGHT * ctx) / total


def _near_duplicate(a: Candidate, b: Candidate) -> bool:
    if not a.own_terms or not b.own_terms:
        return a.text == b.text
    overlap = len(a.own_terms & b.own_terms) / len(a.own_terms | b.own_terms)
    return overlap >= 0.8


TOPIC_WEIGHT = 0.25
# Share (by weight) of the question's topic words a statement must speak of, with its headings and title.
TOPIC_SHARE = 0.4
# A question that asks for a dose prefers the statements that give one.
DOSE_BONUS = 1.3


def select(
    query: str,
    passages: Sequence[Passage],
    limit: int = BRIEF,
    focus: str | None = None,
    required: Sequence[str] = (),
) -> list[tuple[Candidate, float]]:
    """The candidates that answer ``query``, lead first, then in source order; with their scores.

    ``focus`` is the question itself when ``query`` also carries the conversation's topic: its words
    decide and the topic's words weigh a quarter. Then a candidate must speak of every ``required`` word
    (what "it" stood for) and of at least one other word of the question ("titrate", or a synonym such
    as "increase"), so a follow-up about titration gets the titration lines of that drug only.
    """
    pool = candidates(passages)
    weights = _weights(terms(query), pool)
    must: set[str] = set()
    some: set[str] = set()
    topic: dict[str, float] = {}
    headings: dict[str, set[str]] = {}
    if focus is not None:
        own = terms(focus)
        weights = {t: (w if t in own else w * TOPIC_WEIGHT) for t, w in weights.items()}
        must = {t for r in required for t in terms(r)}
        # Question words that no candidate uses ("common" when the sources say "1 in 60,500") cannot
        # be asked of a statement.
        some = {t for t in own - must - FILLER_TERMS if weights.get(t, 0.0) > 0}
        topic_stems = {stem(w) for w in topic_words(focus)}
        topic = {t: w for t, w in _weights(topic_stems, pool).items() if w > 0}
        # Topic words that name a section of the candidate's article ("Gabapentin/Pregabalin") are the
        # things the question is about there: a statement of that article must speak of each of them.
        for p in passages:
            headings.setdefault(p.chunk.article_id, set()).update(terms(" ".join(p.chunk.heading_path)))

    def eligible(c: Candidate) -> bool:
        seen = c.own_terms | c.context_terms
        # What "it" stood for may be named only by the article's title (a MedQuAD section on a disease).
        if any(not _matches(t, seen | c.title_terms) for t in must):
            return False
        if some and not any(_matches(t, seen) for t in some):
            return False
        if topic:
            # The statement must be about what was asked: most of the question's topic (by weight), and every
            # topic word that names a section of its article, are in it, its headings or its article's title.
            # A dose line of another drug is not an answer.
            around = seen | c.title_terms
            named = frozenset(headings.get(c.passage.chunk.article_id, ()))
            if any(_matches(t, named) and not _matches(t, around) for t in topic):
                return False
            covered = sum(w for t, w in topic.items() if _matches(t, around))
            return covered >= TOPIC_SHARE * sum(topic.values())
        return True

    dose_wanted = focus is not None and asks_for_dose(focus)

    def rank_score(c: Candidate) -> float:
        value = score(c, weights)
        return value * DOSE_BONUS if dose_wanted and DOSE.search(c.text) else value

    scored = sorted(
        ((c, rank_score(c)) for c in pool if eligible(c)),
        key=lambda cs: (-cs[1], cs[0].passage.rank, cs[0].block_index, cs[0].order),
    )
    if not scored or scored[0][1] <= 0:
        return []
    best = scored[0][1]
    chosen: list[tuple[Candidate, float]] = []
    for cand, s in scored:
        if len(chosen) >= limit or s < max(KEEP_SHARE * best, 0.15):
            break
        if any(_near_duplicate(cand, c) for c, _ in chosen):
            continue
        chosen.append((cand, s))
    lead, rest = chosen[0], chosen[1:]
    rest.sort(key=lambda cs: (cs[0].passage.rank, cs[0].block_index, cs[0].order))
    return [lead, *rest]


def source_reference(passage: Passage, marker: int | None) -> Reference | None:
    """The reference a citation of ``passage`` carrying ``marker`` names (see Citation.reference)."""
    chunk = passage.chunk
    if marker is not None:
        return chunk.reference_for(marker)
    if not chunk.references:
        # An article without a reference list is its own source.
        return article_reference(chunk.article_title, chunk.source, chunk.updated, chunk.url)
    return None


def cite(chosen: Sequence[tuple[Candidate, float]]) -> tuple[list[Statement], list[Citation]]:
    """Statements with numbered citations; numbers are given in the order statements first use them."""
    numbers: dict[tuple[str, int | None], int] = {}
    quotes: dict[int, list[str]] = {}
    sources: dict[int, tuple[Passage, int | None]] = {}
    statements: list[Statement] = []
    for cand, _ in chosen:
        keys: list[tuple[str, int | None]] = [(cand.passage.chunk.id, m) for m in cand.block.markers]
        keys = keys or [(cand.passage.chunk.id, None)]
        cited = []
        for key in keys:
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                sources[numbers[key]] = (cand.passage, key[1])
                quotes[numbers[key]] = []
            number = numbers[key]
            if cand.text not in quotes[number]:
                quotes[number].append(cand.text)
            cited.append(number)
        statements.append(Statement(cand.text, tuple(cited), cand.passage.chunk.id, cand.heading))
    citations = []
    for number, (passage, marker) in sorted(sources.items()):
        chunk = passage.chunk
        citations.append(
            Citation(
                number=number,
                chunk_id=chunk.id,
                article_id=chunk.article_id,
                article_title=chunk.article_title,
                article_path=chunk.article_path,
                section=chunk.section or chunk.article_title,
                reference=source_reference(passage, marker),
                quote="\n".join(quotes[number]),
                passage=chunk.text,
                url=chunk.url,
                marker=marker,
            )
        )
    return statements, citations


def compose(
    question: str,
    query: str,
    passages: Sequence[Passage],
    limit: int = BRIEF,
    focus: str | None = None,
    required: Sequence[str] = (),
) -> Answer:
    """An extractive answer to ``query`` from ``passages`` (no abstention check here)."""
    chosen = select(query, passages, limit, focus, required)
    statements, citations = cite(chosen)
    return Answer(
        question=question, standalone_query=query, statements=statements, citations=citations, passages=list(passages)
    )
