"""The offline, extractive answer composer.

It answers only with the retrieved passages' own sentences and list items: each statement is a verbatim
span of the chunk it cites, so a dose is always the source's dose. Steps:

1. Candidates: every unit of the passages (a sentence of a paragraph, a list item), with the vector stored
   for it at index time (``assistant/features.py``).
2. Score: the fitted statement model gives each the probability that it answers the question, from its
   meaning, the question's words in it and its headings, what it adds beyond the question, and its section.
3. Select: the most probable statement leads (a guideline's recommendation, quoted whole with its grading,
   leads whenever one is chosen); others follow when their probability is at least a fitted share of the
   best one's, near-duplicates removed, up to ``limit``. They keep their source order under their
   headings, so an answer to "what are the options" lists the options the sources give, section by section.
   Every statement must speak of what the question's "it" stood for (``required``).
4. Cite: each statement cites its passage once per inline marker it carries, resolved to the article's
   reference entry when the article lists one, or to the article itself when it has no reference list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.features import CANDIDATE_FEATURES, Candidate, Pool, names_word
from assistant.model import AnswerModel
from assistant.question import NEGATION, QuestionView
from assistant.types import Answer, Citation, Passage, Statement
from assistant.vocabulary import (
    ACTION_TERMS,
    DOSE,
    dose_owners,
    dose_stage,
    gives_duration,
    gives_frequency,
    may_name_a_stage,
    speaks_of_stopping,
    states_caution,
    states_failure_criterion,
    states_mechanism,
    treatment_lines,
)
from corpus.text import STOPWORDS, stem, terms, words
from corpus.types import Block, Reference, article_reference

BRIEF = 6
DETAILED = 14
# A detailed answer keeps statements down to this fraction of the brief answer's thresholds.
DETAILED_LOOSENING = 0.6


# A statement that another quotes whole, with this many content words or more, is said again by it: an article
# printed twice in a corpus, once sentence by sentence and once as one paragraph.
SAID_AGAIN_TERMS = 6


def _near_duplicate(a: frozenset[str], b: frozenset[str], text_a: str, text_b: str) -> bool:
    """Whether two statements say the same: nearly the same words (their stems' Jaccard at least 0.8), or one
    quotes the other whole ("Changing eating habits can ... symptoms." inside a paragraph that goes on)."""
    if not a or not b:
        return text_a == text_b
    if len(a & b) / len(a | b) >= 0.8:
        return True
    shorter, longer = (text_a, text_b) if len(text_a) <= len(text_b) else (text_b, text_a)
    return len(a if shorter is text_a else b) >= SAID_AGAIN_TERMS and " ".join(shorter.split()) in " ".join(
        longer.split()
    )


def statement_probabilities(pool: Pool, model: AnswerModel) -> np.ndarray:
    """The statement model's probability for each candidate of ``pool``."""
    if not pool.items:
        return np.zeros(0)
    columns = model.statement.columns(CANDIDATE_FEATURES)
    return model.statement.probability(pool.matrix[:, columns])


def heading_groups(pool: Pool) -> dict[tuple[str, str], set[str]]:
    """The words of the statements under each (passage, headings) of ``pool``: their text, headings and title."""
    groups: dict[tuple[str, str], set[str]] = {}
    for c, around in zip(pool.items, pool.around_terms, strict=True):
        groups.setdefault((c.passage.chunk.id, c.heading), set()).update(around)
    return groups


def eligible(pool: Pool) -> np.ndarray:
    """Candidates that speak of everything the question requires (what its "it" stood for): in their text,
    headings or article title, or in the statements beside them under the same headings ("If inadequate
    response after 4 weeks ..." under the step that starts baclofen); and that do not leave out what it asks
    about (``leaves_out_what_is_asked``)."""
    question = pool.question
    within = ~leaves_out_what_is_asked(pool)
    if not question.required_groups:
        return within
    groups = heading_groups(pool)
    return within & np.array(
        [
            question.names_required(groups[(c.passage.chunk.id, c.heading)])
            or question.spoken_in(c.passage.chunk.article_id, c.heading)
            for c in pool.items
        ]
    )


# What a statement leaves out of what it says: "For injuries other than low back pain, ...", "except in
# pregnancy", "in organs other than the liver". The phrase ends at a clause's punctuation. "Other than" only
# after the word it narrows: opening a sentence ("Other than baclofen, tizanidine ...") it means "besides", as
# "apart from" and "aside from" mostly do.
_LEAVES_OUT = re.compile(
    r"(?:(?<=\w\s)other than|\bexcept(?:\s+(?:for|in|among|with|during))?|\bexcluding)"
    r"\s+(?P<what>[^,;:.()?!]+)",
    re.IGNORECASE,
)


def leaves_out_what_is_asked(pool: Pool) -> np.ndarray:
    """True for a statement that says it is not about what the question asks: one that leaves out something
    all of whose words the question uses ("For acute musculoskeletal injuries other than low back pain, ...
    recommend ..." does not answer a question about low back pain). What the question itself sets aside
    ("options other than drugs?") is not counted: the statement and the question then leave out the same. A
    word's comparative counts as the word (``_same_or_compared``)."""
    asked = pool.question.terms
    out = np.zeros(len(pool.items), dtype=bool)
    if not asked:
        return out
    for i, c in enumerate(pool.items):
        for match in _LEAVES_OUT.finditer(c.text):
            what = terms(match.group("what"))
            if what and all(any(_same_or_compared(w, a) for a in asked) for w in what):
                out[i] = True
                break
    return out


def _same_or_compared(a: str, b: str) -> bool:
    """``a`` and ``b`` are one word, or one is the other's comparative or superlative ("low" and "lower": a
    question's "LBP", read by a dictionary as "lower back pain", asks about the sources' "low back pain")."""
    short, long = sorted((a, b), key=len)
    return short == long or (
        len(short) >= 3 and long.startswith(short) and long[len(short) :] in ("er", "r", "est", "st")
    )


def section_terms(pool: Pool) -> list[frozenset[str]]:
    """For each candidate, what its section says it is for: the words of the statements of its passage under
    its own headings and under the heading just above them ("Start at 10 mg/day" under "Baclofen > Dosing
    protocol", beside "... for relief of flexor spasms" under "Baclofen"), less the words that statements open
    with as their subject ("Duloxetine for neuropathic pain ..."): a section that names another drug does not
    make its doses that drug's. The article's opening text, under no heading, is no one statement's section."""
    groups = heading_groups(pool)
    subjects = set().union(*(_opening_subject(c.text) for c in pool.items)) if pool.items else set()
    out = []
    for c in pool.items:
        have = set(groups[(c.passage.chunk.id, c.heading)])
        parent = c.heading.rpartition(" > ")[0]
        if parent:
            have |= groups.get((c.passage.chunk.id, parent), set())
        out.append(frozenset(have - subjects))
    return out


def _names_something(word: str) -> bool:
    """``word`` is specific enough to say whose dose an amount is ("opioid", not "daily" or "increasing")."""
    from assistant.salience import Lexicon

    return len(word) >= 4 and Lexicon.specificity(word) >= 0.5


def _specific(text: str) -> set[str]:
    """The stems of the words of ``text`` that are specific in English (drug and disease names, not "start")."""
    return {stem(w) for w in words(text) if _names_something(w)}


# A label that opens a statement: the words before its first colon ("Pregabalin: ...", "In dialysis patients: ...").
LABEL = re.compile(r"^\s*([^\W\d_][\w/+ -]{0,48}?)\s*:\s")


def _opening_subject(text: str) -> set[str]:
    """What a statement opens with as its subject: the specific words of its label, or its first word when that
    is specific and not a question's frame word ("Baclofen is the first-line treatment ..."; nothing for
    "Titrate up to 30 mg/day" or "Maximum dose: ...")."""
    found = LABEL.match(text)
    if found:
        return _specific(found.group(1))
    first = words(text)[:1]
    return {stem(w) for w in first if _names_something(w) and stem(w) not in ACTION_TERMS}


def same_subject_doses(pool: Pool) -> np.ndarray:
    """For a question that asks for a dose: False for a statement that gives the dose of something else.

    The subjects of a statement that gives a dose are the specific words (rare in English: "gabapentin",
    "tizanidine") in it and its headings. When the question names one of these subjects, a dose statement
    must name one too. When it names none of them but names a specific word that other retrieved statements
    use and no dose statement's group does ("What dose of midodrine?"), the sources give no dose for what
    was asked, and no dose statement is eligible. Rules, not fitted weights: a dose of another drug is the
    worst error an answer can make.
    """
    ok = np.ones(len(pool.items), dtype=bool)
    question = pool.question
    if not question.dose_wanted:
        return ok
    from assistant.vocabulary import ACTION_TERMS

    doses = [i for i, c in enumerate(pool.items) if DOSE.search(c.text)]
    if not doses:
        return ok
    subjects = [_specific(f"{pool.items[i].heading} {pool.items[i].text}") for i in doses]
    asked = (set(question.terms) | {t for group in question.required_groups for t in group}) - ACTION_TERMS
    # A subject is a word the question itself writes in a specific form: "night" shares its stem with the
    # "nightly" of another drug's dose line, but names no drug or condition.
    named_by_question = _specific(question.text) | {
        t for group in question.required_groups for t in group if _names_something(t)
    }
    wanted = asked & named_by_question & set().union(*subjects)
    # Of those, what the dose is asked of, when the question says apart from what it is for ("for night cramps
    # how much baclofen?"): albumin's line under "For persistent cramps" names the cramps, not the drug asked.
    of = wanted & set(terms(" ".join(dose_of(question, dose_subjects(question)))))
    wanted = of or wanted
    if wanted:
        for i, mine in zip(doses, subjects, strict=True):
            ok[i] = bool(mine & wanted)
        # A line that opens with another subject ("Pregabalin: Start 75 mg twice daily" under "Gabapentin/
        # Pregabalin"; "Baclofen is the first-line treatment ..., with a recommended starting dose of 10 mg/day")
        # gives that subject's dose, whatever its headings name, when other dose lines open with what was asked
        # ("Gabapentin: Start 300 mg daily").
        openings = [_opening_subject(pool.items[i].text) for i in doses]
        opened_by = asked & set().union(*openings)
        if opened_by:
            for i, opening in zip(doses, openings, strict=True):
                if opening and not opening & asked and not _specific(pool.items[i].text) & opened_by:
                    ok[i] = False
        return ok
    groups = heading_groups(pool)
    # What the sections the doses stand in say they are for counts too ("starting dose for spasms?": the
    # baclofen section speaks of spasms).
    sections = section_terms(pool)
    dose_words = set().union(
        *(groups[(pool.items[i].passage.chunk.id, pool.items[i].heading)] | sections[i] for i in doses)
    )
    used = {w: sum(1 for around in pool.around_terms if w in around) for w in asked & _specific(question.text)}
    rare_elsewhere = [w for w, n in used.items() if n > 0 and w not in dose_words]
    if rare_elsewhere:
        # Unless the word is what the conversation was about ("dose?" after an answer about spasms that quoted
        # baclofen): the doses given in the sections that answer quoted are what is asked.
        carried = all(question.carried(w) for w in rare_elsewhere)
        for i in doses:
            ok[i] = carried and question.spoken_in(pool.items[i].passage.chunk.article_id, pool.items[i].heading)
    return ok


# A word at least this specific in English (Zipf 3 and below: "gabapentin", "methadone", "cirrhosis") names
# what a dose is asked for; more frequent words ("kidney", "elderly") describe the situation. A question with
# no such word names its drug with a more frequent one (Zipf 4 and below: "insulin", "morphine", "aspirin").
DOSE_SUBJECT_SPECIFICITY = 0.75
DOSE_SUBJECT_FALLBACK = 0.25


def dose_subjects(question: QuestionView, variant: Callable[[str], str | None] | None = None) -> list[str]:
    """The words a dose question names its subject by: the specific words of the question and of what its
    "it" stood for, not shorthand written in capitals ("ESRD", which describes the patient); when they name
    none ("dose?" after an answer about a recommendation), those of the conversation's topic.

    With ``variant`` (the corpus word a word is a form of, or None), a short word typed in lower case that
    English rarely writes and the sources do not use in any form ("mtx", "hctz") is what the dose is asked of
    when nothing else outside the question's circumstances is: no line the sources give is its dose, and the
    baclofen or albumin line that scored closest must not stand in for it."""
    # When the dose is taken ("at bedtime", "at night") is not what it is of, while anything else names it
    # (after a gabapentin answer, "dose at bedtime?" asks gabapentin's); asked alone, it is all there is.
    when = set().union(*(words(m.group(0)) for m in _WHEN_TAKEN.finditer(question.text)))
    return _dose_subjects(question, variant, when) or (_dose_subjects(question, variant) if when else [])


def _dose_subjects(
    question: QuestionView, variant: Callable[[str], str | None] | None, when: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    from assistant.salience import PREFIX_ZIPF, Lexicon, zipf
    from assistant.vocabulary import (
        ACTION_TERMS,
        DOSING_ABBREVIATIONS,
        NAMED_DOSE_SPECIFICITY,
        words_before_dose,
        words_of_amount,
    )

    # A word that names the patient's group ("renal dosing?"), and the circumstance it is said in ("in hepatic
    # impairment"), say whom the dose is for, which the group's own checks judge (a dose its sources write for the
    # group), not what it is of: "impairment" is no word a dose line must name, nor "hepatic" where the sources
    # write "liver".
    for_whom = set(question.patient_words)
    for text in (question.text, question.context):
        for m in _CIRCUMSTANCE.finditer(text):
            if set(words(m.group(0))) & question.patient_words:
                for_whom.update(words(m.group(0)))
    # The question's own words outside the circumstances it adds: where what the dose is of is named.
    outside = _CIRCUMSTANCE.sub(" ", question.text)
    free = set(words(outside))
    for at, text in enumerate((" ".join([question.text, *question.required]), question.context)):
        capitals = {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9]+s?\b", text)}
        content = [
            w
            for w in dict.fromkeys(words(text))
            if len(w) >= 5 and w.isalpha() and w not in capitals | when | for_whom and stem(w) not in ACTION_TERMS
        ]
        if at == 0:
            # What the question asks an amount of, by grammar and outside its circumstances, is the subject ("how
            # much magnesium?", "magnesium - how much?"): the rest says whom it is for ("cramping on dialysis"),
            # however more specific a word it is.
            amount = words_of_amount(question.text)
            asked = [
                w for w in content if w in amount and w in free and Lexicon.specificity(w) >= DOSE_SUBJECT_FALLBACK
            ]
            if asked:
                return asked
        found: list[str] = []
        for floor in (DOSE_SUBJECT_SPECIFICITY, DOSE_SUBJECT_FALLBACK):
            found = [w for w in content if Lexicon.specificity(w) >= floor]
            if found:
                break
        if at == 0 and found and not set(found) & free:
            # When every specific word found names a circumstance ("for spasms", "after a stroke"), what the dose
            # is of is named outside them by a less specific word ("Botox for spasms in MS - how many units?"): it
            # is a subject too, or the dose of a drug the sources do give for spasms would stand in for it.
            found += [w for w in content if w in free and Lexicon.specificity(w) >= DOSE_SUBJECT_FALLBACK]
        if at == 0 and variant is not None:
            # So is a word written just before the dose word that the sources have in no form, as specific as a
            # terse question's drug must be ("spasticity in MS - botox dose?"): no line gives its dose. (Not
            # one they have in some form: "nightly dose" is when it is taken.)
            before = words_before_dose(question.text)
            found += [
                w
                for w in content
                if w in before
                and w not in found
                and Lexicon.specificity(w) >= NAMED_DOSE_SPECIFICITY
                and variant(w) is None
            ]
            if not set(found) & free:
                found += [
                    w
                    for w in dict.fromkeys(re.findall(r"\b[a-z]{3,4}\b", outside))
                    if w not in STOPWORDS
                    and w not in DOSING_ABBREVIATIONS
                    and zipf(w) < PREFIX_ZIPF
                    and variant(w) is None
                ]
        if found:
            return found
    return []


# The time a dose is taken at, which a question adds after "at" ("dose at bedtime?", "at night"), to the end of
# its clause.
_WHEN_TAKEN = re.compile(r"(?i)\bat\b[^,;:?.!]*?(?=[,;:?.!]|\s[-–—]\s|$)")
# A circumstance a question adds after a preposition ("for numbness", "in renal failure", "with cirrhosis"), to
# the end of its clause, or to a question word that asks on, unpunctuated ("in the elderly with cramps how much
# ..."): what it names is what a dose is for, or whom, not what the dose is of.
_CIRCUMSTANCE = re.compile(
    r"(?i)\b(?:for|in|with|during|after|among|on|while|without|if|when)\b[^,;:?.!]*?"
    r"(?=[,;:?.!]|\s[-–—]\s|\s(?:how|what|what's|whats|which)\b|$)"
)


def dose_of(question: QuestionView, subjects: Sequence[str]) -> list[str]:
    """Of a dose question's ``subjects``, those it asks the dose of, outside the circumstances it adds:
    "duloxetine" of "what's the dose of duloxetine for numbness?", not "numbness"; none of "what's the dose for
    pregabalin?" (all then count)."""
    texts = (" ".join([question.text, *question.required]), question.context)
    outside = {w for text in texts for w in words(_CIRCUMSTANCE.sub(" ", text))}
    return [w for w in subjects if w in outside]


def doses_for_subject(pool: Pool, variant: Callable[[str], str | None] | None = None) -> tuple[np.ndarray, list[str]]:
    """For a question that asks for a dose: which statements give a dose of what was asked, and the asked
    words that no dose statement names.

    A statement gives the dose asked for when it gives a dose, names one of the subjects the question names
    (``dose_subjects``) in its text, its headings or its article's title, and its article's retrieved passages
    name the others ("baclofen dose for spasticity": a baclofen dose, in an article that speaks of
    spasticity). An opioid's dose does not answer "gabapentin dose for neuropathy?", nor does a percentage in a
    survey finding.
    """
    subjects = dose_subjects(pool.question, variant)
    # When the question names what the dose is of apart from what it is for, a line must name that: a gabapentin line
    # under the heading "Management for Numbness" does not give the dose of duloxetine asked "for numbness". Of
    # the subjects a conversation's topic carries ("maximum dose? (duloxetine numbness)"), those that statements
    # here open with, as a line opens with its drug ("Duloxetine for neuropathic pain ..."), are what it is of.
    asked_of = dose_of(pool.question, subjects)
    openers = set().union(*(_opening_subject(c.text) for c in pool.items)) if pool.items else set()
    dose_of_set = {w for w in asked_of if stem(w) in openers} or set(asked_of)
    out = np.zeros(len(pool.items), dtype=bool)
    # What a line names: its words, its headings', its article title's, and its section's (a dose in baclofen's
    # dosing list is one for the spasms its section says baclofen relieves).
    named_by = [
        frozenset(terms(f"{c.text} {c.heading} {c.passage.chunk.article_title}")) | around | section
        for c, around, section in zip(pool.items, pool.around_terms, section_terms(pool), strict=True)
    ]
    articles: dict[str, set[str]] = {}
    for c, around in zip(pool.items, named_by, strict=True):
        articles.setdefault(c.passage.chunk.article_id, set()).update(around)
    speaks_of_all = {article: all(names_word(w, have, variant) for w in subjects) for article, have in articles.items()}
    undosed = set(subjects)
    spoken = np.zeros(len(pool.items), dtype=bool)
    for i, (c, around) in enumerate(zip(pool.items, named_by, strict=True)):
        owners = dose_owners(c.text, _names_something)
        if not owners:
            continue
        # A line that says its amounts are another thing's dose ("offer naloxone ... to patients taking higher
        # opioid dosages (>=50 MME/day)") gives no dose of what was asked, whatever else it names; unless it
        # names what was asked between the two ("lower opioid doses (e.g., hydrocodone 2.5 mg)").
        if all(
            owner is not None
            and not any(names_word(w, frozenset(terms(f"{owner[0]} {owner[1]}")), variant) for w in subjects)
            for owner in owners
        ):
            continue
        named = {w for w in subjects if names_word(w, around, variant)}
        undosed -= named
        out[i] = not subjects or (
            bool(named & dose_of_set if dose_of_set else named) and speaks_of_all[c.passage.chunk.article_id]
        )
        spoken[i] = pool.question.spoken_in(c.passage.chunk.article_id, c.heading)
    if not out.any() and subjects and all(pool.question.carried(w) for w in subjects) and spoken.any():
        # "Starting dose?" after an answer about spasms: no dose is given for the symptom the conversation was
        # about, and the doses asked are those of the sections that answer quoted (under their drug's heading).
        return spoken, []
    return out, [w for w in subjects if w in undosed]


def recommendation_id(heading: str) -> str | None:
    """'Recommendation 5' when a statement stands under a guideline's numbered recommendation (in its section
    or a subsection of it: "... > Recommendation 5 > Supporting Rationale"), else None: what "it" or "that
    recommendation" means after an answer led by it."""
    found = re.findall(r"\bRecommendation \d+[a-z]?\b", heading)
    return found[-1] if found else None


# A recommendation leads the answer when it scores at least this share of the best statement.
RECOMMENDATION_LEAD = 0.5
# ... or, when none does, whatever it scores if its sections hold more than this share of the votes of what
# was retrieved (``section_votes``).
RECOMMENDATION_MAJORITY = 0.5
_NEGATION = frozenset(["not", "no", "never", "avoid", "without", "nor"])
# A figure the statement gives ("Oxycodone | 1.5") is something the question did not say.
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


# The function words a title leaves in lower case ("Surgery and Rehabilitation").
_TITLE_SMALL_WORDS = frozenset("a an and as at by for from in into of on or the to with".split())


def _title_like(text: str) -> bool:
    """``text`` is a title, not a statement: two or more words, each capitalised but the small ones, no figure,
    no full stop ("Drug Therapy"; "Genetic Testing Registry: <a condition>" by the label before its colon)."""
    if text.rstrip().endswith("."):
        return False
    label = text.split(":", 1)[0]
    found = [w for w in re.findall(r"[^\W\d_][\w'’-]*", label) if w.lower() not in _TITLE_SMALL_WORDS]
    return len(found) >= 2 and all(w[0].isupper() for w in found) and not re.search(r"\d", label)


def _in_title_lists(pool: Pool) -> np.ndarray:
    """True for a bullet of a list whose every item is a title: a list of resources that linked to where the
    answer is ("Diagnostic Tests", "Drug Therapy", "Genetic Testing Registry: <a condition>")."""
    listed: dict[str, set[int]] = {}
    for c in pool.items:
        chunk = c.passage.chunk
        if chunk.id in listed:
            continue
        marked: set[int] = set()
        run: list[int] = []
        for i, block in enumerate([*chunk.blocks, None]):
            if block is not None and block.kind == "bullet" and (not run or chunk.blocks[run[0]].depth == block.depth):
                run.append(i)
                continue
            if len(run) >= 2 and all(_title_like(chunk.blocks[j].text) for j in run):
                marked.update(run)
            run = [i] if block is not None and block.kind == "bullet" else []
        listed[chunk.id] = marked
    return np.array([c.block_index in listed[c.passage.chunk.id] for c in pool.items], dtype=bool)


# A reply to a question, and nothing else: "Yes.", "No, never." say something only beside the question they
# answer, which is the source's own, not the reader's.
_REPLY_WORDS = frozenset(["yes", "no", "not", "never", "maybe", "sure", "correct", "true", "false"])


def _only_a_reply(text: str) -> bool:
    said = [w for w in words(text) if w not in STOPWORDS or w in _REPLY_WORDS]
    return bool(said) and set(said) <= _REPLY_WORDS


def adds_something(pool: Pool) -> np.ndarray:
    """False for a statement that only restates the question: every content word and number of it is the
    question's, and it negates nothing ("Muscle cramps are common in cirrhosis" for "Muscle cramps are common in
    cirrhosis. What helps?"). Such a statement answers nothing, however close it scores. False too for a question
    of the source's own ("How is this condition treated?" opening the section that answers it), and for the
    source's bare reply to one ("Yes."): neither states anything."""
    asked = pool.question.terms | pool.question.context_terms
    asked_numbers = set(_NUMBER.findall(f"{pool.question.text} {pool.question.context}"))
    # A resource's name that names nothing the question asks about ("Diagnostic Tests") says nothing; one that
    # does ("Genetic Testing Registry: <the condition asked about>") at least says where the answer is.
    titles = resource_labels(pool) & np.array([not terms(c.text) & asked for c in pool.items], dtype=bool)
    return np.array(
        [
            not c.text.rstrip().endswith("?")
            and not title
            and not _only_a_reply(c.text)
            and (
                bool(own - asked)
                or bool(set(_NUMBER.findall(c.text)) - asked_numbers)
                or bool(_NEGATION & set(words(c.text)))
            )
            for c, own, title in zip(pool.items, pool.own_terms, titles, strict=True)
        ],
        dtype=bool,
    )


def section_votes(pool: Pool) -> dict[str, float]:
    """For each numbered recommendation, the retrieved passages filed under it (in its section or a subsection),
    each counting 1/rank: how much of what the question retrieved is about that recommendation."""
    votes: dict[str, float] = {}
    seen: set[str] = set()
    for c in pool.items:
        chunk = c.passage.chunk
        if chunk.id in seen:
            continue
        seen.add(chunk.id)
        found = recommendation_id(" > ".join(chunk.heading_path))
        if found:
            votes[found] = votes.get(found, 0.0) + 1.0 / max(c.passage.rank, 1)
    return votes


# A list introduced as resources or links ("These resources from MedlinePlus offer information about ...:").
_RESOURCE_LIST = re.compile(r"\b(?:resources?|websites?|links?|more information|information about)\b", re.IGNORECASE)
# A list item this short under such a lead-in is a resource's name ("Drug Therapy"), not a statement.
MAX_LABEL_WORDS = 8


# A statement that is a web address and nothing else.
_BARE_LINK = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)


def resource_labels(pool: Pool) -> np.ndarray:
    """True for a candidate that names a resource in a list of them ("Diagnostic Tests", "Genetic Testing
    Registry: X"), introduced as resources or made of titles only, or that is a bare web address: it tells the
    reader where to look, not what the answer is."""
    out = _in_title_lists(pool)
    for i, c in enumerate(pool.items):
        if _BARE_LINK.match(c.text):
            out[i] = True
        if out[i] or len(words(c.text)) > MAX_LABEL_WORDS or c.text.rstrip().endswith("."):
            continue
        intro = lead_in(c.passage.chunk.blocks, c.block_index)
        out[i] = bool(intro) and bool(_RESOURCE_LIST.search(intro))
    return out


# A statement that itself looks past what it names ("..., not just reduction in cramp frequency").
_LOOKS_PAST = re.compile(
    r"\bnot (?:just|only|merely|simply)\b"
    r"|\b(?:apart from|aside from|besides|other than|beyond|rather than|instead of)\b",
    re.IGNORECASE,
)


# A heading word that negates what it names ("Non-drug measures", "Non-Pharmacological Management").
_NEGATED = re.compile(r"\bnon-?\w+", re.IGNORECASE)


def not_set_aside(pool: Pool) -> np.ndarray:
    """False for a statement about what the question sets aside: for "treatments other than medications?", one
    whose own words name it ("Review medications, especially diuretics ...", or, for "besides drugs?", a word
    of the same meaning: ``QuestionView.aside_alike``), or, for "cannot tolerate
    tizanidine", one under a heading that is it ("Start at 2 mg daily ..." under "Tizanidine"), or, for "non-pharm
    options?", one under a heading that names what the question negates ("First-Line Pharmacological Options"),
    unless the statement looks past it too. The question asked about the rest."""
    aside = pool.question.aside
    negated = pool.question.negated
    if not aside and not negated:
        return np.ones(len(pool.items), dtype=bool)
    alike = pool.question.aside_alike
    out = []
    for c, own in zip(pool.items, pool.own_terms, strict=True):
        heads = [_NEGATED.sub(" ", h) for h in c.heading.split(" > ")]
        # A heading that is the thing itself ("Tizanidine"), not one that speaks of it among other words
        # ("Second-Line Options (if baclofen inadequate or not tolerated)").
        under_it = bool(aside) and any((t := terms(h)) and (t <= aside or t <= alike) for h in heads)
        # For "non-pharm options?", a heading that names what it negates, not negated itself ("First-Line
        # Pharmacological Options", not "Non-Pharmacological Approaches"): whole, or as the start of its word.
        under_negated = any(w.startswith(x) or stem(w) == stem(x) for h in heads for w in words(h) for x in negated)
        named = bool(aside) and (aside <= own or bool(own & alike))
        out.append(not ((named or under_it or under_negated) and not _LOOKS_PAST.search(c.text)))
    return np.array(out, dtype=bool)


def under_its_negation(pool: Pool) -> np.ndarray:
    """True for a statement under a heading that negates what the question negates ("Non-Pharmacological
    Management" for "non-pharm options?") or sets aside in words of that meaning ("what to try before any
    drug?": ``QuestionView.aside_negated``). Where a source heads a section so, that section is the answer
    asked for; the statements of its other sections that name no such thing (how cramps present, what to assess
    first) are not."""
    negated = pool.question.negated | pool.question.aside_negated
    out = np.zeros(len(pool.items), dtype=bool)
    if not negated:
        return out
    for i, c in enumerate(pool.items):
        said = {m.group(1).lower() for h in c.heading.split(" > ") for m in NEGATION.finditer(h)}
        out[i] = any(w.startswith(x) or stem(w) == stem(x) for w in said for x in negated)
    return out


def the_rest_asked(pool: Pool, ok: np.ndarray) -> np.ndarray:
    """``ok`` narrowed to what the question asks beside what it sets aside: without the statements about what
    it sets aside (``not_set_aside``), and to a section headed as its negation where one is quotable
    (``under_its_negation``); each step only when something is left."""
    rest = ok & not_set_aside(pool)
    ok = rest if rest.any() else ok
    headed = ok & under_its_negation(pool)
    return headed if headed.any() else ok


# A figure of how often something occurs in people, not a share of a feature among patients ("90 percent of
# affected individuals have ..."), nor of anything else ("5 to 30 percent of normal"); a ratio between groups of
# people is one ("two to three times as many women as men have the disease").
_OCCURS = re.compile(
    r"\b(?:affects?|occurs?|occurring|prevalence|incidence|estimated|births|newborns|population)\b"
    r"|\btimes\s+(?:as\s+(?:many|common|likely|frequent)|(?:more|less)\s+(?:common|likely|frequent|often))\b",
    re.IGNORECASE,
)


# A sentence that opens by pointing back ("This gene provides ...", "These problems ...", "It is caused by ...",
# "In these cases, ...", "The drug also ...") or by a connective that joins it to the one before ("However,
# ...", "As a result, ...") says what it says of the sentence before it.
_POINTS_BACK = re.compile(
    r"^(?:this|these|that|those|such|it|its|they|their)\b"
    r"|^(?:in|for|of|from|with|at|by|during|after|before|despite|because of) (?:this|these|that|those|such)\b"
    r"|^the \w+ (?:also|then|still)\b"
    r"|^(?:however|also|thus|hence|therefore|moreover|furthermore|additionally|in addition|as a result"
    r"|consequently|instead|otherwise|nevertheless|nonetheless|similarly|likewise|in contrast)\b",
    re.IGNORECASE,
)
# An "it" that stands for what follows, not for what came before ("It is unclear why ...", "It is important to").
_IT_AHEAD = re.compile(
    r"^it (?:is|was|has been|may be|can be|remains) (?:not )?\w+ (?:that|to|why|how|whether|if|what|when)\b",
    re.IGNORECASE,
)
# How many sentences back a chain of such sentences is followed.
MAX_ANTECEDENTS = 2


def _points_back(text: str) -> bool:
    text = text.lstrip()
    return bool(_POINTS_BACK.match(text)) and not _IT_AHEAD.match(text)


def not_led_by_a_resource(pool: Pool, chosen: list[tuple[Candidate, float]]) -> list[tuple[Candidate, float]]:
    """``chosen`` led by its first statement that says something, when a resource's name would lead
    (``resource_labels``): "Palliative Care" leading an answer on a treatment reads as the treatment. When all
    are names, they stay as they are, under the lead-in that says what they are."""
    if not chosen:
        return chosen
    links = resource_labels(pool)
    at = {id(c): i for i, c in enumerate(pool.items)}
    if not links[at[id(chosen[0][0])]]:
        return chosen
    first = next((i for i, (c, _) in enumerate(chosen) if not links[at[id(c)]]), None)
    if first is None:
        return chosen
    return [chosen[first], *chosen[:first], *chosen[first + 1 :]]


def with_antecedents(pool: Pool, chosen: Sequence[tuple[Candidate, float]]) -> list[tuple[Candidate, float]]:
    """``chosen`` with the sentence before each one that points back ("This gene provides instructions for
    ...") set right before it, when that sentence is of the same paragraph: quoted alone, "this gene" names no
    gene, and the reader cannot tell what the quote is about. A sentence already chosen elsewhere moves up.
    """
    units = {(c.passage.chunk.id, c.order): c for c in pool.items}
    out = list(chosen)
    i = 0
    while i < len(out):
        c, p = out[i]
        added = 0
        while _points_back(c.text) and added < MAX_ANTECEDENTS:
            before = units.get((c.passage.chunk.id, c.order - 1))
            if before is None or before.block_index != c.block_index:
                break
            at = next((j for j, (d, _) in enumerate(out) if d is before), None)
            if at is not None and at < i:
                break  # it is already read before this one
            if at is not None:
                del out[at]
            out.insert(i, (before, p))
            added += 1
            c = before
        i += added + 1
    return out


def figure_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    """For a question of how common or how likely something is, the statement that gives the figure leads ("...
    affects an estimated 1 in 13,700 newborns" before "Rarely, ... results from changes in chromosome 11"): one
    under the lead's own heading, else one of the lead's article that says how often something occurs; the other
    figures of its section follow it, in the room of the least probable statements. When the sources give no such
    figure the answer stays as chosen: words answer it too ("its prevalence is unknown")."""
    if not chosen:
        return chosen
    lead = chosen[0][0]
    where = (lead.passage.chunk.id, lead.heading)
    article = lead.passage.chunk.article_id
    ok = eligible(pool) & adds_something(pool)
    giving = [
        (c, float(p))
        for c, p, fine in zip(pool.items, probabilities, ok, strict=True)
        if fine and c.passage.chunk.article_id == article and gives_frequency(c.text)
    ]
    # Under the lead's heading, a sentence (not a row of a table of features with their shares).
    own = [
        x
        for x in giving
        if (x[0].passage.chunk.id, x[0].heading) == where
        and (x[0].text.rstrip().endswith(".") or _OCCURS.search(x[0].text))
    ]
    found = own or [x for x in giving if _OCCURS.search(x[0].text)]
    if not found:
        # Another source the answer quotes, where the figure's sentence with its heading names all that the
        # lead's source is about ("How many people are affected by Sotos syndrome?" for a lead from another
        # article on Sotos syndrome): never a figure for something else.
        subject = terms(lead.passage.chunk.article_title)
        quoted = {c.passage.chunk.article_id for c, _ in chosen} - {article}
        found = [
            (c, float(p))
            for c, p, fine in zip(pool.items, probabilities, ok, strict=True)
            if fine
            and c.passage.chunk.article_id in quoted
            and gives_frequency(c.text)
            and _OCCURS.search(c.text)
            and subject
            and subject <= terms(f"{c.heading} {c.text}")
        ]
    if not found:
        return chosen
    first = max(found, key=lambda x: x[1])
    # The other figures its section gives follow it, in its order: how common a condition is among everyone and
    # among those who have one of its signs ("estimated to affect 1 in 250,000 individuals"; "About 10 percent to
    # 15 percent of people with anophthalmia in both eyes have ..."), each a figure the question may ask.
    here = (first[0].passage.chunk.id, first[0].heading)
    size = max(len(chosen), BRIEF)
    figures = [
        x
        for x in giving
        if x[0] is not first[0]
        and (x[0].passage.chunk.id, x[0].heading) == here
        and (x[0].text.rstrip().endswith(".") or _OCCURS.search(x[0].text))
    ]
    more = in_reading_order(sorted(figures, key=lambda x: -x[1])[: size - 1])
    rest = [(c, p) for c, p in chosen if c is not first[0] and not any(c is m for m, _ in more)]
    room = size - 1 - len(more)
    if len(rest) > room:
        kept = {id(c) for c, _ in sorted(rest, key=lambda x: -x[1])[:room]}  # (room >= 0: more is cut to size - 1)
        rest = [x for x in rest if id(x[0]) in kept]
    return [first, *more, *rest]


def duration_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    """For a question of how long, the statement of the lead's own section that gives a number of time units
    leads ("If inadequate response after 4 weeks at maximum tolerated dose, proceed to next step" before "Start
    baclofen 10 mg/day, increase weekly ..." for how long to keep at it), the most probable such; when the lead's
    section gives none, the first other chosen statement's section that does ("Increase weekly by 10 mg/day"
    under "Dosing protocol" leading, "Start baclofen 10 mg/day ..." chosen from the algorithm's step that gives
    the 4 weeks). When none gives one, or the lead gives one, the answer stays as chosen: words answer it too."""
    if not chosen or gives_duration(chosen[0][0].text):
        return chosen
    ok = eligible(pool) & adds_something(pool)
    for where in dict.fromkeys((c.passage.chunk.id, c.heading) for c, _ in chosen):
        found = [
            (c, float(p))
            for c, p, fine in zip(pool.items, probabilities, ok, strict=True)
            if fine and p > 0 and (c.passage.chunk.id, c.heading) == where and gives_duration(c.text)
        ]
        if found:
            first = sorted(found, key=lambda x: -x[1])[0]
            return [first, *[(c, p) for c, p in chosen if c is not first[0]]]
    return chosen


# A statement about every treatment ("Monitor for sedation with all agents, especially when combining medications").
_EVERY_TREATMENT = re.compile(r"\ball (?:agents|medications|medicines|drugs|treatments)\b", re.IGNORECASE)


def _led_by_lines_that(
    pool: Pool,
    probabilities: np.ndarray,
    chosen: list[tuple[Candidate, float]],
    says: Callable[[str], bool],
    every: bool = False,
) -> list[tuple[Candidate, float]] | None:
    """``chosen`` led by the most probable statement about the treatment the question names or carries whose text
    ``says`` what is asked (with ``every``, by all such, about it or about every treatment, the most probable
    first, in as many lines as were chosen), without the doses that do not: they scored closer only by naming the
    drug. None when no statement about the treatment says it; ``chosen`` as it is when the question names no
    treatment."""
    subjects = set(treatments_asked(pool, carried=True))
    if not chosen or not subjects:
        return chosen
    ok = eligible(pool) & adds_something(pool)
    found = [
        (c, float(p))
        for c, p, fine in zip(pool.items, probabilities, ok, strict=True)
        if fine
        and p > 0
        and says(c.text)
        and (names_treatment(c, subjects) or (every and _EVERY_TREATMENT.search(c.text)))
    ]
    if not any(names_treatment(c, subjects) for c, _ in found):
        return None
    leads = sorted(found, key=lambda x: -x[1])[: len(chosen) if every else 1]
    rest = [
        (c, p)
        for c, p in chosen
        if not any(c is x for x, _ in leads) and not (DOSE.search(c.text) and not says(c.text))
    ]
    return [*leads, *rest][: len(chosen)] if every else [*leads, *rest]


def stopping_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]] | None:
    """For a question of how to stop a treatment it names or carries ("how do I taper baclofen off?"), the most
    probable statement about that treatment that speaks of stopping it leads ("Avoid abrupt discontinuation of
    baclofen (can precipitate withdrawal including seizures)"), and the doses that say nothing of stopping
    ("Increase weekly by 10 mg/day") are left out: read under that question they would be a taper the sources
    never give. None when no statement about it speaks of stopping: the sources say nothing of stopping it, and
    its doses would be read as a way off it. When the question names no treatment, the answer stays as chosen."""
    return _led_by_lines_that(pool, probabilities, chosen, speaks_of_stopping)


