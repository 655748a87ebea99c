"""Reader for scraped plain-text articles (the seed format).

The layout, as scraped from a guideline-summary web page::

    <question>                        first line
    <web furniture>                   review status, "Last updated: <date>View editorial policy", ...
    <title>
    <summary paragraph>
    <headings, bullets (•), numbered steps ("1. Initial Assessment:") with inline markers>
    References                        <kind> / <title> / <source, year>, repeated
    Professional Medical Disclaimer   <disclaimer paragraph>
    <web furniture>                   "Have a follow-up question?", the site's advertisement

Headings are bare lines. Their nesting is not marked, so it is inferred only where the text shows it: a
heading directly followed by another heading opens a group and the second is its first child; a later
heading stays in that group only when it has the same form as that first child ("For Cramps:" after
"For Numbness:"); otherwise it starts a new top-level section. Missing nesting loses context; wrong
nesting would state something false about the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from corpus.references import attribute, looks_like_kind, split_source_year
from corpus.text import decode, normalize_space, strip_markers
from corpus.types import Article, Block, ReadError, Reference, Section

# Lines of web furniture; matched only in the header and the trailer, never inside the clinical text.
_FURNITURE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^medical advisory board",
        r"^all articles are reviewed",
        r"^educational purpose only",
        r"^article review status$",
        r"^(submitted|under review|approved|pending review)$",
        r"^last updated:",
        r"view editorial policy$",
        r"^personali[sz]e$",
        r"^help us tailor your experience$",
        r"^which best describes you\?",
        r"^have a follow-up question\?$",
        r"^our medical a\.?i\.? ",
        r"^ask any follow[- ]up question",
        r"^(share|print|copy link|feedback)$",
    )
]
_UPDATED = re.compile(r"last updated:\s*([A-Za-z]+ \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_BULLET = re.compile(r"^[•·▪◦‣\-*]\s+")
_STEP = re.compile(r"^\d{1,2}[.)]\s+\S")
_REFERENCES = re.compile(r"^references?:?$", re.IGNORECASE)
_DISCLAIMER = re.compile(r"^(professional )?(medical )?disclaimer:?$", re.IGNORECASE)


def _is_furniture(line: str) -> bool:
    return any(p.search(line) for p in _FURNITURE)


@dataclass
class _Line:
    indent: int
    text: str  # stripped


def _lines(text: str) -> list[_Line]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        expanded = raw.replace("\t", "    ").replace("\u00a0", " ")
        stripped = expanded.strip()
        if stripped:
            out.append(_Line(len(expanded) - len(expanded.lstrip(" ")), stripped))
    return out


def _is_list_item(line: _Line) -> bool:
    return bool(_BULLET.match(line.text) or _STEP.match(line.text))


def _is_heading(line: _Line, following: _Line | None) -> bool:
    if line.indent > 0 or _is_list_item(line) or following is None:
        return False
    if len(line.text) > 100 or line.text.endswith((".", "!", "?", ",", ";")):
        return False
    # A line that ends in a citation marker is a cited statement, not a heading.
    _, markers = strip_markers(line.text)
    return not markers


def _same_form(a: str, b: str) -> bool:
    """Two headings written alike: both end in ':' or both open with the same word ("For ...")."""
    if a.endswith(":") and b.endswith(":"):
        return True
    first_a, first_b = a.split()[0].lower(), b.split()[0].lower()
    return first_a == first_b and first_a in {"for", "in", "when", "with", "during", "after", "before"}


def _parse_body(lines: list[_Line], find_markers: bool = True) -> list[Section]:
    """Turn the clinical body (title excluded, references excluded) into sections of blocks."""
    sections: list[Section] = []
    path: list[str] = []
    first_child: str | None = None
    blocks: list[Block] = []
    heads: list[tuple[int, str]] = []  # open list items that end in ':' (depth, text)
    prev_heading = False
    seen_content_in_section = False

    def flush() -> None:
        nonlocal blocks
        if blocks:
            sections.append(Section(tuple(path), tuple(blocks)))
        blocks = []

    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else None
        if _is_heading(line, following):
            flush()
            heads = []
            assert following is not None
            next_is_heading = _is_heading(following, lines[i + 2] if i + 2 < len(lines) else None)
            heading = line.text.rstrip(":").strip()
            if prev_heading and path:
                path.append(heading)
                first_child = line.text
            elif next_is_heading:
                path = [heading]
                first_child = None
            elif len(path) >= 2 and first_child is not None and _same_form(first_child, line.text):
                path = [*path[:-1], heading]
            else:
                path = [heading]
                first_child = None
            prev_heading = True
            seen_content_in_section = False
            continue
        prev_heading = False
        if _is_list_item(line):
            kind = "step" if _STEP.match(line.text) else "bullet"
            content = _BULLET.sub("", line.text) if kind == "bullet" else line.text
            depth = max(1, line.indent // 2)
        else:
            if seen_content_in_section and blocks and blocks[-1].kind != "paragraph" and path:
                # A paragraph after a section's list closes that section: it speaks for the article.
                flush()
                path = []
                first_child = None
            kind, content, depth = "paragraph", line.text, 0
        if find_markers:
            text, markers = strip_markers(normalize_space(content))
        else:
            text, markers = normalize_space(content), ()
        while heads and heads[-1][0] >= depth:
            heads.pop()
        context = tuple(h for _, h in heads)
        blocks.append(Block(text=text, kind=kind, depth=depth, markers=markers, context=context))
        seen_content_in_section = True
        if kind != "paragraph" and text.endswith(":"):
            heads.append((depth, text))
    flush()
    return sections


def _parse_references(lines: list[_Line]) -> list[Reference]:
    """'<kind>' '<title>' '<source, year>' groups; a group without a kind label is still read."""
    entries: list[Reference] = []
    i = 0
    while i < len(lines):
        kind = "Reference"
        if looks_like_kind(lines[i].text):
            kind = lines[i].text.strip()
            i += 1
        if i >= len(lines):
            break
        title = lines[i].text
        source, year = "", None
        if i + 1 < len(lines) and not looks_like_kind(lines[i + 1].text):
            source, year = split_source_year(lines[i + 1].text)
            i += 2
        else:
            i += 1
        entries.append(Reference(number=None, kind=kind, title=title, source=source, year=year))
    return entries


def read_text_article(path: Path, data: bytes | None = None, article_id: str | None = None) -> Article:
    """Read one scraped plain-text article. Raises ReadError with a one-line reason."""
    text = decode(path.read_bytes() if data is None else data)
    lines = _lines(text)
    if not lines:
        raise ReadError("no text")

    question: str | None = None
    i = 0
    if lines[0].text.endswith("?"):
        question = lines[0].text
        i = 1
    updated: str | None = None
    while i < len(lines) and _is_furniture(lines[i].text):
        match = _UPDATED.search(lines[i].text)
        if match:
            updated = match.group(1)
        i += 1
    if i >= len(lines):
        raise ReadError("no article text after the page header")
    title = lines[i].text
    body_start = i + 1

    end = len(lines)
    refs_at = next((j for j in range(len(lines) - 1, body_start - 1, -1) if _REFERENCES.match(lines[j].text)), None)
    disc_at = next((j for j in range(body_start, len(lines)) if _DISCLAIMER.match(lines[j].text)), None)
    body_end = min(x for x in (refs_at, disc_at, end) if x is not None)

    reference_lines: list[_Line] = []
    if refs_at is not None:
        stop = disc_at if disc_at is not None and disc_at > refs_at else end
        reference_lines = [ln for ln in lines[refs_at + 1 : stop] if not _is_furniture(ln.text)]
    disclaimer: str | None = None
    if disc_at is not None:
        parts = []
        for ln in lines[disc_at + 1 :]:
            if _is_furniture(ln.text) or _REFERENCES.match(ln.text):
                break
            parts.append(ln.text)
        disclaimer = normalize_space(" ".join(parts)) or None

    sections = _parse_body(lines[body_start:body_end])
    if not any(s.blocks for s in sections):
        raise ReadError("no clinical text found under the title")
    blocks = [b for s in sections for b in s.blocks]
    references = attribute(_parse_references(reference_lines), blocks)
    if not references:
        # Without a reference list, trailing numbers are more likely text than markers: keep them as text.
        sections = _parse_body(lines[body_start:body_end], find_markers=False)
    return Article(
        id=article_id or path.stem,
        path=str(path),
        title=title,
        question=question,
        updated=updated,
        sections=tuple(sections),
        references=references,
        disclaimer=disclaimer,
    )
