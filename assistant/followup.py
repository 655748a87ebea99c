"""Follow-up questions become standalone queries; small talk gets a short reply, not a search.

Offline rules, no LLM:

- A question is a follow-up when it points back ("it", "that drug", "they", or "she" and "him" for the
  patient), opens like a continuation ("And ...", "What about ...", "Any ..."), names at most one topic
  word of its own ("Labs?", "Referral criteria?", "Gabapentin dosing?"), or a few that say only who the patient
  is ("hepatic impairment?", by their meaning: see ``Scopes.only_the_patient``), or names mostly words that the
  conversation already used (its questions or the statements of its answers), or half when it names no
  subject before its circumstance ("Safe w/ liver disease?"). A question that names a topic of its own, half
  or more of it in words the conversation never used, is a new topic and inherits nothing.
- A follow-up's pointer ("it") is replaced by the focus of the last answer (the drug or thing its lead
  statement is about, e.g. "Baclofen"), and the topic of the conversation ("muscle cramps multiple
  sclerosis") is added when the question does not already name it.
- The topic keeps the conversation's salient words: with a ``salience`` (``Lexicon.salience``), words the
  corpus uses, the rarer the more, and names; not everyday words ("night", "gets") or shorthand the corpus
  cannot match, which would only blur the search.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.question import ages_in_years, split_ask, without_ages
from assistant.vocabulary import ACTION_TERMS, asks_for_dose, measured_words, names_a_dose, naming_the_dose
from corpus.text import STOPWORDS, stem, terms, words

# Words that point back at the last answer. Strong ones always make a follow-up; weak ones ("that",
# "these") also serve as conjunctions and determiners, so they count only in a question with little topic.
_STRONG_POINTERS = re.compile(
    r"\b(it|its|it's|they|them|their|the drug|the medication|the medicine|this drug|that drug|"
    r"this medication|that medication|this medicine|that medicine)\b",
    re.IGNORECASE,
)
_WEAK_POINTERS = re.compile(r"\b(this|that|these|those|the same)\b", re.IGNORECASE)
# In a follow-up of one content word, "the" points back too: "What's the evidence?" is the evidence for what
# the last answer was about.
_FOLLOW_UP_POINTERS = re.compile(r"\b(this|that|these|those|the)\b", re.IGNORECASE)
# The patient of the conversation: "she", "him". A question about them continues the conversation, and
# the pronoun is not replaced (it does not stand for the drug).
_PATIENT_POINTERS = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
_SUBJECT_POINTER = re.compile(
    r"\b(the drug|the medication|the medicine|this drug|that drug|this medication|that medication|it)\b",
    re.IGNORECASE,
)
# Openers of a continuation. The prepositions ("In children?") only for short questions: of one topic word, or
# of at most MAX_FRAGMENT_WORDS words in all.
_CONTINUATIONS = re.compile(r"^\s*(and|also|but|so|what about|how about|what if|any|plus|or|then)\b", re.IGNORECASE)
_SHORT_OPENERS = re.compile(r"^\s*(in|for|with|during|after|before|on)\b", re.IGNORECASE)
MAX_FRAGMENT_WORDS = 3
# A follow-up that only qualifies the last question by a circumstance ("And in renal failure?", "What about in
# the elderly?", "For her?") asks that question again, qualified: after "gabapentin dose?" it asks for a dose.
# Grammar, not topic words: a continuation, then a preposition with at most LONGEST_QUALIFIER words and no
# question or verb of its own ("And in renal failure, should I stop it?" asks something else).
_QUALIFIER = re.compile(
    r"^\s*(?:(?:and|but|also|or|so|then|plus)\s+)?(?:(?:what|how)\s+about\s+)?"
    r"(?P<qualifier>(?:in|for|with|during|after|among|on)\s+[^?.!]*?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
LONGEST_QUALIFIER = 5
# The same circumstance put as a condition on the patient: "And if he has ESRD?", "what if she's on dialysis?",
# "if on dialysis?". A pronoun or "the patient" with "has" or "is", or a preposition, must follow the "if": "what
# if it fails?" asks something else, and "what if he were 45 instead?" sets out another patient.
_CONDITION_ON_PATIENT = re.compile(
    r"^\s*(?:(?:and|but|also|or|so|then|plus)\s+)?(?:what\s+)?(?P<qualifier>(?:if|when)\s+"
    r"(?:(?:he|she|they|the\s+(?:pt|patient))\s*(?:has|have|is|are|'s|’s)\s+"
    r"|(?=(?:in|on|with|during|after)\s))[^?.!]*?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_ASKING = frozenset(
    "what which how when why who whom whose where should shall can could would will do does did is are was were "
    "may might must".split()
)
_GREETING = re.compile(r"^\s*(hi|hello|hey|good (morning|afternoon|evening)|greetings)\b[\s!.,]*$", re.IGNORECASE)
_THANKS = re.compile(
    r"^\s*(thanks?|thank you|many thanks|cheers|great|perfect|ok(ay)?|got it)\b[\s\w!.,]{0,20}$", re.IGNORECASE
)
_BYE = re.compile(r"^\s*(bye|goodbye|see you)\b[\s!.,]*$", re.IGNORECASE)


# The topic a conversation carries: the newest words first, so an old detour fades out.
MAX_TOPIC_WORDS = 6
# A word below this salience does not carry the topic on.
MIN_SALIENCE = 0.2

# How much a word says about what a conversation is about, 0 to 1 (``salience.Lexicon.salience``).
Salience = Callable[[str], float]


def _flat(word: str) -> float:
    return 0.5


@dataclass(frozen=True)
class Turn:
    """What a later turn needs of an earlier one. ``answer`` is its lead statement; ``said`` all the words
    of its question and answer, for telling whether a later question picks up what was said; ``sections`` the
    (article id, heading path) of each statement of its answer, where a follow-up's "it" was spoken of."""

    question: str
    standalone_query: str
    topic: str
    focus: str | None = None
    answer: str = ""
    topic_parts: tuple[str, ...] = ()
    said: frozenset[str] = frozenset()
    sections: frozenset[tuple[str, str]] = frozenset()
    # The patient groups (indices in ``features.SPECIAL_POPULATIONS``) of the patient the conversation is about,
    # as of this turn: "a 79 yo man ..." makes a later "what dose would you start him on?" one for an older adult.
    patients: frozenset[int] = frozenset()
    # The question that a later qualifier of it ("And in renal failure?") asks again (``Rewrite.asked``).
    asked: str = ""