def mechanism_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    """For a question of how a treatment it names or carries works ("how does baclofen work?"), the most probable
    statement about that treatment that says how it works leads ("Mechanism: GABA-B receptor agonist that reduces
    muscle tone and painful spasms"), and the doses that say nothing of it are left out. When no statement about
    it says how it works, or the question names no treatment, the answer stays as chosen: "how does duloxetine
    work for numbness?" may ask whether it helps, which its line says ("Duloxetine for neuropathic pain, numbness,
    and tingling")."""
    return _led_by_lines_that(pool, probabilities, chosen, states_mechanism) or chosen


def caution_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    """For a question of the harms of a treatment it names or carries ("baclofen side effects?"), the statements
    that caution against one, about that treatment or about every one ("Monitor for sedation with all agents"),
    lead, the most probable first ("Avoid abrupt discontinuation of baclofen (can precipitate withdrawal including
    seizures)"), and the doses that caution against nothing are left out. When no statement about it cautions, or
    the question names no treatment, the answer stays as chosen."""
    return _led_by_lines_that(pool, probabilities, chosen, states_caution, every=True) or chosen


def _lines_of(c: Candidate) -> set[int]:
    """The lines of treatment a statement's source puts it on, in its text or its headings."""
    return treatment_lines(f"{c.heading}\n{c.text}")


