"""Bad corpus input: each bad file is one line (file, reason) in the index summary, and the rest is indexed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import index.builder
from corpus.loader import read_bytes
from corpus.types import ReadError
from index.builder import build_index, open_store
from index.settings import Settings
from tests.conftest import SEEDS
from tests.ui.server import ROOT

MARKDOWN = "---\ntitle: {title}\n---\n# {title}\n\n## Dosing\n\n{body}\n"


def bad_corpus(folder: Path) -> dict[str, str]:
    """A corpus of the two seeds, good files in odd encodings, and bad files; {bad file name: reason}."""
    shutil.copytree(SEEDS, folder)
    # Good, in other encodings: read, not skipped.
    (folder / "latin1.md").write_bytes(
        MARKDOWN.format(title="Café au lait spots", body="Café au lait macules are flat and pigmented.").encode(
            "latin-1"
        )
    )
    (folder / "utf16.md").write_bytes(
        MARKDOWN.format(title="Naïve dosing", body="Start low and go slow with naïve patients.").encode("utf-16")
    )
    (folder / "messy.html").write_text(
        "<html><h1>Messy page<h2>Dosing<p>Give 5 mg daily.<li>unclosed item<div><p>Take with food.", encoding="utf-8"
    )
    (folder / "messy-notes.md").write_text("# Messy\n\n## Dosing\n### \n- \n\nGive 5 mg daily.\n```\nunclosed fence\n")
    # Bad: skipped with a reason each.
    (folder / "empty.md").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b"  \n\n \t\n")
    (folder / "binary.html").write_bytes(bytes(range(256)) * 4)
    (folder / "huge.md").write_bytes(b"# Huge\n\n" + b"words words words words\n" * (50 * 1024 * 1024 // 24))
    (folder / "front.md").write_text("---\ntitle: [unclosed\n---\n# X\n\ntext\n")
    (folder / "list-front.md").write_text("---\n- just\n- a list\n---\n# X\n\ntext\n")
    (folder / "broken-utf16.md").write_bytes(b"\xff\xfe" + b"\x00\xd8" * 3)
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "sub").mkdir()
    shutil.copy(SEEDS / "ms-muscle-cramps.txt", folder / "sub" / "ms-muscle-cramps.txt")
    (folder / "gone.md").symlink_to(folder / "no-such-file.md")
    return {
        "empty.md": "empty file",
        "blank.txt": "empty file",
        "binary.html": "binary file, not text",
        "huge.md": "file too large (50 MB; limit 20 MB)",
        "front.md": "front matter is not valid YAML",
        "list-front.md": "front matter",
        "broken-utf16.md": "UTF-16",
        "notes.docx": "unsupported file type '.docx'",
        "ms-muscle-cramps.txt": "duplicate article id 'ms-muscle-cramps'",
        "gone.md": "file vanished before it could be read",
    }


@pytest.mark.integration
def test_clinqa_index_reports_each_bad_file_on_one_line_and_indexes_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    expected = bad_corpus(corpus)
    env = {**os.environ, "CLINQA_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli", "index", "--corpus", str(corpus)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    skipped_lines = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped_lines) == len(expected), skipped_lines
    for name, reason in expected.items():
        line = next(line for line in skipped_lines if line.split(":", 1)[0].endswith(name))
        assert reason in line, line
    assert "Traceback" not in result.stderr
    assert "6 indexed" in result.stdout and f"{len(expected)} skipped" in result.stdout

    ask = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ask", "--json", "What are café au lait spots?"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert ask.returncode == 0, ask.stderr
    statements = [s["text"] for s in json.loads(ask.stdout)[0]["statements"]]
    assert "Café au lait macules are flat and pigmented." in statements  # Latin-1 read as the text it is


def test_a_file_that_vanishes_or_cannot_be_read_mid_run_costs_that_file_only(
    tmp_path: Path, embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "locked.md").write_text(MARKDOWN.format(title="Locked", body="Secret text."))
    (corpus / "vanishing.md").write_text(MARKDOWN.format(title="Vanishing", body="Here, then gone."))

    def flaky_read(path: Path) -> bytes:
        if path.name == "vanishing.md":
            path.unlink()  # deleted between the folder listing and the read
        if path.name == "locked.md":
            path.chmod(0)
            if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
                raise ReadError("permission denied")
        return read_bytes(path)

    monkeypatch.setattr(index.builder, "read_bytes", flaky_read)
    summary = build_index([corpus], open_store(Settings.from_env({}, home=tmp_path / "home")), embeddings)
    reasons = {Path(s.path).name: s.reason for s in summary.skipped}
    assert reasons == {"vanishing.md": "file vanished before it could be read", "locked.md": "permission denied"}
    assert summary.indexed == 2