@dataclass
class Conversation:
    """The turns so far of one conversation (one per browser session or `clinqa ask` call)."""

    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


def small_talk_reply(question: str) -> str | None:
    """A short reply to a greeting or thanks, or None for a real question."""
    if _GREETING.match(question):
        return "Hello. Ask a clinical question and I will answer from the indexed guideline summaries, with sources."
    if _THANKS.match(question) and "?" not in question:
        return "You're welcome. Ask a follow-up or a new question at any time."
    if _BYE.match(question):
        return "Goodbye."
    return None


# English prepositions (a closed class) that the stopword list leaves out: they never name a topic, so "the
# evidence behind it" has one topic word before "it", not two.
PREPOSITIONS = frozenset(
    "across along among amongst around behind beneath beside besides beyond despite except inside near onto "
    "outside throughout till toward towards underneath within without".split()
)


def topic_words(text: str) -> list[str]:
    """The words of ``text`` that name a topic (not stopwords, prepositions, question or action words), in
    order."""
    out: list[str] = []
    seen: set[str] = set()
    tokens = words(text)
    # The parts of a hyphenated word ("non", "drug" of "non-drug") are the same topic as the word itself.
    parts_of = {p for w in tokens if "-" in w for p in w.split("-")}
    for word in tokens:
        if ("-" in word and word not in text.lower()) or ("-" not in word and word in parts_of):
            continue
        s = stem(word)
        if word in STOPWORDS or word in PREPOSITIONS or word.isdigit() or len(word) < 2 or s in ACTION_TERMS:
            continue
        if s in seen:
            continue
        parts = [p for p in re.split(r"[-']", word) if p]
        if len(parts) > 1 and all(p in STOPWORDS or stem(p) in ACTION_TERMS or len(p) < 2 for p in parts):
            continue  # "what's", "up-titrate": nothing in them names a topic
        seen.add(s)
        out.append(word)
    return out