def failure_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    """For a question of how to tell that a treatment has failed, a statement that states the criterion in its
    own text leads: "If inadequate response after 4 weeks at maximum tolerated dose, proceed to next step" before
    "Increase weekly by 10 mg/day". The most probable such of the lead's article, else of another article the
    answer quotes. A heading that names failure ("Second-Line Options (if baclofen inadequate ...)") is where the
    next treatment is, not the criterion. When the answer's articles give none, or the lead is one, the answer
    stays as chosen."""
    if not chosen or states_failure_criterion(chosen[0][0].text):
        return chosen
    articles = list(dict.fromkeys(c.passage.chunk.article_id for c, _ in chosen))
    # Asked about a treatment, the criterion must be stated for the line of treatment it is on: the first-line
    # step's "after 4 weeks" is not the criterion for a second-line drug, nor for one the sources put on no line.
    about = _about_treatment_asked(pool)
    its = set().union(*(_lines_of(c) for c in pool.items if about(c))) if about else set()

    def its_line(c: Candidate) -> bool:
        return about is None or bool(_lines_of(c) & its)

    ok = eligible(pool) & adds_something(pool)
    found = [
        (c, float(p))
        for c, p, fine in zip(pool.items, probabilities, ok, strict=True)
        if fine
        and p > 0
        and c.passage.chunk.article_id in articles
        and states_failure_criterion(c.text)
        and its_line(c)
    ]
    if not found:
        return chosen
    first = min(found, key=lambda x: (articles.index(x[0].passage.chunk.article_id), -x[1]))
    return [first, *[(c, p) for c, p in chosen if c is not first[0]]]


