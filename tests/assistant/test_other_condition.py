"""A source about another condition of the name asked about answers nothing of it: "type 1A" does not answer
"type 2", and one muscular dystrophy's prevalence is no part of an answer on another (real MedQuAD articles from
../shared: achondrogenesis type 1A and three muscular dystrophies)."""

from __future__ import annotations

import pytest

from assistant.features import names_title, qualifier_absent
from assistant.model import load_model
from corpus.text import stem, terms
from tests.conftest import assistant_over_medquad

ARTICLES = ("gard-0000043", "ghr-0000334", "ghr-0000981", "ghr-0000602")


@pytest.fixture(scope="module")
def dystrophies(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, ARTICLES)


def test_another_subtype_of_the_name_is_declined(dystrophies) -> None:
    # The only achondrogenesis source is type 1A's symptom list, closer in words than anything else.
    answer = dystrophies.ask("Which features does achondrogenesis type 2 have?")
    assert answer.abstained and "another condition" in answer.reason and "'2'" in answer.reason
    assert answer.statements == [] and answer.citations == []
    # The subtype it is about is answered from it.
    own = dystrophies.ask("Which features does achondrogenesis type 1A have?")
    assert not own.abstained and {c.article_id for c in own.citations} == {"gard-0000043"}


def test_an_answer_quotes_no_sibling_condition(dystrophies) -> None:
    answer = dystrophies.ask("How common is facioscapulohumeral muscular dystrophy in the population?")
    assert not answer.abstained
    assert "1 in 20,000" in answer.statements[0].text
    # Tibial and limb-girdle muscular dystrophy have prevalence lines too: never part of this answer.
    assert {c.article_id for c in answer.citations} == {"ghr-0000334"}
    assert not any("tibial" in s.text.lower() or "finnish" in s.text.lower() for s in answer.statements)


def test_a_name_that_only_begins_like_the_source_is_declined(tmp_path_factory, embeddings) -> None:
    # Only craniofacial microsomia is indexed; its inheritance section is the closest passage to a question on
    # craniofacial-deafness-hand syndrome, and says nothing of it.
    assistant = assistant_over_medquad(tmp_path_factory, embeddings, ("ghr-0000248",))
    answer = assistant.ask("Is craniofacial-deafness-hand syndrome inherited?")
    assert answer.abstained and "craniofacial-deafness-hand" in answer.reason
    assert answer.citations == []
    own = assistant.ask("Is craniofacial microsomia inherited?")
    assert not own.abstained and {c.article_id for c in own.citations} == {"ghr-0000248"}


def test_each_dystrophy_is_answered_from_its_own_source(dystrophies) -> None:
    answer = dystrophies.ask("limb-girdle muscular dystrophy: which muscles are weak?")
    assert not answer.abstained
    assert {c.article_id for c in answer.citations} == {"ghr-0000602"}


@pytest.mark.parametrize(
    ("question", "title", "statement", "word"),
    [
        # A qualifier the source's title and statements lack, beside most of the title's words.
        (
            "Prevalence of oculopharyngeal muscular dystrophy?",
            "tibial muscular dystrophy",
            "Rare in Finland.",
            "oculopharyngeal",
        ),
        # Another subtype designator where the title has its own.
        ("Symptoms of Achondrogenesis type 2?", "Achondrogenesis type 1A", "Short ribs", "2"),
        ("Is hemophilia type A inherited?", "Hemophilia type B", "X-linked", "A"),
        # A number after the name where the title has another after "type".
        (
            "Is spinocerebellar ataxia 11 inherited?",
            "spinocerebellar ataxia type 2",
            "This condition is inherited in an autosomal dominant pattern.",
            "11",
        ),
        # A condition named as resembling the title's, whatever else the source says "like".
        (
            "Symptoms of Pitt-Hopkins-like syndrome?",
            "Pitt-Hopkins syndrome",
            "Features may include constipation, like other Pitt-Hopkins signs.",
            "pitt-hopkins-like",
        ),
        # A hyphenated name that begins with a word of the title: the title's word names only part of it.
        (
            "Is craniofacial-deafness-hand syndrome inherited?",
            "craniofacial microsomia",
            "Craniofacial microsomia most often occurs in a single individual in a family.",
            "craniofacial-deafness-hand",
        ),
    ],
)
def test_a_qualifier_the_source_lacks_is_found(question: str, title: str, statement: str, word: str) -> None:
    value, found = qualifier_absent(question, title, terms(f"{statement} {title}"))
    assert found == word and value > 0.6


