"""One turn's question as the answer engine sees it: what it asks, what it says about the situation, and
what the conversation adds.

A clinician often writes the situation first and the question last ("70-year-old on dialysis, cramps in the last hour
of each run. Which drug first?"). The last sentence that asks something is the ``ask``; what
comes before is the ``premise``. An answer must answer the ask about the premise; a statement that only
restates the premise ("Muscle cramps are common in cirrhosis") answers nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.vocabulary import asks_for_dose, names_a_dose, quantity_asked
from corpus.text import STOPWORDS, stem, terms, words

# A subtype named by a number or numeral: "type 1", "type VI", "stage 3", "grade II".
DESIGNATOR = re.compile(
    r"\b(type|stage|grade|class|group|phase|factor)\s+(\d+[a-z]?|[ivx]+)\b"
    # Lettered members of a family: vitamin D does not answer a question about vitamin E, nor hepatitis A one
    # about hepatitis C.
    # Written short too: "vit E", "hep C".
    r"|\b(vitamin|vit\.?|hepatitis|hep\.?)\s+((?:(?-i:A)|[b-k])\d{0,2})\b",
    re.IGNORECASE,
)
# The short forms of the family words above, and the word each stands for.
_FAMILY_SHORT = {"vit": "vitamin", "hep": "hepatitis"}


def designator_of(found: str) -> str:
    """A designator as the sources write it: "vit e" -> "vitamin e", whitespace collapsed."""
    first, *rest = found.split()
    return " ".join([_FAMILY_SHORT.get(first.lower().rstrip("."), first), *rest])


def designator_pattern(designator: str) -> re.Pattern[str]:
    """What a passage must contain to mention ``designator`` ("vitamin E" or "vit E" for "vitamin e")."""
    first, *rest = designator.split()
    short = [k for k, v in _FAMILY_SHORT.items() if v == first.lower()]
    head = f"(?:{re.escape(first)}|{short[0]}\\.?)" if short else re.escape(first)
    return re.compile(r"\b" + r"\s+".join([head, *map(re.escape, rest)]) + r"\b", re.IGNORECASE)


# A word token with what joins it to the next: a possessive ("Wilson's"), a hyphen, spaces or punctuation.
_NAME_TOKEN = re.compile(r"([A-Za-z0-9]+)(?:'s|s'|')?")
# What ends a sentence between two words: the word after it is a sentence's first.
_SENTENCE_BREAK = re.compile(r"[.?!:;]")
# A subtype's designator, written in lower case: a number, a Roman numeral or a letter, or a number with a letter
# ("1a"). After a name ("type 2", "X-linked ... 2"), the word before it is no condition's head noun.
SUBTYPE_DESIGNATOR = re.compile(r"(?:\d+[a-z]?|[ivx]+|[a-z])")


@dataclass(frozen=True)
class ConditionName:
    """A condition a question names by a proper name: "Nelson syndrome", "CODAS syndrome", "Wilson's disease"."""

    word: str  # the proper name's last word, lower-cased, without its possessive ("nelson", "wilson")
    shown: str  # the name as the question writes it ("Nelson syndrome")


def condition_names(text: str, heads: set[str] | frozenset[str]) -> list[ConditionName]:
    """The conditions ``text`` names by a proper name: a word written with a capital ("Nelson", "Good", "CODAS")
    right before one of ``heads`` (the head nouns of conditions' names, ``Assistant.condition_heads``:
    "syndrome", "disease"). A capital at the start of a sentence marks no name ("Kidney disease in ..."),
    unless the word is all capitals; nor does a head followed by a subtype's number or letter ("Diabetes type
    2": a subtype, not a head noun), or joined to the next word or followed by an -ing participle: "MS
    disease-modifying drugs" and "MS disease modifying drugs" speak of drugs for MS."""
    stems = {stem(h) for h in heads}
    tokens = list(_NAME_TOKEN.finditer(text))
    out: list[ConditionName] = []
    for i in range(len(tokens) - 1):
        name, head = tokens[i], tokens[i + 1]
        between = text[name.end() : head.start()]
        if between.strip(" -") or not between:
            continue
        word = name.group(1)
        if head.group(1).lower() not in heads and stem(head.group(1).lower()) not in stems:
            continue
        if not word[0].isupper() or word.lower() in STOPWORDS or len(word) < 2 or word.isdigit():
            continue
        before = text[tokens[i - 1].end() : name.start()] if i else text[: name.start()]
        starts = i == 0 or bool(_SENTENCE_BREAK.search(before))
        if starts and not word.isupper():
            continue
        if re.match(r"-[A-Za-z]|\s+[A-Za-z]+ing\b", text[head.end() :]):
            continue
        after = tokens[i + 2].group(1) if i + 2 < len(tokens) else ""
        if (
            after
            and SUBTYPE_DESIGNATOR.fullmatch(after.lower())
            and not text[head.end() : tokens[i + 2].start()].strip()
        ):
            continue
        first = i
        # The name's words before it, joined by hyphens or written with capitals too ("Ellis Yale Winter").
        while first and (joint := text[tokens[first - 1].end() : tokens[first].start()]) in ("-", " "):
            previous = tokens[first - 1].group(1)
            if joint == " " and (not previous[0].isupper() or previous.lower() in STOPWORDS):
                break
            first -= 1
        out.append(ConditionName(word.lower(), text[tokens[first].start() : head.end()]))
    return out


