"""Notices on a patient group, over real MedQuAD articles from ../shared: an article on a condition writes for no
patient group, so a question naming one ("his kids") finds no group left out."""

from __future__ import annotations

import pytest

from tests.conftest import assistant_over_medquad

ARTICLES = ("ghr-0000703", "ninds-0000208")  # myoclonic epilepsy with ragged-red fibers (MERRF), two sources


@pytest.fixture(scope="module")
def merrf(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, ARTICLES)


@pytest.mark.parametrize(
    "question",
    [
        "Father with MERRF - can his kids get it from him?",
        "MERRF in a child: what are the signs?",
    ],
)
def test_sources_that_write_for_no_group_leave_none_out(merrf, question: str) -> None:
    answer = merrf.ask(question)
    assert not answer.abstained, answer.reason
    assert "None of the retrieved sources speaks of" not in answer.notice, answer.notice