def line_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]], line: int
) -> list[tuple[Candidate, float]]:
    """For a question asking for a line of treatment ("first-line for cramps in MS?"), a statement that its source
    puts on that line, in its text or its headings, leads ("Baclofen is the first-line treatment ..." over the
    assessment step that scored closer): of those whose text, headings and article title name most of what the
    question names (the article on cramps in MS, not the one on cramps at large), the most probable, unless the
    lead is such a statement already. The statements its article puts on that line follow it, before the others
    chosen. When no retrieved statement is on that line, the answer stays as chosen."""

    def on_the_line(c: Candidate) -> bool:
        return line in _lines_of(c)

    if not chosen:
        return chosen
    ok = eligible(pool) & adds_something(pool)
    # What the question names, then the article the conversation it continues draws the question nearest to (a
    # follow-up asking "and the first-line drug?" after a question on cramps in MS: both articles are on cramps;
    # with the conversation's topic, the question comes nearer to the passages on MS and moves off the others).
    column = CANDIDATE_FEATURES.index
    draw = pool.matrix[:, column("passage_context_sem")] - pool.matrix[:, column("passage_sem")]
    drawn: dict[str, float] = {}
    for c, d in zip(pool.items, draw, strict=True):
        drawn[c.passage.chunk.article_id] = max(drawn.get(c.passage.chunk.article_id, -1.0), float(d))
    named = [
        (round(float(x), 6), round(drawn[c.passage.chunk.article_id], 6))
        for x, c in zip(pool.matrix[:, column("lex_title")], pool.items, strict=True)
    ]
    found = [
        (i, c, float(p))
        for i, (c, p, fine) in enumerate(zip(pool.items, probabilities, ok, strict=True))
        if fine and on_the_line(c)
    ]
    if not found:
        return chosen
    at, lead, p = max(found, key=lambda x: (named[x[0]], x[2]))
    first = next((i for i, c in enumerate(pool.items) if c is chosen[0][0]), None)
    if first is not None and on_the_line(chosen[0][0]) and named[first] >= named[at]:
        at, (lead, p) = first, chosen[0]
    # Of what its article puts on that line and names as much, a statement that names a treatment the sources
    # name ("Start baclofen 10 mg/day ...") says what is on it; the step's criterion beside it ("If inadequate
    # response after 4 weeks ...") does not.
    treatments = _treatments(pool)
    if not terms(lead.text) & treatments:
        peers = [
            (c, q)
            for i, c, q in found
            if named[i] == named[at] and c.passage.chunk.article_id == lead.passage.chunk.article_id
        ]
        naming = [(c, q) for c, q in peers if names_treatment(c, treatments)]
        if naming:
            lead, p = max(naming, key=lambda x: (bool(terms(x[0].text) & treatments), x[1]))
    # The rest of the answer is what the lead's article puts on that line too ("Consider tizanidine as an
    # alternative" beside the tizanidine section, for the second-line options), then what was chosen besides.
    article = lead.passage.chunk.article_id
    beside = sorted(
        ((c, q) for _, c, q in found if c is not lead and c.passage.chunk.article_id == article),
        key=lambda x: -x[1],
    )
    rest = [*beside, *((c, q) for c, q in chosen if c is not lead and not any(c is b for b, _ in beside))]
    rest = rest[: max(len(chosen) - 1, 0)]
    return [(lead, p), *in_reading_order(rest)]


