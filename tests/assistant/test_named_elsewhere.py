"""A question about a condition the corpus has no source on is not answered from a neighbour that shares its
other words (real MedQuAD articles from ../shared: von Hippel-Lindau disease, and Gray platelet syndrome, whose
symptom list names von Willebrand factor)."""

from __future__ import annotations

import re

import pytest

from assistant.followup import Conversation
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


# GARD's pages on five conditions of the cornea, and on two syndromes whose symptom lists name an epibulbar dermoid
# in one row: the corpus has the word, in passages a question on the cornea's signs does not retrieve.
CORNEA = (
    "gard-0000848",
    "gard-0001583",
    "gard-0001586",
    "gard-0000996",
    "gard-0000302",
    "gard-0001618",
    "gard-0002444",
)


@pytest.fixture(scope="module")
def cornea(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, CORNEA)


@pytest.mark.parametrize("question", ["Which signs do dermoids of the cornea cause?", "cornea dermoids: symptoms?"])
def test_a_condition_whose_rarest_word_no_retrieved_source_has_is_not_answered_from_a_neighbour(
    cornea, question: str
) -> None:
    answer = cornea.ask(question)
    assert answer.abstained and "'dermoids'" in answer.reason, answer.reason
    assert answer.statements == [] and answer.citations == []


@pytest.mark.parametrize(
    ("question", "article"),
    [("Which signs does brittle cornea syndrome cause?", "gard-0000848"), ("cornea guttata - signs?", "gard-0001583")],
)
def test_a_condition_of_the_cornea_a_source_is_about_is_answered(cornea, question: str, article: str) -> None:
    answer = cornea.ask(question)
    assert not answer.abstained, answer.reason
    assert answer.citations[0].article_id == article


# GARD's hemochromatosis, and NIDDK's biliary atresia, which names the pediatric hepatologist who treats it.
LIVER = ("gard-0002766", "niddk-0000183")


@pytest.fixture(scope="module")
def liver(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, LIVER)


@pytest.mark.parametrize(
    "question",
    [
        # The specialist is in no retrieved passage: without the question naming the lead's condition, it counted
        # as what is asked ("No retrieved source mentions 'hepatologist'").
        "Hepatologist follows me for hemochromatosis - is it inherited?",
        # Here a retrieved passage of the other article names the specialist, the lead's article does not ("The
        # closest sources are about something else").
        "Pediatric hepatologist follows my son for hemochromatosis - is it inherited?",
    ],
)
def test_who_treats_the_condition_named_does_not_make_the_question_about_something_else(liver, question: str) -> None:
    answer = liver.ask(question)
    assert not answer.abstained, answer.reason
    assert {c.article_id for c in answer.citations} == {"gard-0002766"}


@pytest.mark.xfail(
    strict=True,
    reason="known: led from 'hereditary hemochromatosis', whose title the question does not name whole, the "
    "specialist retrieval did not find counts as what is asked (rare_absent)",
)
def test_a_specialist_beside_a_short_question_on_a_type_of_the_condition_does_not_decline(
    tmp_path_factory: pytest.TempPathFactory, embeddings
) -> None:
    # With GHR's hereditary hemochromatosis and articles on three other liver diseases beside them.
    more = (*LIVER, "ghr-0000461", "gard-0000254", "cancergov-0000007_1")
    answer = assistant_over_medquad(tmp_path_factory, embeddings, more).ask(
        "hemochromatosis, seen by hepatologist: genes?"
    )
    assert not answer.abstained, answer.reason


# Two articles on Graves disease; one on hyperthyroidism and one on a mitochondrial syndrome, both of which name
# endocrinology among the places to turn to.
THYROID = ("niddk-0000004", "ghr-0000436", "niddk-0000008", "ninds-0000168")


@pytest.fixture(scope="module")
def thyroid(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, THYROID)


@pytest.mark.parametrize(
    "question",
    [
        "Seen in the endocrinology clinic for Graves disease - what are the treatment choices?",
        # No retrieved passage names the clinic here: without the question naming the lead's condition, it counted
        # as what is asked ("No retrieved source mentions 'endocrinology'").
        "endocrinology clinic, Graves disease: options?",
    ],
)
def test_where_the_patient_was_seen_does_not_decline_a_question_on_the_condition_named(thyroid, question: str) -> None:
    answer = thyroid.ask(question)
    assert not answer.abstained, answer.reason
    assert answer.citations[0].article_id in {"niddk-0000004", "ghr-0000436"}


# Gaucher disease from GARD and GHR, and MedlinePlus's page on gene therapy, whose title is closer to "gene?".
GENES = ("gard-0002502", "ghr-0000400", "mplushealthtopics-0000395")


@pytest.fixture(scope="module")
def genes(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, GENES)


@pytest.mark.xfail(
    strict=True,
    reason="known: the condition a follow-up carries from the conversation is not a name its answer must be about; "
    "reading the follow-up's names with the topic fixed this but declined 'What about older patients?' after a "
    "pregabalin dose question (the lead's retrieved passages do not name the drug)",
)
def test_a_follow_up_is_answered_from_sources_on_the_condition_it_continues(genes) -> None:
    # "gene?" after a question on Gaucher disease is answered with the gene therapy page's lines ("Repairing an
    # abnormal gene"), cited but about no condition.
    conversation = Conversation()
    genes.ask("hematology clinic: gaucher disease in my pt", conversation)
    answer = genes.ask("gene?", conversation)
    assert not answer.abstained, answer.reason
    assert {c.article_id for c in answer.citations} <= {"gard-0002502", "ghr-0000400"}
    assert any("GBA" in s.text for s in answer.statements)
