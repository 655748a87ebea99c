"""Answers from a real guideline PDF (the CDC opioid guideline, 2022): its twelve graded recommendations come
back whole with their grading, and a follow-up about "that recommendation" is answered from it."""

from __future__ import annotations

import re

import pytest

from assistant.followup import Conversation
from tests.conftest import ROOT, assistant_over_files

OPIOIDS = ROOT.parent / "shared" / "corpora" / "guidelines" / "cdc-opioids-2022.pdf"
GRADED = re.compile(r"\(recommendation category: [AB]; evidence type: [1-4]\)\.?$")

pytestmark = pytest.mark.integration  # (the fixture skips where ../shared is not beside the project)


@pytest.fixture(scope="module")
def guideline(tmp_path_factory: pytest.TempPathFactory, embeddings):
    return assistant_over_files(tmp_path_factory, embeddings, [OPIOIDS], "opioid-guideline")


def _without_number(text: str) -> str:
    return re.sub(r"^\d+\. ", "", text)


@pytest.mark.parametrize("number", range(1, 13))
def test_a_recommendation_asked_for_comes_back_whole_with_its_grading(guideline, number: int) -> None:
    from assistant.followup import Conversation

    conversation = Conversation()
    answer = guideline.ask(f"What does recommendation {number} of the CDC opioid guideline say?", conversation)
    assert not answer.abstained
    lead = answer.statements[0]
    assert GRADED.search(lead.text), lead.text[-90:]
    cited = answer.citations[lead.citation_numbers[0] - 1]
    assert cited.page is not None and cited.page_label == str(cited.page - 2)  # printed pages start at the 3rd
    # The whole recommendation: the block as the guideline prints it, not a sentence of it.
    block = next(
        b for p in answer.passages for b in p.chunk.blocks if b.kind == "recommendation" and b.text == lead.text
    )
    assert f"Recommendation {number}" in block.context or any(
        p.chunk.heading_path[-1:] == (f"Recommendation {number}",) and block in p.chunk.blocks for p in answer.passages
    )

    strength = guideline.ask("How strong is that recommendation?", conversation)
    assert not strength.abstained
    assert _without_number(strength.statements[0].text) == _without_number(lead.text)


def test_a_question_about_what_to_do_is_led_by_the_recommendation(guideline) -> None:
    answer = guideline.ask("Patient already on a benzodiazepine - can I add an opioid?")
    assert not answer.abstained
    assert GRADED.search(answer.statements[0].text)
    assert "benzodiazepines" in answer.statements[0].text


def test_a_clip_of_a_common_word_is_read_as_the_word_the_guideline_writes(guideline) -> None:
    # "preg" begins "pregnancy" and "pregabalin" in the guideline, so it is no clip of one corpus word; read as
    # "pregnant", which the guideline writes, the question finds its section on pregnant persons instead of
    # being declined for a patient group no retrieved passage mentions.
    answer = guideline.ask("preg pt, long-term opioid for back pain - ok?")
    assert not answer.abstained
    assert "'preg' as 'pregnant'" in answer.notice
    assert any("pregnan" in f"{s.heading} {s.text}".lower() for s in answer.statements[:2])


def test_a_drug_class_clipped_as_clinicians_write_it_is_the_class(guideline) -> None:
    # "benzos": the guideline writes "benzodiazepines" in full; the clipped word is read as it, not declined as a
    # drug no source mentions.
    answer = guideline.ask("ok to prescribe opioids for someone taking benzos?")
    assert not answer.abstained, answer.reason
    assert "benzodiazepines" in answer.statements[0].text and GRADED.search(answer.statements[0].text)


def test_a_dose_is_given_only_for_what_was_asked(guideline) -> None:
    # The guideline names gabapentin for neuropathic pain but gives no dose of it; its survey percentages and
    # its opioid doses are not one.
    gabapentin = guideline.ask("What gabapentin dose should I use for diabetic neuropathy pain?")
    assert gabapentin.abstained and "give no dose" in gabapentin.reason and "'gabapentin'" in gabapentin.reason
    assert gabapentin.citations == []
    # A drug named by a common word is still what the dose must be for: no opioid's dose for insulin.
    insulin = guideline.ask("Insulin dose for type 2 diabetes?")
    assert insulin.abstained and insulin.statements == []
    # Naloxone is named on a line whose amount is the opioids' ("higher opioid dosages (>=50 MME/day)"):
    # the guideline gives no naloxone dose.
    naloxone = guideline.ask("naloxone dose?")
    assert naloxone.abstained and "'naloxone'" in naloxone.reason
    # Asked as a follow-up, the dose is still naloxone's, not the first dose line retrieved (a hydrocodone one).
    conversation = Conversation()
    guideline.ask("naloxone - who should get it?", conversation)
    follow = guideline.ask("dose?", conversation)
    assert follow.abstained and "'naloxone'" in follow.reason and follow.statements == []
    # "opioid-naive" asked, "opioid-naïve" printed: the same patients.
    naive = guideline.ask("Opioid-naive patient with acute pain - what dosage should I start at?")
    assert not naive.abstained
    hydrocodone = guideline.ask("What's the starting dose of hydrocodone?")
    assert not hydrocodone.abstained
    assert any(re.search(r"hydrocodone[^.]*\d+ ?mg", s.text, re.IGNORECASE) for s in hydrocodone.statements)
    # The guideline is for adults; it names children only to say it does not address them, which gives them
    # no dose: its adult starting doses are not an answer for children. What it says of them is, under a
    # notice that it gives them no dose.
    from assistant.vocabulary import gives_dose

    young = guideline.ask("opioid starting dose for kids?")
    assert not young.abstained and "no dose written for children" in young.notice
    assert not any(gives_dose(s.text) for s in young.statements)
    assert any("do not address the use of opioid pain medication in children" in s.text for s in young.statements)


