"""Section-aware chunks: each chunk lies inside one section, keeps its heading path, blocks and markers.

A chunk's ``text`` is the section's own lines (bullets as "• ", steps with their numbers), so every
sentence an answer quotes is a verbatim span of it. What gets embedded is ``embed_text``: the article
title and heading path above the text, so a question about "dosing" reaches the "Dosing protocol" bullets.
Long blocks are split on sentence boundaries; a chunk stays under ``max_chars`` (about 180 word pieces,
inside all-MiniLM-L6-v2's 256-token window together with its title and headings).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from corpus.text import split_sentences
from corpus.types import Article, Block, Section

CHUNKER_VERSION = "1"
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

    def embed_text(self, title: str) -> str:
        lines = [title]
        if self.heading_path:
            lines.append(" > ".join(self.heading_path))
        context = self.blocks[0].context if self.blocks else ()
        if context and not any(b.text in context for b in self.blocks):
            lines.append(" > ".join(c.rstrip(":") for c in context))
        lines.append(self.text)
        return "\n".join(lines)


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
    """A block longer than ``max_chars`` as several blocks of whole sentences (words as a last resort)."""
    if len(block.text) <= max_chars:
        return [block]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(block.text):
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        if not sentence:
            continue
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return [replace(block, text=p) for p in pieces]


def _section_groups(section: Section, max_chars: int) -> list[list[Block]]:
    groups: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for block in section.blocks:
        for piece in _split_long(block, max_chars):
            line = len(render_block(piece)) + 1
            if current and size + line > max_chars:
                groups.append(current)
                current, size = [], 0
            current.append(piece)
            size += line
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
