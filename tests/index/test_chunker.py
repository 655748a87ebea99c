"""Chunks: inside one section, under the size limit, every block kept, ids stable."""

from __future__ import annotations

from pathlib import Path

from corpus.text_reader import read_text_article
from corpus.types import Article, Block, Section
from index.chunker import MAX_CHARS, chunk_article, render_block
from tests.conftest import SEEDS


def test_seed_chunks_keep_sections_blocks_and_markers() -> None:
    article = read_text_article(SEEDS / "ms-muscle-cramps.txt")
    chunks = chunk_article(article)
    assert [b for c in chunks for b in c.blocks] == [b for s in article.sections for b in s.blocks]
    for chunk in chunks:
        assert len(chunk.text) <= MAX_CHARS
        assert chunk.heading_path in {s.heading_path for s in article.sections}
        for block in chunk.blocks:
            assert block.text in chunk.text
    dosing = next(c for c in chunks if "Increase weekly by 10 mg/day" in c.text)
    assert dosing.heading_path == ("First-Line Pharmacological Options", "Baclofen")
    assert "  • Increase weekly by 10 mg/day" in dosing.text.splitlines()
    assert dosing.markers == (1,)
    embed = dosing.embed_text(article.title)
    assert embed.startswith(
        "Treatment Options for Muscle Cramps in Multiple Sclerosis\nFirst-Line Pharmacological Options > Baclofen\n"
    )


def test_ids_are_stable_and_every_one_changes_with_the_article() -> None:
    article = read_text_article(SEEDS / "cramps-and-numbness.txt")
    first = [c.id for c in chunk_article(article)]
    assert first == [c.id for c in chunk_article(read_text_article(SEEDS / "cramps-and-numbness.txt"))]
    assert len(set(first)) == len(first)
    changed = Article(
        article.id,
        article.path,
        article.title,
        (Section(article.sections[0].heading_path, (Block("A different lead."),)), *article.sections[1:]),
    )
    second = [c.id for c in chunk_article(changed)]
    # A new version never shares an id with the old one, so writing it cannot overwrite part of the old.
    assert not set(second) & set(first)
    assert [c.text for c in chunk_article(changed)][1:] == [c.text for c in chunk_article(article)][1:]


def test_long_paragraphs_split_on_sentences_without_losing_text() -> None:
    sentences = [f"Sentence number {i} says that drug X{i} is given at {i} mg twice daily." for i in range(40)]
    article = Article("long", "long.md", "Long", (Section(("Dosing",), (Block(" ".join(sentences)),)),))
    chunks = chunk_article(article, max_chars=300)
    assert len(chunks) > 3
    assert all(len(c.text) <= 300 for c in chunks)
    rejoined = " ".join(b.text for c in chunks for b in c.blocks)
    assert rejoined == " ".join(sentences)
    for chunk in chunks:
        assert chunk.text.endswith("twice daily.")  # split between sentences, never inside one


def test_a_single_overlong_sentence_is_cut_on_words(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(400))
    article = Article("w", "w.md", "W", (Section((), (Block(words),)),))
    chunks = chunk_article(article, max_chars=200)
    assert all(len(c.text) <= 200 for c in chunks)
    assert " ".join(b.text for c in chunks for b in c.blocks).split() == words.split()


def test_render_block() -> None:
    assert render_block(Block("Start at 10 mg/day", kind="bullet", depth=2)) == "  • Start at 10 mg/day"
    assert render_block(Block("1. Initial Assessment:", kind="step", depth=1)) == "1. Initial Assessment:"
    assert render_block(Block("A paragraph.")) == "A paragraph."


def test_units_are_the_quotable_sentences_and_items_under_their_headings() -> None:
    from index.chunker import statement_units, unit_embed_text

    article = read_text_article(SEEDS / "ms-muscle-cramps.txt")
    chunks = chunk_article(article)
    units = [u for c in chunks for u in c.units]
    texts = [u.text for u in units]
    assert "Start at 10 mg/day" in texts
    assert "Dosing protocol:" not in texts  # a list item ending in ':' heads the items below it
    start = next(u for u in units if u.text == "Start at 10 mg/day")
    assert start.heading == "First-Line Pharmacological Options > Baclofen > Dosing protocol"
    assert unit_embed_text(start) == f"{start.heading}: Start at 10 mg/day"
    for chunk in chunks:
        assert all(u.text in chunk.text for u in statement_units(chunk.heading_path, chunk.blocks))
