"""A question split into its situation and what it asks, and the words it writes short."""

from __future__ import annotations

import pytest

from assistant.answerable import names_as_asked, title_heads
from assistant.followup import clipped_focus
from assistant.question import QuestionView, condition_names, for_meaning, split_ask


def test_the_ask_is_the_last_part_with_a_question_mark() -> None:
    premise, ask = split_ask("Muscle cramps are common in cirrhosis. What helps?")
    assert (premise, ask) == ("Muscle cramps are common in cirrhosis.", "What helps?")
    assert split_ask("Starting dose of baclofen in MS?") == ("", "Starting dose of baclofen in MS?")
    premise, ask = split_ask("Diabetic with numb feet - what should I check first?")
    assert ask == "what should I check first?" and premise == "Diabetic with numb feet"


def test_a_dose_is_wanted_only_when_the_ask_asks_for_one() -> None:
    assert QuestionView.of("If it persists - tizanidine dose for him?").dose_wanted
    assert not QuestionView.of("Cramps start after her evening doses. Could magnesium be low?").dose_wanted
    assert QuestionView.of("Heparin infusion rate for a 70 kg adult?").dose_wanted  # a rate is a dose in time
    assert not QuestionView.of("What is the usual heart rate in adults?").dose_wanted
    assert QuestionView.of("How much baclofen can she take?").dose_wanted
    assert not QuestionView.of("How much more frequent is gout in men than in women?").dose_wanted


def test_subtypes_and_required_words_with_their_corpus_forms() -> None:
    view = QuestionView.of("Dose in stage 4 disease?", required=("haemodialysis",), variant=lambda w: "dialysis")
    assert view.designators == ("stage 4",)
    assert view.names_required({"dialysis", "cramp"}) and not view.names_required({"cramp"})


@pytest.mark.parametrize(
    ("text", "dose"),
    [
        ("Start at 10 mg/day", True),
        ("Apply a lidocaine 5% patch for 12 hours", True),
        ("Capsaicin 8% is applied in clinic", True),
        ("A survey found that 38% agreed that analgesics should be first line", False),
        ("Cramps occur in 20% of patients on dialysis", False),
        ("Use fell by 30% after the change", False),
        ("Stretch the calf before bed", False),
        # Odds, and the frequencies of a table of signs, are no doses either.
        ("Each child has a 50% chance of inheriting the variant", False),
        (
            "Signs and Symptoms Approximate number of patients Short stature 90% Seizures 50% Hearing loss 7.5% Tremor",
            False,
        ),
        ("Lidocaine 5% and capsaicin 0.075% creams are options", True),
    ],
)
def test_a_percentage_is_a_dose_only_when_it_is_not_a_proportion(text: str, dose: bool) -> None:
    from assistant.vocabulary import gives_dose

    assert gives_dose(text) is dose


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("Offer naloxone to patients taking higher opioid dosages (>=50 MME/day)", [("opioid", " (>=")]),
        ("Lower opioid doses (e.g., hydrocodone 2.5 mg) exist", [("opioid", " (e.g., hydrocodone ")]),
        ("A dose of methadone of 30 mg", [("methadone", " of ")]),
        ("Avoid increasing dosage to >=90 MME/day", [None]),  # "increasing" says nothing of whose
        ("Baclofen 5 mg three times daily", [None]),
        ("Gabapentin doses: 300 mg at night", [None]),  # another clause
        ("Cramps occur in 20% of patients", []),  # not a dose
    ],
)
def test_a_dose_line_says_whose_dose_it_gives(text: str, owners: list) -> None:
    from assistant.salience import Lexicon
    from assistant.vocabulary import dose_owners

    assert dose_owners(text, lambda w: len(w) >= 4 and Lexicon.specificity(w) >= 0.5) == owners


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Tizanidine for a 12 y/o after a spinal injury?", "child"),
        ("Gabapentin dose for a 10 year old with nerve pain?", "child"),
        ("Reflux in a 6 weeks old baby", "infant"),
        ("3 yo with a fever since yesterday", "child"),
        ("A 72-year-old on diuretics with leg cramps", None),
        ("65 yo man, cramps on dialysis", None),
        ("Cramps for 2 days now, what helps?", None),
    ],
)
def test_an_age_stands_for_the_patient_group_the_sources_speak_of(text: str, group: str | None) -> None:
    from assistant.question import age_group

    assert age_group(text) == group


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("and what if he's 85?", [85.0]),
        ("Nocturnal cramps, 79F, on diuretics", [79.0]),
        ("aged 70, on dialysis", [70.0]),
        ("first seizure in his 60s", [60.0]),
        ("77 y.o. with tingling", [77.0]),
        ("she is 7 and has a rash", [7.0]),
        ("gabapentin, pt is 86 - how to start?", [86.0]),
        ("the patient is 70 kg", []),  # a weight
        ("she's 3 days post-op", []),  # a time since surgery
        ("temperature 98.6F this morning", []),
        ("is 80 mg/day too much?", []),
        ("it affects 2M people", []),  # a count, not a patient of 2
        ("stage 4 CKD", []),
    ],
)
def test_ages_are_read_as_clinicians_write_them(text: str, years: list[float]) -> None:
    from assistant.question import ages_in_years

    assert ages_in_years(text) == years


