"""The web chat (Gradio): answers streamed beside their sources, the disclaimer always in view.

The page is served at once; the index is opened (or built, when empty) and the model loaded in a
background thread, and a question asked before that finishes waits for it. Each browser session keeps its
own conversation in Gradio session state; nothing is shared between users but the read-only index and the
local feedback file.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.followup import Conversation
from assistant.types import Answer
from index.settings import Settings
from index.store import StoreError
from ui.backend import Backend
from ui.feedback import FeedbackStore
from ui.panels import conversation_markdown, sources_html, suggestions
from ui.render import answer_markdown, escape_md

DEFAULT_DISCLAIMER = (
    "This information is intended for healthcare professionals. Any medical decision-making should rely on "
    "clinical judgment and independently verified information."
)
SCOPE_NOTE = (
    "Answers come only from the indexed guideline-summary articles, in their own words, each statement cited. "
    "When the articles do not cover a question, clinqa says so."
)
SUGGESTIONS = 3
ANSWERING = 4  # questions answered at once per process
QUEUE_SIZE = 64  # questions waiting beyond those; more are refused
SEARCHING = '<div class="sources-empty">Searching the sources…</div>'

CSS = """
#disclaimer { position: fixed; left: 0; right: 0; bottom: 0; z-index: 100; margin: 0;
  background: var(--background-fill-secondary); border-top: 2px solid var(--color-accent);
  padding: 6px 16px; font-size: 12px; max-height: 30vh; overflow-y: auto; }