def doses_on_the_line(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]], line: set[int], gives: np.ndarray
) -> list[tuple[Candidate, float]]:
    """For a dose question that asks for a line of treatment ("first-line drug and its starting dose?"), the
    chosen statements less those their source puts on another line only (the second-line drug's starting dose),
    when a statement that ``gives`` the dose asked for is left. When none is, the dose the question asks for is
    one on that line: the most probable line giving an amount that its source puts on the line asked, in an
    article whose doses answered (asked for the second-line agent for spasms, tizanidine's "Start at 2 mg daily
    ...", though its section says spasticity), leads the statements left; with none such, the answer stays as
    chosen."""
    at = {id(c): i for i, c in enumerate(pool.items)}
    kept = [(c, p) for c, p in chosen if not _lines_of(c) - line]
    if any(gives[at[id(c)]] for c, _ in kept):
        return kept
    answering = {pool.items[i].passage.chunk.article_id for i in np.flatnonzero(gives)}
    ok = eligible(pool) & adds_something(pool) & same_subject_doses(pool)
    on_it = [
        i
        for i, c in enumerate(pool.items)
        if ok[i]
        and c.passage.chunk.article_id in answering
        and DOSE.search(c.text)
        and _lines_of(c) & line
        and not _lines_of(c) - line
    ]
    if not on_it:
        return chosen
    best = max(on_it, key=lambda i: float(probabilities[i]))
    lead = pool.items[best]
    return [(lead, float(probabilities[best])), *((c, p) for c, p in kept if c is not lead)]