def test_an_age_is_read_for_its_meaning_as_its_group_and_taken_out_of_the_words_matched() -> None:
    from assistant.question import for_meaning, without_ages
    from index.lexical import tokenize

    # Word matching keeps numbers (doses matter): the patient's age is taken out, another number stays.
    tokens = tokenize(without_ages("baclofen for her? she's 80 and takes 20 mg now"))
    assert "80" not in tokens and "20" in tokens
    assert for_meaning("and if she's 80?") == "and if older adult?"
    assert for_meaning("dose for a 30 year old?") == "dose for a adult?"
    assert for_meaning("a 9 yo with cramps") == "a child with cramps"


@pytest.mark.parametrize(
    ("text", "measured"),
    [
        ("liver checks?", {"liver"}),
        ("kidney function tests before starting?", {"kidney"}),
        ("potassium levels - how often?", {"potassium"}),
        ("dose with reduced kidney function?", set()),
        ("cramps in liver disease", set()),
        # A test whose result is given is the patient's condition, not a test to order.
        ("tizanidine dose with raised liver enzymes?", set()),
        ("kidney function tests low, baclofen ok?", set()),
        ("liver function tests up on tizanidine - dose?", set()),
        # "Up to date" says when the test was done, not what it found.
        ("kidney function tests up to date before baclofen?", {"kidney"}),
        ("are his liver tests up-to-date?", {"liver"}),
    ],
)
def test_what_a_test_measures_is_read_from_the_noun_of_testing_after_it(text: str, measured: set[str]) -> None:
    from assistant.vocabulary import measured_words

    assert measured_words(text) == measured


@pytest.mark.parametrize(
    ("question", "subjects"),
    [
        ("What gabapentin dose for diabetic neuropathy?", ["gabapentin", "neuropathy"]),
        ("Insulin dose for type 2 diabetes?", ["insulin"]),  # no rarer word: the commoner drug name
        ("What is the maximum dose?", []),
        ("Baclofen dose for an ESRD patient?", ["baclofen"]),  # shorthand in capitals describes the patient
        # The specific word is what it is for: the less specific one outside that circumstance is what it is of.
        ("Botox for spasms after a stroke - how many units?", ["spasms", "botox"]),
    ],
)
def test_a_dose_question_names_what_the_dose_is_for(question: str, subjects: list[str]) -> None:
    from assistant.composer import dose_subjects

    assert dose_subjects(QuestionView.of(question)) == subjects


@pytest.mark.parametrize(
    ("question", "of"),
    [
        ("what's the dose of duloxetine for numbness?", ["duloxetine"]),
        ("for cramps after a run how much potassium?", ["potassium"]),  # the circumstance ends where it asks on
        ("what dose for spasticity?", []),  # nothing but what it is for: every subject counts
        # What an amount is asked of, by grammar, outside the circumstances: not the patient's "cramping".
        ("cramping on dialysis, how much magnesium?", ["magnesium"]),
        ("pt cramping, magnesium - how much?", ["magnesium"]),
        ("how many units of botox for spasticity?", ["botox"]),
        ("quinine for leg cramps - how much?", ["quinine"]),  # "cramps" is what it is for
    ],
)
def test_what_a_dose_is_of_is_named_outside_the_circumstances(question: str, of: list[str]) -> None:
    from assistant.composer import dose_of, dose_subjects

    view = QuestionView.of(question)
    assert dose_of(view, dose_subjects(view)) == of


