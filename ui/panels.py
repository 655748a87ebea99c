"""What the web page shows beside the chat: the sources panel, follow-up suggestions, the export.

Everything taken from an article is escaped here; only our own tags reach the page, and only http(s)
links, so a corpus file cannot run script or inject links into the browser.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from typing import Any

from assistant.types import Answer, Citation
from ui.render import answer_markdown, escape_md, page_text, reference_line


def _safe_url(url: str | None) -> str | None:
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


def highlighted(passage: str, quotes: Sequence[str]) -> str:
    """The passage as HTML with each quoted line marked; all source text escaped."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        at = passage.find(quote) if quote else -1
        if at >= 0:
            spans.append((at, at + len(quote)))
    spans.sort()
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out.append(html.escape(passage[cursor:start]))
        out.append(f"<mark>{html.escape(passage[start:end])}</mark>")
        cursor = end
    out.append(html.escape(passage[cursor:]))
    return "".join(out)


def citation_html(c: Citation) -> str:
    if c.reference is not None and c.reference.kind != "Article":
        ref = f'<div class="src-ref">{html.escape(reference_line(c.reference))}</div>'
    elif c.marker is not None:
        ref = (
            f'<div class="src-ref src-unlisted">The article cites its source {c.marker} here but does not list '
            "it in its references.</div>"
        )
    else:
        ref = ""
    section = f'<div class="src-section">{html.escape(c.section)}</div>' if c.section != c.article_title else ""
    page = ""
    if c.page is not None:
        # The app serves the PDFs of the indexed corpus (ui.web.pdf_route); #page= opens the viewer there.
        href = f"/pdf/{html.escape(c.article_id)}#page={int(c.page)}"
        page = (
            f'<div class="src-page"><a href="{href}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(page_text(c))}</a></div>"
        )
    dated = f'<div class="src-date">Dated {html.escape(c.source_date)}</div>' if c.source_date else ""
    url = _safe_url(c.url)
    link = (
        f'<div class="src-url"><a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
        f"{html.escape(url)}</a></div>"
        if url
        else ""
    )
    return (
        f'<div class="source" id="source-{c.number}"><div class="src-head"><b>[{c.number}]</b> '
        f"{html.escape(c.article_title)}</div>{section}{page}{dated}{ref}"
        f'<blockquote class="src-passage">{highlighted(c.passage, c.quote.splitlines())}</blockquote>{link}</div>'
    )


def sources_html(answer: Answer | None) -> str:
    """The sources panel for the latest answer."""
    if answer is None:
        return '<div class="sources-empty">Sources of the latest answer appear here, with the quoted text marked.</div>'
    if answer.abstained:
        return (
            '<div class="sources-empty">No sources: the question was not answered from the articles. '
            f"{html.escape(answer.reason)}</div>"
        )
    if not answer.citations:
        return '<div class="sources-empty"></div>'
    return "".join(citation_html(c) for c in answer.citations)


def suggestions(answer: Answer | None, store: Any, limit: int = 3) -> list[str]:
    """Follow-up questions from the sections near the cited ones in the first cited article."""
    if answer is None or answer.abstained or not answer.citations:
        return []
    first = answer.citations[0]
    try:
        got = store.collection.get(where={"article_id": first.article_id}, include=["metadatas"])
    except Exception:
        return []
    order: dict[str, int] = {}
    for meta in sorted(got.get("metadatas") or [], key=lambda m: int(m.get("position", 0))):
        label = str(meta.get("section") or "")
        if label and label not in order:
            order[label] = int(meta.get("position", 0))
    cited = {c.section for c in answer.citations if c.article_id == first.article_id}
    anchors = [order[s] for s in cited if s in order] or [0]
    nearby = sorted((s for s in order if s not in cited), key=lambda s: min(abs(order[s] - a) for a in anchors))
    out: list[str] = []
    for label in nearby:
        leaf = label.split(" > ")[-1].strip()
        words = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in leaf.split())
        question = leaf if leaf.endswith("?") else f"What about {words}?"
        if question not in out and question.strip("?").strip().lower() != answer.question.strip("?").strip().lower():
            out.append(question)
        if len(out) == limit:
            break
    return out


def conversation_markdown(turns: Sequence[tuple[str, Answer]], disclaimer: str) -> str:
    """The whole conversation as Markdown: each question, its standalone query, the cited answer."""
    lines = ["# clinqa conversation", "", f"Exported {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", ""]
    for question, answer in turns:
        lines.append(f"## {escape_md(question)}")
        lines.append("")
        if answer.standalone_query and answer.standalone_query != question.strip():
            lines.append(f"*Searched for: {escape_md(answer.standalone_query)}*")
            lines.append("")
        lines.append(answer_markdown(answer) or "*(no answer)*")
        lines.append("")
    lines.append("---")
    lines.append("")
    lines.append(f"**Professional disclaimer.** {escape_md(disclaimer)}")
    return "\n".join(lines) + "\n"