@pytest.mark.parametrize(
    ("question", "title", "statement"),
    [
        # The statement itself names the condition asked about, though its source is titled more broadly.
        (
            "Treatments for dermatofibrosarcoma protuberans?",
            "Childhood Soft Tissue Sarcoma",
            "Imatinib is used to treat dermatofibrosarcoma protuberans.",
        ),
        # A general title the question narrows by a word it names itself ("dominant" in the statement).
        (
            "What causes dominant dystrophic epidermolysis bullosa?",
            "dystrophic epidermolysis bullosa",
            "A milder form is autosomal dominant.",
        ),
        # Words beside a title word but far from most of a long title: the situation, not another condition.
        (
            "Calf cramps at night in a patient with MS?",
            "What are the treatment options for muscle cramps in a patient with multiple sclerosis?",
            "Stretch before bed.",
        ),
        # An acronym in capitals, and a possessive, are not qualifiers.
        (
            "Is SEMD Strudwick type inherited?",
            "Spondyloepimetaphyseal Dysplasia, Strudwick Type",
            "It is inherited in a dominant pattern.",
        ),
        ("Is Cushing's syndrome inherited?", "Cushing's Syndrome", "Most cases are not inherited."),
        # The title's own subtype, written with "type" where the title has none.
        (
            "Is spinocerebellar ataxia type 2 inherited?",
            "Spinocerebellar ataxia 2",
            "This condition is inherited in an autosomal dominant pattern.",
        ),
        # A hyphenated name whose every part the source names, spelt apart.
        (
            "Is limb-girdle muscular dystrophy type 2A inherited?",
            "Limb girdle muscular dystrophy type 2A",
            "Limb girdle muscular dystrophy type 2A is inherited in an autosomal recessive pattern.",
        ),
        # A "+" between words is the "and" of shorthand: "numb soles" and "cramps" are two things, not a kind of
        # "cramps and numbness" that its source never names.
        (
            "elderly lady, 88, numb soles + cramps. approach?",
            "Management of Cramps and Numbness",
            "Evaluate fall risk with numbness in lower extremities",
        ),
    ],
)
def test_no_qualifier_is_found_where_the_source_is_about_it(question: str, title: str, statement: str) -> None:
    assert qualifier_absent(question, title, terms(f"{statement} {title}")) == (0.0, "")


@pytest.mark.parametrize(
    ("question", "title", "statement", "far"),
    [
        # Who saw it, with a word between them and the name: the situation, not a kind of the condition.
        (
            "Our cardiologist mentioned Marfan syndrome after the echo - what are the signs?",
            "Marfan syndrome",
            "Marfan syndrome affects the connective tissue.",
            "cardiologist",
        ),
        (
            "Pediatric neurologist suspects Rett syndrome in a girl of two, how is it inherited?",
            "Rett syndrome",
            "Most cases of Rett syndrome are not inherited.",
            "neurologist",
        ),
    ],
)
def test_a_word_apart_from_the_name_is_no_qualifier(question: str, title: str, statement: str, far: str) -> None:
    # Next to the name, it would be one (how the same words read as a kind of the condition).
    limit = load_model().answerable.thresholds["qualifier_absent"]
    assert qualifier_absent(f"{far} {title}?", title, terms(f"{statement} {title}"))[0] >= limit
    value, found = qualifier_absent(question, title, terms(f"{statement} {title}"))
    assert found != far and value < limit