# An age as clinicians write it: "12 y/o", "a 10 year old", "5-month-old", "3 yo", "80 y.o.", "6 weeks old"; with
# the patient's sex in capitals opening the question or a clause, "80F", "pt 72M" (not "2M people"); said of the
# patient, "she's 80", "the patient is 72", "aged 80"; or by decade, "in her 80s". A number said of the patient
# counts only where nothing follows it that makes it another quantity ("she's 70 kg", "he is 3 days post-op").
_AGE_UNIT = r"(?P<unit>years?|yrs?|y|months?|mos?|weeks?|wks?|days?)"
_WHO = r"s?he|pt|patient|who"
_SAID_AGE_END = (
    r"(?![\d.,/-]\d)(?=\s*(?:$|[?!;:,)]|\.(?!\d)|[–—]|-\s|(?:and|with|but|on|who|has|had|now|years?|yrs?)\b))"
)
AGE = re.compile(
    rf"\b(?P<n>\d{{1,3}})\s*-?\s*{_AGE_UNIT}\s*-?\s*(?:old\b|/o\b|\.?o\b\.?)"
    r"|(?:^|(?<=[,;:(])|(?<=[,;:(]\s)|(?<=\bpt\s)|(?<=\ba\s)|(?<=\ban\s)|(?<=\bpatient\s))"
    r"(?P<sexed>\d{1,2})(?-i:[MF])\b"
    rf"|\b(?:(?:{_WHO})(?:'s|’s|\s+is|\s+was)|aged?:?)\s+(?P<said>\d{{1,3}}){_SAID_AGE_END}"
    r"|\bin\s+(?:his|her|their)\s+(?P<decade>[1-9]0)'?s\b",
    re.IGNORECASE,
)
# Under this age in years a patient is a child; under one year (or an age in months, weeks or days under two
# years), an infant.
ADULT_AGE = 18
# From this age on a patient is an older adult.
OLDER_FROM = 65


def ages_in_years(text: str) -> list[float]:
    """The ages written in ``text`` ("79-year-old", "5 mo old", "she's 80", "in his 70s"), in years, in order."""
    out: list[float] = []
    for m in AGE.finditer(text):
        if m.group("n") is None:
            out.append(float(m.group("sexed") or m.group("said") or m.group("decade")))
            continue
        value, unit = int(m.group("n")), m.group("unit").lower()
        if unit.startswith("y"):
            out.append(float(value))
        elif unit.startswith("m"):
            out.append(value / 12)
        elif unit.startswith("w"):
            out.append(value / 52)
        else:
            out.append(0.0)
    return out


def without_ages(text: str) -> str:
    """``text`` with the patient's ages taken out: an age is no figure to match ("she's 80" is not the "80
    mg/day" of a dose), and the group it stands for is decided apart (``age_group``, ``scope.groups_of_age``)."""
    return AGE.sub(" ", text)


def _said_as_group(age: re.Match[str]) -> str:
    """The patient group an age stands for, as words: what a source would call the patient."""
    years = ages_in_years(age.group(0))
    if not years:
        return age.group(0)
    if years[0] < 1:
        return "infant"
    if years[0] < ADULT_AGE:
        return "child"
    return "older adult" if years[0] >= OLDER_FROM else "adult"