# How specific in English a section's first word is when it names the treatment the section is about: a drug's
# name ("Tizanidine" 1.0, "Diazepam" 0.95), not a kind of section ("Dosing" 0.76, "Cautions" 0.77).
NAMED_SECTION = 0.9


def heading_subjects(heading: str, floor: float = 0.0) -> set[str]:
    """The subjects a statement's headings are sections of: the specific first word of each ("Baclofen", in
    "First-Line Pharmacological Options > Baclofen > Dosing protocol"; nothing of "3. Second-Line Options (if
    baclofen inadequate or not tolerated)"), at least ``floor`` specific in English."""
    from assistant.salience import Lexicon

    out = set()
    for part in heading.split(" > "):
        first = words(part)[:1]
        out |= {stem(w) for w in first if _names_something(w) and Lexicon.specificity(w) >= floor}
    return out


def _treatments(pool: Pool) -> set[str]:
    """The treatments the pool's sources name: what statements open with ("Pregabalin: ...") or what heads their
    sections ("Tizanidine"; not "Dosing" nor "Cautions"), with the other names of a heading that opens with one
    ("Benzodiazepines" of "Diazepam and Other Benzodiazepines")."""
    from assistant.salience import Lexicon

    out = set().union(*(_opening_subject(c.text) for c in pool.items))
    for heading in {c.heading for c in pool.items}:
        for part in heading.split(" > "):
            if heading_subjects(part, NAMED_SECTION):  # its first word names one: so does each as specific
                out |= {stem(w) for w in words(part) if _names_something(w) and Lexicon.specificity(w) >= NAMED_SECTION}
    return out


def names_treatment(c: Candidate, treatments: set[str]) -> bool:
    """``c`` names one of ``treatments`` in its own words or its section's."""
    return bool((terms(c.text) | heading_subjects(c.heading)) & treatments)


def _asked_treatments(pool: Pool, carried: bool = False) -> tuple[set[str], set[str]]:
    """(the treatments the question names, every treatment the pool's sources name). The treatment is a name of
    the question (of all of it: "ms cramps, baclofen not enough. next?" asks "next?"), or what its "it" stood
    for, as rare in English as a drug's, that statements here open with ("Pregabalin: ...") or that heads their
    sections ("Tizanidine"; not "Dosing" nor "Cautions")."""
    from assistant.salience import Lexicon
    from assistant.vocabulary import ACTION_TERMS

    question = pool.question
    named = {stem(w) for w in words(question.text) if Lexicon.specificity(w) >= NAMED_SECTION}
    asked = (named | {t for group in question.required_groups for t in group}) - ACTION_TERMS
    treatments = _treatments(pool)
    if (question.dose_wanted or carried) and not asked & treatments:
        # A dose asked of what the conversation is about ("top dose?" after a gabapentin answer) is that
        # treatment's, as ``dose_subjects`` reads it; so is what a pointer stands for (``carried``: "what if LFTs
        # go up on it?"), when the sources give a dose of it: a heading's subject may be a condition
        # ("Sprengel deformity"), which "its symptoms" stands for, and no treatment.
        context = {stem(w) for w in words(question.context) if Lexicon.specificity(w) >= NAMED_SECTION}
        asked = context - ACTION_TERMS
        if not question.dose_wanted:
            giving = _dose_lines(pool)
            asked = {t for t in asked & treatments if any(names_treatment(c, {t}) for c in giving)}
    return asked & treatments, treatments


def _dose_lines(pool: Pool) -> list[Candidate]:
    """The statements that give an amount of something (not a share: "Scoliosis 90%" is how often a sign is
    seen)."""
    return [c for c in pool.items if any(not m.group().endswith("%") for m in DOSE.finditer(c.text))]


def treatments_asked(pool: Pool, carried: bool = False) -> list[str]:
    """The treatments the question names, or with ``carried`` its pointer stands for (see ``_asked_treatments``),
    sorted."""
    return sorted(_asked_treatments(pool, carried)[0])


def _about_treatment_asked(pool: Pool, carried: bool = False) -> Callable[[Candidate], bool] | None:
    """Whether a statement is about the treatment the question names (``_asked_treatments``; with ``carried``, or
    the conversation is about) and no other, or None when there is none. A statement is about it by its words or
    its section, and not when it names another ("Baclofen + gabapentin/pregabalin" is a next step)."""
    subjects, treatments = _asked_treatments(pool, carried)
    if not subjects:
        return None

    def about(c: Candidate) -> bool:
        own = terms(c.text)
        return bool(own & subjects or heading_subjects(c.heading) & subjects) and not own & (treatments - subjects)

    return about


def of_another_treatment(pool: Pool, carried: bool = False) -> np.ndarray:
    """True for each statement whose own words name a treatment other than the one the question names, and not
    that one ("Duloxetine for neuropathic pain ..." for a gabapentin dose), or that stands in another
    treatment's section and names the asked one neither in its words nor its headings ("Short-term use only at
    lowest effective dose", under "Diazepam and Other Benzodiazepines"); all False when the question names
    none. With ``carried``, a question that names none is about what its pointer stands for."""
    subjects, treatments = _asked_treatments(pool, carried)
    if not subjects:
        return np.zeros(len(pool.items), dtype=bool)
    others = treatments - subjects

    def elsewhere(c: Candidate) -> bool:
        own = terms(c.text)
        if own & treatments:
            return bool(own & others) and not own & subjects
        heads = heading_subjects(c.heading)
        return bool(heads & others) and not heads & subjects

    return np.array([elsewhere(c) for c in pool.items], dtype=bool)


