"""The `clinqa` command line as a user runs it: a real subprocess on a real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS

pytestmark = pytest.mark.integration


def clinqa(
    *args: str, home: Path, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "CLINQA_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_ask_json_follows_the_contract(seed_settings) -> None:
    result = clinqa(
        "ask",
        "--json",
        "--corpus",
        str(SEEDS),
        "What is the first-line treatment for muscle cramps in multiple sclerosis?",
        "How do I titrate it?",
        "Is it safe in pregnancy?",
        home=seed_settings.home,
    )
    assert result.returncode == 0, result.stderr
    turns = json.loads(result.stdout)
    assert len(turns) == 3
    for turn in turns:
        assert {
            "question",
            "standalone_query",
            "abstained",
            "answer_markdown",
            "statements",
            "citations",
            "timings_ms",
        } <= set(turn)
        assert set(turn["timings_ms"]) >= {"retrieve", "answer", "total"}
        for statement in turn["statements"]:
            assert isinstance(statement["text"], str) and statement["citations"]
        for citation in turn["citations"]:
            assert {"number", "article_title", "article_path", "section", "reference", "quote"} <= set(citation)
            assert citation["reference"] is None or set(citation["reference"]) >= {"kind", "title", "source", "year"}
    first, titrate, pregnancy = turns
    assert not first["abstained"] and "Baclofen" in first["statements"][0]["text"]
    assert "10 mg/day" in first["statements"][0]["text"]
    assert first["citations"][0]["article_path"].endswith("ms-muscle-cramps.txt")
    assert "[1]" in first["answer_markdown"]
    assert titrate["standalone_query"].startswith("How do I titrate Baclofen?")
    assert pregnancy["abstained"] and pregnancy["citations"] == [] and pregnancy["statements"] == []


def test_ask_builds_a_missing_index_then_answers_in_text(tmp_path: Path) -> None:
    result = clinqa(
        "ask", "--corpus", str(SEEDS), "What should I do for a patient on dialysis with cramps?", home=tmp_path / "home"
    )
    assert result.returncode == 0, result.stderr
    assert "the index is empty; building it" in result.stderr
    assert "2 indexed" in result.stderr
    assert "In dialysis patients: Consider sodium profiling" in result.stdout
    assert "Management of Muscle Cramps in Dialysis Patients" in result.stdout
    # Rendered for a terminal: bullets and numbered sources, no Markdown escapes or emphasis marks.
    assert "Sources" in result.stdout and "  [1] " in result.stdout
    assert "\\" not in result.stdout and "**" not in result.stdout


def test_index_twice_then_nothing_to_do(seed_settings) -> None:
    result = clinqa("index", "--corpus", str(SEEDS), home=seed_settings.home)
    assert result.returncode == 0, result.stderr
    assert "0 indexed, 2 unchanged" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["ask", "--embed-model", "/no/such/model", "hello there"], "is not a local sentence-transformers folder"),
        (["ask", "--chroma-url", "http://127.0.0.1:9", "What is baclofen?"], "cannot reach the Chroma server"),
        (["serve", "--auth", "nocolon"], "--auth takes user:password"),
    ],
)
def test_bad_input_is_one_line_and_no_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    result = clinqa(*args, home=tmp_path / "home", timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert len([ln for ln in result.stderr.splitlines() if ln.startswith("Error")]) == 1


def test_eval_writes_the_report_with_the_baseline_side_by_side(seed_settings, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = clinqa("eval", "--baseline", "--out", str(out), "--corpus", str(SEEDS), home=seed_settings.home)
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header == ["metric", "clinqa", "baseline"]
    assert "key_fact_recall" in result.stdout and "unsupported_numbers" in result.stdout
    report = json.loads((out / "report.json").read_text())
    assert set(report["systems"]) == {"clinqa", "baseline"}
    clinqa_figures = report["systems"]["clinqa"]
    assert clinqa_figures["unsupported_numbers"] == 0
    # Key-fact recall counts every answerable turn; the answered-only figure is reported beside it.
    assert clinqa_figures["key_fact_recall"] <= clinqa_figures["key_fact_recall_answered"]
    # The seed set is reported by part: the part the engine's model was fitted on, and the part kept aside.
    assert {"seed [fit part] / clinqa", "seed [report part] / clinqa"} <= set(report["by_set"])
    turns = report["turns"]
    assert {t["system"] for t in turns} == {"clinqa", "baseline"}
    md = (out / "report.md").read_text()
    assert "## Cases (failures first)" in md
    first_rows = [ln for ln in md.split("## Cases (failures first)")[1].splitlines() if ln.startswith("| ")][1:]
    statuses = [row.split("|")[1].strip() for row in first_rows]
    assert statuses == sorted(statuses, key=lambda s: s != "FAIL")  # failures first
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 3


def test_eval_rejects_a_bad_gold_file(tmp_path: Path) -> None:
    gold = tmp_path / "bad.jsonl"
    gold.write_text('{"id": "x", "turns": []}\n')
    result = clinqa("eval", "--gold", str(gold), home=tmp_path / "home", timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "bad.jsonl:1: a case needs a non-empty list of 'turns'" in result.stderr
