"""Property tests on the readers and the chunker: any input is read or refused in one line, never a crash;
no clinical sentence of a valid article is lost between the file and the chunks."""

from __future__ import annotations

import html
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.loader import read_article
from corpus.types import ReadError
from index.chunker import MAX_CHARS, chunk_article

SUFFIXES = [".md", ".html", ".txt"]

# Text that looks like what readers meet: markup characters, markers, numbers, odd whitespace, any Unicode.
MARKUPISH = st.lists(
    st.one_of(
        st.sampled_from(list("#-*•[]()<>/=\"'`:|\n\t \r0123456789.,;")),
        st.sampled_from(["<h2>", "</p>", "<li>", "<script>", "---\n", "## ", "- ", "1. ", "[1]", "References\n"]),
        st.text(max_size=12),
    ),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=600), MARKUPISH.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       suffix=st.sampled_from(SUFFIXES))  # fmt: skip
def test_any_bytes_are_read_or_refused_with_a_reason(data: bytes, suffix: str) -> None:
    try:
        article = read_article("prop", Path(f"prop{suffix}"), data)
    except ReadError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for chunk in chunk_article(article):
        assert chunk.id.startswith("prop:") and chunk.text.strip()


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
DOSE = st.builds(lambda n, u: f"{n} {u}", st.integers(1, 999), st.sampled_from(["mg/day", "mg", "mL", "units/kg"]))
SENTENCE = st.builds(
    lambda first, words, dose: " ".join([first.capitalize(), *words, dose]) + ".",
    WORD,
    st.lists(WORD, min_size=2, max_size=30),
    st.one_of(st.just("daily"), DOSE),
)
SECTION = st.tuples(
    st.lists(WORD, min_size=1, max_size=4).map(lambda ws: " ".join(ws).capitalize()),
    st.lists(SENTENCE, min_size=1, max_size=8),
    st.lists(SENTENCE, max_size=4),
)


def markdown_article(title: str, sections: list[tuple[str, list[str], list[str]]]) -> str:
    lines = ["---", f"title: {title}", "---", f"# {title}", ""]
    for heading, paragraph, bullets in sections:
        lines += [f"## {heading}", "", " ".join(paragraph), ""]
        lines += [f"- {b}" for b in bullets] + [""]
    return "\n".join(lines)


def html_article(title: str, sections: list[tuple[str, list[str], list[str]]]) -> str:
    parts = [f"<html><head><title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"]
    for heading, paragraph, bullets in sections:
        parts.append(f"<h2>{heading}</h2><p>{' '.join(paragraph)}</p>")
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{b}</li>" for b in bullets) + "</ul>")
    return "".join(parts) + "</body></html>"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.lists(WORD, min_size=1, max_size=5).map(lambda ws: " ".join(ws).title()),
    sections=st.lists(SECTION, min_size=1, max_size=5),
    form=st.sampled_from(["md", "html"]),
)
def test_no_sentence_of_a_valid_article_is_lost_between_file_and_chunks(
    title: str, sections: list[tuple[str, list[str], list[str]]], form: str
) -> None:
    text = markdown_article(title, sections) if form == "md" else html_article(title, sections)
    article = read_article("prop", Path(f"prop.{form}"), text.encode("utf-8"))
    chunks = chunk_article(article)
    chunked = "\n".join(c.text for c in chunks)
    for heading, paragraph, bullets in sections:
        for sentence in [*paragraph, *bullets]:
            assert sentence in chunked, (sentence, heading)
    for chunk in chunks:
        # Over the limit only when one sentence alone is longer (sentences are never cut).
        assert len(chunk.text) <= MAX_CHARS or len(chunk.blocks) == 1