def _points_back(pattern: re.Pattern[str], question: str) -> re.Match[str] | None:
    """The first pointer of ``pattern`` that points back at the conversation: one that comes after two topic
    words of the question's own ("an acute calf cramp, how do I relieve it") points at them instead."""
    for match in pattern.finditer(question):
        if len(topic_words(question[: match.start()])) < 2:
            return match
    return None


# A pointer and the clipped noun after it ("that rec", "those recs"), not the first part of a compound ("the
# pre-op").
_POINTED_CLIP = re.compile(r"\b(?i:this|that|these|those|the)\s+([a-z]{3,})\b(?!-)")
# What a clip leaves out of the word it stands for: at least this many letters ("rec" of "recommendation").
MIN_CLIPPED_OFF = 3


def clipped_focus(question: str, focus: str | None) -> tuple[str, list[tuple[str, str]]]:
    """``question`` with a clipped word that points back to what the last answer was about written as the word it
    clips ("How strong is that rec?" after an answer led by Recommendation 4: "that recommendation"), and the
    replacements made. Only a word typed in lower case after a pointer, that begins a word of ``focus`` (the
    last answer's focus) which is longer by MIN_CLIPPED_OFF letters or more; a plural "s" stays plural."""
    if not focus:
        return question, []
    names = [w.lower() for w in words(focus) if w.isalpha()]
    fixes: list[tuple[str, str]] = []
    for match in _POINTED_CLIP.finditer(question):
        typed = match.group(1)
        plural = typed.endswith("s") and len(typed) > 3
        base = typed[:-1] if plural else typed
        if typed in STOPWORDS or any(typed == name for name in names):
            continue
        full = next((n for n in names if n.startswith(base) and len(n) >= len(base) + MIN_CLIPPED_OFF), None)
        if full is not None:
            fixes.append((typed, full + ("s" if plural else "")))
    read = dict(fixes)
    for typed, meant in read.items():
        question = re.sub(rf"\b{re.escape(typed)}\b(?!-)", meant, question)  # (letters only: no escapes)
    return question, list(read.items())


def refers_back(text: str) -> bool:
    """``text`` speaks of something named before it by a pronoun ("How rare is it?", "Can her sister inherit
    it?"); not of the patient alone ("dose for her?")."""
    return bool(_STRONG_POINTERS.search(text))


def qualifier_of(question: str) -> str | None:
    """The circumstance ("in renal failure") that ``question`` only adds to the last question, or None when it
    asks something of its own."""
    match = _QUALIFIER.match(question)
    conditional = _CONDITION_ON_PATIENT.match(question) if match is None else None
    if conditional is not None:
        # What the condition says of the patient, after "if he has": at most as many words as a circumstance.
        said = words(conditional.group("qualifier"))[1:]
        said = said[1:] if said[:1] and said[0] in {"he", "she", "they", "the"} else said
        said = said[1:] if said[:1] and said[0] in {"pt", "patient"} else said
        said = said[1:] if said[:1] and said[0] in {"has", "have", "is", "are", "s"} else said
        if not 1 <= len(said) <= LONGEST_QUALIFIER or _ASKING & set(said) or any(w.isdigit() for w in said):
            return None  # (an age sets out another patient: "what if she is 45?")
        return conditional.group("qualifier")
    if match is None:
        return None
    said = words(match.group("qualifier"))[1:]
    if not 1 <= len(said) <= LONGEST_QUALIFIER or _ASKING & set(said):
        return None
    return match.group("qualifier")


def _only_words(text: str) -> bool:
    """``text`` is a phrase of topic words alone, and function words: no ask, no dose, no pointer."""
    found = set(words(text))
    return bool(found) and found - STOPWORDS == set(topic_words(text)) and not _STRONG_POINTERS.search(text)