def test_a_bullet_keeps_the_words_that_introduce_its_list() -> None:
    from assistant.composer import lead_in
    from corpus.types import Block

    blocks = (
        Block("These resources address the management of the condition:"),
        Block("Genetic Testing Registry: the condition", kind="bullet", depth=1),
        Block("Drug Therapy", kind="bullet", depth=1),
        Block("Avoid in patients with:", kind="bullet", depth=1),
        Block("severe liver disease", kind="bullet", depth=1),
        Block("A paragraph after the list."),
    )
    assert lead_in(blocks, 2) == "These resources address the management of the condition"
    assert lead_in(blocks, 4) == "Avoid in patients with"  # the nearest introduction, not the first
    assert lead_in(blocks, 5) == ""  # a paragraph stands on its own
    nested = Block("Start at 10 mg/day", kind="bullet", depth=2, context=("Dosing protocol:",))
    assert lead_in((blocks[0], nested), 1) == ""  # its headings already say what it is about


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many days off work after the procedure?", "number of days or weeks"),
        ("What temperature kills the spores?", "temperature"),
        ("What LDL target for a smoker?", "target value"),
        ("What is the INR target with a mechanical valve?", "target value"),
        ("What should physiotherapy target first?", None),  # a verb, not a value
        ("What is the target dose?", None),  # a dose question: the dose check answers it
        ("How long is the course?", None),  # words answer it as often as numbers ("short-term use only")
        ("How many people have the condition?", None),  # so does "its prevalence is unknown"
        ("Rabies vaccine schedule after a bite?", "schedule"),
        ("Is tramadol a schedule IV drug?", None),  # a legal schedule, not a timing
    ],
)
def test_a_question_asking_for_a_figure_names_its_kind(question: str, kind: str | None) -> None:
    from assistant.vocabulary import quantity_asked

    assert quantity_asked(question) == kind


@pytest.mark.parametrize(
    ("text", "kind", "gives"),
    [
        ("Limit to 3 days or less", "number of days or weeks", True),
        ("Reassess within two weeks", "number of days or weeks", True),
        ("A test is run each day the sterilizer is used", "number of days or weeks", False),
        ("2007 Guidelines for Isolation Precautions", "number of days or weeks", False),
        ("Steam at 121 °C for 30 minutes", "temperature", True),
        ("Steam sterilization is preferred", "temperature", False),
        ("Aim for an HbA1c below 8%", "target value", True),
        ("Monitor blood glucose closely", "target value", False),
        ("Give doses on days 0, 3, 7 and 14", "schedule", True),
        ("Repeat the test annually", "schedule", True),
        ("Start at 10 mg/day", "schedule", True),
        ("Offer the vaccine to all staff", "schedule", False),
    ],
)
def test_a_figure_of_the_kind_asked_is_recognised(text: str, kind: str, gives: bool) -> None:
    from assistant.vocabulary import gives_quantity

    assert gives_quantity(text, kind) is gives


