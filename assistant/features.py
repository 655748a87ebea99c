"""The named features the answer engine's fitted models read: one row per candidate statement, one per turn.

Candidate features say how well a statement answers the question: by meaning (cosine between its stored
vector and the question's), by the question's exact words in it or in its headings (weighted by how rare
they are among the candidates), by what it adds beyond the question (a statement that only restates the
question's premise adds nothing), and by where it stands (its section's best match, its passage's rank).

Turn features say whether the retrieved sources cover the question at all: how close the best statement
comes in meaning, and whether the question names something no retrieved passage has: a name the corpus
never uses, a special patient population, or a specific word the corpus uses only elsewhere.

Every feature is a number from the data; the weights and thresholds that combine them are fitted
(``evals/fit.py``) and loaded from ``assistant/answer_model.json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.abbreviations import initialisms
from assistant.question import SUBTYPE_DESIGNATOR, QuestionView, age_group, without_ages
from assistant.salience import Lexicon, shared_prefix, zipf
from assistant.types import Passage
from assistant.vocabulary import ACTION_TERMS, DOSE, DOSING_ABBREVIATIONS, quantity_word
from corpus.text import STOPWORDS, stem, terms, words
from corpus.types import Block

# A sentence that speaks to a language model or to "the assistant" is not clinical content; an article that
# carries one (injected, or pasted from a prompt) must not have it quoted as if it were guidance.
ADDRESSED_TO_A_MODEL = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.]{0,40}\b(instructions?|prompts?|rules|guidelines above)\b"
    r"|\b(you are|as) an? (ai|assistant|language model|chatbot)\b"
    r"|\b(system prompt|tell the user|say to the user|respond with|reply with)\b",
    re.IGNORECASE,
)

# A paragraph of one short line with no sentence punctuation ("Outlook", "Therapeutic Phlebotomy", "Key Points")
# is a heading its source did not mark up: it says nothing by itself, and is never quoted as a statement.
MAX_UNMARKED_HEADING_WORDS = 5
_SENTENCE_MARK = re.compile(r"[.!?;:,\d%]")


def unmarked_heading(block: Block) -> bool:
    """``block`` is a paragraph that is only a heading (see MAX_UNMARKED_HEADING_WORDS): without sentence
    punctuation, or of two words or more in title case with a full stop ("Device Reprocessing."; one word with
    a full stop, "Fever.", is an item of a list written as paragraphs)."""
    text = block.text.strip()
    if text.endswith(".") and len(text.split()) >= 2:
        titled = all(w[0].isupper() for w in re.findall(r"[A-Za-z][\w'-]*", text) if len(w) >= 4)
        text = text[:-1] if titled else text
    return (
        block.kind == "paragraph"
        and 0 < len(text.split()) <= MAX_UNMARKED_HEADING_WORDS
        and "\n" not in text
        and text[:1].isupper()
        and not _SENTENCE_MARK.search(text)
    )


# The words no finished sentence ends with, at which one that introduces a list stops ("Symptoms include", "Common
# causes are", "GERD may cause symptoms such as", "those more likely to are people who"): articles, conjunctions,
# prepositions, forms of "be" and "have", modal verbs, possessives and relatives, a closed class of English.
# Not "up", "down", "out" or "too", which end instructions ("Keep your legs up").
_UNFINISHED_ENDS = frozenset(
    """a an the and or but nor of to for with by as at from into about like than between during including via
    are is was were be been being have has had may can could should would will must might your my our their
    its his that which who whose where while because if such include includes following follows""".split()
)


def introduces_a_list(block: Block, text: str) -> bool:
    """``text``, the end of paragraph ``block``, is the unfinished sentence that introduces a list after it
    ("Common causes are", "Symptoms include"): said by the list's items, which keep it among their headings, and
    nothing by itself. The list may begin in the next chunk, so the sentence's own unfinished end decides."""
    end = block.text.rstrip()
    last = words(end[-40:])[-1:] if end[-1:].isalnum() else []
    return block.kind == "paragraph" and bool(last) and last[0] in _UNFINISHED_ENDS and end.endswith(text.strip())


