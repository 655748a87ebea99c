"""Reference lists and the attribution of inline markers to their entries.

Scraped articles often list fewer references than their text cites, while keeping the listed entries in
the order of their markers. Position alone then attributes entries to the wrong markers. The rule here:
an entry is tied to a marker only where the evidence holds, and a marker without a trustworthy entry keeps
its number and gets no reference ("not listed by the source").

Evidence comes in two kinds:

1. Text: the entry's title shares distinctive words with the statements that carry one marker and not the
   others (a disease named in the title, or its acronym, as "ALS" for "amyotrophic lateral sclerosis").
   Words common in the article (its topic) weigh little; the best marker must clearly beat the next.
2. Order: entries keep the order of their markers. Once some entries are anchored by text, an entry whose
   possible markers, between its anchored neighbours, narrow to exactly one is tied to it. When the list is
   as long as the set of markers, every entry is tied by position.

Text evidence that contradicts the order (an entry anchored out of order, or tied by order to a marker
while its title points at another) means the order cannot be trusted, and then no entry is attributed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from corpus.text import STOPWORDS, stem, words
from corpus.types import Block, Reference

# Words that say what kind of publication an entry is, not what it is about.
_GENERIC = frozenset(
    [
        "management",
        "treatment",
        "treatments",
        "therapy",
        "guideline",
        "guidelines",
        "directed",
        "topic",
        "overview",
        "review",
        "reviews",
        "systematic",
        "study",
        "studies",
        "trial",
        "trials",
        "clinical",
        "practice",
        "practical",
        "summary",
        "summaries",
        "recommendation",
        "recommendations",
        "update",
        "approach",
        "approaches",
        "patient",
        "patients",
        "evidence",
        "based",
        "medical",
        "medicine",
        "editor",
        "editors",
        "board",
        "advisory",
        "insight",
        "insights",
        "journal",
        "database",
        "cochrane",
        "report",
        "consensus",
        "statement",
        "what",
        "whats",
        "done",
        "new",
    ]
)

_KINDS = frozenset(
    [
        "guideline",
        "research",
        "review",
        "meta-analysis",
        "study",
        "trial",
        "textbook",
        "consensus",
        "systematic",
        "cohort",
        "book",
        "article",
    ]
)


def looks_like_kind(line: str) -> bool:
    """True for a reference-kind label line such as 'Guideline' or 'Research'."""
    return line.strip().lower() in _KINDS


def split_source_year(line: str) -> tuple[str, str | None]:
    """'La Revue du praticien, 2013' -> ('La Revue du praticien', '2013')."""
    match = re.match(r"^(.*?)[,\s]+((?:19|20)\d{2})\.?$", line.strip())
    if match:
        return match.group(1).strip(" ,"), match.group(2)
    return line.strip(), None


def _title_terms(title: str) -> tuple[set[str], set[str]]:
    """Distinctive stemmed words of a title, and the acronyms of its runs of 3-4 content words."""
    tokens = [w for w in words(title.replace("/", " ")) if "-" not in w]
    content = [w for w in tokens if w not in STOPWORDS and w not in _GENERIC and not w.isdigit()]
    acronyms: set[str] = set()
    run: list[str] = []
    for token in [*tokens, ""]:
        if token and token not in STOPWORDS and token not in _GENERIC and not token.isdigit():
            run.append(token)
            continue
        for size in (3, 4):
            for i in range(len(run) - size + 1):
                acronyms.add("".join(w[0] for w in run[i : i + size]))
        run = []
    return {stem(w) for w in content}, acronyms


def _block_terms(block: Block) -> set[str]:
    return {stem(w) for w in words(block.text)}


def _block_acronyms(block: Block) -> set[str]:
    return {t.lower() for t in re.findall(r"\b[A-Z]{3,4}\b", block.text)}


def _text_scores(
    entry: Reference, markers: Sequence[int], blocks: Sequence[Block], df: dict[str, int]
) -> dict[int, float]:
    """How strongly the entry's title points at the statements of each marker."""
    title_terms, acronyms = _title_terms(entry.title)
    scores: dict[int, float] = {}
    for marker in markers:
        cited = [b for b in blocks if marker in b.markers]
        if not cited:
            continue
        seen = set().union(*(_block_terms(b) for b in cited))
        seen_acronyms = set().union(*(_block_acronyms(b) for b in cited))
        score = sum(1.0 / df.get(t, 1) for t in title_terms & seen)
        # An acronym stands for its whole phrase: as strong as the three or four words it abbreviates.
        score += sum(len(a) for a in acronyms & seen_acronyms)
        scores[marker] = score
    return scores


def _anchor(scores: dict[int, float]) -> int | None:
    """The one marker the scores clearly single out, or None."""
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best_marker, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best >= 1.0 and best >= 2.0 * runner_up:
        return best_marker
    return None


def attribute(entries: Sequence[Reference], blocks: Sequence[Block]) -> tuple[Reference, ...]:
    """Tie each listed entry to its inline marker where the evidence holds; see the module docstring.

    Entries that already carry a number (numbered lists) keep it. Returns the entries in their listed
    order, each with ``number`` set or left ``None``.
    """
    if not entries:
        return ()
    if all(e.number is not None for e in entries):
        return tuple(entries)
    markers = sorted({m for b in blocks for m in b.markers})
    if not markers:
        return tuple(replace(e, number=None) for e in entries)
    n = len(entries)
    if n > len(markers):
        # More entries than markers: some entries are cited nowhere, so order proves nothing.
        return tuple(replace(e, number=None) for e in entries)

    df: dict[str, int] = {}
    for block in blocks:
        for term in _block_terms(block):
            df[term] = df.get(term, 0) + 1

    scores = [_text_scores(entry, markers, blocks, df) for entry in entries]
    anchors: dict[int, int] = {}  # entry index -> position in markers
    for i, entry_scores in enumerate(scores):
        marker = _anchor(entry_scores)
        if marker is not None:
            anchors[i] = markers.index(marker)
    positions = [anchors[i] for i in sorted(anchors)]
    if len(set(positions)) != len(positions) or positions != sorted(positions):
        anchors = {}  # text evidence that contradicts the order is not evidence
    # Each anchor must leave room for the entries around it.
    for i, pos in anchors.items():
        if pos < i or (len(markers) - pos) < (n - i):
            anchors = {}
            break

    result: list[Reference] = []
    for i, entry in enumerate(entries):
        if i in anchors:
            result.append(replace(entry, number=markers[anchors[i]]))
            continue
        before = [j for j in anchors if j < i]
        after = [j for j in anchors if j > i]
        lo_i, lo_pos = (max(before), anchors[max(before)]) if before else (-1, -1)
        hi_i, hi_pos = (min(after), anchors[min(after)]) if after else (n, len(markers))
        low = lo_pos + (i - lo_i)
        high = hi_pos - (hi_i - i)
        result.append(replace(entry, number=markers[low] if low == high else None))
    # An entry whose title points at other statements than the marker it was given shows that the
    # list does not keep the order of its markers after all: then nothing is attributed.
    for entry, entry_scores in zip(result, scores, strict=True):
        if entry.number is None or not entry_scores:
            continue
        best = max(entry_scores.values())
        if best >= 1.0 and entry_scores.get(entry.number, 0.0) < best:
            return tuple(replace(e, number=None) for e in entries)
    return tuple(result)