def age_group(text: str) -> str | None:
    """The word for the patient group an age in ``text`` belongs to ("child", "infant"), or None for an adult
    or no age: the sources speak of groups, not of ages."""
    for years in ages_in_years(text):
        if years < 1:
            return "infant"
        if years < ADULT_AGE:
            return "child"
    return None


# What an ask sets aside: "treatments other than medications?", "anything besides physiotherapy?", "what to try
# before any drug?", and what the patient cannot take: "cannot tolerate tizanidine", "allergic to penicillin". The
# answer is about the rest, so the words set aside do not make a statement relevant (the statement "Review
# medications ..." shares a word with "other than medications", not its meaning). Grammar, a closed class of
# prepositions and of verbs of intolerance; not "instead of" ("Should I use X instead of Y?" asks about the
# choice of both) and not "tell X apart from Y", which asks about both.
_NOT_A_THING = (
    r"(?!(?:and|or|but|in|for|to|with|of|on|at|is|are|do|does|should|would|could|can|what|which|how|that|this"
    r"|these|those|it|them|him|her)\b)"
)
_SET_ASIDE = re.compile(
    r"\b(?:apart from|aside from|besides|other than|except(?:\s+for)?|beyond|before (?:any|trying))\s+"
    rf"(?:(?:any|the|a|an|all)\s+)?({_NOT_A_THING}[a-z][\w/+-]*(?:\s+{_NOT_A_THING}[a-z][\w/+-]*){{0,2}})",
    re.IGNORECASE,
)
# What cannot be taken is one word, the drug; what follows is the reason ("intolerant of baclofen d/t sedation").
_CANNOT_TAKE = re.compile(
    r"\b(?:(?:can(?:no|'|’)t|could(?:n(?:'|’)t| not)|did(?:n(?:'|’)t| not)|does(?:n(?:'|’)t| not)|unable to)"
    r" tolerate|intoleran(?:t|ce) (?:of|to)|allerg(?:ic|y) to)\s+"
    rf"(?:(?:any|the|a|an|all)\s+)?({_NOT_A_THING}[a-z][\w/+-]*)",
    re.IGNORECASE,
)
# A plural thing after a bare "before" ("what to try before pills?"); one that is not a treatment ("before
# meals") is seldom what a question asks to do something in place of.
_BEFORE_PLURAL = re.compile(rf"\bbefore\s+({_NOT_A_THING}[a-z][\w/-]*[^\Ws]s)\b", re.IGNORECASE)
_TELL_APART = re.compile(r"\b(?:tell|distinguish|differentiate|separate)\b", re.IGNORECASE)
# "Before" sets aside what follows it only when the ask is for something to do in its place first ("what to try
# before any drug?"): a verb of applying a treatment, or "first", comes before it in the ask. Otherwise the ask
# is about getting ready for it ("what should be checked before trying tizanidine?" asks about tizanidine's
# checks), and what follows "before" is its topic. A closed class: the light verbs of giving a treatment; "do"
# not as the auxiliary that opens a question ("Do I check liver tests before trying tizanidine?").
_DOING_FIRST = re.compile(
    r"\b(?:try|use|give|offer|recommend|attempt|suggest|first)\b|(?<!^)(?<![.?!]\s)\bdo\b", re.IGNORECASE
)


# An ask that is nothing but its question word before "before" ("..., what before any drug?", "anything before
# pills?") asks for something to do first as plainly as "what to try before ...".
_ONLY_ASKING = re.compile(r"^(?:(?:and|so|but)\s+)?(?:what|anything|something)(?:\s+else)?$", re.IGNORECASE)


def set_aside(text: str) -> list[re.Match[str]]:
    """The clauses of ``text`` that set something aside ("other than medications"), the thing as group 1."""
    aside = list(_SET_ASIDE.finditer(text))
    taken = {m.start() for m in aside}
    found = [
        m
        for m in [*aside, *(m for m in _BEFORE_PLURAL.finditer(text) if m.start() not in taken)]
        if not _TELL_APART.search(text[: m.start()])
        and (not m.group(0).lower().startswith("before") or _doing_first(text, m.start()))
    ]
    return sorted([*found, *_CANNOT_TAKE.finditer(text)], key=lambda m: m.start())