# A sentence that only sends the reader elsewhere ("For more information, go to ...", "Click here to view this
# resource.") names where to read, not what to do: never quoted as a statement.
POINTS_ELSEWHERE = re.compile(
    r"^\W*(?:for (?:more|further|additional) (?:information|details)\b.{0,120}?"
    r"\b(?:go to|see|visit|click|read|call|contact|refer to)\b"
    r"|(?:please )?click (?:here|on|the link)\b)",
    re.IGNORECASE,
)


# The patient groups for whom sources give their own doses and cautions, each named once: a question about one
# of them ("... in pregnancy?", "ok for kids?", "for a 12-year-old?") is not answered by a source that never
# mentions it. A word's closeness to the nearest group tells how much it names one ("kids" is close to
# "children", "lactation" to "breastfeeding"; "warfarin" to none).
SPECIAL_POPULATIONS = (
    "pregnancy",
    "breastfeeding",
    "children",
    "infants",
    "adolescents",
    "older adults",
    "kidney impairment",
    "liver impairment",
)

CANDIDATE_FEATURES = (
    "sem",  # cosine(question, statement with its headings)
    "sem_ask",  # cosine(the question's ask, statement)
    "sem_context",  # cosine(question with the conversation's topic, statement)
    "sem_gap",  # sem minus the best sem among the candidates
    "section_sem",  # the best sem among the statements of the same headings
    "centrality",  # cosine(statement, mean of all candidates): high for generic summary sentences
    "lex_own",  # share of the question's words (weighted by rarity among candidates) in the statement
    "lex_heading",  # share found only in its headings and list context
    "lex_title",  # share found in statement, headings or article title
    "lex_ask",  # share of the ask's words in the statement or its headings
    "novelty",  # share of the statement's words that the question does not use
    "dose_match",  # the question asks for a dose and the statement gives one
    "gives_dose",  # the statement gives a dose
    "lead_text",  # the statement stands under the article's title, not under a heading
    "passage_score",  # the fused retrieval score of its passage, over the best passage's
    "passage_sem",  # cosine(question, its passage's stored vector: title, headings and text)
    "passage_context_sem",  # cosine(question with the conversation's topic, its passage)
    "recommendation",  # the statement is a guideline's graded recommendation
)

TURN_FEATURES = (
    "best_context_sem",  # the best candidate's cosine to the question (with the conversation's topic)
    "name_absent",  # how name-like the question's most name-like word that no passage nor corpus word matches
    "population_absent",  # for a word no passage has (an age counts as its group): how far its closeness in
    # meaning to the nearest of SPECIAL_POPULATIONS rises above a floor, times how much the question's meaning
    # moves without it
    "rare_absent",  # of the question's two corpus words of most weight (corpus rarity times English
    # specificity: a drug the corpus mentions elsewhere, not "measures") that no retrieved passage has, the highest
    # weight times how far the question's meaning moves without it (a word the question is about, not one said in
    # passing)
    "lead_absent",  # the English specificity of the most specific question word that other retrieved passages
    # have but the lead statement's article does not: the answer would be about something else
    "answer_absent",  # the English specificity of the most specific word of the question itself that retrieved
    # passages have but none of the statements the answer would quote names (in its text, headings or title)
    "qualifier_absent",  # how specific a word of the question's own is that qualifies a name the lead's source is
    # titled by, when no quoted statement names it: "oculopharyngeal muscular dystrophy" answered from
    # "facioscapulohumeral muscular dystrophy" (1 for a subtype other than the title's: "type 2" from "type 1A")
    "topic_absent",  # of the turn's own words that the corpus has in no form, how far the question's meaning moves
    # without the one that moves it most, less how much nearer that word brings the question to the best statement
    # retrieved: "insomnia" in "Insomnia in a patient with MS - what should I prescribe?" carries what is asked;
    # "teacher" in "Retired teacher, 70, gets calf cramps" hardly moves it; "charley" in "acute charley horse -
    # massage or heat?" moves it, but towards the lines on cramps, which say it in other words
)