def only_an_age(question: str) -> bool:
    """``question`` says nothing but the patient's age ("and if she's 80?", "what about a 30 year old?")."""
    return bool(ages_in_years(question)) and not topic_words(without_ages(question))


def speaks_of_the_patient(text: str) -> bool:
    """``text`` speaks of the conversation's patient by a pronoun ("start him on what?"), whatever its topic."""
    return bool(_PATIENT_POINTERS.search(text))


# Where a question's circumstance begins ("safe with liver disease?", "ok w/ ...").
_CIRCUMSTANCE = re.compile(r"(?:\b(?:in|for|with|during|after|among|on)\b|\bw/)", re.IGNORECASE)


def _subjectless(question: str) -> bool:
    """``question`` says something of no subject before its circumstance, and asks nothing itself there: "safe
    w/ liver disease?", "still ok in pregnancy?" (not "what helps with cramps?", nor "stretching at night?")."""
    match = _CIRCUMSTANCE.search(question)
    if match is None:
        return False
    before = question[: match.start()]
    said = words(before)
    return bool(said) and not _ASKING & set(said) and not topic_words(before)


def is_followup(
    question: str, conversation: Conversation | None = None, only_the_patient: Callable[[str], bool] | None = None
) -> bool:
    """True when the question leans on the conversation (see the module docstring). ``only_the_patient`` tells
    whether a question's words say nothing but who the patient is ("hepatic impairment?"), by their meaning."""
    own = topic_words(question)
    if (
        _points_back(_STRONG_POINTERS, question)
        or _CONTINUATIONS.match(question)
        or _points_back(_PATIENT_POINTERS, question)
    ):
        return True
    if len(own) < 2 and (_WEAK_POINTERS.search(question) or _SHORT_OPENERS.match(question)):
        return True
    if _SHORT_OPENERS.match(question) and len(words(question)) <= MAX_FRAGMENT_WORDS:
        return True  # a fragment: "In older pts?", "For CKD patients?"
    if conversation is not None and conversation.last is not None and qualifier_of(question):
        return True  # a circumstance with no ask of its own: "in someone with liver problems?"
    if conversation is None or conversation.last is None:
        return not own
    if len(own) <= 1:
        return True
    if len(own) <= MAX_FRAGMENT_WORDS and only_the_patient is not None and only_the_patient(question):
        return True  # who the patient is, and nothing else: "hepatic impairment?", "renal failure?"
    said = frozenset().union(*(t.said for t in conversation.turns[-2:]))
    used = sum(1 for w in own if stem(w) in said)
    if used and len(words(question)) <= MAX_FRAGMENT_WORDS and measured_words(question):
        return True  # a check of something the conversation spoke of: "liver checks?" after a drug's lines
    # Of a question with no subject before its circumstance ("safe w/ liver dz?", after an answer that spoke of
    # the liver), half is enough: it says something of what the conversation is about.
    return used * 2 > len(own) or (used * 2 == len(own) and _subjectless(question))


@dataclass(frozen=True)
class Rewrite:
    """A turn's question made standalone.

    ``query`` is what retrieval searches for; ``key_question`` is the question itself with its pointer
    resolved (what the answer must cover); ``required`` lists the words the pointer stood for;
    ``topic`` is the conversation's topic after this turn. ``variants`` are further queries: the
    question with each part of the conversation's topic alone ("And in dialysis patients? muscle cramps"),
    because a follow-up often swaps one part ("in multiple sclerosis") for another. ``topic_parts`` are
    the parts of the topic this turn carries on. ``continues`` is True for a follow-up, False for a question
    that starts a topic of its own. ``asked`` is the question a later qualifier of this one asks again: this
    turn's ``key_question``, or for a qualifier itself the question it qualified ("And in pregnancy?" after "And
    in renal failure?" qualifies the question before both), as for a turn that only sets out the patient by an
    age ("and if she's 80?": "and for a 30 year old?" after it asks the question before both again).
    """

    query: str
    key_question: str
    topic: str
    required: tuple[str, ...] = ()
    rewritten: bool = False
    variants: tuple[str, ...] = ()
    topic_parts: tuple[str, ...] = ()
    continues: bool = False
    asked: str = ""


