"""A question about a condition the corpus has no source on is not answered from a neighbour that shares its
other words (real MedQuAD articles from ../shared: von Hippel-Lindau disease, and Gray platelet syndrome, whose
symptom list names von Willebrand factor)."""

from __future__ import annotations

import pytest

from tests.conftest import MEDQUAD

ARTICLES = ("gard-0006376", "gard-0002676")


@pytest.fixture(scope="module")
def neighbours(tmp_path_factory: pytest.TempPathFactory, embeddings):
    from assistant.engine import Assistant
    from index.builder import build_index, open_store
    from index.lexical import lexical_index
    from index.settings import Settings

    paths = [MEDQUAD / "articles" / f"{name}.md" for name in ARTICLES]
    if not all(p.exists() for p in paths):
        pytest.skip("../shared/corpora/medquad is not beside the project")
    corpus = tmp_path_factory.mktemp("neighbours")
    for path in paths:
        (corpus / path.name).symlink_to(path)
    settings = Settings.from_env({"CLINQA_HOME": str(tmp_path_factory.mktemp("neighbours-home"))}, corpus=(corpus,))
    store = open_store(settings)
    assert build_index(settings.corpus, store, embeddings).indexed == len(ARTICLES)
    return Assistant(store=store, embeddings=embeddings, lexical=lexical_index(store, settings.lexical_dir))


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