@dataclass(frozen=True)
class Candidate:
    """One quotable unit of a retrieved passage, with its stored vector."""

    passage: Passage
    block_index: int
    order: int
    text: str
    heading: str
    vector: np.ndarray | None = field(compare=False, repr=False)
    markers: tuple[int, ...] = ()
    page: int | None = None
    page_label: str | None = None

    @property
    def block(self) -> Block:
        return self.passage.chunk.blocks[self.block_index]


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every quotable unit of the passages, in passage then reading order.

    Units addressed to a language model (ADDRESSED_TO_A_MODEL), that only send the reader elsewhere
    (POINTS_ELSEWHERE), headings written as paragraphs (``unmarked_heading``) and the unfinished sentences that
    introduce lists (``introduces_a_list``) are never quotable.
    """
    out: list[Candidate] = []
    for passage in passages:
        vectors = passage.chunk.unit_vectors
        blocks = passage.chunk.blocks
        for order, unit in enumerate(passage.chunk.units):
            if (
                ADDRESSED_TO_A_MODEL.search(unit.text)
                or POINTS_ELSEWHERE.search(unit.text)
                or unmarked_heading(blocks[unit.block_index])
                or introduces_a_list(blocks[unit.block_index], unit.text)
            ):
                continue
            vector = vectors[order] if vectors is not None and order < len(vectors) else None
            out.append(
                Candidate(
                    passage,
                    unit.block_index,
                    order,
                    unit.text,
                    unit.heading,
                    vector,
                    unit.markers,
                    unit.page,
                    unit.page_label,
                )
            )
    return out


def acronyms(title: str) -> set[str]:
    """Initials of runs of two or three capitalised words: 'Multiple Sclerosis' -> 'ms'."""
    found = re.findall(r"[A-Za-z][\w-]*", title)
    out: set[str] = set()
    for size in (2, 3):
        for i in range(len(found) - size + 1):
            run = found[i : i + size]
            if all(w[0].isupper() for w in run):
                out.add("".join(w[0].lower() for w in run))
    return out


# Two stems name the same thing when they share a prefix this long that covers most of the shorter one
# ("neuropathic" and "neuropathy").
_SHARED_PREFIX = 5


def names_word(word: str, have: frozenset[str] | set[str], variant: Callable[[str], str | None] | None = None) -> bool:
    """``have`` (stemmed words) names ``word``: its stem, the stem of the corpus word it is a form of, or a stem
    sharing a long prefix with it. A hyphenated word not found whole is named when each of its parts is: a
    prefix it shares with one part says nothing of the rest ("craniofacial-deafness-hand" is not named by
    "craniofacial"); one ending in "-like" only whole."""
    forms = {stem(word)}
    other = variant(word) if variant is not None else None
    if other:
        forms.add(stem(other))
    if forms & have:
        return True
    if word.endswith("-like"):
        return False  # "Pitt-Hopkins-like" names a condition that resembles Pitt-Hopkins syndrome, not it
    parts = [p for p in word.split("-") if len(p) > 1]
    if len(parts) > 1:
        return all(names_word(p, have, variant) for p in parts)
    for form in forms:
        for term in have:
            shared = shared_prefix(form, term)
            if shared >= _SHARED_PREFIX and shared >= 0.6 * min(len(form), len(term)):
                return True
    return False


def _pool_weights(query_terms: set[str], sets: Sequence[frozenset[str]]) -> dict[str, float]:
    """Each query term's weight: log(1 + n / (1 + df)) over the n candidates' word sets; 0 when none has it."""
    n = max(len(sets), 1)
    weights = {}
    for term in query_terms:
        df = sum(1 for s in sets if term in s)
        weights[term] = math.log(1.0 + n / (1.0 + df)) if df else 0.0
    return weights


def _share(weights: dict[str, float], have: frozenset[str] | set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in have) / total if total > 0 else 0.0


@dataclass
class Pool:
    """The candidates of one turn and their feature rows (``matrix``, columns as CANDIDATE_FEATURES)."""

    question: QuestionView
    items: list[Candidate]
    matrix: np.ndarray
    sem: np.ndarray
    context_sem: np.ndarray
    own_terms: list[frozenset[str]]
    around_terms: list[frozenset[str]]  # statement, headings and article title
    vectors: np.ndarray  # the candidates' stored vectors, one row each (zeros where one is missing)


def candidate_pool(question: QuestionView, passages: Sequence[Passage]) -> Pool:
    """The candidates of ``passages`` with their features for ``question`` (its vectors set)."""
    items = candidates(passages)
    n = len(items)
    dims = len(CANDIDATE_FEATURES)
    if n == 0:
        empty = np.zeros(0)
        return Pool(question, [], np.zeros((0, dims)), empty, empty, [], [], np.zeros((0, 0), np.float32))
    assert question.vector is not None and question.ask_vector is not None and question.context_vector is not None
    size = len(question.vector)
    vectors = np.stack([c.vector if c.vector is not None else np.zeros(size, np.float32) for c in items])
    sem = vectors @ question.vector
    sem_ask = vectors @ question.ask_vector
    context_sem = vectors @ question.context_vector
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    centrality = vectors @ (mean / norm)
    section_best: dict[tuple[str, str], float] = {}
    for c, s in zip(items, sem, strict=True):
        key = (c.passage.chunk.article_id, c.heading)
        section_best[key] = max(section_best.get(key, -1.0), float(s))
    own_terms = [frozenset(terms(c.text)) for c in items]
    heading_terms = [frozenset(terms(c.heading)) for c in items]
    title_terms = [
        frozenset(terms(c.passage.chunk.article_title) | acronyms(c.passage.chunk.article_title)) for c in items
    ]
    around = [o | h | t for o, h, t in zip(own_terms, heading_terms, title_terms, strict=True)]
    q_terms = question.terms
    weights = _pool_weights(q_terms, [o | h for o, h in zip(own_terms, heading_terms, strict=True)])
    ask_weights = _pool_weights(question.ask_terms, around)
    best_score = max(c.passage.score for c in items) or 1.0
    passage_sem: dict[str, tuple[float, float]] = {}
    for c in items:
        v = c.passage.vector
        if c.passage.chunk.id not in passage_sem:
            passage_sem[c.passage.chunk.id] = (
                (float(v @ question.vector), float(v @ question.context_vector)) if v is not None else (0.0, 0.0)
            )
    context = question.context_terms
    rows = []
    for i, c in enumerate(items):
        own = own_terms[i]
        lex_own = _share(weights, own)
        rows.append(
            [
                sem[i],
                sem_ask[i],
                context_sem[i],
                0.0,  # sem_gap, below
                section_best[(c.passage.chunk.article_id, c.heading)],
                centrality[i],
                lex_own,
                _share(weights, heading_terms[i] - own),
                _share(weights, around[i]),
                _share(ask_weights, own | heading_terms[i]),
                len(own - q_terms - context) / len(own) if own else 0.0,
                1.0 if question.dose_wanted and DOSE.search(c.text) else 0.0,
                1.0 if DOSE.search(c.text) else 0.0,
                0.0 if c.heading else 1.0,
                c.passage.score / best_score,
                *passage_sem[c.passage.chunk.id],
                1.0 if c.block.kind == "recommendation" else 0.0,
            ]
        )
    matrix = np.asarray(rows, dtype=np.float64)
    matrix[:, CANDIDATE_FEATURES.index("sem_gap")] = sem - sem.max()
    return Pool(question, items, matrix, sem, context_sem, own_terms, around, vectors)


def passage_words(passage: Passage) -> set[str]:
    """The words of a passage, its headings and title, with their stems and the title's acronyms."""
    chunk = passage.chunk
    text = f"{chunk.article_title}\n{' '.join(chunk.heading_path)}\n{chunk.text}"
    return set(words(text)) | {stem(w) for w in words(text)} | acronyms(chunk.article_title)