@pytest.mark.parametrize(
    ("text", "designators"),
    [
        ("Does vitamin E help?", ("vitamin E",)),
        ("vitamin b12 levels in neuropathy", ("vitamin b12",)),
        ("Hepatitis C treatment length?", ("Hepatitis C",)),
        ("one vitamin a day", ()),  # an article, not vitamin A
        ("Grade 3 sprain, stage 4 disease", ("Grade 3", "stage 4")),
        # Short forms stand for the family word, and a passage may use either.
        ("vit E for night cramps?", ("vitamin E",)),
        ("hep. B carrier - safe?", ("hepatitis B",)),
        ("heparin lock", ()),
    ],
)
def test_a_lettered_or_numbered_member_of_a_family_is_a_designator(text: str, designators: tuple[str, ...]) -> None:
    from assistant.question import designator_pattern

    view = QuestionView.of(text)
    assert view.designators == designators
    for designator in designators:
        family, letter = designator.split()
        short = {"vitamin": "vit", "hepatitis": "hep"}.get(family.lower(), family)
        assert designator_pattern(designator).search(f"Check {family} {letter} levels")
        assert designator_pattern(designator).search(f"Check {short} {letter} levels")
        assert not designator_pattern(designator).search(f"Check {family} deficiencies")


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Start at 10 mg/day", "start"),
        ("What is the initial dose?", "start"),
        ("Maximum dose: typically 80 mg/day", "maximum"),
        ("Titrate up to 30 mg/day as needed", None),
        ("Start low; the maximum is 80 mg/day", None),  # both: no one stage
    ],
)
def test_a_dose_line_or_question_names_its_stage(text: str, stage: str | None) -> None:
    from assistant.vocabulary import dose_stage

    assert dose_stage(text) == stage


@pytest.mark.parametrize(
    ("question", "meaning", "aside"),
    [
        ("Cramps: treatments other than medications?", "Cramps: treatments non-medications?", {"medicat"}),
        ("What to try before any drug?", "What to try non-drug?", {"drug"}),
        ("Night cramps: what first, before any pills?", "Night cramps: what first, non-pills?", {"pill"}),
        # An ask of nothing but its question word, or a bare plural after "before", sets aside as plainly.
        ("Calf cramps in an old man, what before any drug?", "Calf cramps in an old man, what non-drug?", {"drug"}),
        (
            "Nocturnal calf spasms - anything before tablets?",
            "Nocturnal calf spasms - anything non-tablets?",
            {"tablet"},
        ),
        ("What to try before drugs?", "What to try non-drugs?", {"drug"}),
        ("Non-drug measures other than physiotherapy?", "Non-drug measures non-physiotherapy?", {"physiotherapy"}),
        # What the patient cannot take: its lines are not the answer.
        ("Can't tolerate gabapentin - what else?", "non-gabapentin - what else?", {"gabapentin"}),
        ("Allergic to sulfa drugs, options?", "non-sulfa drugs, options?", {"sulfa"}),
        ("Intolerant of baclofen d/t sedation, next?", "non-baclofen d/t sedation, next?", {"baclofen"}),
        ("She is intolerant of tizanidine. Next?", "She is non-tizanidine. Next?", {"tizanidin"}),
        # What the question names outside the clause stays its word.
        (
            "Cramps on baclofen: what to assess besides cramp reduction?",
            "Cramps on baclofen: what to assess non-cramp-reduction?",
            {"reduct"},
        ),
        # Not a thing set aside: telling two apart, a figure, a choice between two.
        ("How do I tell cramps apart from numbness?", None, set()),
        ("Still cramping beyond 4 weeks?", None, set()),
        ("Should she rest before trying for a new record?", None, set()),
        # Getting ready for a drug is asking about it ("before trying" sets aside only what is tried in its place).
        ("What should be checked before trying tizanidine?", None, set()),
        ("Which labs before any drug is started?", None, set()),
        ("What to check before statins?", None, set()),
        ("Stretch before meals?", None, set()),
        ("Do I check liver tests before trying tizanidine?", None, set()),
        ("Other than that, anything?", None, set()),
        ("Immediate-release instead of extended-release?", None, set()),
    ],
)
def test_what_an_ask_sets_aside_is_not_its_topic(question: str, meaning: str | None, aside: set[str]) -> None:
    view = QuestionView.of(question)
    assert view.aside == aside
    assert for_meaning(question) == (meaning or question)
    assert not (aside & view.terms)


@pytest.mark.parametrize(
    ("ask", "back"),
    [
        ("How rare is it?", True),
        ("Can her sister inherit it?", True),
        ("What do they usually test for?", True),
        ("Next step?", False),
        ("Dose for her?", False),  # the patient, not what the situation was about
        ("What helps?", False),
    ],
)
def test_an_ask_refers_back_to_its_situation_by_a_pronoun(ask: str, back: bool) -> None:
    from assistant.followup import refers_back

    assert refers_back(ask) is back


