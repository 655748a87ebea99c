"""What an answer may quote: statements, not the questions a source asks itself nor the titles of the resources
it lists (real MedQuAD articles from ../shared on oculocutaneous albinism: GARD's treatment section opens with a
question; Genetics Home Reference's lists resources by title only)."""

from __future__ import annotations

import pytest

from tests.conftest import assistant_over_medquad

ALBINISM = ("gard-0004501", "ghr-0000744")
# The titles of the general resources the Genetics Home Reference article lists under its treatments.
GENERAL_TITLES = {
    "Diagnostic Tests",
    "Drug Therapy",
    "Surgery and Rehabilitation",
    "Genetic Counseling",
    "Palliative Care",
}


@pytest.fixture(scope="module")
def albinism(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, ALBINISM)


@pytest.mark.parametrize(
    "question",
    ["How is oculocutaneous albinism managed?", "Treatment options for oculocutaneous albinism?"],
)
def test_a_treatment_answer_quotes_what_the_sources_say_to_do(albinism, question: str) -> None:
    answer = albinism.ask(question)
    assert not answer.abstained
    quoted = [s.text for s in answer.statements]
    assert not GENERAL_TITLES & set(quoted)
    assert not any(text.rstrip().endswith("?") for text in quoted)
    assert any("sunscreen" in text for text in quoted)


def test_what_reads_as_a_title() -> None:
    from assistant.composer import _title_like

    assert _title_like("Drug Therapy")
    assert _title_like("Genetic Testing Registry: Oculocutaneous albinism")
    assert not _title_like("Baclofen: Start at 10 mg/day")
    assert not _title_like("In dialysis patients: Consider sodium profiling")
    assert not _title_like("Severe short stature")
    assert not _title_like("Recommendation 5")


# NHLBI's article on hemochromatosis heads its parts with lines of their own, unmarked ("Overview", "Outlook",
# "Therapeutic Phlebotomy"), and sends the reader on ("For more information, go to ...").
HEMOCHROMATOSIS = ("nhlbi-0000067",)


@pytest.fixture(scope="module")
def hemochromatosis(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, HEMOCHROMATOSIS)


@pytest.mark.parametrize(
    "turns",
    [
        ("What is hemochromatosis?",),
        ("How is hemochromatosis treated?",),
        ("What is hemochromatosis?", "What should be considered with it?"),
    ],
)
def test_an_answer_quotes_no_heading_and_no_pointer_elsewhere(hemochromatosis, turns: tuple[str, ...]) -> None:
    from assistant.followup import Conversation

    conversation = Conversation()
    for question in turns:
        answer = hemochromatosis.ask(question, conversation)
    assert not answer.abstained
    quoted = [s.text for s in answer.statements]
    assert quoted
    assert not {"Overview", "Outlook", "Therapeutic Phlebotomy"} & set(quoted)
    assert not any(text.startswith("For more information") for text in quoted)


# NIDDK's article on hematuria introduces its lists with unfinished sentences ("... causes of hematuria include").
HEMATURIA = ("niddk-0000201",)


@pytest.fixture(scope="module")
def hematuria(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, HEMATURIA)


@pytest.mark.parametrize("question", ["What causes hematuria?", "Who is at risk for hematuria?"])
def test_an_answer_quotes_no_unfinished_sentence_that_introduces_a_list(hematuria, question: str) -> None:
    answer = hematuria.ask(question)
    assert not answer.abstained
    quoted = [s.text for s in answer.statements]
    assert quoted
    assert not any(text.rstrip().endswith("include") for text in quoted)


def test_what_is_a_heading_written_as_a_paragraph() -> None:
    from assistant.features import POINTS_ELSEWHERE, introduces_a_list, unmarked_heading
    from corpus.types import Block

    intro = Block("Hematuria has many causes. More serious causes include")
    assert introduces_a_list(intro, "More serious causes include")
    assert not introduces_a_list(intro, "Hematuria has many causes.")
    assert not introduces_a_list(Block("Iron builds up slowly."), "Iron builds up slowly.")
    # An instruction written without its full stop is finished.
    assert not introduces_a_list(Block("Keep your legs up"), "Keep your legs up")

    assert unmarked_heading(Block("Key Points"))
    assert unmarked_heading(Block("Therapeutic Phlebotomy"))
    assert not unmarked_heading(Block("Proper hydration", kind="bullet"))
    assert not unmarked_heading(Block("Iron builds up slowly."))
    assert not unmarked_heading(Block("Recommendation category: A"))
    # A heading in title case may end with a full stop (a guide's checklist: "Device Reprocessing."); one word
    # with a full stop is an item of a list written as paragraphs, and a sentence is no heading.
    assert unmarked_heading(Block("Device Reprocessing."))
    assert not unmarked_heading(Block("Fever."))
    assert not unmarked_heading(Block("Stretch before bed."))
    assert POINTS_ELSEWHERE.search('For more information, go to "How Is Hemochromatosis Treated?"')
    assert POINTS_ELSEWHERE.search("Click here to view this resource.")
    assert not POINTS_ELSEWHERE.search("For severe symptoms, see a neurologist.")
