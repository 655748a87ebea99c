"""Reader for HTML articles.

The title is the first ``<h1>`` (else ``<title>``); ``<h2>``-``<h6>`` make the heading path; ``<p>`` are
paragraphs and ``<li>`` bullets or steps, nested by their lists. ``<sup>`` numbers are citation markers.
A heading "References" followed by a list gives the entries (numbered when the list is ``<ol>``); a
heading with "Disclaimer" gives the disclaimer. Scripts, styles, navigation, headers, footers, forms and
asides are web furniture and are dropped; no markup survives into the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from corpus.references import attribute, split_source_year
from corpus.text import decode, normalize_space
from corpus.types import Article, Block, ReadError, Reference, Section

_FURNITURE_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "svg",
    "template",
    "select",
    "input",
)
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_UPDATED = re.compile(r"(?:last )?updated:?\s*([A-Za-z]+ \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def _text_and_markers(tag: Tag) -> tuple[str, tuple[int, ...]]:
    markers: list[int] = []
    parts: list[str] = []
    for node in tag.descendants:
        if isinstance(node, NavigableString):
            parent = node.parent
            if parent is not None and parent.name == "sup":
                found = re.findall(r"\d{1,3}", str(node))
                if found and re.fullmatch(r"[\d,\s\[\]\u2013-]+", str(node)):
                    markers.extend(int(n) for n in found)
                    continue
            # Text of nested lists belongs to their own items.
            if any(p.name in ("ul", "ol") for p in node.parents if p is not tag and _inside(p, tag)):
                continue
            parts.append(str(node))
    return normalize_space("".join(parts)), tuple(dict.fromkeys(markers))


def _inside(node: Tag, root: Tag) -> bool:
    return any(p is root for p in node.parents)


def read_html_article(path: Path, data: bytes | None = None, article_id: str | None = None) -> Article:
    """Read one HTML article. Raises ReadError with a one-line reason."""
    soup = BeautifulSoup(decode(path.read_bytes() if data is None else data), "html.parser")
    url = None
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and canonical.get("href"):
        url = str(canonical["href"])
    og_url = soup.find("meta", property="og:url")
    if url is None and isinstance(og_url, Tag) and og_url.get("content"):
        url = str(og_url["content"])
    site = soup.find("meta", property="og:site_name")
    source = str(site["content"]) if isinstance(site, Tag) and site.get("content") else None
    for tag in soup.find_all(_FURNITURE_TAGS):
        tag.decompose()

    h1 = soup.find("h1")
    title = normalize_space(h1.get_text(" ")) if isinstance(h1, Tag) else ""
    if not title and soup.title is not None:
        title = normalize_space(soup.title.get_text(" "))
    if not title:
        raise ReadError("no title (<h1> or <title>)")

    root = soup.body or soup
    updated = None
    match = _UPDATED.search(root.get_text(" "))
    if match:
        updated = match.group(1)

    sections: list[Section] = []
    path_stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    references: list[Reference] = []
    disclaimer: list[str] = []
    mode = "body"

    def flush() -> None:
        nonlocal blocks
        if blocks:
            sections.append(Section(tuple(h for _, h in path_stack), tuple(blocks)))
        blocks = []

    for tag in root.find_all(["h1", *_HEADINGS, "p", "li", "td", "dd", "blockquote"]):
        if tag.name == "h1":
            continue
        if tag.name in _HEADINGS:
            flush()
            level = int(tag.name[1])
            text = normalize_space(tag.get_text(" "))
            while path_stack and path_stack[-1][0] >= level:
                path_stack.pop()
            if re.fullmatch(r"(references?|bibliography|sources)", text, re.IGNORECASE):
                mode = "references"
            elif "disclaimer" in text.lower():
                mode = "disclaimer"
            else:
                mode = "body"
                if text:
                    path_stack.append((level, text))
            continue
        # A <p> inside an <li> is read with its item.
        if tag.name != "li" and tag.find_parent("li") is not None:
            continue
        text, markers = _text_and_markers(tag)
        if not text or (text.lower().startswith(("updated", "last updated")) and _UPDATED.match(text)):
            continue
        if mode == "references":
            parent = tag.find_parent(["ol", "ul"])
            number = None
            if tag.name == "li" and parent is not None and parent.name == "ol":
                number = len(tag.find_previous_siblings("li")) + 1
            parts = [p.strip() for p in re.split(r"\.\s+", text) if p.strip()]
            src, year = split_source_year(". ".join(parts[1:])) if len(parts) > 1 else ("", None)
            references.append(
                Reference(number=number, kind="Reference", title=parts[0] if parts else text, source=src, year=year)
            )
            continue
        if mode == "disclaimer":
            disclaimer.append(text)
            continue
        if tag.name == "li":
            lists = [p for p in tag.parents if isinstance(p, Tag) and p.name in ("ul", "ol")]
            parent = lists[0] if lists else None
            kind = "step" if parent is not None and parent.name == "ol" else "bullet"
            if kind == "step":
                text = f"{len(tag.find_previous_siblings('li')) + 1}. {text}"
            blocks.append(Block(text=text, kind=kind, depth=max(1, len(lists)), markers=markers))
        else:
            blocks.append(Block(text=text, markers=markers))
    flush()
    if not any(s.blocks for s in sections):
        raise ReadError("no text under the title")
    all_blocks = [b for s in sections for b in s.blocks]
    return Article(
        id=article_id or path.stem,
        path=str(path),
        title=title,
        updated=updated,
        sections=tuple(sections),
        references=attribute(references, all_blocks),
        disclaimer=normalize_space(" ".join(disclaimer)) or None,
        url=url,
        source=source,
    )
