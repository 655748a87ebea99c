"""The records a reader returns: an Article, its Sections and Blocks, and its References."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reference:
    """One entry of an article's own reference list.

    ``number`` is the inline marker the entry is attributed to, or ``None`` when the article lists the
    entry but its text gives no trustworthy way to tell which marker it belongs to.
    """

    number: int | None
    kind: str
    title: str
    source: str
    year: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Block:
    """One paragraph, bullet, numbered step, recommendation or table row of a section, in the source's words.

    ``text`` has the inline citation markers removed (they are in ``markers``) and nothing else changed, except
    in a PDF, whose text keeps them as printed ("(36)") so that a quote is found by searching the PDF; there
    ``marker_spans`` says where each marker stands ((offset in ``text``, marker number) pairs), so that each
    sentence cites its own markers. ``depth`` is the list nesting (0 for a paragraph). ``context`` holds the
    list items this one is nested under ("Dosing protocol:"), so a bullet such as "Start at 10 mg/day" keeps
    what it is about. ``pages`` maps offsets in ``text`` to the page they begin on: (offset, physical page
    counted from 1, the page's printed label), empty for sources without pages.
    """

    text: str
    kind: str = "paragraph"  # "paragraph" | "bullet" | "step" | "recommendation" | "row" | "header"
    depth: int = 0
    markers: tuple[int, ...] = ()
    context: tuple[str, ...] = ()
    pages: tuple[tuple[int, int, str], ...] = ()
    marker_spans: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> tuple[int, str] | None:
        """(physical page, printed label) of the character at ``offset``, or None for a source without pages."""
        found = None
        for start, page, label in self.pages:
            if start > offset:
                break
            found = (page, label)
        return found

    def markers_between(self, start: int, end: int) -> tuple[int, ...]:
        """The markers a span of the text carries: by position where the block knows them, else all of them."""
        if not self.marker_spans:
            return self.markers
        return tuple(dict.fromkeys(m for at, m in self.marker_spans if start <= at < end))

    def slice(self, start: int, end: int) -> Block:
        """The block cut to ``text[start:end]``, its page and marker positions moved with it."""
        pages = [(max(0, at - start), page, label) for at, page, label in self.pages if at < end]
        # Keep only the last page that begins at or before the cut: it is where the slice starts.
        kept = [p for p in pages if p[0] > 0]
        first = [p for p in pages if p[0] == 0][-1:]
        spans = tuple((at - start, m) for at, m in self.marker_spans if start <= at < end)
        markers = tuple(dict.fromkeys(m for _, m in spans)) if self.marker_spans else self.markers
        return Block(self.text[start:end], self.kind, self.depth, markers, self.context, (*first, *kept), spans)


@dataclass(frozen=True)
class Section:
    """A run of blocks under one heading path (the article title is not part of the path)."""

    heading_path: tuple[str, ...]
    blocks: tuple[Block, ...]

    @property
    def label(self) -> str:
        """'A > B'; empty for text that stands directly under the article's title."""
        return " > ".join(self.heading_path)


@dataclass(frozen=True)
class Article:
    """One source article as read from one file."""

    id: str
    path: str
    title: str
    sections: tuple[Section, ...]
    question: str | None = None
    updated: str | None = None
    references: tuple[Reference, ...] = ()
    disclaimer: str | None = None
    url: str | None = None
    source: str | None = None
    metadata: dict[str, str] = field(default_factory=dict, compare=False)

    def reference_for(self, marker: int) -> Reference | None:
        """The listed entry attributed to ``marker``, or ``None`` when the article gives none."""
        for ref in self.references:
            if ref.number == marker:
                return ref
        return None

    @property
    def markers(self) -> tuple[int, ...]:
        """Every inline marker the article's text uses, sorted."""
        found = {m for s in self.sections for b in s.blocks for m in b.markers}
        return tuple(sorted(found))

    def self_reference(self) -> Reference:
        """The article cited as itself, for articles that list no references of their own."""
        return article_reference(self.title, self.source, self.updated, self.url)


def article_reference(title: str, source: str | None, updated: str | None, url: str | None) -> Reference:
    """An article as its own reference entry: kind 'Article', its title, source, year and url."""
    match = re.search(r"\b(19|20)\d{2}\b", updated or "")
    return Reference(
        number=None, kind="Article", title=title, source=source or "", year=match.group(0) if match else None, url=url
    )


class ReadError(Exception):
    """A file that cannot be read as an article; the message is one line for the index summary."""
