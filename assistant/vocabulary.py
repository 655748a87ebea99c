"""The few fixed word patterns the engine uses: question words that name no topic, what a dose looks like, and
what a question asking for a figure needs an answer to give.

Relevance, coverage and most declines are scored by meaning and fitted on data (``features.py``,
``model.py``); these tell a question's frame ("what is the dose of ...") from its topic, a dose ("10 mg/day")
from other numbers, the stage of a dose ("start", "maximum"), and a figure of the kind asked for ("3 days",
"121 °C") from none: checks of fact, not fitted weights.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from corpus.text import stem, words

# Words that ask about a topic without naming one; with English's light verbs, which name none ("go up on
# it", "get off it", "keep at it", "put her on it").
_ACTION_WORDS = """treat treatment treatments manage management option options therapy therapies first-line second-line
    first second third line dose doses dosing dosage titrate titration titrating maximum minimum start
    starting stop stopping monitor monitoring follow-up side effect effects adverse risk risks interaction
    interactions contraindication contraindications refer referral specialist duration long often frequency
    much many alternative alternatives cause causes symptom symptoms sign signs prevent prevention test
    tests testing diagnose diagnosis outlook prognosis inherited inherit work works recommend recommended
    recommendation best drug drugs medication medications medicine patient patients pt pts give use used do does
    should can need needed usual usually typical typically next step steps else more other about tell
    explain mean when why who help helpful good bad okay ok safe safety quickly fast slowly always never
    happen happens look looking soon whether important necessary generally exactly really still ever
    anything something someone kind way ways apart differ difference common rare know information learn
    read change changes take takes taking prescribe prescribed prescribing
    go goes going get gets getting make makes put puts keep keeps let come comes""".split()
# The stage of a course of treatment a dose belongs to, by the words that name it: a question asking for the
# starting dose is not answered first with the maximum one ("Maximum dose: 80 mg/day" for "initial dose?").
_DOSE_STAGES = {
    "start": frozenset(["start", "starting", "starts", "initial", "initially", "begin", "beginning", "starter"]),
    "maximum": frozenset(["maximum", "highest", "ceiling", "top", "upper", "high"]),
}
# A word that names a stage ("initial") asks about a stage, like "start", and names no topic of its own: never
# what a follow-up's "it" stands for ("the initial cramp workup" is about cramps).
ACTION_TERMS = frozenset(stem(w) for w in _ACTION_WORDS) | frozenset(
    stem(w) for names in _DOSE_STAGES.values() for w in names
)

# What a check is of: the organ or quantity just before a noun of testing ("liver checks", "kidney function
# tests", "potassium levels", "pregnancy test") is what is measured, not a condition of the patient's. Grammar, a
# closed class of the nouns of testing ("function" alone is not one: "reduced kidney function" is the patient's).
_MEASURED = re.compile(
    r"\b([a-z][\w-]*)\s+(?:function\s+)?(?:checks?|tests?|testing|enzymes?|levels?|labs?|panels?|monitoring)\b",
    re.IGNORECASE,
)


# A test's result said of the patient, just before or after the test ("raised liver enzymes", "LFTs up",
# "abnormal kidney function tests"): the organ is then the patient's condition, not what to check. A closed class of
# English words for a result away from normal.
_RESULT_WORDS = frozenset(
    "up high raised elevated abnormal deranged increased rising worsening low reduced decreased falling off".split()
)


_UP_TO_DATE = re.compile(r"^\W*up[\s-]+to[\s-]+date\b")


def measured_words(text: str) -> set[str]:
    """The words of ``text`` that name what a test measures ("liver" of "liver checks?"), lower-cased; not those
    of a test whose result the text gives ("raised liver enzymes": the patient's liver)."""
    out = set()
    for m in _MEASURED.finditer(text):
        before = re.findall(r"[a-z]+", text[: m.start()].lower())[-1:]
        # "up to date" says when the test was done, not its result ("kidney function tests up to date?").
        after = re.findall(r"[a-z]+", _UP_TO_DATE.sub(" ", text[m.end() :].lower()))[:1]
        if not _RESULT_WORDS & {*before, *after}:
            out.add(m.group(1).lower())
    return out


# A dose as the sources write it: a number with a unit ("10 mg/day", "20-40 g/week", "5%", "20–30 MME/day").
DOSE = re.compile(r"\d(?:[\d.,–-]*\d)?\s*(?:mg|mcg|µg|g|kg|ml|mL|units?|IU|mmol|mEq|MME|%)(?![A-Za-z])", re.IGNORECASE)
# A percentage that counts people, change or odds, not an amount given: "38% agreed", "20% of patients",
# "by 30%", "a 50% chance".
_PROPORTION = re.compile(
    r"%\s*(?:of|in|to|were|was|had|have|reported|agreed|said|more|less|fewer|higher|lower|chance|risk|likelihood"
    r"|probability)\b"
    r"|\b(?:by|than|from)\s+\d(?:[\d.,–-]*\d)?\s*%",
    re.IGNORECASE,
)
# A percentage followed by a capitalised word: in a table of how often signs occur ("Seizures 50% Short stature
# 50%"), each is followed by the next sign.
_TABLE_ROW = re.compile(r"%\s+[A-Z]")


def dose_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` gives a dose: each amount with a unit, a percentage only when it is not a proportion, nor
    one of a table's frequencies (two or more percentages each followed by the next row's capitalised name)."""
    table = len(_TABLE_ROW.findall(text)) >= 2
    spans = []
    for found in DOSE.finditer(text):
        around = text[max(0, found.start() - 8) : found.end() + 12]
        if not found.group().endswith("%") or not (table or _PROPORTION.search(around)):
            spans.append(found.span())
    return spans


def gives_dose(text: str) -> bool:
    """``text`` gives a dose: an amount with a unit, a percentage only when it is not a proportion."""
    return bool(dose_spans(text))


# A dose the text itself says is of something: "higher opioid dosages (>=50 MME/day)", "a dose of methadone".
_DOSE_OF = (
    re.compile(r"\b([^\W\d_][\w-]*)\s+(?:doses?|dosages?)\b"),
    re.compile(r"\b(?:doses?|dosages?)\s+of\s+([^\W\d_][\w-]*)"),
)
# How far before an amount the words saying whose dose it is may stand.
_OWNER_REACH = 80


def dose_owners(text: str, specific: Callable[[str], bool]) -> list[tuple[str, str] | None]:
    """For each dose ``text`` gives (``dose_spans``), the ``specific`` word it says the dose is of, when it
    says so just before the amount, in the same clause, with the words between that and the amount
    (("opioid", " (") in "patients taking higher opioid dosages (>=50 MME/day)"; ("opioid", " (e.g.,
    hydrocodone ") in "lower opioid doses (e.g., hydrocodone 2.5 mg)"; nothing in "avoid increasing dosage to
    >=90 MME/day"), else None."""
    owners: list[tuple[str, str] | None] = []
    for start, _ in dose_spans(text):
        before = re.split(r"[.;:](?:\s|$)", text[max(0, start - _OWNER_REACH) : start])[-1]
        named = sorted(
            (m.start(), m.group(1).lower(), before[m.end() :])
            for pattern in _DOSE_OF
            for m in pattern.finditer(before)
            if specific(m.group(1))
        )
        owners.append(named[-1][1:] if named else None)
    return owners


_DOSE_WORD = r"(?:doses?|dosages?|dosing)"
# "Amount" asks for a dose as the dose words do where it is what is asked for ("what amount", "daily amount?",
# "baclofen amount per day?"), not where it names a quantity of something else ("the amount of exercise").
_AMOUNT_WORD = rf"(?:{_DOSE_WORD}|amounts?)"
# A question that asks for an amount: "how much" (not "how much more", "how much longer"), "how many units", a dose word
# as what is asked for ("what starting dose", "the gabapentin dose?", "dose of baclofen", "dose w/ ...", "dose at
# bedtime?", "dosing?", a clause after a dash that ends in one: "... on dialysis - albumin dose?"), an amount asked
# for as a dose is ("top daily amount?", "amount per day?"), "mg", an infusion rate, or how high the dose may go
# ("how high can I go?", "how high should we titrate?"). Not a dose word that only names what is acted on ("What
# should I check before increasing the dose?").
_DOSE_QUESTION = re.compile(
    rf"\bhow much\b(?!\s+(?:more|less|longer|shorter|better|worse|higher|lower|greater|time|of a)\b)"
    rf"|\bhow many (?:mg|milligrams|units|tablets|pills)\b|\bmg\b"
    rf"|\b(?:what|which|usual|starting|start|initial|maximum|typical|recommended|right|correct|safe|daily"
    rf"|loading|maintenance|target|best)\s+(?:\S+\s+){{0,3}}?{_AMOUNT_WORD}\b"
    rf"|\b{_DOSE_WORD}\s+(?:(?:of|for|in|with|during|on|at|per|range|schedule|regimen|adjust\w*)\b|w/)"
    rf"|\b{_AMOUNT_WORD}\s+(?:per|a|each)\s+(?:day|week|dose)\b"
    rf"|(?:^|[,;:]\s|\s[-–—]\s)\W*(?:\S+\s+){{0,3}}?{_AMOUNT_WORD}\W*$"
    rf"|\b(?:how|when)\s+(?:do|should|would|to)\s+(?:i|we|you\s+)?\s*dose\b"
    rf"|\binfusion\s+rates?\b"
    rf"|\bhow\s+high\s+(?:can|could|should|may|do|to)\s+(?:i\s+|we\s+|you\s+)?(?:go|push|titrate)\b",
    re.IGNORECASE,
)


# The prescription abbreviations of when and how a dose is taken ("bid" twice a day, "qhs" at bedtime, "prn" as
# needed, "po" by mouth): a closed set, part of how a dose question is framed, never its topic nor what the dose
# is of. Sources write them out ("twice daily", "nightly"), so no source has them in any form. ("od" and "im"
# are left out: "OD" is also an overdose, "im" a hurried "I'm".)
DOSING_ABBREVIATIONS = frozenset(
    {"qd", "bid", "tid", "qid", "qhs", "hs", "qam", "qpm", "qod", "prn", "po", "sl", "iv", "sc", "subq"}
)


def names_a_dose(text: str) -> bool:
    """True for ``text`` that asks for a dose in words ("gabapentin dose", "what dose"), not by a lone word of a
    dose's stage ("initial", which in brackets names what a follow-up's pointer stood for)."""
    return bool(_DOSE_QUESTION.search(text))


# A terse question that names a drug's dose and says a little more after it: "gabapentin dose qhs?",
# "baclofen dose elderly?". The word before the dose word is what it is of ...
_NAMED_DOSE = re.compile(
    rf"^\W*(?:\S+\s+){{0,2}}?([^\W\d_][\w-]*)\s+{_AMOUNT_WORD}[,;:]?(?:\s+\S+){{1,3}}\W*$", re.IGNORECASE
)
# ... when it is at least this specific in English (a drug's name, not "missed" or "the": "missed dose what
# to do?" asks no amount).
NAMED_DOSE_SPECIFICITY = 0.5


# The word just before a dose word: in English the noun before "dose" names what the dose is of ("botox dose?").
_BEFORE_DOSE = re.compile(rf"\b([^\W\d_][\w-]*)\s+{_DOSE_WORD}\b", re.IGNORECASE)


def words_before_dose(text: str) -> set[str]:
    """The words of ``text`` written just before a dose word ("albumin" of "albumin dose?"), lower-cased."""
    return {m.group(1).lower() for m in _BEFORE_DOSE.finditer(text)}


# What an amount is asked of, by grammar: the noun after "how much" or "how many <units> of" ("how much
# magnesium?"), or the one a dash or colon sets before it ("magnesium - how much?").
_AMOUNT_OF = re.compile(
    r"(?i)\bhow\s+(?:much|many\s+[a-z]+)\s+(?:of\s+)?(?:the\s+)?([^\W\d_][\w-]*)"
    r"|([^\W\d_][\w-]*)\s*[-\u2013\u2014:]\s*how\s+(?:much|many)\b"
)


def words_of_amount(text: str) -> set[str]:
    """The words of ``text`` that an amount is asked of ("magnesium" of "how much magnesium?" and of "magnesium
    - how much?"), lower-cased."""
    return {(m.group(1) or m.group(2)).lower() for m in _AMOUNT_OF.finditer(text)}


def asks_for_dose(question: str) -> bool:
    """True for a question that asks how much of something to give; also one that is nothing but a dose's
    stage ("Highest?", "Starting?"), a follow-up asking for that dose."""
    if _only_a_stage(question) or _DOSE_QUESTION.search(question):
        return True
    from assistant.salience import Lexicon

    named = _NAMED_DOSE.match(question)
    return named is not None and Lexicon.specificity(named.group(1).lower()) >= NAMED_DOSE_SPECIFICITY


# A word shortened to its first letters ("init" for "initial") is still that word, when enough is left of it.
MIN_TRUNCATION = 3


# What may come before the one word of a follow-up that names a dose's stage: "and the maximum?", "what's the
# starting?" (not "Where do I start?", which asks where to begin).
_STAGE_OPENER = re.compile(r"^\W*(?:(?:and|so|what about|how about|what's|what is)\s+)?(?:the\s+)?", re.IGNORECASE)


def _stage_asked(question: str) -> str | None:
    """The dose stage a question of one word asks for ("Highest?", "and the starting?"): the word names it, whole
    or shortened, or None."""
    said = words(_STAGE_OPENER.sub("", question, count=1))
    if len(said) != 1 or len(said[0]) < MIN_TRUNCATION:
        return None
    found = [stage for stage, names in _DOSE_STAGES.items() if any(name.startswith(said[0]) for name in names)]
    return found[0] if len(found) == 1 else None


def may_name_a_stage(text: str) -> bool:
    """True when a word of ``text`` names a dose's stage, whole or shortened to its first letters ("init")."""
    return any(
        len(w) >= MIN_TRUNCATION and any(name.startswith(w) for names in _DOSE_STAGES.values() for name in names)
        for w in words(text)
    )


def _only_a_stage(question: str) -> bool:
    return _stage_asked(question) is not None


def naming_the_dose(question: str) -> str:
    """A question that is nothing but a dose's stage, written out with the dose it asks for ("Initial?" ->
    "starting dose?"), so that its meaning is searched for and its stage is read; any other question as it
    is."""
    stage = _stage_asked(question)
    return f"{_STAGE_WORD[stage]} dose?" if stage else question


# How the sources name the patient groups an age falls in (``question.age_group``): a dose for a child is a
# dose the sources give for children, never an adult's.
AGE_GROUP_WORDS = {
    "child": frozenset(["child", "children", "pediatric", "paediatric", "adolescent", "adolescents", "kids"]),
    "infant": frozenset(["infant", "infants", "neonate", "neonates", "neonatal", "newborn", "newborns"]),
}


# Figures the sources write as a number with a unit, by kind: what a question asking for one needs an answer to
# give. Words answer "how long" and "how often" as often as numbers do ("short-term use only", "annually"), and
# "how many people" as often ("its prevalence is unknown"): those are not asked for here.
_TIME_UNIT = r"(?:minutes?|hours?|days?|weeks?|months?|years?)"
# A number written in words, as sources write small ones ("two weeks", "about ten percent").
_NUMBER_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty)"
_SMALL_NUMBER = rf"(?:\d(?:[\d.,–-]*\d)?|{_NUMBER_WORD})"
# A number of time units, or a list of them: "3 days or less", "two weeks", "at 0, 1 and 6 months".
_TIME_FIGURE = rf"\b{_SMALL_NUMBER}(?:\s*(?:-|to|or|and|,)\s*{_SMALL_NUMBER})*[\s-]*{_TIME_UNIT}\b"
_QUANTITIES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # "How many days of isolation ...": a count of days, weeks, ... ("3 days or less", "two weeks").
    "number of days or weeks": (
        re.compile(rf"\bhow many {_TIME_UNIT}\b", re.IGNORECASE),
        re.compile(_TIME_FIGURE, re.IGNORECASE),
    ),
    # "What temperature ...?", "How hot ...?": degrees.
    "temperature": (
        re.compile(r"\b(?:what|which)\s+(?:\w+\s+){0,2}?temperatures?\b|\bhow (?:hot|cold)\b", re.IGNORECASE),
        re.compile(r"\d\s*(?:°|º|degrees?\b)|\d\s*(?:C|F)\b"),
    ),
    # "What HbA1c target ...?", "What is the INR target?": a value (not "What should therapy target?").
    "target value": (
        re.compile(
            r"\b(?:what|which)\b(?:(?!\b(?:should|to|will|can|does|do|would|must)\b)[^?.;]){0,40}?\btargets?\b"
            r"(?!\s+(?:doses?|dosages?|dosing)\b)",
            re.IGNORECASE,
        ),
        re.compile(r"\d"),
    ),
    # "Vaccine schedule for new staff?": when each dose or step falls, in figures or words ("at 0, 1 and 6
    # months", "every 2 weeks", "annually"); not a drug's legal schedule ("schedule II").
    "schedule": (
        re.compile(r"\bschedules?\b(?!\s+(?:[IV]+|\d)\b)", re.IGNORECASE),
        re.compile(
            rf"{_TIME_FIGURE}"
            rf"|\b(?:every|each|once|twice|per|a)\s+(?:other\s+)?(?:\w+\s+)?{_TIME_UNIT}\b"
            r"|\b(?:hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|annually|yearly|at birth)\b"
            r"|/\s*(?:day|week|month|hour|h)\b|\bq\d+h\b"
            rf"|\b{_TIME_UNIT}\s+\d",  # "on days 0, 3 and 7"
            re.IGNORECASE,
        ),
    ),
}


def quantity_asked(question: str) -> str | None:
    """The kind of figure ``question`` asks for (a key of the table above, which names it), or None."""
    for kind, (asked, _) in _QUANTITIES.items():
        if asked.search(question):
            return kind
    return None


def quantity_word(question: str) -> str | None:
    """The word that names the kind of figure ``question`` asks for ("schedule", "target", "temperature", "days"):
    part of its frame, as "dose" is, not of its topic. None when it asks for none."""
    for asked, _ in _QUANTITIES.values():
        found = asked.search(question)
        if found:
            return words(found.group())[-1]
    return None


def gives_quantity(text: str, kind: str) -> bool:
    """``text`` gives a figure of ``kind``."""
    return bool(_QUANTITIES[kind][1].search(text))


# A question about how common something is or how likely it is ("How rare is X?", "How many people are affected
# by X?", "What is the likelihood a sibling is affected?", "How many times more likely in women?"), and a figure
# that answers one: a rate ("1 in 14,000", "per 100,000"), a share ("25 percent", "about ten percent"), a ratio
# ("three times more frequent"). Words answer it too ("Its prevalence is unknown"), so such a figure is preferred
# when the sources give one, never required.
_HOW_COMMON = re.compile(
    r"\bhow (?:much |many times )?(?:more |less )?(?:common|rare|frequent|prevalent|likely|widespread)\b"
    r"|\bhow many (?:people|persons|individuals|patients|children|babies|newborns|adults|men|women|cases)\b"
    r"|\b(?:prevalence|incidence)\b"
    r"|\bwhat (?:percentage|proportion|fraction|share)\b"
    r"|\b(?:what|which) (?:are|is) (?:the )?(?:chances?|odds|likelihood)\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    rf"\b(?:\d[\d,.]*|{_NUMBER_WORD})\s+(?:in|out of)\s+(?:every\s+)?"
    rf"(?:\d[\d,.]*|a (?:million|thousand|hundred)|{_NUMBER_WORD})\b"
    rf"|\d\s*(?:%|percent\b)|\b{_NUMBER_WORD}\s+percent\b"
    r"|\bper\s+\d[\d,]*\b|\bper (?:million|thousand|hundred)\b"
    rf"|\b(?:\d+|{_NUMBER_WORD})(?:\s*(?:to|-|–)\s*(?:\d+|{_NUMBER_WORD}))?\s+times\s+(?:more|less|as|higher|lower)\b",
    re.IGNORECASE,
)


# A question about how long something lasts or is kept up ("How long before I call it a failure?", "For how
# long?"), and a figure that answers one: a number of time units ("after 4 weeks", "3 days or less"). Words answer
# it too ("short-term use only"), so such a figure leads when the lead's own section gives one, never required.
_HOW_LONG = re.compile(r"\bhow long\b", re.IGNORECASE)
_DURATION = re.compile(_TIME_FIGURE, re.IGNORECASE)


# The lines of treatment that guidelines rank their options by ("first-line", "2nd line", "third-line agent"): a
# question that asks for one is answered by what its sources put on that line, in their text or their headings.
_LINE_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_TREATMENT_LINE = re.compile(r"\b(first|1st|second|2nd|third|3rd)[\s-]*(?:line|choice)\b", re.IGNORECASE)


def treatment_lines(text: str) -> set[int]:
    """The lines of treatment ``text`` names: {1} for "first-line" or "1st line", {1, 2} for "first-line, then
    second-line"."""
    return {_LINE_ORDINALS[m.group(1).lower()] for m in _TREATMENT_LINE.finditer(text)}


# A question that asks for something other than what it names: instead of it, after it fails or is not borne
# ("what can I use instead of baclofen?", "baclofen not helping, next drug?", "if it fails, what next?", "and if
# it doesn't help after a month?", "useless, now what?", "other options?", "alternatives?"). Not "is tizanidine
# an alternative?", which asks about what it names, nor "how will I know it has failed?", which asks how to tell.
_FAILURE = (
    r"\b(?:fails?|failed|failing|doesn'?t work|does not work|isn'?t working|not working|not helping|not helped"
    r"|doesn'?t help|does not help|didn'?t help|did not help|not improving|no improvement|no better"
    r"|stopped working|not responding|no response|unresponsive|refractory|inadequate|can'?t tolerate"
    r"|cannot tolerate|not tolerated|intolerant|useless|ineffective|not effective|no effect|no benefit|no relief"
    r"|hasn'?t helped|has not helped|isn'?t helping|is not helping)\b"
)
_ANOTHER = re.compile(
    r"\binstead\b|\balternatives? (?:to|for)\b|\bother than\b|\bwhat else\b|\bwhat next\b|\bnext\s*\?"
    r"|\b(?:now|then) what\b|\bwhat now\b|^\W*(?:and\s+|any\s+)*alternatives?\W*$"
    r"|\bother (?:options?|drugs?|agents?|treatments?|therap\w+|choices?|medications?|medicines?)\b"
    r"|\bnext (?:drug|step|option|agent|med|medication|choice|line)s?\b|" + _FAILURE,
    re.IGNORECASE,
)
_FAILED = re.compile(_FAILURE, re.IGNORECASE)
_HOW_TO_TELL = re.compile(
    r"^\W*(?:and\s+)?(?:when|how long|how (?:do|will|can|would) (?:i|we|you) (?:know|tell))\b", re.IGNORECASE
)


def asks_for_another(question: str) -> bool:
    """``question`` asks for something other than the treatment it names: instead of it, or after it fails."""
    return bool(_ANOTHER.search(question)) and not _HOW_TO_TELL.search(question)


def asks_when_failed(question: str) -> bool:
    """``question`` asks how to tell, or when to decide, that a treatment has failed ("how will I know it has
    failed?", "when do we call it not working?"): the sources' criterion for failure answers it."""
    return bool(_FAILED.search(question)) and bool(_HOW_TO_TELL.search(question))


# A criterion is stated as a condition: "If inadequate response after 4 weeks ...", not "... for refractory cases".
_CONDITION = re.compile(r"\b(?:if|when|after|unless|until|despite)\b", re.IGNORECASE)


def states_failure_criterion(text: str) -> bool:
    """``text`` states when a treatment counts as failed or not borne: a condition that speaks of failure ("If
    inadequate response after 4 weeks at maximum tolerated dose, proceed to next step")."""
    return bool(_FAILED.search(text)) and bool(_CONDITION.search(text))


def asks_how_long(question: str) -> bool:
    """``question`` asks how long something lasts, takes or is kept up."""
    return bool(_HOW_LONG.search(question))


def gives_duration(text: str) -> bool:
    """``text`` gives a number of time units ("4 weeks", "two to three days")."""
    return bool(_DURATION.search(text))


def asks_how_common(question: str) -> bool:
    """``question`` asks how common something is or how likely."""
    return bool(_HOW_COMMON.search(question))


def gives_frequency(text: str) -> bool:
    """``text`` gives a rate, a share or a ratio of how common something is."""
    return bool(_FREQUENCY.search(text))


# Stopping a treatment, in the words of its verbs and their nouns ("taper", "wean", "discontinuation",
# "withdrawal"); "stop" followed by another verb's -ing form stops that ("stop increasing"), not the treatment.
_STOPPING = re.compile(
    r"\b(?:taper\w*|wean\w*|discontinu\w*|withdraw\w*|come off|coming off|get(?:ting)? off"
    r"|stop(?:s|ped|ping)?\b(?!\s+\w+ing\b))",
    re.IGNORECASE,
)


def speaks_of_stopping(text: str) -> bool:
    """``text`` speaks of stopping a treatment: "how do I taper it off?", "Avoid abrupt discontinuation of
    baclofen (can precipitate withdrawal including seizures)"."""
    return bool(_STOPPING.search(text))


# How a treatment works, asked ("how does baclofen work?", "how do they act?", "mechanism?", "mode of action?", "what
# class of drug is it?") and stated ("Mechanism: GABA-B receptor agonist ...", "Alpha-2 adrenergic agonist that
# reduces spasticity"): English's own words for the question, and pharmacology's closed class of nouns for what a
# drug does at its target (not "blockers", which names classes in lists of drugs: "diuretics, statins, and
# beta-blockers").
_HOW_IT_WORKS = re.compile(
    r"\bhow\s+(?:does|do|did|would|will)\s+(?:[\w/-]+\s+){1,4}?(?:work|act)\b"
    r"|\bmechanisms?\b|\bmode of action\b"
    r"|\bwhat\s+(?:class|kind|type|sort)\s+of\s+(?:drug|medication|medicine|agent)\b",
    re.IGNORECASE,
)
_MECHANISM = re.compile(
    r"\b(?:mechanisms?|mode of action|acts? (?:on|by|as)|works? by|agonists?|antagonists?|inhibitors?|modulators?"
    r"|analogues?|analogs?)\b",
    re.IGNORECASE,
)


def asks_how_it_works(question: str) -> bool:
    """``question`` asks how a treatment works: "how does baclofen work?", "mechanism of action?"."""
    return bool(_HOW_IT_WORKS.search(question))


def states_mechanism(text: str) -> bool:
    """``text`` says how a treatment works: "Mechanism: GABA-B receptor agonist that reduces muscle tone"."""
    return bool(_MECHANISM.search(text))


# The harms of a treatment, asked ("baclofen side effects?", "adverse effects?", "toxicity?"; not a risk, which is
# as often a patient's risk of a disease: "Who is at risk for narcolepsy?") and cautioned against ("Avoid abrupt
# discontinuation of baclofen (can precipitate withdrawal ...)", "Monitor for hypotension and liver function
# abnormalities", "Use benzodiazepines cautiously due to risk of dependence ..."): English's closed class of words
# for a caution.
_HARMS_ASKED = re.compile(
    r"\bside[\s-]?effects?\b|\badverse\b|\btoxicit\w*|\bharms?\b",
    re.IGNORECASE,
)
_CAUTION = re.compile(
    r"\b(?:side[\s-]?effects?|adverse|toxicit\w*|risks? of|withdrawal|dependen\w+|caution\w*|avoid\w*|monitor for"
    r"|interactions?|contraindicat\w*)\b",
    re.IGNORECASE,
)


def asks_about_harms(question: str) -> bool:
    """``question`` asks what harm a treatment may do: "baclofen side effects?", "any toxicity?"."""
    return bool(_HARMS_ASKED.search(question))


def states_caution(text: str) -> bool:
    """``text`` cautions against a harm of a treatment: "Monitor for hypotension and liver function abnormalities"."""
    return bool(_CAUTION.search(text))


# How a stage is written out in a rewritten question.
_STAGE_WORD = {"start": "starting", "maximum": "maximum"}


def dose_stage(text: str) -> str | None:
    """The one dose stage ``text`` names ("start" or "maximum"), or None when it names none or both."""
    said = set(words(text))
    named = [stage for stage, names in _DOSE_STAGES.items() if names & said]
    return named[0] if len(named) == 1 else None