# Two articles on keratoconus, and two on Marfan syndrome and a syndrome named after it.
NAMED = ("gard-0003368", "gard-0003369", "ghr-0000627", "gard-0003802")


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, NAMED)


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("Ophthalmologist found keratoconus in my son. How does it progress?", "gard-0003368"),
        ("Our cardiologist mentioned Marfan syndrome after the echo - what are the signs?", "ghr-0000627"),
    ],
)
def test_who_found_the_condition_does_not_make_it_another(named, question: str, article: str) -> None:
    # Before, "ophthalmologist" and "cardiologist" were read as qualifiers of the name and the question declined.
    answer = named.ask(question)
    assert not answer.abstained, answer.reason
    assert answer.citations[0].article_id == article


def test_a_long_name_runs_on_through_words_that_name_conditions() -> None:
    # "familial abdominal aortic aneurysm" is a kind of aneurysm its source need not be about: the words before
    # "aneurysm" name conditions in the corpus's titles, so the name runs on through them.
    question = "Which gene causes familial abdominal aortic aneurysm?"
    said = terms("Aneurysm. Aortic aneurysms can rupture.")
    naming = frozenset(stem(w) for w in ("familial", "abdominal", "aortic", "aneurysm", "marfan", "syndrome"))
    limit = load_model().answerable.thresholds["qualifier_absent"]
    value, found = qualifier_absent(question, "Aneurysm", said, None, naming)
    assert found in {"familial", "abdominal"} and value >= limit
    # Without the corpus's titles, only the word next to the title's is read, and the source says it.
    assert qualifier_absent(question, "Aneurysm", said) == (0.0, "")
    # A word that names no condition ends the name: who saw it is not a kind of it.
    value, found = qualifier_absent(
        "Cardiologist suspects Marfan syndrome, signs?", "Marfan syndrome", said, None, naming
    )
    assert found != "cardiologist" and value < limit


@pytest.mark.parametrize(
    ("text", "title", "named"),
    [
        ("Seen in the endocrinology clinic for Graves disease", "Graves' disease", True),
        ("Hepatologist follows me for hemochromatosis", "Hemochromatosis", True),
        ("Toddler with Tay-Sachs: which gene?", "Tay-Sachs disease", True),
        ("Clinic visit for an MS relapse", "Multiple Sclerosis", True),
        # Part of a title is not its condition: "cornea" does not name brittle cornea syndrome.
        ("What are the signs of dermoids of the cornea?", "Brittle cornea syndrome", False),
        ("Is Ulnar-mammary syndrome inherited?", "Weyers ulnar ray/oligodactyly syndrome", False),
        # A title of head nouns alone names nothing in particular.
        ("Which syndrome is it?", "Syndrome", False),
    ],
)
def test_a_question_names_a_title_by_all_its_words_but_the_head_nouns(text: str, title: str, named: bool) -> None:
    assert names_title(text, title, frozenset({"syndrome", "disease"})) is named


def test_shorthand_the_corpus_has_in_no_form_is_no_qualifier() -> None:
    # "dx'd" stands next to the name, and no title or statement has it: read as a kind of myotonic dystrophy,
    # it declined the question. The corpus has it in no form, so it names no condition of the sources.
    question = "neuro clinic dx'd myotonic dystrophy in my pt, how is it passed on?"
    said = terms("Myotonic dystrophy is inherited in an autosomal dominant pattern.")
    corpus = {"neuro", "clinic", "myotonic", "dystrophy", "passed"}

    def variant(word: str) -> str | None:
        return word if word in corpus else None

    assert qualifier_absent(question, "Myotonic dystrophy", said)[1] == "dx'd"
    assert qualifier_absent(question, "Myotonic dystrophy", said, variant) == (0.0, "")
    # A word the corpus has, or a hyphenated one with a part it has, still qualifies the name.
    corpus |= {"oculopharyngeal", "pitt"}
    assert (
        qualifier_absent(
            "Is oculopharyngeal muscular dystrophy inherited?", "Tibial muscular dystrophy", said, variant
        )[1]
        == "oculopharyngeal"
    )
    assert (
        qualifier_absent("Symptoms of Pitt-Hopkins-like syndrome?", "Pitt-Hopkins syndrome", said, variant)[1]
        == "pitt-hopkins-like"
    )