def salient_words(text: str, salience: Salience | None = None) -> list[str]:
    """The topic words of ``text`` that carry its topic (salience at least MIN_SALIENCE), in order."""
    weigh = salience or _flat
    return [w for w in topic_words(text) if weigh(w) >= MIN_SALIENCE]


def rewrite(
    question: str,
    conversation: Conversation,
    salience: Salience | None = None,
    only_the_patient: Callable[[str], bool] | None = None,
    topicless: bool = False,
) -> Rewrite:
    """The standalone form of ``question`` given the turns before it (``only_the_patient``: see ``is_followup``).
    With ``topicless``, the caller found that the question's words name no topic of the sources (nothing comes
    near them): it is a follow-up about what the last answer was about, whatever its words."""
    question = question.strip()
    last = conversation.last
    # A question that is only a dose's stage, shortened or not, asks for that dose of what was spoken of.
    named = naming_the_dose(question)
    own = [] if topicless else topic_words(named)
    if last is None or not (topicless or is_followup(question, conversation, only_the_patient)):
        topic = " ".join(salient_words(question, salience)[:MAX_TOPIC_WORDS])
        return Rewrite(question, question, topic, topic_parts=topic_parts(question), asked=question)
    qualifier = qualifier_of(question)
    bare = question.strip().rstrip("?.! ")
    if qualifier is None and only_the_patient is not None and _only_words(bare) and only_the_patient(bare):
        # Nothing but who the patient is ("hepatic impairment?") qualifies the last question as "and in hepatic
        # impairment?" does.
        qualifier = f"in {bare}"
    qualified: str | None = None
    if qualifier and last.asked:
        # The last question again, with this circumstance, is what is searched for: "gabapentin dose in renal
        # failure?". What answers it is judged by the circumstance, which is what is new ("In older adults?
        # (baclofen)"), and a dose asked for stays asked ("And in renal failure? (gabapentin dose)").
        # A circumstance replaces the last turn's own ("what about during pregnancy?" after "And in renal failure?").
        replaced = terms(qualifier_of(last.question) or "")
        carried = " ".join(w for w in last.topic.split() if stem(w) not in replaced)
        base = re.sub(r"[?.!]+(?=\s*(?:\([^()]*\))?\s*$)", "", last.asked.strip()).strip()
        qualified = f"{base} {qualifier[0].lower()}{qualifier[1:]}?"
        # What the last turn asked, with what its pointer stood for first ("tizanidine dose" of "dose?
        # (tizanidine)").
        ask = split_ask(last.asked)[1]
        pointed = re.search(r"\(([^()]*)\)\s*$", ask)
        unbracketed = ask[: pointed.start()] if pointed else ask
        asked = " ".join(re.sub(r"[()?.!]", " ", f"{pointed.group(1) if pointed else ''} {unbracketed}").split())
        if asks_for_dose(unbracketed) or names_a_dose(asked):
            key_question = f"{question.rstrip()} ({asked})"
            query = _with_topic(qualified, carried)
            topic = _carried_topic(question, carried, salience)
            return Rewrite(query, key_question, topic, (), True, (), last.topic_parts, True, last.asked)
    stem_of_question, added_focus = named.rstrip(), ""
    required: tuple[str, ...] = ()
    pointer = _points_back(_SUBJECT_POINTER, question)
    if last.focus and pointer:
        stem_of_question = stem_of_question[: pointer.start()] + last.focus + stem_of_question[pointer.end() :]
        required = (last.focus,)
    elif last.focus and (
        not own
        or (len(own) <= 1 and _FOLLOW_UP_POINTERS.search(question))
        or (qualifier is None and _subjectless(question))
    ):
        # "Dose?", or "How strong is that recommendation?": about what the last answer was about; as is what
        # says no subject before its circumstance ("safe w/ liver disease?": is it?).
        added_focus, required = last.focus, (last.focus,)
    key_question = f"{stem_of_question} ({added_focus})" if added_focus else stem_of_question
    have = terms(key_question)
    inherited = " ".join(w for w in last.topic.split() if stem(w) not in have)
    bracket = "; ".join(part for part in (added_focus, inherited) if part)
    query = f"{stem_of_question} ({bracket})" if bracket else stem_of_question
    if qualified:
        query = _with_topic(qualified, carried)
    topic = _carried_topic(question, carried if qualified else last.topic, salience)
    parts = last.topic_parts
    variants = (
        tuple(f"{key_question.rstrip()} {part}" for part in parts if not terms(part) <= have) if len(parts) > 1 else ()
    )
    asked_now = last.asked if qualified or (last.asked and only_an_age(question)) else key_question
    return Rewrite(query, key_question, topic, required, query != question, variants, parts, True, asked_now)


