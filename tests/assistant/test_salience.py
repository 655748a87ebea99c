"""What a question's words tell: forms of corpus words, everyday English, names the corpus lacks."""

from __future__ import annotations

import pytest

from assistant.salience import Lexicon, zipf

# A corpus vocabulary as the lexical index stores it: stemmed tokens with document frequencies.
CORPUS = Lexicon({"cirrhosi": 2, "dialysis": 3, "titrat": 4, "start": 9, "numbness": 5, "baclofen": 6}, 40)


@pytest.mark.parametrize(
    ("word", "form_of"),
    [
        ("cirrhotic", "cirrhosi"),  # another ending
        ("haemodialysis", "dialysis"),  # a prefix of its own
        ("retitrate", "titrat"),
        ("interdialytic", "dialysis"),  # a prefix English uses, then another ending
        ("startign", "start"),  # a slip of the keyboard
        ("numb", "numbness"),  # a short word that begins a corpus word
        ("baclofen", "baclofen"),
    ],
)
def test_forms_of_corpus_words_are_found(word: str, form_of: str) -> None:
    assert CORPUS.variant(word) == form_of


def test_a_long_word_clipped_to_its_first_syllables_is_that_word() -> None:
    corpus = Lexicon({"benzodiazepin": 6, "anticoagul": 3, "opioid": 20, "laboratori": 2}, 40)
    assert corpus.variant("benzos") == "benzodiazepin"
    assert corpus.variant("anticoag") == "anticoagul"
    # Not a common English word that begins a corpus word ("labs"), nor a clip that begins several.
    assert corpus.variant("labs") is None
    two = Lexicon({"benzodiazepin": 6, "benzoylperoxid": 5, "opioid": 20}, 40)
    assert two.variant("benzos") is None


def test_a_short_clip_typed_in_lower_case_is_read_as_the_one_word_it_begins() -> None:
    from assistant.salience import unclipped

    corpus = Lexicon({"tizanidin": 3, "baclofen": 6, "utiliz": 9, "pregabalin": 2, "pregnanc": 8, "opioid": 20}, 40)
    assert corpus.short_clip("tiz") == "tizanidin"
    # Not common English ("uti" is too common, "pre" more so), nor the start of two corpus words ("preg").
    assert corpus.short_clip("uti") is None and corpus.short_clip("preg") is None
    # Nor a word the corpus uses, nor one of five letters or more (``variant`` matches those).
    assert corpus.short_clip("opioid") is None and corpus.short_clip("tizan") is None
    written = {"tizanidin": "tizanidine"}.get
    assert unclipped("how much tiz a day?", corpus, written) == ("how much tizanidine a day?", [("tiz", "tizanidine")])
    assert unclipped("Tiz for cramps?", corpus, written)[0] == "Tizanidine for cramps?"
    # In capitals it is an initialism, not a clip.
    assert unclipped("TIZ dose?", corpus, written) == ("TIZ dose?", [])


def test_a_clip_english_writes_for_a_common_word_is_no_clip_of_a_corpus_word() -> None:
    # Of the corpus words only "pregabalin" begins with "preg", but English writes "preg" for "pregnant" and
    # "pregnancy", and "carb" for "carbon" or "carbs": read as the drug, a question asked about pregnancy
    # would be answered about the drug.
    corpus = Lexicon({"pregabalin": 2, "carbamazepin": 2, "tizanidin": 3, "baclofen": 6}, 40)
    assert corpus.short_clip("preg") is None and corpus.short_clip("carb") is None
    assert corpus.short_clip("tiz") == "tizanidin"  # no common English word begins so
    assert corpus.variant("pregab") == "pregabalin"
    # A common English word that is a form of the corpus word is no other reading of it.
    mothers = Lexicon({"pregnanc": 4, "baclofen": 6}, 40)
    assert mothers.short_clip("preg") == "pregnanc"


def test_a_clip_of_several_corpus_words_is_read_as_the_english_word_the_sources_write() -> None:
    from assistant.salience import unclipped

    # "preg" begins "pregabalin" and "pregnant" in the corpus, so it is no clip of one of them; English writes
    # it for "pregnant", which the sources write too: the question is about a pregnant patient.
    corpus = Lexicon({"pregabalin": 2, "pregnant": 5, "opioid": 20}, 40)
    assert corpus.short_clip("preg") is None
    assert unclipped("preg pt on opioids - safe?", corpus, {}.get) == (
        "pregnant pt on opioids - safe?",
        [("preg", "pregnant")],
    )
    # Where the sources never write the English word, it is left as typed (and weighed as that word elsewhere).
    drug_only = Lexicon({"pregabalin": 2, "opioid": 20}, 40)
    assert unclipped("preg pt on opioids - safe?", drug_only, {}.get) == ("preg pt on opioids - safe?", [])
    # In capitals it is an initialism, not a clip.
    assert unclipped("PREG pt?", corpus, {}.get) == ("PREG pt?", [])