def doses_of_another_treatment(pool: Pool) -> np.ndarray:
    """True for each statement that gives a dose under a heading naming another treatment than the one the
    question names or carries, or that is labelled with another's name, and is not about that one ("Titrate up to
    30 mg/day", under baclofen's dosing, in a follow-up on tizanidine; "Pregabalin: Start 75 mg twice daily ...",
    under "Gabapentin/Pregabalin", in an answer on gabapentin); all False when the question names none. A dose
    is only ever quoted for what it is the dose of."""

    def labelled(c: Candidate) -> set[str]:
        found = LABEL.match(c.text)
        return _specific(found.group(1)) if found else set()

    about = _about_treatment_asked(pool)
    if about is None:
        return np.zeros(len(pool.items), dtype=bool)
    subjects, treatments = _asked_treatments(pool)
    others = treatments - subjects
    return np.array(
        [
            bool(DOSE.search(c.text)) and not about(c) and bool((heading_subjects(c.heading) | labelled(c)) & others)
            for c in pool.items
        ],
        dtype=bool,
    )


def other_treatment_leads(
    pool: Pool, probabilities: np.ndarray, chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    """For a question asking what to use instead of a treatment it names, or after it fails ("what can I use
    instead of baclofen?"), a lead about that treatment ("Start baclofen 10 mg/day ...": in its words or under
    its own section) gives way to the most probable statement that is not ("Consider tizanidine as an
    alternative", or "Baclofen + gabapentin/pregabalin", which names another). The treatment is a specific word
    of the question that statements open with or that heads a section, or the one the conversation is about ("other
    options?" after pregabalin's lines); when there is none, or nothing else was retrieved, the answer stays as
    chosen."""
    if not chosen:
        return chosen
    about = _about_treatment_asked(pool, carried=True)
    if about is None or not about(chosen[0][0]):
        return chosen
    ok = eligible(pool) & adds_something(pool)
    others = [
        (c, float(p))
        for c, p, fine in zip(pool.items, probabilities, ok, strict=True)
        if fine and p > 0 and not about(c)
    ]
    if not others:
        return chosen
    # Where the sources rank their options in lines of treatment, what comes after the line the treatment asked
    # about is on ("Second-Line Options (if baclofen inadequate ...)" after "First-Line Treatment"), before the
    # assessment steps that scored closer.
    on = [_lines_of(c) for c, _ in others]
    its = set().union(*(_lines_of(c) for c in pool.items if about(c)))
    later = [x for x, lines in zip(others, on, strict=True) if its and lines and min(lines) > min(its)]
    first = max(later or others, key=lambda x: x[1])
    return [first, *[(c, p) for c, p in chosen if c is not first[0]]]


def _led_by_what_was_asked(pool: Pool, chosen: list[int], lead: int) -> int:
    """A lead under a heading that names two subjects, one the question names and one it does not, and that
    opens with the other ("Pregabalin: Start 75 mg twice daily" under "Gabapentin/Pregabalin", asked about
    gabapentin) gives way to the most probable chosen line that opens with one the question names ("Gabapentin:
    Start 300 mg daily ..."): read first, the other drug's line would pass for the answer on the one asked
    about."""
    from assistant.vocabulary import ACTION_TERMS

    question = pool.question
    asked = (set(question.terms) | {t for group in question.required_groups for t in group}) - ACTION_TERMS
    opening = _opening_subject(pool.items[lead].text)
    heading = terms(pool.items[lead].heading)
    if not opening or opening & asked or not opening <= heading or not asked & heading:
        return lead
    named = [i for i in chosen if _opening_subject(pool.items[i].text) & asked]
    return named[0] if named else lead


def keep_bar(model: AnswerModel, limit: int) -> tuple[float, float]:
    """What a statement must score to be quoted beside the lead: a share of the best's probability and a floor,
    loosened for a detailed answer."""
    if limit > BRIEF:
        return model.keep_share * DETAILED_LOOSENING, model.keep_min * DETAILED_LOOSENING
    return model.keep_share, model.keep_min


def quotable(pool: Pool, probabilities: np.ndarray, model: AnswerModel, limit: int) -> tuple[np.ndarray, float]:
    """Which candidates an answer may quote (``eligible``, no other drug's dose, adding something, not about what
    the question sets aside where others are left) and the probability one must reach beside the lead."""
    ok = the_rest_asked(pool, eligible(pool) & same_subject_doses(pool) & adds_something(pool))
    share, floor = keep_bar(model, limit)
    return ok, (max(share * float(probabilities[ok].max()), floor) if ok.any() else 1.0)


def select(
    pool: Pool, probabilities: np.ndarray, model: AnswerModel, limit: int = BRIEF
) -> list[tuple[Candidate, float]]:
    """The candidates that answer the question, lead first, then in source order; with probabilities. A
    candidate of probability 0 is never chosen: callers zero those a rule sets aside (a line on another drug)."""
    if not pool.items:
        return []
    ok = eligible(pool) & same_subject_doses(pool) & adds_something(pool) & (probabilities > 0)
    if not ok.any():
        return []
    ok = the_rest_asked(pool, ok)
    share, floor = keep_bar(model, limit)
    order = sorted(
        (i for i in range(len(pool.items)) if ok[i]),
        key=lambda i: (-probabilities[i], pool.items[i].passage.rank, pool.items[i].block_index, pool.items[i].order),
    )
    best = float(probabilities[order[0]])
    # A guideline's recommendation answers "what should I do" in its own graded words: the most probable one
    # leads, unless a statement scores far above it (the row of a table asked for), even where the statements
    # that argue for it score higher.
    recommendations = [
        i
        for i in order
        if pool.items[i].block.kind == "recommendation"
        and probabilities[i] >= max(RECOMMENDATION_LEAD * best, share * best, floor)
    ]
    # The recommendation whose own sections (its rationale, its implementation notes) the retrieval ranks
    # highest is the one the question is about: it leads if it is quotable at all, however its one sentence
    # scores against the question ("should I reach for an opioid?" for acute low back pain: Recommendation 1,
    # whose sections make most of what was retrieved). When no recommendation comes near the question's words
    # ("opioid first?" in shorthand, which the studies under it echo better), the one whose sections hold most
    # of what was retrieved leads all the same; one that does come near is not passed over for it.
    votes = section_votes(pool)
    total = sum(votes.values())

    def holds(i: int) -> float:
        return votes.get(recommendation_id(pool.items[i].heading) or "", 0.0)

    candidates = [i for i in order if pool.items[i].block.kind == "recommendation" and holds(i) > 0]
    voted = [i for i in candidates if probabilities[i] >= max(share * best, floor)]
    if not voted and not recommendations:
        voted = [i for i in candidates if holds(i) > RECOMMENDATION_MAJORITY * total]
    if voted:
        top = max(voted, key=lambda i: (votes[recommendation_id(pool.items[i].heading) or ""], probabilities[i]))
        if votes[recommendation_id(pool.items[top].heading) or ""] >= max(votes.values()):
            recommendations = [top]
    chosen: list[int] = recommendations[:1]
    for i in order:
        if i in chosen:
            continue
        if len(chosen) >= limit or (chosen and probabilities[i] < max(share * best, floor)):
            break
        if any(
            _near_duplicate(pool.own_terms[i], pool.own_terms[j], pool.items[i].text, pool.items[j].text)
            for j in chosen
        ):
            continue
        chosen.append(i)
    lead = chosen[0]
    links = resource_labels(pool)
    if links[lead]:
        # A resource's name does not lead when a statement of the same article was chosen too.
        article = pool.items[lead].passage.chunk.article_id
        content = [i for i in chosen if not links[i] and pool.items[i].passage.chunk.article_id == article]
        lead = content[0] if content else lead
    lead = _led_by_what_was_asked(pool, chosen, lead)
    stage = dose_stage(pool.question.ask or pool.question.text) if pool.question.dose_wanted else None
    if stage and not recommendations and dose_stage(pool.items[lead].text) != stage:
        # A dose asked for at a stage ("initial dose?") is led by the most probable line of that stage.
        staged = [i for i in chosen if dose_stage(pool.items[i].text) == stage and DOSE.search(pool.items[i].text)]
        lead = staged[0] if staged else lead
    elif (
        pool.question.dose_wanted
        and not recommendations
        and not may_name_a_stage(pool.question.ask or pool.question.text)
        and DOSE.search(pool.items[lead].text)
    ):
        # A dose asked at no stage ("baclofen dose?"; not one shortened, "init dose?") is led by where the
        # source's regimen starts ("Start at 10 mg/day"), when the lead's own section gives it, not by the step
        # or the ceiling that scored closer.
        here = (pool.items[lead].passage.chunk.id, pool.items[lead].heading)
        starts = [
            i
            for i in chosen
            if (pool.items[i].passage.chunk.id, pool.items[i].heading) == here
            and dose_stage(pool.items[i].text) == "start"
            and DOSE.search(pool.items[i].text)
        ]
        lead = starts[0] if starts else lead
    rest = in_reading_order([(pool.items[i], float(probabilities[i])) for i in chosen if i != lead])
    return [(pool.items[lead], float(probabilities[lead])), *rest]


def in_reading_order(statements: Sequence[tuple[Candidate, float]]) -> list[tuple[Candidate, float]]:
    """``statements`` as their sources print them: each article's together and in its own order (its chunks'
    places in it, then blocks and sentences), the articles in the order retrieval ranked them. The items of a
    list that two chunks hold read "c., d., e.", not in the order the two chunks were retrieved."""
    first: dict[str, int] = {}
    for c, _ in statements:
        article = c.passage.chunk.article_id
        first[article] = min(first.get(article, c.passage.rank), c.passage.rank)
    return sorted(
        statements,
        key=lambda x: (
            first[x[0].passage.chunk.article_id],
            x[0].passage.chunk.position,
            x[0].block_index,
            x[0].order,
        ),
    )


def _label(text: str) -> str | None:
    """What a labelled line is about ("in liver disease" of "In liver disease: Careful ..."), else None."""
    found = LABEL.match(text)
    return found.group(1).lower() if found else None


def with_its_list(
    pool: Pool,
    probabilities: np.ndarray,
    chosen: list[tuple[Candidate, float]],
    model: AnswerModel,
    limit: int,
    also: np.ndarray | None = None,
) -> list[tuple[Candidate, float]]:
    """The answer with the other items of the list its lead is an item of (the bullets under the lead's own
    heading) that score as a chosen statement must, before what other articles' sections scored, within
    ``limit``; when nothing else scored so, the lead's list is quoted whatever its items scored, those labelled
    for something else aside ("In liver disease: ..." beside "In dialysis patients: ..."): one line from a
    short list ("Muscle cramps are common in cirrhosis", for what treats them) is not the answer its list is.
    The source's own list is the answer's shape: the rest of an assessment step after its first check, not
    another article's lines that came closer on one word. A lead in prose keeps the answer as chosen,
    and so do the chosen statements of the lead's own article. Items that ``also`` marks (those written for the
    question's patient group, when the lead is one) come whatever they scored, before the others."""
    if not chosen or chosen[0][0].block.kind != "bullet" or not chosen[0][0].heading:
        return chosen
    lead, p = chosen[0]
    here = (lead.passage.chunk.id, lead.heading)
    ok, keep = quotable(pool, probabilities, model, limit)
    # A short list, one whole with its lead in two thirds of the answer: a long one (a condition's forty signs)
    # is quoted by what scored, and a lead taken from the wrong source would fill the answer with its list.
    items = [c for c in pool.items if c.block.kind == "bullet" and (c.passage.chunk.id, c.heading) == here]
    if len(items) > (2 * limit) // 3:
        return chosen
    taken = {id(c) for c, _ in chosen}
    siblings = sorted(
        (
            (i, c, float(q))
            for i, (c, q, fine) in enumerate(zip(pool.items, probabilities, ok, strict=True))
            if fine
            and id(c) not in taken
            and c.block.kind == "bullet"
            and (c.passage.chunk.id, c.heading) == here
            and (q >= keep or (len(chosen) == 1 and _label(c.text) == _label(lead.text)))
        ),
        key=lambda x: -x[2],
    )
    at = {id(c): i for i, c in enumerate(pool.items)}
    for_patient = also is not None and bool(also[at[id(lead)]])
    if also is not None and for_patient:
        listed = {id(c) for _, c, _ in siblings}
        siblings += [
            (i, c, float(q))
            for i, (c, q, fine) in enumerate(zip(pool.items, probabilities, ok, strict=True))
            if fine
            and also[i]
            and q > 0
            and id(c) not in taken | listed
            and c.block.kind == "bullet"
            and (c.passage.chunk.id, c.heading) == here
        ]
        siblings.sort(key=lambda x: (not also[x[0]], -x[2]))
    rest = list(chosen[1:])
    for i, c, q in siblings:
        if any(
            _near_duplicate(pool.own_terms[i], pool.own_terms[at[id(d)]], c.text, d.text) for d, _ in [chosen[0], *rest]
        ):
            continue
        if len(rest) + 1 >= limit:
            # Room is made by the least probable statement of another article.
            others = [x for x in rest if x[0].passage.chunk.article_id != lead.passage.chunk.article_id]
            if also is not None and for_patient and also[i] and not others:
                # (A line written for the patient, by one that is not.)
                others = [x for x in rest if not also[at[id(x[0])]]]
            if not others:
                break
            rest.remove(min(others, key=lambda x: x[1]))
        rest.append((c, q))
    if also is not None and for_patient:
        # What the sources write for the patient follows its lead, before the rest. A lead that names nothing
        # specific the question does not, and gives no figure ("Muscle cramps are common in cirrhosis", for a
        # cirrhosis patient's cramps), only says back who the patient is: the most probable line of theirs that
        # names something more leads instead ("Monitor for electrolyte abnormalities"), and it follows.
        mine = [x for x in rest if also[at[id(x[0])]]]
        others = [x for x in rest if not also[at[id(x[0])]]]
        asked = pool.question.terms | pool.question.context_terms
        if not _specific(lead.text) - asked and not _NUMBER.search(lead.text):
            saying = [x for x in mine if _specific(x[0].text) - asked or _NUMBER.search(x[0].text)]
            if saying:
                first = sorted(saying, key=lambda x: -x[1])[0]
                mine = [x for x in mine if x[0] is not first[0]] + [(lead, p)]
                lead, p = first
        return [(lead, p), *in_reading_order(mine), *in_reading_order(others)]
    return [(lead, p), *in_reading_order(rest)]


def source_reference(passage: Passage, marker: int | None) -> Reference | None:
    """The reference a citation of ``passage`` carrying ``marker`` names (see Citation.reference)."""
    chunk = passage.chunk
    if marker is not None:
        return chunk.reference_for(marker)
    if not chunk.references:
        # An article without a reference list is its own source.
        return article_reference(chunk.article_title, chunk.source, chunk.updated, chunk.url)
    return None


def lead_in(blocks: Sequence[Block], index: int) -> str:
    """The words that introduce the list a bullet stands in ("These resources address the diagnosis or
    management of X:"), when its headings do not carry them already; '' otherwise. Quoted without them, a list
    of resource names or of exclusions reads as something else."""
    if not 0 <= index < len(blocks):
        return ""
    item = blocks[index]
    if item.kind not in ("bullet", "step") or item.context:
        return ""
    at = index - 1
    while at >= 0 and blocks[at].kind == item.kind and blocks[at].depth == item.depth:
        if blocks[at].text.rstrip().endswith(":"):
            break
        at -= 1
    if at < 0 or not blocks[at].text.rstrip().endswith(":"):
        return ""
    return blocks[at].text.rstrip().rstrip(":").strip()


def cite(chosen: Sequence[tuple[Candidate, float]]) -> tuple[list[Statement], list[Citation]]:
    """Statements with numbered citations; numbers are given in the order statements first use them."""
    numbers: dict[tuple[str, int | None], int] = {}
    quotes: dict[int, list[str]] = {}
    sources: dict[int, tuple[Passage, int | None]] = {}
    pages: dict[int, tuple[int | None, str | None]] = {}
    statements: list[Statement] = []
    for cand, _ in chosen:
        keys: list[tuple[str, int | None]] = [(cand.passage.chunk.id, m) for m in cand.markers]
        keys = keys or [(cand.passage.chunk.id, None)]
        cited = []
        for key in keys:
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                sources[numbers[key]] = (cand.passage, key[1])
                quotes[numbers[key]] = []
                pages[numbers[key]] = (cand.page, cand.page_label)
            number = numbers[key]
            if cand.text not in quotes[number]:
                quotes[number].append(cand.text)
            cited.append(number)
        intro = lead_in(cand.passage.chunk.blocks, cand.block_index)
        heading = f"{cand.heading} > {intro}" if intro and cand.heading else intro or cand.heading
        statements.append(
            Statement(
                cand.text, tuple(cited), cand.passage.chunk.id, heading, page=cand.page, page_label=cand.page_label
            )
        )
    citations = []
    for number, (passage, marker) in sorted(sources.items()):
        chunk = passage.chunk
        citations.append(
            Citation(
                number=number,
                chunk_id=chunk.id,
                article_id=chunk.article_id,
                article_title=chunk.article_title,
                article_path=chunk.article_path,
                section=chunk.section or chunk.article_title,
                reference=source_reference(passage, marker),
                quote="\n".join(quotes[number]),
                passage=chunk.text,
                url=chunk.url,
                marker=marker,
                page=pages[number][0],
                page_label=pages[number][1],
                source_date=chunk.updated,
            )
        )
    return statements, citations


def compose(
    question: str, query: str, passages: Sequence[Passage], chosen: Sequence[tuple[Candidate, float]]
) -> Answer:
    """An extractive answer from the chosen statements (no abstention check here)."""
    statements, citations = cite(chosen)
    return Answer(
        question=question, standalone_query=query, statements=statements, citations=citations, passages=list(passages)
    )
