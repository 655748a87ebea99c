"""Answers rendered for people and programs: Markdown for the web chat, plain text for a terminal, JSON for
`clinqa ask --json`.

Source text is data: everything quoted from an article is escaped before it goes into Markdown, so a
corpus file cannot inject links, images or HTML into the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

from assistant.types import Answer, Citation, Statement
from corpus.types import Reference

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def escape_md(text: str) -> str:
    """Text shown literally in Markdown: Markdown and HTML syntax characters escaped, '&' as an entity."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def reference_line(ref: Reference) -> str:
    """'Guideline: Management of Muscle Cramps in Dialysis Patients. Praxis Medical Insights, 2025.'"""
    parts = [f"{ref.kind}: {ref.title.rstrip('.')}"]
    if ref.source:
        parts.append(ref.source + (f", {ref.year}" if ref.year else ""))
    elif ref.year:
        parts.append(ref.year)
    return ". ".join(parts) + "."


def page_text(citation: Citation) -> str:
    """'p. 11 (PDF page 13)' for a PDF source (the printed label, and the physical page when it differs);
    '' for other sources."""
    if citation.page is None:
        return ""
    label = citation.page_label or str(citation.page)
    return f"p. {label}" if label == str(citation.page) else f"p. {label} (PDF page {citation.page})"


def citation_line(citation: Citation) -> str:
    """One line of the sources list, plain text (escape before putting it into Markdown)."""
    where = citation.article_title
    if citation.section and citation.section != citation.article_title:
        where += f" › {citation.section}"
    page = page_text(citation)
    if page:
        where += f", {page}"
    if citation.source_date and (citation.reference is None or citation.reference.kind != "Article"):
        where += f" (dated {citation.source_date})"
    if citation.reference is not None and citation.reference.kind != "Article":
        return f"{where} — {reference_line(citation.reference)}"
    if citation.marker is not None and citation.reference is None:
        return f"{where} — the article's source {citation.marker} (not in its reference list)"
    return where


def answer_markdown(answer: Answer, disclaimer: str | None = None, link_citations: bool = False) -> str:
    """The answer as the chat shows it: lead statement, statements under their headings, then sources.

    With ``link_citations`` each [n] links to ``#source-n``, the source's card in the web page's panel.
    """
    lines: list[str] = []
    if answer.notice:
        lines.append(f"*{escape_md(answer.notice)}*")
        lines.append("")
    if answer.abstained:
        if answer.reason:
            lines.append(f"**Not answered from the sources.** {escape_md(answer.reason)}")
            lines.append("")
            lines.append("Try naming the condition or drug, or rephrasing the question.")
        return "\n".join(lines).strip()
    if not answer.statements:
        return "\n".join(lines).strip()

    def marks(numbers: tuple[int, ...]) -> str:
        if link_citations:
            return "".join(f"[\\[{n}\\]](#source-{n})" for n in numbers)
        return "".join(f"[{n}]" for n in numbers)

    def flag(statement: Statement) -> str:
        if statement.supported:
            return ""
        return f" ⚠ *not supported by the cited source: {escape_md('; '.join(statement.issues))}*"

    lead = answer.statements[0]
    # Where the lead stands, after it: "Maximum dose: typically 80 mg/day" names no drug; its heading does.
    where = f" *({escape_md(lead.heading.replace(' > ', ' › '))})*" if lead.heading else ""
    lines.append(f"{escape_md(lead.text)} {marks(lead.citation_numbers)}{where}{flag(lead)}")
    for heading, statement in under_headings(answer.statements[1:]):
        if heading is not None:
            lines += ["", f"**{escape_md(heading)}**"] if heading else [""]
        lines.append(f"- {escape_md(statement.text)} {marks(statement.citation_numbers)}{flag(statement)}")
    if answer.citations:
        lines.append("")
        lines.append("**Sources**")
        for citation in answer.citations:
            lines.append(f"{citation.number}. {escape_md(citation_line(citation))}")
    if disclaimer:
        lines.append("")
        lines.append(f"*{escape_md(disclaimer)}*")
    return "\n".join(lines)


def under_headings(statements: Sequence[Statement]) -> Iterator[tuple[str | None, Statement]]:
    """Each statement with the heading to print before it: its heading where it changes ('' for none, which
    still opens a new group), None where it goes on under the one before."""
    heading: str | None = None
    for statement in statements:
        if statement.heading != heading:
            heading = statement.heading
            yield heading, statement
        else:
            yield None, statement


def _plain(text: str, **_: Any) -> str:
    return text


def answer_text(answer: Answer, style: Any = _plain) -> str:
    """The answer for a terminal: the lead, statements as bullets under their headings, each with its [n],
    then the numbered sources; no Markdown. ``style`` is ``click.style`` for colour (click drops it when the
    output is not a terminal)."""
    lines: list[str] = []
    if answer.notice:
        lines += [style(answer.notice, italic=True), ""]
    if answer.abstained:
        if answer.reason:
            lines.append(style("Not answered from the sources.", bold=True) + f" {answer.reason}")
            lines.append("Try naming the condition or drug, or rephrasing the question.")
        return "\n".join(lines).strip()
    if not answer.statements:
        return "\n".join(lines).strip()

    def marks(statement: Statement) -> str:
        cited = style("".join(f"[{n}]" for n in statement.citation_numbers), fg="cyan")
        if statement.supported:
            return cited
        return cited + " " + style(f"(not supported by the cited source: {'; '.join(statement.issues)})", fg="yellow")

    lead = answer.statements[0]
    where = " " + style(f"({lead.heading.replace(' > ', ' › ')})", dim=True) if lead.heading else ""
    lines.append(f"{lead.text} {marks(lead)}{where}")
    for heading, statement in under_headings(answer.statements[1:]):
        if heading is not None:
            lines += ["", style(heading.replace(" > ", " › "), bold=True)] if heading else [""]
        lines.append(f"  • {statement.text} {marks(statement)}")
    if answer.citations:
        lines += ["", style("Sources", bold=True)]
        for citation in answer.citations:
            lines.append(style(f"  [{citation.number}] ", fg="cyan") + citation_line(citation))
    return "\n".join(lines)


def reference_json(ref: Reference | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    data = asdict(ref)
    data.pop("number", None)
    return data


def answer_json(answer: Answer) -> dict[str, Any]:
    """One turn in the JSON contract of `clinqa ask --json` (see the README)."""
    return {
        "question": answer.question,
        "standalone_query": answer.standalone_query,
        "abstained": answer.abstained,
        "reason": answer.reason or None,
        "notice": answer.notice or None,
        "answer_markdown": answer_markdown(answer),
        "engine": answer.engine,
        "unsupported_statements": answer.unsupported,
        "statements": [
            {
                "text": s.text,
                "citations": list(s.citation_numbers),
                "section": s.heading,
                "supported": s.supported,
                "issues": list(s.issues),
                "page": s.page,
                "page_label": s.page_label,
            }
            for s in answer.statements
        ],
        "citations": [
            {
                "number": c.number,
                "article_id": c.article_id,
                "article_title": c.article_title,
                "article_path": c.article_path,
                "section": c.section,
                "marker": c.marker,
                "reference": reference_json(c.reference),
                "quote": c.quote,
                "chunk_id": c.chunk_id,
                "url": c.url,
                "page": c.page,
                "page_label": c.page_label,
                "source_date": c.source_date,
                "evidence_year": c.evidence_year,
            }
            for c in answer.citations
        ],
        "timings_ms": {k: round(v, 2) for k, v in answer.timings_ms.items()},
    }
