"""Follow-up questions become standalone queries; small talk gets a short reply, not a search.

Offline rules, no LLM:

- A question is a follow-up when it points back ("it", "that drug", "they"), opens like a continuation
  ("And ...", "What about ...", "Any ..."), or names no topic of its own (only words such as "titrate",
  "dose", "monitor"). Otherwise it is a new topic and inherits nothing.
- A follow-up's pointer ("it") is replaced by the focus of the last answer (the drug or thing its lead
  statement is about, e.g. "Baclofen"), and the topic of the conversation ("muscle cramps multiple
  sclerosis") is added when the question does not already name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.vocabulary import ACTION_TERMS
from corpus.text import STOPWORDS, stem, terms, words

# Words that point back at the last answer. Strong ones always make a follow-up; weak ones ("that",
# "these") also serve as conjunctions and determiners, so they count only in a question with little topic.
_STRONG_POINTERS = re.compile(
    r"\b(it|its|it's|they|them|their|the drug|the medication|the medicine|this drug|that drug|"
    r"this medication|that medication|this medicine|that medicine)\b",
    re.IGNORECASE,
)
_WEAK_POINTERS = re.compile(r"\b(this|that|these|those|the same)\b", re.IGNORECASE)
_SUBJECT_POINTER = re.compile(
    r"\b(the drug|the medication|the medicine|this drug|that drug|this medication|that medication|it)\b",
    re.IGNORECASE,
)
# Openers of a continuation. The prepositions ("In children?") only for short questions.
_CONTINUATIONS = re.compile(r"^\s*(and|also|but|so|what about|how about|what if|any|plus|or|then)\b", re.IGNORECASE)
_SHORT_OPENERS = re.compile(r"^\s*(in|for|with|during|after|before|on)\b", re.IGNORECASE)
_GREETING = re.compile(r"^\s*(hi|hello|hey|good (morning|afternoon|evening)|greetings)\b[\s!.,]*$", re.IGNORECASE)
_THANKS = re.compile(
    r"^\s*(thanks?|thank you|many thanks|cheers|great|perfect|ok(ay)?|got it)\b[\s\w!.,]{0,20}$", re.IGNORECASE
)
_BYE = re.compile(r"^\s*(bye|goodbye|see you)\b[\s!.,]*$", re.IGNORECASE)


# The topic a conversation carries: the newest words first, so an old detour fades out.
MAX_TOPIC_WORDS = 6


@dataclass(frozen=True)
class Turn:
    """What a later turn needs of an earlier one."""

    question: str
    standalone_query: str
    topic: str
    focus: str | None = None
    answer: str = ""
    topic_parts: tuple[str, ...] = ()


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


def topic_words(text: str) -> list[str]:
    """The words of ``text`` that name a topic (not stopwords, not question or action words), in order."""
    out: list[str] = []
    seen: set[str] = set()
    for word in words(text):
        if "-" in word and word not in text.lower():
            continue
        s = stem(word)
        if word in STOPWORDS or word.isdigit() or len(word) < 2 or s in ACTION_TERMS or s in seen:
            continue
        parts = [p for p in re.split(r"[-']", word) if p]
        if len(parts) > 1 and all(p in STOPWORDS or stem(p) in ACTION_TERMS or len(p) < 2 for p in parts):
            continue  # "what's", "up-titrate": nothing in them names a topic
        seen.add(s)
        out.append(word)
    return out


def is_followup(question: str) -> bool:
    """True when the question leans on the conversation (see the module docstring)."""
    own = topic_words(question)
    if _STRONG_POINTERS.search(question) or _CONTINUATIONS.match(question):
        return True
    if len(own) < 2 and (_WEAK_POINTERS.search(question) or _SHORT_OPENERS.match(question)):
        return True
    return not own


@dataclass(frozen=True)
class Rewrite:
    """A turn's question made standalone.

    ``query`` is what retrieval searches for; ``key_question`` is the question itself with its pointer
    resolved (what the answer must cover); ``required`` lists the words the pointer stood for;
    ``topic`` is the conversation's topic after this turn. ``variants`` are further queries: the
    question with each part of the conversation's topic alone ("And in dialysis patients? muscle cramps"),
    because a follow-up often swaps one part ("in multiple sclerosis") for another. ``topic_parts`` are
    the parts of the topic this turn carries on.
    """

    query: str
    key_question: str
    topic: str
    required: tuple[str, ...] = ()
    rewritten: bool = False
    variants: tuple[str, ...] = ()
    topic_parts: tuple[str, ...] = ()


def rewrite(question: str, conversation: Conversation) -> Rewrite:
    """The standalone form of ``question`` given the turns before it."""
    question = question.strip()
    last = conversation.last
    own = topic_words(question)
    if last is None or not is_followup(question):
        return Rewrite(question, question, " ".join(own), topic_parts=topic_parts(question))
    stem_of_question, added_focus = question.rstrip(), ""
    required: tuple[str, ...] = ()
    if last.focus and _SUBJECT_POINTER.search(question):
        stem_of_question = _SUBJECT_POINTER.sub(last.focus, stem_of_question, count=1)
        required = (last.focus,)
    elif last.focus and not own:
        added_focus, required = last.focus, (last.focus,)
    key_question = f"{stem_of_question} ({added_focus})" if added_focus else stem_of_question
    have = terms(key_question)
    inherited = " ".join(w for w in last.topic.split() if stem(w) not in have)
    bracket = "; ".join(part for part in (added_focus, inherited) if part)
    query = f"{stem_of_question} ({bracket})" if bracket else stem_of_question
    topic = " ".join(list(dict.fromkeys([*own, *last.topic.split()]))[:MAX_TOPIC_WORDS])
    parts = last.topic_parts
    variants = (
        tuple(f"{key_question.rstrip()} {part}" for part in parts if not terms(part) <= have) if len(parts) > 1 else ()
    )
    return Rewrite(query, key_question, topic, required, query != question, variants, parts)


_JOINERS = re.compile(r"\b(?:in|with|for|of|on|after|during|among|and|or|versus|vs)\b", re.IGNORECASE)


def topic_parts(question: str) -> tuple[str, ...]:
    """The question's topic phrase cut at its joining words: ('muscle cramps', 'multiple sclerosis')."""
    phrase = topic_phrase(question)
    if not phrase:
        return ()
    return tuple(p.strip() for p in _JOINERS.split(phrase) if topic_words(p))


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


def _lead_subject(lead: str) -> str | None:
    for pattern in (
        r"^([A-Z][\w'’/-]*(?: [\w'’/-]+){0,3}?)(?: \([^)]*\))? (?:is|are|was|remains)\b",
        r"^([A-Z][\w'’/-]+(?: [\w'’/-]+)?):\s",
    ):
        match = re.match(pattern, lead)
        if match and match.group(1).split()[0].lower() not in _NOT_A_SUBJECT and topic_words(match.group(1)):
            return match.group(1)
    return None


def answer_focus(lead: str | None, question: str, previous: str | None = None) -> str | None:
    """What 'it' means in the next turn, given the lead statement of the answer to ``question``.

    When the answer's lead statement is about something the question did not name ('Baclofen is the
    first-line treatment ...' for a question about cramps in MS), that thing. Otherwise the ``previous``
    focus when the question was about it ("How is Walker-Warburg syndrome treated?"), else what the
    question itself named ('Koolen-de Vries syndrome', 'muscle cramps in multiple sclerosis').
    """
    if not lead:
        return previous
    subject = _lead_subject(lead)
    if subject and not terms(subject) <= terms(question):
        return subject
    if previous and terms(previous) <= terms(question):
        return previous
    return topic_phrase(question) or subject