def test_a_clip_english_writes_as_a_word_is_read_by_its_meaning(embeddings) -> None:
    from assistant.salience import clipped_by_meaning
    from index.embeddings import embed_matrix

    def alike(word: str, forms: list[str]) -> list[float]:
        vectors = embed_matrix(embeddings, [word, *forms])
        return [float(c) for c in vectors[1:] @ vectors[0]]

    corpus = Lexicon({"laboratori": 3, "label": 2, "medic": 9, "tonic": 1, "baclofen": 6}, 40)
    written = {"laboratori": "laboratory", "label": "label", "medic": "medication", "tonic": "tonic"}.get
    # "labs" is an English word, and "lab" begins "label" too: by its letters alone no clip.
    assert corpus.variant("labs") is None and corpus.short_clip("lab") is None
    assert clipped_by_meaning("tizanidine - which labs to follow?", corpus, written, alike, 0.7) == (
        "tizanidine - which laboratory to follow?",
        [("labs", "laboratory")],
    )
    assert clipped_by_meaning("Labs after a fall?", corpus, written, alike, 0.7)[0] == "Laboratory after a fall?"
    # A clip that the letters already match to a longer corpus word ("neuro" of "neurological") is read as a word too:
    # matched by its letters alone, it would count in a word search and not in what the question means.
    nerves = Lexicon({"neurolog": 4, "neuropathi": 6, "numb": 9, "referr": 3}, 40)
    assert nerves.variant("neuro") == "neurolog"
    nerve_forms = {"neurolog": "neurological", "neuropathi": "neuropathic"}.get
    text, fixes = clipped_by_meaning("numb feet - when to refer to neuro?", nerves, nerve_forms, alike, 0.7)
    assert fixes == [("neuro", "neurological")] and text == "numb feet - when to refer to neurological?"
    # A word the corpus writes in another form that does not merely go on from it stays as typed ("numbness").
    assert clipped_by_meaning("numbness in feet?", nerves, nerve_forms, alike, 0.7) == ("numbness in feet?", [])
    # A word that only frames the question is left as typed; so is one near in meaning to no word it begins, and
    # one that begins no corpus word at all, however near in meaning ("quinine" to "tonic").
    for text in ("labels on the box?", "quinine for cramps?"):
        assert clipped_by_meaning(text, corpus, written, alike, 0.7) == (text, [])
    # A word read as one that only frames a question is left as typed, however near in meaning: it names
    # nothing to search for.
    framing = Lexicon({"recommend": 5, "baclofen": 6}, 40)
    assert clipped_by_meaning("recs for cramps?", framing, {"recommend": "recommend"}.get, lambda w, f: [1.0], 0.7) == (
        "recs for cramps?",
        [],
    )


def test_an_initialism_the_sources_do_not_write_is_no_clip_of_a_word_they_do() -> None:
    from assistant.features import unknown_words
    from assistant.question import QuestionView

    # The sources write "hepatitis", which "hepa" begins; "HEPA" in capitals is an initialism they never write.
    corpus = Lexicon({"hepatitis": 5, "vaccin": 4, "clinic": 6}, 40)
    assert "hepa" in unknown_words(QuestionView.of("How often are HEPA filters changed in a clinic?"), corpus)
    assert "hepa" not in unknown_words(QuestionView.of("hepa vaccine for clinic staff?"), corpus)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("carnosinemia", "carnosinuria"),  # two long endings: two conditions
        ("lymphadenitis", "lymphadenopathy"),
        ("craniodiaphyseal", "cranio"),  # a compound, not a form of its first part
        ("carnosinemia", "sinemet"),  # not a prefix ("carno") and a form of what follows
    ],
)
def test_words_sharing_a_beginning_are_not_forms_of_each_other(word: str, other: str) -> None:
    corpus = Lexicon({other: 1, "syndrome": 30}, 40)
    assert corpus.variant(word) is None
    assert corpus.nameness(word) > 0.2


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("intrathecal", "rather"),  # an everyday word that begins like what follows "int"
        ("facet", "fact"),  # a word English writes is no slip of the keyboard from another
    ],
)
def test_an_everyday_word_is_no_form_of_a_word_it_only_resembles(word: str, other: str) -> None:
    corpus = Lexicon({other: 30, "opioid": 20}, 40)
    assert corpus.variant(word) is None
    assert not corpus.known(word)


