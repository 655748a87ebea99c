"""A question about a condition the corpus has no source on is not answered from a neighbour that shares its
other words (real MedQuAD articles from ../shared: von Hippel-Lindau disease, and Gray platelet syndrome, whose
symptom list names von Willebrand factor)."""

from __future__ import annotations

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
    assert answer.abstained and "'willebrand'" in answer.reason
    assert answer.statements == [] and answer.citations == []


def test_the_neighbour_itself_is_answered(neighbours) -> None:
    answer = neighbours.ask("What treatment options exist for von Hippel-Lindau disease?")
    assert not answer.abstained
    assert all(c.article_id == "gard-0006376" for c in answer.citations)