HEADS = frozenset({"syndrome", "disease", "type"})


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What are the symptoms of Nelson syndrome?", ["Nelson syndrome"]),
        ("ABCD syndrome: which organs?", ["ABCD syndrome"]),
        ("pt with Wilson's disease, copper levels?", ["Wilson's disease"]),
        ("Genes behind Floating-Harbor syndrome?", ["Floating-Harbor syndrome"]),
        ("What Is Ellis Yale Winter syndrome", ["Ellis Yale Winter syndrome"]),
        ("Neuropathy, sensory, Okinawa type - prognosis?", ["Okinawa type"]),
        # A capital that starts a sentence marks no name, nor a word in lower case, nor a head before a subtype.
        ("Kidney disease in the elderly?", []),
        ("what causes restless legs syndrome", []),
        ("Diabetes Type 2 in teens: first-line?", []),
        # A word of the kind that is not a head noun here, and a head joined to the next word.
        ("Is Huntington chorea inherited?", []),
        ("Cramps on an MS disease-modifying drug?", []),
        ("on MS disease modifying drugs, cramps?", []),
    ],
)
def test_a_condition_named_by_a_proper_name_is_that_name(question: str, names: list[str]) -> None:
    assert [c.shown for c in condition_names(question, HEADS)] == names


@pytest.mark.parametrize(
    ("text", "question", "word", "named"),
    [
        ("Mutations in the ZEB2 gene cause Mowat-Wilson syndrome.", "Wilson disease genes?", "wilson", False),
        ("Wilson's disease is a disorder of copper.", "Wilson disease genes?", "wilson", True),
        ("Wilson disease is a disorder of copper.", "pt with Wilson's disease", "wilson", True),
        ("Parkinson's disease progresses slowly.", "Parkinsons disease tx", "parkinsons", True),
        ("Guillain-Barré syndrome (GBS) follows infection.", "Guillain-Barre syndrome tx", "barre", True),
        ("Beare-Stevenson cutis gyrata syndrome", "Nelson syndrome", "nelson", False),
    ],
)
def test_a_source_names_a_condition_as_the_question_does(text: str, question: str, word: str, named: bool) -> None:
    assert names_as_asked(text, question, word) is named


def test_another_head_noun_names_the_same_condition() -> None:
    # With the corpus's head nouns, "Leigh's disease" names what "Leigh syndrome" does; without, it does not.
    text, question = "The most common treatment for Leigh's disease is thiamine.", "Infant with Leigh syndrome?"
    assert names_as_asked(text, question, "leigh", HEADS)
    assert not names_as_asked(text, question, "leigh")
    # A head noun does not stand for a word that is none: "Wilson factor" is not named by "Wilson disease".
    assert not names_as_asked("Wilson disease", "Wilson factor levels?", "wilson", HEADS)


def test_the_head_nouns_of_conditions_are_what_many_titles_end_in() -> None:
    titles = [f"{n} syndrome" for n in "ABCDEFG"] + ["Wilson Disease", "Graves' Disease", "Muscle Cramps"]
    assert title_heads(titles, 0.01, 5) == {"syndrome"}
    assert title_heads(titles, 0.01, 2) == {"syndrome", "disease"}
    # A corpus of a few articles has none.
    assert title_heads(["Gout", "Cramps and Numbness"], 0.01, 5) == frozenset()


