"""A question about a condition the corpus has no source on is not answered from a neighbour that shares its
other words (real MedQuAD articles from ../shared: von Hippel-Lindau disease, and Gray platelet syndrome, whose
symptom list names von Willebrand factor)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import assistant_over_medquad

ARTICLES = ("gard-0006376", "gard-0002676")


@pytest.fixture(scope="module")
def neighbours(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, ARTICLES)


@pytest.mark.parametrize(
    "question", ["Von Willebrand disease - is surgery or radiation used?", "Is von Willebrand disease inherited?"]
)
def test_a_condition_named_only_in_passing_is_not_answered_from_a_neighbour(neighbours, question: str) -> None:
    # Only a symptom list of another syndrome names it; the statements that would answer are von Hippel-Lindau's.
    answer = neighbours.ask(question)
    # The reason names what the sources lack: the word, or the condition's name with it.
    assert answer.abstained and re.search(r"'(?:von )?willebrand(?: disease)?'", answer.reason, re.IGNORECASE)
    assert answer.statements == [] and answer.citations == []


def test_the_neighbour_itself_is_answered(neighbours) -> None:
    answer = neighbours.ask("What treatment options exist for von Hippel-Lindau disease?")
    assert not answer.abstained
    assert all(c.article_id == "gard-0006376" for c in answer.citations)


# Genetics Home Reference on renal coloboma syndrome, which names papillorenal syndrome once, as another name;
# and two NIDDK articles on children's kidney diseases, whose words come closer to a question about small kidneys.
KIDNEYS = ("ghr-0000864", "niddk-0000139", "niddk-0000148")


@pytest.fixture(scope="module")
def kidneys(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, KIDNEYS)


def test_a_named_condition_is_answered_from_the_source_that_names_it(kidneys) -> None:
    answer = kidneys.ask(
        "Child with underdeveloped kidneys and protein in the urine - could it be papillorenal syndrome, "
        "and what are the kidney findings?"
    )
    assert not answer.abstained
    assert "papillorenal" in answer.statements[0].text
    assert {c.article_id for c in answer.citations} == {"ghr-0000864"}


# Six real articles on syndromes of proper names (Beare-Stevenson cutis gyrata, Summitt, Treacher Collins,
# Mowat-Wilson, Emanuel, BOD): "syndrome" ends every title.
SYNDROMES = ("gard-0000666", "gard-0005933", "ghr-0000989", "ghr-0000670", "gard-0002073", "gard-0000767")


@pytest.fixture(scope="module")
def syndromes(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, SYNDROMES)


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("What are the symptoms of Nelson syndrome?", "Nelson syndrome"),
        ("How many people are affected by Nager syndrome?", "Nager syndrome"),
        ("Is CODAS syndrome inherited?", "CODAS syndrome"),
    ],
)
def test_a_syndrome_no_source_names_is_not_answered_from_another_syndrome(syndromes, question: str, name: str) -> None:
    # Before, the first was answered with Beare-Stevenson's symptom list, the second with Treacher Collins's figure.
    answer = syndromes.ask(question)
    assert answer.abstained and f"'{name}'" in answer.reason
    assert answer.statements == [] and answer.citations == []


@pytest.mark.parametrize(
    "question",
    ["How many people are affected by Treacher Collins syndrome?", "treacher collins syndrome - how common?"],
)
def test_a_syndrome_a_source_names_is_answered_from_it(syndromes, question: str) -> None:
    answer = syndromes.ask(question)
    assert not answer.abstained
    assert {c.article_id for c in answer.citations} == {"ghr-0000989"}


# NIDDK's Wilson disease beside Mowat-Wilson syndrome, and four more NIDDK articles whose titles end in "Disease".
WILSON = ("niddk-0000133", "ghr-0000670", "niddk-0000004", "niddk-0000005", "niddk-0000088", "niddk-0000093")


@pytest.fixture(scope="module")
def wilson(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, WILSON)


def test_a_disease_is_answered_from_the_source_on_it_not_from_a_syndrome_sharing_a_name(wilson) -> None:
    answer = wilson.ask("What are the genetic changes related to Wilson disease?")
    assert not answer.abstained
    assert {c.article_id for c in answer.citations} == {"niddk-0000133"}


# NINDS's research pages on ten neurological disorders, and GARD's symptom list of a syndrome that names agnosia in
# one row: the corpus has the word, in a passage no question on agnosia's research retrieves.
RESEARCH = (
    *(f"ninds-{n:07d}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 11, 12)),
    "gard-0004944",
)


@pytest.fixture(scope="module")
def research(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, RESEARCH)


@pytest.mark.parametrize("question", ["What research is being done on agnosia?", "clinical trials for agnosia?"])
def test_a_condition_no_retrieved_source_names_is_not_answered_with_other_conditions_research(
    research, question: str
) -> None:
    # Before, the research lines of Aicardi-Goutieres syndrome and of agenesis of the corpus callosum answered.
    answer = research.ask(question)
    assert answer.abstained and "'agnosia'" in answer.reason
    assert answer.statements == [] and answer.citations == []


def test_the_research_of_a_condition_a_source_is_about_is_answered(research) -> None:
    answer = research.ask("What research is being done on Pompe disease?")
    assert not answer.abstained
    assert answer.citations[0].article_id == "ninds-0000003"