def question_words(question: QuestionView) -> list[str]:
    """The question's content words (with its conversation topic), each once, in order; a patient's age
    ("a 9 yo") stands for its group ("child")."""
    from corpus.text import STOPWORDS

    out: list[str] = []
    for w in words(question.context):
        if w in STOPWORDS or w.isdigit() or len(w) < 2 or w in out:
            continue
        out.append(w)
    group = age_group(question.context)
    if group is not None and group not in out:
        out.append(group)
    return out


@dataclass
class TurnEvidence:
    """The turn features, and the words behind them (for the reason a decline gives)."""

    values: dict[str, float]
    absent_names: list[str]
    absent_words: list[str]
    rule_words: dict[str, str] = field(default_factory=dict)  # feature -> the word that set its value
    readings: dict[str, str] = field(default_factory=dict)  # a clip -> the common English word it was read as


def turn_features(
    question: QuestionView,
    pool: Pool,
    passages: Sequence[Passage],
    lexicon: Lexicon | None,
    population: dict[str, float] | None = None,
    lead: Candidate | None = None,
    quoted: Sequence[int] = (),
    topical: dict[str, float] | None = None,
    unretrieved: dict[str, float] | None = None,
    naming: frozenset[str] = frozenset(),
) -> TurnEvidence:
    """The turn features (TURN_FEATURES) of a question over its retrieved passages and candidates.

    ``population`` gives, for each word no passage has, how much it names a special population that matters
    to the question (computed by the engine, which holds the model); ``lead`` is the statement the answer
    would lead with; ``quoted`` the indices (in ``pool``) of the statements it would quote; ``topical`` gives, for
    each of ``unknown_words``, how far the question's meaning moves without it (computed by the engine too);
    ``unretrieved`` the same for ``unretrieved_words``, times the word's weight; ``naming`` the stems of the
    words of the corpus's titles (``qualifier_absent``).
    """
    values = dict.fromkeys(TURN_FEATURES, 0.0)
    if len(pool.items):
        values["best_context_sem"] = float(pool.context_sem.max())
    seen = set().union(*(passage_words(p) for p in passages)) if passages else set()

    def found(word: str) -> bool:
        return word in seen or stem(word) in seen

    absent = [w for w in question_words(question) if not found(w)]
    names: list[str] = []
    rule_words: dict[str, str] = {}
    if lexicon is not None:
        scored = []
        for w in absent:
            if lexicon.known(w):
                continue  # weighed by the engine (``unretrieved``)
            variant = lexicon.variant(w)
            if variant is not None and variant != w and found(variant):
                continue  # a form of a word the passages use
            scored.append((lexicon.nameness(w), w))
        scored.sort(reverse=True)
        if scored and scored[0][0] > 0:
            values["name_absent"] = scored[0][0]
            names = [w for s, w in scored if s > 0]
    if population:
        word = max(population, key=lambda w: population[w])
        values["population_absent"] = population[word]
        rule_words["population_absent"] = word
    if topical:
        word = max(topical, key=lambda w: topical[w])
        values["topic_absent"] = topical[word]
        rule_words["topic_absent"] = word
    if unretrieved:
        word, weight = sorted(unretrieved.items(), key=lambda item: item[1])[-1]
        values["rare_absent"] = weight
        rule_words["rare_absent"] = word
    if lead is not None:
        article = lead.passage.chunk.article_id
        own = set().union(*(passage_words(p) for p in passages if p.chunk.article_id == article))
        for w in question_words(question):
            if len(w) < 4 or not found(w) or w in own or stem(w) in own:
                continue
            value = Lexicon.specificity(w)
            if value > values["lead_absent"]:
                values["lead_absent"] = value
                rule_words["lead_absent"] = w
    if quoted:
        said = set().union(*(pool.around_terms[i] for i in quoted))
        form_of = lexicon.variant if lexicon is not None else None
        capitals = {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9]+s?\b", question.text)}
        for w in dict.fromkeys(words(question.text)):
            if len(w) < 5 or not w.isalpha() or w in capitals or not found(w) or names_word(w, said, form_of):
                continue
            value = Lexicon.specificity(w)
            if value > values["answer_absent"]:
                values["answer_absent"] = value
                rule_words["answer_absent"] = w
    if lead is not None and quoted:
        said = set().union(*(pool.around_terms[i] for i in quoted))
        value, word = qualifier_absent(
            question.text,
            lead.passage.chunk.article_title,
            said,
            lexicon.variant if lexicon is not None else None,
            naming,
        )
        if value > 0:
            values["qualifier_absent"] = value
            rule_words["qualifier_absent"] = word
    return TurnEvidence(values, names, absent, rule_words)


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")


