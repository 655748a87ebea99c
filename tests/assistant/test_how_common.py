"""A question of how common or how likely something is, answered with the figure the source gives (real MedQuAD
articles from ../shared: their "How many people are affected" sections)."""

from __future__ import annotations

import pytest

from assistant.vocabulary import asks_how_common, gives_frequency
from tests.conftest import assistant_over_medquad

ARTICLES = ("ghr-0000113", "ghr-0000108", "ghr-0000111")  # Beckwith-Wiedemann, Bardet-Biedl, Bartter syndromes


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("How rare is Beckwith-Wiedemann syndrome?", True),
        ("How many people are affected by Bartter syndrome?", True),
        ("What are the odds that a sibling has it too?", True),
        ("Prevalence of Bardet-Biedl syndrome in Europe?", True),
        ("Bartter syndrome: how much more frequent in boys?", True),
        ("How many times more likely is a brother to have it?", True),
        ("How much more can I give?", False),
        ("How is Bartter syndrome treated?", False),
        ("How many mg of potassium a day?", False),
    ],
)
def test_questions_of_how_common(question: str, asks: bool) -> None:
    assert asks_how_common(question) is asks


@pytest.mark.parametrize(
    ("text", "gives"),
    [
        ("It affects an estimated 1 in 13,700 newborns worldwide.", True),
        ("It likely affects about 1 per million people worldwide.", True),
        ("Each child has a 25% (1 in 4) chance to be affected.", True),
        ("About ten percent of affected people have it.", True),
        ("It is about twice as common in men.", False),  # a ratio without figures
        ("Three times more frequent after age 60.", True),
        ("The exact prevalence of this disorder is unknown.", False),
        ("Start at 10 mg/day and increase weekly.", False),
    ],
)
def test_figures_of_how_common(text: str, gives: bool) -> None:
    assert gives_frequency(text) is gives


@pytest.fixture(scope="module")
def syndromes(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, ARTICLES)


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # Asked in a clinician's own way, the words of other sentences come closer ("Rarely, ... chromosome 11";
        # "an abnormally large tongue"); the sentence with the figure is what answers.
        ("How rare is Beckwith-Wiedemann syndrome, roughly?", "1 in 13,700"),
        ("Baby with a big tongue, probably Beckwith-Wiedemann. Is it a common condition, how frequent?", "1 in 13,700"),
    ],
)
def test_how_common_is_led_by_the_figure(syndromes, question: str, figure: str) -> None:
    answer = syndromes.ask(question)
    assert not answer.abstained
    assert figure in answer.statements[0].text
    assert answer.citations and answer.citations[0].article_id == "ghr-0000113"


def test_no_figure_is_made_up_when_the_source_gives_words(syndromes) -> None:
    # The Bartter article gives a rate in words and a figure; a question on something else keeps its own lead.
    answer = syndromes.ask("How is Bartter syndrome inherited?")
    assert not answer.abstained and not gives_frequency(answer.statements[0].text)


# The three MedQuAD articles on Sotos syndrome (only the Genetics Home Reference one says how often it
# occurs) and two on other overgrowth conditions.
OVERGROWTH = ("ninds-0000071", "gard-0005690", "ghr-0000923", "gard-0001057", "ghr-0000113")


@pytest.fixture(scope="module")
def overgrowth(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, OVERGROWTH)


def test_a_situation_then_an_ask_about_it_finds_the_section_with_the_figure(overgrowth) -> None:
    # The situation's words find the articles' descriptions of the condition; the ask, "how rare is it", is
    # answered by a section that shares none of them, of one of the articles found.
    question = (
        "Teenager with learning difficulties and overgrowth since infancy; genetic testing found an NSD1 change, "
        "so Sotos syndrome. How rare is it?"
    )
    answer = overgrowth.ask(question)
    assert not answer.abstained
    assert "1 in 10,000 to 14,000" in answer.statements[0].text
    assert answer.citations[0].article_id == "ghr-0000923"


def test_a_search_within_articles_returns_only_their_chunks(overgrowth) -> None:
    from index.embeddings import embed_matrix

    vector = embed_matrix(overgrowth.embeddings, ["How many people are affected?"])[0]
    found = overgrowth.store.query(vector, 5, within=["ghr-0000923", "gard-0001057"])
    assert found and {c.article_id for c, _ in found} <= {"ghr-0000923", "gard-0001057"}
    assert overgrowth.store.query(vector, 5, exclude=["ghr-0000923"], within=["ghr-0000923"]) == []


def test_the_figure_of_another_condition_is_never_borrowed(overgrowth) -> None:
    # The jaw-cysts article gives no figure of how often it occurs; the Sotos syndrome articles beside it do.
    answer = overgrowth.ask("A child with jaw cysts and cerebral gigantism was seen in clinic. How rare is it?")
    assert not any("10,000" in s.text for s in answer.statements)
    assert all(c.article_id == "gard-0001057" for c in answer.citations[:1])


# Sections that give a figure for everyone and others for those with a sign of it: SOX2 anophthalmia syndrome
# (1 in 250,000; 10 to 15 percent of people with anophthalmia in both eyes) and antiphospholipid syndrome (up to
# one percent of all thromboses; 20 percent of people under 50 with a stroke; 10 to 15 percent of people with
# lupus and of women with recurrent miscarriages).
TWO_FIGURES = ("ghr-0000924", "ghr-0000063", "ghr-0000113")


@pytest.fixture(scope="module")
def two_figures(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, TWO_FIGURES)


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        (
            "Both eyes missing at birth - what proportion of such babies have SOX2 anophthalmia syndrome?",
            ("10 percent to 15 percent", "1 in 250,000"),
        ),
        (
            "Stroke at 40 with no risk factors - how likely is antiphospholipid syndrome behind it?",
            (
                "20 percent of individuals younger than age 50",
                "one percent of all thromboses",
                "Ten to 15 percent of people with systemic lupus",
            ),
        ),
    ],
)
def test_the_section_s_other_figures_follow_the_lead_figure(
    two_figures, question: str, figures: tuple[str, ...]
) -> None:
    answer = two_figures.ask(question)
    assert not answer.abstained
    assert gives_frequency(answer.statements[0].text)
    for figure in figures:
        assert any(figure in s.text for s in answer.statements), figure


# Two MedQuAD articles on rheumatoid arthritis: MedlinePlus's says that more women get it, NIHSeniorHealth's how
# many more.
ARTHRITIS = ("mplushealthtopics-0000782", "nihseniorhealth-0000061")


@pytest.fixture(scope="module")
def arthritis(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, ARTHRITIS)


def test_a_ratio_between_groups_leads_an_answer_on_how_frequent(arthritis) -> None:
    answer = arthritis.ask("Rheumatoid arthritis: how much more frequent in women?")
    assert not answer.abstained, answer.reason
    lead = answer.statements[0]
    assert gives_frequency(lead.text) and "women" in lead.text, lead.text
    cited = [c for c in answer.citations if c.number in lead.citation_numbers]
    assert cited and cited[0].article_id == "nihseniorhealth-0000061"
