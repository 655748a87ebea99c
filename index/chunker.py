"""Section-aware chunks: each chunk lies inside one section, keeps its heading path, blocks and markers.

A chunk's ``text`` is the section's own lines (bullets as "• ", steps with their numbers), so every
sentence an answer quotes is a verbatim span of it. What gets embedded is ``embed_text``: the article
title and heading path above the text, so a question about "dosing" reaches the "Dosing protocol" bullets.

A chunk's ``units`` are what an answer may quote: each sentence of a paragraph and each list item, with the
headings it stands under. Each unit is embedded too (``unit_embed_text``: its headings, then its text), at
index time, so that an answer can pick its statements by meaning without embedding them per question.
Long blocks are split on sentence boundaries; a chunk stays under ``max_chars`` (about 180 word pieces,
inside all-MiniLM-L6-v2's 256-token window together with its title and headings).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from corpus.text import split_sentences
from corpus.types import Article, Block, Section

# 2: chunks carry the vectors of their units; a table's rows stay in one chunk when they fit.
CHUNKER_VERSION = "2"
MAX_CHARS = 700


@dataclass(frozen=True)
class Chunk:
    """A piece of one article's section, as stored and retrieved."""

    id: str
    article_id: str
    position: int
    heading_path: tuple[str, ...]
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n".join(render_block(b) for b in self.blocks)

    @property
    def markers(self) -> tuple[int, ...]:
        return tuple(sorted({m for b in self.blocks for m in b.markers}))

    @property
    def units(self) -> list[Unit]:
        return statement_units(self.heading_path, self.blocks)

    def embed_text(self, title: str) -> str:
        lines = [title]
        if self.heading_path:
            lines.append(" > ".join(self.heading_path))
        context = self.blocks[0].context if self.blocks else ()
        if context and not any(b.text in context for b in self.blocks):
            lines.append(" > ".join(c.rstrip(":") for c in context))
        lines.append(self.text)
        return "\n".join(lines)


@dataclass(frozen=True)
class Unit:
    """One quotable statement of a chunk: a sentence of a paragraph, or a whole list item, step,
    recommendation or table row.

    ``heading`` is the heading path and the list items it is nested under ("Baclofen > Dosing protocol");
    ``markers`` the citation markers the statement carries; ``page`` and ``page_label`` where it begins in a
    paged source (None elsewhere).
    """

    block_index: int
    text: str
    heading: str
    markers: tuple[int, ...] = ()
    page: int | None = None
    page_label: str | None = None


# Blocks quoted whole, never cut into sentences: a recommendation keeps its grading, a row its cells.
WHOLE = frozenset(["bullet", "step", "recommendation", "row"])


def statement_units(heading_path: tuple[str, ...], blocks: tuple[Block, ...]) -> list[Unit]:
    """The units of a chunk's blocks, in reading order. A list item ending in ':' heads the items below it
    (it is their ``heading``), and is not a unit itself; nor is a table's header row."""
    out: list[Unit] = []
    for i, block in enumerate(blocks):
        if block.kind == "header" or (block.kind != "paragraph" and block.text.endswith(":")):
            continue  # a table's header row names its columns; it states nothing
        heading = " > ".join([*heading_path, *(c.rstrip(":").strip() for c in block.context)])
        pieces = [block.text] if block.kind in WHOLE else split_sentences(block.text)
        at = 0
        for piece in pieces:
            if not piece or piece.endswith(":"):
                continue  # "... include the following:" introduces what follows; it answers nothing
            start = block.text.find(piece, at)
            start = max(start, 0)
            at = start + len(piece)
            page = block.page_at(start)
            markers = block.markers_between(start, at)
            out.append(Unit(i, piece, heading, markers, *(page if page else (None, None))))
    return out


def unit_embed_text(unit: Unit) -> str:
    """What is embedded for a unit: its headings, then its text ("Baclofen > Dosing protocol: Start at ...")."""
    return f"{unit.heading}: {unit.text}" if unit.heading else unit.text


