"""The Markdown and HTML readers, the corpus loader and the reference attribution rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus.html_reader import read_html_article
from corpus.loader import Skipped, discover, read_corpus
from corpus.markdown_reader import read_markdown_article
from corpus.references import attribute
from corpus.types import Block, ReadError, Reference
from tests.conftest import FIXTURES, MEDQUAD

MEDQUAD_SAMPLE = ["cancergov-0000001_1.md", "gard-0000014.md", "ghr-0000002.md"]


def test_markdown_front_matter_sections_and_numbered_references() -> None:
    article = read_markdown_article(FIXTURES / "guideline-sample.md")
    assert article.title == "Hyperkalaemia in Adults: Emergency Care"
    assert article.source == "Example Renal Network" and article.url == "https://example.org/hyperkalaemia"
    assert article.updated == "2024-03-02"
    paths = [s.heading_path for s in article.sections]
    assert paths == [(), ("Treatment", "Membrane stabilisation"), ("Treatment", "Shifting potassium into cells")]
    calcium = article.sections[1].blocks[0]
    assert calcium.text == "Give calcium gluconate 10% 30 mL intravenously over 10 minutes."
    assert calcium.kind == "bullet" and calcium.markers == (2,)
    insulin = article.sections[2].blocks[0]
    assert insulin.kind == "step" and insulin.markers == (2, 3)
    assert insulin.text.startswith("1. Insulin-glucose infusion: 10 units")
    assert [r.number for r in article.references] == [1, 2, 3]
    assert article.reference_for(3).title == "Nebulised salbutamol for hyperkalaemia: a review"
    assert article.reference_for(3).year == "2019"
    assert article.disclaimer == "For healthcare professionals; check local protocols."
    assert "References" not in json.dumps([s.heading_path for s in article.sections])


def test_markdown_without_references_has_no_markers_and_cites_itself(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text(
        "---\ntitle: Gout\nsource: Example\nurl: https://example.org/gout\n---\n\n# Gout\n\n"
        "## What is gout?\n\nGout is an arthritis caused by urate crystals.\nIt often affects the big toe.\n"
    )
    article = read_markdown_article(path)
    assert article.references == ()
    assert (
        article.sections[0].blocks[0].text
        == "Gout is an arthritis caused by urate crystals. It often affects the big toe."
    )
    ref = article.self_reference()
    assert (ref.title, ref.source, ref.url) == ("Gout", "Example", "https://example.org/gout")


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("---\ntitle: [unclosed\n---\n# T\n\ntext\n", "not valid YAML"),
        ("---\ntitle: T\n# T\n\ntext\n", "never closed"),
        ("---\n- a list\n---\n# T\n\ntext\n", "not a YAML mapping"),
        ("---\ntitle: T\n---\n", "no text"),
    ],
)
def test_markdown_bad_input_is_one_clear_error(tmp_path: Path, bad: str, reason: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(bad)
    with pytest.raises(ReadError, match=reason):
        read_markdown_article(path)


@pytest.mark.skipif(not (MEDQUAD / "articles").is_dir(), reason="the MedQuAD corpus is not beside the project")
@pytest.mark.parametrize("name", MEDQUAD_SAMPLE)
def test_medquad_articles(name: str) -> None:
    path = MEDQUAD / "articles" / name
    raw = path.read_text(encoding="utf-8")
    article = read_markdown_article(path)
    title = re.search(r'^title: "(.*)"$', raw, re.MULTILINE).group(1)
    assert article.title == title.replace('\\"', '"')
    assert article.url and article.url.startswith("http")
    headings = re.findall(r"^## (.*)$", raw, re.MULTILINE)
    assert [s.heading_path for s in article.sections] == [(h.strip(),) for h in headings]
    assert article.references == () and article.markers == ()
    # No answer text is lost: every word of the body is in the blocks.
    body_words = re.findall(r"\w+", raw.split("\n# ", 1)[1].split("\n", 1)[1].replace("## ", ""))
    block_words = re.findall(
        r"\w+", " ".join(" ".join([*s.heading_path, *(b.text for b in s.blocks)]) for s in article.sections)
    )
    assert sorted(body_words) == sorted(block_words)


def test_html_reader_drops_furniture_and_keeps_structure() -> None:
    article = read_html_article(FIXTURES / "stroke-sample.html")
    assert article.title == "Acute Ischaemic Stroke: Thrombolysis"
    assert article.url == "https://example.org/acute-stroke" and article.source == "Example Stroke Service"
    assert article.updated == "March 3, 2025"
    text = json.dumps([[s.heading_path, [b.text for b in s.blocks]] for s in article.sections])
    for furniture in ("tracker", "color: red", "Home", "newsletter", "Cookie", "our app", "Last updated"):
        assert furniture not in text
    lead = article.sections[0]
    assert lead.heading_path == () and lead.blocks[0].markers == (1,)
    assert (
        lead.blocks[0].text == "Alteplase is given within 4.5 hours of symptom onset when no contraindication applies."
    )
    imaging = next(s for s in article.sections if s.heading_path == ("Eligibility", "Imaging"))
    items = {b.text: b for b in imaging.blocks}
    assert items["Check blood glucose before giving alteplase"].depth == 1
    assert items["Treat glucose below 2.7 mmol/L first"].depth == 2
    assert items["Blood pressure must be below 185/110 mmHg"].markers == (1, 2)
    dosing = next(s for s in article.sections if s.heading_path == ("Dosing",))
    assert [b.text for b in dosing.blocks] == [
        "1. Alteplase 0.9 mg/kg, maximum 90 mg",
        "2. Give 10% as a bolus over 1 minute, the rest over 60 minutes",
    ]
    assert article.reference_for(2).title == "Imaging before thrombolysis"
    assert article.disclaimer == "Educational material for clinicians only."


def test_attribution_by_position_when_the_list_is_complete() -> None:
    blocks = [Block("a", markers=(1,)), Block("b", markers=(2,))]
    refs = [Reference(None, "Guideline", "First", "S"), Reference(None, "Research", "Second", "S")]
    assert [r.number for r in attribute(refs, blocks)] == [1, 2]


def test_attribution_refuses_when_text_contradicts_order() -> None:
    blocks = [
        Block("Dialysis patients need sodium profiling", markers=(1,)),
        Block("Cramps in pregnancy respond to magnesium", markers=(2,)),
        Block("Stretching helps", markers=(3,)),
    ]
    refs = [
        Reference(None, "Research", "Magnesium for cramps in pregnancy", "J"),
        Reference(None, "Guideline", "Cramps in dialysis", "J"),
    ]
    assert [r.number for r in attribute(refs, blocks)] == [None, None]


def test_attribution_never_guesses_without_evidence() -> None:
    blocks = [Block(f"statement {i}", markers=(i,)) for i in (1, 2, 3)]
    refs = [Reference(None, "Guideline", "Overview", "S"), Reference(None, "Research", "Review", "S")]
    assert [r.number for r in attribute(refs, blocks)] == [None, None]


def test_loader_reports_and_skips_bad_files(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\n# Good\n\n## A\n\ntext here\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02binary" * 10)
    (tmp_path / "notes.docx").write_bytes(b"PK")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "good.html").write_text("<h1>Dup</h1><p>x</p>")
    results = list(read_corpus([tmp_path]))
    articles = [r for r in results if not isinstance(r, Skipped)]
    skipped = {Path(r.path).name: r.reason for r in results if isinstance(r, Skipped)}
    assert [a.id for a in articles] == ["good"]
    assert skipped["empty.txt"] == "empty file"
    assert skipped["binary.md"] == "binary file, not text"
    assert "unsupported file type" in skipped["notes.docx"]
    assert "duplicate article id 'good'" in skipped["good.html"]
    found, _ = discover([tmp_path / "missing"])
    assert found == []


def test_a_complete_list_whose_titles_contradict_its_order_is_not_attributed() -> None:
    blocks = [
        Block("Dialysis patients need sodium profiling", markers=(1,)),
        Block("Cramps in pregnancy respond to magnesium", markers=(2,)),
    ]
    refs = [
        Reference(None, "Research", "Magnesium for cramps in pregnancy", "J"),
        Reference(None, "Guideline", "Sodium profiling in dialysis", "J"),
    ]
    assert [r.number for r in attribute(refs, blocks)] == [None, None]
