"""A question split into its situation and what it asks."""

from __future__ import annotations

from assistant.question import QuestionView, split_ask


def test_the_ask_is_the_last_part_with_a_question_mark() -> None:
    premise, ask = split_ask("Muscle cramps are common in cirrhosis. What helps?")
    assert (premise, ask) == ("Muscle cramps are common in cirrhosis.", "What helps?")
    assert split_ask("Starting dose of baclofen in MS?") == ("", "Starting dose of baclofen in MS?")
    premise, ask = split_ask("Diabetic with numb feet - what should I check first?")
    assert ask == "what should I check first?" and premise == "Diabetic with numb feet"


def test_a_dose_is_wanted_only_when_the_ask_asks_for_one() -> None:
    assert QuestionView.of("If persistent - baclofen dose for her?").dose_wanted
    assert not QuestionView.of("On insulin, cramps right after the doses. Is potassium involved?").dose_wanted


def test_subtypes_and_required_words_with_their_corpus_forms() -> None:
    view = QuestionView.of("Dose in stage 4 disease?", required=("haemodialysis",), variant=lambda w: "dialysis")
    assert view.designators == ("stage 4",)
    assert view.names_required({"dialysis", "cramp"}) and not view.names_required({"cramp"})