.gradio-container { padding-bottom: 90px !important; }
.source { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 8px; margin-bottom: 8px; }
.source.cited { outline: 3px solid var(--color-accent); }
.src-section, .src-ref, .src-date { font-size: 13px; color: var(--body-text-color-subdued); }
.src-page { font-size: 13px; }
.src-passage { white-space: pre-wrap; font-size: 13px; margin: 6px 0; }
.src-passage mark { background: #fff3a3; color: inherit; }
#sources { max-height: 640px; overflow-y: auto; }
"""

# Citations in an answer link to their card in the sources panel; this brings the card into view.
HEAD = """
<script>
document.addEventListener('click', function (event) {
  const link = event.target.closest && event.target.closest('a[href^="#source-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const card = document.getElementById(link.getAttribute('href').slice(1));
  if (!card) return;
  card.scrollIntoView({behavior: 'smooth', block: 'center'});
  card.classList.add('cited');
  setTimeout(function () { card.classList.remove('cited'); }, 2500);
}, true);
</script>
"""


@dataclass
class Session:
    """One browser session's conversation and what it was told."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    conversation: Conversation = field(default_factory=Conversation)
    turns: list[tuple[str, Answer]] = field(default_factory=list)
    suggested: list[str] = field(default_factory=list)


def chat_text(question: str, answer: Answer) -> str:
    text = answer_markdown(answer, link_citations=True)
    if answer.standalone_query and answer.standalone_query != question.strip():
        text = f"*Searched for: {escape_md(answer.standalone_query)}*\n\n{text}"
    return text


def build_app(
    backend: Backend,
    disclaimer: str,
    corpus_line: str = "",
    feedback: FeedbackStore | None = None,
    index_version: str = "",
) -> gr.Blocks:
    """The Blocks app around a (possibly still loading) backend."""
    export_dir = Path(tempfile.mkdtemp(prefix="clinqa-export-"))
    with gr.Blocks(title="clinqa", analytics_enabled=False) as app:
        gr.Markdown(
            "## clinqa\n" + escape_md(SCOPE_NOTE) + (f"\n\n*{escape_md(corpus_line)}*" if corpus_line else ""),
            elem_id="scope",
        )
        state = gr.State(None)
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    elem_id="chat",
                    height=520,
                    sanitize_html=True,
                    feedback_options=("Like", "Dislike"),
                )
                with gr.Row():
                    box = gr.Textbox(
                        placeholder="Ask a clinical question…",
                        show_label=False,
                        scale=5,
                        max_length=100_000,
                        elem_id="question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                with gr.Row():
                    hints = [
                        gr.Button("", visible=False, size="sm", elem_classes=["suggestion"]) for _ in range(SUGGESTIONS)
                    ]
                with gr.Row():
                    length = gr.Radio(["Brief", "Detailed"], value="Brief", show_label=False, elem_id="length")
                    new = gr.Button("New chat", size="sm", elem_id="new-chat")
                    export = gr.DownloadButton("Export (Markdown)", size="sm", elem_id="export", visible=False)
                with gr.Row():
                    comment = gr.Textbox(
                        placeholder="Comment on the last answer (optional)",
                        show_label=False,
                        scale=5,
                        elem_id="comment",
                    )
                    send_comment = gr.Button("Send comment", size="sm", scale=1, elem_id="send-comment")
                thanks = gr.Markdown("", elem_id="feedback-status")
            with gr.Column(scale=2):
                gr.Markdown("**Sources**")
                sources = gr.HTML(sources_html(None), elem_id="sources")
        gr.Markdown(f"**Professional disclaimer.** {escape_md(disclaimer)}", elem_id="disclaimer")

        def respond(message: str, history: list[dict[str, Any]], session: Session | None, mode: str) -> Iterator[Any]:
            session = session if session is not None else Session()
            history = list(history or [])
            keep = [gr.update() for _ in hints]
            if not (message or "").strip():
                yield (history, session, gr.update(), "", gr.update(), *keep)
                return
            history.append({"role": "user", "content": message})
            history.append({"role": "assistant", "content": "*Searching the sources…*"})
            # The panel never shows the last answer's sources beside a new one.
            yield (history, session, SEARCHING, "", gr.update(), *keep)
            try:
                assistant = backend.get()
            except RuntimeError as exc:
                history[-1] = {"role": "assistant", "content": f"*{escape_md(str(exc))}*"}
                yield (history, session, gr.update(), "", gr.update(), *keep)
                return
            try:
                answer = assistant.ask(message, session.conversation, detailed=mode == "Detailed")
            except StoreError as exc:
                # The store (a Chroma server) is unreachable: say so; the conversation is kept as it was.
                history[-1] = {
                    "role": "assistant",
                    "content": f"*The sources cannot be searched right now: {escape_md(str(exc))}. "
                    "Nothing was answered; ask again in a moment.*",
                }
                yield (history, session, sources_html(None), message, gr.update(), *keep)
                return
            session.turns.append((message, answer))
            panel = sources_html(answer)
            # Stream the checked answer a statement at a time; nothing unverified is ever shown.
            statements = answer.statements
            for shown in range(1, len(statements)):
                partial = Answer(
                    answer.question, answer.standalone_query, statements[:shown], answer.citations, engine=answer.engine
                )
                history[-1] = {"role": "assistant", "content": chat_text(message, partial)}
                yield (history, session, panel, "", gr.update(), *keep)
            history[-1] = {"role": "assistant", "content": chat_text(message, answer)}
            session.suggested = suggestions(answer, assistant.store, SUGGESTIONS)
            updates = [gr.update(value=q, visible=True) for q in session.suggested]
            updates += [gr.update(value="", visible=False) for _ in range(SUGGESTIONS - len(session.suggested))]
            path = export_dir / f"clinqa-conversation-{session.id}.md"
            path.write_text(conversation_markdown(session.turns, disclaimer), encoding="utf-8")
            yield (history, session, panel, "", gr.update(value=str(path), visible=True), *updates)

        outputs = [chatbot, state, sources, box, export, *hints]
        send.click(respond, [box, chatbot, state, length], outputs, api_name="ask")
        box.submit(respond, [box, chatbot, state, length], outputs, api_visibility="private")
        for hint in hints:
            hint.click(respond, [hint, chatbot, state, length], outputs, api_visibility="private")

        def reset() -> tuple[Any, ...]:
            return (
                [],
                None,
                sources_html(None),
                gr.update(value=None, visible=False),
                "",
                *[gr.update(value="", visible=False) for _ in hints],
            )

        new.click(reset, None, [chatbot, state, sources, export, thanks, *hints], api_visibility="private")

        def store_feedback(session: Session | None, turn: int, rating: str | None, text: str | None) -> str:
            if feedback is None or session is None or not session.turns:
                return ""
            question, answer = session.turns[min(max(turn, 0), len(session.turns) - 1)]
            feedback.record(
                session=session.id,
                question=question,
                standalone_query=answer.standalone_query,
                answer=answer_markdown(answer),
                cited_chunk_ids=answer.cited_chunk_ids(),
                index_version=index_version,
                rating=rating,
                comment=text,
            )
            return "*Thank you: your feedback is stored on this machine.*"

        def on_like(session: Session | None, event: gr.LikeData) -> str:
            index = event.index if isinstance(event.index, int) else event.index[0]
            rating = "up" if event.liked is True else "down" if event.liked is False else None
            return store_feedback(session, index // 2, rating, None)

        def on_comment(session: Session | None, text: str) -> tuple[str, str]:
            if not (text or "").strip():
                return "", text
            return store_feedback(session, len(session.turns) - 1 if session else 0, None, text), ""

        chatbot.like(on_like, [state], [thanks], api_visibility="private")
        send_comment.click(on_comment, [state, comment], [thanks, comment], api_visibility="private")
    return app


def serve(
    settings: Settings,
    backend: Backend,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    progress: Callable[[str], None] = print,
) -> None:
    """Start the chat server around ``backend`` (blocks until stopped)."""
    disclaimer, corpus_line, version = DEFAULT_DISCLAIMER, "", ""
    try:
        from index.builder import open_store

        store = open_store(settings)
        found = store.disclaimers()
        if found:
            disclaimer = found[0]
        info = store.summary()
        version = f"{info['collection']}@{info['indexed_at']}"
        if info["chunks"]:
            corpus_line = (
                f"Corpus: {info['articles']} articles, {info['chunks']} passages, indexed {info['indexed_at']}."
            )
    except Exception:
        pass  # the page still opens; the backend reports the store's problem on the first question
    app = build_app(backend, disclaimer, corpus_line, FeedbackStore(settings.home / "feedback.sqlite3"), version)
    progress(f"clinqa: serving on http://{host}:{port}")
    # At most ANSWERING questions are answered at once (memory stays that of four answers, whatever the
    # load); up to QUEUE_SIZE wait their turn, and past that a new question is refused, not piled up.
    app.queue(default_concurrency_limit=ANSWERING, max_size=QUEUE_SIZE).launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        show_error=False,
        quiet=True,
        footer_links=[],
        css=CSS,
        head=HEAD,
        prevent_thread_lock=True,
    )
    add_pdf_route(app.server_app, lambda article_id: indexed_pdf(settings, article_id))
    app.block_thread()


def indexed_pdf(settings: Settings, article_id: str) -> Path | None:
    """The PDF file of an indexed article, or None: never a path a request names, only a file that the index
    records for ``article_id``, that is a PDF, and that lies inside one of the corpus folders."""
    if not re.fullmatch(r"[\w.\- ]{1,200}", article_id):
        return None
    try:
        from index.builder import open_store

        got = open_store(settings).collection.get(where={"article_id": article_id}, limit=1, include=["metadatas"])
    except Exception:
        return None
    metas = got.get("metadatas") or []
    if not metas:
        return None
    # The path the index run found the file at, inside a corpus folder (a corpus may link to files elsewhere).
    path = Path(str(metas[0].get("article_path", ""))).absolute()
    inside = any(path.is_relative_to(Path(folder).absolute()) for folder in settings.corpus)
    return path if inside and path.suffix.lower() == ".pdf" and path.is_file() else None


def add_pdf_route(server: Any, resolve: Callable[[str], Path | None]) -> None:
    """Serve ``/pdf/<article id>`` (the browser's viewer opens it at ``#page=N``), to signed-in users only when
    the chat has a password."""
    from starlette.requests import Request
    from starlette.responses import FileResponse, PlainTextResponse
    from starlette.routing import Route

    async def pdf(request: Request) -> Any:
        if getattr(server, "auth", None) is not None:
            cookie_id = getattr(server, "cookie_id", "")
            token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
                f"access-token-unsecure-{cookie_id}"
            )
            if not getattr(server, "tokens", {}).get(token):
                return PlainTextResponse("Sign in to the chat first.", status_code=401)
        path = resolve(request.path_params["article_id"])
        if path is None:
            return PlainTextResponse("No indexed PDF has that name.", status_code=404)
        return FileResponse(path, media_type="application/pdf", content_disposition_type="inline", filename=path.name)

    server.router.routes.insert(0, Route("/pdf/{article_id}", pdf, methods=["GET"]))