def _with_topic(question: str, topic: str) -> str:
    """``question`` with the words of the conversation's ``topic`` it does not name, in brackets."""
    have = terms(question)
    inherited = " ".join(w for w in topic.split() if stem(w) not in have)
    return f"{question} ({inherited})" if inherited else question


def _carried_topic(question: str, topic: str, salience: Salience | None) -> str:
    """The conversation's topic after ``question``: its salient words first, then the topic's."""
    return " ".join(list(dict.fromkeys([*salient_words(question, salience), *topic.split()]))[:MAX_TOPIC_WORDS])


_JOINERS = re.compile(r"\b(?:in|with|for|of|on|after|during|among|and|or|versus|vs)\b", re.IGNORECASE)


def topic_parts(question: str) -> tuple[str, ...]:
    """The question's topic phrase cut at its joining words: ('muscle cramps', 'multiple sclerosis')."""
    phrase = topic_phrase(question)
    if not phrase:
        return ()
    return tuple(p.strip() for p in _JOINERS.split(phrase) if topic_words(p))


# Relative pronouns (a closed class): a subject that holds one is a noun with its clause.
_RELATIVE = frozenset({"who", "whom", "whose", "which", "that"})
# Words that open a clause: "Determine if cramps are ..." is an instruction, not a statement about "Determine".
_SUBORDINATE = frozenset({"if", "whether", "when", "because", "although"})
_NOT_A_SUBJECT = {
    "it",
    "this",
    "these",
    "that",
    "those",
    "the",
    "a",
    "an",
    "most",
    "some",
    "many",
    "there",
    "they",
    "such",
    "each",
    "all",
    "both",
    "other",
    "one",
    "key",
    "people",
    "patients",
    "signs",
    "symptoms",
}


def topic_phrase(question: str) -> str | None:
    """The question's words from its first to its last topic word: 'muscle cramps in multiple sclerosis'."""
    topic = set(topic_words(question))
    spans = [
        (m.start(), m.end())
        for m in re.finditer(r"[A-Za-z0-9]+(?:['’/-][A-Za-z0-9]+)*", question)
        if m.group(0).lower() in topic or any(p in topic for p in re.split(r"['’/-]", m.group(0).lower()))
    ]
    if not spans:
        return None
    return question[spans[0][0] : spans[-1][1]]


def _lead_subject(lead: str, heading: str = "") -> str | None:
    """What the lead statement is about, by its own words ("Baclofen is ...", "Pregabalin: ..."); for a field's
    label ("Mechanism: ...", "Dosing: ...": no word of it as specific as a section's name, NAMED_SECTION), the
    name its section is filed under (``heading``: "... > Baclofen")."""
    from assistant.composer import NAMED_SECTION
    from assistant.salience import Lexicon

    for labelled, pattern in enumerate(
        (
            r"^([A-Z][\w'’/-]*(?: [\w'’/-]+){0,3}?)(?: \([^)]*\))? (?:is|are|was|remains)\b",
            r"^([A-Z][\w'’/-]+(?: [\w'’/-]+)?):\s",
        )
    ):
        match = re.match(pattern, lead)
        if not match or match.group(1).split()[0].lower() in _NOT_A_SUBJECT or not topic_words(match.group(1)):
            continue
        if labelled and all(Lexicon.specificity(w) < NAMED_SECTION for w in words(match.group(1))):
            # A field's label: "it" is still what the section is about, when its heading names it.
            section = heading.split(" > ")[-1].strip()
            if section and any(Lexicon.specificity(w) >= NAMED_SECTION for w in words(section)):
                return section
            continue
        said = [w.lower() for w in match.group(1).split()]
        if (_RELATIVE | _SUBORDINATE) & set(said[1:]) or said[-1] in STOPWORDS:
            continue  # a noun with its clause ("Children who snore are ..."), not a name
        return match.group(1)
    return None


