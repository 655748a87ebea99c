"""The assistant: a LangChain chain from a turn of a conversation to a cited Answer, or a decline.

    question + conversation
      -> standalone query            (followup.rewrite)
      -> passages                    (HybridRetriever: dense + BM25, fused)
      -> coverage check              (coverage.coverage_gap: decline, citing nothing, when not covered)
      -> extractive answer           (composer: verbatim statements, numbered citations)

The store, the embedding model and the lexical index are arguments, so tests hand in small real ones.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.composer import BRIEF, DETAILED, compose
from assistant.coverage import coverage_gap
from assistant.followup import Conversation, Turn, answer_focus, rewrite, small_talk_reply
from assistant.retriever import HybridRetriever
from assistant.types import Answer, Passage
from assistant.vocabulary import DOSE, asks_for_dose
from index.builder import open_store
from index.embeddings import load_embeddings
from index.lexical import lexical_index
from index.settings import Settings
from index.store import Store

MAX_QUESTION_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotIndexed(Exception):
    """There is no index to answer from yet."""


def clean_question(text: str) -> tuple[str, str]:
    """The question with control characters removed and its length bounded; and a notice if cut."""
    text = _CONTROL.sub(" ", text or "").strip()
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

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        """The assistant over the index that ``settings`` names; NotIndexed when it is empty."""
        store = open_store(settings)
        if store.count() == 0:
            raise NotIndexed("the index is empty: run `clinqa index` first")
        lexical = lexical_index(store, settings.lexical_dir if not settings.chroma_url else None)
        return cls(store=store, embeddings=load_embeddings(settings.embed_model), lexical=lexical)

    @property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(
            store=self.store, embeddings=self.embeddings, lexical=self.lexical, k=self.k, exclude=self.exclude
        )

    def chain(self, detailed: bool = False) -> Runnable:
        """{"question", "standalone_query", "required", "topic"} -> Answer, as a LangChain runnable."""
        retriever = self.retriever

        def retrieve(inputs: dict[str, Any]) -> tuple[list[Passage], dict[str, float]]:
            return retriever.search(inputs["standalone_query"], focus=inputs["key_question"])

        def finish(inputs: dict[str, Any]) -> Answer:
            """Decline when the passages do not cover the question; else compose the cited answer."""
            passages, timings = inputs["retrieved"]
            t0 = time.perf_counter()
            query = inputs["standalone_query"]
            gap = coverage_gap(inputs["key_question"], passages, required=inputs["required"], topic=inputs["topic"])
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
            timings["retrieve"] = sum(timings.get(k, 0.0) for k in ("embed", "dense", "lexical", "fuse"))
            timings["answer"] = timings["compose"]
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
        answer: Answer = self.chain(detailed).invoke(
            {
                "question": question,
                "standalone_query": turn.query,
                "key_question": turn.key_question,
                "required": list(turn.required),
                "topic": turn.topic if turn.rewritten else "",
            }
        )
        answer.notice = notice
        if answer.abstained:
            # A declined turn leaves the conversation's topic and focus as they were.
            if last is not None:
                conversation.turns.append(Turn(text, turn.query, last.topic, last.focus))
            else:
                conversation.turns.append(Turn(text, turn.query, turn.topic, None))
        else:
            lead = answer.statements[0].text
            focus = answer_focus(lead, turn.key_question, [s.text for s in answer.statements])
            if focus is None and turn.rewritten and last is not None:
                focus = last.focus
            conversation.turns.append(Turn(text, turn.query, turn.topic, focus))
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
