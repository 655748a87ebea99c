"""The records an answer is made of; each keeps the provenance of what it says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.types import Reference
from index.store import StoredChunk


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused rank and the scores that put it there."""

    chunk: StoredChunk
    score: float
    rank: int
    dense_score: float | None = None
    lexical_score: float | None = None
    # The chunk's stored embedding (title, headings and text), for scoring its statements' section.
    vector: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer: an article's section, the entry its marker points at, the quote.

    ``reference`` is the article's own reference-list entry for the marker the quoted text carries, or,
    for an article without a reference list, the article itself; ``None`` when the article cites a marker
    whose entry it does not list. ``quote`` is the cited text, each line verbatim from the passage.
    """

    number: int
    chunk_id: str
    article_id: str
    article_title: str
    article_path: str
    section: str
    reference: Reference | None
    quote: str
    passage: str
    url: str | None = None
    marker: int | None = None
    page: int | None = None  # the physical page (from 1) where the first quoted statement begins, in a PDF
    page_label: str | None = None  # that page's printed label
    source_date: str | None = None  # the article's own date (a guideline's publication date)

    @property
    def evidence_year(self) -> int | None:
        """The year of the evidence cited: the reference entry's year, else the article's own date's year."""
        import re

        for text in ((self.reference.year if self.reference else None), self.source_date):
            match = re.search(r"\b(19|20)\d{2}\b", text or "")
            if match:
                return int(match.group(0))
        return None


@dataclass(frozen=True)
class Statement:
    """A sentence or bullet of the answer with the citations that support it.

    Extractive statements are verbatim spans of their passage. A language model's sentences are checked
    against their sources; ``supported`` is False, with the reasons in ``issues``, when the check fails.
    """

    text: str
    citation_numbers: tuple[int, ...]
    chunk_id: str
    heading: str = ""
    supported: bool = True
    issues: tuple[str, ...] = ()
    page: int | None = None
    page_label: str | None = None


@dataclass
class Answer:
    """What the assistant says to one turn of a conversation."""

    question: str
    standalone_query: str
    statements: list[Statement] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    abstained: bool = False
    reason: str = ""
    notice: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    engine: str = "extractive"
    key_question: str = ""
    query_variants: tuple[str, ...] = ()
    # The answerable model's probability that the sources cover the question (0 for a fact-check decline).
    confidence: float = 0.0
    # What the engine scored for this turn (assistant.engine.Scored), for evaluations; never rendered.
    trace: Any = field(default=None, repr=False, compare=False)

    @property
    def unsupported(self) -> int:
        """Statements that their cited sources do not back (always 0 for extractive answers)."""
        return sum(1 for s in self.statements if not s.supported)

    def cited_chunk_ids(self) -> list[str]:
        return list(dict.fromkeys(c.chunk_id for c in self.citations))
