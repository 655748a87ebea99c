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