@pytest.mark.parametrize("word", ["quinine", "fingolimod", "ciprofloxacin", "natalizumab"])
def test_names_the_corpus_lacks(word: str) -> None:
    assert CORPUS.variant(word) is None
    assert CORPUS.nameness(word) > 0.2
    assert CORPUS.salience(word) >= 0.6


@pytest.mark.parametrize(
    "word",
    [
        "prescribe",  # everyday English
        "recurrent",
        "actualy",  # a typo of everyday English
        "workup",  # two everyday words run together
        "esrd",  # shorthand: too short to judge a name
        "baclofen",  # the corpus has it
        "cirrhotic",  # a form of a corpus word
    ],
)
def test_everyday_words_shorthand_and_corpus_words_are_not_names(word: str) -> None:
    assert CORPUS.nameness(word) == 0.0


def test_specificity_follows_english_frequency() -> None:
    assert Lexicon.specificity("tizanidine") == 1.0
    assert Lexicon.specificity("measures") == 0.0
    assert zipf("the") > zipf("spasticity") > zipf("tizanidine")


def test_salience_ranks_rare_corpus_words_above_common_ones_and_drops_everyday_words() -> None:
    assert CORPUS.salience("cirrhosis") > CORPUS.salience("start") >= 0.3
    assert CORPUS.salience("night") == 0.0
    assert CORPUS.salience("60-year-old") == 0.0


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("Baclofen dose when startign?", "Baclofen dose when starting?"),  # a slip, to a word the sources use
        ("Startign dose?", "Starting dose?"),
        ("What is VLCAD deficiency?", "What is VLCAD deficiency?"),  # an acronym: a name, not a slip
        ("tizanadine dose?", "tizanadine dose?"),  # a drug's name is never made another word
        ("Is it safe in pregnacy?", "Is it safe in pregnacy?"),  # the sources never say "pregnancy"
    ],
)
def test_slips_of_the_keyboard_are_read_as_the_words_the_sources_use(text: str, read_as: str) -> None:
    from assistant.salience import respelled

    assert respelled(text, CORPUS.known)[0] == read_as


def test_a_query_for_word_matching_carries_the_corpus_forms_of_its_words() -> None:
    spelled = CORPUS.in_corpus_words("Options for interdialytic cramps: retitrate the dose?")
    assert spelled.split() == "Options for interdialytic dialysis cramps: retitrate titrat the dose?".split()
    # Nothing to add: the words are the corpus's own, or have no form in it.
    assert CORPUS.in_corpus_words("baclofen for lisinopril users") == "baclofen for lisinopril users"
    # A word of the question's frame is no form of anything, whatever the corpus holds ("shoulder").
    frame = Lexicon({"shoulder": 3, "dialysis": 2}, 20)
    assert frame.in_corpus_words("What should I do?") == "What should I do?"


def test_the_words_the_corpus_has_in_no_form_are_found_rarest_first() -> None:
    from assistant.features import unknown_words
    from assistant.question import QuestionView

    corpus = Lexicon({"cramp": 9, "dialysis": 3, "baclofen": 6, "night": 2}, 40)
    view = QuestionView.of("Gout and insomnia in a 70 year old on haemodialysis: dose of baclofen at night?")
    unknown = unknown_words(view, corpus)
    # The corpus has forms of "haemodialysis" and "night"; "dose" frames the question; the age is a group.
    assert set(unknown) == {"gout", "insomnia"}
    # The rarer in English first, and no more than four: a condition's name before an everyday word.
    found = unknown_words(QuestionView.of("Gout in the shoulder, insomnia every single morning?"), corpus)
    assert found == sorted(["gout", "shoulder", "insomnia", "single", "morning"], key=zipf)[:4]
    assert found[:2] == ["gout", "insomnia"] and "single" not in found
    # The kind of figure a question asks for frames it ("schedule"); the sources' giving one is checked apart.
    assert unknown_words(QuestionView.of("What is the gout schedule?"), corpus) == ["gout"]
    assert unknown_words(view, None) == []