def test_the_patients_group_after_a_dose_question_gets_what_the_guideline_writes_for_it(guideline) -> None:
    from assistant.vocabulary import gives_dose

    # The guideline gives no dose for kidney impairment: its morphine tablets "for renal colic" are for a pain,
    # not for patients whose kidneys are impaired, and its usual doses are not theirs. What it writes for them is
    # the answer, under the notice: "and in older adults?" too, whose own words retrieve no line that gives an
    # opioid's usual dose either; and every line quoted speaks of the group (not a recommendation for all).
    for group, notice, said, of_it in (
        ("renal impairment?", "no dose written for kidney impairment", "renal or hepatic", "renal"),
        ("older adults?", "no dose written for older adults", "older adults", "≥65"),
        ("and in older adults?", "no dose written for older adults", "older adults", "≥65"),
    ):
        conversation = Conversation()
        assert not guideline.ask("starting dose of immediate-release opioids for acute pain?", conversation).abstained
        answer = guideline.ask(group, conversation)
        assert not answer.abstained, (group, answer.reason)
        assert notice in answer.notice, (group, answer.notice)
        assert not any("renal colic" in s.text for s in answer.statements), group
        assert not any(gives_dose(s.text) for s in answer.statements), group
        assert any(said in s.text for s in answer.statements), group
        assert all(of_it in f"{s.heading} {s.text}" for s in answer.statements), (group, answer.statements[0].text)


def test_a_word_for_a_group_read_with_the_next_may_name_another_topic(embeddings) -> None:
    from assistant.scope import Scopes

    scopes = Scopes(embeddings)
    kidney = scopes.named_in("patients with renal failure")
    assert kidney and kidney == scopes.named_in("reduce the dose in kidney disease")
    assert not scopes.named_in("20 tablets for musculoskeletal pain, 15 for renal colic or abdominal pain")
    assert not scopes.named_in("a history of kidney stones")


def test_a_figure_asked_for_is_answered_with_one_of_its_kind(guideline) -> None:
    from assistant.vocabulary import gives_quantity

    days = guideline.ask("Acute pain: how many days of opioids at most?")
    assert not days.abstained
    assert any(gives_quantity(s.text, "number of days or weeks") for s in days.statements)


def test_the_recommendation_whose_sections_were_retrieved_leads(guideline) -> None:
    # Its one sentence may score below the rationale around it; what was retrieved says which recommendation the
    # question is about.
    ankle = guideline.ask("Sprained ankle with acute pain: is an opioid the right choice?")
    assert ankle.statements[0].text.startswith("Nonopioid therapies are at least as effective as opioids")
    assert "recommendation category: B" in ankle.statements[0].text
    extraction = guideline.ask(
        "For acute pain after a dental extraction, how many days of opioid should the prescription cover?"
    )
    assert "no greater quantity than needed" in extraction.statements[0].text


def test_a_question_in_shorthand_is_led_by_the_recommendation_its_sections_hold(guideline) -> None:
    # In shorthand the question comes nearer the studies under Recommendation 1 than its own sentence, and no
    # recommendation came near enough to lead: the one whose sections hold most of what was retrieved leads,
    # and the follow-up on its strength is answered from it.
    for question in ("acute low back pain, opioid first?", "acute LBP - opioid as first pick?"):
        conversation = Conversation()
        answer = guideline.ask(question, conversation)
        assert not answer.abstained, answer.reason
        assert answer.statements[0].text.startswith("Nonopioid therapies are at least as effective as opioids")
        strength = guideline.ask("How strong is that recommendation?", conversation)
        assert not strength.abstained, strength.reason
        assert "recommendation category: B" in strength.statements[0].text


def test_a_follow_up_on_that_rec_is_on_the_recommendation(guideline) -> None:
    # Clinicians write "rec" for recommendation; after an answer led by one, "that rec" is it.
    conversation = Conversation()
    answer = guideline.ask("acute low back pain, opioid first?", conversation)
    assert not answer.abstained, answer.reason
    strength = guideline.ask("how strong is that rec?", conversation)
    assert not strength.abstained, strength.reason
    assert "recommendation category: B" in strength.statements[0].text
    assert "'rec' as 'recommendation'" in strength.notice


def test_a_statement_for_everything_but_the_condition_asked_about_is_not_quoted(guideline) -> None:
    # "For acute musculoskeletal injuries other than low back pain, ..." says nothing for low back pain.
    answer = guideline.ask("acute low back pain, are opioids first line?")
    assert not answer.abstained, answer.reason
    assert not any("other than low back pain" in s.text for s in answer.statements)
    assert any("not recommended as first-line therapy" in s.text for s in answer.statements[:2])


def test_an_initialism_read_by_the_dictionary_in_other_words_still_asks_about_the_condition(guideline) -> None:
    # The dictionary reads "LBP" as "lower back pain"; the guideline writes "low back pain". A statement for
    # everything "other than low back pain" still says nothing for it.
    answer = guideline.ask("acute LBP in a 40yo - opioids as first line?")
    assert not answer.abstained, answer.reason
    assert "'LBP' as 'lower back pain'" in answer.notice
    assert not any("other than low back pain" in s.text for s in answer.statements)
    assert any("not recommended as first-line therapy" in s.text for s in answer.statements[:2])
