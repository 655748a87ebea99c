"""Shared fixtures: an isolated environment, the real embedding model, a real Chroma index of the seeds."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Everything a test run writes stays in one temporary folder, and nothing reaches a model hub.
_RUN_DIR = Path(tempfile.mkdtemp(prefix="clinqa-tests-"))
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_TEMP_DIR": str(_RUN_DIR / "gradio"),
    "MPLCONFIGDIR": str(_RUN_DIR / "mpl"),
    "IR_DATASETS_HOME": str(_RUN_DIR / "ir_datasets"),
    "CLINQA_HOME": str(_RUN_DIR / "home"),
}.items():
    os.environ[_name] = _value
for _name in ("CLINQA_CORPUS", "CLINQA_CHROMA_URL", "CLINQA_EMBED_MODEL", "CLINQA_LLM", "CLINQA_AUTH"):
    os.environ.pop(_name, None)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MEDQUAD = ROOT.parent / "shared" / "corpora" / "medquad"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_RUN_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return _RUN_DIR


@pytest.fixture(scope="session")
def embeddings():
    """The real bundled all-MiniLM-L6-v2, loaded once."""
    from index.embeddings import load_embeddings

    return load_embeddings("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def seed_settings(run_dir: Path, embeddings):
    """Settings of a home whose embedded store holds the two seed articles, built once per run."""
    from index.builder import build_index, open_store
    from index.settings import Settings

    settings = Settings.from_env({"CLINQA_HOME": str(run_dir / "seed-home")}, corpus=(SEEDS,))
    summary = build_index(settings.corpus, open_store(settings), embeddings)
    assert summary.indexed == 2 and not summary.skipped
    return settings


@pytest.fixture(scope="session")
def assistant(seed_settings, embeddings):
    from assistant.engine import Assistant
    from index.builder import open_store
    from index.lexical import lexical_index

    store = open_store(seed_settings)
    return Assistant(
        store=store,
        embeddings=embeddings,
        lexical=lexical_index(store, seed_settings.lexical_dir),
    )


def assistant_over_files(tmp_path_factory: pytest.TempPathFactory, embeddings, paths: list[Path], name: str):
    """An assistant over a fresh index of ``paths`` (linked into a corpus folder, never copied); skips when one
    of them, in ../shared, is not beside the project."""
    from assistant.engine import Assistant
    from index.builder import build_index, open_store
    from index.lexical import lexical_index
    from index.settings import Settings

    if not all(p.exists() for p in paths):
        pytest.skip("../shared is not beside the project")
    corpus = tmp_path_factory.mktemp(f"{name}-corpus")
    for path in paths:
        (corpus / path.name).symlink_to(path)
    settings = Settings.from_env({"CLINQA_HOME": str(tmp_path_factory.mktemp(f"{name}-home"))}, corpus=(corpus,))
    store = open_store(settings)
    assert build_index(settings.corpus, store, embeddings).indexed == len(paths)
    return Assistant(store=store, embeddings=embeddings, lexical=lexical_index(store, settings.lexical_dir))


def assistant_over_medquad(tmp_path_factory: pytest.TempPathFactory, embeddings, names: tuple[str, ...]):
    """An assistant over a fresh index of the named MedQuAD articles (read from ../shared, never copied)."""
    paths = [MEDQUAD / "articles" / f"{name}.md" for name in names]
    return assistant_over_files(tmp_path_factory, embeddings, paths, "medquad")
