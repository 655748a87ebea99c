"""Initialisms the sources never write, read as the sense they can answer; medical terms the sources never
mention (``assistant/abbreviations.py``)."""

from __future__ import annotations

from assistant.abbreviations import key_word, named_conditions, senses, spelled_out
from assistant.salience import Lexicon
from corpus.text import stem
from tests.assistant.test_answers import check_honest


def lexicon_of(*words: str) -> Lexicon:
    return Lexicon({stem(w): 1 for w in words}, 10)


def closeness_by(embeddings):
    from index.embeddings import embed_matrix

    def closeness(text, others):
        vectors = embed_matrix(embeddings, [text, *others])
        return list(vectors[1:] @ vectors[0])

    return closeness


def test_the_dictionary_gives_every_sense_and_the_most_specific_word_of_each() -> None:
    assert {"physical therapy", "prothrombin time"} <= set(senses("PT"))
    assert senses("LFTs") == senses("LFT") and senses("LFT")
    assert senses("XQZW") == []
    assert key_word("prothrombin time") == "prothrombin"
    assert key_word("liver function test") == "liver"
    # An eponym's possessive is a word of its own: the disease is Hirschsprung's, not any disease.
    assert key_word("Hirschsprung's disease") == "hirschsprung"
    assert key_word("Huntington’s disease") == "huntington"


def test_only_a_sense_the_sources_can_answer_is_read(embeddings) -> None:
    closeness = closeness_by(embeddings)
    # Sources on exercise, none on clotting: "PT" is physical therapy, whatever the rest of the question says.
    text, fixes = spelled_out("PT after a clot?", lexicon_of("physical", "therapy", "exercise"), closeness)
    assert fixes == [("PT", "physical therapy")] and text == "physical therapy after a clot?"
    # Sources with neither sense: left as typed.
    assert spelled_out("PT after a clot?", lexicon_of("exercise"), closeness) == ("PT after a clot?", [])


def test_of_the_senses_the_sources_can_answer_the_closest_in_meaning_is_read(embeddings) -> None:
    closeness = closeness_by(embeddings)
    both = lexicon_of("physical", "therapy", "prothrombin", "time", "warfarin")
    assert spelled_out("PT and INR on warfarin - how often?", both, closeness)[1] == [("PT", "prothrombin time")]
    assert spelled_out("PT for stiff shoulders: how many sessions?", both, closeness)[1] == [("PT", "physical therapy")]


def test_shorthand_in_small_letters_is_read_as_the_dictionary_writes_it(embeddings) -> None:
    # Written with a capital first letter by the dictionary ("Tx", "Hx"), shorthand is read however typed; in
    # capitals only ("DDX"), only when English hardly writes the word ("bid" is a word, "ddx" none).
    assert senses("tx") == ["treatment"] and senses("ddx") == ["differential diagnosis"]
    assert senses("bid") == []
    # A name whose capitals stand inside it is told from a word by its case: "pair" is no "pAIR".
    assert senses("pair") == [] and senses("camp") == []
    closeness = closeness_by(embeddings)
    # "yo" the dictionary writes in small letters only, as English does: left to the reading of ages.
    ages = lexicon_of("year", "old", "twice", "daily", "treatment")
    assert spelled_out("79 yo, bid, tx?", ages, closeness) == ("79 yo, bid, treatment?", [("tx", "treatment")])
    lexicon = lexicon_of("differential", "diagnosis", "treatment", "cramps", "calf")
    text, fixes = spelled_out("ddx of calf cramps, and tx?", lexicon, closeness)
    assert fixes == [("ddx", "differential diagnosis"), ("tx", "treatment")]
    assert text == "differential diagnosis of calf cramps, and treatment?"
    # Opening a sentence, with a capital, it is the same shorthand; an English word opening one is not.
    assert spelled_out("Ddx of calf cramps?", lexicon, closeness)[1] == [("Ddx", "differential diagnosis")]
    assert spelled_out("Is it calf cramps?", lexicon, closeness)[1] == []
    # "pt" is understood as the patient already; a word inside another ("mg/day") is no shorthand.
    assert spelled_out("pt on 10 mg/day", lexicon_of("patient", "physical", "therapy"), closeness)[1] == []


def test_a_sense_is_read_as_the_word_of_it_the_sources_write_when_that_word_means_it_all(embeddings) -> None:
    closeness = closeness_by(embeddings)
    # Sources that write "diabetes", never "mellitus": "DM" is read as their word.
    text, fixes = spelled_out("DM and calf cramps?", lexicon_of("diabetes", "cramps", "calf"), closeness)
    assert fixes == [("DM", "diabetes")] and text == "diabetes and calf cramps?"
    # A word that names only a kind of the thing is not read for it: "disease" is not Hirschsprung's disease,
    # nor "dialysis" peritoneal dialysis.
    assert spelled_out("PD and calf cramps?", lexicon_of("disease", "dialysis", "cramps"), closeness)[1] == []


def test_initialisms_the_sources_write_and_words_in_capitals_are_left() -> None:
    def never(text, others):
        raise AssertionError("nothing to choose")

    # The sources write "ALS" themselves; "IS" and "OR" are English words typed in capitals.
    lexicon = lexicon_of("als", "lateral", "sclerosis", "operating", "room", "baclofen")
    question = "IS baclofen OR tizanidine better in ALS?"
    assert spelled_out(question, lexicon, never) == (question, [])


