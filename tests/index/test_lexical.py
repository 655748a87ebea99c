"""The lexical index: saved beside the store, reused while current, updated only for new chunks."""

from __future__ import annotations

import shutil
from pathlib import Path

from index.builder import build_index, open_store
from index.lexical import LexicalIndex, fingerprint, lexical_index, tokenize
from index.settings import Settings
from tests.conftest import FIXTURES, SEEDS


def test_tokenize_keeps_doses_and_stems_words() -> None:
    assert tokenize("Titrating baclofen up to 30 mg/day") == ["titrat", "baclofen", "30", "mg", "day"]


def test_a_state_and_its_noun_are_one_word() -> None:
    # "numb feet" finds the sections headed "Numbness"; "drowsy" and "drowsiness" meet too.
    assert tokenize("numb feet") == tokenize("numbness feet")
    assert tokenize("drowsy") == tokenize("drowsiness")
    assert tokenize("weakness") == ["weak"]


def test_accented_words_are_the_words_typed_without_accents() -> None:
    # Printed accented, typed plain: one word either way, not "barr" + "e" or "na" + "ve".
    assert tokenize("Guillain-Barré syndrome") == tokenize("guillain-barre syndrome")
    assert tokenize("opioid-naïve patients") == tokenize("opioid-naive patients")
    assert "sjogren" in tokenize("Sjögren syndrome")


def test_saved_reused_and_updated_incrementally(tmp_path: Path, embeddings) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    settings = Settings.from_env({"CLINQA_HOME": str(tmp_path / "home")}, corpus=(corpus,))
    store = open_store(settings)
    build_index([corpus], store, embeddings)
    messages: list[str] = []
    first = lexical_index(store, settings.lexical_dir, messages.append)
    assert messages == [f"lexical index: tokenizing {store.count()} new chunks (0 cached)"]
    hits = first.search("dialysis sodium profiling", 3)
    assert hits and hits[0][0].startswith("cramps-and-numbness:")
    assert all(not cid.startswith("cramps") for cid, _ in first.search("dialysis", 3, exclude={"cramps-and-numbness"}))

    messages.clear()
    again = lexical_index(store, settings.lexical_dir, messages.append)
    assert messages == [] and again.fingerprint == first.fingerprint  # loaded, not rebuilt

    shutil.copy(FIXTURES / "guideline-sample.md", corpus / "guideline-sample.md")
    summary = build_index([corpus], store, embeddings)
    updated = lexical_index(store, settings.lexical_dir, messages.append)
    cached = store.count() - summary.chunks_written
    assert messages == [f"lexical index: tokenizing {summary.chunks_written} new chunks ({cached} cached)"]
    assert updated.search("calcium gluconate hyperkalaemia", 1)[0][0].startswith("guideline-sample:")
    assert LexicalIndex.load(settings.lexical_dir / store.name, fingerprint(store)) is not None
