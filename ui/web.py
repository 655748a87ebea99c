"""The web chat (Gradio): the answer with its citations, the sources beside it, the disclaimer always shown.

The page is served at once; the index is opened (or built, when empty) and the model loaded in a
background thread, and a question asked before that finishes waits for it. Each browser session keeps its
own conversation in Gradio session state; nothing is shared between users but the read-only index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from assistant.followup import Conversation
from assistant.types import Answer
from index.settings import Settings
from ui.render import answer_markdown, citation_line, escape_md

DEFAULT_DISCLAIMER = (
    "This information is intended for healthcare professionals. Any medical decision-making should rely on "
    "clinical judgment and independently verified information."
)
SCOPE_NOTE = (
    "Answers come only from the indexed guideline-summary articles, in their own words, each statement cited. "
    "When the articles do not cover a question, clinqa says so."
)
LOAD_TIMEOUT_S = 600


class Backend:
    """Loads the assistant in the background; ``get`` waits for it."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._ready = threading.Event()
        self.assistant: Any = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="clinqa-load", daemon=True)

    def start(self) -> Backend:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            self.assistant = self._load()
        except Exception as exc:  # shown to the user as one line, never as a trace
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        finally:
            self._ready.set()

    def get(self, timeout: float = LOAD_TIMEOUT_S) -> Any:
        if not self._ready.wait(timeout):
            raise RuntimeError("the index is still loading; try again in a moment")
        if self.error:
            raise RuntimeError(self.error)
        return self.assistant


def sources_markdown(answer: Answer | None) -> str:
    """The sources panel: each citation with its article, section, reference entry and quoted text."""
    if answer is None:
        return "*Sources of the latest answer appear here.*"
    if answer.abstained or not answer.citations:
        return "*No sources: the question was not answered from the articles.*" if answer.abstained else ""
    parts = []
    for c in answer.citations:
        quote = "\n".join(f"> {escape_md(line)}" for line in c.quote.splitlines())
        link = f"\n\n{escape_md(c.url)}" if c.url else ""
        parts.append(f"**[{c.number}]** {escape_md(citation_line(c))}\n\n{quote}{link}")
    return "\n\n---\n\n".join(parts)


def build_app(backend: Backend, disclaimer: str, corpus_line: str = "") -> gr.Blocks:
    """The Blocks app around a (possibly still loading) backend."""
    with gr.Blocks(title="clinqa", analytics_enabled=False) as app:
        gr.Markdown("## clinqa\n" + escape_md(SCOPE_NOTE) + (f"\n\n*{escape_md(corpus_line)}*" if corpus_line else ""))
        gr.Markdown(f"**Professional disclaimer.** {escape_md(disclaimer)}", elem_id="disclaimer")
        conversation = gr.State(None)  # a Conversation per browser session, made on its first question
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Conversation", elem_id="chat", height=520, sanitize_html=True)
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask a clinical question…",
                        show_label=False,
                        scale=5,
                        max_length=100_000,
                        elem_id="question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1)
                new = gr.Button("New chat", size="sm")
            with gr.Column(scale=2):
                sources = gr.Markdown(sources_markdown(None), elem_id="sources", label="Sources")

        def respond(message: str, history: list[dict[str, Any]], conv: Conversation | None) -> Iterator[Any]:
            history = list(history or [])
            conv = conv if conv is not None else Conversation()
            if not (message or "").strip():
                yield history, conv, gr.update(), ""
                return
            history.append({"role": "user", "content": message})
            try:
                assistant = backend.get()
            except RuntimeError as exc:
                history.append({"role": "assistant", "content": f"*{escape_md(str(exc))}*"})
                yield history, conv, gr.update(), ""
                return
            answer = assistant.ask(message, conv)
            text = answer_markdown(answer)
            if answer.standalone_query and answer.standalone_query != message.strip():
                text = f"*Searched for: {escape_md(answer.standalone_query)}*\n\n{text}"
            history.append({"role": "assistant", "content": text})
            yield history, conv, sources_markdown(answer), ""

        send.click(respond, [box, chatbot, conversation], [chatbot, conversation, sources, box], api_name="ask")
        box.submit(
            respond, [box, chatbot, conversation], [chatbot, conversation, sources, box], api_visibility="private"
        )
        new.click(
            lambda: ([], None, sources_markdown(None)), None, [chatbot, conversation, sources], api_visibility="private"
        )
    return app


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    progress: Callable[[str], None] = print,
) -> None:
    """Start the chat server (blocks until stopped)."""
    from assistant.engine import open_assistant

    def load() -> Any:
        assistant = open_assistant(settings, progress)
        progress("clinqa: index loaded; ready to answer")
        return assistant

    backend = Backend(load).start()
    disclaimer, corpus_line = DEFAULT_DISCLAIMER, ""
    try:
        from index.builder import open_store

        store = open_store(settings)
        found = store.disclaimers()
        if found:
            disclaimer = found[0]
        info = store.summary()
        if info["chunks"]:
            corpus_line = (
                f"Corpus: {info['articles']} articles, {info['chunks']} passages, indexed {info['indexed_at']}."
            )
    except Exception:
        pass  # the page still opens; the backend reports the store's problem on the first question
    app = build_app(backend, disclaimer, corpus_line)
    progress(f"clinqa: serving on http://{host}:{port}")
    app.queue(default_concurrency_limit=4).launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        show_error=False,
        quiet=True,
        footer_links=[],
    )
