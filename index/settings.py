"""Settings: one object built from flags, then environment variables, then defaults.

Nothing below the command line reads the environment; everything takes a Settings or explicit arguments.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.loader import BUNDLED_CORPUS

DEFAULT_EMBED_MODEL = "all-MiniLM-L6-v2"


def default_home(env: Mapping[str, str]) -> Path:
    """``$CLINQA_HOME``, else ``$XDG_DATA_HOME/clinqa``, else ``~/.local/share/clinqa``."""
    if env.get("CLINQA_HOME"):
        return Path(env["CLINQA_HOME"]).expanduser()
    base = Path(env["XDG_DATA_HOME"]).expanduser() if env.get("XDG_DATA_HOME") else Path.home() / ".local" / "share"
    return base / "clinqa"


@dataclass(frozen=True)
class Settings:
    """Where clinqa keeps its data and what it reads and runs with."""

    home: Path
    corpus: tuple[Path, ...] = (BUNDLED_CORPUS,)
    store: Path | None = None
    chroma_url: str | None = None
    chroma_token: str | None = None
    embed_model: str = DEFAULT_EMBED_MODEL
    embed_backend: str = "torch"
    embed_precision: str = "auto"
    llm: str | None = None
    llm_base_url: str | None = None
    llm_timeout_s: float = 30.0
    max_evidence_age: int | None = None  # years; older cited evidence is named in the answer's notice
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def store_dir(self) -> Path:
        """The embedded Chroma store (unused when ``chroma_url`` is set): ``store`` or HOME/store."""
        return self.store or self.home / "store"

    @property
    def lexical_dir(self) -> Path:
        """Where the saved lexical index lives: beside the embedded store, or under HOME per Chroma server."""
        if self.chroma_url:
            server = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.chroma_url.split("://", 1)[-1]).strip("_")
            return self.home / "server-lexical" / server
        return self.store_dir.parent / f"{self.store_dir.name}-lexical"

    @property
    def models_dir(self) -> Path:
        """Where derived models (the ONNX export of the embedding model) are cached."""
        return self.home / "models"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, overridden by CLINQA_* variables, overridden by non-None ``overrides`` (flags)."""
        env = os.environ if env is None else env
        settings = cls(home=default_home(env))
        if env.get("CLINQA_CORPUS"):
            settings = replace(
                settings, corpus=tuple(Path(p).expanduser() for p in env["CLINQA_CORPUS"].split(os.pathsep) if p)
            )
        if env.get("CLINQA_CHROMA_URL"):
            settings = replace(settings, chroma_url=env["CLINQA_CHROMA_URL"])
        if env.get("CLINQA_CHROMA_TOKEN"):
            settings = replace(settings, chroma_token=env["CLINQA_CHROMA_TOKEN"])
        if env.get("CLINQA_EMBED_MODEL"):
            settings = replace(settings, embed_model=env["CLINQA_EMBED_MODEL"])
        if env.get("CLINQA_EMBED_BACKEND"):
            settings = replace(settings, embed_backend=env["CLINQA_EMBED_BACKEND"])
        if env.get("CLINQA_EMBED_PRECISION"):
            settings = replace(settings, embed_precision=env["CLINQA_EMBED_PRECISION"])
        if env.get("CLINQA_LLM"):
            settings = replace(settings, llm=env["CLINQA_LLM"])
        if env.get("CLINQA_MAX_EVIDENCE_AGE", "").isdigit():
            settings = replace(settings, max_evidence_age=int(env["CLINQA_MAX_EVIDENCE_AGE"]))
        if env.get("CLINQA_LLM_BASE_URL"):
            settings = replace(settings, llm_base_url=env["CLINQA_LLM_BASE_URL"])
        given = {k: v for k, v in overrides.items() if v is not None and v != ()}
        for key in ("home", "store"):
            if key in given:
                given[key] = Path(str(given[key])).expanduser()
        if "corpus" in given:
            given["corpus"] = tuple(Path(str(p)).expanduser() for p in given["corpus"])  # type: ignore[attr-defined]
        return replace(settings, **given)  # type: ignore[arg-type]