def _doing_first(text: str, at: int) -> bool:
    """Whether the ask before position ``at`` (a "before") asks for something to do first (``_DOING_FIRST``,
    ``_ONLY_ASKING``)."""
    ask = _ask_before(text, at)
    return bool(_DOING_FIRST.search(ask) or _ONLY_ASKING.match(ask.split(",")[-1].strip()))


def _ask_before(text: str, at: int) -> str:
    """The words of the sentence or dash-separated part of ``text`` that comes before position ``at``."""
    return _SENTENCE_END.split(text[:at])[-1].strip()


def for_meaning(text: str) -> str:
    """``text`` as it is embedded: a thing set aside is named as its complement ("treatments
    non-medications?"), which is how sources head it ("Non-Pharmacological Approaches"); the sentence model
    reads "other than medications" as being about medications. A patient's age is named as the group it falls
    in ("and if she's 80?" as "and if older adult?"): the sources speak of groups, and the model reads the bare
    number as near any line with that figure ("Maximum dose: typically 80 mg/day")."""
    found = set_aside(text)
    for m in reversed(found):
        thing = "-".join(m.group(1).split())
        text = f"{text[: m.start()]}non-{thing}{text[m.end() :]}"
    return AGE.sub(_said_as_group, text)


# A word the question negates by writing "non" before it ("non-pharm", "nondrug" is one word and left alone).
NEGATION = re.compile(r"\bnon[-\s]([a-z]{3,})\b", re.IGNORECASE)


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\s+[-–—]\s+(?=\S)")


def split_ask(question: str) -> tuple[str, str]:
    """(premise, ask): the ask is the last sentence or dash-separated part that carries a question mark
    (else the last part); the premise is everything before it. A one-part question is all ask."""
    parts = [p.strip() for p in _SENTENCE_END.split(question.strip()) if p and p.strip()]
    if len(parts) <= 1:
        return "", question.strip()
    asking = [i for i, p in enumerate(parts) if "?" in p]
    last = asking[-1] if asking else len(parts) - 1
    # A short ask ("Options?", "Next step?") leans on the part before it, which names what it is about.
    return " ".join(parts[:last]), " ".join(parts[last:])


