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


# GARD's symptom list of dermoids of the cornea (a table of how often each sign occurs, in percentages), and
# achondroplasia from GARD and GHR (a parent's "50% chance" of passing it on).
FREQUENCIES = ("gard-0001804", "gard-0000046", "ghr-0000007")


@pytest.fixture(scope="module")
def frequencies(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_medquad(tmp_path_factory, embeddings, FREQUENCIES)


@pytest.mark.parametrize(
    "question",
    [
        "dermoids of the cornea in a newborn - what signs?",
        "Radiologist mentioned achondroplasia on the prenatal scan - which gene?",
    ],
)
def test_frequencies_and_odds_are_no_doses_in_a_notice(frequencies, question: str) -> None:
    # Before, each answer carried "The doses below are the sources' usual ones: none is written for infants"
    # (or "for pregnancy"), though no line gives a dose.
    answer = frequencies.ask(question)
    assert not answer.abstained, answer.reason
    assert answer.statements and "dose" not in (answer.notice or "").lower()
