"""Deciding whether the retrieved sources cover a question; if not, the answer declines and says why.

Checks that need no fitting, because a fact decides them:

- a question with no content word ("What is the dose?" with nothing before it) names nothing to look up;
- "What is X?" must be answered from a passage about X: its article title or headings name X's words (an
  article that mentions X in passing does not define it). Not "What is first-line for X?" or "What are
  options for X?": what serves for X is asked, not what a thing is;
- a subtype the question names ("type 1", "stage 4") must be in a passage: type 5 does not answer type 1;
- what "it" stood for in a follow-up (``required``) must be in a passage, or a section where the last answer
  spoke of it must come back.

Then the fitted decision list (``assistant/model.py``) reads the turn features (``assistant/features.py``):
the question names something no source mentions (a name the corpus lacks, a special population, a word the
corpus has in no form that carries what is asked, a specific word the corpus has only in passages that do not
come up), or nothing retrieved comes close in meaning. The
answer then declines, naming the words the sources lack.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.features import TurnEvidence
from assistant.followup import topic_words
from assistant.model import AnswerModel
from assistant.question import QuestionView, designator_pattern
from assistant.types import Passage
from corpus.text import STOPWORDS, stem, terms, unaccented, words

# A question that asks what something is: "What is (are) X?", "Tell me about X", "Do you have information
# about X". Not "What is the dose of ...": that asks about X, not what X is.
DEFINITIONAL = re.compile(
    r"^\s*(what\s+(is|are)(\s+\(are\))?\s+(?!the\b|a\b|an\b|its\b|their\b|his\b|her\b|it\b)|"
    r"do you have (any )?information (about|on)\b|"
    r"tell me about\b|define\b)",
    re.IGNORECASE,
)
# "What is first-line for cramps?", "What are options for ...": the question asks what serves for something.
_SERVES_FOR = re.compile(r"\bfor\b", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    """Whether to answer, the answerable model's probability, and the reason when declining."""

    answer: bool
    probability: float
    reason: str = ""


def passage_text(passage: Passage) -> str:
    chunk = passage.chunk
    return f"{chunk.article_title}\n{' '.join(chunk.heading_path)}\n{chunk.text}"


def names_as_asked(text: str, question: str, word: str, heads: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` names what ``question`` names by ``word``: the word (with or without a possessive),
    followed by the question's next word (in any of its forms) when that is a content word ("von Willebrand
    disease" is not named by "von Willebrand factor"), and not narrowed by a content word before it that the
    question does not use ("facial agnosia" is not "agnosia", "Mowat-Wilson syndrome" not "Wilson syndrome").
    When that next word is one of ``heads`` (the head nouns of conditions' names), any of them will do: "Leigh's
    disease" names Leigh syndrome."""
    if not text.isascii():
        text = unaccented(text)
    root = re.escape(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    own = rf"\b{root}(?:'s|s'|'|s)?"
    found = re.search(rf"(?i){own}[\s-]+([^\W\d_]+)", question)
    after = found.group(1).lower() if found else ""
    ends = {stem(h) for h in heads} if stem(after) in {stem(h) for h in heads} else {stem(after)}
    either = "|".join(re.escape(e) for e in sorted(ends))
    tail = rf"[\s-]+(?:{either})" if after and after not in STOPWORDS and len(after) >= 3 else r"\b"
    asked = set(words(question))
    for match in re.finditer(rf"(?i)(?:\b([^\W\d_]+)[\s-]+)?{own}{tail}", text):
        before = (match.group(1) or "").lower()
        if not before or before in STOPWORDS or before in asked or len(before) < 3:
            return True
    return False


def title_heads(titles: Sequence[str], share: float, least: int) -> frozenset[str]:
    """The words that end at least ``share`` of ``titles``, and at least ``least`` of them, lower-cased: the
    head nouns of the names of conditions in a corpus ("syndrome", "disease")."""
    ends = Counter(found[-1].lower() for t in titles if (found := re.findall(r"[A-Za-z]+", t)))
    return frozenset(w for w, n in ends.items() if n >= least and n >= share * len(titles))


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"'{w if len(w) <= 40 else w[:37] + '...'}'" for w in words[:6])


def factual_gap(question: QuestionView, passages: Sequence[Passage], has_content: bool) -> str | None:
    """The reason one of the fact checks (module docstring) fails, or None."""
    if not has_content:
        return "The question does not name a condition, drug or topic to look up."
    if not passages:
        return "Nothing in the indexed sources matches the question."
    texts = [passage_text(p) for p in passages]
    definition = DEFINITIONAL.match(question.text)
    if definition and not _SERVES_FOR.search(question.text, definition.end()):
        wanted = {stem(w) for w in topic_words(question.text)}
        if not any(wanted <= terms(f"{p.chunk.article_title} {' '.join(p.chunk.heading_path)}") for p in passages):
            return "The indexed sources have no article or section about this."
    for designator in question.designators:
        pattern = designator_pattern(designator)
        if not any(pattern.search(t) for t in texts):
            return f"The indexed sources do not cover this: no passage mentions '{designator}'."
    if (
        question.required_groups
        and not any(question.names_required(terms(t)) for t in texts)
        and not any(question.spoken_in(p.chunk.article_id, u.heading) for p in passages for u in p.chunk.units)
    ):
        # Nor do the sections where the last answer spoke of it come back.
        return f"The indexed sources do not cover this for {', '.join(question.required)}."
    return None


def decide(evidence: TurnEvidence, model: AnswerModel) -> Decision:
    """Answer or decline by the fitted decision list; the confidence is the best statement's closeness in
    meaning (0 when a rule declines), which the evaluation's coverage-risk curve varies."""
    rule = model.answerable.fired(evidence.values)
    if rule is None:
        return Decision(True, evidence.values.get("best_context_sem", 0.0))
    if rule == "name_absent" and evidence.absent_names:
        reason = f"The indexed sources do not mention {_quoted(evidence.absent_names[:1])}."
    elif rule == "topic_absent" and evidence.rule_words.get(rule):
        reason = f"The indexed sources do not mention {_quoted([evidence.rule_words[rule]])}, in any form."
    elif rule in ("population_absent", "rare_absent") and evidence.rule_words.get(rule):
        word = evidence.rule_words[rule]
        where = "this patient group" if rule == "population_absent" else "it"
        read = f" (read as {_quoted([evidence.readings[word]])})" if word in evidence.readings else ""
        reason = f"No retrieved source mentions {_quoted([word])}{read}; the indexed sources do not cover {where}."
    elif rule == "lead_absent" and evidence.rule_words.get(rule):
        reason = (
            f"The closest source is about something else: it does not mention {_quoted([evidence.rule_words[rule]])}."
        )
    elif rule == "answer_absent" and evidence.rule_words.get(rule):
        reason = (
            f"The sources that mention {_quoted([evidence.rule_words[rule]])} say nothing that answers this question."
        )
    elif rule == "qualifier_absent" and evidence.rule_words.get(rule):
        reason = (
            f"The closest source is about another condition of a similar name: it does not mention "
            f"{_quoted([evidence.rule_words[rule]])}."
        )
    else:
        reason = "No passage of the indexed sources answers this question closely enough."
    return Decision(False, 0.0, reason)