@pytest.mark.parametrize(
    ("question", "focus", "read"),
    [
        ("How strong is that rec?", "Recommendation 4", "How strong is that recommendation?"),
        ("are those recs graded?", "Recommendation 2", "are those recommendations graded?"),
        ("start the tiz at night?", "tizanidine", "start the tizanidine at night?"),
        ("That rec - graded how?", "Recommendation 4", "That recommendation - graded how?"),
        # Left as typed: no pointer before it, a word of the focus itself, a compound's first part, capitals.
        ("rec for older adults?", "Recommendation 4", "rec for older adults?"),
        ("that recommendation again?", "Recommendation 4", "that recommendation again?"),
        ("the pre-op dose?", "pregabalin", "the pre-op dose?"),
        ("that REC?", "Recommendation 4", "that REC?"),
        ("that rec?", None, "that rec?"),
    ],
)
def test_a_clipped_word_after_a_pointer_is_the_word_of_the_last_answers_focus(
    question: str, focus: str | None, read: str
) -> None:
    text, fixes = clipped_focus(question, focus)
    assert text == read
    assert bool(fixes) == (text != question)


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        ("For acute injuries other than low back pain, NSAIDs are recommended", ["low back pain"]),
        ("Except in pregnancy, start at 10 mg/day", ["pregnancy"]),
        ("All adults excluding those on dialysis", ["those on dialysis"]),
        # "Besides", not "leaving out": the statement is about what follows.
        ("Other than baclofen, tizanidine is the usual choice", []),
        ("Apart from baclofen, tizanidine may help", []),
    ],
)
def test_what_a_statement_leaves_out(text: str, left_out: list[str]) -> None:
    from assistant.composer import _LEAVES_OUT

    assert [m.group("what") for m in _LEAVES_OUT.finditer(text)] == left_out


@pytest.mark.parametrize(
    ("text", "stopping"),
    [
        ("how do I taper it off?", True),
        ("Weaning schedule?", True),
        ("Avoid abrupt discontinuation of baclofen (can precipitate withdrawal including seizures)", True),
        ("can she just stop it?", True),
        ("getting off gabapentin - how?", True),
        ("when do I stop increasing?", False),  # stops the increases, not the drug
        ("Start at 10 mg/day", False),
        ("a stopwatch test", False),
    ],
)
def test_what_speaks_of_stopping_a_treatment(text: str, stopping: bool) -> None:
    from assistant.vocabulary import speaks_of_stopping

    assert speaks_of_stopping(text) is stopping


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("how does baclofen work?", True),
        ("how do these two act?", True),
        ("tizanidine: mechanism of action?", True),
        ("what kind of drug is duloxetine?", True),
        ("how well does it work?", False),  # how much it helps, not how
        ("how long does it take to work?", False),
        ("does it work for numbness?", False),
    ],
)
def test_what_asks_how_a_treatment_works(text: str, asks: bool) -> None:
    from assistant.vocabulary import asks_how_it_works

    assert asks_how_it_works(text) is asks


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Mechanism: GABA-B receptor agonist that reduces muscle tone and painful spasms", True),
        ("Alpha-2 adrenergic agonist that reduces spasticity", True),
        ("A selective serotonin reuptake inhibitor", True),
        ("Start at 10 mg/day", False),
        ("Monitor for sedation with all agents", False),
        ("Review medications, especially diuretics, statins, and beta-blockers", False),  # a list of classes
    ],
)
def test_what_says_how_a_treatment_works(text: str, states: bool) -> None:
    from assistant.vocabulary import states_mechanism

    assert states_mechanism(text) is states


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("baclofen side effects?", True),
        ("adverse effects of tizanidine?", True),
        ("any toxicity to worry about?", True),
        ("does it do harm long term?", True),
        ("risk factors for night cramps?", False),  # causes, not harms of a treatment
        ("Who is at risk for narcolepsy?", False),  # the patient's risk of a disease
        ("baclofen dose?", False),
    ],
)
def test_what_asks_about_the_harms_of_a_treatment(text: str, asks: bool) -> None:
    from assistant.vocabulary import asks_about_harms

    assert asks_about_harms(text) is asks


@pytest.mark.parametrize(
    ("text", "cautions"),
    [
        ("Avoid abrupt discontinuation of baclofen (can precipitate withdrawal including seizures)", True),
        ("Monitor for hypotension and liver function abnormalities", True),
        ("Use benzodiazepines cautiously due to risk of dependence and cognitive effects", True),
        ("Start at 2 mg daily, gradually increase to 8-36 mg/day in divided doses", False),
        ("Alpha-2 adrenergic agonist that reduces spasticity", False),
    ],
)
def test_what_cautions_against_a_harm(text: str, cautions: bool) -> None:
    from assistant.vocabulary import states_caution

    assert states_caution(text) is cautions
