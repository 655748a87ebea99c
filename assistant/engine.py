"""The assistant: a LangChain chain from a turn of a conversation to a cited Answer, or a decline.

    question + conversation
      -> standalone query            (followup.rewrite)
      -> passages                    (HybridRetriever: dense + BM25, fused)
      -> coverage check              (coverage.coverage_gap: decline, citing nothing, when not covered)
      -> extractive answer           (composer: verbatim statements, numbered citations)
      -> optionally, a language model's answer from those statements, verified (llm.py, verify.py)

The store, the embedding model and the lexical index are arguments, so tests hand in small real ones.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.composer import BRIEF, DETAILED, compose, select, source_reference
from assistant.coverage import coverage_gap
from assistant.followup import Conversation, Rewrite, Turn, answer_focus, rewrite, small_talk_reply, topic_words
from assistant.llm import LLMWriter, is_refusal, load_chat_model
from assistant.retriever import HybridRetriever
from assistant.types import Answer, Citation, Passage, Statement
from assistant.verify import verify
from assistant.vocabulary import DOSE, asks_for_dose
from index.builder import embeddings_for, open_store
from index.embeddings import everyday_words
from index.lexical import LiveLexical
from index.settings import Settings
from index.store import Store

MAX_QUESTION_CHARS = 2000
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


@dataclass
class Assistant:
    """Answers the turns of conversations from one index."""

    store: Store
    embeddings: Any
    lexical: Any = None
    k: int = 6
    exclude: frozenset[str] = frozenset()
    llm: LLMWriter | None = None
    common_words: frozenset[str] | None = None

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
            embeddings=embeddings_for(settings),
            lexical=lexical,
            llm=llm,
            common_words=everyday_words(settings.embed_model),
        )

    @property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(
            store=self.store, embeddings=self.embeddings, lexical=self.lexical, k=self.k, exclude=self.exclude
        )

    def chain(self, detailed: bool = False) -> Runnable:
        """{"question", "standalone_query", "required", "topic"} -> Answer, as a LangChain runnable."""
        retriever = self.retriever

        def retrieve(inputs: dict[str, Any]) -> tuple[list[Passage], dict[str, float]]:
            return retriever.search(
                inputs["standalone_query"], focus=inputs["key_question"], variants=inputs.get("variants", ())
            )

        def finish(inputs: dict[str, Any]) -> Answer:
            """Decline when the passages do not cover the question; else compose the cited answer."""
            passages, timings = inputs["retrieved"]
            t0 = time.perf_counter()
            query = inputs["standalone_query"]
            gap = coverage_gap(
                inputs["key_question"],
                passages,
                required=inputs["required"],
                topic=inputs["topic"],
                common=self.common_words,
            )
            if gap:
                answer = Answer(inputs["question"], query, passages=passages, abstained=True, reason=gap)
            else:
                answer = compose(
                    inputs["question"],
                    query,
                    passages,
                    DETAILED if detailed else BRIEF,
                    focus=inputs["key_question"],
                    required=inputs["required"],
                )
                if not answer.statements:
                    answer = Answer(
                        inputs["question"],
                        query,
                        passages=passages,
                        abstained=True,
                        reason="No sentence of the matching passages answers the question.",
                    )
                elif asks_for_dose(inputs["key_question"]) and not any(DOSE.search(s.text) for s in answer.statements):
                    # Never let a dose question be answered by lines that give no dose.
                    answer = Answer(
                        inputs["question"],
                        query,
                        passages=passages,
                        abstained=True,
                        reason="The indexed sources mention this but give no dose for it.",
                    )
            timings["compose"] = (time.perf_counter() - t0) * 1000
            if self.llm is not None and not answer.abstained:
                t1 = time.perf_counter()
                answer = written_by_llm(self.llm, inputs, passages, answer)
                timings["llm"] = (time.perf_counter() - t1) * 1000
            timings["retrieve"] = sum(timings.get(k, 0.0) for k in ("embed", "dense", "lexical", "fuse"))
            timings["answer"] = timings["compose"] + timings.get("llm", 0.0)
            answer.timings_ms = timings
            return answer

        return RunnablePassthrough.assign(retrieved=RunnableLambda(retrieve)) | RunnableLambda(finish)

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
        turn = rewrite(text, conversation)
        last = conversation.last
        notices = [notice] if notice else []
        if self.llm is not None and last is not None:
            turn, problem = rewrite_with_llm(self.llm, text, conversation, turn)
            if problem:
                notices.append(problem)
        answer: Answer = self.chain(detailed).invoke(
            {
                "question": question,
                "standalone_query": turn.query,
                "key_question": turn.key_question,
                "required": list(turn.required),
                "topic": turn.topic if turn.rewritten else "",
                "variants": turn.variants,
            }
        )
        answer.notice = " ".join([*notices, answer.notice] if answer.notice else notices)
        answer.key_question = turn.key_question
        answer.query_variants = turn.variants
        lead_text = answer.statements[0].text if answer.statements else ""
        if answer.abstained:
            # A declined turn leaves the conversation's topic and focus as they were.
            if last is not None:
                conversation.turns.append(Turn(text, turn.query, last.topic, last.focus, last.answer, last.topic_parts))
            else:
                conversation.turns.append(Turn(text, turn.query, turn.topic, None, "", turn.topic_parts))
        else:
            lead = answer.statements[0].text
            focus = answer_focus(lead, turn.key_question, last.focus if last is not None else None)
            conversation.turns.append(Turn(text, turn.query, turn.topic, focus, lead_text, turn.topic_parts))
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
        say(summary.line())
    return Assistant.from_settings(settings)


LLM_SOURCES = 12


def written_by_llm(llm: LLMWriter, inputs: dict[str, Any], passages: list[Passage], extractive: Answer) -> Answer:
    """The model's answer from numbered source statements, verified; the extractive one on any failure."""
    question = inputs["key_question"]
    chosen = select(inputs["standalone_query"], passages, LLM_SOURCES, question, inputs["required"])
    if not chosen:
        return extractive
    sources = [(f"{c.passage.chunk.article_title} › {c.heading or 'Summary'}", c.text) for c, _ in chosen]
    try:
        reply = llm.answer(question, sources)
    except Exception as exc:  # timeouts, connection and provider errors alike: serve the checked answer
        extractive.notice = f"The language model did not answer ({type(exc).__name__}); this answer is extractive."
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
        extractive.notice = "The language model's answer was empty; this answer is extractive."
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
                marker = cand.block.markers[0] if cand.block.markers else None
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
            )
        )
    notes = []
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
    return Rewrite(standalone, standalone, topic, (), standalone.strip() != text.strip()), ""
