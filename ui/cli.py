"""The `clinqa` command line: index, ask, chat, serve.

Every option has an environment variable (flags win over it). Long work prints progress on stderr; a
bad input or a missing index ends with one line `clinqa: error: ...` and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from index.embeddings import BACKENDS
from index.settings import Settings

_COMMON = [
    click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="CLINQA_HOME",
        help="Data folder for the store, lexical index and feedback [env CLINQA_HOME; default ~/.local/share/clinqa].",
    ),
    click.option(
        "--corpus",
        "corpus",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Corpus folder; repeat for several [env CLINQA_CORPUS, ':'-separated; default: the bundled articles].",
    ),
    click.option(
        "--store",
        type=click.Path(file_okay=False, path_type=Path),
        help="Embedded Chroma store folder [default HOME/store].",
    ),
    click.option(
        "--chroma-url",
        envvar="CLINQA_CHROMA_URL",
        help="Use a Chroma server (http://host:port) instead of the embedded store [env CLINQA_CHROMA_URL].",
    ),
    click.option(
        "--embed-model",
        envvar="CLINQA_EMBED_MODEL",
        help="Sentence-transformers model folder, or all-MiniLM-L6-v2 (bundled, the default) [env CLINQA_EMBED_MODEL].",
    ),
    click.option(
        "--embed-backend",
        envvar="CLINQA_EMBED_BACKEND",
        type=click.Choice(BACKENDS),
        help="Run the embedding model with torch (the default) or onnx-int8; each has its own "
        "collection [env CLINQA_EMBED_BACKEND].",
    ),
    click.option(
        "--max-evidence-age",
        type=click.IntRange(min=0),
        envvar="CLINQA_MAX_EVIDENCE_AGE",
        help="Flag cited evidence older than this many years in the answer [env CLINQA_MAX_EVIDENCE_AGE].",
    ),
    click.option(
        "--embed-precision",
        envvar="CLINQA_EMBED_PRECISION",
        type=click.Choice(["auto", "bfloat16", "float32"]),
        help="The torch backend's precision: auto builds the index at bfloat16 where the CPU computes it "
        "natively, else float32, and embeds questions at float32 [env CLINQA_EMBED_PRECISION].",
    ),
]


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_COMMON):
        func = option(func)
    return func


def make_settings(**flags: Any) -> Settings:
    return Settings.from_env(
        os.environ,
        home=flags.get("home"),
        corpus=tuple(flags.get("corpus") or ()),
        store=flags.get("store"),
        chroma_url=flags.get("chroma_url"),
        embed_model=flags.get("embed_model"),
        embed_backend=flags.get("embed_backend"),
        embed_precision=flags.get("embed_precision"),
        max_evidence_age=flags.get("max_evidence_age"),
        llm=flags.get("llm"),
        llm_base_url=flags.get("llm_base_url"),
    )


def progress(message: str) -> None:
    click.echo(message, err=True)


def fail(message: str) -> None:
    raise click.ClickException(message.splitlines()[0] if message else "failed")


def _expected_errors() -> tuple[type[BaseException], ...]:
    from assistant.engine import NotIndexed
    from assistant.llm import LLMUnavailable
    from index.builder import IndexBusy
    from index.embeddings import ModelNotFound
    from index.store import StoreError

    return (NotIndexed, ModelNotFound, StoreError, LLMUnavailable, IndexBusy)


def load_assistant(settings: Settings) -> Any:
    """The assistant over the index; an empty index is built first, with progress on stderr."""
    from assistant.engine import open_assistant

    return open_assistant(settings, progress)


class ClinqaGroup(click.Group):
    """Turns the errors a user can cause into one line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _expected_errors() as exc:
            raise click.ClickException(str(exc).splitlines()[0]) from exc


