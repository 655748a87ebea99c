"""The assistant: a LangChain chain from a turn of a conversation to a cited Answer, or a decline.

    question + conversation
      -> standalone query            (followup.rewrite)
      -> passages                    (HybridRetriever: dense + BM25, fused)
      -> candidate statements        (features.candidate_pool: the passages' units with their vectors)
      -> probabilities               (the fitted statement model)
      -> answer or decline           (answerable: fact checks, then the fitted answerable model; then a
                                      dose or figure asked for must be in what would be quoted)
      -> extractive answer           (composer: verbatim statements, numbered citations)
      -> optionally, a language model's answer from those statements, verified (llm.py, verify.py)

The question's vectors are computed once per turn, in one batch, and shared by retrieval and scoring; the
statements' vectors were computed at index time. The store, the embedding model, the lexical index and the
fitted model are arguments, so tests hand in small real ones.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.abbreviations import initialisms, key_word, named_conditions, spelled_out, unread_initialisms
from assistant.answerable import Decision, decide, factual_gap, names_as_asked, passage_text, title_heads
from assistant.composer import (
    BRIEF,
    DETAILED,
    NAMED_SECTION,
    adds_something,
    caution_leads,
    compose,
    dose_subjects,
    doses_for_subject,
    doses_of_another_treatment,
    doses_on_the_line,
    duration_leads,
    eligible,
    failure_leads,
    figure_leads,
    in_reading_order,
    line_leads,
    mechanism_leads,
    names_treatment,
    not_led_by_a_resource,
    not_set_aside,
    of_another_treatment,
    other_treatment_leads,
    quotable,
    recommendation_id,
    select,
    source_reference,
    statement_probabilities,
    stopping_leads,
    treatments_asked,
    with_antecedents,
    with_its_list,
)
from assistant.features import (
    SPECIAL_POPULATIONS,
    Candidate,
    Pool,
    absent_candidates,
    candidate_pool,
    corpus_weights,
    names_title,
    names_word,
    other_condition,
    passage_words,
    qualifier_absent,
    turn_features,
    unknown_words,
    unretrieved_words,
)
from assistant.followup import (
    Conversation,
    Rewrite,
    Turn,
    answer_focus,
    clipped_focus,
    refers_back,
    rewrite,
    small_talk_reply,
    speaks_of_the_patient,
    topic_words,
)
from assistant.llm import LLMWriter, is_refusal, load_chat_model
from assistant.model import AnswerModel, load_model
from assistant.question import (
    NEGATION,
    QuestionView,
    age_group,
    ages_in_years,
    condition_names,
    for_meaning,
    set_aside,
    without_ages,
)
from assistant.retriever import HybridRetriever, is_recommendation
from assistant.salience import (
    MAX_CLIP_READINGS,
    MIN_SHARED_PREFIX,
    Lexicon,
    clipped_by_meaning,
    english_reading,
    respelled,
    shared_prefix,
    unclipped,
    zipf,
)
from assistant.scope import Scopes
from assistant.types import Answer, Citation, Passage, Statement
from assistant.verify import verify
from assistant.vocabulary import (
    ACTION_TERMS,
    AGE_GROUP_WORDS,
    asks_about_harms,
    asks_for_another,
    asks_for_dose,
    asks_how_common,
    asks_how_it_works,
    asks_how_long,
    asks_when_failed,
    gives_dose,
    gives_quantity,
    measured_words,
    speaks_of_stopping,
    treatment_lines,
)
from corpus.text import STOPWORDS, stem, terms, words
from index.builder import embeddings_for, open_store
from index.embeddings import embed_matrix
from index.lexical import LiveLexical, article_tokens
from index.settings import Settings
from index.store import Store

MAX_QUESTION_CHARS = 2000
# A word of the sources means the one word a question sets aside when their closeness in meaning is at least
# this. Measured with all-MiniLM-L6-v2: "drugs" to "medications" 0.76, to "medicines" 0.74; "medication" to
# "drug" 0.84, to "pills" 0.71; not "medication" to "treatment" 0.66, to "therapy" 0.53, to "NSAIDs" 0.52, nor
# "drugs" to "pills" 0.67: other words than the one set aside stay.
ALIKE_TO_ASIDE = 0.7
# Words shorter than this are not compared ("use", "pain").
MIN_ALIKE_LETTERS = 4
# How many words' vectors an assistant remembers.
WORDS_REMEMBERED = 50_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotIndexed(Exception):
    """There is no index to answer from yet."""


_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
# An HTML tag starts with a letter right after '<', so "eGFR < 30 and > 15" is left alone.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def clean_question(text: str) -> tuple[str, str]:
    """The question without control characters or HTML markup, its length bounded; and a notice if cut."""
    text = _TAG.sub(" ", _SCRIPT.sub(" ", _CONTROL.sub(" ", text or "")))
    text = re.sub(r"[ \t]+", " ", text).strip()
    if len(text) > MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS], f"Only the first {MAX_QUESTION_CHARS:,} characters of the question were used."
    return text, ""


def asked_recommendation(question: QuestionView) -> str | None:
    """The recommendation a question names ("What does recommendation 5 say?"), or that a follow-up asks about
    ("How strong is that recommendation?" after an answer led by Recommendation 4: the one the rewrite made it
    about); else None."""
    named = re.search(r"\brecommendation\s+(\d+[a-z]?)\b", question.text, re.IGNORECASE)
    if named:
        return f"Recommendation {named.group(1)}"
    for required in question.required:
        if re.fullmatch(r"Recommendation \d+[a-z]?", required):
            return required
    return None


def _quoted_words(found: list[str]) -> str:
    return ", ".join(f"'{w}'" for w in found[:3])


def no_dose_reason(undosed: list[str], lexicon: Lexicon | None) -> str:
    """Why a dose question is declined: the words asked of that no dose line names, and, when the sources have
    none of them in any form, that no source mentions them (not that they mention it without a dose)."""
    if not undosed:
        return "The indexed sources mention this but give no dose for it."
    if lexicon is not None and all(lexicon.variant(w) is None for w in undosed):
        return f"The indexed sources give no dose for {_quoted_words(undosed)}: no source mentions it."
    return f"The indexed sources mention this but give no dose for {_quoted_words(undosed)}."


def without_word(text: str, word: str) -> str:
    """``text`` with every occurrence of ``word`` (as a whole word) removed; for the group an age stands for
    ("child" for "a 9 yo"), the age."""
    if word == age_group(text) and not re.search(rf"(?i)\b{re.escape(word)}\b", text):
        text = without_ages(text)
    return re.sub(r"\s+", " ", re.sub(rf"(?i)\b{re.escape(word)}\b", " ", text)).strip()


def without_words(text: str, removed: list[str]) -> str:
    """``text`` with every occurrence of each of ``removed`` taken out (see ``without_word``)."""
    for word in removed:
        text = without_word(text, word)
    return text


def adjacent_runs(text: str, chosen: list[str]) -> list[tuple[str, ...]]:
    """The runs of two or more words of ``chosen`` that stand side by side in ``text``, in order ("pickle juice"
    in "pickle juice for cramps?"); a word between them, "and" included, ends a run."""
    wanted = set(chosen)
    runs: list[tuple[str, ...]] = []
    run: list[str] = []
    for w in [*words(text), ""]:
        if w in wanted:
            run.append(w)
            continue
        if len(run) > 1:
            runs.append(tuple(run))
        run = []
    return list(dict.fromkeys(runs))


def as_written(phrase: str, text: str) -> str:
    """``phrase``, words found in ``text`` in lower case, as ``text`` writes them ("HEPA filters")."""
    found = re.search(r"\b" + r"\W+".join(re.escape(w) for w in phrase.split()) + r"\b", text, re.IGNORECASE)
    return found.group(0) if found else phrase


def _written_as(stems: Collection[str], text: str) -> list[str]:
    """The words of ``text`` whose stems are ``stems``, as ``text`` writes them, in its order ("Duloxetine")."""
    return sorted({as_written(w, text) for w in words(text) if stem(w) in stems}, key=text.find)


def asked_in_own_words(question: QuestionView) -> str:
    """A follow-up as it was asked: its text with what its "it" stood for put back as "it" ("Could I give it to
    a child?", not "Could I give pregabalin to a child?")."""
    text = question.text
    for phrase in question.required:
        text = re.sub(rf"(?i)\b{re.escape(phrase)}\b", "it", text)
    return text


# Scales population_absent to about 0-2 (a closeness of about 0.6 times a meaning shift of about 0.2, times 10).
POPULATION_SCALE = 10.0
# A word names a patient group only as far as its cosine to the nearest group rises above this: the model puts
# words that name a group at 0.65 to 1 ("toddler", "lactation", "kids", "pregnant") and everyday words of a
# situation at 0.2 to 0.4 ("drinker", "heavy", "needles", "cold").
POPULATION_FLOOR = 0.5
# What a word absent from the corpus adds to the best statement's closeness lowers its topic_absent value by at
# most this share of the value. On the fit parts of the five gold sets the limit moves no answerable turn's value
# by more than 0.04 (the highest stays 0.152); without it, a question emptied by the word's removal ("migraine ppx
# options?" -> "ppx options?") lost 0.26 of 0.43, every statement moving away from what is left alike.
SAID_OTHERWISE_SHARE = 0.5
# The passages speak of a patient group, in whatever words ("elderly" for "older"), when one of their statements
# is at least this close to the group: statements under a heading for the group score 0.34 to 0.6, the
# statements of sources that never mention it 0.03 to 0.2.
GROUP_SPOKEN_OF = 0.25


# The question's rarest word names what it asks about when English almost never uses it (Zipf 2.5 or below:
# "Willebrand", "papillorenal").
NAME_MIN_LENGTH = 5
# A word heads the names of conditions in a corpus when at least this share of its titles end in it, and at
# least HEAD_MIN_TITLES of them: in the MedQuAD articles "syndrome" (20%), "disease", "type", "deficiency",
# "cancer", "disorders" and "dysplasia" (1.5%); next come "dystrophy" and "diseases" (0.9% and 0.7%). A corpus
# of a few articles has none of its own, and has the two nouns English names conditions after people, places
# and initials by ("Nelson syndrome", "Lyme disease", "CODAS syndrome").
HEAD_SHARE = 0.01
HEAD_MIN_TITLES = 5
NAMING_HEADS = frozenset({"syndrome", "disease"})
# The form the sources write a word in is read from this many of the chunks that use it most.
WRITTEN_FORM_CHUNKS = 3
# An answer comes from the sources that name it, when their best statement is at least this share as probable
# as the best statement of all; below it they name it in passing, and the question is declined.
RENAMED_SHARE = 0.5


def _names(view: QuestionView) -> list[str]:
    """The question's words that name something (long, and specific in English), the rarest first."""
    return sorted(
        (
            w
            for w in dict.fromkeys(words(view.text))
            if len(w) >= NAME_MIN_LENGTH and w.replace("-", "").isalpha() and Lexicon.specificity(w) >= 1.0
        ),
        key=lambda w: (zipf(w), -len(w)),
    )


def _said(word: str, said: set[str]) -> bool:
    """``said`` (words and their stems) has ``word``, in its form or its stem's, or, hyphenated, its parts
    ("Lesch Nyhan" for "lesch-nyhan")."""
    parts = word.split("-")
    return word in said or stem(word) in said or (len(parts) > 1 and all(p in said or stem(p) in said for p in parts))


def _articles_naming(word: str, passages: list[Passage]) -> set[str]:
    """The articles whose retrieved passages (with their headings and titles) name ``word``."""
    by_article: dict[str, set[str]] = {}
    for p in passages:
        by_article.setdefault(p.chunk.article_id, set()).update(passage_words(p))
    return {a for a, said in by_article.items() if _said(word, said)}


def _named_elsewhere(view: QuestionView, passages: list[Passage], chosen: list[tuple[Candidate, float]]) -> str | None:
    """The question's rarest word, when a retrieved passage names it but none of the chosen statements' articles
    do; else None."""
    names = _names(view)
    if not names or not chosen:
        return None
    rarest = names[0]
    has = _articles_naming(rarest, passages)
    if not has or has & {c.passage.chunk.article_id for c, _ in chosen}:
        return None
    return rarest


def _on_the_subject(
    view: QuestionView, passages: list[Passage], chosen: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    """``chosen`` without the statements of sources that never name what the question asks about, when the lead
    comes from an article about it alone: every name of the question is in the lead's title ("Histidinemia"),
    and a line of another article that never writes the rarest ("Streptomycin and tetracycline are commonly
    used ..." under "What are the treatments for Tularemia?") answers nothing of it, however alike its section
    is. A question naming two things ("parkinsonism after encephalitis lethargica") is left as it is."""
    names = _names(view)
    if not names or len(chosen) < 2:
        return chosen
    title = words(chosen[0][0].passage.chunk.article_title)
    in_title = {*title, *(stem(w) for w in title), *(x for w in title for p in w.split("-") for x in (p, stem(p)))}
    if not all(_said(name, in_title) for name in names):
        return chosen
    naming = _articles_naming(names[0], passages)
    return [(c, p) for c, p in chosen if c.passage.chunk.article_id in naming]


def _for_anyone_first(
    chosen: list[tuple[Candidate, float]], written: Sequence[frozenset[int]]
) -> list[tuple[Candidate, float]]:
    """``chosen`` (each line written for the patient groups ``written`` gives) led by its first line written for no
    group, when its lead is written for one: asked about no group, a line for one ("Muscle cramps are common in
    cirrhosis", under "For Patients with Liver Disease") answers the question for other patients than those asked
    about. It stays in the answer, after the lead; an answer all of whose lines are written for groups stays."""
    if not written or not written[0]:
        return chosen
    first = next((i for i, w in enumerate(written) if not w), None)
    if first is None:
        return chosen
    return [chosen[first], *chosen[:first], *chosen[first + 1 :]]


@dataclass
class Scored:
    """What one turn's scoring found: the question view, its candidates and their probabilities."""

    question: QuestionView
    passages: list[Passage]
    pool: Pool
    probabilities: np.ndarray
    evidence: Any
    timings: dict[str, float] = field(default_factory=dict)
    fact_gap: str | None = None  # why a fact check declined the turn, if one did
    brief: list[tuple[Candidate, float]] = field(default_factory=list)  # the brief answer's statements
    # Which candidates come from a source about another condition of the name asked about (never quoted).
    off_condition: np.ndarray | None = None
    # The only statements an answer may be written from, when a rule narrowed them (a patient group's doses):
    # a language model is given these, not every statement that scored well.
    narrowed: list[tuple[Candidate, float]] | None = None
    # The patient groups each candidate is written for (``Scopes.written_for``), once read.
    written: list[frozenset[int]] | None = None
    # For each run of side-by-side words the corpus has in no form, how far the question's meaning moves without it.
    unsaid: dict[str, float] = field(default_factory=dict)


def _led_by(
    scored: Scored,
    leads: Sequence[int],
    chosen: list[tuple[Candidate, float]],
    limit: int,
    keep: Callable[[str], bool] | None = None,
) -> list[tuple[Candidate, float]]:
    """``chosen`` led by the most probable of the candidates ``leads`` (indices in the pool), within ``limit``:
    room is made by the least probable other line, sparing those of the lead's article whose text ``keep``
    holds for, while another is left."""
    first = max(leads, key=lambda i: float(scored.probabilities[i]))
    lead = (scored.pool.items[first], float(scored.probabilities[first]))
    rest = [(c, p) for c, p in chosen if c is not lead[0]]
    if len(rest) >= limit:
        article = lead[0].passage.chunk.article_id
        spare = [x for x in rest if not (keep and keep(x[0].text) and x[0].passage.chunk.article_id == article)]
        rest.remove(min(spare or rest, key=lambda x: x[1]))
    return [lead, *rest]


@dataclass
class Assistant:
    """Answers the turns of conversations from one index."""

    store: Store
    embeddings: Any
    lexical: Any = None
    k: int = 8
    exclude: frozenset[str] = frozenset()
    llm: LLMWriter | None = None
    model: AnswerModel | None = None
    lexicon: Lexicon | None = None
    max_evidence_age: int | None = None
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.model is None:
            self.model = load_model()
        self._lexicon_source: Any = None
        self._scopes: Scopes | None = None
        self._heads: frozenset[str] | None = None
        self._title_words: frozenset[str] = frozenset()
        self._heads_source: Any = None
        self._word_vectors: dict[str, np.ndarray] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        """The assistant over the index that ``settings`` names; NotIndexed when it is empty."""
        store = open_store(settings)
        if store.count() == 0:
            raise NotIndexed("the index is empty: run `clinqa index` first")
        lexical = LiveLexical(store, settings.lexical_dir)
        llm = None
        if settings.llm:
            llm = LLMWriter(load_chat_model(settings.llm, settings.llm_base_url, settings.llm_timeout_s), settings.llm)
        return cls(
            store=store,
            embeddings=embeddings_for(settings, questions=True),
            lexical=lexical,
            llm=llm,
            max_evidence_age=settings.max_evidence_age,
        )

    def vocabulary(self) -> Lexicon | None:
        """The corpus vocabulary of the current lexical index (rebuilt when that index is), without the words
        of the excluded articles: a word only they use is one the corpus lacks, as if they were never indexed."""
        index = getattr(self.lexical, "index", self.lexical)
        if index is None or not hasattr(index, "df"):
            return self.lexicon
        if self.lexicon is None or self._lexicon_source is not index:
            if self.exclude:
                df, documents = index.df_without(article_tokens(self.store, self.exclude))
            else:
                df, documents = index.df, len(index.ids)
            self.lexicon = Lexicon(df, documents)
            self._lexicon_source = index
        return self.lexicon

    def _closeness(self, text: str, others: Sequence[str]) -> list[float]:
        """The cosine of ``text`` to each of ``others``, by the embedding model."""
        vectors = embed_matrix(self.embeddings, [text, *others])
        return [float(v) for v in vectors[1:] @ vectors[0]]

    def _said_as(self, word: str, lexicon: Lexicon) -> str | None:
        """The word the sources write for ``word``, which they lack in any form, in another of the same beginning
        (its first MIN_SHARED_PREFIX letters) and meaning (closeness ALIKE_TO_ASIDE or more): "electromyography"
        for "electromyelogram". None when none is so near (the most frequent MAX_CLIP_READINGS are weighed)."""
        if len(word) < MIN_SHARED_PREFIX:
            return None
        # Those that share most of its beginning first ("electromyography" before "electrolyte" for
        # "electromyelogram"), then the most frequent.
        keys = sorted(lexicon.completions(word[:MIN_SHARED_PREFIX], 0), key=lambda k: -shared_prefix(word, k))
        keys = keys[:MAX_CLIP_READINGS]
        forms = [f for f in dict.fromkeys(self.written_form(k) for k in keys) if f and f.lower() != word.lower()]
        if not forms:
            return None
        closeness = self._word_closeness(word, forms)
        best = max(range(len(forms)), key=lambda i: closeness[i])
        return forms[best] if closeness[best] >= ALIKE_TO_ASIDE else None

    def _word_closeness(self, word: str, others: list[str]) -> list[float]:
        """The cosine of the single word ``word`` to each of the single words ``others`` (remembered vectors)."""
        return [float(c) for c in self.word_vectors(others) @ self.word_vectors([word])[0]]

    def written_form(self, key: str) -> str | None:
        """The word the indexed sources write for the corpus word ``key`` (a stem: "tizanidine" for
        "tizanidin"), as they most often write it in the chunks that use it most, or None."""
        hits = self.lexical.search(key, WRITTEN_FORM_CHUNKS, self.exclude) if self.lexical is not None else []
        seen: Counter[str] = Counter()
        for chunk in self.store.get([i for i, _ in hits]):
            seen.update(w for w in words(f"{chunk.article_title} {chunk.section} {chunk.text}") if stem(w) == key)
        return seen.most_common(1)[0][0] if seen else None

    def condition_heads(self) -> frozenset[str]:
        """The words that end the titles of many indexed articles ("syndrome", "disease", "deficiency"), and
        NAMING_HEADS: the head nouns of conditions' names in this corpus (``question.condition_names``). Read
        with the vocabulary; the excluded articles' titles do not count."""
        index = getattr(self.lexical, "index", self.lexical)
        if self._heads is None or self._heads_source is not index:
            titles = [t for a, t in self.store.titles().items() if a not in self.exclude]
            self._heads = title_heads(titles, HEAD_SHARE, HEAD_MIN_TITLES) | NAMING_HEADS
            self._title_words = frozenset(
                stem(w) for t in titles for w in words(t) if w not in STOPWORDS and Lexicon.specificity(w) > 0
            )
            self._heads_source = index
        return self._heads

    def naming_words(self) -> frozenset[str]:
        """The stems of the words of the indexed articles' titles that are not everyday English: the words that
        name conditions here ("familial", "aortic"; not "say" of "Barber Say syndrome"), read with
        ``condition_heads``."""
        self.condition_heads()
        return self._title_words

    def _written_for(self, scored: Scored) -> list[frozenset[int]]:
        """The groups each candidate of the turn is written for: read once per turn, where several rules ask."""
        if scored.written is None:
            scored.written = self.scopes.written_for(scored.pool)
        return scored.written

    def _patient_words(self, text: str, turn: Rewrite) -> frozenset[str]:
        """The words of a turn that say who the patient is: those that name a group, and all of a turn that says
        nothing else ("hepatic dysfunction - dose?")."""
        named = self.scopes.naming_words(f"{turn.key_question} {turn.query}")
        if self.scopes.only_the_patient(text):
            named |= frozenset(Scopes.words_of(text))
        return named

    def _groups_of_senses(self, unread: list[list[str]]) -> frozenset[int]:
        """The patient groups that initialisms the sources cannot be read for name, when every sense of one
        names the same groups ("ESRD", end-stage renal disease: kidney impairment), though no sense is read."""
        out: set[int] = set()
        for found in unread:
            named = {self.scopes.asked(sense) for sense in found}
            if len(named) == 1:
                out |= next(iter(named))
        return frozenset(out)

    def _doses_not_for(self, unread: list[tuple[str, list[str]]], answer: Answer) -> str:
        """The notice for an answer that quotes doses to a question that qualifies them by an initialism the
        sources cannot be read for, neither it nor what it stands for, and that names no patient group
        ("pregabalin dose adjust CrCl 30?": creatinine clearance is in no source): the doses are the sources'
        usual ones, and nothing says they hold for what the initialism says of the patient. '' otherwise."""
        if answer.abstained or not any(gives_dose(s.text) for s in answer.statements):
            return ""
        unheld = [(token, found) for token, found in unread if not self._groups_of_senses([found])]
        if not unheld:
            return ""
        said = ", ".join(f"'{token}' ({' or '.join(found)})" for token, found in unheld)
        return f"The indexed sources never write {said}: the doses below are not written for it."

    def _unknown_condition(self, view: QuestionView) -> str | None:
        """The reason to decline a turn that names a condition by a name of the medical dictionary
        (``abbreviations.named_conditions``: "restless legs") whose most specific word the indexed sources have in
        no form: they do not cover it, however close the lines on its other words ("legs", "at night") come. None
        when there is none."""
        lexicon = self.vocabulary()
        if lexicon is None:
            return None
        for term in named_conditions(view.text):
            key = key_word(term)
            if key is not None and not lexicon.known(key):
                shown = term.lower() if term.istitle() else term  # "Peritoneal Dialysis" as a sentence writes it
                return f"The indexed sources do not mention '{shown}' ('{key}' in any form)."
        return None

    def _naming(self, view: QuestionView, passages: list[Passage]) -> tuple[set[str] | None, str]:
        """The retrieved articles that name, as the question does, every condition it names by a proper name
        (``question.condition_names``), in any of their sections, retrieved or not ("Job syndrome", written
        once as another name in an article on hyper-IgE syndrome); and the first such condition none names ('' if
        none). (None, '') when the question names no condition so."""
        heads = self.condition_heads()
        conditions = condition_names(view.text, heads)
        if not conditions:
            return None, ""
        texts: dict[str, list[str]] = {}
        for chunk in self.store.article_chunks({p.chunk.article_id for p in passages}):
            texts.setdefault(chunk.article_id, []).append(
                f"{chunk.article_title}\n{' '.join(chunk.heading_path)}\n{chunk.text}"
            )
        naming: set[str] | None = None
        for condition in conditions:
            these = {a for a, t in texts.items() if names_as_asked("\n".join(t), view.text, condition.word, heads)}
            if not these:
                return set(), condition.shown
            naming = these if naming is None else naming & these
        return naming, ""

    @property
    def scopes(self) -> Scopes:
        """The patient groups of headings, labels and question words (``assistant/scope.py``)."""
        if self._scopes is None:
            self._scopes = Scopes(self.embeddings)
        return self._scopes

    @property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(
            store=self.store, embeddings=self.embeddings, lexical=self.lexical, k=self.k, exclude=self.exclude
        )

    def score(self, question: QuestionView, variants: tuple[str, ...] = ()) -> Scored:
        """Retrieve for ``question`` and score every candidate statement and the turn itself."""
        assert self.model is not None
        t0 = time.perf_counter()
        lexicon = self.vocabulary()
        # The question without each corpus word that may turn out absent from what is retrieved (``rare_absent``),
        # embedded with the question: a word moves the meaning less than all of it (a cosine stays above 0), so
        # one weighing less than the rule's threshold cannot reach it and is not embedded.
        floor = self.model.answerable.thresholds.get("rare_absent", 0.0)
        weighed = {w: v for w, v in corpus_weights(question, lexicon).items() if v >= floor}
        # The move is measured on what the question is about, its topic words without the words that frame the
        # ask: in "What are the symptoms of X of the cornea?" the frame outweighs any one word of the name, and
        # taking the name's rarest word off hardly moves the whole question, though it is half of what it asks.
        about = " ".join(topic_words(question.context)) if weighed else ""
        without = {w: for_meaning(without_word(about, w)) for w in weighed}
        texts = list(
            dict.fromkeys(
                [
                    *question.texts_to_embed(),
                    *variants,
                    *([for_meaning(about)] if weighed else []),
                    *(t for t in without.values() if t.strip()),
                ]
            )
        )
        vectors = dict(zip(texts, embed_matrix(self.embeddings, texts), strict=True))
        question.set_vectors(vectors)
        embed_ms = (time.perf_counter() - t0) * 1000
        focus = for_meaning(question.text) if question.text != question.context else None
        query = for_meaning(question.context)
        # A word the corpus writes in another form ("interdialytic" for dialysate) is searched for in that form too.
        spelled = lexicon.in_corpus_words(query) if lexicon is not None else query
        passages, timings = self.retriever.search(
            query,
            focus=focus,
            variants=variants,
            vectors=vectors,
            recommendation=asked_recommendation(question),
            lexical_only=(spelled,) if spelled != query else (),
            # An ask that speaks of the situation set out before it by a pronoun ("... the geneticist suspects Sotos
            # syndrome. How rare is it?") asks about one side of it: that side's section is searched for by the ask.
            ask=for_meaning(question.ask) if question.premise and refers_back(question.ask) else None,
            patient=self._unnamed_patient(question),
        )
        timings["embed"] = timings.get("embed", 0.0) + embed_ms
        t1 = time.perf_counter()
        question.aside_alike = self.alike_to_aside(question, passages)
        question.aside_negated = self.negated_alike(question, passages)
        pool = candidate_pool(question, passages)
        probabilities = statement_probabilities(pool, self.model)
        found = absent_candidates(question, passages, lexicon)
        # A word the corpus lacks in any form may be the clip of a common English word ("preg" of "pregnant"),
        # which says what group it names; not one written as an initialism ("HEPA filters" are no hepatitis).
        capitals = initialisms(question.context)
        readings = {
            w: reading
            for w in found
            if (lexicon is None or not lexicon.known(w))
            and w not in capitals
            and (reading := english_reading(w)) is not None
        }
        as_read_words = [readings.get(w, w) for w in found]
        # The question's words and those no passage has, embedded at once where their groups are not known yet.
        self.scopes.closeness([*Scopes.words_of(question.context), *as_read_words])
        # A statement written for another patient group than the one asked about answers nothing of it.
        patients = self.patients_of(question)
        probabilities = np.where(self.scopes.off_scope(pool, patients), 0.0, probabilities)
        # Nor does one written for the group that what a test measures would name ("For Patients with Liver
        # Disease" for "liver checks?"): it shares the organ's word, not the patient.
        tested = self.scopes.asked(" ".join(sorted(measured_words(question.text)))) - patients
        probabilities = np.where(self.scopes.written_for_any(pool, tested), 0.0, probabilities)
        # Nor does a statement of a source about another condition of the name asked about ("tibial muscular
        # dystrophy" for "facioscapulohumeral muscular dystrophy", by the threshold fitted for the decline): such
        # statements are set aside when the answer is composed (``_same_condition``).
        limit = self.model.answerable.thresholds.get("qualifier_absent")
        off = None
        if limit is not None and len(pool.items):
            variant = lexicon.variant if lexicon is not None else None
            off = other_condition(pool, question.text, limit, variant, self.naming_words())
        population: dict[str, float] = {}
        spoken_of = (pool.vectors @ self.scopes.populations.T).max(axis=0) if len(pool.items) else None
        # How much a population the question names matters to it: its closeness to the nearest of
        # SPECIAL_POPULATIONS times how far the question's meaning moves without it ("Is it safe in pregnancy?":
        # far; a baby named in passing in a question about how a disease is inherited: hardly); nothing when the
        # passages speak of that group in other words. A word no closer to a group than POPULATION_FLOOR names
        # none, and needs no more embedding.
        close = {
            w: row
            for w, row in zip(found, self.scopes.closeness(as_read_words), strict=True)
            if float(row.max()) > POPULATION_FLOOR
            and (spoken_of is None or spoken_of[int(np.argmax(row))] < GROUP_SPOKEN_OF)
        }
        absent = list(close)
        # The words the corpus has in no form, and how far the question's meaning moves without each (``topic_absent``).
        unknown = unknown_words(question, lexicon)
        # The words the corpus has but no retrieved passage, weighed the same way (``rare_absent``).
        rare = unretrieved_words(passages, weighed)
        unretrieved: dict[str, float] = {}
        topical: dict[str, float] = {}
        # The same measure for each run of such words (``adjacent_runs``): not a reason to decline (a lay name of
        # what the sources say otherwise, "charley horse", or a scene, "heavy drinker", moves the meaning as far as a
        # thing they never speak of; and fitted as a rule of its own on the fit parts, on 2026-12-06, its threshold
        # fell above every value, no out-of-corpus turn there being answered with such a run), but one to say that
        # the answer leaves it out.
        unsaid: dict[str, float] = {}
        context_vector = question.context_vector
        assert context_vector is not None  # set_vectors ran before scoring
        best = float(np.amax(pool.context_sem)) if len(pool.items) else 0.0

        def moved(row: np.ndarray, whole: np.ndarray = context_vector, nearest: float = best) -> float:
            """How far the question's meaning (``whole``, whose best statement is ``nearest``) moves to ``row``
            (it without a word), less what that brings nearer to the best statement: one the sources say in other
            words ("charley horse" for a cramp) brings the question nearer to what they say. At most a share of
            the move: a word whose removal leaves next to nothing ("migraine" of "migraine ppx options?") moves
            every statement away, not only one that says it in other words."""
            shift = 1.0 - float(np.dot(row, whole))
            if len(pool.items):
                gain = float(np.clip(nearest - float(np.amax(pool.vectors @ row)), 0.0, None))
                shift -= min(gain, SAID_OTHERWISE_SHARE * float(np.clip(shift, 0.0, None)))
            return shift

        if rare:
            topic_vector = vectors[for_meaning(about)]
            nearest = float(np.amax(pool.vectors @ topic_vector)) if len(pool.items) else 0.0
            for w, weight in rare.items():
                # A word that is all the question is about leaves nothing: the whole of its meaning moves.
                left = without[w]
                unretrieved[w] = weight * (moved(vectors[left], topic_vector, nearest) if left.strip() else 1.0)
        if absent or unknown:
            # A follow-up's own words count too: in "Would you use it in a child?" the child is the point, however
            # little it moves the meaning of the whole conversation's question.
            said = asked_in_own_words(question)
            follow_up = bool(absent) and question.text != question.context
            own = [said, *(without_word(said, w) for w in absent)] if follow_up else []
            # A clip is weighed as the word it clips: "preg" says little to the model, "pregnant" much.
            clipped = [w for w in absent if w in readings]
            read = [re.sub(rf"(?i)\b{re.escape(w)}\b", readings[w], question.context) for w in clipped]
            # Words the corpus lacks that stand side by side name one thing ("pickle juice"): each alone moves the
            # meaning little while the other stays, so the thing is measured by taking out the whole run.
            runs = [" ".join(run) for run in adjacent_runs(question.text, unknown)]
            # Embedded as the question itself was (``for_meaning``): else the way it is put for the model (an age
            # as its group) would count as the meaning a word moves.
            texts = [
                *(without_word(question.context, w) for w in [*absent, *unknown]),
                *own,
                *read,
                *(without_words(question.context, run.split()) for run in runs),
            ]
            matrix = embed_matrix(self.embeddings, [for_meaning(t) for t in texts])
            n = len(absent) + len(unknown)
            as_read = dict(zip(clipped, matrix[n + len(own) : n + len(own) + len(read)], strict=True))
            removed = [
                *zip(unknown, matrix[len(absent) : n], strict=True),
                *zip(runs, matrix[len(matrix) - len(runs) :], strict=True),
            ]
            for word, row in removed:
                (unsaid if word in runs else topical)[word] = moved(row)
            for i, word in enumerate(absent):
                shift = 1.0 - float(np.dot(matrix[i], as_read.get(word, context_vector)))
                if own:
                    shift = max(shift, 1.0 - float(np.dot(matrix[n + 1 + i], matrix[n])))
                named = max(0.0, float(close[word].max()) - POPULATION_FLOOR) / (1.0 - POPULATION_FLOOR)
                population[word] = named * shift * POPULATION_SCALE
        ok = eligible(pool) & adds_something(pool)
        lead = pool.items[int(np.argmax(np.where(ok, probabilities, -1.0)))] if ok.any() else None
        if (
            unretrieved
            and lead is not None
            and names_title(question.context, lead.passage.chunk.article_title, self.condition_heads())
        ):
            # The question names what the lead's source is about: a word of it that retrieval did not find says
            # where or by whom ("Seen in the endocrinology clinic for Graves disease"), not what else is asked.
            unretrieved = {}
        brief = select(pool, probabilities, self.model, BRIEF)
        at = {id(c): i for i, c in enumerate(pool.items)}
        evidence = turn_features(
            question,
            pool,
            passages,
            lexicon,
            population,
            lead,
            [at[id(c)] for c, _ in brief],
            topical,
            unretrieved,
            self.naming_words(),
        )
        evidence.readings = readings
        timings["score"] = (time.perf_counter() - t1) * 1000
        return Scored(
            question, passages, pool, probabilities, evidence, timings, brief=brief, off_condition=off, unsaid=unsaid
        )

    def alike_to_aside(self, question: QuestionView, passages: Sequence[Passage]) -> frozenset[str]:
        """The stems of the words of ``passages`` that mean the one word the question sets aside (see
        ALIKE_TO_ASIDE): "medications" and "medicines" for "besides drugs?". Empty when it sets aside nothing, or
        more than one word ("besides cramp frequency", whose words alone mean something else)."""
        found = set_aside(question.text)
        things = {m.group(1).lower() for m in found}
        if len(things) != 1 or len(words(next(iter(things)))) != 1:
            return frozenset()
        thing = next(iter(things))
        said = sorted(
            {
                w
                for p in passages
                for w in words(p.chunk.text)
                if len(w) >= MIN_ALIKE_LETTERS and w.isalpha() and w not in STOPWORDS and stem(w) != stem(thing)
            }
        )
        if not said:
            return frozenset()
        closeness = self.word_vectors(said) @ self.word_vectors([thing])[0]
        return frozenset(stem(w) for w, c in zip(said, closeness, strict=True) if c >= ALIKE_TO_ASIDE)

    def negated_alike(self, question: QuestionView, passages: Sequence[Passage]) -> frozenset[str]:
        """The words that the retrieved sources' headings negate ("pharmacological" of "Non-Pharmacological
        Management") where the negation means what the question sets aside, negated ("non-pharmacological" and
        "non-drug" for "what to try before any drug?"): the sources' other sections headed by that word are what
        was set aside ("Pharmacological Management for Cramps"), though their lines never name it. Compared as
        negations, which the model reads closer than the bare words (0.73 where "pharmacological" and "drug" are
        0.54), at the closeness ALIKE_TO_ASIDE. The question's own negations count too ("non-drug options?").
        Empty when it sets aside more than one word ("besides cramp frequency") and negates none."""
        things = {m.group(1).lower() for m in set_aside(question.text)}
        things = {t for t in things if len(things) == 1 and len(words(t)) == 1} | set(question.negated)
        if not things:
            return frozenset()
        heads = sorted(
            {m.group(1).lower() for p in passages for h in p.chunk.heading_path for m in NEGATION.finditer(h)}
        )
        heads = [h for h in heads if not any(stem(h) == stem(t) for t in things)]
        if not heads:
            return frozenset()
        negations = sorted(things)
        closeness = (
            self.word_vectors([f"non-{h}" for h in heads]) @ self.word_vectors([f"non-{t}" for t in negations]).T
        )
        return frozenset(h for h, row in zip(heads, closeness, strict=True) if row.max() >= ALIKE_TO_ASIDE)

    def word_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of single words, remembered (a conversation's passages share most of their words)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._word_vectors]
        if missing:
            if len(self._word_vectors) + len(missing) > WORDS_REMEMBERED:
                self._word_vectors = {}
            for text, row in zip(missing, embed_matrix(self.embeddings, missing), strict=True):
                self._word_vectors[text] = row
        return np.stack([self._word_vectors[t] for t in texts])

    def patients_of(self, question: QuestionView) -> frozenset[int]:
        """The patient groups ``question`` is about: those set on it by the conversation, else those it names."""
        return question.patients if question.patients is not None else self.scopes.asked(question.context)

    def _unnamed_patient(self, question: QuestionView) -> str | None:
        """The names of the patient groups ``question`` is about that its words do not name (an age, or the
        conversation's patient), for retrieval to find what the sources say of them; None when there are none."""
        unnamed = self.patients_of(question) - self.scopes.asked(question.context)
        return " and ".join(SPECIAL_POPULATIONS[g] for g in sorted(unnamed)) or None

    def _from_sources_naming(
        self, word: str, scored: Scored, detailed: bool, articles: set[str] | None = None
    ) -> list[tuple[Candidate, float]]:
        """The statements an answer would quote from the retrieved sources alone that name what the question
        names by ``word``: with the word after it in the question, when that is a content word ("von Willebrand
        disease" is not named by "von Willebrand factor"; see ``answerable.names_as_asked``). Or from
        ``articles``, when the caller knows which do."""
        assert self.model is not None
        view_text = scored.question.text
        if articles is None:
            articles = {p.chunk.article_id for p in scored.passages if names_as_asked(passage_text(p), view_text, word)}
        naming = np.array([c.passage.chunk.article_id in articles for c in scored.pool.items], dtype=bool)
        probabilities = np.where(naming, scored.probabilities, 0.0)
        return select(scored.pool, probabilities, self.model, DETAILED if detailed else BRIEF)

    def _same_condition(
        self, scored: Scored, chosen: list[tuple[Candidate, float]]
    ) -> tuple[list[tuple[Candidate, float]], str]:
        """``chosen`` without the statements of sources about another condition of the name asked about, even
        ones the answer would otherwise quote ("Tibial muscular dystrophy is most common in Finland" in an answer
        on facioscapulohumeral muscular dystrophy); when none is left, the reason to decline."""
        off = scored.off_condition
        if off is None or not chosen:
            return chosen, ""
        at = {id(c): i for i, c in enumerate(scored.pool.items)}
        kept = [(c, p) for c, p in chosen if not off[at[id(c)]]]
        if kept:
            return kept, ""
        lexicon = self.vocabulary()
        first = chosen[0][0]
        word = qualifier_absent(
            scored.question.text,
            first.passage.chunk.article_title,
            scored.pool.around_terms[at[id(first)]],
            lexicon.variant if lexicon is not None else None,
            self.naming_words(),
        )[1]
        return [], f"The closest sources are about another condition of a similar name: they do not mention '{word}'."

    def _gives_usual_dose(self, scored: Scored) -> bool:
        """True when the indexed sources give the dose asked for, to any patient: searched for by what it is of
        alone, since the lines retrieved for the turn may all be its patient group's ("and in older adults?" after
        the opioid starting dose: the guideline's section on them, and none of its usual doses)."""
        lexicon = self.vocabulary()
        variant = lexicon.variant if lexicon is not None else None
        subjects = dose_subjects(scored.question, variant)
        if not subjects:
            return False
        passages, _ = self.retriever.search(f"{' '.join(subjects)} dose")
        pool = candidate_pool(scored.question, passages)
        answers, _ = doses_for_subject(pool, variant)
        return bool((answers & ~of_another_treatment(pool)).any())

    def _said_for_group(
        self, scored: Scored, groups: frozenset[int], detailed: bool, written: list[frozenset[int]]
    ) -> list[tuple[Candidate, float]]:
        """The statements an answer would quote from those that speak of one of the patient ``groups`` (see
        ``Scopes.speaks_for``) and name, in their own words or headings, what the dose was asked for, giving
        no dose themselves: "The recommendations do not address the use of opioid pain medication in children"
        for an opioid dose asked for a child. Failing those, the group's advice on dosing
        (``_dosing_advice_for_group``)."""
        assert self.model is not None
        pool = scored.pool
        lexicon = self.vocabulary()
        variant = lexicon.variant if lexicon is not None else None
        subjects = dose_subjects(scored.question, variant)
        naming = np.array(
            [
                not gives_dose(c.text)
                and any(names_word(w, frozenset(terms(f"{c.heading} {c.text}")), variant) for w in subjects)
                for c in pool.items
            ],
            dtype=bool,
        )
        speaking = self.scopes.speaks_for(pool, groups, naming & (scored.probabilities > 0), written)
        if not speaking.any():
            speaking = self._dosing_advice_for_group(scored, groups, subjects, variant, written)
        if not speaking.any():
            return []
        return select(pool, np.where(speaking, scored.probabilities, 0.0), self.model, DETAILED if detailed else BRIEF)

    def _dosing_advice_for_group(
        self,
        scored: Scored,
        groups: frozenset[int],
        subjects: list[str],
        variant: Callable[[str], str | None] | None,
        written: list[frozenset[int]],
    ) -> np.ndarray:
        """True for the lines written for one of ``groups`` that advise on dosing without giving a dose ("Start
        medications at lower doses and titrate slowly", under "For Elderly Patients"), from an article that names
        what the dose was asked of in any of its sections (the cramps article, which gives baclofen's dose too):
        what the sources say of dosing for that patient, when no dose is written for them."""
        pool = scored.pool
        advice = np.array(
            [
                bool(w & groups) and p > 0 and asks_for_dose(c.text) and not gives_dose(c.text)
                for c, w, p in zip(pool.items, written, scored.probabilities, strict=True)
            ],
            dtype=bool,
        )
        if not advice.any() or not subjects:
            return advice
        said: dict[str, set[str]] = {}
        ids = {pool.items[i].passage.chunk.article_id for i in np.flatnonzero(advice)}
        for chunk in self.store.article_chunks(ids):
            said.setdefault(chunk.article_id, set()).update(
                terms(f"{chunk.article_title} {' '.join(chunk.heading_path)} {chunk.text}")
            )
        naming = {a for a, have in said.items() if any(names_word(w, frozenset(have), variant) for w in subjects)}
        return advice & np.array([c.passage.chunk.article_id in naming for c in pool.items], dtype=bool)

    def _group_leads(
        self, scored: Scored, groups: frozenset[int], chosen: list[tuple[Candidate, float]], limit: int
    ) -> list[tuple[Candidate, float]]:
        """For a turn about a patient group (named in it, or the conversation's patient: "she" after "a
        woman of 84"), a statement written for that group that names a word the turn says, itself or in its
        headings, leads ("Evaluate fall risk with numbness in lower extremities", under "For Elderly Patients",
        when her feet are numb), the most probable such that scores as a quoted statement must, before the
        description of numbness at large that came closer. An article about the group itself (a kidney
        disease's, for a question naming the kidney) has no section for it: its sections are the answer. When
        the lead is written for the group already, or none is, the answer stays. For a turn about no group, the
        first chosen line written for none leads (``_for_anyone_first``)."""
        assert self.model is not None
        pool = scored.pool
        if not chosen:
            return chosen
        if not groups:
            # (Only the lead's groups are read, then, if it has one, the other chosen lines': the rest of the pool's
            # headings are not embedded for this.)
            if not self.scopes.written_for_each([chosen[0][0]])[0]:
                return chosen
            return _for_anyone_first(chosen, self.scopes.written_for_each([c for c, _ in chosen]))
        written = self._written_for(scored)
        at = {id(c): i for i, c in enumerate(pool.items)}
        if written[at[id(chosen[0][0])]] & groups:
            return chosen
        ok, keep = quotable(pool, scored.probabilities, self.model, limit)
        own = self._own_words(scored, groups) - ACTION_TERMS
        # (In its words or its headings: "In dialysis patients: Consider sodium profiling, ...", under
        # "Pharmacological Management for Cramps", is on the cramps a dialysis patient's question asks about.)
        named = np.array([bool(terms(f"{c.heading} {c.text}") & own) for c in pool.items], dtype=bool)
        found = [
            i
            for i in map(int, np.flatnonzero(ok & named))
            if written[i] & groups
            and scored.probabilities[i] >= keep
            and not self.scopes.asked(pool.items[i].passage.chunk.article_title) & groups
        ]
        if not found:
            return chosen
        return _led_by(scored, found, chosen, limit)

    def _own_words(self, scored: Scored, groups: frozenset[int]) -> set[str]:
        """The stems of the words the turn itself says that are not the patient's group nor age ("numb", not
        "liver" in "safe w/ liver dz?"), nor what a follow-up's pointer stood for: "what helps?" after a question on
        cramps in cirrhosis says none, and "Muscle cramps are common in cirrhosis" would only say back what was
        asked. Words that only frame an ask ("options", "medication") are among them."""
        typed = without_ages(re.sub(r"\([^()]*\)\s*$", "", scored.question.text))
        # (The group's whole name: "disease" of "liver disease" says no more than "liver".)
        naming = self.scopes.group_name_words(typed, groups)
        return {
            stem(w)
            for w in words(typed)
            if w not in STOPWORDS and w not in naming and not self.scopes.asked(w) & groups
        }

    def _with_group_lines(
        self, scored: Scored, groups: frozenset[int], chosen: list[tuple[Candidate, float]]
    ) -> list[tuple[Candidate, float]]:
        """A turn about a patient group ("is it safe in old pts?") whose answer quotes nothing that speaks of the
        group, though a retrieved source has lines written for it ("Start medications at lower doses and titrate
        slowly", under "For Elderly Patients"), quotes the most probable of those lines too, after its lead, however
        far the question's other words drew the rest: what the sources say for that patient is what was asked,
        and the usual lines alone may not hold for them. The line is added to those chosen, taking none's place.
        In a follow-up, the line need not name what the conversation is about when its article does ("and if
        she's 80?" after baclofen's dose: the article that gives baclofen's dose advises "Start medications at
        lower doses ..." for older adults); and it leads when the turn says nothing but who the patient is.
        Beside quoted doses, the line is the group's advice on dosing where one is retrieved."""
        if not groups or not chosen:
            return chosen
        pool = scored.pool
        written = self._written_for(scored)
        ok = (eligible(pool) | self._article_speaks_of_required(pool)) & adds_something(pool) & not_set_aside(pool)
        lines = [
            i
            for i in map(int, np.flatnonzero(ok & (scored.probabilities > 0)))
            if written[i] & groups and not self.scopes.asked(pool.items[i].passage.chunk.article_title) & groups
        ]
        if not lines:
            return chosen
        # (Only then is what each quoted line speaks of read, word by word, which costs embeddings.)
        at = {id(c): i for i, c in enumerate(pool.items)}
        quoted = np.zeros(len(pool.items), dtype=bool)
        for c, _ in chosen:
            quoted[at[id(c)]] = True
        if self.scopes.speaks_for(pool, groups, quoted, written).any():
            return chosen
        # Beside quoted doses, the group's advice on dosing where a source gives one ("Start medications at lower
        # doses and titrate slowly", not "Consider polypharmacy ..."): the doses are what may not hold for them.
        advice = [i for i in lines if asks_for_dose(pool.items[i].text) and not gives_dose(pool.items[i].text)]
        quotes_doses = any(gives_dose(c.text) for c, _ in chosen)
        line = max(advice if quotes_doses and advice else lines, key=lambda i: float(scored.probabilities[i]))
        added = (pool.items[line], float(scored.probabilities[line]))
        if not self._own_words(scored, groups):
            # A turn that says nothing but who the patient is ("and if she's 80?") asks what is written for them.
            return [added, *chosen]
        return [chosen[0], *in_reading_order([*chosen[1:], added])]

    @staticmethod
    def _article_speaks_of_required(pool: Pool) -> np.ndarray:
        """True for each candidate whose article's retrieved statements, with their headings and its title, name
        all that the question requires (what a follow-up's "it" stood for); all False when it requires nothing."""
        question = pool.question
        if not question.required_groups:
            return np.zeros(len(pool.items), dtype=bool)
        said: dict[str, set[str]] = {}
        for c, around in zip(pool.items, pool.around_terms, strict=True):
            said.setdefault(c.passage.chunk.article_id, set()).update(around)
        speaks = {article for article, have in said.items() if question.names_required(have)}
        return np.array([c.passage.chunk.article_id in speaks for c in pool.items], dtype=bool)

    def _with_group_dosing_advice(
        self, scored: Scored, groups: frozenset[int], chosen: list[tuple[Candidate, float]], limit: int
    ) -> list[tuple[Candidate, float]]:
        """An answer that quotes doses to a turn about a patient group, though it did not ask for one ("gabapentin
        for her?" after an 85-year-old), is led by the dosing advice the doses' sources give that group ("Start
        medications at lower doses and titrate slowly", under "For Elderly Patients"), as a dose answer is: the
        usual adult dose alone may be wrong for the patient. Without such advice the answer stays."""
        if not groups or not chosen:
            return chosen
        pool = scored.pool
        at = {id(c): i for i, c in enumerate(pool.items)}
        doses = np.zeros(len(pool.items), dtype=bool)
        for c, _ in chosen:
            doses[at[id(c)]] = gives_dose(c.text)
        if not doses.any():
            return chosen
        _, advice = self._doses_for_group(scored, groups, doses, self._written_for(scored))
        # Not when what the question sets aside is what the advice is about ("... besides drugs?").
        kept = not_set_aside(pool)
        advice = [j for j in advice if kept[j]]
        if not advice:
            return chosen
        # Room is made by a line that is not a dose the advice goes with (one of its own article).
        return _led_by(scored, advice, chosen, limit, keep=gives_dose)

    def _doses_for_group(
        self, scored: Scored, groups: frozenset[int], doses: np.ndarray, written: list[frozenset[int]]
    ) -> tuple[np.ndarray, list[int]]:
        """Which of the dose lines ``doses`` a source gives for one of the patient ``groups``, and the lines of
        dosing advice it gives the group (which lead the answer).

        A dose line is given for the group when it speaks of the group itself (``Scopes.speaks_for``), or when a
        line of its own article written for the group (under a heading or with a label for it) recommends the
        drug ("Baclofen and albumin may be particularly effective", under "For Patients with Liver Disease":
        that article's albumin dose is the one it gives them) or advises on dosing without naming one ("Start
        medications at lower doses and titrate slowly", under "For Elderly Patients": the article's doses, with
        that advice first). A line that only names the group in passing ("The recommendations do not address
        the use of opioid pain medication in children") gives it no dose.
        """
        pool = scored.pool
        out = self.scopes.speaks_for(pool, groups, doses, written)
        rest = doses & ~out
        if not rest.any():
            return out, []
        lexicon = self.vocabulary()
        variant = lexicon.variant if lexicon is not None else None
        subjects = dose_subjects(scored.question, variant)
        articles = {pool.items[i].passage.chunk.article_id for i in np.flatnonzero(rest)}
        same = np.array([c.passage.chunk.article_id in articles for c in pool.items], dtype=bool)
        linked: set[tuple[str, str]] = set()
        advice: list[int] = []
        for j in np.flatnonzero(same & ~doses):
            if not written[j] & groups:
                continue
            line = pool.items[j]
            said = frozenset(terms(f"{line.heading} {line.text}"))
            # (Not a drug its article's title names: in a guideline on prescribing opioids, every line for older
            # adults names opioids, and none of them makes the guideline's usual doses theirs.)
            title = frozenset(terms(line.passage.chunk.article_title))
            named = [w for w in subjects if names_word(w, said, variant) and not names_word(w, title, variant)]
            linked.update((line.passage.chunk.article_id, w) for w in named)
            if not named and asks_for_dose(line.text) and not gives_dose(line.text):
                advice.append(int(j))
        advised = {pool.items[j].passage.chunk.article_id for j in advice}
        for i in np.flatnonzero(rest):
            article = pool.items[i].passage.chunk.article_id
            out[i] = article in advised or any(
                (article, w) in linked and names_word(w, pool.around_terms[i], variant) for w in subjects
            )
        out[advice] = True
        return out, advice

    def chain(self, detailed: bool = False) -> Runnable:
        """{"question", "view", "variants"} -> Answer, as a LangChain runnable."""

        def retrieve(inputs: dict[str, Any]) -> Scored:
            return self.score(inputs["view"], inputs.get("variants", ()))

        def finish(inputs: dict[str, Any]) -> Answer:
            """Decline when the passages do not cover the question; else compose the cited answer."""
            assert self.model is not None
            scored: Scored = inputs["scored"]
            view, passages, timings = scored.question, scored.passages, scored.timings
            t0 = time.perf_counter()
            answer = self.answer_from(inputs["question"], scored, detailed)
            timings["compose"] = (time.perf_counter() - t0) * 1000 + timings.pop("score", 0.0)
            if self.llm is not None and not answer.abstained:
                t1 = time.perf_counter()
                answer = written_by_llm(self.llm, inputs["question"], scored, self.model, answer)
                timings["llm"] = (time.perf_counter() - t1) * 1000
            timings["retrieve"] = sum(timings.get(k, 0.0) for k in ("embed", "dense", "lexical", "fuse"))
            timings["answer"] = timings["compose"] + timings.get("llm", 0.0)
            answer.timings_ms = timings
            answer.standalone_query = view.context
            answer.passages = passages
            answer.trace = scored
            return answer

        return RunnablePassthrough.assign(scored=RunnableLambda(retrieve)) | RunnableLambda(finish)

    def answer_from(self, question: str, scored: Scored, detailed: bool) -> Answer:
        """The extractive answer, or the decline, for a scored turn."""
        assert self.model is not None
        view = scored.question
        query = view.context

        def declined(reason: str, probability: float = 0.0) -> Answer:
            answer = Answer(question, query, abstained=True, reason=reason)
            answer.confidence = probability
            return answer

        gap = factual_gap(view, scored.passages, bool(topic_words(view.context)))
        # A condition the question names by a proper name ("Nelson syndrome") that no retrieved source names: they
        # are about others of the kind ("Beare-Stevenson cutis gyrata syndrome"), and say nothing of it.
        naming, unnamed = self._naming(view, scored.passages)
        gap = gap or (f"The indexed sources do not mention '{unnamed}'." if unnamed else None)
        gap = gap or self._unknown_condition(view)
        scored.fact_gap = gap
        if gap:
            return declined(gap)
        group = age_group(view.context)
        if view.dose_wanted and group is not None:
            forms = AGE_GROUP_WORDS[group] | (AGE_GROUP_WORDS["child"] if group == "infant" else frozenset())
            if not any(forms & set(words(passage_text(p))) for p in scored.passages):
                # An adult dose is not a child's: a dose for an age no source speaks of is not given.
                a = "an" if group[0] in "aeiou" else "a"
                return declined(f"The indexed sources give no dose for {a} {group}: no retrieved source mentions one.")
        own = set(words(view.text))
        absent_own = [w for w in scored.evidence.absent_names if w in own and w not in view.patient_words]
        if view.dose_wanted and absent_own:
            # A dose question naming something no source mentions (a drug the corpus lacks) would be answered
            # with another drug's dose: never. (Only its own words: the conversation's may be anything; nor one
            # that names the patient's group, "geriatric", which the checks of the group's doses judge.)
            return declined(f"The indexed sources give no dose for '{absent_own[0]}': no source mentions it.")
        named = asked_recommendation(view)
        found = [
            (c, float(p))
            for c, p in zip(scored.pool.items, scored.probabilities, strict=True)
            if named and is_recommendation(c.passage.chunk, c.block, named)
        ]
        # A question about a recommendation the retrieved guideline holds ("What does recommendation 5 say?",
        # "What's the evidence behind it?" after one) is answered from it, however far the words are.
        closeness = scored.evidence.values.get("best_context_sem", 0.0)
        decision = Decision(True, closeness) if found else decide(scored.evidence, self.model)
        if not decision.answer:
            return declined(decision.reason, decision.probability)
        chosen = select(scored.pool, scored.probabilities, self.model, DETAILED) if detailed else list(scored.brief)
        if found:
            # The recommendation itself, whole with its printed grading, leads; what was chosen besides follows.
            lead = max(found, key=lambda x: x[1])
            chosen = [lead, *[(c, p) for c, p in chosen if c.block is not lead[0].block]]
        if not chosen:
            return declined("No sentence of the matching passages answers the question.", decision.probability)
        if absent_own and not view.dose_wanted and gives_dose(chosen[0][0].text) and not treatments_asked(scored.pool):
            # Nor one answered with a dose, whatever its words ("upper limit of X per day?"), that names something
            # no source mentions and no treatment they speak of: the dose would be another drug's.
            return declined(no_dose_reason(absent_own[:1], self.vocabulary()), decision.probability)
        answers_dose = np.zeros(0, dtype=bool)
        undosed: list[str] = []
        at = {id(c): i for i, c in enumerate(scored.pool.items)}
        if view.dose_wanted:
            # Never let a dose question be answered by lines that give no dose, or another drug's.
            lexicon = self.vocabulary()
            answers_dose, undosed = doses_for_subject(scored.pool, lexicon.variant if lexicon is not None else None)
            # A line on another treatment gives that one's dose, whatever heading it shares ("Pregabalin: Start 75
            # mg ..." under "Gabapentin/Pregabalin", asked of gabapentin).
            answers_dose &= ~of_another_treatment(scored.pool)
            groups = self.patients_of(view)
            if not any(answers_dose[at[id(c)]] for c, _ in chosen) and not groups and answers_dose.any():
                # The lines that give the dose of what was asked, though others' doses scored closer ("top dose?"
                # after tizanidine's lines, nearer to baclofen's "Maximum dose: ..."): selected as any answer is.
                limit = DETAILED if detailed else BRIEF
                chosen = select(scored.pool, np.where(answers_dose, scored.probabilities, 0.0), self.model, limit)
            # (A patient group's answer is led by the dose its sources give the group, chosen or not: below.)
            if not any(answers_dose[at[id(c)]] for c, _ in chosen) and not groups:
                return declined(no_dose_reason(undosed, lexicon), decision.probability)
            if groups:
                # A dose asked for a patient group ("... in renal failure?", "... for an elderly pt") is one that a
                # source gives for that group: the usual adult dose is not what was asked, and may be wrong for it.
                if not answers_dose.any() and not self._gives_usual_dose(scored):
                    # Nor to anyone: what the sources say of the drug for the group would read as a dose withheld.
                    return declined(no_dose_reason(undosed, lexicon), decision.probability)
                written = self._written_for(scored)
                answers_dose, advice = self._doses_for_group(scored, groups, answers_dose, written)
                if not answers_dose.any():
                    named = " or ".join(SPECIAL_POPULATIONS[g] for g in sorted(groups))
                    said = self._said_for_group(scored, groups, detailed, written)
                    if not said:
                        return declined(
                            f"The indexed sources give doses for this, but none written for {named}.",
                            decision.probability,
                        )
                    # What the sources do say of the drug for the group ("use additional caution and increased
                    # monitoring for patients aged >=65 years"), under a notice that they give no dose for it.
                    scored.narrowed = said
                    answer = compose(question, query, scored.passages, with_antecedents(scored.pool, said))
                    answer.confidence = decision.probability
                    answer.notice = (
                        f"The indexed sources give no dose written for {named}; below is what they say of it for "
                        "that group."
                    )
                    return answer
                # The group's dosing advice leads, then the dose it goes with.
                leading = [advice[int(np.argmax(scored.probabilities[advice]))]] if advice else []
                amounts = answers_dose.copy()
                amounts[advice] = False
                if amounts.any() and not any(amounts[at[id(c)]] for c, _ in chosen):
                    leading.append(int(np.argmax(np.where(amounts, scored.probabilities, -1.0))))
                heads = [scored.pool.items[i] for i in leading]
                chosen = [
                    *((c, float(scored.probabilities[i])) for c, i in zip(heads, leading, strict=True)),
                    *((c, p) for c, p in chosen if not any(c is h for h in heads)),
                ]
                # Nor is another patient's dose quoted beside it.
                chosen = [(c, p) for c, p in chosen if answers_dose[at[id(c)]] or not gives_dose(c.text)]
                scored.narrowed = chosen
        # The answer is about what the question names: its lead comes from a source that names the question's
        # rarest word, or the condition it names by a proper name, when a retrieved source does (a dose answer,
        # checked above, from any it quotes).
        lead_lines = chosen if view.dose_wanted else chosen[:1]
        elsewhere = _named_elsewhere(view, scored.passages, lead_lines)
        if elsewhere and names_title(
            view.context, lead_lines[0][0].passage.chunk.article_title, self.condition_heads()
        ):
            # The question names what the lead's source is about: its rarer word, which other sources name, says
            # who sees the patient ("Hepatologist follows me for hemochromatosis"), not another thing asked.
            elsewhere = None
        if naming is not None and not elsewhere and not {c.passage.chunk.article_id for c, _ in lead_lines} & naming:
            elsewhere = condition_names(view.text, self.condition_heads())[0].shown
        if elsewhere and not found:
            led = [] if view.dose_wanted else self._from_sources_naming(elsewhere, scored, detailed, naming)
            if not led or max(p for _, p in led) < RENAMED_SHARE * max(p for _, p in chosen):
                # The sources that name it do so in passing ("Von Willebrand disease" named only in another
                # syndrome's symptom list, the closer statements being von Hippel-Lindau's): nothing answers it.
                return declined(
                    f"The closest sources are about something else: they do not mention '{elsewhere}'.",
                    decision.probability,
                )
            # They speak of it, though other sources' words came closer ("papillorenal syndrome", named once
            # as another name of renal coloboma syndrome, beside articles on other kidney diseases of children).
            chosen = led
        if not found:
            chosen, other = self._same_condition(scored, chosen)
            if not chosen:
                return declined(other, decision.probability)
            # Nor is a source quoted that never names the condition asked about by its proper name ("Mowat-Wilson
            # syndrome" in an answer on Wilson disease): the lead's source names it (above).
            if naming is not None:
                chosen = [(c, p) for c, p in chosen if c.passage.chunk.article_id in naming] or chosen[:1]
            chosen = _on_the_subject(view, scored.passages, chosen)
            if view.dose_wanted and not any(answers_dose[at[id(c)]] for c, _ in chosen):
                # The dose lines were another condition's.
                return declined(no_dose_reason(undosed, self.vocabulary()), decision.probability)
        # Nor does another treatment's dose stand in an answer about one treatment (a dose question checks its
        # lines above): the dose would read as this one's.
        another = doses_of_another_treatment(scored.pool) if not view.dose_wanted and not found else None
        if another is not None:
            chosen = [(c, p) for c, p in chosen if not another[at[id(c)]]] or chosen
            if refers_back(view.text) and not asks_for_another(view.ask) and not treatments_asked(scored.pool):
                # A follow-up whose pointer stands for a treatment asks about that treatment ("what if LFTs go up
                # on it?" after baclofen's dose): another's lines ("Regular assessment of liver function with
                # tizanidine") say nothing of it, and beside it would read as its own. Led by one, the sources
                # say nothing closer of the treatment asked about.
                another_drug = of_another_treatment(scored.pool, carried=True)
                if another_drug[at[id(chosen[0][0])]]:
                    spelled = {stem(w): w for w in reversed(words(view.context))}  # as the conversation wrote it
                    asked = " or ".join(spelled.get(t, t) for t in treatments_asked(scored.pool, carried=True))
                    return declined(
                        f"The indexed sources say nothing of this for {asked}: the closest lines are about another "
                        "treatment.",
                        decision.probability,
                    )
                chosen = [(c, p) for c, p in chosen if not another_drug[at[id(c)]]]
        opening = chosen[0][0]
        if view.dose_wanted and not found and opening.block.kind != "recommendation":
            # A dose question is led by a line that gives the dose, not by the assessment step that scored
            # closer; a guideline's graded recommendation on it still leads.
            first = next((i for i, (c, _) in enumerate(chosen) if answers_dose[at[id(c)]]), 0)
            chosen = [chosen[first], *chosen[:first], *chosen[first + 1 :]]
            # Nor does a line on another drug stand beside the dose of the one asked about ("Duloxetine for
            # neuropathic pain ..." in an answer on the dose of gabapentin).
            elsewhere_drug = of_another_treatment(scored.pool)
            chosen = [(c, p) for c, p in chosen if answers_dose[at[id(c)]] or not elsewhere_drug[at[id(c)]]]
            # Nor, asked for a line of treatment, the dose of a drug its source puts on another line.
            asked_line = treatment_lines(view.ask)
            if asked_line:
                chosen = doses_on_the_line(scored.pool, scored.probabilities, chosen, asked_line, answers_dose)
        if asks_when_failed(view.ask) and not view.dose_wanted:
            chosen = failure_leads(scored.pool, scored.probabilities, chosen)
        elif asks_how_common(view.ask) and not view.dose_wanted:
            chosen = figure_leads(scored.pool, scored.probabilities, chosen)
        elif asks_how_long(view.ask) and not view.dose_wanted:
            chosen = duration_leads(scored.pool, scored.probabilities, chosen)
        elif speaks_of_stopping(view.ask) and not view.dose_wanted:
            stopping = stopping_leads(scored.pool, scored.probabilities, chosen)
            if stopping is None:
                # "how do I come off it?" after a gabapentin answer: nothing retrieved on gabapentin speaks of
                # stopping it, and its starting doses are no way off it.
                shown = _written_as(treatments_asked(scored.pool, carried=True), view.context)
                return declined(
                    f"The indexed sources say nothing of stopping {' or '.join(shown) or 'it'}.", decision.probability
                )
            chosen = stopping
        elif asks_how_it_works(view.ask) and not view.dose_wanted:
            chosen = mechanism_leads(scored.pool, scored.probabilities, chosen)
        elif asks_about_harms(view.ask) and not view.dose_wanted:
            chosen = caution_leads(scored.pool, scored.probabilities, chosen)
        lines = treatment_lines(view.ask)
        if len(lines) == 1 and not view.dose_wanted and not found:
            chosen = line_leads(scored.pool, scored.probabilities, chosen, min(lines))
        elif asks_for_another(view.ask) and not view.dose_wanted and not found:
            chosen = other_treatment_leads(scored.pool, scored.probabilities, chosen)
        elif (
            not view.dose_wanted
            and not found
            and not (asks_when_failed(view.ask) or asks_how_common(view.ask) or asks_how_long(view.ask))
        ):
            chosen = self._group_leads(scored, self.patients_of(view), chosen, DETAILED if detailed else BRIEF)
        if not view.dose_wanted:
            chosen = self._with_group_dosing_advice(
                scored, self.patients_of(view), chosen, DETAILED if detailed else BRIEF
            )
            # (A dose answer quotes the lines checked above, that give or frame the dose asked for.) A lead written
            # for the turn's patient group brings the rest of its list that is written for the group too, whatever
            # it scored: what the sources say for that patient is what was asked.
            groups = self.patients_of(view)
            written = self._written_for(scored) if groups else []
            chosen = with_its_list(
                scored.pool,
                scored.probabilities,
                chosen,
                self.model,
                DETAILED if detailed else BRIEF,
                also=np.array([bool(w & groups) for w in written], dtype=bool) if groups else None,
            )
            chosen = self._with_group_lines(scored, self.patients_of(view), chosen)
            if another is not None and not asks_for_another(view.ask):
                # What those bring stays clear of another treatment's doses too ("Pregabalin: Starting dose ..." from
                # the list of a gabapentin line), unless the question asks for another.
                chosen = [(c, p) for c, p in chosen if not another[at[id(c)]]] or chosen
        kind = view.quantity_wanted
        if kind and not view.dose_wanted and not any(gives_quantity(c.text, kind) for c, _ in chosen):
            # "How many days of isolation ...?" answered by lines that give no number of days answers nothing:
            # the sources speak of the topic but do not give the figure asked for.
            return declined(f"The indexed sources mention this but give no {kind} for it.", decision.probability)
        if scored.narrowed is not None or view.dose_wanted:
            # A dose answer, checked line by line above (what the dose is of, for whom), is what a language model
            # may write from: not every statement that scored well, some of which give other drugs' doses.
            scored.narrowed = chosen
        chosen = not_led_by_a_resource(scored.pool, chosen)
        answer = compose(question, query, scored.passages, with_antecedents(scored.pool, chosen))
        answer.confidence = decision.probability
        answer.notice = " ".join(
            n
            for n in (
                self._unsaid(scored),
                self._group_unaddressed(scored)
                or self._usual_doses_only(scored, chosen)
                or self._treatment_unaddressed(scored),
            )
            if n
        )
        return answer

    def _nothing_close(self, answer: Answer) -> bool:
        """``answer`` was declined only because no statement came close enough in meaning to the question: no fact
        check failed and the question names nothing the sources lack."""
        scored = answer.trace
        return (
            answer.abstained
            and isinstance(scored, Scored)
            and not scored.fact_gap
            and self.model is not None
            and self.model.answerable.fired(scored.evidence.values) == "best_context_sem"
        )

    def _usual_doses_only(self, scored: Scored, chosen: list[tuple[Candidate, float]]) -> str:
        """The notice for a turn about a patient group that asks no dose ("what about baclofen for him?" after
        his kidney failure) whose answer quotes doses none of which is written for the group: the usual doses
        may not hold for that patient, and a dose question would have been declined for it. '' otherwise."""
        groups = self.patients_of(scored.question)
        if not groups or scored.question.dose_wanted or not any(gives_dose(c.text) for c, _ in chosen):
            return ""
        written = self._written_for(scored)
        at = {id(c): i for i, c in enumerate(scored.pool.items)}
        if any(gives_dose(c.text) and written[at[id(c)]] & groups for c, _ in chosen):
            return ""
        named = " or ".join(SPECIAL_POPULATIONS[g] for g in sorted(groups))
        return f"The doses below are the sources' usual ones: none is written for {named}."

    def _unsaid_phrases(self, scored: Scored) -> list[str]:
        """The runs of the question's words that the sources never write and that carry as much of its meaning as
        a word that declines a turn (``topic_absent``'s threshold), as the question writes them."""
        assert self.model is not None
        limit = self.model.answerable.thresholds.get("topic_absent")
        if limit is None:
            return []
        return [as_written(phrase, scored.question.text) for phrase, shift in scored.unsaid.items() if shift >= limit]

    def _unsaid(self, scored: Scored) -> str:
        """The notice for an answered turn whose question names, in words the sources never write, something that
        carries as much of its meaning as a word that declines a turn ("tonic water for cramps?": the lines below
        are on cramps, not on tonic water). '' otherwise."""
        missing = self._unsaid_phrases(scored)
        if not missing:
            return ""
        return (
            f"The indexed sources do not mention {_quoted_words(missing)}: the lines below answer the rest of the "
            "question."
        )

    def _group_unaddressed(self, scored: Scored) -> str:
        """The notice for a turn about a patient group (a child, a pregnant woman, the conversation's patient of
        84) that no retrieved statement speaks of, when the retrieved sources do write for other groups: their
        advice for older adults and dialysis says nothing of a child, and the lines quoted were not written for
        one. '' otherwise: sources with no group sections at all (an article on a condition, asked about "my
        kids") are not sources that left the group out."""
        groups = self.patients_of(scored.question)
        pool = scored.pool
        if not groups or not pool.items:
            return ""
        written = self._written_for(scored)
        others = sorted(set().union(*written) - groups)
        if not others:
            return ""  # (first: what each statement speaks of is read word by word, and costs embeddings)
        everywhere = np.ones(len(pool.items), dtype=bool)
        unspoken = [
            g for g in sorted(groups) if not self.scopes.speaks_for(pool, frozenset({g}), everywhere, written).any()
        ]
        if not unspoken:
            return ""
        asked = " or ".join(SPECIAL_POPULATIONS[g] for g in unspoken)
        given = " and ".join(SPECIAL_POPULATIONS[g] for g in others)
        return (
            f"None of the retrieved sources speaks of {asked} (some give advice for {given}): the lines below "
            f"are not written for {asked}."
        )

    def _treatment_unaddressed(self, scored: Scored) -> str:
        """The notice for a turn about a treatment for a patient group ("duloxetine for numbness, any change in
        renal impairment?", or "and if kidney function is poor?" after a gabapentin answer) when no retrieved
        statement speaks of both: what the sources write for the group is about other things ("In dialysis
        patients: Consider sodium profiling ..."), and what they write of the treatment is not written for the
        group. The treatment is one the question names, or one its conversation is about whose lines were
        retrieved (``treatments_asked``); a word that names the group itself ("dialysis") is no treatment here.
        Only sources that write for some group can leave one out: an article on a condition, asked whether a
        father passes it on to his kids, has no such notice. '' otherwise."""
        pool = scored.pool
        groups = self.patients_of(scored.question)
        if not groups or not pool.items:
            return ""
        subjects = {t for t in treatments_asked(pool, carried=True) if not self.scopes.named_in(t) & groups}
        if not subjects:
            return ""
        written = self._written_for(scored)
        if not any(written):
            return ""  # sources with no lines for any group (an article on a condition) left out no group's advice
        speaks = self.scopes.speaks_for(pool, groups, np.ones(len(pool.items), dtype=bool), written)
        for c, spoken, written_for in zip(pool.items, speaks, written, strict=True):
            if spoken and names_treatment(c, subjects):
                return ""
            if written_for & groups and self._for_any_treatment(c.text, groups):
                return ""
        shown = _written_as(subjects, scored.question.context)
        if not shown:
            return ""
        named = " or ".join(SPECIAL_POPULATIONS[g] for g in sorted(groups))
        return (
            f"None of the retrieved sources speaks of {' or '.join(shown)} for {named}: the lines below are not "
            f"written for {named}."
        )

    def _for_any_treatment(self, text: str, groups: frozenset[int]) -> bool:
        """Whether a statement written for one of ``groups`` names nothing as specific as a drug's name, besides
        the group ("Start medications at lower doses and titrate slowly", for older adults): what it says holds
        for any treatment of the group. "In dialysis patients: Consider sodium profiling, dialysate
        modifications, or midodrine" names its own."""
        group_words = self.scopes.group_name_words(text, groups)
        return not any(Lexicon.specificity(w) >= NAMED_SECTION for w in words(text) if w.lower() not in group_words)

    def old_evidence(self, answer: Answer) -> str:
        """The notice naming cited evidence older than ``max_evidence_age`` years ('' when none or no limit)."""
        if self.max_evidence_age is None or not answer.citations:
            return ""
        year = time.gmtime(self.clock()).tm_year
        old = [
            f"[{c.number}] {c.evidence_year}"
            for c in answer.citations
            if c.evidence_year is not None and year - c.evidence_year > self.max_evidence_age
        ]
        if not old:
            return ""
        return f"Evidence older than {self.max_evidence_age} years: {', '.join(old)}; check for newer guidance."

    def ask(self, question: str, conversation: Conversation | None = None, *, detailed: bool = False) -> Answer:
        """Answer one turn; the turn is added to ``conversation`` (when given) for the next one."""
        started = time.perf_counter()
        conversation = conversation if conversation is not None else Conversation()
        text, notice = clean_question(question)
        if not text:
            return Answer(
                question, "", abstained=True, reason="The question is empty.", notice="Please type a question."
            )
        reply = small_talk_reply(text)
        if reply is not None:
            return Answer(question, "", notice=reply)
        lexicon = self.vocabulary()
        salience = lexicon.salience if lexicon is not None else None
        # "that rec" after an answer about Recommendation 4 is that recommendation: read before any respelling.
        text, fixes = clipped_focus(text, conversation.last.focus if conversation.last is not None else None)
        text, respellings = respelled(text, lexicon.known) if lexicon is not None else (text, [])
        fixes += respellings
        if lexicon is not None:
            text, clips = unclipped(text, lexicon, self.written_form)
            fixes += clips
            text, clips = clipped_by_meaning(text, lexicon, self.written_form, self._word_closeness, ALIKE_TO_ASIDE)
            fixes += clips
            text, initials = spelled_out(text, lexicon, self._closeness, lambda w: self._said_as(w, lexicon))
            fixes += initials
        unread_terms = unread_initialisms(text, lexicon) if lexicon is not None else []
        unread = [found for _, found in unread_terms]
        turn = rewrite(text, conversation, salience, self.scopes.only_the_patient)
        last = conversation.last
        notices = [notice] if notice else []
        if fixes:
            notices.append("Read " + ", ".join(f"'{typed}' as '{meant}'" for typed, meant in fixes) + ".")
        if self.llm is not None and last is not None:
            turn, problem = rewrite_with_llm(self.llm, text, conversation, turn)
            if problem:
                notices.append(problem)
        variant = lexicon.variant if lexicon is not None else None
        where_said = last.sections if last is not None else frozenset()

        def answered(turn: Rewrite) -> tuple[Answer, frozenset[int]]:
            # The patient a follow-up is about, or one that says "she" or "him", is the conversation's ("what dose
            # would you start him on?" after "a 79 yo man ..."), unless it names a group or an age of its own
            # ("And in dialysis patients?", "what about a 30 year old?").
            patients = self.scopes.of_patient(turn.query) | self._groups_of_senses(unread)
            new_patient = bool(patients) or bool(ages_in_years(text))
            if not new_patient and last is not None and (turn.continues or speaks_of_the_patient(text)):
                patients = last.patients
            view = QuestionView.of(
                turn.key_question,
                context=turn.query,
                required=turn.required,
                variant=variant,
                spoken=where_said,
                patients=patients,
                patient_words=self._patient_words(text, turn) if patients else frozenset(),
            )
            answer = self.chain(detailed).invoke({"question": question, "view": view, "variants": turn.variants})
            return answer, patients

        answer, patients = answered(turn)
        if last is not None and not turn.continues and self.llm is None and self._nothing_close(answer):
            # Read on its own, nothing in the sources comes near the question: its words name no topic the corpus
            # has ("top daily amount?" after a baclofen answer), so it is read as asking about the conversation's,
            # and answered so when that reading is covered (by the same checks as any turn), saying so.
            again = rewrite(text, conversation, salience, self.scopes.only_the_patient, topicless=True)
            retried, retried_patients = answered(again)
            # Unless that reading answers none of the question's own words: "cannabis extract?" after a baclofen
            # answer came near nothing because the sources never mention it, and baclofen's lines are no answer.
            missing = self._unsaid_phrases(retried.trace) if isinstance(retried.trace, Scored) else []
            unsaid = {stem(w) for phrase in missing for w in words(phrase)}
            own = {stem(w) for w in topic_words(text)}
            if not retried.abstained and own and own <= unsaid:
                answer.reason = f"The indexed sources do not mention {_quoted_words(missing)}."
            elif not retried.abstained:
                answer, patients, turn = retried, retried_patients, again
                notices.append(f"Read as a follow-up: '{again.key_question}'.")
        unheld = self._doses_not_for(unread_terms, answer)
        if unheld:
            notices.append(unheld)
        old = self.old_evidence(answer)
        if old:
            notices.append(old)
        answer.notice = " ".join([*notices, answer.notice] if answer.notice else notices)
        answer.key_question = turn.key_question
        answer.query_variants = turn.variants
        said = frozenset(terms(text) | terms(" ".join(s.text for s in answer.statements)))
        if answer.abstained:
            # A declined turn leaves the conversation's topic and focus as they were.
            if last is not None:
                conversation.turns.append(
                    replace(last, question=text, standalone_query=turn.query, patients=patients, asked=turn.asked)
                )
            else:
                conversation.turns.append(
                    Turn(text, turn.query, turn.topic, None, "", turn.topic_parts, patients=patients, asked=turn.asked)
                )
        else:
            lead = answer.statements[0].text
            spoken = " ".join(f"{s.heading} {s.text}" for s in answer.statements)
            focus = recommendation_id(answer.statements[0].heading) or answer_focus(
                lead,
                turn.key_question,
                last.focus if last is not None else None,
                salience,
                spoken,
                answer.statements[0].heading,
            )
            if last is not None and last.focus and turn.continues and turn.asked and turn.asked == last.asked:
                # A turn that asks the last question again for another patient ("and if kidney function is
                # poor?") names who, not what: "it" still stands for what it stood for ("how do I come off it?"
                # after a gabapentin answer and that turn is about gabapentin, not the kidney its lead names).
                focus = last.focus
            # Where each statement stands (its article and headings), for the next turn's "it".
            items = answer.trace.pool.items if answer.trace is not None else []
            where = {(c.passage.chunk.id, c.text): (c.passage.chunk.article_id, c.heading) for c in items}
            sections = frozenset(where[key] for s in answer.statements if (key := (s.chunk_id, s.text)) in where)
            conversation.turns.append(
                Turn(text, turn.query, turn.topic, focus, lead, turn.topic_parts, said, sections, patients, turn.asked)
            )
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer


def open_assistant(settings: Settings, progress: Callable[[str], None] | None = None) -> Assistant:
    """The assistant over the index that ``settings`` names; an empty index is built from the corpus first."""
    from index.builder import index_corpus

    say = progress or (lambda _: None)
    if open_store(settings).count() == 0:
        say(f"clinqa: the index is empty; building it from {', '.join(map(str, settings.corpus))}")
        summary = index_corpus(settings, say)
        for skipped in summary.skipped:
            say(f"skipped {skipped.path}: {skipped.reason}")
        for warning in summary.warnings:
            say(f"warning {warning.path}: {warning.reason}")
        say(summary.line())
    return Assistant.from_settings(settings)


LLM_SOURCES = 12


def written_by_llm(llm: LLMWriter, question: str, scored: Scored, model: AnswerModel, extractive: Answer) -> Answer:
    """The model's answer from numbered source statements, verified; the extractive one on any failure."""
    view, passages = scored.question, scored.passages
    chosen = (
        scored.narrowed
        if scored.narrowed is not None
        else select(scored.pool, scored.probabilities, model, LLM_SOURCES)
    )
    if not chosen:
        return extractive
    sources = [(f"{c.passage.chunk.article_title} › {c.heading or 'Summary'}", c.text) for c, _ in chosen]
    try:
        reply = llm.answer(view.text, sources)
    except Exception as exc:  # timeouts, connection and provider errors alike: serve the checked answer
        failed = f"The language model did not answer ({type(exc).__name__}); this answer is extractive."
        extractive.notice = " ".join(n for n in (extractive.notice, failed) if n)
        return extractive
    if is_refusal(reply):
        return Answer(
            extractive.question,
            extractive.standalone_query,
            passages=passages,
            abstained=True,
            reason="The language model found no answer in the retrieved sources.",
            engine=f"llm:{llm.name}",
        )
    checked = verify(reply, [text for _, text in sources])
    if not checked.sentences:
        empty = "The language model's answer was empty; this answer is extractive."
        extractive.notice = " ".join(n for n in (extractive.notice, empty) if n)
        return extractive
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    statements: list[Statement] = []
    for sentence in checked.sentences:
        cited = []
        for source in sentence.sources:
            if source not in numbers:
                numbers[source] = len(numbers) + 1
                cand = chosen[source - 1][0]
                chunk = cand.passage.chunk
                marker = cand.markers[0] if cand.markers else None
                reference = source_reference(cand.passage, marker)
                citations.append(
                    Citation(
                        numbers[source],
                        chunk.id,
                        chunk.article_id,
                        chunk.article_title,
                        chunk.article_path,
                        chunk.section or chunk.article_title,
                        reference,
                        cand.text,
                        chunk.text,
                        chunk.url,
                        marker,
                        cand.page,
                        cand.page_label,
                        chunk.updated,
                    )
                )
            cited.append(numbers[source])
        first = chosen[sentence.sources[0] - 1][0] if sentence.sources else None
        statements.append(
            Statement(
                sentence.text,
                tuple(cited),
                first.passage.chunk.id if first else "",
                first.heading if first else "",
                sentence.supported,
                sentence.issues,
                first.page if first else None,
                first.page_label if first else None,
            )
        )
    # A notice of the extractive answer (no dose written for the group asked about) holds for this one too.
    notes = [extractive.notice] if extractive.notice else []
    if checked.dropped_markers:
        notes.append(f"Removed {len(checked.dropped_markers)} citation marker(s) that pointed at no source.")
    if checked.unsupported:
        notes.append(f"{checked.unsupported} sentence(s) are not supported by their cited sources and are marked.")
    return Answer(
        extractive.question,
        extractive.standalone_query,
        statements,
        citations,
        passages,
        notice=" ".join(notes),
        engine=f"llm:{llm.name}",
    )


def rewrite_with_llm(llm: LLMWriter, text: str, conversation: Conversation, fallback: Rewrite) -> tuple[Rewrite, str]:
    """The model's standalone form of a follow-up; the rule-based one, and why, when the model fails."""
    history = [(t.question, t.answer) for t in conversation.turns]
    try:
        standalone = llm.rewrite(text, history)
    except Exception as exc:
        return fallback, f"The language model could not rewrite the follow-up ({type(exc).__name__})."
    if not standalone:
        return fallback, ""
    topic = " ".join(dict.fromkeys([*topic_words(standalone), *fallback.topic.split()]))
    rewritten = standalone.strip() != text.strip()
    return Rewrite(standalone, standalone, topic, (), rewritten, continues=fallback.continues, asked=standalone), ""