@lru_cache(maxsize=256)
def _runs(text: str) -> tuple[tuple[str, ...], ...]:
    """The text's runs of adjacent words, split at punctuation and at function words: the phrases that may name
    something ("spondylometaphyseal dysplasia algerian type", "muscular dystrophy"). Possessives dropped. A "+"
    or "&" between spaces is the "and" of shorthand ("numb soles + cramps"), and ends a phrase as "and" does."""
    from corpus.text import STOPWORDS, unaccented

    out: list[tuple[str, ...]] = []
    parts = r"[,.;:?!()\[\]/\"]|\s[-\u2013\u2014+&]\s"
    for segment in re.split(parts, text if text.isascii() else unaccented(text)):
        run: list[str] = []
        for token in _TOKEN.findall(segment):
            low = token.lower()
            # A function word ends a phrase, unless it is a subtype's capital ("type I", "type A").
            if low in STOPWORDS and not (run and token.isupper() and SUBTYPE_DESIGNATOR.fullmatch(low)):
                if run:
                    out.append(tuple(run))
                run = []
            else:
                run.append(re.sub(r"'s$", "", token))
        if run:
            out.append(tuple(run))
    return tuple(out)


@lru_cache(maxsize=4096)
def _title_words(title: str) -> tuple[tuple[str, ...], tuple[frozenset[str], ...], frozenset[str]]:
    """A title's tokens (lower case, possessives dropped); for each of its content words, the stems that name it
    (its own and its hyphenated parts': "limb-girdle" is named by "limb-girdle", "limb" or "girdle"); and the
    acronyms its initials spell."""
    from corpus.text import STOPWORDS

    tokens = tuple(re.sub(r"'s$", "", w.lower()) for w in _TOKEN.findall(title))
    named_by = tuple(
        frozenset(stem(p) for p in (w, *w.split("-")) if p not in STOPWORDS) for w in tokens if w not in STOPWORDS
    )
    return tokens, named_by, frozenset(acronyms(title))


