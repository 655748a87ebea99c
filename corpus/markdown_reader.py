"""Reader for Markdown articles with YAML front matter (title, source, url, updated, ...).

``#`` is the title, ``##`` and deeper headings make the heading path, ``-``/``*`` items are bullets,
``1.`` items are steps, and consecutive plain lines form one paragraph. Bracketed markers (``[1]``,
``[^2]``) are citation markers; a ``## References`` section with a numbered list gives their entries.
An article without a reference list is cited as itself (title, source, url).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from corpus.references import attribute, split_source_year
from corpus.text import decode, normalize_space
from corpus.types import Article, Block, ReadError, Reference, Section

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_STEP = re.compile(r"^(\s*)(\d{1,3})[.)]\s+(.*)$")
_MARKER = re.compile(r"\s*\[\^?(\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*)\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?!\s)|(?<![\w_])_(?!\s))")
_REFERENCES = re.compile(r"^(references?|bibliography|sources)$", re.IGNORECASE)
_DISCLAIMER = re.compile(r"disclaimer", re.IGNORECASE)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    match = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.DOTALL)
    if not match:
        raise ReadError("front matter opened with '---' but never closed")
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        raise ReadError(f"front matter is not valid YAML{where}") from exc
    if not isinstance(data, dict):
        raise ReadError("front matter is not a YAML mapping")
    return {str(k): v for k, v in data.items()}, text[match.end() :]


def _markers(text: str) -> tuple[str, tuple[int, ...]]:
    found: list[int] = []
    for match in _MARKER.finditer(text):
        for part in re.split(r"\s*,\s*", match.group(1)):
            if re.search(r"[\u2013-]", part):
                lo, hi = (int(x) for x in re.split(r"\s*[\u2013-]\s*", part))
                found.extend(range(lo, hi + 1) if 0 < hi - lo < 20 else (lo, hi))
            else:
                found.append(int(part))
    return _MARKER.sub("", text).strip(), tuple(dict.fromkeys(found))


def _clean_inline(text: str) -> str:
    """Markdown inline syntax removed: link text kept, emphasis marks and code ticks dropped."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _EMPHASIS.sub("", text)
    return normalize_space(text.replace("`", ""))


def _parse_reference_entry(raw: str, number: int | None) -> Reference:
    text = _clean_inline(raw)
    parts = [p.strip() for p in re.split(r"\.\s+", text) if p.strip()]
    title = parts[0] if parts else text
    source, year = split_source_year(". ".join(parts[1:])) if len(parts) > 1 else ("", None)
    if year is None:
        match = re.search(r"\b(19|20)\d{2}\b", text)
        year = match.group(0) if match else None
    url_match = re.search(r"https?://\S+", raw)
    return Reference(
        number=number,
        kind="Reference",
        title=title,
        source=source,
        year=year,
        url=url_match.group(0).rstrip(").") if url_match else None,
    )


def read_markdown_article(path: Path, data: bytes | None = None, article_id: str | None = None) -> Article:
    """Read one Markdown article. Raises ReadError with a one-line reason."""
    meta, body = _front_matter(decode(path.read_bytes() if data is None else data))
    title = str(meta.get("title") or "").strip()
    sections: list[Section] = []
    path_stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    paragraph: list[str] = []
    heads: list[tuple[int, str]] = []
    references: list[Reference] = []
    disclaimer_parts: list[str] = []
    mode = "body"  # or "references" / "disclaimer"
    in_code = False

    def heading_path() -> tuple[str, ...]:
        return tuple(h for _, h in path_stack)

    def flush_paragraph() -> None:
        if not paragraph:
            return
        raw = " ".join(paragraph)
        paragraph.clear()
        if mode == "disclaimer":
            disclaimer_parts.append(_clean_inline(raw))
            return
        if mode == "references":
            references.append(_parse_reference_entry(raw, None))
            return
        text, markers = _markers(_clean_inline(raw))
        if text:
            blocks.append(Block(text=text, markers=markers))

    def flush_section() -> None:
        nonlocal blocks
        flush_paragraph()
        if blocks:
            sections.append(Section(heading_path(), tuple(blocks)))
        blocks = []

    for line in body.replace("\r\n", "\n").split("\n"):
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        heading = None if in_code else _HEADING.match(line)
        if heading:
            flush_section()
            heads = []
            level, text = len(heading.group(1)), _clean_inline(heading.group(2))
            if level == 1 and not title:
                title = text
            if level == 1:
                path_stack = []
                mode = "body"
                continue
            while path_stack and path_stack[-1][0] >= level:
                path_stack.pop()
            if _REFERENCES.match(text):
                mode = "references"
                continue
            if _DISCLAIMER.search(text):
                mode = "disclaimer"
                continue
            mode = "body"
            path_stack.append((level, text))
            continue
        if not line.strip():
            flush_paragraph()
            continue
        bullet = _BULLET.match(line)
        step = None if bullet else _STEP.match(line)
        if (bullet or step) and not in_code:
            flush_paragraph()
            indent = len((bullet or step).group(1).replace("\t", "    "))  # type: ignore[union-attr]
            depth = indent // 2 + 1
            raw = bullet.group(2) if bullet else f"{step.group(2)}. {step.group(3)}"  # type: ignore[union-attr]
            if mode == "references":
                references.append(
                    _parse_reference_entry(step.group(3) if step else raw, int(step.group(2)) if step else None)
                )
                continue
            if mode == "disclaimer":
                disclaimer_parts.append(_clean_inline(raw))
                continue
            text, markers = _markers(_clean_inline(raw))
            if not text:
                continue
            while heads and heads[-1][0] >= depth:
                heads.pop()
            blocks.append(
                Block(
                    text=text,
                    kind="step" if step else "bullet",
                    depth=depth,
                    markers=markers,
                    context=tuple(h for _, h in heads),
                )
            )
            if text.endswith(":"):
                heads.append((depth, text))
            continue
        paragraph.append(line.strip())
    flush_section()

    if not title:
        raise ReadError("no title (front matter 'title' or a '# ' heading)")
    if not any(s.blocks for s in sections):
        raise ReadError("no text under the title")
    all_blocks = [b for s in sections for b in s.blocks]
    updated = meta.get("updated") or meta.get("last_updated") or meta.get("date")
    return Article(
        id=article_id or path.stem,
        path=str(path),
        title=title,
        question=str(meta["question"]) if meta.get("question") else None,
        updated=str(updated) if updated else None,
        sections=tuple(sections),
        references=attribute(references, all_blocks),
        disclaimer=normalize_space(" ".join(disclaimer_parts)) or None,
        url=str(meta["url"]) if meta.get("url") else None,
        source=str(meta["source"]) if meta.get("source") else None,
        metadata={k: str(v) for k, v in meta.items() if isinstance(v, str | int | float)},
    )