def _section_subject(heading: str) -> str | None:
    """The name the last part of ``heading`` is, when its first word is as specific as a treatment's name
    (``composer.NAMED_SECTION``: "Baclofen", "Gabapentin/Pregabalin"; not "Dosing protocol" nor "Cautions")."""
    from assistant.composer import NAMED_SECTION, heading_subjects

    section = heading.split(" > ")[-1].strip()
    return section if section and heading_subjects(section, NAMED_SECTION) else None


def _labels(subject: str, lead: str, question: str) -> bool:
    """The lead is a label over the question's own topic ("Gene Review: <the condition asked about>"): its
    subject names a resource, not what the next "it" stands for."""
    if not lead.startswith(f"{subject}:"):
        return False
    rest = terms(lead[len(subject) + 1 :]) - terms(subject)
    return bool(rest) and rest <= terms(question)


def answer_focus(
    lead: str | None,
    question: str,
    previous: str | None = None,
    salience: Salience | None = None,
    answer: str = "",
    lead_heading: str = "",
) -> str | None:
    """What 'it' means in the next turn, given the lead statement of the answer to ``question``.

    When the answer's lead statement is about something the question did not name ('Baclofen is the
    first-line treatment ...' for a question about cramps in MS), that thing. Otherwise the ``previous``
    focus when the question was about it ("How is Walker-Warburg syndrome treated?"), else what the
    question itself named: its topic phrase when short ('Koolen-de Vries syndrome'), else the lead's
    subject, else its most salient word ('baclofen' in "starting dose of baclofen for spasms in ms, and how
    fast to titrate?"). ``answer`` is the rest of the answer (its statements and their headings): what "it"
    stands for must be something the answer speaks of; of the question's words, one that the lead's
    ``lead_heading`` names comes first ("baclofen" for a lead "Start at 10 mg/day" under "Baclofen > Dosing").
    """
    if not lead:
        return previous
    said = terms(f"{lead} {answer}")
    subject = _lead_subject(lead, lead_heading)
    if subject and _labels(subject, lead, question):
        subject = None
    filed_under = _section_subject(lead_heading) if subject is None else None
    if filed_under and not terms(filed_under) <= terms(question):
        # A line with no subject of its own ("FDA-approved specifically for spasticity ...") is about what its
        # section is filed under, when that is named as a treatment's section is ("... > Baclofen"), and the
        # question did not name it (when it did, "it" is that name as the question wrote it).
        subject = filed_under
    if subject and not terms(subject) <= terms(question):
        # A lead about a peer of what was asked, under a heading that names both ("Pregabalin is ..." under
        # "Gabapentin/Pregabalin" for a question about gabapentin), does not move "it" off what was asked.
        section = terms(lead_heading.split(" > ")[-1])
        if terms(subject) <= section:
            peers = [w for w in salient_words(question, salience) if stem(w) in section]
            if peers:
                return peers[0]
        return subject
    if previous and terms(previous) <= terms(question):
        return previous
    # What "it" will stand for must be something the answer speaks of: a word of the question that the
    # sources never used (a coinage of the question, a verb phrase) would make every later turn decline.
    phrase = topic_phrase(question)
    if phrase and len(phrase.split()) <= 4 and terms(phrase) <= said:
        return phrase
    if subject:
        return subject
    words = [w for w in salient_words(question, salience) if stem(w) in said]
    if words:
        weigh = salience or _flat
        # An initialism ("ms") names a condition more often than the thing "it" will stand for.
        heading = terms(lead_heading)
        return max(words, key=lambda w: (stem(w) in heading, len(w) >= 4, weigh(w), -words.index(w)))
    return previous