def _designated(tokens: tuple[str, ...], word: str) -> bool:
    """Whether ``word`` stands in ``tokens`` followed by a subtype designator, directly or after "type"."""
    for k, t in enumerate(tokens):
        if t != word:
            continue
        j = k + 2 if k + 2 < len(tokens) and tokens[k + 1] == "type" and t != "type" else k + 1
        if j < len(tokens) and SUBTYPE_DESIGNATOR.fullmatch(tokens[j]):
            return True
    return False


def names_title(text: str, title: str, heads: frozenset[str]) -> bool:
    """Whether ``text`` names the condition ``title`` is about: it has each of the title's words but the head
    nouns of conditions' names (``heads``: "syndrome", "disease"), in any of their forms, or the title's initials
    ("Graves disease" by "Graves' disease", "Rheumatoid Arthritis" by "RA")."""
    _, named_by, initials = _title_words(title)
    tokens = words(text)
    if initials & set(tokens):
        return True
    have = {stem(w) for w in tokens}
    ends = {stem(h) for h in heads}
    own = [forms for forms in named_by if not forms <= ends]
    return bool(own) and all(forms & have for forms in own)


def _stems(word: str) -> set[str]:
    """The stems of a word and of its hyphenated parts."""
    return {stem(p) for p in (word, *word.split("-"))}