@dataclass
class QuestionView:
    """The question of one turn, with the vectors the engine compares statements against.

    ``text`` is the question with its pointer resolved ("How do I titrate Baclofen?"); ``context`` is the
    standalone query, the question with the conversation's topic (equal to ``text`` on a first turn);
    ``required`` are words every statement must speak of (what "it" stood for).
    """

    text: str
    context: str
    required: tuple[str, ...] = ()
    premise: str = ""
    ask: str = ""
    dose_wanted: bool = False
    # The kind of figure the ask asks for besides a dose ("number of days or weeks", "temperature", ...), if any.
    quantity_wanted: str | None = None
    designators: tuple[str, ...] = ()
    # The stems of what the ask sets aside ("medications" in "treatments other than medications?") and that the
    # question does not name elsewhere: they do not count as the question's words.
    aside: frozenset[str] = frozenset()
    # The stems of the retrieved sources' words that mean the one word set aside, in other words ("medications"
    # for "drugs"); set by the engine (``Assistant.alike_to_aside``).
    aside_alike: frozenset[str] = frozenset()
    # What the question's own words negate: "pharm" of "non-pharm options?", "drug" of "non drug measures".
    negated: frozenset[str] = frozenset()
    # What the retrieved sources' headings negate in words that mean what the question sets aside, negated
    # ("pharmacological" for "besides drugs?"); set by the engine (``Assistant.negated_alike``).
    aside_negated: frozenset[str] = frozenset()
    # For each content word of ``required``, the stems that count as naming it (its own, and that of the
    # corpus word it is a form of: "haemodialysis" is satisfied by "dialysis").
    required_groups: tuple[frozenset[str], ...] = ()
    # Where the last answer spoke of what ``required`` names: the (article id, heading path) of its statements.
    # A section under one of them speaks of it too ("Baclofen > Dosing protocol" after an answer that quoted
    # "Baclofen" for a question about spasms), though its own lines need not name it.
    spoken: frozenset[tuple[str, str]] = frozenset()
    # The patient groups (indices in ``features.SPECIAL_POPULATIONS``) the turn is about, its own or the
    # conversation's patient's; None when not decided yet (the engine then takes those the question names).
    patients: frozenset[int] | None = None
    # The question's words that name a patient group by their meaning ("hepatic" of "and in hepatic impairment?");
    # set by the engine (``Scopes.naming_words``).
    patient_words: frozenset[str] = frozenset()
    vector: np.ndarray | None = field(default=None, repr=False)
    ask_vector: np.ndarray | None = field(default=None, repr=False)
    context_vector: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls,
        text: str,
        context: str | None = None,
        required: tuple[str, ...] = (),
        variant: Any = None,
        spoken: frozenset[tuple[str, str]] = frozenset(),
        patients: frozenset[int] | None = None,
        patient_words: frozenset[str] = frozenset(),
    ) -> QuestionView:
        """The view of ``text``; ``variant`` maps a word to the corpus word it is a form of (or None)."""
        premise, ask = split_ask(text)
        groups = []
        for word in {w for r in required for w in words(r) if w not in STOPWORDS and not w.isdigit() and len(w) > 1}:
            forms = {stem(word)}
            other = variant(word) if variant is not None else None
            if other:
                forms.add(stem(other))
            groups.append(frozenset(forms))
        return cls(
            text=text,
            context=context or text,
            required=required,
            premise=premise,
            ask=ask,
            # "dose? (naloxone)": what a follow-up's pointer stood for, added in brackets, is not part of the ask;
            # "And in renal failure? (gabapentin dose)": the question a circumstance qualifies, in brackets, is.
            dose_wanted=asks_for_dose(ask)
            or asks_for_dose(re.sub(r"\s*\([^()]*\)\s*$", "", ask))
            or names_a_dose(_bracketed(ask)),
            quantity_wanted=quantity_asked(ask),
            designators=tuple(designator_of(m.group(0)) for m in DESIGNATOR.finditer(text)),
            aside=_aside_terms(text),
            negated=frozenset(m.group(1).lower() for m in NEGATION.finditer(text)),
            required_groups=tuple(groups),
            spoken=spoken if required else frozenset(),
            patients=patients,
            patient_words=patient_words,
        )

    def spoken_in(self, article_id: str, heading: str) -> bool:
        """The section ``heading`` of the article is (under) one where the last answer spoke of ``required``."""
        return any(
            article_id == article and (heading == where or heading.startswith(f"{where} > "))
            for article, where in self.spoken
        )

    def carried(self, word: str) -> bool:
        """``word`` (or its stem) is one the conversation carried into this turn (a form of what "it" stood for)."""
        return any(word in group or stem(word) in group for group in self.required_groups)

    def names_required(self, have: set[str] | frozenset[str]) -> bool:
        """``have`` (stemmed words) names everything ``required`` names."""
        return all(group & have for group in self.required_groups)

    @property
    def terms(self) -> set[str]:
        return terms(self.text) - self.aside

    @property
    def context_terms(self) -> set[str]:
        return terms(self.context) - _aside_terms(self.context) if self.aside else terms(self.context)

    @property
    def ask_terms(self) -> set[str]:
        return terms(self.ask or self.text) - self.aside

    def texts_to_embed(self) -> list[str]:
        """The distinct texts whose vectors this view needs (as they are embedded, see ``for_meaning``)."""
        return list(dict.fromkeys(for_meaning(t) for t in (self.text, self.ask or self.text, self.context)))

    def set_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        self.vector = vectors[for_meaning(self.text)]
        self.ask_vector = vectors[for_meaning(self.ask or self.text)]
        self.context_vector = vectors[for_meaning(self.context)]


def _bracketed(text: str) -> str:
    """What ``text`` ends with in brackets ("gabapentin dose" of "And in renal failure? (gabapentin dose)"), or ''."""
    found = re.search(r"\(([^()]*)\)\s*$", text)
    return found.group(1) if found else ""


def _aside_terms(text: str) -> frozenset[str]:
    """The stems of what ``text`` sets aside that it does not also name outside those clauses."""
    found = set_aside(text)
    if not found:
        return frozenset()
    outside = text
    for m in reversed(found):
        outside = outside[: m.start()] + " " + outside[m.end() :]
    return frozenset(set().union(*(terms(m.group(1)) for m in found)) - terms(outside))