@click.group(cls=ClinqaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clinqa")
def main() -> None:
    """clinqa: answers to clinical questions from guideline-summary articles, every statement cited."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@main.command("index")
@common_options
def index_command(**flags: Any) -> None:
    """Build or update the index of the corpus (only new and changed articles are embedded)."""
    from index.builder import index_corpus

    settings = make_settings(**flags)
    summary = index_corpus(settings, progress)
    for skipped in summary.skipped:
        progress(f"skipped {skipped.path}: {skipped.reason}")
    for warning in summary.warnings:
        progress(f"warning {warning.path}: {warning.reason}")
    click.echo(summary.line())


def _print_answer(answer: Any) -> None:
    from ui.render import answer_text

    click.echo(click.style(f"Q: {answer.question}", bold=True))
    if answer.standalone_query and answer.standalone_query != answer.question.strip():
        click.echo(click.style(f"Searched for: {answer.standalone_query}", dim=True))
    click.echo("")
    click.echo(answer_text(answer, click.style))
    click.echo("")


@main.command("ask")
@click.argument("questions", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array, one object per turn.")
@click.option("--detailed", is_flag=True, help="A longer answer (more statements).")
@common_options
def ask_command(questions: tuple[str, ...], as_json: bool, detailed: bool, **flags: Any) -> None:
    """Answer QUESTIONS as successive turns of one conversation."""
    from assistant.followup import Conversation
    from ui.render import answer_json

    assistant = load_assistant(make_settings(**flags))
    conversation = Conversation()
    answers = [assistant.ask(q, conversation, detailed=detailed) for q in questions]
    if as_json:
        click.echo(json.dumps([answer_json(a) for a in answers], indent=2, ensure_ascii=False))
        return
    for answer in answers:
        _print_answer(answer)


@main.command("chat")
@click.option("--detailed", is_flag=True, help="Longer answers (more statements).")
@common_options
def chat_command(detailed: bool, **flags: Any) -> None:
    """A chat in the terminal; an empty line or Ctrl-D ends it, 'new' starts a new conversation."""
    from assistant.followup import Conversation

    assistant = load_assistant(make_settings(**flags))
    conversation = Conversation()
    interactive = sys.stdin.isatty()
    while True:
        try:
            question = input("you> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip() or question.strip().lower() in {"exit", "quit"}:
            break
        if question.strip().lower() == "new":
            conversation = Conversation()
            click.echo("(new conversation)")
            continue
        _print_answer(assistant.ask(question, conversation, detailed=detailed))


@main.command("eval")
@click.option(
    "--gold",
    "gold",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Gold JSONL file (schema in the README); repeat for several [default: the seed set].",
)
@click.option(
    "--medquad",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A MedQuAD folder (questions.jsonl, articles/): add cases sampled from it.",
)
@click.option(
    "--sample",
    default="300,60,30",
    show_default=True,
    help="MedQuAD cases to sample: retrieval,followup,out-of-corpus.",
)
@click.option("--seed", default=13, show_default=True, type=int, help="Seed of the MedQuAD sampler.")
@click.option(
    "--out",
    default="eval-report",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for report.md, report.json and report.html.",
)
@click.option("--baseline", is_flag=True, help="Also run the plain baseline pipeline, side by side.")
@click.option("--dense-only", is_flag=True, help="Also run clinqa with dense retrieval alone (what BM25 adds).")
@click.option(
    "--split",
    "part",
    type=click.Choice(["all", "fit", "report"]),
    default="all",
    show_default=True,
    help="Evaluate one part of each gold set: the part `clinqa fit` learns from, or the part kept to report on "
    "(all: both, each part shown apart).",
)
@click.option("--split-seed", default=1, show_default=True, type=int, help="Seed of the fit/report split.")
@click.option("--fit-share", default=0.5, show_default=True, type=float, help="Share of each gold set in its fit part.")
@click.option(
    "--features",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every clinqa turn's features and gold labels to this JSONL file (input of `clinqa fit`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of a table.")
@common_options
def eval_command(
    gold: tuple[Path, ...],
    medquad: Path | None,
    sample: str,
    seed: int,
    out: Path,
    baseline: bool,
    dense_only: bool,
    part: str,
    split_seed: int,
    fit_share: float,
    features: Path | None,
    as_json: bool,
    **flags: Any,
) -> None:
    """Run an offline evaluation against gold answers and write a report."""
    from evals.evaluate import Split, evaluate, gather_cases
    from evals.gold import GoldError
    from evals.report import summary_table

    try:
        sizes = tuple(int(x) for x in sample.split(","))
        if len(sizes) != 3:
            raise ValueError
    except ValueError:
        fail("--sample takes three whole numbers: retrieval,followup,out-of-corpus")
    try:
        cases = gather_cases(list(gold), medquad, sizes, seed, out)  # type: ignore[arg-type]
    except GoldError as exc:
        fail(str(exc))
    if not 0.0 < fit_share < 1.0:
        fail("--fit-share takes a number between 0 and 1")
    progress(f"eval: {len(cases)} cases" + (f", {part} part" if part != "all" else ""))
    run = evaluate(
        make_settings(**flags),
        cases,
        out,
        baseline=baseline,
        dense_only=dense_only,
        progress=progress,
        split=Split(part, split_seed, fit_share),
        features=features,
    )
    if as_json:
        click.echo(json.dumps(run.summaries, indent=2))
    else:
        rows = summary_table(run.summaries)
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        failed = [t for t in run.turns if t.failed]
        if failed:
            click.echo(f"\n{len(failed)} failed turns (see the report):")
            for t in failed[:20]:
                click.echo(f"  {t.system} {t.case_id} turn {t.turn}: {'; '.join(t.failures)}")
    progress(f"report: {run.paths['md']}, {run.paths['html']}, {run.paths['json']}")


@main.command("fit")
@click.argument("features", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the fitted model [default: the engine's own, assistant/answer_model.json].",
)
@click.option(
    "--declines-only",
    is_flag=True,
    help="Fit only when to decline; keep the engine's statement model and selection as they are.",
)
@click.option(
    "--statements-only",
    is_flag=True,
    help="Fit only the statement model and selection; keep the engine's declines as they are.",
)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="FEATURE",
    help="With --declines-only: fit only this decline rule's threshold (repeatable); keep the others.",
)
def fit_command(
    features: tuple[Path, ...], out: Path | None, declines_only: bool, statements_only: bool, rules: tuple[str, ...]
) -> None:
    """Fit the answer engine's models on FEATURES files written by `clinqa eval --split fit --features F`."""
    from assistant.model import MODEL_FILE, load_model
    from evals.fit import FitError, fit, load_records

    try:
        model, report = fit(
            load_records(features),
            keep=load_model() if declines_only else None,
            keep_declines=load_model() if statements_only else None,
            rules=rules,
        )
    except FitError as exc:
        fail(str(exc))
    target = out or MODEL_FILE
    model.save(target)
    for line in report:
        click.echo(line)
    progress(f"fitted model: {target}")


def _numbers(text: str, what: str) -> tuple[int, ...]:
    try:
        values = tuple(int(x.replace("_", "")) for x in text.split(",") if x.strip())
    except ValueError:
        values = ()
    if not values or min(values) <= 0:
        fail(f"{what} takes positive whole numbers separated by commas")
    return values


@main.command("bench")
@click.option(
    "--out",
    default="bench-results",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for bench.json and bench.md.",
)
@click.option(
    "--medquad",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A MedQuAD folder: sample the questions from it [default: the seed gold questions].",
)
@click.option(
    "--stages",
    default=",".join(("build", "recall", "latency", "startup", "pdf")),
    show_default=True,
    help="Which parts to run: build, recall, latency, startup, pdf.",
)
@click.option(
    "--pdfs",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of PDFs for the pdf stage [default: the PDFs of the corpus].",
)
@click.option(
    "--sizes", default="5000,40000,100000", show_default=True, help="Index sizes (chunks) to time queries at."
)
@click.option("--queries", default=100, show_default=True, type=int, help="Questions per size.")
@click.option(
    "--build-articles", type=int, help="Build from a seeded sample of this many article files [default: all]."
)
@click.option(
    "--backends",
    default="torch",
    show_default=True,
    help=f"Embedding backends to time the build with, comma-separated ({', '.join(BACKENDS)}).",
)
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the question and article samples.")
@common_options
def bench_command(
    out: Path,
    medquad: Path | None,
    stages: str,
    pdfs: Path | None,
    sizes: str,
    queries: int,
    build_articles: int | None,
    backends: str,
    seed: int,
    **flags: Any,
) -> None:
    """Benchmark the index build, query latency by stage and size, search recall, start-up, memory and PDF parsing."""
    from benchmarks.run import STAGES, BenchOptions, run

    chosen = tuple(s.strip() for s in stages.split(",") if s.strip())
    if not chosen or set(chosen) - set(STAGES):
        fail(f"--stages takes some of {', '.join(STAGES)}")
    backend_list = tuple(b.strip() for b in backends.split(",") if b.strip())
    if not backend_list or set(backend_list) - set(BACKENDS):
        fail(f"--backends takes some of {', '.join(BACKENDS)}")
    options = BenchOptions(
        settings=make_settings(**flags),
        out=out,
        medquad=medquad,
        sizes=_numbers(sizes, "--sizes"),
        queries=max(2, queries),
        seed=seed,
        build_articles=build_articles,
        backends=backend_list,
        stages=chosen,
        pdfs=pdfs,
    )
    try:
        run(options, progress)
    except RuntimeError as exc:
        fail(str(exc).splitlines()[0] if str(exc) else "the benchmark failed")
    progress(f"results: {out / 'bench.md'}, {out / 'bench.json'}")


@main.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="CLINQA_HOST",
    help="Address to listen on. Anything but 127.0.0.1 exposes the chat: use --auth then.",
)
@click.option("--port", default=7860, show_default=True, type=int, envvar="CLINQA_PORT", help="Port to listen on.")
@click.option("--auth", envvar="CLINQA_AUTH", help="user:password required to open the chat [env CLINQA_AUTH].")
@common_options
def serve_command(host: str, port: int, auth: str | None, **flags: Any) -> None:
    """Serve the web chat (the index is built first if it is empty)."""
    from ui.backend import start_loading

    credentials = None
    if auth:
        if ":" not in auth:
            fail("--auth takes user:password")
        user, password = auth.split(":", 1)
        credentials = (user, password)
    elif host not in ("127.0.0.1", "localhost", "::1"):
        progress(f"clinqa: warning: serving on {host} without --auth; anyone who can reach it can use it")
    settings = make_settings(**flags)
    backend = start_loading(settings, progress)  # before importing Gradio: the two overlap
    from ui.web import serve

    serve(settings, backend, host=host, port=port, auth=credentials, progress=progress)


if __name__ == "__main__":
    main(prog_name="clinqa")
