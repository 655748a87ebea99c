"""Answers from a guide printed as nested lists (the CDC outpatient infection prevention guide, 2016, a US
government work in ../shared/corpora/guidelines): an item is quoted whole, never its mark alone, and what follows
an answer's lead reads in the order the guide prints it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, assistant_over_files

GUIDE = ROOT.parent / "shared" / "corpora" / "guidelines" / "cdc-outpatient-infection-prevention.pdf"

pytestmark = pytest.mark.integration  # (the fixture skips where ../shared is not beside the project)


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_files(tmp_path_factory, embeddings, [GUIDE], "infection-guide")


def test_an_item_is_quoted_whole_never_by_its_mark(guide) -> None:
    # Page 14 nests "i." to "iv." under "a. Post signs ... to:"; page 32 heads "i." to "iii." with "D. Gloves".
    signs = guide.ask("People coughing at the front desk: what should the practice put up and provide?")
    assert not signs.abstained
    assert not any(re.fullmatch(r"[ivx]+\.", s.text) for s in signs.statements)
    gloves = guide.ask("Is one pair of gloves ok for back-to-back patients?")
    assert not gloves.abstained
    assert any("same pair of gloves" in s.text for s in gloves.statements)


def test_what_follows_the_lead_reads_in_printed_order(guide) -> None:
    # A list's items may lie in more than one chunk; after the lead, the items of one list that an answer quotes
    # read in their printed order, whichever chunk retrieval ranked first.
    seen = 0
    for question in (
        "How should a clinic handle patients coughing in the waiting area?",
        "What to do about sneezing and coughing patients waiting to be seen?",
        "At which moments of patient care do clinic staff need to clean their hands?",
    ):
        answer = guide.ask(question)
        assert not answer.abstained
        lists: dict[tuple[str, int | None], list[str]] = {}
        for s in answer.statements[1:]:
            if re.match(r"[a-h]\. ", s.text):
                lists.setdefault((s.heading, s.page), []).append(s.text)
        for items in lists.values():
            assert items == sorted(items), question
            seen += len(items) - 1
    assert seen >= 2