def test_a_question_in_initialisms_is_answered_from_what_they_stand_for(assistant) -> None:
    # The articles write "liver function" and "dialysis patients", never "LFT" or "HD": asked in initials, the
    # monitoring line and the dialysis line answer, and the answer says how the initials were read.
    liver = assistant.ask("LFTs on tizanidine - how often?")
    assert not liver.abstained, liver.reason
    assert "Read 'LFTs' as 'liver function test'" in liver.notice
    assert "liver function" in liver.statements[0].text
    check_honest(liver, assistant.store)
    dialysis = assistant.ask("HD patient whose calves cramp in the last hour of treatment - what can be done?")
    assert not dialysis.abstained, dialysis.reason
    assert "Read 'HD' as" in dialysis.notice
    assert dialysis.statements[0].text.startswith("In dialysis patients")
    check_honest(dialysis, assistant.store)
    # Of the senses of "HD" the articles can answer only dialysis: "Hirschsprung's disease" shares no more than
    # "disease" with them, however the rest of the question reads.
    late = assistant.ask("calf cramps late in every HD run - anything worth a go?")
    assert not late.abstained, late.reason
    assert "Read 'HD' as 'hemodialysis'" in late.notice
    assert late.statements[0].text.startswith("In dialysis patients")
    check_honest(late, assistant.store)
    # The articles write "diabetic" and "diabetes", never "mellitus": "DM" is read as what they write, and
    # the neuropathy lines answer.
    diabetic = assistant.ask("DM pt w/ burning feet at night, tx?")
    assert not diabetic.abstained, diabetic.reason
    assert "Read 'DM' as 'diabetes'" in diabetic.notice
    assert any("neuropathy" in s.text.lower() for s in diabetic.statements[:3])
    check_honest(diabetic, assistant.store)
    # "MS" is the articles' own word: read as written.
    plain = assistant.ask("baclofen starting dose in MS?")
    assert "Read 'MS'" not in plain.notice


def test_a_message_of_many_initialisms_reads_only_the_first_few() -> None:
    from assistant.abbreviations import MAX_INITIALISMS

    calls = []

    def closeness(text, others):
        calls.append(text)
        return [0.0] * len(others)

    lexicon = lexicon_of(
        "physical", "therapy", "liver", "heart", "failure", "hypertension", "kidney", "breath", "intensive", "unit"
    )
    message = "PT and LFT and HF and HTN and CKD and SOB and ICU and " * 40
    assert all(senses(t) for t in message.split()[:14:2])
    _, fixes = spelled_out(message, lexicon, closeness)
    assert len(fixes) == MAX_INITIALISMS < 7 and len(calls) == MAX_INITIALISMS
    assert fixes[0] == ("PT", "physical therapy")


def test_a_question_written_in_capitals_keeps_its_english_words() -> None:
    def first(text, others):
        return [1.0] + [0.0] * (len(others) - 1)

    # "ARM" is also the initials of anorectal malformation; in a question typed in capitals it is the arm.
    lexicon = lexicon_of("anorectal", "malformation", "liver", "function", "numb")
    shouted = "NUMB ARM AT NIGHT ON TIZANIDINE, CHECK LFT?"
    text, fixes = spelled_out(shouted, lexicon, first)
    assert fixes == [("LFT", "liver function test")] and "ARM" in text


def test_the_conditions_a_question_names() -> None:
    # The words of the name in a row, in any form; its last word, the kind, may be left out.
    assert named_conditions("restless legs at night in a man of 70?") == ["restless leg syndrome"]
    assert named_conditions("peptic ulcer disease and cramps") == ["peptic ulcer disease"]
    # Not its words apart, nor a name of no condition ("disease-modifying therapy", "liver function test").
    assert named_conditions("restless at night, legs ache") == []
    assert named_conditions("MS disease-modifying therapy and cramps?") == []
    assert named_conditions("liver function tests on tizanidine?") == []


def test_a_condition_the_sources_never_mention_declines(assistant) -> None:
    # The bundled articles write of cramps at night and of legs, never of restless legs, a condition of its own:
    # the lines on night cramps do not answer it.
    for question in ("restless legs are keeping her up - what helps?", "peptic ulcer disease, cramps too - options?"):
        answer = assistant.ask(question)
        assert answer.abstained, question
        assert "in any form" in answer.reason
    # A term of no condition is left to the other checks.
    answer = assistant.ask("how often a liver function test on tizanidine?")
    assert not answer.abstained, answer.reason
    check_honest(answer, assistant.store)


def test_an_initialism_no_sense_of_which_can_be_read_still_says_who_the_patient_is(assistant) -> None:
    from assistant.abbreviations import unread_initialisms

    # The articles write "kidney" and "dialysis", never "renal": "ESRD" cannot be read into the question, but
    # its one sense, end-stage renal disease, says the patient's kidneys have failed.
    unread = unread_initialisms("ESRD - baclofen?", lexicon_of("kidney", "baclofen"))
    assert unread == [("ESRD", ["end-stage renal disease"])]
    assert unread_initialisms("ESRD - baclofen?", lexicon_of("renal", "baclofen")) == []  # read by spelled_out
    # A dose for such a patient is one a source writes for kidney impairment; the usual adult dose is not it.
    dose = assistant.ask("baclofen dose for a man with ESRD?")
    assert dose.abstained and "none written for kidney impairment" in dose.reason


def test_doses_for_a_patient_told_by_an_initialism_the_sources_cannot_read_say_so(assistant) -> None:
    # The articles write no creatinine clearance: the usual pregabalin doses are quoted under a notice that
    # they are not written for it, never as if they held for that patient.
    answer = assistant.ask("pregabalin dose to use at a CrCl of 25?")
    assert not answer.abstained, answer.reason
    assert any("mg" in s.text for s in answer.statements)
    assert "never write 'CrCl' (Creatinine Clearance): the doses below are not written for it" in answer.notice
    check_honest(answer, assistant.store)
    # An initialism read, or none, adds no such notice.
    assert "never write" not in assistant.ask("pregabalin starting dose?").notice