@lru_cache(maxsize=4096)
def _qualifiers(
    text: str, title: str, naming: frozenset[str] = frozenset()
) -> tuple[tuple[str, str, float, bool], ...]:
    """The words of ``text`` that qualify the name ``title`` gives (see ``qualifier_absent``), each with the form
    a reason shows, its value, and whether it is a subtype designator (which no statement can name away)."""
    title_tokens, named_by, initials = _title_words(title)
    if not named_by:
        return ()
    title_words = frozenset().union(*named_by)
    out: list[tuple[str, str, float, bool]] = []
    for run in _runs(text):
        low = [w.lower() for w in run]
        have = {stem(p) for w in low for p in (w, *w.split("-"))}
        if sum(1 for forms in named_by if forms & have) < max(1, len(named_by) / 2):
            continue
        # A qualifier is a word of the name: among the title's words or next to them, and on through words that
        # name conditions in the corpus's titles ("familial thoracic aortic aneurysm" against "Aneurysm"). A word
        # beyond one that names nothing says who saw it or where ("Cardiologist mentioned Marfan syndrome",
        # "Pediatrician suspects cystic fibrosis").
        named = [i for i, w in enumerate(low) if w in initials or _stems(w) & title_words]
        if not named:
            continue
        first, last = named[0] - 1, named[-1] + 1
        while first > 0 and _stems(low[first]) & naming:
            first -= 1
        while last < len(low) - 1 and _stems(low[last]) & naming:
            last += 1
        for i, w in enumerate(low):
            if stem(w) in title_words or w in initials or not first <= i <= last:
                continue
            if SUBTYPE_DESIGNATOR.fullmatch(w):
                # "type 2" where the title has "type 1A", "ataxia 11" where it has "ataxia type 2": another
                # subtype of the same name.
                before = low[i - 1] if i > 0 else ""
                name = low[i - 2] if before == "type" and i > 1 else before
                if before and (_designated(title_tokens, before) or _designated(title_tokens, name)):
                    out.append((w, run[i], 1.0, True))
            elif len(w) >= 4 and not run[i].isupper():
                # A name made "-like" ("Pitt-Hopkins-like") is another condition however common its words are.
                value = 1.0 if w.endswith("-like") else Lexicon.specificity(w)
                if value > 0:
                    out.append((w, w, value, False))
    return tuple(out)


def qualifier_absent(
    text: str,
    title: str,
    said: set[str] | frozenset[str],
    variant: Callable[[str], str | None] | None = None,
    naming: frozenset[str] = frozenset(),
) -> tuple[float, str]:
    """How specific the most specific word of ``text`` is that qualifies the name the source is titled by, when
    the source never does: a phrase of the question that has at least half of the title's words has a word the
    title lacks, among the title's words or next to them (and on through ``naming``, the stems of the words of
    the corpus's titles), and ``said`` (the stemmed words of the statements an answer would quote, with their
    headings and titles) does not name. The source is then about another
    condition of that name: "oculopharyngeal muscular dystrophy" answered from "Facioscapulohumeral muscular
    dystrophy". A subtype designator ("type 2") where the title has another ("type 1A") counts 1. An acronym the
    title's initials spell, a word in capitals and, with ``variant``, a word the corpus has in no form are not
    qualifiers; a possessive's "'s" is dropped."""
    best, word = 0.0, ""
    for w, shown, value, designator in _qualifiers(text, title, naming):
        # A word the corpus has in no form, nor any part of it, names no condition of its sources: shorthand
        # ("dx'd myotonic dystrophy"); a name the corpus lacks is weighed by the rules on such words.
        if not designator and variant is not None and all(variant(p) is None for p in {w, *w.split("-")} if p):
            continue
        if value > best and (designator or not names_word(w, said, variant)):
            best, word = value, shown
    return best, word