def render_block(block: Block) -> str:
    """One block as a line of chunk text: indented by depth, bullets with '• ', steps as written."""
    indent = "  " * max(0, block.depth - 1)
    if block.kind == "bullet":
        return f"{indent}• {block.text}"
    return f"{indent}{block.text}"


def chunking_signature(max_chars: int = MAX_CHARS) -> str:
    """A short name for the chunking settings; part of the collection name."""
    return f"c{CHUNKER_VERSION}-{max_chars}"


def _split_long(block: Block, max_chars: int) -> list[Block]:
    """A block longer than ``max_chars`` as several blocks of whole sentences (words as a last resort), each a
    span of the original text with its pages and markers. A recommendation or a table row stays whole."""
    if len(block.text) <= max_chars or block.kind in ("recommendation", "row", "header"):
        return [block]
    spans: list[tuple[int, int]] = []  # (start, end) of each piece in block.text
    current: tuple[int, int] | None = None
    at = 0
    for sentence in split_sentences(block.text):
        start = block.text.find(sentence, at)
        at = start + len(sentence)
        end = at
        while end - start > max_chars:
            cut = block.text.rfind(" ", start, start + max_chars)
            cut = cut if cut > start + max_chars // 2 else start + max_chars
            if current:
                spans.append(current)
                current = None
            spans.append((start, len(block.text[:cut].rstrip())))
            start = cut + len(block.text[cut:end]) - len(block.text[cut:end].lstrip())
        if start >= end:
            continue
        if current and end - current[0] > max_chars:
            spans.append(current)
            current = (start, end)
        else:
            current = (current[0], end) if current else (start, end)
    if current:
        spans.append(current)
    return [block.slice(a, b) for a, b in spans]


def _atoms(section: Section, max_chars: int) -> list[list[Block]]:
    """The section's blocks (long ones split) in runs that should share a chunk: the rows of one table (with
    the table's caption just before them) stay together when they fit in one chunk."""
    atoms: list[list[Block]] = []
    for block in section.blocks:
        for piece in _split_long(block, max_chars):
            last = atoms[-1] if atoms else None
            if last is not None and _same_table(last, piece):
                last.append(piece)
            else:
                atoms.append([piece])
    fitted: list[list[Block]] = []
    for atom in atoms:
        if sum(len(render_block(b)) + 1 for b in atom) <= max_chars:
            fitted.append(atom)
        else:
            fitted.extend([b] for b in atom)
    return fitted


def _same_table(atom: list[Block], block: Block) -> bool:
    """Whether ``block`` goes on the table that ``atom`` holds or whose caption it is."""
    if block.kind not in ("row", "header"):
        return False
    before = atom[-1]
    if before.kind in ("row", "header"):
        return block.kind == "row" and (before.context == block.context or before.text in block.context)
    return len(atom) == 1 and before.kind == "paragraph" and before.text in block.context


def _section_groups(section: Section, max_chars: int) -> list[list[Block]]:
    groups: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for atom in _atoms(section, max_chars):
        length = sum(len(render_block(b)) + 1 for b in atom)
        if current and size + length > max_chars:
            groups.append(current)
            current, size = [], 0
        current.extend(atom)
        size += length
    if current:
        groups.append(current)
    return groups


def chunk_article(article: Article, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """The article's chunks in reading order.

    A chunk id names the article, the position and a digest of the chunk's text and of the whole article's
    text: the same text always gets the same ids, and any change to the article gives every chunk a new id,
    so a new version is written beside the old one, never over part of it (readers then keep to one version).
    """
    version = hashlib.sha1(
        json.dumps([[s.heading_path, [b.text for b in s.blocks]] for s in article.sections]).encode()
    ).hexdigest()
    chunks: list[Chunk] = []
    for section in article.sections:
        for blocks in _section_groups(section, max_chars):
            position = len(chunks)
            text = json.dumps([version, section.heading_path, [b.text for b in blocks]])
            digest = hashlib.sha1(text.encode()).hexdigest()[:10]
            chunks.append(
                Chunk(
                    id=f"{article.id}:{position:04d}:{digest}",
                    article_id=article.id,
                    position=position,
                    heading_path=section.heading_path,
                    blocks=tuple(blocks),
                )
            )
    return chunks
