"""The PDF reader on the two real CDC guidelines, and on broken PDFs made here.

The CDC files are US government works in ../shared/corpora/guidelines; each is parsed once per module.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from corpus.loader import read_article, read_bytes
from corpus.pdf_layout import run_in_length, unique_chars
from corpus.pdf_reader import read_pdf_article
from corpus.types import Article, Block, ReadError
from tests.conftest import ROOT

GUIDELINES = ROOT.parent / "shared" / "corpora" / "guidelines"
OPIOIDS = GUIDELINES / "cdc-opioids-2022.pdf"
INFECTION = GUIDELINES / "cdc-outpatient-infection-prevention.pdf"

pytestmark = pytest.mark.skipif(not OPIOIDS.exists(), reason="../shared/corpora/guidelines is not beside the project")


@pytest.fixture(scope="module")
def opioids() -> Article:
    return read_pdf_article(OPIOIDS)


@pytest.fixture(scope="module")
def infection() -> Article:
    return read_pdf_article(INFECTION)


def blocks(article: Article) -> list[tuple[str, Block]]:
    return [(section.label, block) for section in article.sections for block in section.blocks]


def containing(article: Article, text: str) -> list[tuple[str, Block]]:
    return [(label, block) for label, block in blocks(article) if text in block.text]


def test_title_date_and_page_count(opioids: Article) -> None:
    assert opioids.title.startswith("CDC Clinical Practice Guideline for Prescribing Opioids for Pain")
    assert opioids.updated == "November 4, 2022"
    assert opioids.metadata["pages"] == "100"
    assert "lost_pages" not in opioids.metadata


def test_two_columns_are_read_in_order(opioids: Article) -> None:
    # On page 32 this sentence runs down the left column; read line by line across the page it would be
    # interleaved with the right column's lines.
    found = containing(opioids, "rigid standard of care; rather, they are intended to be guideposts to help inform")
    assert found
    label, block = found[0]
    assert block.page_at(0) == (32, "30")
    assert "Recommendation 4" in label


def test_running_headers_and_footers_are_gone(opioids: Article) -> None:
    text = "\n".join(block.text for _, block in blocks(opioids))
    assert "MMWR / November 4, 2022 / Vol. 71 / No. 3" not in text
    assert "US Department of Health and Human Services/Centers for Disease Control and Prevention" not in text
    assert not re.search(r"^\d{1,3}$", text, re.MULTILINE)  # no stray page numbers


def test_words_broken_at_line_ends_are_joined_and_real_hyphens_kept(opioids: Article) -> None:
    text = " ".join(block.text for _, block in blocks(opioids))
    assert "immediate-release opioids" in text
    assert "guideline-concordant" in text  # a compound split after its hyphen keeps it
    assert "immedi- ate" not in text and "immedi-ate" not in text
    assert "\ufb01" not in text and "\ufb02" not in text  # ligatures written out
    assert "\u2011" not in text  # non-breaking hyphens normalised


def test_a_table_row_keeps_its_cells_header_and_caption(opioids: Article) -> None:
    (_, row), *_ = containing(opioids, "Oxycodone | 1.5")
    assert row.kind == "row"
    assert row.text == "Oxycodone | 1.5"
    assert row.page_at(0) == (33, "31")
    assert any("conversion factor" in c.lower() for c in row.context)  # the header it stands under
    assert any("morphine milligram equivalent" in c.lower() for c in row.context)  # the table's caption


@pytest.mark.parametrize("number", range(1, 13))
def test_each_recommendation_is_one_block_with_its_grading(opioids: Article, number: int) -> None:
    graded = re.compile(r"\(recommendation category: [AB]; evidence type: [1-4]\)\.?$")
    recommendations = [(label, b) for label, b in blocks(opioids) if b.kind == "recommendation"]
    # In the summary box: "N. text (grading)."; in the body, under the heading "Recommendation N".
    boxed = [b for _, b in recommendations if b.text.startswith(f"{number}. ")]
    body = [b for label, b in recommendations if label.endswith(f"Recommendation {number}")]
    assert len(boxed) == 1 and len(body) == 1, (len(boxed), len(body))
    for block in (*boxed, *body):
        assert graded.search(block.text), block.text[-80:]
        assert "MMWR" not in block.text
    assert boxed[0].text.removeprefix(f"{number}. ") == body[0].text


def test_a_reference_marker_is_tied_to_its_entry(opioids: Article) -> None:
    (_, block), *_ = containing(opioids, "When an ER/LA opioid is prescribed, using one with")
    assert 200 in block.markers
    entry = opioids.reference_for(200)
    assert entry is not None and entry.title.startswith("Methadone safety: a clinical practice guideline")
    assert entry.year == "2014"
    # The PDF text keeps the marker as printed, so that a quote is found when searched for in the PDF.
    assert "(200)" in block.text
    # Every marker the text uses has an entry; a marker with none is never tied to another entry.
    numbered = {r.number for r in opioids.references if r.number is not None}
    assert set(opioids.markers) <= numbered


def test_a_reference_entry_broken_over_lines_is_whole_again(opioids: Article) -> None:
    # Web addresses cut at a line's end, after "doi." or "/", inside a number, or before "/": each is one
    # address again, so that a clinician can follow it.
    assert opioids.reference_for(13).source.endswith("https://doi.org/10.1016/j.pain.2010.10.009")
    assert opioids.reference_for(229).source.endswith("https://doi.org/10.1080/08897077.2017.1381663")
    assert opioids.reference_for(10080).source.endswith("https://doi.org/10.1080/13696998.2017.1325744")
    assert opioids.reference_for(18).title == "Pain in community-dwelling elderly African Americans"
    for reference in opioids.references:
        assert not re.search(r"https?://\S*\s+[\w/.%-]*[/.%]\S", reference.source), reference.source
        # ("placebo- and active-controlled" keeps its printed space)
        assert not re.search(r"[a-z]- (?!and |or |to )[a-z]", f"{reference.title} {reference.source}"), reference.title


def test_an_appendix_with_its_own_reference_list_cites_that_list(opioids: Article) -> None:
    (_, block), *_ = containing(opioids, "To identify new evidence on treatments for acute e")
    appendix_markers = [m for m in block.markers if m > 10000]
    assert appendix_markers, block.markers
    entry = opioids.reference_for(10169)
    assert entry is not None and entry.title.startswith("Acute treatments for episodic migraine")
    main = opioids.reference_for(169)
    assert main is not None and main.title != entry.title


def test_pages_are_physical_and_labels_printed(opioids: Article) -> None:
    (_, block), *_ = containing(opioids, "1. Nonopioid therapies are at least as effective as opioids")
    assert block.page_at(0) == (13, "11")
    # A paragraph running onto the next page cites the page it starts on, and knows where the next begins.
    spanning = [b for _, b in blocks(opioids) if len({p for _, p, _ in b.pages}) > 1]
    assert spanning
    first, second = spanning[0].pages[:2]
    assert second[1] == first[1] + 1 and second[0] > 0
    assert spanning[0].page_at(0) == (first[1], first[2])


def test_an_ungraded_guide_keeps_its_bullets_and_drops_form_boxes(infection: Article) -> None:
    found = blocks(infection)
    bullets = [b for _, b in found if b.kind == "bullet"]
    assert len(bullets) >= 30
    assert not any(b.text.startswith(("\u2751", "\u25a1", "\u27a2", "\u2713")) for b in bullets)  # the glyph is gone
    assert not any(b.text.endswith("| Yes | No") for _, b in found)  # a checklist's tick boxes
    assert not any(b.text.startswith("Not applicable") for _, b in found)  # its third box, printed 45 times
    assert infection.metadata["pages"] == "44"
    assert all(b.pages and 1 <= b.pages[0][1] <= 44 for _, b in found)


def test_a_bullet_glyph_read_as_a_letter_marks_an_item_or_reads_on(opioids: Article) -> None:
    # The guideline's nested bullets decode to a lone "ï". After a lead-in each is an item of its own (a long
    # one was cut mid-sentence between chunks when the items ran together); inside an unfinished sentence they
    # read on in it, and the glyph is gone either way. "opioid-naïve" keeps its letter.
    found = [b for _, b in blocks(opioids)]
    assert not any(b.text.startswith("ï ") or " ï " in b.text for b in found)
    assert any("opioid-naïve" in b.text for b in found)
    # The lone letters are marks only as a line's first word before words: a section sign before its number stays.
    from corpus.pdf_reader import _BULLET

    assert _BULLET.match("ï Use particular caution") and _BULLET.match("o a nested item")
    assert not _BULLET.match("§ 164.512 permits disclosure") and not _BULLET.match("naïve patients")
    lead = item(opioids, "Clinicians should take actions to improve patient safety")
    assert lead.text == "Clinicians should take actions to improve patient safety:"
    caution = item(opioids, "Use particular caution when prescribing opioid pain medication and benzodiazepines")
    assert caution.kind == "bullet" and "medications concomitantly. Clinicians should communicate" in caution.text
    assert item(opioids, "intended for primary care clinicians").text.endswith(
        "with acute pain (duration of <1 month), subacute pain (duration of 1–3 months), or chronic pain (duration "
        "of >3 months); and"
    )


def item(article: Article, start: str) -> Block:
    (_, block), *_ = [(label, b) for label, b in blocks(article) if b.text.startswith(start)]
    return block


def test_a_list_nests_numbers_letters_and_numerals(infection: Article) -> None:
    # Page 14: "1. Implement measures ..." over "a. Post signs ... to:" over "i." to "iv.", then "b." to "e."
    # again under "1."; "iv." opens the next column.
    signs = item(infection, "a. Post signs at entrances")
    starts = ("i. Inform HCP", "ii. Cover their", "iii. Use and dispose", "iv. Perform hand hygiene")
    numerals = [item(infection, start) for start in starts]
    assert [b.text.split(".")[0] for b in numerals] == ["i", "ii", "iii", "iv"]
    assert all(b.kind == "step" and b.depth == signs.depth + 1 for b in numerals)
    assert all(b.context[-1] == signs.text for b in numerals)
    assert numerals[2].text == "iii. Use and dispose of tissues,"  # no longer run on into "iv. ..."
    assert numerals[3].page_at(0) == (14, "14")
    tissues = item(infection, "b. Provide tissues")
    assert (tissues.kind, tissues.depth) == ("step", signs.depth)


def test_a_checklist_label_heads_its_numbered_lines(infection: Article) -> None:
    # Page 32: "D. Gloves", then "i." to "iii.", then "E. Gowns" back at the level of "D.".
    gloves = item(infection, "D. Gloves")
    same_pair = item(infection, "ii. HCP do not wear the same pair of gloves")
    assert same_pair.kind == "step" and same_pair.depth == gloves.depth + 1
    assert same_pair.context == (gloves.text,)
    gowns = item(infection, "E. Gowns")
    assert (gowns.kind, gowns.depth) == (gloves.kind, gloves.depth)
    # Page 29 prints its headings again over "G." to "I.", which go on from "A." to "F." of page 28.
    audits = item(infection, "H. Facility routinely audits (monitors and documents) adherence to recommended")
    assert (audits.kind, audits.depth) == ("step", 1)
    ventilation = item(infection, "iv. Proper ventilation requirements")
    assert ventilation.depth == 2 and ventilation.context == (audits.text,)


def test_a_bold_run_in_heading_heads_its_paragraph_and_is_no_statement(opioids: Article) -> None:
    # Page 82: "Chronic Low Back Pain." in bold opens the paragraph, the rest of the line in roman.
    (label, block), *_ = containing(opioids, "The review found psychological therapies associated with small")
    assert block.text.startswith("The review found psychological therapies")
    assert label.endswith("Benefits > Chronic Low Back Pain")
    assert block.page_at(0) == (82, "80")
    # Page 87: a run-in heading wrapped over two lines, its last word "Pain." set before the roman text.
    (label, block), *_ = containing(opioids, "for nonpharmacologic treatments covered by")
    assert label.endswith("Costs and Cost-Effectiveness > Noninvasive Nonpharmacologic Treatments for Chronic Pain")
    assert block.text.startswith("The contextual evidence review found")
    statements = [block.text for _, block in blocks(opioids)]
    assert "Chronic Low Back Pain." not in statements
    assert "Nonopioid Pharmacologic Treatments for Chronic Pain." not in statements  # a whole bold line of it
    assert not any(text.startswith("Pain. ") for text in statements)


def test_what_opens_a_line_in_bold_with_a_full_stop() -> None:
    def lead_in(*words: tuple[str, bool]) -> int:
        text, ends = "", []
        for word, bold in words:
            text = f"{text} {word}" if text else word
            ends.append((len(text), bold))
        return run_in_length(text, ends)

    assert lead_in(("Harms.", True), ("The", False), ("review", False)) == len("Harms.")
    assert lead_in(("Low", True), ("Back", True), ("Pain", True), (".", False), ("The", False)) == len(
        "Low Back Pain ."
    )
    assert lead_in(("viii.", True), ("Perform", False), ("hand", False)) == 0  # an item's mark
    assert lead_in(("b.", True), ("Provide", False)) == 0
    assert lead_in(("Never", True), ("stop", True), ("abruptly", False)) == 0  # bold for emphasis, no full stop
    assert lead_in(("Opioids", False), ("are", True), ("risky.", True)) == 0  # not at the line's start


def test_a_bold_recommendation_is_no_run_in_heading(opioids: Article) -> None:
    # The twelve recommendations, bold sentences ending with a full stop, are no headings.
    assert not any(
        re.search(r"\bRecommendation \d+ > [A-Z][^>]*\b(should|can|may)\b", label) for label, _ in blocks(opioids)
    )


def test_letter_spaced_type_reads_as_its_words() -> None:
    from corpus.pdf_layout import _line

    def letters(spec: str) -> list[dict]:
        # Letters 1.5 pt apart at 17 pt, words 7.3 pt apart; "PAT" kerned into one extracted word.
        out, x = [], 100.0
        for word in spec.split(" "):
            for i, part in enumerate(word.split("|")):
                x += 1.5 if i else 7.3
                out.append({"text": part, "x0": x, "x1": x + 9.0, "top": 30.0, "bottom": 47.0, "size": 17.0})
                x += 9.0
        return out

    row = letters("A|P|P|E|N|D|I|X A|: F|O|R O|U|T|PAT|I|E|N|T S|E|T|T|I|N|G|S")
    assert _line(row, 0, 0).text == "APPENDIX A: FOR OUTPATIENT SETTINGS"
    # Short words in capitals at word spacing stay apart.
    words = [
        {"text": t, "x0": x, "x1": x + 20.0, "top": 30.0, "bottom": 40.0, "size": 10.0}
        for t, x in (("CDC", 100.0), ("MME", 123.0), ("FDA", 146.0))
    ]
    assert _line(words, 0, 0).text == "CDC MME FDA"


def test_a_letter_spaced_appendix_title_is_its_own_section(infection: Article) -> None:
    labels = [section.label for section in infection.sections]
    assert any(
        label.startswith("APPENDIX A: INFECTION PREVENTION CHECKLIST FOR OUTPATIENT SETTINGS") for label in labels
    )
    assert not any("REFERENCES >" in label for label in labels)


def test_copies_drawn_over_a_character_are_dropped_once() -> None:
    char = {"upright": True, "text": "A", "fontname": "F-Bold", "size": 9.0, "x0": 10.0, "doctop": 100.0}
    shifted = {**char, "x0": 10.4, "doctop": 100.3}  # the same glyph drawn again to fake bold
    neighbour = {**char, "x0": 16.0}  # the next letter A of the word
    other = {**char, "text": "B", "x0": 10.2}  # a different glyph at the same place is kept
    assert unique_chars([char, shifted, neighbour, other]) == [char, neighbour, other]


# Broken PDFs, made here with pypdf from the real guideline.


def _pdf(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_pages() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(INFECTION).pages[:4]:
        writer.add_page(page)
    return _pdf(writer)


def _refused(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as error:
        read_article(path.stem, path, read_bytes(path))
    message = str(error.value)
    assert "\n" not in message and len(message) < 200
    return message


def test_an_encrypted_pdf_is_refused_in_one_line(tmp_path: Path, first_pages: bytes) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(first_pages)))
    writer.encrypt(user_password="secret", owner_password="owner")
    assert "encrypted" in _refused(tmp_path, "locked.pdf", _pdf(writer)).lower()


def test_a_pdf_without_a_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=612, height=792)
    assert "OCR" in _refused(tmp_path, "scanned.pdf", _pdf(writer))


def test_truncated_and_garbage_pdfs_are_refused(tmp_path: Path, first_pages: bytes) -> None:
    _refused(tmp_path, "truncated.pdf", first_pages[: len(first_pages) // 3])
    _refused(tmp_path, "garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40)


def test_a_page_that_cannot_be_parsed_is_lost_and_the_rest_kept(tmp_path: Path, first_pages: bytes) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(first_pages)))
    broken = StreamObject()
    broken._data = b"BT /F1 12 Tf (unterminated [[[ << /a " + b"\xff\xfe" * 50
    writer.pages[1][NameObject("/Contents")] = writer._add_object(broken)
    path = tmp_path / "damaged.pdf"
    path.write_bytes(_pdf(writer))
    article = read_article(path.stem, path, read_bytes(path))
    assert article.metadata.get("lost_pages") == "2" or article.metadata.get("damaged_pages") == "2"
    pages = {p for s in article.sections for b in s.blocks for _, p, _ in b.pages}
    assert {1, 3, 4} <= pages and 2 not in pages


@pytest.mark.integration
def test_a_mixed_corpus_indexes_the_good_pdfs_reports_the_bad_and_cites_pages(
    tmp_path: Path, first_pages: bytes
) -> None:
    import json
    import os
    import shutil
    import subprocess
    import sys

    import pdfplumber
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    from tests.conftest import SEEDS

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "infection.pdf").symlink_to(INFECTION)
    locked = PdfWriter(clone_from=PdfReader(io.BytesIO(first_pages)))
    locked.encrypt(user_password="secret")
    (corpus / "locked.pdf").write_bytes(_pdf(locked))
    blank = PdfWriter()
    blank.add_blank_page(width=612, height=792)
    (corpus / "scanned.pdf").write_bytes(_pdf(blank))
    (corpus / "truncated.pdf").write_bytes(first_pages[: len(first_pages) // 3])
    damaged = PdfWriter(clone_from=PdfReader(io.BytesIO(first_pages)))
    broken = StreamObject()
    broken._data = b"BT /F1 12 Tf (unterminated [[[ << /a " + b"\xff\xfe" * 50
    damaged.pages[2][NameObject("/Contents")] = damaged._add_object(broken)
    (corpus / "damaged.pdf").write_bytes(_pdf(damaged))

    env = {**os.environ, "CLINQA_HOME": str(tmp_path / "home")}

    def clinqa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ui.cli", *args, "--corpus", str(corpus)],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
        )  # fmt: skip

    built = clinqa("index")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr and "FontBBox" not in built.stderr  # no library chatter
    skipped = {
        line.split(":", 1)[0].rsplit("/", 1)[-1]: line
        for line in built.stderr.splitlines()
        if line.startswith("skipped ")
    }
    assert set(skipped) == {"locked.pdf", "scanned.pdf", "truncated.pdf"}, built.stderr
    assert "encrypted" in skipped["locked.pdf"].lower() and "OCR" in skipped["scanned.pdf"]
    assert any("damaged.pdf" in line and "page(s) 3" in line for line in built.stderr.splitlines()), built.stderr
    assert "4 indexed" in built.stdout and "3 skipped" in built.stdout

    again = clinqa("index")
    assert "0 indexed" in again.stdout or "4 unchanged" in again.stdout  # content hashes: nothing re-read

    asked = clinqa("ask", "--json", "When should healthcare personnel perform hand hygiene?")
    assert asked.returncode == 0, asked.stderr
    (answer,) = json.loads(asked.stdout)
    assert not answer["abstained"]
    pdf_citations = [c for c in answer["citations"] if c["article_path"].endswith("infection.pdf")]
    assert pdf_citations
    with pdfplumber.open(INFECTION) as pdf:
        for statement in answer["statements"]:
            page, label = statement["page"], statement["page_label"]
            assert isinstance(page, int) and isinstance(label, str)
            # The quote is found on the page it cites, as a reader searching the PDF would find it.
            sheet = pdf.pages[page - 1]
            halves = [
                sheet,
                sheet.crop((0, 0, sheet.width / 2, sheet.height)),
                sheet.crop((sheet.width / 2, 0, sheet.width, sheet.height)),
            ]
            on_page = " ".join(re.sub(r"\s+", " ", part.extract_text()) for part in halves)
            assert statement["text"][:40] in on_page, (page, statement["text"][:40])
    assert all(isinstance(c["evidence_year"], int) for c in pdf_citations)

    text_answer = json.loads(clinqa("ask", "--json", "Maximum daily dose of baclofen in MS?").stdout)[0]
    assert text_answer["citations"] and all(
        c["page"] is None and c["page_label"] is None for c in text_answer["citations"]
    )