def other_condition(
    pool: Pool,
    text: str,
    limit: float,
    variant: Callable[[str], str | None] | None = None,
    naming: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Which candidates come from a source about another condition of the name ``text`` asks about
    (``qualifier_absent`` of the candidate alone at least ``limit``): "Tibial muscular dystrophy is most common
    in Finland" answers nothing about facioscapulohumeral muscular dystrophy."""
    return np.array(
        [
            qualifier_absent(text, c.passage.chunk.article_title, around, variant, naming)[0] >= limit
            for c, around in zip(pool.items, pool.around_terms, strict=True)
        ],
        dtype=bool,
    )


MAX_ABSENT_WORDS = 3


def absent_candidates(question: QuestionView, passages: Sequence[Passage], lexicon: Lexicon | None) -> list[str]:
    """The question's words that no passage has (nor a form of them), that name something rather than frame
    the question: the ones the engine compares with SPECIAL_POPULATIONS. Names first, then the longest."""
    from assistant.vocabulary import ACTION_TERMS

    seen = set().union(*(passage_words(p) for p in passages)) if passages else set()
    out = []
    for w in question_words(question):
        if w in seen or stem(w) in seen or stem(w) in ACTION_TERMS or not w.replace("-", "").isalpha():
            continue
        if lexicon is not None:
            variant = lexicon.variant(w)
            if variant is not None and (variant in seen or stem(variant) in seen):
                continue
        name = lexicon.nameness(w) if lexicon is not None else 0.0
        out.append((name, len(w), w))
    return [w for _, _, w in sorted(out, reverse=True)[:MAX_ABSENT_WORDS]]


MAX_UNKNOWN_WORDS = 4
# How many of the question's corpus words are weighed for ``rare_absent`` (each costs an embedding per turn).
MAX_UNRETRIEVED_WORDS = 2


def corpus_weights(question: QuestionView, lexicon: Lexicon | None) -> dict[str, float]:
    """The question's words that the corpus has, each with its rarity in the corpus times its specificity in
    English (a drug or condition the sources speak of, not "measures"): at most MAX_UNRETRIEVED_WORDS of them,
    the weightiest first."""
    if lexicon is None:
        return {}
    out = [
        (lexicon.rarity(w) * lexicon.specificity(w), w)
        for w in question_words(question)
        if len(w) >= 4 and lexicon.known(w)
    ]
    return {w: value for value, w in sorted(out, reverse=True)[:MAX_UNRETRIEVED_WORDS] if value > 0}


def unretrieved_words(passages: Sequence[Passage], weights: dict[str, float]) -> dict[str, float]:
    """Of the words ``weights`` weighs (``corpus_weights``), those no retrieved passage has (nor a form of them),
    the weightiest first: something the sources speak of elsewhere. How far the
    question's meaning moves without each (the engine measures it) tells a word that the answer is about (the
    question is about something retrieval did not find) from one said in passing."""
    if not weights:
        return {}  # (the passages' words are not read again for nothing)
    seen = set().union(*(passage_words(p) for p in passages)) if passages else set()
    # A possessive is its name ("Gilbert's" of "Gilbert syndrome").
    forms = {w: (w, w[:-2]) if w.endswith("'s") else (w,) for w in weights}
    absent = [(v, w) for w, v in weights.items() if not any(f in seen or stem(f) in seen for f in forms[w])]
    return {w: v for v, w in sorted(absent, reverse=True)}


def unknown_words(question: QuestionView, lexicon: Lexicon | None) -> list[str]:
    """The turn's own words that the corpus has in no form (not the word, a form of it, nor a longer word it
    clips): what the sources can say nothing about, under any spelling. Ages and the words that frame a question
    are left out ("dose", "treat", "bid", and the "schedule" or "target" it asks for: whether the sources give one
    is a fact checked apart). At most MAX_UNKNOWN_WORDS of them, the rarest in English first (a condition's name
    before "night" or "quickly"). Names the way ``name_absent`` reads them count too: how much a word matters is
    measured (``topic_absent``), not guessed from its kind."""
    if lexicon is None:
        return []
    frame = quantity_word(question.text)
    # An initialism the sources do not write is no clip of a longer word they do ("HEPA" of "hepatitis").
    capitals = initialisms(question.text)
    out = []
    for w in dict.fromkeys(words(without_ages(question.text))):
        if len(w) < 3 or w in STOPWORDS or not w.isalpha() or stem(w) in ACTION_TERMS or w == frame:
            continue
        if w in DOSING_ABBREVIATIONS:  # "pregabalin bid ok?": how it is taken, written out by the sources
            continue
        if lexicon.variant(w) is None or (w in capitals and not lexicon.known(w)):
            out.append((zipf(w), w))
    return [w for _, w in sorted(out)[:MAX_UNKNOWN_WORDS]]
